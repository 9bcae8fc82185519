//! `generate_files`: the project template directory walked as `os.walk` walks it (sorted
//! directories, then sorted files, then into each directory), every name rendered, contents
//! rendered unless binary or `_copy_without_render`, modes kept, newlines as the source had them.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde_json::{Map, Value as Json};

use super::compose::Template;
use super::context;
use super::environment::{Failure, Jinja, Sources};
use super::{
    binary, fnmatch, CookiecutterResult, EntryKind, Mode, Options, SkeletonEntry, SkeletonError, SkippedEntry,
};

/// One directory of the template, as `os.walk` lists it.
#[derive(Default)]
struct Dir {
    dirs: BTreeSet<String>,
    files: BTreeMap<String, usize>,
}

/// The output tree under construction (paths relative to the output directory).
struct Output {
    files: Vec<SkeletonEntry>,
    index: HashMap<String, usize>,
    total: usize,
    max_total: usize,
}

impl Output {
    fn kind(&self, path: &str) -> Option<EntryKind> {
        self.index.get(path).map(|i| self.files[*i].kind)
    }

    fn put(&mut self, file: SkeletonEntry, source: &str) -> Result<(), SkeletonError> {
        self.total = self.total.saturating_add(file.content.len());
        if self.total > self.max_total {
            return Err(SkeletonError {
                path: source.into(),
                line: None,
                column: None,
                code: "limit_error",
                message: format!("the rendered template exceeds {} bytes", self.max_total),
                hint: Some("raise limits.maxTotalOutput if this template is really this large".into()),
            });
        }
        match self.index.get(&file.path) {
            Some(&i) => self.files[i] = file,
            None => {
                self.index.insert(file.path.clone(), self.files.len());
                self.files.push(file);
            }
        }
        Ok(())
    }
}

fn error(path: &str, code: &'static str, message: String, hint: Option<&str>) -> SkeletonError {
    SkeletonError { path: path.into(), line: None, column: None, code, message, hint: hint.map(str::to_string) }
}

/// A rendered relative path made safe: `.`/empty segments dropped; `..`, absolute paths,
/// backslashes and NUL refused (cookiecutter would write wherever they point).
fn safe_relative(rendered: &str, source: &str) -> Result<Vec<String>, SkeletonError> {
    let fail = |why: &str| {
        Err(error(
            source,
            "unsafe_path",
            format!("the path renders to `{}`, {why}", rendered.escape_debug()),
            Some("a rendered name must stay inside the project folder (no `..`, leading `/`, `\\` or NUL)"),
        ))
    };
    if rendered.starts_with('/') {
        return fail("which is absolute");
    }
    if rendered.contains('\\') {
        return fail("which contains a backslash");
    }
    if rendered.contains('\0') {
        return fail("which contains a NUL character");
    }
    let segments: Vec<String> =
        rendered.split('/').filter(|s| !s.is_empty() && *s != ".").map(str::to_string).collect();
    if segments.iter().any(|s| s == "..") {
        return fail("which has a `..` segment");
    }
    Ok(segments)
}

fn mode_of(file: &SkeletonEntry) -> u32 {
    match (file.mode & 0o7777, file.kind) {
        (0, EntryKind::Directory) => 0o755,
        (0, _) => 0o644,
        (mode, _) => mode,
    }
}

/// The newline Python's universal-newlines reader reports after `readline()` (the kinds seen
/// in the 8,192-byte chunks decoded until the first line ended; the first of `\r`, `\n`,
/// `\r\n` among them), `None` when there is none.
pub(super) fn detected_newline(bytes: &[u8]) -> Option<&'static str> {
    const CR: u8 = 1;
    const LF: u8 = 2;
    const CRLF: u8 = 4;
    let mut seen = 0u8;
    let mut pending_cr = false;
    let chunks: Vec<&[u8]> = bytes.chunks(8192).collect();
    for (index, chunk) in chunks.iter().enumerate() {
        let last = index + 1 == chunks.len();
        let mut i = 0;
        if pending_cr {
            if chunk.first() == Some(&b'\n') {
                seen |= CRLF;
                i = 1;
            } else {
                seen |= CR;
            }
            pending_cr = false;
        }
        while i < chunk.len() {
            match chunk[i] {
                b'\r' if i + 1 < chunk.len() => {
                    if chunk[i + 1] == b'\n' {
                        seen |= CRLF;
                        i += 1;
                    } else {
                        seen |= CR;
                    }
                }
                b'\r' if last => seen |= CR,
                b'\r' => pending_cr = true,
                b'\n' => seen |= LF,
                _ => {}
            }
            i += 1;
        }
        if seen != 0 {
            break;
        }
    }
    if seen & CR != 0 {
        Some("\r")
    } else if seen & LF != 0 {
        Some("\n")
    } else if seen & CRLF != 0 {
        Some("\r\n")
    } else {
        None
    }
}

pub(super) fn generate(
    template: &Template,
    extra: Option<&Map<String, Json>>,
    options: &Options,
) -> Result<CookiecutterResult, SkeletonError> {
    let config_error = |message: String| error(&template.config_path, "invalid_context", message, None);
    let mut raw = template.config.clone();
    if let Some(extra) = extra {
        context::apply_overwrites(&mut raw, extra, false).map_err(|m| SkeletonError {
            code: "invalid_option",
            hint: Some("pick one of the choices cookiecutter.json lists".into()),
            ..config_error(m)
        })?;
    }
    if raw.contains_key("template") || raw.contains_key("templates") {
        return Err(config_error(
            "nested templates (a `template`/`templates` key in cookiecutter.json) are not supported: render the chosen template folder itself".into(),
        ));
    }
    let original: Map<String, Json> =
        raw.iter().filter(|(k, _)| !k.starts_with('_')).map(|(k, v)| (k.clone(), v.clone())).collect();

    let as_sources = |entries: &[super::compose::Entry]| -> HashMap<String, Vec<u8>> {
        entries
            .iter()
            .filter(|e| e.file.kind == EntryKind::File)
            .map(|e| (e.relative.clone(), e.file.content.clone()))
            .collect()
    };
    let sources = Sources { search: vec![as_sources(&template.entries), as_sources(&template.shared_templates)] };
    let jinja = Jinja::new(&raw, sources, options).map_err(|message| {
        let code =
            if message.starts_with("Unable to load extension") { "unsupported_extension" } else { "invalid_context" };
        SkeletonError { code, ..config_error(message) }
    })?;
    context::prompt(&mut raw, &jinja, options.limits.max_total_output)
        .map_err(|f| context::variable_error(f, &template.config_text, &template.config_path))?;
    raw.insert("_template".into(), Json::String(options.template_path.clone()));
    raw.insert("_output_dir".into(), Json::String(options.output_dir.clone()));
    raw.insert("_repo_dir".into(), Json::String(options.template_path.clone()));
    raw.insert("_checkout".into(), Json::Null);
    let context_json = serde_json::json!({"cookiecutter": raw, "_cookiecutter": original});
    let context = super::environment::to_value(&context_json);

    let copy_patterns: Vec<String> = match raw.get("_copy_without_render") {
        Some(Json::Array(items)) => {
            items.iter().map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_string)).collect()
        }
        _ => Vec::new(),
    };
    let copy_only = |path: &str| copy_patterns.iter().any(|p| fnmatch::fnmatch(path, p));
    let newline = match raw.get("_new_lines") {
        None | Some(Json::Null) | Some(Json::Bool(false)) => None,
        Some(Json::String(s)) if s.is_empty() => None,
        Some(Json::String(s)) if ["\n", "\r", "\r\n"].contains(&s.as_str()) => Some(s.clone()),
        Some(other) => return Err(config_error(format!("illegal newline value: {other}"))),
    };

    let display = |relative: &str| format!("{}{relative}", template.input_prefix);
    let render_name = |relative: &str, source: &str| -> Result<String, SkeletonError> {
        jinja
            .render_string(relative, source, &context)
            .map_err(|f| located(f, &display(relative), template, "in the path"))
    };

    // The project folder.
    let project_name = jinja
        .render_string(&template.template_dir, &template.template_dir, &context)
        .map_err(|f| located(f, &template.template_dir, template, "in the project folder name"))?;
    let project = safe_relative(&project_name, &template.template_dir)?;
    if project.is_empty() {
        return Err(error(
            &template.template_dir,
            "empty_name",
            format!("the project folder `{}` renders to an empty name", template.template_dir),
            Some("cookiecutter fails here (the output folder already exists); give the variable a value"),
        ));
    }
    let project = project.join("/");
    let mut output =
        Output { files: Vec::new(), index: HashMap::new(), total: 0, max_total: options.limits.max_total_output };
    for (depth, _) in project.match_indices('/').chain(std::iter::once((project.len(), ""))).enumerate() {
        let path = project.split('/').take(depth + 1).collect::<Vec<_>>().join("/");
        output.put(directory(&path, 0o755), &template.template_dir)?;
    }

    // The template tree as os.walk sees it.
    let mut tree: BTreeMap<String, Dir> = BTreeMap::new();
    tree.entry(String::new()).or_default();
    for (index, entry) in template.entries.iter().enumerate() {
        let parts: Vec<&str> = entry.relative.split('/').collect();
        for depth in 0..parts.len() {
            let parent = parts[..depth].join("/");
            let name = parts[depth].to_string();
            let is_leaf = depth + 1 == parts.len();
            let dir = tree.entry(parent).or_default();
            if is_leaf && entry.file.kind == EntryKind::File {
                dir.files.insert(name, index);
            } else {
                dir.dirs.insert(name);
                tree.entry(parts[..=depth].join("/")).or_default();
            }
        }
    }
    let entry_at = |relative: &str| template.entries.iter().find(|e| e.relative == relative).map(|e| e.file);
    let join = |a: &str, b: &str| if a.is_empty() { b.to_string() } else { format!("{a}/{b}") };

    let mut skipped = Vec::new();
    let mut stack = vec![String::new()];
    while let Some(root) = stack.pop() {
        let Some(dir) = tree.get(&root) else { continue };
        let mut render_dirs = Vec::new();
        for d in &dir.dirs {
            let relative = join(&root, d);
            if !copy_only(&relative) {
                render_dirs.push(relative);
                continue;
            }
            // Copied as it is (names below it unrendered); only its own path is rendered.
            let rendered = render_name(&relative, &relative)?;
            let out_dir = join(&project, &safe_relative(&rendered, &display(&relative))?.join("/"));
            let prefix = format!("{relative}/");
            let mode = entry_at(&relative).map_or(0o755, mode_of);
            output.put(directory(&out_dir, mode), &display(&relative))?;
            for entry in template.entries.iter().filter(|e| e.relative.starts_with(&prefix)) {
                let path = format!("{out_dir}/{}", &entry.relative[prefix.len()..]);
                let file = SkeletonEntry {
                    path,
                    kind: entry.file.kind,
                    content: entry.file.content.clone(),
                    mode: mode_of(entry.file),
                    link_target: None,
                };
                output.put(file, &display(&entry.relative))?;
            }
        }
        for relative in &render_dirs {
            let rendered = render_name(relative, relative)?;
            let segments = safe_relative(&rendered, &display(relative))?;
            let path = join(&project, &segments.join("/"));
            if output.kind(&path).is_some() {
                return Err(error(
                    &display(relative),
                    "path_conflict",
                    format!("the folder `{relative}` renders to `{path}`, which already exists"),
                    Some("cookiecutter stops here (\"directory already exists\"): a folder name that renders empty or to another folder's name is an error"),
                ));
            }
            let mut at = project.clone();
            for segment in &segments {
                at = join(&at, segment);
                match output.kind(&at) {
                    Some(EntryKind::Directory) => {}
                    Some(_) => {
                        return Err(error(
                            &display(relative),
                            "path_conflict",
                            format!("`{at}` is a file, not a folder"),
                            None,
                        ))
                    }
                    None => output.put(directory(&at, 0o755), &display(relative))?,
                }
            }
        }
        for (name, index) in &dir.files {
            let entry = &template.entries[*index];
            let relative = join(&root, name);
            let source = display(&relative);
            let rendered = render_name(&relative, &relative)?;
            let segments = safe_relative(&rendered, &source)?;
            let path = join(&project, &segments.join("/"));
            if segments.is_empty() || output.kind(&path) == Some(EntryKind::Directory) {
                skipped.push(SkippedEntry {
                    path: source.clone(),
                    rendered_path: rendered,
                    reason: "the file name renders empty (or to an existing folder), so cookiecutter leaves it out"
                        .into(),
                });
                continue;
            }
            if rendered.ends_with('/') {
                return Err(error(
                    &source,
                    "path_conflict",
                    format!("the file name renders to the folder path `{rendered}`"),
                    None,
                ));
            }
            let parent = path.rsplit_once('/').map_or("", |(p, _)| p);
            if output.kind(parent) != Some(EntryKind::Directory) {
                return Err(error(
                    &source,
                    "path_conflict",
                    format!("the file renders to `{path}`, whose folder `{parent}` does not exist"),
                    Some("cookiecutter creates only folders that are template folders"),
                ));
            }
            let content = if copy_only(&relative) || binary::is_binary(&relative, &entry.file.content) {
                entry.file.content.clone()
            } else {
                let text = jinja.render_file(&relative, &context).map_err(|f| located(f, &source, template, ""))?;
                let newline = newline.as_deref().or_else(|| detected_newline(&entry.file.content)).unwrap_or("\n");
                if newline == "\n" { text } else { text.replace('\n', newline) }.into_bytes()
            };
            let file =
                SkeletonEntry { path, kind: EntryKind::File, content, mode: mode_of(entry.file), link_target: None };
            output.put(file, &source)?;
        }
        for relative in render_dirs.iter().rev() {
            stack.push(relative.clone());
        }
    }

    let mut files = output.files;
    let mut project_dir = project.clone();
    if options.mode == Mode::Backstage {
        // fetch:cookiecutter moves the one generated entry to the workspace's targetPath.
        let prefix = format!("{project}/");
        files.retain(|f| f.path.starts_with(&prefix));
        for file in &mut files {
            file.path = file.path[prefix.len()..].to_string();
        }
        project_dir = project;
    }
    Ok(CookiecutterResult { files, skipped, project_dir, context: context_json, warnings: template.warnings.clone() })
}

fn directory(path: &str, mode: u32) -> SkeletonEntry {
    SkeletonEntry { path: path.to_string(), kind: EntryKind::Directory, content: Vec::new(), mode, link_target: None }
}

/// A render failure as an error at its file:line:column (the included file's when it is in one).
fn located(failure: Failure, source: &str, template: &Template, what: &str) -> SkeletonError {
    let path = match &failure.template {
        Some(name) if template.entries.iter().any(|e| &e.relative == name) => {
            format!("{}{name}", template.input_prefix)
        }
        Some(name) if template.shared_templates.iter().any(|e| &e.relative == name) => format!("templates/{name}"),
        Some(name) => name.clone(),
        None => source.to_string(),
    };
    let message = if what.is_empty() { failure.message } else { format!("{what}: {}", failure.message) };
    SkeletonError { path, line: failure.line, column: failure.column, code: failure.code, message, hint: failure.hint }
}

#[cfg(test)]
mod tests {
    use super::detected_newline;

    #[test]
    fn newline_detection_follows_python_readline() {
        assert_eq!(detected_newline(b"a\r\nb\n"), Some("\n"));
        assert_eq!(detected_newline(b"a\r\nb\r\n"), Some("\r\n"));
        assert_eq!(detected_newline(b"a\rb\n"), Some("\r"));
        assert_eq!(detected_newline(b"abc"), None);
        let mut late = b"a\r\n".to_vec();
        late.extend(std::iter::repeat_n(b'x', 8189));
        late.push(b'\n');
        assert_eq!(detected_newline(&late), Some("\r\n"));
    }
}
