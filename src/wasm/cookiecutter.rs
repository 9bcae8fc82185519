//! `renderCookiecutter`: the JavaScript boundary of [`crate::cookiecutter`]. Entry metadata
//! crosses as JSON text and file bytes as `Uint8Array`s (never JSON or base64), in both
//! directions.

use serde::Deserialize;
use serde_json::{json, Value};
use wasm_bindgen::prelude::*;

use super::error::{js_error, CookiecutterFailure, JsResult};
use super::skeleton::entry_type;
use crate::cookiecutter::{self, EntryKind, Mode, SkeletonEntry, SkeletonError};

/// One input entry's metadata (its bytes are at the same index of the contents array).
#[derive(Deserialize)]
struct EntryJson {
    path: String,
    #[serde(rename = "type", default)]
    kind: Option<String>,
    #[serde(default)]
    mode: u32,
    #[serde(default)]
    symlink: Option<String>,
}

/// Options of `renderCookiecutter` (`CookiecutterOptions` in plugin-wrapper/src/coreInstance.ts).
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct OptionsJson {
    mode: Option<String>,
    now: Option<String>,
    seed: Option<f64>,
    copy_without_render: Option<Vec<String>>,
    extensions: Option<Vec<String>>,
    template_path: Option<String>,
    output_dir: Option<String>,
    fuel: Option<f64>,
    recursion_limit: Option<f64>,
    max_total_output: Option<f64>,
}

#[wasm_bindgen(typescript_custom_section)]
const COOKIECUTTER_OUTPUT: &str = r#"
/** What `renderCookiecutter` returns: the entries' metadata as JSON, their bytes by index, the rest as JSON. */
export interface CookiecutterOutput {
  entries: Json<"CookiecutterEntries">;
  contents: Uint8Array[];
  meta: Json<"CookiecutterMeta">;
}
"#;

/// An argument the renderer cannot use: a cookiecutter failure with code `invalid_option`.
fn argument_error(message: String) -> JsValue {
    js_error(CookiecutterFailure(SkeletonError {
        path: String::new(),
        line: None,
        column: None,
        code: "invalid_option",
        message,
        hint: None,
    }))
}

/// `renderCookiecutter(entriesJson, contents, valuesJson, optionsJson)` →
/// `{entries: JSON [{path, type, mode}], contents: Uint8Array[], meta: JSON {skipped, warnings,
/// projectDir, context}}`; throws a `TrellisCookiecutterError` with `code`, `file`, `line`,
/// `column`, `hint`.
#[wasm_bindgen(js_name = renderCookiecutter, unchecked_return_type = "CookiecutterOutput")]
pub fn render_cookiecutter(
    #[wasm_bindgen(unchecked_param_type = "Json<\"CookiecutterEntries\">")] entries_json: &str,
    #[wasm_bindgen(unchecked_param_type = "Uint8Array[]")] contents: js_sys::Array,
    #[wasm_bindgen(unchecked_param_type = "Json<\"Values\">")] values_json: &str,
    #[wasm_bindgen(unchecked_param_type = "Json<\"CookiecutterOptions\">")] options_json: &str,
) -> JsResult<JsValue> {
    let entries: Vec<EntryJson> =
        serde_json::from_str(entries_json).map_err(|e| argument_error(format!("files: {e}")))?;
    let raw: OptionsJson = if options_json.trim().is_empty() {
        OptionsJson::default()
    } else {
        serde_json::from_str(options_json).map_err(|e| argument_error(format!("invalid options: {e}")))?
    };
    let values: Value = serde_json::from_str(values_json).map_err(|e| argument_error(format!("values: {e}")))?;
    let mut files = Vec::with_capacity(entries.len());
    for (index, entry) in entries.into_iter().enumerate() {
        let kind = match entry.kind.as_deref() {
            Some("directory") => EntryKind::Directory,
            Some("symlink") => EntryKind::Symlink,
            _ if entry.symlink.is_some() => EntryKind::Symlink,
            _ => EntryKind::File,
        };
        let content =
            contents.get(index as u32).dyn_into::<js_sys::Uint8Array>().map(|bytes| bytes.to_vec()).unwrap_or_default();
        files.push(SkeletonEntry { path: entry.path, kind, content, mode: entry.mode, link_target: entry.symlink });
    }
    let defaults = cookiecutter::Options::default();
    let mode = match raw.mode.as_deref() {
        None | Some("plain") => Mode::Plain,
        Some("backstage") => Mode::Backstage,
        Some(other) => return Err(argument_error(format!("mode must be 'plain' or 'backstage', not '{other}'"))),
    };
    let positive = |v: Option<f64>| v.filter(|v| v.is_finite() && *v >= 0.0);
    let options = cookiecutter::Options {
        mode,
        now: raw.now.unwrap_or(defaults.now),
        seed: positive(raw.seed).map(|s| s as u64),
        copy_without_render: raw.copy_without_render,
        extensions: raw.extensions,
        template_path: raw.template_path.unwrap_or(defaults.template_path),
        output_dir: raw.output_dir.unwrap_or(defaults.output_dir),
        limits: cookiecutter::Limits {
            fuel: positive(raw.fuel).map_or(defaults.limits.fuel, |v| v as u64),
            recursion: positive(raw.recursion_limit).map_or(defaults.limits.recursion, |v| v as usize),
            max_total_output: positive(raw.max_total_output).map_or(defaults.limits.max_total_output, |v| v as usize),
        },
    };
    let result =
        cookiecutter::render_cookiecutter(&files, &values, &options).map_err(|e| js_error(CookiecutterFailure(e)))?;
    let out_entries: Vec<Value> =
        result.files.iter().map(|f| json!({"path": f.path, "type": entry_type(f.kind), "mode": f.mode})).collect();
    let out_contents = js_sys::Array::new();
    for file in &result.files {
        out_contents.push(&js_sys::Uint8Array::from(file.content.as_slice()).into());
    }
    let skipped: Vec<Value> = result
        .skipped
        .iter()
        .map(|s| json!({"path": s.path, "renderedPath": s.rendered_path, "reason": s.reason}))
        .collect();
    let meta = json!({
        "skipped": skipped,
        "warnings": result.warnings,
        "projectDir": result.project_dir,
        "context": result.context,
    });
    let out = js_sys::Object::new();
    let set = |key: &str, value: &JsValue| {
        let _ = js_sys::Reflect::set(&out, &JsValue::from_str(key), value);
    };
    set("entries", &JsValue::from_str(&Value::Array(out_entries).to_string()));
    set("contents", &out_contents.into());
    set("meta", &JsValue::from_str(&meta.to_string()));
    Ok(out.into())
}
