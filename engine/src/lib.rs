//! # trellis-engine
//!
//! The hot half of Trellis' core, in its own crate so the release build can optimise it for
//! speed while the rest of Trellis (checks, schemas, YAML, dry-runs) is optimised for size: a
//! Rust crate is the unit Cargo's per-package `opt-level` applies to (root Cargo.toml says what
//! each choice measured).
//!
//! * [`engine`]: Backstage's template dialect (Nunjitsu's Nunjucks with `${{ }}`): lexer, parser,
//!   evaluator, filters, JavaScript value semantics.
//! * [`render`]: rendering strings, step-input values and whole step inputs with a prepared
//!   context, a parse cache and secret redaction.
//! * [`jsregex`], [`jsfmt`]: JavaScript regular expressions and number/value printing.
//! * [`error`]: `TrellisError` and source spans, shared by every part of Trellis.
//! * [`sort`]: stable sorts sharing one compiled copy of the standard sort (wasm size).
//!
//! The `trellis` crate re-exports these modules under the same names. What is public is what
//! that crate (its checks, dry-runs and wasm layer), the tests and the fuzz harness use: parsing
//! and the syntax tree, `refs`, the built-in names, rendering with its options, limits and
//! extensions, and the values renders return; the interpreter's workings are crate-private.

pub mod engine;
pub mod error;
pub mod jsfmt;
pub mod jsregex;
pub mod render;
pub mod sort;
