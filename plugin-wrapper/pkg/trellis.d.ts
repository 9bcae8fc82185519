// The wasm core's generated types (pkg/trellis.d.ts, written by wasm-bindgen), at the same path
// relative to plugin-wrapper/src as pkg/ is relative to dist/: the wrapper imports
// '../pkg/trellis', which resolves here while compiling and to the real pkg/ once built.
export * from '../../pkg/trellis';
