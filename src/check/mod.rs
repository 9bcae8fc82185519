//! `trellis check`: finds template mistakes that Backstage only shows at run time (or never).
//!
//! A template file is parsed once into a [`Context`] per Template document (YAML values with
//! spans, every templated string parsed with what it reads, the step ids; `analysis.rs`); the
//! rules in [`rules`] ride on one walk over it (`walk.rs`) and add [`Diagnostic`]s. Rules live one
//! per file with a stable id, a one-line description and golden tests
//! (`tests/fixtures/check/<rule>/`), and never use one another.

mod analysis;
pub mod baseline;
mod branches;
mod choices;
mod context;
pub mod glob;
pub(crate) mod locate;
pub mod rules;
mod schema_walk;
pub mod skeleton;
mod suggest;
mod unknown_name;
pub(crate) mod validators;
mod walk;

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use crate::diagnostics::{self, Diagnostic, Format, Severity, Summary};
use crate::error::Span;
use crate::manifest::Manifest;

pub use baseline::Baseline;
pub use context::{Context, Place, TemplatedString};
pub use skeleton::{FsSource, SkeletonSource};
pub use walk::{Rule, RuleInfo, Visitor};

/// Options of one check run.
#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    /// The file name used in diagnostics.
    pub path: Option<String>,
    /// An instance's own actions, filters and globals, added to the built-in manifest.
    pub manifest: Option<Manifest>,
    /// Rule ids not to report (`--ignore`).
    pub ignore: Vec<String>,
}

/// Everything found in one file.
#[derive(Debug, Clone, Serialize)]
pub struct CheckResult {
    pub diagnostics: Vec<Diagnostic>,
    pub summary: Summary,
    /// `(path, text)` of the skeleton files diagnostics point into, for code frames.
    #[serde(skip)]
    pub sources: Vec<(String, String)>,
    /// The skeleton files of its fetch steps that Backstage renders before anything reads them.
    #[serde(skip)]
    pub rendered_skeleton_files: HashSet<String>,
}

/// The rules as `(id, description, default severity)`, for SARIF and `trellis rules`.
pub fn rule_catalogue() -> Vec<(&'static str, &'static str, Severity)> {
    rules::ALL.iter().map(|r| (r.info.id, r.info.description, r.info.default_severity)).collect()
}

/// One file handed to [`check_files`].
pub struct SourceFile {
    pub path: String,
    pub text: String,
}

/// The rule id of a file the check failed on (not a rule: `trellis rules` does not list it).
pub const INTERNAL_ERROR: &str = "internal-error";

/// `trellis check` over several files: every diagnostic, and the report in `format`. With
/// `skeletons`, the skeletons of fetch steps are read through it (paths relative like the files').
/// `failures[i]`, when given, says why `files[i]` could not be checked (the caller's check of it
/// failed inside: on wasm32 a panic aborts the whole call): that file gets this failure as its
/// finding, so the other files' findings stand; `&[]` when there is none. A file whose check
/// panics here (where panics unwind: natively) is reported the same way and the others are
/// still checked.
pub fn check_files(
    files: &[SourceFile],
    failures: &[Option<String>],
    manifest: Option<&Manifest>,
    ignore: &[String],
    format: Format,
    colour: bool,
    skeletons: Option<&dyn SkeletonSource>,
) -> (Vec<Diagnostic>, Summary, String) {
    let checked = Checked::of(files, failures, manifest, ignore, skeletons);
    let summary = Summary::of(&checked.diagnostics, files.len());
    let report = checked.report(&summary, format, colour);
    (checked.diagnostics, summary, report)
}

/// The findings of a [`check_files`] run, with the texts of the files they are in.
pub struct Checked {
    pub diagnostics: Vec<Diagnostic>,
    /// Path → text of every checked file and of the skeleton files findings point into (the
    /// first file of a path wins, as a search in order would find it).
    texts: HashMap<String, String>,
}

impl Checked {
    /// Checks `files` (see [`check_files`]).
    pub fn of(
        files: &[SourceFile],
        failures: &[Option<String>],
        manifest: Option<&Manifest>,
        ignore: &[String],
        skeletons: Option<&dyn SkeletonSource>,
    ) -> Checked {
        // Each file's own findings, in order.
        let mut found: Vec<Vec<Diagnostic>> = Vec::new();
        let mut skeleton_texts = Vec::new();
        let mut rendered = HashSet::new();
        for (index, file) in files.iter().enumerate() {
            let mut diagnostics = Vec::new();
            if let Some(Some(error)) = failures.get(index) {
                diagnostics.push(failure(&file.path, error));
                found.push(diagnostics);
                continue;
            }
            let options =
                CheckOptions { path: Some(file.path.clone()), manifest: manifest.cloned(), ignore: ignore.to_vec() };
            let checked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                check_source_with(&file.text, &options, skeletons)
            }));
            match checked {
                Ok(result) => {
                    diagnostics.extend(result.diagnostics);
                    skeleton_texts.extend(result.sources);
                    rendered.extend(result.rendered_skeleton_files);
                }
                Err(panic) => {
                    let what = panic
                        .downcast_ref::<String>()
                        .map(String::as_str)
                        .or_else(|| panic.downcast_ref::<&str>().copied())
                        .unwrap_or("a panic");
                    diagnostics.push(failure(&file.path, &format!("panicked: {what}")));
                }
            }
            found.push(diagnostics);
        }
        // A file that a template's fetch step renders (a template of templates, say) is text
        // with `${{ }}` and `{% %}` until it is rendered: Backstage never reads it as it is, so
        // only what the skeleton rules say about it counts, not what checking it as a template
        // finds.
        let diagnostics = files
            .iter()
            .zip(found)
            .filter(|(file, _)| !rendered.contains(&file.path))
            .flat_map(|(_, own)| own)
            .collect();
        let mut texts: HashMap<String, String> = HashMap::new();
        for (path, text) in
            skeleton_texts.into_iter().rev().chain(files.iter().rev().map(|f| (f.path.clone(), f.text.clone())))
        {
            texts.insert(path, text);
        }
        Checked { diagnostics, texts }
    }

    /// The text of file `path`, when it was read.
    pub fn text_of(&self, path: &str) -> Option<String> {
        self.texts.get(path).cloned()
    }

    /// The baseline of every finding ([`Baseline::record`]).
    pub fn baseline(&self) -> Baseline {
        Baseline::record(&self.diagnostics, &|path| self.text_of(path))
    }

    /// Leaves out the findings `baseline` records; returns how many.
    pub fn leave_out(&mut self, baseline: &Baseline) -> usize {
        let (kept, known) = baseline.filter(std::mem::take(&mut self.diagnostics), &|path| self.text_of(path));
        self.diagnostics = kept;
        known
    }

    /// The report in `format`.
    pub fn report(&self, summary: &Summary, format: Format, colour: bool) -> String {
        let sources = |path: &str| self.text_of(path);
        match format {
            Format::Text => diagnostics::text::render_report(&self.diagnostics, &sources, summary, colour),
            Format::Json => diagnostics::json::render(&self.diagnostics, summary),
            Format::Sarif => {
                diagnostics::sarif::render(&self.diagnostics, env!("CARGO_PKG_VERSION"), &rule_catalogue())
            }
            Format::Github => diagnostics::github::render(&self.diagnostics),
        }
    }
}

/// Checks every Template document in `source` (skeletons are not read).
pub fn check_source(source: &str, options: &CheckOptions) -> CheckResult {
    check_source_with(source, options, None)
}

/// Checks every Template document in `source`, reading the skeletons of its fetch steps and the
/// files its catalog placeholders include through `skeletons` when given.
pub fn check_source_with(source: &str, options: &CheckOptions, skeletons: Option<&dyn SkeletonSource>) -> CheckResult {
    let file = options.path.clone().unwrap_or_else(|| "template.yaml".into());
    let mut diagnostics = Vec::new();
    let mut sources: Vec<(String, String)> = Vec::new();
    // Where placeholders were left as written (file, span): other rules' findings there are about
    // the placeholder mapping, which the placeholder's own finding explains.
    let mut unresolved: Vec<(String, Span)> = Vec::new();
    let mut included: Vec<(String, String)> = Vec::new();
    let mut rendered_skeleton_files = HashSet::new();
    match crate::yaml::parse_documents(source, Some(&file)) {
        Err(error) => diagnostics.push(rules::yaml_syntax::from_error(&file, &error)),
        Ok(documents) => {
            diagnostics.extend(rules::entity_structure::not_entities(&file, &documents));
            let merged = options.manifest.as_ref().map(Manifest::builtin_merged_with);
            let manifest = merged.as_ref().unwrap_or_else(|| Manifest::builtin_and_modules());
            for document in documents {
                if document.value.get("kind").and_then(|k| k.as_str()) != Some("Template") {
                    continue;
                }
                let resolved = crate::placeholders::resolve(document, &file, skeletons);
                let context = Context::new(&file, source, resolved, manifest, skeletons);
                walk::run_rules(&context, &mut diagnostics);
                keep_skeleton_texts(&context, &diagnostics, &mut sources);
                rendered_skeleton_files.extend(rendered_files(&context));
                keep_included_texts(&context, &diagnostics, &mut included);
                unresolved.extend(
                    context
                        .placeholder_problems
                        .iter()
                        .filter_map(|problem| context.map.get(&problem.pointer))
                        .map(|node| (context.file_of(&node.value).to_string(), node.value)),
                );
            }
        }
    }
    for diagnostic in &mut diagnostics {
        diagnostic.bound_texts();
    }
    // `# trellis-ignore` comments of the template and of the files it includes.
    let suppressed: Vec<(&str, Suppressions)> = std::iter::once((file.as_str(), suppressions(source)))
        .chain(included.iter().map(|(path, text)| (path.as_str(), suppressions(text))))
        .collect();
    diagnostics.retain(|d| {
        !options.ignore.iter().any(|r| r == d.rule)
            && !suppressed.iter().any(|(path, comments)| d.file == *path && comments.silences(d))
            && (d.rule.starts_with("placeholder-")
                || !unresolved.iter().any(|(at, span)| *at == d.file && contains(span, d)))
    });
    // The template's own findings first, then those in skeleton files by path.
    crate::sort::sort_by(&mut diagnostics, |a, b| {
        (a.file != file, &a.file, a.line, a.column, a.rule).cmp(&(b.file != file, &b.file, b.line, b.column, b.rule))
    });
    diagnostics.dedup();
    drop(suppressed);
    sources.extend(included);
    let summary = Summary::of(&diagnostics, 1);
    CheckResult { diagnostics, summary, sources, rendered_skeleton_files }
}

/// The paths of the skeleton files `context`'s fetch steps render.
fn rendered_files<'c>(context: &'c Context) -> impl Iterator<Item = String> + 'c {
    context.skeletons.iter().flat_map(|skeleton| {
        skeleton
            .entries()
            .iter()
            .filter(|entry| matches!(entry.content, skeleton::Content::Rendered { .. }))
            .map(|entry| skeleton.file_of(entry))
    })
}

/// The finding of a file that could not be checked.
fn failure(file: &str, error: &str) -> Diagnostic {
    let mut diagnostic = context::diagnostic_in(
        file.to_string(),
        INTERNAL_ERROR,
        Severity::Error,
        crate::error::Span::point(1, 1),
        format!("Trellis failed on this file with an internal error, so it was not checked: {error}"),
        Some(
            "this is a bug in Trellis, not in your template: please report it with this file; the other files \
             were checked"
                .into(),
        ),
    );
    diagnostic.bound_texts();
    diagnostic
}

/// Whether diagnostic `d` starts inside `span`.
fn contains(span: &Span, d: &Diagnostic) -> bool {
    (span.line, span.column) <= (d.line, d.column) && (d.line, d.column) <= (span.end_line, span.end_column)
}

/// The texts of included files that diagnostics point into, for code frames.
fn keep_included_texts(context: &Context, diagnostics: &[Diagnostic], out: &mut Vec<(String, String)>) {
    for (file, included) in context.map.included().iter().zip(&context.included) {
        let pointed_at = diagnostics.iter().any(|d| d.file == file.path);
        if pointed_at && !out.iter().any(|(path, _)| *path == file.path) {
            out.push((file.path.clone(), included.text.clone()));
        }
    }
}

/// The texts of skeleton files that diagnostics point into.
fn keep_skeleton_texts(context: &Context, diagnostics: &[Diagnostic], out: &mut Vec<(String, String)>) {
    let pointed_at: HashSet<&str> = diagnostics.iter().map(|d| d.file.as_str()).collect();
    let mut kept: HashSet<String> = out.iter().map(|(p, _)| p.clone()).collect();
    for skeleton in &context.skeletons {
        for entry in skeleton.entries() {
            let skeleton::Content::Rendered { text, .. } = &entry.content else { continue };
            let path = skeleton.file_of(entry);
            if pointed_at.contains(path.as_str()) && kept.insert(path.clone()) {
                out.push((path, text.clone()));
            }
        }
        for (path, text) in skeleton.cookiecutter.iter().flat_map(|folder| &folder.texts) {
            if pointed_at.contains(path.as_str()) && kept.insert(path.clone()) {
                out.push((path.clone(), text.clone()));
            }
        }
    }
}

/// In-file suppressions: a comment `# trellis-ignore rule-a, rule-b` (or `# trellis-ignore` for
/// every rule) silences findings on its own line and on the next line.
struct Suppressions {
    /// line → rules (empty = all)
    lines: HashMap<u32, Vec<String>>,
}

impl Suppressions {
    fn silences(&self, d: &Diagnostic) -> bool {
        [Some(d.line), d.line.checked_sub(1)].into_iter().flatten().any(|line| {
            analysis::work::count(1);
            self.lines.get(&line).is_some_and(|rules| rules.is_empty() || rules.iter().any(|r| r == d.rule))
        })
    }
}

fn suppressions(source: &str) -> Suppressions {
    const MARKER: &str = "# trellis-ignore";
    let mut lines = HashMap::new();
    for (index, text) in source.lines().enumerate() {
        let Some(at) = text.find(MARKER) else { continue };
        let rest = &text[at + MARKER.len()..];
        if !(rest.is_empty() || rest.starts_with([' ', ':', '\t'])) {
            continue;
        }
        let rules = rest
            .trim_start_matches(':')
            .split([',', ' ', '\t'])
            .filter(|r| !r.is_empty())
            .map(str::to_string)
            .collect();
        lines.insert(index as u32 + 1, rules);
    }
    Suppressions { lines }
}

#[cfg(test)]
mod tests;
