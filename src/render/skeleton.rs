//! Rendering a whole skeleton directory the way Backstage's `fetch:template` does (spec §4),
//! with Trellis' safety rules on top: nothing leaves the target, symlinks are never followed,
//! and an error means no result at all.

use serde_json::Value as Json;

use super::{render_string, Context, RenderError, RenderOptions};
use crate::engine::eval::{ErrorKind, Extensions, Limits};

/// What a skeleton entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    File,
    Directory,
    Symlink,
}

/// One entry of a skeleton (input) or of the rendered tree (output).
#[derive(Debug, Clone, PartialEq)]
pub struct SkeletonFile {
    /// Relative, `/`-separated, no leading `/`; directories without a trailing `/`.
    pub path: String,
    pub kind: EntryKind,
    /// Files only (empty otherwise).
    pub content: Vec<u8>,
    /// Unix permission bits, e.g. 0o644 / 0o755 (0 = unknown → 0o644).
    pub mode: u32,
    /// Symlinks only: the link text as read (`readlink`).
    pub link_target: Option<String>,
}

/// `fetch:template`'s inputs that decide rendering, plus Trellis' own bounds.
#[derive(Debug, Clone)]
pub struct SkeletonOptions {
    /// globby patterns, `!` negation.
    pub copy_without_templating: Vec<String>,
    /// Already normalised: `Some(".njk")` for `true`, `None` for false/absent.
    pub template_file_extension: Option<String>,
    pub cookiecutter_compat: bool,
    pub trim_blocks: bool,
    pub lstrip_blocks: bool,
    /// Undefined names are errors.
    pub strict: bool,
    /// Per-file render limits (Nunjitsu defaults).
    pub limits: Limits,
    /// Bound on the sum of rendered bytes.
    pub max_total_output: usize,
}

/// Default bound on the bytes of one rendered skeleton.
pub const DEFAULT_MAX_TOTAL_OUTPUT: usize = 256 * 1024 * 1024;

impl Default for SkeletonOptions {
    fn default() -> SkeletonOptions {
        SkeletonOptions {
            copy_without_templating: Vec::new(),
            template_file_extension: None,
            cookiecutter_compat: false,
            trim_blocks: false,
            lstrip_blocks: false,
            strict: false,
            limits: Limits::default(),
            max_total_output: DEFAULT_MAX_TOTAL_OUTPUT,
        }
    }
}

/// An entry Backstage's skip rule left out (rendered path empty, starting with `/` or holding `//`).
#[derive(Debug, Clone, PartialEq)]
pub struct SkippedEntry {
    pub path: String,
    pub rendered_path: String,
    pub reason: String,
}

/// The rendered tree: entries in input order, directories included.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SkeletonResult {
    pub files: Vec<SkeletonFile>,
    pub skipped: Vec<SkippedEntry>,
}

/// Why a skeleton did not render: which skeleton file, 1-based line/column inside it when it is
/// a template error, a code (`syntax_error` | `render_error` | `limit_error` | `unsafe_path` |
/// `unsafe_symlink` | `invalid_option`), message and hint.
#[derive(Debug, Clone, PartialEq)]
pub struct SkeletonError {
    pub path: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub code: &'static str,
    pub message: String,
    pub hint: Option<String>,
}

impl std::fmt::Display for SkeletonError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.line, self.column) {
            (Some(line), Some(column)) => write!(f, "{}:{line}:{column}: {}", self.path, self.message),
            _ => write!(f, "{}: {}", self.path, self.message),
        }
    }
}

impl std::error::Error for SkeletonError {}

/// Renders a skeleton as `fetch:template` does, with Backstage's filters for the public SCM hosts.
pub fn render_skeleton(
    files: &[SkeletonFile],
    values: &Json,
    options: &SkeletonOptions,
) -> Result<SkeletonResult, SkeletonError> {
    render_skeleton_with(files, values, options, &fetch_template_extensions(crate::engine::backstage::default_integrations()))
}

/// The filters `fetch:template` renders with: Backstage's, without the workflow runner's
/// `always()`/`failure()` globals.
pub fn fetch_template_extensions(integrations: std::collections::BTreeMap<String, String>) -> Extensions {
    let mut extensions = crate::engine::backstage::extensions(integrations);
    extensions.functions.remove("always");
    extensions.functions.remove("failure");
    extensions
}

/// [`render_skeleton`] with the caller's filters and globals (a module's, other integrations).
pub fn render_skeleton_with(
    files: &[SkeletonFile],
    values: &Json,
    options: &SkeletonOptions,
    extensions: &Extensions,
) -> Result<SkeletonResult, SkeletonError> {
    let render_options = RenderOptions {
        cookiecutter_compat: options.cookiecutter_compat,
        trim_blocks: options.trim_blocks,
        lstrip_blocks: options.lstrip_blocks,
        strict: options.strict,
        limits: options.limits,
        backstage_compat: false,
        no_regex_execution: false,
    };
    let root = if options.cookiecutter_compat { "cookiecutter" } else { "values" };
    let context = Context::default().with_value(&[root], values);
    let mut result = SkeletonResult::default();
    for file in files {
        let location = if file.kind == EntryKind::Directory { format!("{}/", file.path) } else { file.path.clone() };
        let rendered = render_string(&location, &context, &render_options, extensions)
            .map_err(|e| template_error(&file.path, e))?;
        if rendered.is_empty() || rendered.starts_with('/') || rendered.contains("//") {
            result.skipped.push(SkippedEntry {
                path: file.path.clone(),
                rendered_path: rendered,
                reason: "the rendered path is empty, starts with `/` or contains `//`".into(),
            });
            continue;
        }
        let path = rendered.trim_end_matches('/').to_string();
        let content = match file.kind {
            EntryKind::File => {
                let text = String::from_utf8_lossy(&file.content);
                render_string(&text, &context, &render_options, extensions)
                    .map_err(|e| template_error(&file.path, e))?
                    .into_bytes()
            }
            _ => Vec::new(),
        };
        result.files.push(SkeletonFile { path, kind: file.kind, content, mode: file.mode, link_target: file.link_target.clone() });
    }
    Ok(result)
}

fn template_error(path: &str, error: RenderError) -> SkeletonError {
    let code = match error.kind {
        ErrorKind::Syntax => "syntax_error",
        ErrorKind::Evaluation => "render_error",
        ErrorKind::Limit => "limit_error",
    };
    SkeletonError {
        path: path.to_string(),
        line: Some(error.line as usize),
        column: Some(error.column as usize),
        code,
        message: error.message,
        hint: None,
    }
}

impl SkeletonOptions {
    /// Options from `fetch:template`'s raw inputs (`copyWithoutTemplating`,
    /// `templateFileExtension`, `cookiecutterCompat`), refusing what Backstage refuses with an
    /// `InputError` (`invalid_option`); the rest default.
    pub fn from_inputs(
        copy_without_templating: Option<&Json>,
        template_file_extension: Option<&Json>,
        cookiecutter_compat: bool,
    ) -> Result<SkeletonOptions, SkeletonError> {
        let invalid = |message: String, hint: &str| SkeletonError {
            path: String::new(),
            line: None,
            column: None,
            code: "invalid_option",
            message,
            hint: Some(hint.into()),
        };
        let patterns = match copy_without_templating {
            None | Some(Json::Null) => None,
            Some(Json::Array(items)) => Some(
                items
                    .iter()
                    .map(|item| item.as_str().map(str::to_string))
                    .collect::<Option<Vec<String>>>()
                    .ok_or_else(|| invalid("copyWithoutTemplating must be an array of strings".into(), "list glob patterns as strings"))?,
            ),
            Some(_) => {
                return Err(invalid(
                    "copyWithoutTemplating must be an array".into(),
                    "write it as a list, e.g. `copyWithoutTemplating: ['static/**']`",
                ))
            }
        };
        let extension = crate::fetch_template::template_extension(template_file_extension)
            .map_err(|m| invalid(m, "use `true` (for .njk) or an extension such as `.tmpl`"))?;
        if extension.is_some() && (patterns.is_some() || cookiecutter_compat) {
            return Err(invalid(
                crate::fetch_template::EXTENSION_CONFLICT.into(),
                "in extension mode only files ending in the extension are rendered; drop one of the options",
            ));
        }
        Ok(SkeletonOptions {
            copy_without_templating: patterns.unwrap_or_default(),
            template_file_extension: extension,
            cookiecutter_compat,
            ..SkeletonOptions::default()
        })
    }
}
