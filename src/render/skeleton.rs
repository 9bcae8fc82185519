//! STAND-IN for branch `skeleton-core`'s `render_skeleton` (the agreed API of
//! /work/briefs/skeleton-api.md), so the offline dry-run builds before that branch lands. When
//! `skeleton-core` is merged, its file replaces this one whole; nothing else depends on more
//! than the agreed signatures.
//!
//! What it does: fetch:template's entry loop (spec §4.2 steps 4–8): every path rendered, the
//! empty / `/`-leading / `//` skip rule, `templateFileExtension`, `copyWithoutTemplating`,
//! binary files and symlinks copied, `..` refused.

use serde_json::Value;

use crate::check::skeleton::{extname, is_binary, Pattern};
use crate::render::{render_string, Context, RenderOptions};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    File,
    Directory,
    Symlink,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkeletonFile {
    pub path: String,
    pub kind: EntryKind,
    pub content: Vec<u8>,
    pub mode: u32,
    pub link_target: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct SkeletonOptions {
    pub copy_without_templating: Vec<String>,
    pub template_file_extension: Option<String>,
    pub cookiecutter_compat: bool,
    pub trim_blocks: bool,
    pub lstrip_blocks: bool,
    pub strict: bool,
    pub limits: crate::engine::eval::Limits,
    pub max_total_output: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedEntry {
    pub path: String,
    pub rendered_path: String,
    pub reason: String,
}

#[derive(Debug, Clone, Default)]
pub struct SkeletonResult {
    pub files: Vec<SkeletonFile>,
    pub skipped: Vec<SkippedEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
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

fn pattern(text: &str) -> Pattern {
    let (negated, glob) = match text.strip_prefix('!') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let glob = glob.strip_prefix("./").unwrap_or(glob).trim_end_matches('/');
    let matcher = globset::GlobBuilder::new(glob)
        .literal_separator(true)
        .build()
        .map(|g| g.compile_matcher())
        .map_err(|e| e.to_string());
    Pattern { text: text.to_string(), pointer: String::new(), negated, matcher }
}

pub fn render_skeleton(
    files: &[SkeletonFile],
    values: &Value,
    options: &SkeletonOptions,
) -> Result<SkeletonResult, SkeletonError> {
    let root = if options.cookiecutter_compat { "cookiecutter" } else { "values" };
    let context = Context::from_json(&serde_json::json!({ root: values }));
    let render_options = RenderOptions {
        cookiecutter_compat: options.cookiecutter_compat,
        trim_blocks: options.trim_blocks,
        lstrip_blocks: options.lstrip_blocks,
        strict: options.strict,
        limits: options.limits,
        ..RenderOptions::default()
    };
    let extensions = crate::engine::backstage::extensions(crate::engine::backstage::default_integrations());
    let patterns: Vec<Pattern> = options.copy_without_templating.iter().map(|p| pattern(p)).collect();
    let dirs: Vec<&str> = files.iter().filter(|f| f.kind == EntryKind::Directory).map(|f| f.path.as_str()).collect();
    let is_dir = |p: &str| dirs.contains(&p);
    let copied = |path: &str| {
        patterns.iter().any(|p| !p.negated && p.covers(path, &is_dir))
            && !patterns.iter().any(|p| p.negated && p.covers(path, &is_dir))
    };
    let fail = |path: &str, code: &'static str, e: crate::render::RenderError| SkeletonError {
        path: path.to_string(),
        line: Some(e.line as usize),
        column: Some(e.column as usize),
        code,
        message: e.message,
        hint: None,
    };
    let mut out = SkeletonResult::default();
    for file in files {
        let mut rendered_path = render_string(&file.path, &context, &render_options, &extensions)
            .map_err(|e| fail(&file.path, "render_error", e))?;
        let name = file.path.rsplit('/').next().unwrap_or_default();
        let by_extension = options.template_file_extension.as_deref().is_some_and(|ext| extname(name) == ext);
        if by_extension {
            let ext = options.template_file_extension.as_deref().unwrap_or_default();
            rendered_path.truncate(rendered_path.len().saturating_sub(ext.len()));
        }
        if rendered_path.is_empty() || rendered_path.starts_with('/') || rendered_path.contains("//") {
            out.skipped.push(SkippedEntry {
                path: file.path.clone(),
                rendered_path,
                reason: "the rendered path is empty, starts with `/` or contains `//`".into(),
            });
            continue;
        }
        if rendered_path.split('/').any(|s| s == "..") {
            return Err(SkeletonError {
                path: file.path.clone(),
                line: None,
                column: None,
                code: "unsafe_path",
                message: format!("the rendered path `{rendered_path}` leaves the target directory"),
                hint: None,
            });
        }
        let render_content = file.kind == EntryKind::File
            && !is_binary(&file.content)
            && match &options.template_file_extension {
                Some(_) => by_extension,
                None => !copied(&file.path),
            };
        let content = if render_content {
            let text = String::from_utf8_lossy(&file.content);
            render_string(&text, &context, &render_options, &extensions)
                .map_err(|e| fail(&file.path, "render_error", e))?
                .into_bytes()
        } else {
            file.content.clone()
        };
        out.files.push(SkeletonFile { path: rendered_path, content, ..file.clone() });
    }
    Ok(out)
}
