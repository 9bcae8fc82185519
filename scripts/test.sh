#!/usr/bin/env bash
# README command 2: every test. Builds first (incrementally), so it also works on a fresh clone.
set -euo pipefail
cd "$(dirname "$0")/.."

corpus="${TRELLIS_CORPUS:-../shared/corpus}"
if [ ! -d "$corpus" ]; then
  echo "error: the template corpus is missing at $corpus." >&2
  echo "Trellis' tests read real templates from ../shared/corpus next to this clone; put it there or set TRELLIS_CORPUS." >&2
  exit 2
fi

bash scripts/build.sh

printf '\n==> the real cookiecutter 2.7.1 for the differential tests (target/cookiecutter-venv, once)\n'
bash scripts/cookiecutter-venv.sh > /dev/null

printf '\n==> Rust core: native tests\n'
cargo test

printf '\n==> wasm exports under Node (wasm-bindgen-test)\n'
cargo test --target wasm32-unknown-unknown --test wasm_node

# The scaffolder modules whose actions schemas/manifest/module-actions.json records, for its drift
# test (module-actions.test.cjs): their own npm project, installed once (cold: about 1.5 minutes).
modules=scripts/module-actions
if [ ! -f "$modules/node_modules/.package-lock.json" ] || [ "$modules/package-lock.json" -nt "$modules/node_modules/.package-lock.json" ]; then
  printf '\n==> installing the scaffolder modules of %s (npm ci, once)\n' "$modules"
  npm ci --prefix "$modules" --ignore-scripts --no-fund --no-audit
fi

# The JavaScript tests get a temp folder of their own (TMPDIR), which must be empty once they are
# done: each test removes what it makes there, whether it passed or failed.
test_tmp="$(mktemp -d)"
trap 'rm -rf "$test_tmp"' EXIT

printf '\n==> JavaScript API, CLI, Backstage module (real scaffolder backend), parity with npm jsonschema\n'
TMPDIR="$test_tmp" node --test --test-reporter=spec plugin-wrapper/test/*.test.cjs

printf '\n==> the packed package installed into a fresh Backstage backend app from the npm registry, real tasks\n'
# Cold (a fresh clone): npm ci of tests/real-app/app, about 3 minutes; then from .cache/real-app.
TMPDIR="$test_tmp" node --test --test-reporter=spec tests/real-app/install.test.cjs

if [ -n "$(ls -A "$test_tmp")" ]; then
  echo "error: the tests left these in their temp folder (TMPDIR=$test_tmp):" >&2
  ls -lA "$test_tmp" >&2
  exit 1
fi

printf '\n==> the Backstage module in a real scaffolder backend again, on Node.js 22\n'
bash scripts/test-node22.sh
