#!/usr/bin/env bash
# README command 1: install what is missing, build everything, run Trellis on the bundled examples.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh

example=examples/python-postgres
printf '\n==> trellis check examples --manifest examples/backstage-manifest.json\n'
node dist/cli.js check examples --manifest examples/backstage-manifest.json

printf '\n==> trellis params %s/template.yaml --values %s/values.json\n' "$example" "$example"
node dist/cli.js params "$example/template.yaml" --values "$example/values.json" --apply-defaults

printf '\n==> trellis params %s/template.yaml --values %s/values-invalid.json (expected to find errors)\n' "$example" "$example"
status=0
node dist/cli.js params "$example/template.yaml" --values "$example/values-invalid.json" || status=$?
if [ "$status" -ne 1 ]; then
  echo "expected exit status 1 (invalid values) from the invalid example, got $status" >&2
  exit 1
fi
printf '\n==> trellis render %s --values %s/values.json --check tests/fixtures/render/python-postgres/expected\n' "$example" "$example"
node dist/cli.js render "$example" --values "$example/values.json" --manifest examples/backstage-manifest.json \
  --check tests/fixtures/render/python-postgres/expected

printf '\nsetup done: the examples ran as expected.\n'
