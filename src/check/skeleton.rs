//! The skeleton directories of `fetch:template` steps (and the files of `fetch:template:file`):
//! found through a [`SkeletonSource`], read once per step within fixed limits, every rendered
//! file and every name parsed with the engine, so the `skeleton-*` rules only look at the result.
//!
//! Which entries Backstage renders follows scaffolder-backend 4.3.0's `fetch:template`: every
//! entry's path is rendered; a file's content is rendered unless it is a symlink, binary
//! (isbinaryfile v5), matched by `copyWithoutTemplating` or, with `templateFileExtension`, lacks
//! that extension.

use crate::confine::FetchUrl;
use crate::fetch_template::{renders_content, template_extension, CopyPattern};
use serde_json::Value;

use super::analysis::Parsed;
use crate::engine::{self, ParseOptions};
use crate::error::Span;
use crate::read_limits::READ_LIMITS;
pub use crate::render::skeleton::EntryKind;

/// Files bigger than this are not read: the checker parses every file it reads and keeps it
/// for its rules (entries and depth are bounded by [`READ_LIMITS`]).
pub const MAX_FILE_BYTES: u64 = 2 * 1024 * 1024;
/// Bytes read (and parsed) per skeleton, within [`READ_LIMITS`]' bound on reading.
pub const MAX_TOTAL_BYTES: u64 = 64 * 1024 * 1024;
const _: () = assert!(MAX_TOTAL_BYTES <= READ_LIMITS.max_bytes);

/// Why a file was not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadError {
    /// The file is bigger than the limit asked for (its size).
    TooLarge(u64),
    Failed(String),
}

/// Read access to the files next to a template. Paths are `/`-separated, relative to the same
/// place the template's own path (`CheckOptions::path`) is relative to, and may start with `..`.
pub trait SkeletonSource {
    /// What is at `path`, without following a symlink; `None` when nothing is there, an error
    /// when that cannot be told (unreadable, or outside what the reader may show): the step's
    /// skeleton is then not checked at all.
    fn kind(&self, path: &str) -> Result<Option<EntryKind>, String>;
    /// The names and kinds in directory `path`.
    fn list(&self, path: &str) -> Result<Vec<(String, EntryKind)>, String>;
    /// The bytes of file `path`; `ReadError::TooLarge` without reading when it exceeds `max`.
    fn read(&self, path: &str, max: u64) -> Result<Vec<u8>, ReadError>;
    /// Unix permission bits of `path` (0 when unknown: rendered files then get 0o644).
    fn mode(&self, _path: &str) -> u32 {
        0
    }
    /// The link text of symlink `path` (`readlink`), when the reader can tell.
    fn link_target(&self, _path: &str) -> Option<String> {
        None
    }
    /// The folder reads for the template at `template_path` are confined to (its repository
    /// root), relative like the paths; `None`: no bound (see src/confine.rs).
    fn root(&self, _template_path: &str) -> Option<String> {
        None
    }
}

/// [`SkeletonSource`] on the file system, paths relative to `root`.
pub struct FsSource {
    pub root: std::path::PathBuf,
}

impl FsSource {
    pub fn new(root: impl Into<std::path::PathBuf>) -> FsSource {
        FsSource { root: root.into() }
    }
}

fn kind_of(file_type: std::fs::FileType) -> EntryKind {
    if file_type.is_symlink() {
        EntryKind::Symlink
    } else if file_type.is_dir() {
        EntryKind::Directory
    } else if file_type.is_file() {
        EntryKind::File
    } else {
        EntryKind::Other
    }
}

impl SkeletonSource for FsSource {
    fn kind(&self, path: &str) -> Result<Option<EntryKind>, String> {
        use std::io::ErrorKind::{NotADirectory, NotFound};
        match std::fs::symlink_metadata(self.root.join(path)) {
            Ok(metadata) => Ok(Some(kind_of(metadata.file_type()))),
            Err(e) if matches!(e.kind(), NotFound | NotADirectory) => Ok(None),
            Err(e) => Err(e.to_string()),
        }
    }

    fn list(&self, path: &str) -> Result<Vec<(String, EntryKind)>, String> {
        let entries = std::fs::read_dir(self.root.join(path)).map_err(|e| e.to_string())?;
        let mut out = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|e| e.to_string())?;
            let kind = entry.file_type().map(kind_of).unwrap_or(EntryKind::Other);
            out.push((entry.file_name().to_string_lossy().into_owned(), kind));
        }
        Ok(out)
    }

    fn read(&self, path: &str, max: u64) -> Result<Vec<u8>, ReadError> {
        let full = self.root.join(path);
        let size = std::fs::metadata(&full).map_err(|e| ReadError::Failed(e.to_string()))?.len();
        if size > max {
            return Err(ReadError::TooLarge(size));
        }
        std::fs::read(&full).map_err(|e| ReadError::Failed(e.to_string()))
    }

    #[cfg(unix)]
    fn mode(&self, path: &str) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        std::fs::symlink_metadata(self.root.join(path)).map_or(0, |m| m.permissions().mode() & 0o7777)
    }

    fn link_target(&self, path: &str) -> Option<String> {
        std::fs::read_link(self.root.join(path)).ok().map(|t| t.to_string_lossy().into_owned())
    }

    /// Confined to the folder it reads from, named as the template path names files: `.` for a
    /// relative path, the folder itself for an absolute one.
    fn root(&self, template_path: &str) -> Option<String> {
        if !template_path.starts_with('/') {
            return Some(".".into());
        }
        let folder = self.root.to_string_lossy().replace('\\', "/");
        Some(if folder.starts_with('/') { join(&folder, ".") } else { "/".into() })
    }
}

/// `relative` resolved against directory `base`, lexically (`.` dropped, `..` cancels the
/// segment before it, leading `..` kept). The empty path is `.`.
pub fn join(base: &str, relative: &str) -> String {
    let absolute = base.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for segment in base.split('/').chain(relative.split('/')) {
        match segment {
            "" | "." => {}
            ".." if parts.last().is_some_and(|p| *p != "..") => {
                parts.pop();
            }
            ".." if absolute => {}
            other => parts.push(other),
        }
    }
    let joined = parts.join("/");
    match (absolute, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".to_string(),
        (false, false) => joined,
    }
}

/// The directory part of a `/`-separated path (`.` for a bare name).
pub fn parent(path: &str) -> &str {
    match path.rfind('/') {
        Some(0) => "/",
        Some(at) => &path[..at],
        None => ".",
    }
}

/// The local path of a fetch `url`, or `None` when it is read from elsewhere: an absolute URL
/// (Backstage's test is `new URL(url)`), a host-first URL such as `github.com/o/r`, an absolute
/// path, or a templated value.
pub fn local_url(url: &str) -> Option<&str> {
    if url.is_empty() || url.contains("${{") || url.contains("{%") || url.starts_with('/') || url.starts_with('\\') {
        return None;
    }
    let scheme_len = url.bytes().take_while(|b| b.is_ascii_alphanumeric() || b"+.-".contains(b)).count();
    if scheme_len > 0 && url.as_bytes()[0].is_ascii_alphabetic() && url[scheme_len..].starts_with(':') {
        return None;
    }
    let first = url.split('/').next().unwrap_or_default();
    let host_like = first != "." && first != ".." && url.contains('/') && {
        let tld = first.rsplit('.').next().unwrap_or_default();
        first.contains('.') && (2..=6).contains(&tld.len()) && tld.bytes().all(|b| b.is_ascii_alphabetic())
    };
    (!host_like).then_some(url)
}

pub use crate::fetch_template::{extname, is_binary};

/// Which fetch action a step uses, which decides what is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FetchKind {
    /// `fetch:template`: a directory, names and contents rendered.
    Template,
    /// `fetch:template:file`: one file, its content always rendered.
    TemplateFile,
    /// `fetch:plain` (a directory) and `fetch:plain:file` (a file): only checked to exist.
    Copy { file: bool },
    /// `fetch:cookiecutter` and `trellis:fetch:cookiecutter`: a cookiecutter folder, checked by
    /// `cookiecutter::check` (Jinja2, not Backstage's dialect).
    Cookiecutter,
}

impl FetchKind {
    pub fn of(action: &str) -> Option<FetchKind> {
        Some(match action {
            // Trellis' own action renders skeletons as fetch:template does (with its engine).
            "fetch:template" | "trellis:fetch:template" => FetchKind::Template,
            "fetch:template:file" => FetchKind::TemplateFile,
            "fetch:plain" => FetchKind::Copy { file: false },
            "fetch:cookiecutter" | "trellis:fetch:cookiecutter" => FetchKind::Cookiecutter,
            "fetch:plain:file" => FetchKind::Copy { file: true },
            _ => return None,
        })
    }

    pub fn wants_file(self) -> bool {
        matches!(self, FetchKind::TemplateFile | FetchKind::Copy { file: true })
    }
}

/// One `copyWithoutTemplating` pattern and where the template writes it.
pub struct Pattern {
    pub glob: CopyPattern,
    /// JSON pointer of the pattern in the template.
    pub pointer: String,
}

impl std::ops::Deref for Pattern {
    type Target = CopyPattern;

    fn deref(&self) -> &CopyPattern {
        &self.glob
    }
}

/// How a `fetch:template(:file)` step renders.
pub struct Render {
    pub parse: ParseOptions,
    /// The context root skeletons read: `values`, or `cookiecutter` with `cookiecutterCompat`.
    pub root: &'static str,
    /// Keys of the step's `values` when it is a literal mapping (none given = empty).
    pub values: Option<Vec<String>>,
    pub copy_without_templating: Vec<Pattern>,
    /// `templateFileExtension` (with its leading dot) and its pointer.
    pub extension: Option<(String, String)>,
    /// `copyWithoutTemplating` or `templateFileExtension` is computed at run time, so which
    /// contents are rendered is unknown (and they are not checked).
    pub contents_unknown: bool,
}

/// What became of a file's content.
pub enum Content {
    /// Rendered by Backstage: the text (UTF-8, invalid bytes replaced as Node does) and its parse.
    Rendered { text: String, parsed: Parsed },
    /// Copied as it is (binary, symlink, `copyWithoutTemplating`, not the template extension).
    Copied,
    /// Not checked: too large, unreadable or over the byte budget (a note says why).
    Unchecked,
    /// A directory.
    Dir,
}

/// One entry of a skeleton.
pub struct Entry {
    /// Path inside the skeleton (`/`-separated); empty for the file of `fetch:template:file`.
    pub path: String,
    pub kind: EntryKind,
    /// Parse of the entry's own name when Backstage renders it.
    pub name: Option<Parsed>,
    pub content: Content,
}

/// What was found at the url.
pub enum Found {
    Missing,
    /// The url leaves the repository root (`url-outside-root`): nothing was read.
    OutsideRoot {
        root: String,
        escape: crate::confine::Escape,
    },
    /// Something other than what the action reads (a file where a directory is needed…).
    WrongKind(EntryKind),
    Entries(Vec<Entry>),
}

/// A reason part of a skeleton was not checked.
pub struct Note {
    pub message: String,
}

/// One fetch step's skeleton.
pub struct Skeleton {
    pub step: usize,
    pub step_id: String,
    pub action: String,
    pub kind: FetchKind,
    pub url: String,
    pub url_pointer: String,
    /// The resolved path, relative like the template's path.
    pub path: String,
    /// For the rendering actions.
    pub render: Option<Render>,
    pub found: Found,
    /// When missing: the names of the kind needed in the parent directory (for did-you-mean).
    pub siblings: Vec<String>,
    pub notes: Vec<Note>,
    /// A cookiecutter step's folder, checked (the `cookiecutter-*` rules).
    pub cookiecutter: Option<CookiecutterFolder>,
}

/// What `cookiecutter::check` found in a cookiecutter step's folder, and the texts of the files
/// its findings point into (for code frames).
pub struct CookiecutterFolder {
    pub analysis: crate::cookiecutter::check::Analysis,
    pub texts: Vec<(String, String)>,
}

impl Skeleton {
    /// The findings of a cookiecutter step's folder about `concern`, as diagnostics of `rule`:
    /// in the folder's files, or at the step's input in the template.
    pub fn cookiecutter_findings(
        &self,
        context: &super::Context,
        rule: &super::RuleInfo,
        concern: crate::cookiecutter::check::Concern,
    ) -> Vec<crate::diagnostics::Diagnostic> {
        use crate::cookiecutter::check::Place;
        use crate::diagnostics::Severity;
        let Some(folder) = &self.cookiecutter else { return Vec::new() };
        let findings = folder.analysis.findings.iter().filter(|f| f.concern == concern);
        findings
            .map(|finding| {
                let severity = if finding.error { rule.default_severity } else { Severity::Warning };
                let mut hint = finding.hint.clone();
                if let Some(near) = finding.name.as_ref().and_then(|n| context.closest(n, &folder.analysis.defined)) {
                    hint = format!("did you mean `cookiecutter.{near}`? {hint}");
                }
                let hint = Some(format!("{hint} (step `{}`, url `{}`)", self.step_id, self.url));
                match &finding.place {
                    Place::File { path, line, column, end_line, end_column } => super::context::diagnostic_in(
                        join(&self.path, path),
                        rule.id,
                        severity,
                        Span::new(*line as u32, *column as u32, *end_line as u32, *end_column as u32),
                        finding.message.clone(),
                        hint,
                    ),
                    Place::Value { key } => {
                        let key = key.replace('~', "~0").replace('/', "~1");
                        let pointer = format!("/spec/steps/{}/input/values/{key}", self.step);
                        let span = context.node_span(&pointer, false);
                        context.diagnostic(rule.id, severity, span, finding.message.clone(), hint)
                    }
                    Place::Input { field, index } => {
                        let pointer = format!("/spec/steps/{}/input/{field}/{index}", self.step);
                        let span = context.node_span(&pointer, false);
                        context.diagnostic(rule.id, severity, span, finding.message.clone(), hint)
                    }
                }
            })
            .collect()
    }
}

impl Skeleton {
    /// The path of an entry, relative like the template's path (used as the diagnostic's file).
    pub fn file_of(&self, entry: &Entry) -> String {
        if entry.path.is_empty() {
            self.path.clone()
        } else {
            join(&self.path, &entry.path)
        }
    }

    pub fn entries(&self) -> &[Entry] {
        match &self.found {
            Found::Entries(entries) => entries,
            _ => &[],
        }
    }
}

/// The 1-based span of bytes `start..end` of `text`.
pub fn span_in(text: &str, start: usize, end: usize) -> Span {
    let (line, column) = engine::position(text, start);
    let (end_line, end_column) = engine::position(text, end.max(start + 1));
    Span::new(line, column, end_line, end_column)
}

/// Reads the skeleton of every fetch step of a template at `template_path`.
pub fn collect(steps: &[Value], template_path: &str, source: &dyn SkeletonSource) -> Vec<Skeleton> {
    let root = source.root(template_path);
    let mut out = Vec::new();
    for (index, step) in steps.iter().enumerate() {
        let Some(action) = step.get("action").and_then(Value::as_str) else { continue };
        let Some(kind) = FetchKind::of(action) else { continue };
        let Some(url) = step.pointer("/input/url").and_then(Value::as_str) else { continue };
        let (path, outside) = match crate::confine::fetch_url(url, template_path, root.as_deref()) {
            FetchUrl::Remote => continue,
            FetchUrl::Local(path) => (path, false),
            FetchUrl::OutsideRoot(resolved) => (resolved, true),
        };
        let step_id =
            step.get("id").and_then(Value::as_str).map_or_else(|| format!("step-{}", index + 1), str::to_string);
        let pointer = format!("/spec/steps/{index}/input");
        let render = match kind {
            FetchKind::Template | FetchKind::TemplateFile => Some(render_settings(step, &pointer)),
            FetchKind::Copy { .. } | FetchKind::Cookiecutter => None,
        };
        let mut skeleton = Skeleton {
            step: index,
            step_id,
            action: action.to_string(),
            kind,
            url: url.to_string(),
            url_pointer: format!("{pointer}/url"),
            path,
            render,
            found: Found::Missing,
            siblings: Vec::new(),
            notes: Vec::new(),
            cookiecutter: None,
        };
        if outside {
            let escape = crate::confine::Escape::Path;
            skeleton.found = Found::OutsideRoot { root: root.clone().unwrap_or_default(), escape };
            out.push(skeleton);
            continue;
        }
        skeleton.found = match (source.kind(&skeleton.path), kind.wants_file()) {
            // Backstage's copy follows a linked skeleton; Trellis does not, so it says nothing,
            // as when the reader cannot tell.
            (Err(reason), _) if root.is_some() && crate::confine::refused_by_reader(&reason) => {
                Found::OutsideRoot { root: root.clone().unwrap_or_default(), escape: crate::confine::Escape::Link }
            }
            (Ok(Some(EntryKind::Symlink)) | Err(_), _) => continue,
            (Ok(None), _) => Found::Missing,
            (Ok(Some(EntryKind::Directory)), false) | (Ok(Some(EntryKind::File)), true) => Found::Entries(Vec::new()),
            (Ok(Some(other)), _) => Found::WrongKind(other),
        };
        if matches!(skeleton.found, Found::Missing) {
            let wanted = if kind.wants_file() { EntryKind::File } else { EntryKind::Directory };
            let listing = source.list(parent(&skeleton.path)).unwrap_or_default();
            skeleton.siblings =
                listing.into_iter().filter(|(_, k)| *k == wanted).map(|(name, _)| name).take(1000).collect();
        }
        if matches!(skeleton.found, Found::Entries(_)) && kind == FetchKind::Cookiecutter {
            let mut notes = Vec::new();
            skeleton.cookiecutter = Some(check_cookiecutter(step, &skeleton, source, &mut notes));
            skeleton.notes = notes;
        }
        if matches!(skeleton.found, Found::Entries(_)) && skeleton.render.is_some() {
            let mut notes = Vec::new();
            let entries = read_entries(&skeleton, source, &mut notes);
            skeleton.found = Found::Entries(entries);
            skeleton.notes = notes;
        }
        out.push(skeleton);
    }
    out
}

fn render_settings(step: &Value, pointer: &str) -> Render {
    let input = step.get("input");
    let flag = |key: &str| input.and_then(|i| i.get(key)).and_then(Value::as_bool).unwrap_or(false);
    let cookiecutter = flag("cookiecutterCompat");
    let parse = ParseOptions {
        cookiecutter_compat: cookiecutter,
        trim_blocks: flag("trimBlocks"),
        lstrip_blocks: flag("lstripBlocks"),
    };
    let values = match input.and_then(|i| i.get("values")) {
        None | Some(Value::Null) => Some(Vec::new()),
        Some(Value::Object(map)) => Some(map.keys().cloned().collect()),
        Some(_) => None,
    };
    let templated = |value: &Value| value.as_str().is_some_and(|s| s.contains("${{") || s.contains("{%"));
    let contents_unknown = match input.and_then(|i| i.get("copyWithoutTemplating")) {
        Some(Value::Array(items)) => items.iter().any(|item| !item.is_string() || templated(item)),
        Some(other) => templated(other),
        None => false,
    } || input.and_then(|i| i.get("templateFileExtension")).is_some_and(templated);
    let extension = input
        .and_then(|i| i.get("templateFileExtension"))
        .filter(|value| !templated(value))
        .and_then(|value| template_extension(Some(value)).ok().flatten())
        .map(|ext| (ext, format!("{pointer}/templateFileExtension")));
    let copy_without_templating = match input.and_then(|i| i.get("copyWithoutTemplating")) {
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .filter_map(|(i, item)| {
                let text = item.as_str().filter(|t| !t.contains("${{") && !t.contains("{%"))?;
                Some(Pattern { glob: CopyPattern::new(text), pointer: format!("{pointer}/copyWithoutTemplating/{i}") })
            })
            .collect(),
        _ => Vec::new(),
    };
    Render {
        parse,
        root: if cookiecutter { "cookiecutter" } else { "values" },
        values,
        copy_without_templating,
        extension,
        contents_unknown,
    }
}

/// Reads a cookiecutter step's folder (bounded as skeletons are) and checks it as the step
/// renders it: Backstage mode, with the step's `values`, `copyWithoutRender` and `extensions`.
fn check_cookiecutter(
    step: &Value,
    skeleton: &Skeleton,
    source: &dyn SkeletonSource,
    notes: &mut Vec<Note>,
) -> CookiecutterFolder {
    use crate::cookiecutter::check::{check_template, CheckInput, Place, Runner};
    let input = step.get("input");
    let templated = |text: &str| text.contains("${{") || text.contains("{%");
    let list = |key: &str| match input.and_then(|i| i.get(key)) {
        Some(Value::Array(items)) => {
            Some(items.iter().filter_map(Value::as_str).filter(|t| !templated(t)).map(str::to_string).collect())
        }
        _ => None,
    };
    let empty = serde_json::Map::new();
    let values = match input.and_then(|i| i.get("values")) {
        None | Some(Value::Null) => Some(&empty),
        Some(Value::Object(map)) => Some(map),
        Some(_) => None,
    };
    let check_input = CheckInput {
        mode: crate::cookiecutter::Mode::Backstage,
        runner: if skeleton.action.starts_with("trellis:") { Runner::Trellis } else { Runner::Python },
        values,
        copy_without_render: list("copyWithoutRender"),
        extensions: list("extensions"),
    };
    let files = read_folder(&skeleton.path, source, notes);
    let analysis = check_template(&files, &check_input);
    let mut texts: Vec<(String, String)> = Vec::new();
    for finding in &analysis.findings {
        let Place::File { path, .. } = &finding.place else { continue };
        let Some(file) = files.iter().find(|f| f.path == *path && f.kind == EntryKind::File) else { continue };
        let shown = join(&skeleton.path, path);
        if !texts.iter().any(|(p, _)| *p == shown) {
            texts.push((shown, String::from_utf8_lossy(&file.content).into_owned()));
        }
    }
    CookiecutterFolder { analysis, texts }
}

/// Every entry of the folder at `path` with the bytes of its files, as `readSkeletonDir` gives
/// them (paths relative to the folder, sorted), within the skeleton limits: what is over them is
/// left out (or empty) with a note.
pub fn read_folder(
    path: &str,
    source: &dyn SkeletonSource,
    notes: &mut Vec<Note>,
) -> Vec<crate::cookiecutter::SkeletonEntry> {
    let mut files = Vec::new();
    let mut budget = MAX_TOTAL_BYTES;
    for entry in list_tree(path, source, notes) {
        let full = join(path, &entry.path);
        let content = match entry.kind {
            EntryKind::File => match source.read(&full, MAX_FILE_BYTES.min(budget)) {
                Ok(bytes) => {
                    budget = budget.saturating_sub(bytes.len() as u64);
                    bytes
                }
                Err(ReadError::TooLarge(size)) => {
                    notes.push(Note { message: format!("`{full}` not checked: {size} bytes, over the limit") });
                    Vec::new()
                }
                Err(ReadError::Failed(error)) => {
                    notes.push(Note { message: format!("cannot read `{full}`: {error}") });
                    Vec::new()
                }
            },
            _ => Vec::new(),
        };
        files.push(crate::cookiecutter::SkeletonEntry {
            path: entry.path,
            kind: entry.kind,
            content,
            mode: 0,
            link_target: None,
        });
    }
    files
}

/// Lists the skeleton (bounded), then reads and parses what Backstage renders.
fn read_entries(skeleton: &Skeleton, source: &dyn SkeletonSource, notes: &mut Vec<Note>) -> Vec<Entry> {
    let Some(render) = &skeleton.render else { return Vec::new() };
    if skeleton.kind == FetchKind::TemplateFile {
        // The one file is always rendered, without binary detection; its name is not.
        let mut entry = Entry { path: String::new(), kind: EntryKind::File, name: None, content: Content::Unchecked };
        let mut budget = MAX_TOTAL_BYTES;
        entry.content = read_content(&skeleton.path, source, &render.parse, false, &mut budget, notes);
        return vec![entry];
    }
    let mut entries = list_tree(&skeleton.path, source, notes);
    let dirs: Vec<String> = entries.iter().filter(|e| e.kind == EntryKind::Directory).map(|e| e.path.clone()).collect();
    let is_dir = |path: &str| dirs.binary_search_by(|d| d.as_str().cmp(path)).is_ok();
    let mut budget = MAX_TOTAL_BYTES;
    for entry in &mut entries {
        let name = entry.path.rsplit('/').next().unwrap_or_default();
        entry.name = Some(Parsed::new(name, &render.parse));
        if entry.kind == EntryKind::Directory {
            entry.content = Content::Dir;
            continue;
        }
        let extension = render.extension.as_ref().map(|(ext, _)| ext.as_str());
        let patterns = render.copy_without_templating.iter().map(|p| &p.glob);
        let rendered = entry.kind == EntryKind::File
            && !render.contents_unknown
            && renders_content(&entry.path, extension, patterns, &is_dir);
        entry.content = if rendered {
            read_content(&join(&skeleton.path, &entry.path), source, &render.parse, true, &mut budget, notes)
        } else {
            Content::Copied
        };
    }
    entries
}

/// Every entry under `root`, sorted by path, within [`READ_LIMITS`]' entries and depth.
fn list_tree(root: &str, source: &dyn SkeletonSource, notes: &mut Vec<Note>) -> Vec<Entry> {
    let mut entries = Vec::new();
    let mut pending = vec![(String::new(), 0usize)];
    'dirs: while let Some((dir, depth)) = pending.pop() {
        let listing = match source.list(&join(root, &dir)) {
            Ok(listing) => listing,
            Err(error) => {
                notes.push(Note { message: format!("cannot list `{}`: {error}", join(root, &dir)) });
                continue;
            }
        };
        for (name, kind) in listing {
            // A reader's odd names must not make the walk revisit a directory.
            if name.is_empty() || name == "." || name == ".." || name.contains('/') {
                continue;
            }
            if entries.len() >= READ_LIMITS.max_entries {
                notes.push(Note {
                    message: format!(
                        "more than {} files and directories; only the first were checked",
                        READ_LIMITS.max_entries
                    ),
                });
                break 'dirs;
            }
            let path = if dir.is_empty() { name } else { format!("{dir}/{name}") };
            if kind == EntryKind::Directory {
                if depth + 1 >= READ_LIMITS.max_depth {
                    let message = format!("`{path}` is nested more than {} deep; not checked", READ_LIMITS.max_depth);
                    notes.push(Note { message });
                } else {
                    pending.push((path.clone(), depth + 1));
                }
            }
            entries.push(Entry { path, kind, name: None, content: Content::Unchecked });
        }
    }
    crate::sort::sort_by(&mut entries, |a, b| a.path.cmp(&b.path));
    entries
}

fn read_content(
    path: &str,
    source: &dyn SkeletonSource,
    parse: &ParseOptions,
    detect_binary: bool,
    budget: &mut u64,
    notes: &mut Vec<Note>,
) -> Content {
    let max = MAX_FILE_BYTES.min(*budget);
    match source.read(path, max) {
        Ok(bytes) => {
            *budget = budget.saturating_sub(bytes.len() as u64);
            if detect_binary && is_binary(&bytes) {
                return Content::Copied;
            }
            // Valid UTF-8 (nearly every file) is taken as it is, without a copy.
            let text = String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
            let parsed = Parsed::new(&text, parse);
            Content::Rendered { text, parsed }
        }
        Err(ReadError::TooLarge(size)) if max < MAX_FILE_BYTES => {
            notes.push(Note {
                message: format!(
                    "`{path}` ({size} bytes) not checked: the skeleton exceeds {MAX_TOTAL_BYTES} bytes in total"
                ),
            });
            Content::Unchecked
        }
        Err(ReadError::TooLarge(size)) => {
            notes.push(Note { message: format!("`{path}` not checked: {size} bytes, over {MAX_FILE_BYTES}") });
            Content::Unchecked
        }
        Err(ReadError::Failed(error)) => {
            notes.push(Note { message: format!("cannot read `{path}`: {error}") });
            Content::Unchecked
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_lexically() {
        assert_eq!(join(".", "./skeleton"), "skeleton");
        assert_eq!(join("templates/a", "../../skeletons/x/"), "skeletons/x");
        assert_eq!(join("a", "../../x"), "../x");
        assert_eq!(join("/t/a", "../../../x"), "/x");
        assert_eq!(join("a", "."), "a");
        assert_eq!(parent("template.yaml"), ".");
        assert_eq!(parent("a/b/template.yaml"), "a/b");
    }

    #[test]
    fn local_urls() {
        for local in ["./skeleton", "skeleton", "../../skeletons/x", "./content.v2/"] {
            assert_eq!(local_url(local), Some(local), "{local}");
        }
        for remote in
            ["https://github.com/o/r/tree/main/x", "github.com/o/r/x", "file:///x", "${{ parameters.url }}", "/abs", ""]
        {
            assert_eq!(local_url(remote), None, "{remote}");
        }
    }

    /// A skeleton of `width` files per directory, `depth` levels deep, every file `size` bytes.
    struct Generated {
        width: usize,
        size: u64,
    }

    impl SkeletonSource for Generated {
        fn kind(&self, path: &str) -> Result<Option<EntryKind>, String> {
            if path.starts_with("..") {
                return Err("outside".into());
            }
            Ok(Some(if path.ends_with(".txt") { EntryKind::File } else { EntryKind::Directory }))
        }
        fn list(&self, _: &str) -> Result<Vec<(String, EntryKind)>, String> {
            let mut out: Vec<_> = (0..self.width).map(|i| (format!("f{i}.txt"), EntryKind::File)).collect();
            out.push(("sub".into(), EntryKind::Directory));
            Ok(out)
        }
        fn read(&self, _: &str, max: u64) -> Result<Vec<u8>, ReadError> {
            if self.size > max {
                return Err(ReadError::TooLarge(self.size));
            }
            Ok(b"x".repeat(self.size as usize))
        }
    }

    fn steps() -> Vec<Value> {
        vec![serde_json::json!({"id": "fetch", "action": "fetch:template", "input": {"url": "./skeleton"}})]
    }

    #[test]
    fn endless_skeletons_stop_at_the_limits_with_a_note() {
        let source = Generated { width: 3, size: 10 };
        let skeletons = collect(&steps(), "t/template.yaml", &source);
        assert_eq!(skeletons[0].path, "t/skeleton");
        let notes: Vec<&str> = skeletons[0].notes.iter().map(|n| n.message.as_str()).collect();
        assert!(notes.iter().any(|n| n.contains("nested more than 64 deep")), "{notes:?}");
        // 64 directory levels of 3 files and `sub` each; the innermost `sub` is listed, not entered.
        assert_eq!(skeletons[0].entries().len(), 64 * 4);

        let wide = Generated { width: READ_LIMITS.max_entries + 10, size: 10 };
        let skeletons = collect(&steps(), "template.yaml", &wide);
        assert_eq!(skeletons[0].entries().len(), READ_LIMITS.max_entries);
        assert!(skeletons[0].notes[0].message.contains("more than 50000 files"));
    }

    #[test]
    fn a_skeleton_the_reader_cannot_tell_about_is_skipped() {
        let steps = vec![serde_json::json!({"action": "fetch:template", "input": {"url": "../../x"}})];
        assert!(collect(&steps, "a/template.yaml", &Generated { width: 1, size: 1 }).is_empty());
    }

    #[test]
    fn big_files_are_not_read() {
        let source = Generated { width: 1, size: MAX_FILE_BYTES + 1 };
        let skeletons = collect(&steps(), "template.yaml", &source);
        let entries = skeletons[0].entries();
        assert!(entries.iter().filter(|e| e.kind == EntryKind::File).all(|e| matches!(e.content, Content::Unchecked)));
        assert!(skeletons[0].notes.iter().any(|n| n.message.contains("not checked: 2097153 bytes")));
    }
}
