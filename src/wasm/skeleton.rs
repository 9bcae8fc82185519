//! Skeletons (`fetch:template`): `SkeletonBuilder` collects entries (bytes cross as
//! `Uint8Array`, never as JSON or base64) and renders them once into a `SkeletonOutput`, read
//! entry by entry; `isBinaryFile`; and the conversion of entries to and from JavaScript objects.

use serde::Deserialize;
use serde_json::Value;
use wasm_bindgen::prelude::*;

use super::error::{invalid_argument, js_error, parse_json, to_json, JsResult};
use super::options::parse_options;
use super::render::RenderOptionsJson;
use crate::render::skeleton::{self, EntryKind, SkeletonEntry};

/// Options of `SkeletonBuilder.render`: fetch:template's inputs as the TypeScript wrapper sends
/// them (`templateFileExtension` raw: true, false or a string), plus the render options.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct SkeletonOptionsJson {
    copy_without_templating: Option<Value>,
    template_file_extension: Option<Value>,
    max_total_output: Option<f64>,
    /// `cookiecutterCompat` and the rest of the render options.
    #[serde(flatten)]
    render: RenderOptionsJson,
}

/// A skeleton collected entry by entry, then rendered once.
#[wasm_bindgen]
pub struct SkeletonBuilder {
    files: Vec<SkeletonEntry>,
}

#[wasm_bindgen]
impl SkeletonBuilder {
    #[wasm_bindgen(constructor)]
    pub fn new() -> SkeletonBuilder {
        SkeletonBuilder { files: Vec::new() }
    }

    #[wasm_bindgen(js_name = addFile)]
    pub fn add_file(&mut self, path: String, content: Vec<u8>, mode: u32) {
        self.files.push(SkeletonEntry { path, kind: EntryKind::File, content, mode, link_target: None });
    }

    #[wasm_bindgen(js_name = addDirectory)]
    pub fn add_directory(&mut self, path: String, mode: u32) {
        self.files.push(SkeletonEntry {
            path,
            kind: EntryKind::Directory,
            content: Vec::new(),
            mode,
            link_target: None,
        });
    }

    #[wasm_bindgen(js_name = addSymlink)]
    pub fn add_symlink(&mut self, path: String, target: String) {
        self.files.push(SkeletonEntry {
            path,
            kind: EntryKind::Symlink,
            content: Vec::new(),
            mode: 0o777,
            link_target: Some(target),
        });
    }

    /// Renders the collected entries with `values`; options as `SkeletonOptions` in
    /// skeleton.ts (render options included), host filters and globals as for `Renderer`, on
    /// `fetch:template`'s filters.
    pub fn render(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Json<\"Values\">")] values_json: &str,
        #[wasm_bindgen(unchecked_param_type = "Json<\"SkeletonRenderOptions\">")] options_json: &str,
        #[wasm_bindgen(unchecked_param_type = "Record<string, unknown> | undefined")] filters: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Record<string, unknown> | undefined")] globals: JsValue,
    ) -> JsResult<SkeletonOutput> {
        let values = parse_json(values_json, "values")?;
        let raw: SkeletonOptionsJson = parse_options(options_json)?;
        let cookiecutter_compat = raw.render.cookiecutter_compat;
        let (render_options, extensions) = raw.render.setup(skeleton::fetch_template_extensions, &filters, &globals);
        let mut options = skeleton::SkeletonOptions::from_inputs(
            raw.copy_without_templating.as_ref(),
            raw.template_file_extension.as_ref(),
            cookiecutter_compat,
        )
        .map_err(js_error)?;
        options.trim_blocks = render_options.trim_blocks;
        options.lstrip_blocks = render_options.lstrip_blocks;
        options.strict = render_options.strict;
        options.limits = render_options.limits;
        options.secrets = render_options.secrets;
        if let Some(max) = raw.max_total_output.filter(|v| v.is_finite() && *v >= 0.0) {
            options.max_total_output = max as usize;
        }
        let result = skeleton::render_skeleton_with(&self.files, &values, &options, &extensions).map_err(js_error)?;
        Ok(SkeletonOutput { result })
    }
}

impl Default for SkeletonBuilder {
    fn default() -> SkeletonBuilder {
        SkeletonBuilder::new()
    }
}

/// `fetchTemplateInputs`' argument: `fetch:template`'s inputs that decide how a skeleton renders.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct FetchTemplateInputsJson {
    copy_without_templating: Option<Value>,
    template_file_extension: Option<Value>,
    cookiecutter_compat: bool,
}

/// `fetchTemplateInputs(inputsJson)`: the inputs as `fetch:template` reads them
/// (`{copyWithoutTemplating?, templateFileExtension?}`, the extension normalised), or the
/// `invalid_option` error of what it refuses, with `backstageMessage` where `fetch:template`
/// raises an `InputError` of its own (`trellis:fetch:template` raises the same, before fetching).
#[wasm_bindgen(js_name = fetchTemplateInputs, unchecked_return_type = "Json<\"TemplateInputs\">")]
pub fn fetch_template_inputs(
    #[wasm_bindgen(unchecked_param_type = "Json<\"FetchTemplateInputs\">")] inputs_json: &str,
) -> JsResult<String> {
    let inputs: FetchTemplateInputsJson = parse_options(inputs_json)?;
    let inputs = crate::fetch_template::template_inputs(
        inputs.copy_without_templating.as_ref(),
        inputs.template_file_extension.as_ref(),
        inputs.cookiecutter_compat,
    )
    .map_err(js_error)?;
    to_json(&inputs)
}

/// `isBinaryFile(bytes)`: isbinaryfile 5's verdict, the one `SkeletonBuilder.render` uses to
/// copy a file unrendered (exported so tests can hold it against the real npm package).
#[wasm_bindgen(js_name = isBinaryFile)]
pub fn is_binary_file(bytes: &[u8]) -> bool {
    crate::fetch_template::is_binary(bytes)
}

/// `"file" | "directory" | "symlink"`, as entries are typed in JavaScript.
pub(super) fn entry_type(kind: EntryKind) -> &'static str {
    match kind {
        EntryKind::File => "file",
        EntryKind::Directory => "directory",
        EntryKind::Symlink => "symlink",
        // Only in directory listings; a rendered tree never holds one.
        EntryKind::Other => "other",
    }
}

/// A rendered skeleton, read entry by entry (content as `Uint8Array`).
#[wasm_bindgen]
pub struct SkeletonOutput {
    result: skeleton::SkeletonResult,
}

#[wasm_bindgen]
impl SkeletonOutput {
    /// Number of output entries.
    pub fn count(&self) -> usize {
        self.result.files.len()
    }

    pub fn path(&self, index: usize) -> String {
        self.result.files.get(index).map(|f| f.path.clone()).unwrap_or_default()
    }

    /// `"file" | "directory" | "symlink"`.
    #[wasm_bindgen(unchecked_return_type = "\"file\" | \"directory\" | \"symlink\"")]
    pub fn kind(&self, index: usize) -> String {
        entry_type(self.result.files.get(index).map_or(EntryKind::File, |f| f.kind)).into()
    }

    pub fn mode(&self, index: usize) -> u32 {
        self.result.files.get(index).map_or(0, |f| f.mode)
    }

    pub fn content(&self, index: usize) -> Vec<u8> {
        self.result.files.get(index).map(|f| f.content.clone()).unwrap_or_default()
    }

    #[wasm_bindgen(js_name = linkTarget)]
    pub fn link_target(&self, index: usize) -> Option<String> {
        self.result.files.get(index).and_then(|f| f.link_target.clone())
    }

    /// `[{path, renderedPath, reason}]` as JSON text.
    #[wasm_bindgen(js_name = skippedJson, unchecked_return_type = "Json<\"SkippedEntries\">")]
    pub fn skipped_json(&self) -> String {
        let skipped: Vec<Value> = self
            .result
            .skipped
            .iter()
            .map(|s| serde_json::json!({"path": s.path, "renderedPath": s.rendered_path, "reason": s.reason}))
            .collect();
        Value::Array(skipped).to_string()
    }
}

/// Entries as `[{path, type, mode, content: Uint8Array, symlink?}]` (what `writeSkeleton` takes).
pub fn entries_to_js(files: &[SkeletonEntry]) -> js_sys::Array {
    let out = js_sys::Array::new();
    for file in files {
        let object = js_sys::Object::new();
        let set = |key: &str, value: JsValue| {
            let _ = js_sys::Reflect::set(&object, &JsValue::from_str(key), &value);
        };
        set("path", JsValue::from_str(&file.path));
        set("type", JsValue::from_str(entry_type(file.kind)));
        set("mode", JsValue::from(file.mode));
        set("content", js_sys::Uint8Array::from(file.content.as_slice()).into());
        if let Some(target) = &file.link_target {
            set("symlink", JsValue::from_str(target));
        }
        out.push(&object);
    }
    out
}

/// The reverse of [`entries_to_js`]; `content` may be a string (UTF-8) or a Uint8Array; `what`
/// names the argument in errors.
pub fn entries_from_js(value: &JsValue, what: &str) -> JsResult<Vec<SkeletonEntry>> {
    let invalid = |message: String| invalid_argument(format!("{what}: {message}"));
    let array: js_sys::Array = value.clone().dyn_into().map_err(|_| invalid("must be an array of files".into()))?;
    let mut out = Vec::with_capacity(array.length() as usize);
    for item in array.iter() {
        let get = |key: &str| js_sys::Reflect::get(&item, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED);
        let path = get("path").as_string().ok_or_else(|| invalid("every file needs a string `path`".into()))?;
        let kind = match get("type").as_string().as_deref() {
            None | Some("file") => EntryKind::File,
            Some("directory") => EntryKind::Directory,
            Some("symlink") => EntryKind::Symlink,
            Some(other) => return Err(invalid(format!("`{path}` has an unknown type `{other}`"))),
        };
        let content = get("content");
        let content = match content.as_string() {
            Some(text) => text.into_bytes(),
            None if content.is_undefined() || content.is_null() => Vec::new(),
            None => content
                .dyn_into::<js_sys::Uint8Array>()
                .map_err(|_| invalid(format!("the content of `{path}` must be a string or a Uint8Array")))?
                .to_vec(),
        };
        let mode = get("mode").as_f64().map_or(0, |m| m as u32);
        out.push(SkeletonEntry { path, kind, content, mode, link_target: get("symlink").as_string() });
    }
    Ok(out)
}
