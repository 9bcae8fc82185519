//! What each fuzz target runs on one input, shared by the targets in `fuzz_targets/` and by
//! `tests/fuzz_regressions.rs` (which replays saved crashing inputs through the same code under
//! plain `cargo test`). Every function must return normally for any input: a panic, a hang or
//! unbounded memory is a bug in `src/`.

#![allow(dead_code)] // each fuzz target uses one of these functions

use serde_json::json;
use trellis::check::skeleton::{EntryKind, ReadError};
use trellis::check::{SkeletonSource, SourceFile};
use trellis::diagnostics::Format;
use trellis::engine::eval::{Extensions, Limits};
use trellis::params::{validate_parameters, Compat, ParameterOptions};
use trellis::render::{self, Context, RenderOptions};
use trellis::template::{SourceFormat, Template};

/// Separates the parts of one input (template, then context or skeleton files).
const PART_SEPARATOR: char = '\0';

/// bytes → YAML → template model → parameter validation (the `validateParameters` path).
pub fn yaml_model(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = trellis::yaml::parse_documents(text, Some("template.yaml"));
    for format in [SourceFormat::Yaml, SourceFormat::Json] {
        let Ok(template) = Template::parse(text, format, Some("template.yaml")) else { continue };
        let _ = template.pages();
        for compat in [Compat::Strict, Compat::Backstage] {
            let options = ParameterOptions {
                apply_defaults: true,
                secrets: Some(json!({"token": "s3cr3t"})),
                file: Some("template.yaml".into()),
                compat,
            };
            let _ = validate_parameters(&template, &json!({"name": "x", "count": 1}), &options);
        }
    }
}

/// A skeleton tree made up from the input: every directory lists the same files (the input's
/// parts after the template, or two templated defaults) and one subdirectory, so fetch steps of
/// any url find something to read; depth is bounded by the checker's own limits.
pub struct MemorySkeletons {
    files: Vec<(String, Vec<u8>)>,
}

impl MemorySkeletons {
    pub fn new(parts: &[&str]) -> MemorySkeletons {
        let mut files: Vec<(String, Vec<u8>)> = parts
            .iter()
            .enumerate()
            .map(|(i, text)| {
                let name = match i % 3 {
                    0 => format!("file{i}.txt"),
                    1 => format!("${{{{ values.name }}}}{i}.md"),
                    _ => format!("{{{{ cookiecutter.name }}}}{i}.njk"),
                };
                (name, text.as_bytes().to_vec())
            })
            .collect();
        if files.is_empty() {
            files.push(("README.md".into(), b"# ${{ values.name | upper }}\n".to_vec()));
            files.push(("${{ values.component_id }}.yaml".into(), b"name: ${{ values.owner }}\n".to_vec()));
        }
        MemorySkeletons { files }
    }

    fn file(&self, path: &str) -> Option<&[u8]> {
        let name = path.rsplit('/').next().unwrap_or(path);
        self.files.iter().find(|(n, _)| n == name).map(|(_, bytes)| bytes.as_slice())
    }
}

impl SkeletonSource for MemorySkeletons {
    fn kind(&self, path: &str) -> Result<Option<EntryKind>, String> {
        Ok(Some(if self.file(path).is_some() || path.ends_with(".yaml") {
            EntryKind::File
        } else {
            EntryKind::Directory
        }))
    }

    fn list(&self, _path: &str) -> Result<Vec<(String, EntryKind)>, String> {
        let mut listing: Vec<(String, EntryKind)> =
            self.files.iter().map(|(name, _)| (name.clone(), EntryKind::File)).collect();
        listing.push(("sub".into(), EntryKind::Directory));
        Ok(listing)
    }

    fn read(&self, path: &str, max: u64) -> Result<Vec<u8>, ReadError> {
        let bytes = self.file(path).unwrap_or(b"kind: Component\nmetadata:\n  name: ${{ values.name }}\n");
        if bytes.len() as u64 > max {
            return Err(ReadError::TooLarge(bytes.len() as u64));
        }
        Ok(bytes.to_vec())
    }
}

/// A UTF-8 input's template and the NUL-separated parts after it.
fn template_and_parts(data: &[u8]) -> Option<(&str, Vec<&str>)> {
    let mut parts = std::str::from_utf8(data).ok()?.split(PART_SEPARATOR);
    let template = parts.next().unwrap_or_default();
    Some((template, parts.collect()))
}

/// template text (then skeleton files) → every rule, with skeletons, → a report.
pub fn check(data: &[u8]) {
    let Some((template, parts)) = template_and_parts(data) else { return };
    let skeletons = MemorySkeletons::new(&parts);
    let format = [Format::Text, Format::Json, Format::Sarif, Format::Github][data.len() % 4];
    let files = [SourceFile { path: "templates/template.yaml".into(), text: template.into() }];
    let _ = trellis::check::check_files(&files, &[], None, &[], format, false, Some(&skeletons));
}

/// Limits smaller than the defaults, so one input stays within the fuzzer's time budget.
fn fuzz_limits() -> Limits {
    Limits { work_units: 200_000, output_code_units: 1 << 20, scratch_bytes: 4 << 20, ..Limits::default() }
}

/// template, then a JSON context → every render entry point, with and without cookiecutter
/// reading, within limits.
pub fn engine(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let (template, context_json) = text.split_once(PART_SEPARATOR).unwrap_or((text, ""));
    let context = Context::from_json_text(context_json).unwrap_or_else(|_| task_context());
    render_everywhere(template, &context, &[false, true]);
}

/// A task's context, as the render entry points see it.
fn task_context() -> Context {
    Context::from_json(&json!({
        "parameters": {"name": "demo", "owner": "group:team", "items": [1, "two", {"three": 3}],
            "repoUrl": "github.com?owner=o&repo=r"},
        "steps": {"fetch": {"output": {"path": "x"}}},
        "user": {"entity": {"metadata": {"name": "me"}}},
        "secrets": {"token": "s3cr3t"},
    }))
}

/// `template` through every render entry point, read in each of `cookiecutter_modes`, and parsed.
fn render_everywhere(template: &str, context: &Context, cookiecutter_modes: &[bool]) {
    let extensions = trellis::engine::backstage::extensions(trellis::engine::backstage::default_integrations());
    let plain = Extensions::default();
    for &cookiecutter_compat in cookiecutter_modes {
        let options = RenderOptions {
            cookiecutter_compat,
            trim_blocks: cookiecutter_compat,
            lstrip_blocks: cookiecutter_compat,
            limits: fuzz_limits(),
            ..RenderOptions::default()
        };
        let _ = render::render_string(template, context, &options, &extensions);
        let _ = render::render_value(template, context, &options, &extensions);
        let input = json!({"a": template, "b": [template, 1, null]});
        let _ = render::render_input(&input, context, &options, &extensions);
    }
    let strict =
        RenderOptions { strict: true, no_regex_execution: true, limits: fuzz_limits(), ..RenderOptions::default() };
    let _ = render::render_native(template, context, &strict, &plain);
    let _ = trellis::engine::parse(template, &trellis::engine::ParseOptions::default());
}

/// How many times `chains` repeats its unit: up to 32,641, and at most 512 KiB of template.
fn chain_count(count_byte: u8, unit_len: usize) -> usize {
    (1 + usize::from(count_byte) * 128).min((512 * 1024) / unit_len.max(1))
}

/// The template `chains` builds from its input: the first byte sets the count; the rest is a
/// unit repeated that many times, or `prefix NUL unit NUL suffix` (default prefix `${{ x`,
/// suffix ` }}`), so a seed such as `\xff | string` stands for 32,641 filters.
pub fn chain_template(data: &[u8]) -> Option<String> {
    chain_template_within(data, usize::MAX)
}

/// [`chain_template`] with the unit repeated at most `max_count` times.
fn chain_template_within(data: &[u8], max_count: usize) -> Option<String> {
    let (&count_byte, rest) = data.split_first()?;
    let text = std::str::from_utf8(rest).ok()?;
    let parts: Vec<&str> = text.splitn(3, PART_SEPARATOR).collect();
    let (prefix, unit, suffix) = match parts.as_slice() {
        [unit] => ("${{ x", *unit, " }}"),
        [prefix, unit] => (*prefix, *unit, " }}"),
        [prefix, unit, suffix] => (*prefix, *unit, *suffix),
        _ => return None,
    };
    if unit.is_empty() || unit.len() > 64 {
        return None;
    }
    Some(format!("{prefix}{}{suffix}", unit.repeat(chain_count(count_byte, unit.len()).min(max_count))))
}

/// How many times `chains` repeats its unit for `check`: past the chain lengths that overflowed
/// before (about 6,000 operators), short of making tens of thousands of findings (`x | g | g …`
/// gives one per unknown filter, each costing check about a millisecond).
const CHECK_COUNT: usize = 8_192;

/// Stack of the thread `chains` runs on: WebAssembly's (1 MB, no guard page, where the npm
/// package runs the engine) in the optimised fuzz build; an unoptimised build (`cargo test`
/// replaying saved inputs) needs several times more for the same nesting.
const CHAINS_STACK: usize = if cfg!(debug_assertions) { 8 << 20 } else { 1 << 20 };

/// a count byte and a pattern (see [`chain_template`]) → a template with the pattern repeated
/// thousands of times (`1 + 1 + …`, `x | string | …`, `x.a.a…`, `-+-+…`, `((…))`) → parse,
/// `refs`, every render entry point and `check` (the template as a step input, with the unit
/// repeated at most [`CHECK_COUNT`] times), on a thread with WebAssembly's stack: long chains
/// must end in a result or a located error, never in deep recursion.
pub fn chains(data: &[u8]) {
    let (Some(template), Some(checked)) = (chain_template(data), chain_template_within(data, CHECK_COUNT)) else {
        return;
    };
    let run = move || {
        if let Ok(parsed) = trellis::engine::parse(&template, &trellis::engine::ParseOptions::default()) {
            let _ = trellis::engine::refs::analyze(&parsed);
        }
        // Read in Backstage's mode only: the template is up to 512 KiB, and each render of it
        // counts against the fuzzer's time budget.
        render_everywhere(&template, &task_context(), &[false]);
        let yaml = format!(
            "apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata: {{name: chain}}\nspec:\n  steps:\n    - id: s\n      action: debug:log\n      input:\n        message: {}\n",
            serde_json::Value::String(checked.replace(['\n', '\r'], " "))
        );
        check(yaml.as_bytes());
    };
    std::thread::Builder::new()
        .stack_size(CHAINS_STACK)
        .spawn(run)
        .expect("a thread")
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
}

/// a header (lines: `copyWithoutTemplating` globs; `ext:.njk` for templateFileExtension;
/// `cookiecutter`), then NUL-separated path/content pairs (a path ending in `/` is a directory,
/// `@link:PATH` a symlink to the content) → `render_skeleton` under reduced limits.
pub fn skeleton_paths(data: &[u8]) {
    use trellis::render::skeleton::{render_skeleton, EntryKind as Kind, SkeletonEntry, SkeletonOptions};
    let Ok(text) = std::str::from_utf8(data) else { return };
    let mut parts = text.split(PART_SEPARATOR);
    let header = parts.next().unwrap_or_default();
    let mut options =
        SkeletonOptions { limits: fuzz_limits(), max_total_output: 8 << 20, ..SkeletonOptions::default() };
    for line in header.lines() {
        match line {
            "cookiecutter" => options.cookiecutter_compat = true,
            _ if line.starts_with("ext:") => options.template_file_extension = Some(line[4..].to_string()),
            _ => options.copy_without_templating.push(line.to_string()),
        }
    }
    let rest: Vec<&str> = parts.collect();
    let files: Vec<SkeletonEntry> = rest
        .chunks(2)
        .map(|pair| {
            let (path, content) = (pair[0], pair.get(1).copied().unwrap_or_default());
            let (path, kind, link_target) = if let Some(link) = path.strip_prefix("@link:") {
                (link, Kind::Symlink, Some(content.to_string()))
            } else if let Some(dir) = path.strip_suffix('/') {
                (dir, Kind::Directory, None)
            } else {
                (path, Kind::File, None)
            };
            let content = if kind == Kind::File { content.as_bytes().to_vec() } else { Vec::new() };
            SkeletonEntry { path: path.to_string(), kind, content, mode: 0o644, link_target }
        })
        .collect();
    let values = json!({"name": "demo", "owner": "group:team", "list": [1, 2], "nested": {"a": "../x"}});
    let _ = render_skeleton(&files, &values, &options);
}

/// The folder the `placeholders` target's repository sits in, and its template.
const REPOSITORY_ROOT: &str = "repo";
const PLACEHOLDER_TEMPLATE: &str = "repo/templates/t/template.yaml";

/// An in-memory repository for placeholder includes: a few default files (a step, a page, a
/// text, a file that includes itself, a file outside the root), then the input's NUL-separated
/// path/content pairs under `repo/` (a later pair replaces an earlier file). It records every
/// path it is asked about, so the harness can tell that nothing outside the root was touched.
pub struct MemoryRepository {
    files: Vec<(String, Vec<u8>)>,
    asked: std::cell::RefCell<Vec<String>>,
}

impl MemoryRepository {
    pub fn new(pairs: &[&str]) -> MemoryRepository {
        let mut files: Vec<(String, Vec<u8>)> = [
            ("repo/steps/s.yaml", "id: s\naction: debug:log\ninput:\n  message: ${{ parameters.name }}\n"),
            ("repo/templates/t/page.json", r#"{"title": "P", "properties": {"name": {"type": "string"}}}"#),
            ("repo/templates/t/d.txt", "A description\n"),
            ("repo/templates/t/self.yaml", "again:\n  $yaml: ./self.yaml\n"),
            ("outside.yaml", "secret: 1\n"),
        ]
        .iter()
        .map(|(path, text)| (path.to_string(), text.as_bytes().to_vec()))
        .collect();
        for pair in pairs.chunks(2) {
            let path = format!("{REPOSITORY_ROOT}/{}", pair[0].trim_start_matches('/'));
            let content = pair.get(1).copied().unwrap_or_default().as_bytes().to_vec();
            files.retain(|(known, _)| *known != path);
            files.push((path, content));
        }
        MemoryRepository { files, asked: std::cell::RefCell::new(Vec::new()) }
    }

    fn ask(&self, path: &str) {
        self.asked.borrow_mut().push(path.to_string());
    }

    /// Panics (a fuzzing finding) if any path asked about is outside the repository root.
    pub fn assert_confined(&self) {
        for path in self.asked.borrow().iter() {
            assert!(trellis::confine::within_root(REPOSITORY_ROOT, path), "read outside the root: {path:?}");
        }
    }
}

impl SkeletonSource for MemoryRepository {
    fn kind(&self, path: &str) -> Result<Option<EntryKind>, String> {
        self.ask(path);
        if self.files.iter().any(|(known, _)| known == path) {
            return Ok(Some(EntryKind::File));
        }
        let folder = format!("{}/", path.trim_end_matches('/'));
        Ok(self.files.iter().any(|(known, _)| known.starts_with(&folder)).then_some(EntryKind::Directory))
    }

    fn list(&self, path: &str) -> Result<Vec<(String, EntryKind)>, String> {
        self.ask(path);
        let folder = format!("{}/", path.trim_end_matches('/'));
        let mut listing: Vec<(String, EntryKind)> = Vec::new();
        for (known, _) in &self.files {
            let Some(rest) = known.strip_prefix(&folder) else { continue };
            let entry = match rest.split_once('/') {
                Some((name, _)) => (name.to_string(), EntryKind::Directory),
                None => (rest.to_string(), EntryKind::File),
            };
            if !listing.contains(&entry) {
                listing.push(entry);
            }
        }
        Ok(listing)
    }

    fn read(&self, path: &str, max: u64) -> Result<Vec<u8>, ReadError> {
        self.ask(path);
        let Some((_, bytes)) = self.files.iter().find(|(known, _)| known == path) else {
            return Err(ReadError::Failed(format!("no file {path}")));
        };
        if bytes.len() as u64 > max {
            return Err(ReadError::TooLarge(bytes.len() as u64));
        }
        Ok(bytes.clone())
    }

    fn root(&self, _template_path: &str) -> Option<String> {
        Some(REPOSITORY_ROOT.into())
    }
}

/// template text (then NUL-separated path/content pairs of its repository) → placeholders
/// resolved through the in-memory reader, then every rule and parameter validation on the
/// result. Besides returning normally: nothing outside the root is asked for, and every node of
/// the resolved value names a file that was included.
pub fn placeholders(data: &[u8]) {
    let Some((template, parts)) = template_and_parts(data) else { return };
    let repository = MemoryRepository::new(&parts);
    if let Ok(documents) = trellis::yaml::parse_documents(template, Some(PLACEHOLDER_TEMPLATE)) {
        for document in documents {
            let resolved = trellis::placeholders::resolve(document, PLACEHOLDER_TEMPLATE, Some(&repository));
            let map = &resolved.document.map;
            assert_eq!(resolved.texts.len(), map.included().len(), "one text per included file");
            for (pointer, node) in map.nodes() {
                assert!(map.included_file(&node.value).is_some() || node.value.file == 0, "{pointer}: unknown file");
            }
            for problem in &resolved.problems {
                assert!(map.included_file(&problem.span).is_some() || problem.span.file == 0, "{}", problem.message);
            }
        }
    }
    let files = [SourceFile { path: PLACEHOLDER_TEMPLATE.into(), text: template.into() }];
    let _ = trellis::check::check_files(&files, &[], None, &[], Format::Text, false, Some(&repository));
    if let Ok(parsed) =
        Template::parse_with(template, SourceFormat::Yaml, Some(PLACEHOLDER_TEMPLATE), Some(&repository))
    {
        let options = ParameterOptions { file: Some(PLACEHOLDER_TEMPLATE.into()), ..ParameterOptions::default() };
        let _ = validate_parameters(&parsed, &json!({"name": "x"}), &options);
    }
    repository.assert_confined();
}
