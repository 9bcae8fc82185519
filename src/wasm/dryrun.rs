//! The offline dry-run (`trellis render`): `dryRunTemplate` and `compareTrees`.

use serde::Deserialize;
use serde_json::Value;
use wasm_bindgen::prelude::*;

use super::error::{js_error, parse_json, to_json, JsResult};
use super::options::{effective_manifest, parse_options};
use super::reader::JsSource;
use super::skeleton::{entries_from_js, entries_to_js};
use crate::manifest::Manifest;
use crate::template::{SourceFormat, Template};

/// Options of `dryRunTemplate`, as the TypeScript wrapper sends them.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct DryRunOptionsJson {
    /// The template's path, relative to the reader's root.
    path: Option<String>,
    values: Option<Value>,
    secrets: Option<Value>,
    /// An instance manifest (`trellis manifest` output) as JSON text.
    manifest: Option<String>,
    user: Option<Value>,
    apply_defaults: Option<bool>,
    task_id: Option<String>,
    /// cookiecutter's clock (RFC 3339) and random seed.
    now: Option<String>,
    seed: Option<u64>,
}

#[wasm_bindgen(typescript_custom_section)]
const DRY_RUN_OUTPUT: &str = r#"
/** What `dryRunTemplate` returns: the report as JSON, the workspace's entries, the failing step's error. */
export interface DryRunOutput {
  report: Json<"DryRunReport">;
  files: SkeletonEntryObject[];
  error?: Error;
}
"#;

/// `dryRunTemplate(source, optionsJson, reader)`: the offline dry-run of one template, skeletons
/// read through `reader`. Returns `{report: JSON text, files, error?}` where `error` is the first
/// failing step's (as a JavaScript `Error` with the location fields); throws when the template
/// cannot be read or the values are invalid.
#[wasm_bindgen(js_name = dryRunTemplate, unchecked_return_type = "DryRunOutput")]
pub fn dry_run_template(
    source: &str,
    #[wasm_bindgen(unchecked_param_type = "Json<\"DryRunOptions\">")] options_json: &str,
    #[wasm_bindgen(unchecked_param_type = "SkeletonReader")] reader: JsValue,
) -> JsResult<JsValue> {
    let options: DryRunOptionsJson = parse_options(options_json)?;
    let defaults = crate::dryrun::DryRunOptions::default();
    let dry_run_options = crate::dryrun::DryRunOptions {
        template_path: options.path.unwrap_or(defaults.template_path),
        values: options.values.unwrap_or(defaults.values),
        secrets: options.secrets.unwrap_or(defaults.secrets),
        manifest: effective_manifest(options.manifest.as_deref(), Manifest::builtin_and_modules())?,
        user: options.user.unwrap_or(defaults.user),
        apply_defaults: options.apply_defaults.unwrap_or(defaults.apply_defaults),
        task_id: options.task_id.unwrap_or(defaults.task_id),
        now: options.now,
        seed: options.seed,
    };
    let file = Some(dry_run_options.template_path.as_str());
    let reader = JsSource::required(reader, "dryRunTemplate")?;
    // The catalog's placeholders resolved as it resolves them before the scaffolder runs.
    let template = Template::parse_with(source, SourceFormat::Yaml, file, Some(&reader)).map_err(js_error)?;
    let result = crate::dryrun::run(&template, source, &dry_run_options, &reader).map_err(js_error)?;
    let out = js_sys::Object::new();
    let set = |key: &str, value: &JsValue| {
        let _ = js_sys::Reflect::set(&out, &JsValue::from_str(key), value);
    };
    set("report", &JsValue::from_str(&to_json(&result.report)?));
    set("files", &entries_to_js(&result.files));
    if let Some(error) = result.error {
        set("error", &js_error(error));
    }
    Ok(out.into())
}

/// `compareTrees(golden, rendered, secretsJson?)`: `{equal, changed, missing, extra, text}` as
/// JSON text, `text` holding a unified diff per differing file; the task's secrets (and their
/// derived forms) hidden in what it shows.
#[wasm_bindgen(js_name = compareTrees, unchecked_return_type = "Json<\"TreeDiff\">")]
pub fn compare_trees(
    #[wasm_bindgen(unchecked_param_type = "SkeletonEntryObject[]")] golden: JsValue,
    #[wasm_bindgen(unchecked_param_type = "SkeletonEntryObject[]")] rendered: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Json<\"Secrets\"> | undefined")] secrets_json: Option<String>,
) -> JsResult<String> {
    let golden = entries_from_js(&golden, "golden")?;
    let rendered = entries_from_js(&rendered, "rendered")?;
    let secrets = match secrets_json.as_deref() {
        Some(text) => parse_json(text, "secrets")?,
        None => Value::Null,
    };
    to_json(&crate::dryrun::diff::compare(&golden, &rendered).redacted(&crate::dryrun::redactor(&secrets)))
}
