//! `LspWorkspace`: the language server's state and analyses (src/lsp/) for
//! plugin-wrapper/src/lsp/. Paths are absolute and `/`-separated; positions are the core's
//! (1-based lines, 1-based columns in characters); results cross as JSON text.

use serde::Serialize;
use wasm_bindgen::prelude::*;

use super::error::{invalid_argument, JsResult};
use super::options::instance_manifest;
use super::reader::JsSource;
use crate::diagnostics::Diagnostic;
use crate::error::Span;
use crate::lsp::{Position, Workspace};

#[wasm_bindgen]
pub struct LspWorkspace {
    inner: Workspace,
}

fn to_json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "null".into())
}

fn string_list(json: &str, what: &str) -> JsResult<Vec<String>> {
    serde_json::from_str(json).map_err(|e| invalid_argument(format!("{what} must be a list of paths: {e}")))
}

/// A diagnostic with the edit its did-you-mean proposes (`fix`), for the quick fixes.
#[derive(Serialize)]
struct Finding<'a> {
    #[serde(flatten)]
    diagnostic: &'a Diagnostic,
    #[serde(skip_serializing_if = "Option::is_none")]
    fix: Option<Fix<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Fix<'a> {
    range: Span,
    new_text: &'a str,
}

fn finding(diagnostic: &Diagnostic) -> Finding<'_> {
    let fix = diagnostic.suggestion.as_ref().map(|s| Fix { range: s.span, new_text: &s.replacement });
    Finding { diagnostic, fix }
}

#[wasm_bindgen]
impl LspWorkspace {
    /// `new LspWorkspace(rootsJson, manifestJson?)`: nothing outside the roots (absolute
    /// directories) is read; `manifestJson` is an instance manifest (`trellis manifest` output).
    #[wasm_bindgen(constructor)]
    pub fn new(roots_json: &str, manifest_json: Option<String>) -> Result<LspWorkspace, JsValue> {
        let roots = string_list(roots_json, "roots")?;
        Ok(LspWorkspace { inner: Workspace::new(roots, instance_manifest(manifest_json.as_deref())?) })
    }

    #[wasm_bindgen(js_name = setManifest)]
    pub fn set_manifest(&mut self, manifest_json: Option<String>) -> Result<(), JsValue> {
        self.inner.set_manifest(instance_manifest(manifest_json.as_deref())?);
        Ok(())
    }

    #[wasm_bindgen(js_name = setDocument)]
    pub fn set_document(&mut self, path: &str, text: &str) {
        self.inner.set_document(path, text);
    }

    #[wasm_bindgen(js_name = closeDocument)]
    pub fn close_document(&mut self, path: &str) {
        self.inner.close_document(path);
    }

    /// The template files found on disk in the workspace (JSON list of paths).
    #[wasm_bindgen(js_name = setTemplatesOnDisk)]
    pub fn set_templates_on_disk(&mut self, paths_json: &str) -> Result<(), JsValue> {
        self.inner.set_templates_on_disk(string_list(paths_json, "templates")?);
        Ok(())
    }

    /// Checks what changed; JSON `[{path, diagnostics: [{…diagnostic, fix?: {range, newText}}]}]`
    /// for every file whose list changed. `reader` reads the disk (a `SkeletonReader`).
    pub fn diagnose(&mut self, reader: JsValue) -> Result<String, JsValue> {
        let Some(disk) = JsSource::optional(reader) else {
            return Err(invalid_argument("diagnose needs a file reader"));
        };
        let files = self.inner.diagnose(&disk);
        let out: Vec<serde_json::Value> = files
            .iter()
            .map(|file| {
                let findings: Vec<Finding> = file.diagnostics.iter().map(finding).collect();
                serde_json::json!({"path": file.path, "diagnostics": findings})
            })
            .collect();
        Ok(to_json(&out))
    }

    /// JSON `[{label, kind, detail?, documentation?, insertText, filterText?, range}]`.
    pub fn complete(&self, path: &str, line: u32, column: u32) -> String {
        to_json(&self.inner.complete(path, Position { line, column }))
    }

    /// JSON `{markdown, range}` or `null`.
    pub fn hover(&self, path: &str, line: u32, column: u32) -> String {
        to_json(&self.inner.hover(path, Position { line, column }))
    }

    /// JSON `[{path, range}]`.
    pub fn definition(&self, path: &str, line: u32, column: u32) -> String {
        to_json(&self.inner.definition(path, Position { line, column }))
    }

    /// JSON `[{title, path, range, newText, diagnostic}]`: quick fixes for the published
    /// diagnostics of `path` touching the range.
    #[wasm_bindgen(js_name = codeActions)]
    pub fn code_actions(&self, path: &str, line: u32, column: u32, end_line: u32, end_column: u32) -> String {
        to_json(&self.inner.code_actions(path, Span::new(line, column, end_line, end_column)))
    }
}
