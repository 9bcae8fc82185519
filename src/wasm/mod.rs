//! The JavaScript boundary: converts arguments and results, nothing else. One file per concern
//! of the API (`params`, `check`, `render`, `skeleton`, `dryrun`), on shared pieces: `error` (the
//! one converter from Rust failures to JavaScript `Error`s), `options` (the one options parser,
//! and the instance manifest), `reader` (the JavaScript skeleton reader) and `panic`. A new
//! export goes in the file of its concern, or in a new file with its `mod` line here.
//!
//! Large values cross as JSON text (2–3× cheaper than structured conversion at template sizes).
//! Every JSON parameter and result is typed in the generated `pkg/trellis.d.ts` as
//! `Json<"Shape">`, a string branded with the name of what it holds, which the TypeScript wrapper
//! maps to its own type (plugin-wrapper/src/coreInstance.ts `CoreJson`), so a mismatch between
//! the two sides is a compile error there. Failures become JavaScript `Error`s with location
//! fields, except those of the `Renderer`'s hot calls, which come back tagged in the result.

use wasm_bindgen::prelude::*;

mod check;
mod cookiecutter;
mod dryrun;
mod error;
mod lsp;
mod options;
mod panic;
mod params;
mod placeholders;
mod reader;
mod render;
mod skeleton;
mod yaml;

// The exports, also under `trellis::wasm::` for Rust callers (tests/wasm_node.rs).
pub use check::{action_manifest, check_files, check_template, check_template_syntax, expand_glob, list_rules};
pub use cookiecutter::render_cookiecutter;
pub use dryrun::{compare_trees, dry_run_template};
pub use lsp::LspWorkspace;
pub use panic::{panic_for_test, take_panic_message};
pub use params::{parameters_report, validate_parameters};
pub use placeholders::resolve_placeholders;
pub use reader::read_limits;
pub use render::{prepare_context_json, BenchTasks, PreparedContext, Renderer};
pub use skeleton::{fetch_template_inputs, is_binary_file, SkeletonBuilder, SkeletonOutput};
pub use yaml::parse_yaml;

#[wasm_bindgen(typescript_custom_section)]
const SHARED_TYPES: &str = r#"
/**
 * JSON text crossing the boundary, branded with the name of what it holds (`Json<"CheckResult">`).
 * plugin-wrapper/src/coreInstance.ts maps each name to its TypeScript type.
 */
export type Json<Shape extends string> = string & { readonly __json: Shape };

/** What a path is for a skeleton reader; symbolic links are reported as such, never followed. */
export type ReaderEntryKind = "file" | "dir" | "symlink" | "other";

/**
 * Read access to files next to a template, called synchronously (src/wasm/reader.rs): `kind`
 * throws when it cannot tell (the skeleton is then skipped); `read` returns the size instead of
 * the bytes when the file exceeds `maxBytes`.
 */
export interface SkeletonReader {
  kind(path: string): ReaderEntryKind | null;
  list(path: string): [string, ReaderEntryKind][];
  read(path: string, maxBytes: number): Uint8Array | number;
  mode?(path: string): number;
  readlink?(path: string): string;
}

/** A skeleton entry as a JavaScript object (dry-run results, `compareTrees` arguments). */
export interface SkeletonEntryObject {
  path: string;
  type?: "file" | "directory" | "symlink";
  mode?: number;
  content?: Uint8Array | string;
  symlink?: string;
}
"#;

/// The core's version, to check the JavaScript and wasm halves belong together.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// Size of the module's linear memory in bytes (it never shrinks; tests and the soak script
/// watch it to prove failed renders do not keep growing it).
#[wasm_bindgen(js_name = memoryBytes)]
pub fn memory_bytes() -> f64 {
    (core::arch::wasm32::memory_size(0) * 65536) as f64
}
