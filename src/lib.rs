//! # Trellis
//!
//! The core of Trellis: checks, validates and renders Backstage Software Templates the way
//! Backstage's scaffolder does, compiled to WebAssembly for the npm package (a scaffolder
//! backend module and a CLI) and usable natively from Rust.
//!
//! Data flows one way: text → [`yaml`] (JSON values with spans) → [`template`] (the entity and
//! its form pages) → [`params`] (verdicts on parameter values) → results carrying source
//! positions. [`wasm`] only converts between JavaScript and these types.
//!
//! ```
//! use trellis::{template::{SourceFormat, Template}, params::{validate_parameters, ParameterOptions}};
//! let template = Template::parse(
//!     "spec:\n  parameters:\n    - required: [name]\n      properties:\n        name: {type: string}\n",
//!     SourceFormat::Yaml,
//!     Some("template.yaml"),
//! ).unwrap();
//! let result = validate_parameters(&template, &serde_json::json!({}), &ParameterOptions::default()).unwrap();
//! assert!(!result.valid);
//! assert_eq!(result.errors[0].message, "name: is required");
//! assert_eq!((result.errors[0].line, result.errors[0].column), (Some(5), Some(9)));
//! ```

pub use trellis_engine::{engine, error, jsfmt, jsregex, sort};

mod calendar;
pub mod check;
pub mod confine;
pub mod cookiecutter;
pub mod diagnostics;
pub mod dryrun;
pub mod fetch_template;
pub mod lsp;
pub mod manifest;
pub mod params;
pub mod placeholders;
pub mod read_limits;
pub mod render;
pub mod template;
pub mod yaml;

#[cfg(target_arch = "wasm32")]
mod heap;
#[cfg(target_arch = "wasm32")]
pub mod wasm;

#[cfg(target_arch = "wasm32")]
#[global_allocator]
static HEAP: heap::GeometricHeap = heap::GeometricHeap;

pub use error::{Span, TrellisError};
