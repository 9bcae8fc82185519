//! The actions an offline dry-run runs itself, on the in-memory workspace, as scaffolder-backend
//! 4.3.0's handlers do (docs/backstage-behaviour.md): `fetch:template` (and `trellis:fetch:template`),
//! `fetch:template:file`, `fetch:plain`, `fetch:plain:file`, `fs:rename`, `fs:delete`,
//! `fs:readdir`, `debug:log`, `trellis:template:check`; `fetch:cookiecutter` and
//! `trellis:fetch:cookiecutter` in `actions/cookiecutter.rs`, `trellis:parameters:validate` in
//! `actions/parameters.rs`.

mod cookiecutter;
mod parameters;

use serde_json::{json, Value};

use super::{Runner, SkippedEntryReport, StepReport};
use crate::check::skeleton::{join, EntryKind as SourceKind, ReadError};
use crate::confine::{fetch_url, outside_root_message, refused_by_reader, Escape, FetchUrl};
use crate::error::{Span, TrellisError};
use crate::manifest::Manifest;
use crate::read_limits::READ_LIMITS;
use crate::render::skeleton::{
    render_skeleton, EntryKind, SkeletonEntry, SkeletonError, SkeletonOptions, SkippedEntry,
};

/// Outputs of one run (`ctx.output(name, value)` calls).
type Outputs = Vec<(String, Value)>;

/// The output schema a faked step's output is made from. The manifest always holds Backstage's
/// built-in actions and Trellis' own (`Manifest::builtin`, which `Manifest::builtin_merged_with` extends).
pub fn output_schema(action: &str, manifest: &Manifest) -> Option<Value> {
    manifest.action(action)?.schema.output.clone()
}

/// The input schema the scaffolder checks an action's input against.
pub fn input_schema(action: &str, manifest: &Manifest) -> Option<Value> {
    manifest.action(action)?.schema.input.clone()
}

/// Runs `action` with `input`; what it outputs.
pub fn run(
    runner: &mut Runner,
    pointer: &str,
    step_id: &str,
    action: &str,
    input: &Value,
    report: &mut StepReport,
) -> Result<Outputs, TrellisError> {
    let mut call = Call { runner, pointer, step_id, input, report };
    match action {
        "fetch:template" | "trellis:fetch:template" => call.fetch_template(action == "trellis:fetch:template"),
        "fetch:cookiecutter" | "trellis:fetch:cookiecutter" => call.fetch_cookiecutter(action != "fetch:cookiecutter"),
        "fetch:template:file" => call.fetch_template_file(),
        "fetch:plain" => call.fetch_plain(false),
        "fetch:plain:file" => call.fetch_plain(true),
        "fs:rename" => call.rename(),
        "fs:delete" => call.delete(),
        "debug:log" => call.debug_log(),
        "trellis:parameters:validate" => call.validate_parameters(),
        "trellis:template:check" => call.template_check(),
        "fs:readdir" => call.readdir(),
        other => Err(call.error("internal", "", format!("`{other}` does not run offline"))),
    }
}

struct Call<'r, 'a> {
    runner: &'r mut Runner<'a>,
    pointer: &'r str,
    step_id: &'r str,
    input: &'r Value,
    report: &'r mut StepReport,
}

impl Call<'_, '_> {
    /// An error at `field` of the step's input (the input itself when empty).
    fn error(&self, rule: &'static str, field: &str, message: impl Into<String>) -> TrellisError {
        let at = if field.is_empty() {
            format!("{}/input", self.pointer)
        } else {
            format!("{}/input/{field}", self.pointer)
        };
        self.runner.locator.error(rule, &at, message)
    }

    fn text(&self, key: &str) -> Option<&str> {
        self.input.get(key).and_then(Value::as_str)
    }

    fn flag(&self, key: &str) -> bool {
        self.input.get(key).and_then(Value::as_bool).unwrap_or(false)
    }

    fn log(&mut self, line: String) {
        let line = super::redact::redact_text(&line, &self.runner.secrets);
        self.report.log.push(line);
    }

    /// A workspace path from the input (`resolveSafeChildPath`).
    fn target(&self, field: &str, relative: &str) -> Result<String, TrellisError> {
        super::resolve_safe("", relative).map_err(|message| {
            self.error("unsafe-path", field, message).with_hint("keep targetPath and file paths inside the workspace")
        })
    }

    /// The skeleton path of the `url` input (relative to the template, or to the repository
    /// root for a `/` url), `None` when it is not local (then it is not fetched offline, and a
    /// warning says so); an error, before anything is read, when it leaves the root.
    fn skeleton_path(&mut self) -> Result<Option<String>, TrellisError> {
        let url = self.text("url").unwrap_or_default().to_string();
        let root = self.runner.root.as_deref();
        match fetch_url(&url, &self.runner.options.template_path, root) {
            FetchUrl::Local(path) => Ok(Some(path)),
            FetchUrl::OutsideRoot(resolved) => {
                let (message, hint) = outside_root_message(&url, &resolved, root.unwrap_or_default(), Escape::Path);
                Err(self.error("url-outside-root", "url", message).with_hint(hint))
            }
            FetchUrl::Remote => {
                let at = format!("{}/input/url", self.pointer);
                let message = format!("`{url}` is not next to the template; an offline render does not fetch it");
                let warning = self.runner.warning(&at, message);
                self.runner.warnings.push(warning);
                Ok(None)
            }
        }
    }

    /// Checks that what the url names exists and is a directory (or a file).
    fn expect_kind(&self, path: &str, file: bool) -> Result<(), TrellisError> {
        let wanted = if file { SourceKind::File } else { SourceKind::Directory };
        match self.runner.source.kind(path) {
            Ok(Some(kind)) if kind == wanted => Ok(()),
            Ok(Some(kind)) => Err(self.error(
                "skeleton-not-found",
                "url",
                format!("`{path}` is a {kind:?}, not a {}", if file { "file" } else { "directory" }).to_lowercase(),
            )),
            Ok(None) => Err(self
                .error(
                    "skeleton-not-found",
                    "url",
                    format!("no such {}: `{path}`", if file { "file" } else { "directory" }),
                )
                .with_hint("the url is resolved from the template's directory")),
            Err(reason) if self.runner.root.is_some() && refused_by_reader(&reason) => {
                let url = self.text("url").unwrap_or_default();
                let root = self.runner.root.as_deref().unwrap_or_default();
                let (message, hint) = outside_root_message(url, path, root, Escape::Link);
                Err(self.error("url-outside-root", "url", message).with_hint(hint))
            }
            Err(reason) => Err(self.error("skeleton-not-found", "url", format!("cannot read `{path}`: {reason}"))),
        }
    }

    /// Reads a skeleton directory (or one file) into entries, within limits.
    fn read_skeleton(&self, root: &str, file: bool) -> Result<Vec<SkeletonEntry>, TrellisError> {
        let source = self.runner.source;
        let mut budget = READ_LIMITS.max_bytes;
        let mut read = |path: &str| -> Result<Vec<u8>, TrellisError> {
            match source.read(path, budget) {
                Ok(bytes) => {
                    budget -= bytes.len() as u64;
                    Ok(bytes)
                }
                Err(ReadError::TooLarge(size)) => Err(self.error(
                    "skeleton-too-large",
                    "url",
                    format!("`{path}` ({size} bytes) is over the {} bytes read per skeleton", READ_LIMITS.max_bytes),
                )),
                Err(ReadError::Failed(reason)) => {
                    Err(self.error("skeleton-unreadable", "url", format!("cannot read `{path}`: {reason}")))
                }
            }
        };
        if file {
            let content = read(root)?;
            return Ok(vec![SkeletonEntry {
                path: root.rsplit('/').next().unwrap_or(root).to_string(),
                kind: EntryKind::File,
                content,
                mode: source.mode(root),
                link_target: None,
            }]);
        }
        // Parents before their children, names sorted in each directory as JavaScript sorts
        // strings (UTF-16 code units): the order `readSkeletonDir` gives trellis:fetch:template,
        // which decides its `written` output and which entry wins a rendered path.
        let list = |dir: &str, depth: usize| -> Result<Vec<(String, SourceKind, usize)>, TrellisError> {
            let full = join(root, dir);
            let mut listing = source.list(&full).map_err(|reason| {
                self.error("skeleton-unreadable", "url", format!("cannot list `{full}`: {reason}"))
            })?;
            listing.retain(|(name, _)| !(name.is_empty() || name == "." || name == ".." || name.contains('/')));
            crate::sort::sort_by(&mut listing, |(a, _), (b, _)| a.encode_utf16().cmp(b.encode_utf16()));
            let prefix = if dir.is_empty() { String::new() } else { format!("{dir}/") };
            // Reversed: the stack pops the first name first.
            Ok(listing.into_iter().rev().map(|(name, kind)| (format!("{prefix}{name}"), kind, depth)).collect())
        };
        let mut out = Vec::new();
        let mut pending = list("", 0)?;
        while let Some((path, kind, depth)) = pending.pop() {
            if out.len() >= READ_LIMITS.max_entries {
                return Err(self.error(
                    "skeleton-too-large",
                    "url",
                    format!("`{root}` has more than {} entries", READ_LIMITS.max_entries),
                ));
            }
            let full = join(root, &path);
            let entry = match kind {
                SourceKind::Directory => {
                    if depth + 1 >= READ_LIMITS.max_depth {
                        return Err(self.error(
                            "skeleton-too-large",
                            "url",
                            format!("`{full}` is nested more than {} deep", READ_LIMITS.max_depth),
                        ));
                    }
                    pending.extend(list(&path, depth + 1)?);
                    SkeletonEntry {
                        path,
                        kind: EntryKind::Directory,
                        content: Vec::new(),
                        mode: source.mode(&full),
                        link_target: None,
                    }
                }
                SourceKind::Symlink => SkeletonEntry {
                    path,
                    kind: EntryKind::Symlink,
                    content: Vec::new(),
                    mode: 0,
                    link_target: source.link_target(&full),
                },
                SourceKind::File => SkeletonEntry {
                    content: read(&full)?,
                    path,
                    kind: EntryKind::File,
                    mode: source.mode(&full),
                    link_target: None,
                },
                // Sockets, devices, fifos: nothing a template ships.
                SourceKind::Other => continue,
            };
            out.push(entry);
        }
        Ok(out)
    }

    /// A skeleton render failure, at the skeleton file (path relative like the template's).
    fn skeleton_error(&self, root: &str, error: SkeletonError) -> TrellisError {
        let span = error.line.map(|line| Span::point(line as u32, error.column.unwrap_or(1) as u32));
        let file = if error.path.is_empty() { root.to_string() } else { join(root, &error.path) };
        let mut out = TrellisError::new(error.code, error.message).at(span).in_file(Some(&file));
        out.hint = error.hint;
        out
    }

    /// Records the entries a render left out in the report; their `skipped` output
    /// (`[{path, renderedPath, reason}]`, paths in the skeleton).
    fn report_skipped(&mut self, root: &str, skipped: &[SkippedEntry]) -> Value {
        for entry in skipped {
            self.runner.skipped.push(SkippedEntryReport {
                step: self.step_id.to_string(),
                path: join(root, &entry.path),
                rendered_path: entry.rendered_path.clone(),
                reason: entry.reason.clone(),
            });
        }
        skipped.iter().map(|s| json!({"path": s.path, "renderedPath": s.rendered_path, "reason": s.reason})).collect()
    }

    fn fetch_template(&mut self, trellis: bool) -> Result<Outputs, TrellisError> {
        let target = self.target("targetPath", self.text("targetPath").unwrap_or("./"))?;
        let mut options = SkeletonOptions::from_inputs(
            self.input.get("copyWithoutTemplating"),
            self.input.get("templateFileExtension"),
            self.flag("cookiecutterCompat"),
        )
        .map_err(|e| {
            let field = if e.message.contains("copyWithoutTemplating must") {
                "copyWithoutTemplating"
            } else {
                "templateFileExtension"
            };
            let mut error = self.error("invalid-action-input", field, e.message);
            error.hint = e.hint;
            error
        })?;
        options.trim_blocks = self.flag("trimBlocks");
        options.lstrip_blocks = self.flag("lstripBlocks");
        options.strict = trellis && self.flag("strict");
        let Some(root) = self.skeleton_path()? else { return Ok(Vec::new()) };
        self.expect_kind(&root, false)?;
        let files = self.read_skeleton(&root, false)?;
        let values = self.input.get("values").cloned().unwrap_or(Value::Null);
        let result = render_skeleton(&files, &values, &options).map_err(|e| self.skeleton_error(&root, e))?;
        let skipped = self.report_skipped(&root, &result.skipped);
        let replace = self.flag("replace");
        // trellis:fetch:template's outputs (writeSkeleton's report): files and links written or
        // kept, by their path under targetPath; fetch:template has none.
        let (mut written, mut kept) = (Vec::new(), Vec::new());
        for mut file in result.files {
            let rendered = file.path.clone();
            file.path = super::resolve_safe(&target, &rendered)
                .map_err(|message| TrellisError::new("unsafe_path", message).in_file(Some(&root)))?;
            let path = file.path.clone();
            let directory = file.kind == EntryKind::Directory;
            if self.runner.workspace.put(file, replace) {
                if !directory {
                    written.push(Value::String(rendered));
                }
            } else {
                kept.push(Value::String(rendered.clone()));
                self.runner.skipped.push(SkippedEntryReport {
                    step: self.step_id.to_string(),
                    path: join(&root, &rendered),
                    rendered_path: path,
                    reason: "a file with this path is already in the workspace (replace is false)".into(),
                });
            }
        }
        if !trellis {
            return Ok(Vec::new());
        }
        Ok(vec![
            ("written".into(), Value::Array(written)),
            ("kept".into(), Value::Array(kept)),
            ("skipped".into(), skipped),
        ])
    }

    fn fetch_template_file(&mut self) -> Result<Outputs, TrellisError> {
        let Some(target_path) = self.text("targetPath").map(str::to_string) else {
            return Err(self.error("invalid-action-input", "", "targetPath is required"));
        };
        let target = self.target("targetPath", &target_path)?;
        if self.runner.workspace.exists(&target) && !self.flag("replace") {
            self.log(format!("File {target_path} already exists in workspace, not replacing."));
            return Ok(Vec::new());
        }
        let Some(root) = self.skeleton_path()? else { return Ok(Vec::new()) };
        self.expect_kind(&root, true)?;
        let mut files = self.read_skeleton(&root, true)?;
        let cookiecutter = self.flag("cookiecutterCompat");
        let options = crate::render::RenderOptions {
            cookiecutter_compat: cookiecutter,
            trim_blocks: self.flag("trimBlocks"),
            lstrip_blocks: self.flag("lstripBlocks"),
            ..Default::default()
        };
        let values = self.input.get("values").cloned().unwrap_or(Value::Null);
        let context =
            crate::render::Context::from_json(&json!({ if cookiecutter { "cookiecutter" } else { "values" }: values }));
        let extensions = crate::engine::backstage::extensions(crate::engine::backstage::default_integrations());
        let mut file = files.remove(0);
        // The one file is always rendered, without binary detection.
        let text = String::from_utf8_lossy(&file.content).into_owned();
        let rendered = crate::render::render_string(&text, &context, &options, &extensions).map_err(|e| {
            TrellisError::new("render_error", e.message).at(Some(Span::point(e.line, e.column))).in_file(Some(&root))
        })?;
        file.content = rendered.into_bytes();
        file.path = target;
        // Written with the default mode.
        file.mode = 0o644;
        self.runner.workspace.put(file, true);
        Ok(Vec::new())
    }

    /// `fetch:plain` (a directory into `targetPath`, default the workspace) and
    /// `fetch:plain:file` (one file to `targetPath`): copied as they are, replacing what is there.
    fn fetch_plain(&mut self, file: bool) -> Result<Outputs, TrellisError> {
        let target_path = match (file, self.text("targetPath")) {
            (_, Some(path)) => path.to_string(),
            (false, None) => "./".to_string(),
            (true, None) => return Err(self.error("invalid-action-input", "", "targetPath is required")),
        };
        let target = self.target("targetPath", &target_path)?;
        let Some(root) = self.skeleton_path()? else { return Ok(Vec::new()) };
        self.expect_kind(&root, file)?;
        for mut entry in self.read_skeleton(&root, file)? {
            entry.path =
                if file { target.clone() } else { super::resolve_safe(&target, &entry.path).unwrap_or_default() };
            self.runner.workspace.put(entry, true);
        }
        Ok(Vec::new())
    }

    fn files(&self) -> Result<&Vec<Value>, TrellisError> {
        self.input
            .get("files")
            .and_then(Value::as_array)
            .ok_or_else(|| self.error("invalid-action-input", "files", "files must be an Array"))
    }

    fn rename(&mut self) -> Result<Outputs, TrellisError> {
        for (i, file) in self.files()?.clone().iter().enumerate() {
            let (Some(from), Some(to)) =
                (file.get("from").and_then(Value::as_str), file.get("to").and_then(Value::as_str))
            else {
                return Err(self.error(
                    "invalid-action-input",
                    &format!("files/{i}"),
                    "each file must have a from and to property",
                ));
            };
            let source = self.target(&format!("files/{i}/from"), from)?;
            let destination = self.target(&format!("files/{i}/to"), to)?;
            let overwrite = file.get("overwrite").and_then(Value::as_bool).unwrap_or(false);
            self.runner.workspace.rename(&source, &destination, overwrite).map_err(|reason| {
                self.error(
                    "rename-failed",
                    &format!("files/{i}"),
                    format!("cannot rename `{from}` to `{to}`: {reason}"),
                )
            })?;
            self.log(format!("File {from} renamed to {to} successfully"));
        }
        Ok(Vec::new())
    }

    fn delete(&mut self) -> Result<Outputs, TrellisError> {
        for (i, file) in self.files()?.clone().iter().enumerate() {
            let pattern = file.as_str().unwrap_or_default();
            let safe = self.target(&format!("files/{i}"), pattern)?;
            let matched = self
                .runner
                .workspace
                .glob_files(&safe)
                .map_err(|reason| self.error("invalid-action-input", &format!("files/{i}"), reason))?;
            for path in matched {
                self.runner.workspace.remove(&path);
                self.log(format!("File {path} deleted successfully"));
            }
        }
        Ok(Vec::new())
    }

    fn debug_log(&mut self) -> Result<Outputs, TrellisError> {
        self.log(serde_json::to_string_pretty(self.input).unwrap_or_default());
        if let Some(message) = self.text("message").filter(|m| !m.is_empty()) {
            let message = message.to_string();
            self.log(message);
        }
        match self.input.get("listWorkspace") {
            None | Some(Value::Bool(false)) => {}
            Some(mode) => {
                let with_contents = mode.as_str() == Some("with-contents");
                let lines: Vec<String> = self
                    .runner
                    .workspace
                    .file_paths()
                    .into_iter()
                    .map(|path| match self.runner.workspace.get(&path) {
                        Some(f) if with_contents => format!(" - {path}:\n\n  {}", String::from_utf8_lossy(&f.content)),
                        _ => format!("  - {path}"),
                    })
                    .collect();
                self.log(format!("Workspace:\n{}", lines.join("\n")));
            }
        }
        Ok(Vec::new())
    }

    /// `trellis:template:check` as plugin-wrapper/src/actions/templateCheck.ts runs it: `trellis
    /// check` on a template file of the workspace, its skeletons read from the workspace (never
    /// outside it), findings as outputs, the step failing per `failOn`.
    fn template_check(&mut self) -> Result<Outputs, TrellisError> {
        const ACTION: &str = "trellis:template:check";
        let given = self.text("path").unwrap_or("template.yaml").to_string();
        let fail_on = self.text("failOn").unwrap_or("error").to_string();
        let relative = super::resolve_safe("", &given).map_err(|_| {
            self.error(
                "invalid-action-input",
                "path",
                format!(
                    "Invalid input to {ACTION}: path {given} points outside the task workspace; \
                     give a template file relative to the workspace, e.g. template.yaml"
                ),
            )
        })?;
        let relative = if relative.is_empty() { ".".to_string() } else { relative };
        let text = match self.runner.workspace.get(&relative) {
            Some(file) if file.kind == EntryKind::File => String::from_utf8_lossy(&file.content).into_owned(),
            Some(file) if file.kind == EntryKind::Directory => {
                return Err(self.error(
                    "invalid-action-input",
                    "path",
                    format!("Template file {relative} is a directory; give the path of a template YAML file"),
                ))
            }
            _ if relative == "." => {
                return Err(self.error(
                    "invalid-action-input",
                    "path",
                    format!("Template file {relative} is a directory; give the path of a template YAML file"),
                ))
            }
            _ => {
                return Err(self.error(
                    "invalid-action-input",
                    "path",
                    format!("Template file {relative} does not exist in the task workspace"),
                ))
            }
        };
        let options = crate::check::CheckOptions { path: Some(relative.clone()), manifest: None, ignore: Vec::new() };
        let result = crate::check::check_source_with(&text, &options, Some(&self.runner.workspace));
        let diagnostics = result.diagnostics;
        let summary = result.summary;
        let location = |d: &crate::diagnostics::Diagnostic| format!("{}:{}:{}", d.file, d.line, d.column);
        let lines: Vec<String> = diagnostics
            .iter()
            .map(|d| {
                let hint = d.hint.as_ref().map(|h| format!(" (hint: {h})")).unwrap_or_default();
                format!("{} {}[{}] {}{hint}", location(d), d.severity.as_str(), d.rule, d.message)
            })
            .collect();
        // As `looksLikeTemplate` (plugin-wrapper/src/commands/files.ts): a line `kind: Template`.
        let template_kind = regex::Regex::new(r#"(?m)^kind:\s*["']?Template["']?\s*$"#).expect("a valid regex");
        if !template_kind.is_match(&text) {
            self.log(format!("{relative} has no document with `kind: Template`: there was nothing to check"));
        }
        lines.into_iter().for_each(|line| self.log(line));
        let plural = |count: usize, word: &str| format!("{count} {word}{}", if count == 1 { "" } else { "s" });
        let counts = format!("{} and {}", plural(summary.errors, "error"), plural(summary.warnings, "warning"));
        let infos = if summary.infos > 0 { format!(", {}", plural(summary.infos, "info")) } else { String::new() };
        self.log(format!("Checked {relative}: {counts}{infos}"));
        let failing: Vec<&crate::diagnostics::Diagnostic> = diagnostics
            .iter()
            .filter(|d| {
                use crate::diagnostics::Severity::{Error, Warning};
                match fail_on.as_str() {
                    "error" => d.severity == Error,
                    "warning" => matches!(d.severity, Error | Warning),
                    _ => false,
                }
            })
            .collect();
        let outputs = vec![
            ("diagnostics".into(), serde_json::to_value(&diagnostics).unwrap_or_default()),
            ("errors".into(), json!(summary.errors)),
            ("warnings".into(), json!(summary.warnings)),
            ("infos".into(), json!(summary.infos)),
        ];
        if failing.is_empty() {
            if fail_on == "never" && summary.errors + summary.warnings > 0 {
                self.log(format!("Template check found {counts} (failOn is never: the step succeeds)"));
            }
            return Ok(outputs);
        }
        const QUOTED: usize = 5;
        let quoted: Vec<String> =
            failing.iter().take(QUOTED).map(|d| format!("{} {}", location(d), d.message)).collect();
        let more =
            if failing.len() > QUOTED { format!(" (and {} more)", failing.len() - QUOTED) } else { String::new() };
        Err(self.error(
            "template-check-failed",
            "",
            format!("Template check found {counts}: {}{more}", quoted.join("; ")),
        ))
    }

    /// `fs:readdir` (scaffolder-backend 4.3.0 filesystem/read.cjs.js): the entries of each path
    /// (recursively with `recursive`), split into `files` (anything not a directory) and
    /// `folders`, each `{name, path, fullPath}`; `fullPath` under [`super::WORKING_DIRECTORY`].
    fn readdir(&mut self) -> Result<Outputs, TrellisError> {
        let paths = self.input.get("paths").and_then(Value::as_array).cloned().unwrap_or_default();
        let recursive = self.flag("recursive");
        let workspace = format!("{}/{}", super::WORKING_DIRECTORY, self.runner.options.task_id);
        let (mut files, mut folders) = (Vec::new(), Vec::new());
        for (i, given) in paths.iter().enumerate() {
            let given = given.as_str().unwrap_or_default();
            let dir = self.target(&format!("paths/{i}"), given)?;
            // Node lists a directory, then (recursive) each subdirectory's entries after it.
            let mut queue = std::collections::VecDeque::from([dir.clone()]);
            while let Some(current) = queue.pop_front() {
                let Some(children) = self.runner.workspace.children(&current) else {
                    let full = if current.is_empty() { workspace.clone() } else { format!("{workspace}/{current}") };
                    let reason = if self.runner.workspace.exists(&current) {
                        format!("ENOTDIR: not a directory, scandir '{full}'")
                    } else {
                        format!("ENOENT: no such file or directory, scandir '{full}'")
                    };
                    return Err(self.error("readdir-failed", &format!("paths/{i}"), reason));
                };
                for entry in children {
                    let name = entry.path.rsplit('/').next().unwrap_or_default();
                    let element =
                        json!({"name": name, "path": entry.path, "fullPath": format!("{workspace}/{}", entry.path)});
                    if entry.kind == EntryKind::Directory {
                        folders.push(element);
                        if recursive {
                            queue.push_back(entry.path.clone());
                        }
                    } else {
                        files.push(element);
                    }
                }
            }
        }
        Ok(vec![("files".into(), Value::Array(files)), ("folders".into(), Value::Array(folders))])
    }
}
