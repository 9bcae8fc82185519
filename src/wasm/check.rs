//! `trellis check` and what it is made of: `checkFiles`, `checkTemplate`, `checkTemplateSyntax`,
//! `listRules`, `expandGlob`, `actionManifest`.

use serde::Deserialize;
use wasm_bindgen::prelude::*;

use super::error::{deserialize, invalid_argument, js_error, to_json, to_object, JsResult};
use super::options::{effective_manifest, instance_manifest, parse_options};
use super::reader::JsSource;
use crate::check::{self, SkeletonSource};
use crate::error::TrellisError;
use crate::manifest::Manifest;

/// Options of `checkTemplateSyntax`.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct SyntaxOptions {
    cookiecutter_compat: bool,
    trim_blocks: bool,
    lstrip_blocks: bool,
}

/// `checkTemplateSyntax(source, optionsJson)` → `{"ok": true}` or
/// `{"ok": false, "message", "line", "column", "endLine", "endColumn"}`.
#[wasm_bindgen(js_name = checkTemplateSyntax, unchecked_return_type = "Json<\"SyntaxCheck\">")]
pub fn check_template_syntax(
    source: &str,
    #[wasm_bindgen(unchecked_param_type = "Json<\"SyntaxOptions\">")] options_json: &str,
) -> JsResult<String> {
    let options: SyntaxOptions = parse_options(options_json)?;
    let parse_options = crate::engine::ParseOptions {
        cookiecutter_compat: options.cookiecutter_compat,
        trim_blocks: options.trim_blocks,
        lstrip_blocks: options.lstrip_blocks,
    };
    let verdict = match crate::engine::parse(source, &parse_options) {
        Ok(_) => serde_json::json!({"ok": true}),
        Err(error) => {
            let span = error.locate(source);
            serde_json::json!({"ok": false, "message": error.message, "line": span.line, "column": span.column,
                "endLine": span.end_line, "endColumn": span.end_column})
        }
    };
    Ok(verdict.to_string())
}

/// Options of `checkTemplate`.
#[derive(Deserialize, Default)]
#[serde(default)]
struct CheckTemplateOptions {
    path: Option<String>,
}

/// `checkTemplate(source, optionsJson, reader?)`: diagnostics for one template text, JSON
/// `{diagnostics, summary}`; skeletons read through `reader` when given.
#[wasm_bindgen(js_name = checkTemplate, unchecked_return_type = "Json<\"CheckResult\">")]
pub fn check_template(
    source: &str,
    #[wasm_bindgen(unchecked_param_type = "Json<\"CheckTemplateOptions\">")] options_json: &str,
    #[wasm_bindgen(unchecked_param_type = "SkeletonReader | undefined")] reader: JsValue,
) -> JsResult<String> {
    let options: CheckTemplateOptions = parse_options(options_json)?;
    let skeletons = JsSource::optional(reader);
    let result = check::check_source_with(
        source,
        &check::CheckOptions { path: options.path, manifest: None, ignore: Vec::new() },
        skeletons.as_ref().map(|s| s as &dyn SkeletonSource),
    );
    to_json(&result)
}

/// Options of `checkFiles`.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct CheckFilesOptions {
    format: Option<String>,
    colour: bool,
    /// An instance manifest (`trellis manifest` output) as JSON text.
    manifest: Option<String>,
    /// Rule ids not to report.
    ignore: Vec<String>,
    /// A baseline file's text (`--baseline`): its findings are not reported.
    baseline: Option<String>,
    /// Record every finding as the new baseline (`--update-baseline`), returned as `baseline`.
    update_baseline: bool,
}

#[derive(Deserialize)]
struct CheckFile {
    path: String,
    source: String,
    /// Set by the CLI for a file whose own check failed inside: reported, not checked again.
    #[serde(default)]
    failure: Option<String>,
}

/// `checkFiles(filesJson, optionsJson, reader?)`: `trellis check` over `[{path, source}]`;
/// returns JSON `{diagnostics, summary, report, baselined, baseline}` where `report` is the text
/// in the requested format. With a skeleton reader, fetch steps' skeletons are checked. With
/// `baseline` (a baseline file's text) the findings it records are left out (`baselined` counts
/// them); with `updateBaseline` every finding is recorded and `baseline` is the new file's text.
#[wasm_bindgen(js_name = checkFiles, unchecked_return_type = "Json<\"CheckReport\">")]
pub fn check_files(
    #[wasm_bindgen(unchecked_param_type = "Json<\"CheckFiles\">")] files_json: &str,
    #[wasm_bindgen(unchecked_param_type = "Json<\"CheckFilesOptions\">")] options_json: &str,
    #[wasm_bindgen(unchecked_param_type = "SkeletonReader | undefined")] reader: JsValue,
) -> JsResult<String> {
    let files: Vec<CheckFile> = deserialize(files_json, "files", "files must be [{path, source}]")?;
    let options: CheckFilesOptions = parse_options(options_json)?;
    let format: crate::diagnostics::Format = options
        .format
        .as_deref()
        .unwrap_or("text")
        .parse()
        .map_err(|e: crate::diagnostics::UnknownFormat| invalid_argument(e.to_string()))?;
    let failures: Vec<Option<String>> = files.iter().map(|f| f.failure.clone()).collect();
    let files: Vec<check::SourceFile> =
        files.into_iter().map(|f| check::SourceFile { path: f.path, text: f.source }).collect();
    let manifest = instance_manifest(options.manifest.as_deref())?;
    let baseline = match options.baseline.as_deref() {
        Some(text) if !options.update_baseline => Some(
            check::Baseline::parse(text)
                .map_err(|e| js_error(TrellisError::new("invalid-baseline", format!("the baseline file is {e}"))))?,
        ),
        _ => None,
    };
    let source = JsSource::optional(reader);
    let mut checked = check::Checked::of(
        &files,
        &failures,
        manifest.as_ref(),
        &options.ignore,
        source.as_ref().map(|s| s as &dyn SkeletonSource),
    );
    // Updating records every finding, then reports what is new against it: nothing.
    let recorded = options.update_baseline.then(|| checked.baseline());
    let known = match recorded.as_ref().or(baseline.as_ref()) {
        Some(baseline) => checked.leave_out(baseline),
        None => 0,
    };
    let summary = crate::diagnostics::Summary::of(&checked.diagnostics, files.len());
    let mut report = checked.report(&summary, format, options.colour);
    if format == crate::diagnostics::Format::Text && known > 0 {
        report.push_str(&check::baseline::note(known));
    }
    Ok(serde_json::json!({
        "diagnostics": checked.diagnostics,
        "summary": summary,
        "report": report,
        "baselined": known,
        "baseline": recorded.map(|b| b.to_text()),
    })
    .to_string())
}

/// `actionManifest(instanceJson?)`: the manifest `trellis check` checks against, as JSON
/// `{actions: [{id, description?, schema: {input?, output?}}], filters, globals, fields}`: the
/// built-in one (scaffolder-backend 4.3.0 and Trellis' own actions), merged with an instance's.
#[wasm_bindgen(js_name = actionManifest, unchecked_return_type = "Json<\"Manifest\">")]
pub fn action_manifest(instance_json: Option<String>) -> JsResult<String> {
    to_json(&effective_manifest(instance_json.as_deref(), Manifest::builtin())?)
}

/// One rule as `listRules()` lists it.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct RuleDescription {
    id: &'static str,
    description: &'static str,
    default_severity: crate::diagnostics::Severity,
}

/// `listRules()`: `[{id, description, defaultSeverity}]`, an array of plain objects.
#[wasm_bindgen(
    js_name = listRules,
    unchecked_return_type = "Array<{ id: string; description: string; defaultSeverity: 'error' | 'warning' | 'info' }>"
)]
pub fn list_rules() -> JsResult<JsValue> {
    let rules: Vec<RuleDescription> = check::rule_catalogue()
        .into_iter()
        .map(|(id, description, default_severity)| RuleDescription { id, description, default_severity })
        .collect();
    to_object(&rules)
}

/// `expandGlob(pattern, reader)`: the files a `trellis check` path pattern names, walked through
/// the same reader as skeletons, as JSON `{pattern, files, truncated}`; `pattern` is false (and
/// `files` empty) when the text has no glob syntax. A pattern globset refuses is an `Error`
/// with rule `invalid-glob`.
#[wasm_bindgen(js_name = expandGlob, unchecked_return_type = "Json<\"GlobExpansion\">")]
pub fn expand_glob(
    pattern: &str,
    #[wasm_bindgen(unchecked_param_type = "SkeletonReader")] reader: JsValue,
) -> JsResult<String> {
    use crate::check::glob;
    if !glob::is_pattern(pattern) {
        return Ok(serde_json::json!({"pattern": false, "files": [], "truncated": false}).to_string());
    }
    let source = JsSource::required(reader, "expandGlob")?;
    let expansion =
        glob::expand(pattern, &source).map_err(|message| js_error(TrellisError::new("invalid-glob", message)))?;
    Ok(serde_json::json!({"pattern": true, "files": expansion.files, "truncated": expansion.truncated}).to_string())
}
