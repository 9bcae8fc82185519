//! Cookiecutter templates rendered in-process, as cookiecutter 2.7.1 renders them with
//! `--no-input` and hooks off, on minijinja (Jinja2 semantics; docs/backstage-behaviour.md lists
//! every rule with its source, docs/cookiecutter.md the user-facing side).
//!
//! Two modes: [`Mode::Plain`] takes a cookiecutter template folder (`cookiecutter.json` beside a
//! `{{cookiecutter.…}}` folder) and returns `<project>/…` as the `cookiecutter` CLI writes it;
//! [`Mode::Backstage`] takes the folder Backstage's `fetch:cookiecutter` fetches and returns what
//! that action copies to its `targetPath` (see [`compose`]).
//!
//! Templates are untrusted: every render is bounded (fuel, recursion, output bytes), a rendered
//! path that would leave the output is an error, symlinks are refused (cookiecutter would copy
//! what they point to), and any error means no result at all.

mod binary;
pub mod check;
mod clock;
mod compose;
mod context;
mod environment;
mod fnmatch;
mod generate;
mod preprocess;
mod python;
mod slugify;
mod syntax_walk;

use serde_json::Value as Json;

pub use crate::render::skeleton::{EntryKind, SkeletonEntry, SkeletonError, SkippedEntry};
pub use binary::is_binary as cookiecutter_is_binary;
pub use slugify::{slugify, SlugifyOptions};

/// Which template shape the files have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// A cookiecutter template folder, rendered as `cookiecutter --no-input` does.
    Plain,
    /// The folder given to Backstage's `fetch:cookiecutter` (its own `cookiecutter.json`
    /// optional), rendered as that action does.
    Backstage,
}

/// Bounds on one render (templates are untrusted).
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// minijinja fuel per rendered file, path or variable (about one unit per instruction plus
    /// one per 64 bytes created).
    pub fuel: u64,
    /// Nesting of includes, macros and blocks.
    pub recursion: usize,
    /// Sum of the bytes of every output file.
    pub max_total_output: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits { fuel: 50_000_000, recursion: 100, max_total_output: crate::render::skeleton::DEFAULT_MAX_TOTAL_OUTPUT }
    }
}

/// How to render.
#[derive(Debug, Clone)]
pub struct Options {
    pub mode: Mode,
    /// The clock of `{% now %}`: an RFC 3339 time whose offset is the `'local'` zone
    /// (`2024-05-01T12:00:00+02:00`). The host passes its clock; tests pass a fixed one.
    pub now: String,
    /// Seeds `random_ascii_string` and `uuid4` (reproducible renders); `None` draws from the OS.
    pub seed: Option<u64>,
    /// Backstage mode: fetch:cookiecutter's `copyWithoutRender` and `extensions` inputs (an
    /// absent input removes the template's own `_copy_without_render` / `_extensions`).
    pub copy_without_render: Option<Vec<String>>,
    pub extensions: Option<Vec<String>>,
    /// What `cookiecutter._template`, `_repo_dir` and `_output_dir` hold (paths on the machine
    /// that runs cookiecutter; templates rarely read them).
    pub template_path: String,
    pub output_dir: String,
    pub limits: Limits,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            mode: Mode::Plain,
            now: "1970-01-01T00:00:00+00:00".into(),
            seed: None,
            copy_without_render: None,
            extensions: None,
            template_path: ".".into(),
            output_dir: ".".into(),
            limits: Limits::default(),
        }
    }
}

/// A rendered template.
#[derive(Debug, Clone, Default)]
pub struct CookiecutterResult {
    /// Plain mode: `<project>/…` (the project folder first); Backstage mode: paths relative to
    /// the action's `targetPath`. Directories included, parents before children.
    pub files: Vec<SkeletonEntry>,
    /// Files whose name rendered empty (cookiecutter leaves them out).
    pub skipped: Vec<SkippedEntry>,
    /// The rendered project folder's name (`contents` in Backstage mode).
    pub project_dir: String,
    /// The context the files were rendered with (`{cookiecutter, _cookiecutter}`).
    pub context: Json,
    /// What Trellis did not do that cookiecutter would have (hooks).
    pub warnings: Vec<String>,
}

/// Whether `now` is a clock `Options::now` accepts; `Err` says what it must look like.
pub fn check_now(now: &str) -> Result<(), String> {
    clock::parse_now(now).map(|_| ())
}

/// The host's clock (UTC) in the form `Options::now` takes.
pub fn host_now() -> String {
    clock::host_now_utc()
}

/// Renders a cookiecutter template. `values` is the extra context in plain mode (what
/// `cookiecutter --no-input TEMPLATE key=value` or `extra_context` gives) and fetch:cookiecutter's
/// `values` input in Backstage mode.
pub fn render_cookiecutter(
    files: &[SkeletonEntry],
    values: &Json,
    options: &Options,
) -> Result<CookiecutterResult, SkeletonError> {
    let values = match values {
        Json::Object(map) => map,
        Json::Null => &serde_json::Map::new(),
        _ => return Err(invalid_option("values must be an object")),
    };
    let template = match options.mode {
        Mode::Plain => compose::plain(files)?,
        Mode::Backstage => compose::backstage(files, values, options)?,
    };
    let extra = if options.mode == Mode::Plain { Some(values) } else { None };
    generate::generate(&template, extra, options)
}

fn invalid_option(message: &str) -> SkeletonError {
    SkeletonError {
        path: String::new(),
        line: None,
        column: None,
        code: "invalid_option",
        message: message.into(),
        hint: None,
    }
}

#[cfg(test)]
mod tests;
