#!/usr/bin/env bash
# Installs what is missing, then builds the wasm core (pkg/) and the TypeScript wrapper (dist/).
# Safe to run repeatedly: every install step is skipped when its result is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

WASM_BINDGEN_VERSION=0.2.130   # must equal the wasm-bindgen crate pinned in Cargo.toml

step() { printf '\n==> %s\n' "$*"; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  step "adding the wasm32-unknown-unknown Rust target"
  rustup target add wasm32-unknown-unknown
fi

if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WASM_BINDGEN_VERSION" ]; then
  step "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 3 minutes, once)"
  # Not --locked: the registry mirror here lacks one dependency version its lockfile pins.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  step "installing npm dependencies (npm ci; better-sqlite3 compiles from source, a few minutes)"
  npm ci --no-fund --no-audit
fi

step "building the wasm core"
cargo build --target wasm32-unknown-unknown --release
# --experimental-reset-state-function: `__wbg_reset_state()` re-instantiates the compiled module
# after a panic (plugin-wrapper/src/core.ts), instead of loading and compiling the glue again.
wasm-bindgen --target nodejs --weak-refs --experimental-reset-state-function --remove-name-section \
  --remove-producers-section --out-dir pkg target/wasm32-unknown-unknown/release/trellis.wasm
# Strings into wasm with TextEncoder.encodeInto, not a JavaScript loop per character (8x faster).
node scripts/glue-encode-into.cjs pkg/trellis.js

step "building the TypeScript wrapper"
npx tsc -p plugin-wrapper/tsconfig.json
chmod +x dist/cli.js

# The VS Code extension that starts `trellis lsp` (docs/editors.md), packaged offline by vsce.
vscode=editors/vscode
if [ ! -f "$vscode/node_modules/.package-lock.json" ] || [ "$vscode/package-lock.json" -nt "$vscode/node_modules/.package-lock.json" ]; then
  step "installing the VS Code extension's npm dependencies (npm ci in $vscode, once)"
  (cd "$vscode" && npm ci --no-fund --no-audit)
fi
step "packaging the VS Code extension ($vscode/trellis.vsix)"
cp LICENSE "$vscode/LICENSE"
(cd "$vscode" && npx vsce package --allow-missing-repository --out trellis.vsix > /dev/null)
echo "built: pkg/trellis_bg.wasm ($(wc -c < pkg/trellis_bg.wasm) bytes), dist/, $vscode/trellis.vsix"
