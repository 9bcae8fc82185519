//! Rendering a whole skeleton directory the way Backstage's `fetch:template` does
//! (docs/backstage-behaviour.md), with Trellis' safety rules on top: nothing leaves the target,
//! symlinks are never followed, and an error means no result at all.

use serde_json::Value as Json;

use std::collections::{HashMap, HashSet};

use super::{render_string, Context, RenderError, RenderOptions};
use crate::engine::eval::{ErrorKind, Extensions, Limits};
use crate::fetch_template::{is_binary, is_skipped_path, renders_content, CopyPattern};

/// What a skeleton entry is: in a tree to render or rendered, and in a directory listing
/// (`check::SkeletonSource`). Symlinks are never followed (Backstage copies them as they are).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    File,
    Directory,
    Symlink,
    /// A socket, device or fifo in a listing: nothing a template ships, and never in a rendered
    /// tree (rendered as nothing, like a directory's content).
    Other,
}

/// One entry of a skeleton (input) or of the rendered tree (output): a file, a directory or a
/// symbolic link.
#[derive(Debug, Clone, PartialEq)]
pub struct SkeletonEntry {
    /// Relative, `/`-separated, no leading `/`; directories without a trailing `/`.
    pub path: String,
    pub kind: EntryKind,
    /// Files only (empty otherwise).
    pub content: Vec<u8>,
    /// Unix permission bits, e.g. 0o644 / 0o755 (0 = unknown → 0o644, 0o755 for directories).
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
    /// Values never to show in an error message (the task's secrets: a step may pass them in
    /// `values`), with their transformed forms (see [`crate::render::secrets`]).
    pub secrets: Vec<String>,
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
            secrets: Vec::new(),
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
    pub files: Vec<SkeletonEntry>,
    pub skipped: Vec<SkippedEntry>,
}

/// Why a skeleton did not render: which skeleton file, 1-based line/column inside it when it is
/// a template error, a code (`syntax_error` | `render_error` | `limit_error` | `unsafe_path` |
/// `unsafe_symlink` | `path_conflict` (an entry below a file) | `invalid_option`), message and
/// hint. Display gives `path:line:column: message`.
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
            _ if self.path.is_empty() => write!(f, "{}", self.message),
            _ => write!(f, "{}: {}", self.path, self.message),
        }
    }
}

impl std::error::Error for SkeletonError {}

/// Renders a skeleton as `fetch:template` does, with Backstage's filters for the public SCM hosts.
pub fn render_skeleton(
    files: &[SkeletonEntry],
    values: &Json,
    options: &SkeletonOptions,
) -> Result<SkeletonResult, SkeletonError> {
    render_skeleton_with(
        files,
        values,
        options,
        &fetch_template_extensions(crate::engine::backstage::default_integrations()),
    )
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
///
/// Per entry, as `fetch:template` does: the path is rendered (directories with their trailing
/// `/`, in extension mode after stripping the extension); a path the skip rule drops is
/// reported in `skipped`; then, beyond Backstage, a path that would leave the target is an
/// `unsafe_path` error. A file's content is copied as it is when isbinaryfile calls it binary,
/// otherwise read as UTF-8 (invalid bytes become U+FFFD, a BOM is kept, as Node's
/// `readFile(…, 'utf-8')`) and rendered when extension mode or `copyWithoutTemplating` says so.
/// Symlinks keep their link text and must resolve inside both trees. When two entries render to
/// the same path the first wins and the others are reported in `skipped` (what Backstage does
/// without `replace`: the later one finds the path taken).
pub fn render_skeleton_with(
    files: &[SkeletonEntry],
    values: &Json,
    options: &SkeletonOptions,
    extensions: &Extensions,
) -> Result<SkeletonResult, SkeletonError> {
    let extension = checked_extension(options)?;
    let patterns: Vec<CopyPattern> = options.copy_without_templating.iter().map(|p| CopyPattern::new(p)).collect();
    let mut directories: HashSet<&str> = HashSet::new();
    for file in files {
        check_input_path(file)?;
        directories.extend(ancestors(&file.path));
        if file.kind == EntryKind::Directory {
            directories.insert(&file.path);
        }
    }
    let is_dir = |path: &str| directories.contains(path);
    let render_options = RenderOptions {
        cookiecutter_compat: options.cookiecutter_compat,
        trim_blocks: options.trim_blocks,
        lstrip_blocks: options.lstrip_blocks,
        strict: options.strict,
        limits: options.limits,
        backstage_compat: false,
        no_regex_execution: false,
        // Skeletons see only `values`: the caller names the secrets a step may have put there.
        secrets: options.secrets.clone(),
    };
    let root = if options.cookiecutter_compat { "cookiecutter" } else { "values" };
    let context = Context::default().with_value(&[root], values);
    let render = |source: &str| render_string(source, &context, &render_options, extensions);

    let mut result = SkeletonResult::default();
    let mut planned: Vec<Planned> = Vec::new();
    let mut produced: HashMap<String, Produced> = HashMap::new();
    for (index, file) in files.iter().enumerate() {
        let location = if file.kind == EntryKind::Directory { format!("{}/", file.path) } else { file.path.clone() };
        let render_contents = renders_content(&file.path, extension.as_deref(), patterns.iter(), &is_dir);
        // Backstage strips the extension from the location string, marker `/` included, so a
        // directory `x.njk` becomes `x.` (mirrored as it is).
        let unrendered = match &extension {
            Some(ext) if render_contents => &location[..location.len() - ext.len()],
            _ => location.as_str(),
        };
        let rendered = render(unrendered).map_err(|e| name_error(&file.path, e))?;
        if is_skipped_path(&rendered) {
            result.skipped.push(SkippedEntry {
                path: file.path.clone(),
                rendered_path: rendered,
                reason: "the rendered path is empty, starts with `/` or contains `//` (Backstage's skip rule)".into(),
            });
            continue;
        }
        let Some(path) = safe_output_path(&rendered, file)? else {
            result.skipped.push(SkippedEntry {
                path: file.path.clone(),
                rendered_path: rendered,
                reason: "the directory renders to the target directory itself".into(),
            });
            continue;
        };
        if let Some(reason) = claim(&mut produced, &path, file)? {
            result.skipped.push(SkippedEntry { path: file.path.clone(), rendered_path: rendered, reason });
            continue;
        }
        planned.push(Planned { index, path, render_contents });
    }

    check_symlinks(files, &planned)?;

    let mut total = 0usize;
    for Planned { index, path, render_contents } in planned {
        let file = &files[index];
        let content = match file.kind {
            EntryKind::File if is_binary(&file.content) => file.content.clone(),
            EntryKind::File => {
                let text = String::from_utf8_lossy(&file.content);
                if render_contents {
                    render(&text).map_err(|e| template_error(&file.path, e))?.into_bytes()
                } else {
                    text.into_owned().into_bytes()
                }
            }
            EntryKind::Directory | EntryKind::Symlink | EntryKind::Other => Vec::new(),
        };
        total = total.saturating_add(content.len());
        if total > options.max_total_output {
            return Err(SkeletonError {
                path: file.path.clone(),
                line: None,
                column: None,
                code: "limit_error",
                message: format!("the rendered skeleton exceeds {} bytes", options.max_total_output),
                hint: Some("raise maxTotalOutput if this skeleton is really this large".into()),
            });
        }
        result.files.push(SkeletonEntry {
            path,
            kind: file.kind,
            content,
            mode: match (file.mode & 0o7777, file.kind) {
                (0, EntryKind::Directory) => 0o755,
                (0, _) => 0o644,
                (mode, _) => mode,
            },
            link_target: file.link_target.clone(),
        });
    }
    Ok(result)
}

/// An entry that survived the path rules, waiting for its content.
struct Planned {
    index: usize,
    path: String,
    render_contents: bool,
}

/// What the output tree already holds at a path.
#[derive(Clone, Copy, PartialEq)]
enum Produced {
    Entry(EntryKind),
    /// A parent of an entry, without an entry of its own (yet).
    ImpliedDirectory,
}

/// The extension of extension mode, refusing what Backstage refuses.
fn checked_extension(options: &SkeletonOptions) -> Result<Option<String>, SkeletonError> {
    let Some(ext) = options.template_file_extension.as_deref().filter(|e| !e.is_empty()) else { return Ok(None) };
    if !options.copy_without_templating.is_empty() || options.cookiecutter_compat {
        return Err(option_error(
            crate::fetch_template::EXTENSION_CONFLICT.into(),
            crate::fetch_template::EXTENSION_CONFLICT_HINT,
        ));
    }
    Ok(Some(if ext.starts_with('.') { ext.to_string() } else { format!(".{ext}") }))
}

/// Options `fetch:template` refuses (no file: the step's inputs are at fault).
fn option_error(message: String, hint: &str) -> SkeletonError {
    SkeletonError {
        path: String::new(),
        line: None,
        column: None,
        code: "invalid_option",
        message,
        hint: Some(hint.into()),
    }
}

/// The proper ancestors of a relative path, nearest last (`a/b/c` → `a`, `a/b`).
fn ancestors(path: &str) -> impl Iterator<Item = &str> {
    path.match_indices('/').map(move |(at, _)| &path[..at])
}

fn unsafe_path(path: &str, message: String) -> SkeletonError {
    SkeletonError {
        path: path.to_string(),
        line: None,
        column: None,
        code: "unsafe_path",
        message,
        hint: Some(
            "a path must render to a plain relative path inside the target (no `..`, `\\`, NUL or drive letter)".into(),
        ),
    }
}

/// Input paths are what a directory listing gives: relative, `/`-separated, normalised.
fn check_input_path(file: &SkeletonEntry) -> Result<(), SkeletonError> {
    let path = &file.path;
    if path.is_empty() || path.split('/').any(|s| s.is_empty() || s == "." || s == "..") || path.contains(['\\', '\0'])
    {
        return Err(unsafe_path(path, format!("`{path}` is not a relative skeleton path")));
    }
    Ok(())
}

/// The output path of a rendered location that passed the skip rule (one trailing `/` is a
/// directory's marker; `.` segments dropped), `None` for a directory that is the target itself,
/// or an `unsafe_path` error for anything that could leave the target.
fn safe_output_path(rendered: &str, file: &SkeletonEntry) -> Result<Option<String>, SkeletonError> {
    let fail =
        |why: &str| Err(unsafe_path(&file.path, format!("the path renders to `{}`, {why}", rendered.escape_debug())));
    let body = match rendered.strip_suffix('/') {
        Some(body) if file.kind == EntryKind::Directory => body,
        Some(_) => return fail("which names a directory, not a file"),
        None => rendered,
    };
    if body.contains('\\') {
        return fail("which contains a backslash");
    }
    if body.contains('\0') {
        return fail("which contains a NUL character");
    }
    let first = body.split('/').next().unwrap_or_default();
    if first.len() >= 2 && first.as_bytes()[0].is_ascii_alphabetic() && first.as_bytes()[1] == b':' {
        return fail("which starts with a drive letter");
    }
    let segments: Vec<&str> = body.split('/').filter(|s| *s != ".").collect();
    if segments.contains(&"..") {
        return fail("which has a `..` segment");
    }
    if segments.is_empty() {
        return if file.kind == EntryKind::Directory { Ok(None) } else { fail("which is the target directory itself") };
    }
    Ok(Some(segments.join("/")))
}

/// Records `path` in the output tree: `Some(reason)` when it is already taken (the entry is
/// skipped, first one wins), an error when a parent is a file or a symlink (writing there
/// would fail, or write through the link).
fn claim(
    produced: &mut HashMap<String, Produced>,
    path: &str,
    file: &SkeletonEntry,
) -> Result<Option<String>, SkeletonError> {
    for ancestor in ancestors(path) {
        match produced.get(ancestor) {
            Some(Produced::Entry(EntryKind::Symlink)) => {
                return Err(SkeletonError {
                    code: "unsafe_symlink",
                    ..unsafe_path(&file.path, format!("`{path}` would be written through the symlink `{ancestor}`"))
                })
            }
            Some(Produced::Entry(EntryKind::File)) => {
                return Err(SkeletonError {
                    code: "path_conflict",
                    hint: Some("rename one of the two entries".into()),
                    ..unsafe_path(
                        &file.path,
                        format!("`{path}` needs `{ancestor}` to be a directory, but it is a file"),
                    )
                })
            }
            _ => {}
        }
    }
    match produced.get(path).copied() {
        Some(Produced::ImpliedDirectory) if file.kind == EntryKind::Directory => {}
        Some(Produced::Entry(kind)) if kind == EntryKind::Directory && file.kind == EntryKind::Directory => {
            return Ok(Some(format!("the directory `{path}` is already produced by an earlier entry")));
        }
        Some(_) => return Ok(Some(format!("`{path}` is already produced by an earlier entry (the first one wins)"))),
        None => {}
    }
    for ancestor in ancestors(path) {
        produced.entry(ancestor.to_string()).or_insert(Produced::ImpliedDirectory);
    }
    produced.insert(path.to_string(), Produced::Entry(file.kind));
    Ok(None)
}

/// A tree for resolving link targets: path → the link text of symlinks, `None` for others.
type Tree<'a> = HashMap<&'a str, Option<&'a str>>;

/// Every kept symlink must resolve, following the links it passes through, inside the
/// skeleton (from where it is there) and inside the target (from where it is rendered to).
fn check_symlinks(files: &[SkeletonEntry], planned: &[Planned]) -> Result<(), SkeletonError> {
    fn link_of(file: &SkeletonEntry) -> Option<&str> {
        (file.kind == EntryKind::Symlink).then(|| file.link_target.as_deref().unwrap_or(""))
    }
    let source: Tree = files.iter().map(|f| (f.path.as_str(), link_of(f))).collect();
    let output: Tree = planned.iter().map(|p| (p.path.as_str(), link_of(&files[p.index]))).collect();
    for entry in planned {
        let file = &files[entry.index];
        let Some(target) = link_of(file) else { continue };
        for (tree, at, place) in [(&source, file.path.as_str(), "skeleton"), (&output, entry.path.as_str(), "target")] {
            let mut hops = 0;
            let start: Vec<&str> = ancestors(at).last().map_or_else(Vec::new, |dir| dir.split('/').collect());
            resolve_link(tree, start, target, &mut hops).map_err(|why| SkeletonError {
                path: file.path.clone(),
                line: None,
                column: None,
                code: "unsafe_symlink",
                message: format!("the symlink `{at}` → `{}` {why} the {place}", target.escape_debug()),
                hint: Some("Trellis never follows symlinks: keep link targets relative and inside the skeleton".into()),
            })?;
        }
    }
    Ok(())
}

/// Most links followed while resolving one target (Linux's limit).
const MAX_LINK_HOPS: u32 = 40;

/// Resolves `target` from directory `at` in `tree` as the OS would, following every symlink
/// on the way; paths the tree does not hold continue lexically. Fails when the resolution
/// leaves the tree's root, is absolute, or loops.
fn resolve_link<'a>(
    tree: &Tree<'a>,
    mut at: Vec<&'a str>,
    target: &'a str,
    hops: &mut u32,
) -> Result<Vec<&'a str>, &'static str> {
    let drive = target.len() >= 2 && target.as_bytes()[0].is_ascii_alphabetic() && target.as_bytes()[1] == b':';
    if target.is_empty() || target.starts_with('/') || target.contains(['\\', '\0']) || drive {
        return Err("is absolute or not a plain relative path, so it may point outside");
    }
    for segment in target.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                if at.pop().is_none() {
                    return Err("points outside");
                }
            }
            name => {
                at.push(name);
                let here = at.join("/");
                if let Some(Some(next)) = tree.get(here.as_str()) {
                    *hops += 1;
                    if *hops > MAX_LINK_HOPS {
                        return Err("loops through symlinks inside");
                    }
                    at.pop();
                    at = resolve_link(tree, at, next, hops)?;
                }
            }
        }
    }
    Ok(at)
}

fn name_error(path: &str, error: RenderError) -> SkeletonError {
    SkeletonError {
        message: format!("in the path `{path}`: {}", error.message),
        hint: Some("file and directory names are templates too; fix the expression or wrap it in {% raw %}".into()),
        ..template_error(path, error)
    }
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
    /// `templateFileExtension`, `cookiecutterCompat`), refusing what Backstage refuses
    /// ([`crate::fetch_template::template_inputs`]) as `invalid_option`; the rest default.
    pub fn from_inputs(
        copy_without_templating: Option<&Json>,
        template_file_extension: Option<&Json>,
        cookiecutter_compat: bool,
    ) -> Result<SkeletonOptions, SkeletonError> {
        let inputs = crate::fetch_template::template_inputs(
            copy_without_templating,
            template_file_extension,
            cookiecutter_compat,
        )
        .map_err(|problem| option_error(problem.message, problem.hint))?;
        Ok(SkeletonOptions {
            copy_without_templating: inputs.copy_without_templating.unwrap_or_default(),
            template_file_extension: inputs.template_file_extension,
            cookiecutter_compat,
            ..SkeletonOptions::default()
        })
    }
}

#[cfg(test)]
#[path = "skeleton_tests.rs"]
mod tests;
