//! The JavaScript boundary: converts arguments and results, nothing else.
//!
//! Large values cross as JSON text (2–3× cheaper than structured conversion at this size,
//! measured in the toolchain notes). Failures become JavaScript `Error`s carrying the
//! location fields (`file`, `line`, `column`, `endLine`, `endColumn`, `rule`, `hint`), except
//! those of the `Renderer`'s hot calls, which come back tagged in the result (`outcome`).

use serde::Deserialize;
use serde_json::Value;
use wasm_bindgen::prelude::*;

use crate::error::TrellisError;
use crate::params::{self, ParameterOptions};
use crate::template::{SourceFormat, Template};

/// Options of `validateParameters`, as the TypeScript wrapper sends them.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct ValidateOptions {
    template_format: Option<String>,
    apply_defaults: bool,
    secrets: Option<Value>,
    path: Option<String>,
}

fn to_js_error(error: TrellisError) -> JsValue {
    let js = js_sys::Error::new(&error.to_string());
    let set = |key: &str, value: JsValue| {
        let _ = js_sys::Reflect::set(&js, &JsValue::from_str(key), &value);
    };
    set("rule", JsValue::from_str(error.rule));
    set("reason", JsValue::from_str(&error.message));
    if let Some(file) = &error.file {
        set("file", JsValue::from_str(file));
    }
    if let Some(hint) = &error.hint {
        set("hint", JsValue::from_str(hint));
    }
    if let Some(span) = error.span {
        set("line", JsValue::from(span.line));
        set("column", JsValue::from(span.column));
        set("endLine", JsValue::from(span.end_line));
        set("endColumn", JsValue::from(span.end_column));
    }
    js.into()
}

fn parse_json(text: &str, what: &str) -> Result<Value, JsValue> {
    serde_json::from_str(text)
        .map_err(|e| to_js_error(TrellisError::new("invalid-argument", format!("{what} is not valid JSON: {e}"))))
}

/// `validateParameters(templateSource, valuesJson, optionsJson)` → result JSON text.
#[wasm_bindgen(js_name = validateParameters)]
pub fn validate_parameters(template_source: &str, values_json: &str, options_json: &str) -> Result<String, JsValue> {
    let options: ValidateOptions = if options_json.trim().is_empty() {
        ValidateOptions::default()
    } else {
        serde_json::from_value(parse_json(options_json, "options")?)
            .map_err(|e| to_js_error(TrellisError::new("invalid-argument", format!("invalid options: {e}"))))?
    };
    let format = match options.template_format.as_deref() {
        Some("json") => SourceFormat::Json,
        _ => SourceFormat::Yaml,
    };
    let template = Template::parse(template_source, format, options.path.as_deref()).map_err(to_js_error)?;
    let values = parse_json(values_json, "values")?;
    let options =
        ParameterOptions { apply_defaults: options.apply_defaults, secrets: options.secrets, file: options.path };
    let result = params::validate_parameters(&template, &values, &options).map_err(to_js_error)?;
    serde_json::to_string(&result).map_err(|e| to_js_error(TrellisError::new("internal", e.to_string())))
}

/// Options of `checkTemplateSyntax`.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct SyntaxOptions {
    cookiecutter_compat: bool,
    trim_blocks: bool,
    lstrip_blocks: bool,
}

/// `checkTemplateSyntax(source, optionsJson)` → `{"ok": true}` or
/// `{"ok": false, "message", "line", "column", "endLine", "endColumn"}` (JSON text).
#[wasm_bindgen(js_name = checkTemplateSyntax)]
pub fn check_template_syntax(source: &str, options_json: &str) -> Result<String, JsValue> {
    let options: SyntaxOptions = if options_json.trim().is_empty() {
        SyntaxOptions::default()
    } else {
        serde_json::from_value(parse_json(options_json, "options")?)
            .map_err(|e| to_js_error(TrellisError::new("invalid-argument", format!("invalid options: {e}"))))?
    };
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

/// Options of `checkFiles`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CheckFilesOptions {
    #[serde(default)]
    format: Option<String>,
    #[serde(default)]
    colour: bool,
    /// An instance manifest (`trellis manifest` output) as JSON text.
    #[serde(default)]
    manifest: Option<String>,
    /// Rule ids not to report.
    #[serde(default)]
    ignore: Vec<String>,
}

#[derive(Deserialize)]
struct CheckFile {
    path: String,
    source: String,
}

/// A JavaScript skeleton reader, `{kind(path), list(path), read(path, maxBytes)}`:
/// `kind` → `"file" | "dir" | "symlink" | "other"` or null (nothing there), throwing when it
/// cannot tell (the skeleton is then skipped); `list` → `[name, kind][]`; `read` →
/// `Uint8Array`, or the size (a number) when it exceeds `maxBytes`; failures throw.
///
/// A callback rather than files collected by JavaScript beforehand: which directories to read
/// follows from the template (urls, `..`, limits, binary files, globs), and that stays in Rust;
/// one call per directory and per rendered file costs microseconds next to the file I/O.
struct JsSource {
    reader: js_sys::Object,
}

impl JsSource {
    fn call(&self, method: &str, args: &[JsValue]) -> Result<JsValue, String> {
        let function: js_sys::Function = js_sys::Reflect::get(&self.reader, &JsValue::from_str(method))
            .ok()
            .and_then(|f| f.dyn_into().ok())
            .ok_or_else(|| format!("the skeleton reader has no `{method}` function"))?;
        let result = match args {
            [a] => function.call1(&self.reader, a),
            [a, b] => function.call2(&self.reader, a, b),
            _ => function.call0(&self.reader),
        };
        result.map_err(|e| {
            propagate_fault(&e);
            e.dyn_ref::<js_sys::Error>().map_or_else(|| format!("{e:?}"), |e| String::from(e.message()))
        })
    }
}

fn entry_kind(value: &JsValue) -> Option<crate::check::skeleton::EntryKind> {
    use crate::check::skeleton::EntryKind;
    Some(match value.as_string()?.as_str() {
        "file" => EntryKind::File,
        "dir" => EntryKind::Dir,
        "symlink" => EntryKind::Symlink,
        _ => EntryKind::Other,
    })
}

impl crate::check::SkeletonSource for JsSource {
    fn kind(&self, path: &str) -> Result<Option<crate::check::skeleton::EntryKind>, String> {
        Ok(entry_kind(&self.call("kind", &[JsValue::from_str(path)])?))
    }

    fn list(&self, path: &str) -> Result<Vec<(String, crate::check::skeleton::EntryKind)>, String> {
        let listing = self.call("list", &[JsValue::from_str(path)])?;
        let listing: js_sys::Array = listing.dyn_into().map_err(|_| "`list` did not return an array".to_string())?;
        Ok(listing
            .iter()
            .filter_map(|pair| {
                let pair: js_sys::Array = pair.dyn_into().ok()?;
                Some((pair.get(0).as_string()?, entry_kind(&pair.get(1))?))
            })
            .collect())
    }

    fn read(&self, path: &str, max: u64) -> Result<Vec<u8>, crate::check::skeleton::ReadError> {
        use crate::check::skeleton::ReadError;
        let bytes =
            self.call("read", &[JsValue::from_str(path), JsValue::from_f64(max as f64)]).map_err(ReadError::Failed)?;
        if let Some(size) = bytes.as_f64() {
            return Err(ReadError::TooLarge(size as u64));
        }
        let bytes: js_sys::Uint8Array =
            bytes.dyn_into().map_err(|_| ReadError::Failed("`read` did not return a Uint8Array".into()))?;
        if u64::from(bytes.length()) > max {
            return Err(ReadError::TooLarge(u64::from(bytes.length())));
        }
        Ok(bytes.to_vec())
    }

    /// The reader's optional `mode(path)` (permission bits).
    fn mode(&self, path: &str) -> u32 {
        let has = js_sys::Reflect::get(&self.reader, &JsValue::from_str("mode")).is_ok_and(|f| f.is_function());
        if !has {
            return 0;
        }
        self.call("mode", &[JsValue::from_str(path)]).ok().and_then(|m| m.as_f64()).map_or(0, |m| m as u32)
    }

    /// The reader's optional `readlink(path)`.
    fn link_target(&self, path: &str) -> Option<String> {
        let has = js_sys::Reflect::get(&self.reader, &JsValue::from_str("readlink")).is_ok_and(|f| f.is_function());
        if !has {
            return None;
        }
        self.call("readlink", &[JsValue::from_str(path)]).ok().and_then(|t| t.as_string())
    }
}

/// The reader argument: `undefined`/`null` means skeletons are not read.
fn skeleton_source(reader: JsValue) -> Option<JsSource> {
    reader.dyn_into::<js_sys::Object>().ok().map(|reader| JsSource { reader })
}

/// `checkFiles(filesJson, optionsJson, reader?)`: `trellis check` over `[{path, source}]`;
/// returns JSON `{diagnostics, summary, report}` where `report` is the text in the requested
/// format. With a skeleton reader (see [`JsSource`]), fetch steps' skeletons are checked.
#[wasm_bindgen(js_name = checkFiles)]
pub fn check_files(files_json: &str, options_json: &str, reader: JsValue) -> Result<String, JsValue> {
    let files: Vec<CheckFile> = serde_json::from_value(parse_json(files_json, "files")?).map_err(|e| {
        to_js_error(TrellisError::new("invalid-argument", format!("files must be [{{path, source}}]: {e}")))
    })?;
    let options: CheckFilesOptions = serde_json::from_value(parse_json(options_json, "options")?)
        .map_err(|e| to_js_error(TrellisError::new("invalid-argument", format!("invalid options: {e}"))))?;
    let format: crate::diagnostics::Format =
        options.format.as_deref().unwrap_or("text").parse().map_err(|e: crate::diagnostics::UnknownFormat| {
            to_js_error(TrellisError::new("invalid-argument", e.to_string()))
        })?;
    let files: Vec<crate::check::SourceFile> =
        files.into_iter().map(|f| crate::check::SourceFile { path: f.path, text: f.source }).collect();
    let manifest = match options.manifest.as_deref() {
        Some(text) => Some(
            crate::manifest::Manifest::parse(text)
                .map_err(|e| to_js_error(TrellisError::new("invalid-manifest", e)))?,
        ),
        None => None,
    };
    let source = skeleton_source(reader);
    let (diagnostics, summary, report) = crate::check::check_files(
        &files,
        manifest.as_ref(),
        &options.ignore,
        format,
        options.colour,
        source.as_ref().map(|s| s as &dyn crate::check::SkeletonSource),
    );
    Ok(serde_json::json!({"diagnostics": diagnostics, "summary": summary, "report": report}).to_string())
}

/// `checkTemplate(source, optionsJson, reader?)`: diagnostics for one template text, JSON
/// `{diagnostics, summary}`; options `{path}`; skeletons read through `reader` when given.
#[wasm_bindgen(js_name = checkTemplate)]
pub fn check_template(source: &str, options_json: &str, reader: JsValue) -> Result<String, JsValue> {
    let options = parse_json(if options_json.trim().is_empty() { "{}" } else { options_json }, "options")?;
    let path = options.get("path").and_then(Value::as_str).map(str::to_string);
    let skeletons = skeleton_source(reader);
    let result = crate::check::check_source_with(
        source,
        &crate::check::CheckOptions { path, manifest: None, ignore: Vec::new() },
        skeletons.as_ref().map(|s| s as &dyn crate::check::SkeletonSource),
    );
    serde_json::to_string(&result).map_err(|e| to_js_error(TrellisError::new("internal", e.to_string())))
}

/// `actionManifest(instanceJson?)`: the manifest `trellis check` checks against, as JSON
/// `{actions: [{id, description?, schema: {input?, output?}}], filters, globals, fields}`: the
/// built-in one (scaffolder-backend 4.3.0 and Trellis' own actions), merged with an instance's.
#[wasm_bindgen(js_name = actionManifest)]
pub fn action_manifest(instance_json: Option<String>) -> Result<String, JsValue> {
    let manifest = match instance_json {
        Some(text) => crate::manifest::Manifest::with(
            &crate::manifest::Manifest::parse(&text).map_err(|e| to_js_error(TrellisError::new("invalid-manifest", e)))?,
        ),
        None => crate::manifest::Manifest::builtin().clone(),
    };
    serde_json::to_string(&manifest).map_err(|e| to_js_error(TrellisError::new("internal", e.to_string())))
}

/// `listRules()`: JSON `[{id, description, defaultSeverity}]`.
#[wasm_bindgen(js_name = listRules)]
pub fn list_rules() -> String {
    let rules: Vec<Value> = crate::check::rule_catalogue()
        .into_iter()
        .map(|(id, description, severity)| serde_json::json!({"id": id, "description": description, "defaultSeverity": severity}))
        .collect();
    Value::Array(rules).to_string()
}

// ----- panics ---------------------------------------------------------------------------------

/// The last panic's message and location. The wasm is built with `panic = "abort"` (stable Rust
/// has no unwinding on wasm32), so a panic ends the call as a trap (`WebAssembly.RuntimeError`)
/// that carries no text; the hook keeps the text here for the wrapper to read from the trapped
/// instance before it replaces the instance (plugin-wrapper/src/core.ts).
static LAST_PANIC: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);

/// Runs once when the module is instantiated.
#[wasm_bindgen(start)]
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        // The first panic is the cause; a later one (cleanup on the trapped instance) is not.
        if let Ok(mut last) = LAST_PANIC.lock() {
            last.get_or_insert_with(|| info.to_string());
        }
    }));
}

/// A JavaScript callback (filter, global, skeleton reader) that called into this instance again
/// and trapped there: the instance is no longer sound, so this call traps too (with the first
/// panic's text) instead of carrying on, and the wrapper replaces the instance.
fn propagate_fault(error: &JsValue) {
    if error.is_instance_of::<js_sys::WebAssembly::RuntimeError>() {
        let first = take_panic_message().unwrap_or_else(|| "a trap without a panic message".into());
        panic!("a callback called into Trellis' core, which failed: {first}");
    }
}

/// `takePanicMessage()`: the message and location of the panic that trapped the last call
/// (`panicked at src/…:line:column:\nmessage`), once; `undefined` when there was none.
#[wasm_bindgen(js_name = takePanicMessage)]
pub fn take_panic_message() -> Option<String> {
    LAST_PANIC.lock().ok().and_then(|mut last| last.take())
}

/// Test-only: panics with `message`, so tests can prove a panic reaches JavaScript as an
/// `Error` and the next call works. Not part of the API (hidden from the typed wrapper).
#[wasm_bindgen(js_name = __trellisPanicForTest)]
pub fn panic_for_test(message: &str) {
    panic!("{message}");
}

/// The core's version, to check the JavaScript and wasm halves belong together.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

// ----- rendering ------------------------------------------------------------------------------

/// Options of the render functions, as the TypeScript wrapper sends them (host filters and
/// globals travel separately, as JavaScript functions).
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct RenderOptionsJson {
    cookiecutter_compat: bool,
    trim_blocks: bool,
    lstrip_blocks: bool,
    strict: bool,
    compat: Option<String>,
    limits: Option<LimitsJson>,
    /// SCM integration hosts → type for `parseRepoUrl` (default: the four public hosts).
    integrations: Option<std::collections::BTreeMap<String, String>>,
    /// Leave out Backstage's filters (`fetch:template` in cookiecutter mode still has them).
    no_backstage_filters: bool,
    /// Values redacted from error messages, besides the context's `secrets`.
    secrets: Vec<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct LimitsJson {
    source_code_units: Option<f64>,
    work_units: Option<f64>,
    nesting_depth: Option<f64>,
    output_code_units: Option<f64>,
    scratch_bytes: Option<f64>,
    capability_calls: Option<f64>,
}

fn limits(json: Option<LimitsJson>) -> crate::engine::eval::Limits {
    let mut limits = crate::engine::eval::Limits::default();
    let Some(json) = json else { return limits };
    let clamp = |v: f64| if v.is_finite() && v >= 0.0 { v } else { f64::MAX };
    if let Some(v) = json.source_code_units {
        limits.source_code_units = clamp(v) as usize;
    }
    if let Some(v) = json.work_units {
        limits.work_units = clamp(v) as u64;
    }
    if let Some(v) = json.nesting_depth {
        limits.nesting_depth = clamp(v) as usize;
    }
    if let Some(v) = json.output_code_units {
        limits.output_code_units = clamp(v) as usize;
    }
    if let Some(v) = json.scratch_bytes {
        limits.scratch_bytes = clamp(v) as usize;
    }
    if let Some(v) = json.capability_calls {
        limits.capability_calls = clamp(v).min(f64::from(u32::MAX)) as u32;
    }
    limits
}

/// A JavaScript function as a host filter/global: JSON copies in, JSON out, synchronous.
fn host_function(name: String, function: js_sys::Function) -> crate::engine::eval::HostFunction {
    std::rc::Rc::new(move |args: &[Value]| {
        let array = js_sys::Array::new();
        for arg in args {
            let text = serde_json::to_string(arg).unwrap_or_else(|_| "null".into());
            array.push(&js_sys::JSON::parse(&text).unwrap_or(JsValue::NULL));
        }
        let result = function.apply(&JsValue::NULL, &array).map_err(|e| {
            propagate_fault(&e);
            let message = js_sys::Reflect::get(&e, &JsValue::from_str("message"))
                .ok()
                .and_then(|m| m.as_string())
                .unwrap_or_else(|| "failed".into());
            format!("`{name}` failed: {message}")
        })?;
        if result.is_undefined() {
            return Ok(None);
        }
        if result.has_type::<js_sys::Promise>() {
            return Err(format!("`{name}` returned a Promise; filters and globals must be synchronous"));
        }
        let text = js_sys::JSON::stringify(&result)
            .ok()
            .and_then(|s| s.as_string())
            .ok_or_else(|| format!("`{name}` returned a value that is not JSON"))?;
        serde_json::from_str(&text).map(Some).map_err(|e| format!("`{name}` returned invalid JSON: {e}"))
    })
}

fn functions_of(object: &JsValue) -> Vec<(String, js_sys::Function)> {
    if object.is_undefined() || object.is_null() {
        return Vec::new();
    }
    let entries = js_sys::Object::entries(&js_sys::Object::from(object.clone()));
    entries
        .iter()
        .filter_map(|entry| {
            let pair = js_sys::Array::from(&entry);
            let name = pair.get(0).as_string()?;
            let function = pair.get(1).dyn_into::<js_sys::Function>().ok()?;
            Some((name, function))
        })
        .collect()
}

fn render_setup(
    options_json: &str,
    filters: &JsValue,
    globals: &JsValue,
) -> Result<(crate::render::RenderOptions, crate::engine::eval::Extensions), JsValue> {
    let options: RenderOptionsJson = if options_json.trim().is_empty() {
        RenderOptionsJson::default()
    } else {
        serde_json::from_value(parse_json(options_json, "options")?)
            .map_err(|e| to_js_error(TrellisError::new("invalid-argument", format!("invalid options: {e}"))))?
    };
    let mut extensions = if options.no_backstage_filters {
        crate::engine::eval::Extensions::default()
    } else {
        crate::engine::backstage::extensions(
            options.integrations.clone().unwrap_or_else(crate::engine::backstage::default_integrations),
        )
    };
    for (name, function) in functions_of(filters) {
        extensions.filters.insert(name.clone(), host_function(name, function));
    }
    if !globals.is_undefined() && !globals.is_null() {
        let entries = js_sys::Object::entries(&js_sys::Object::from(globals.clone()));
        for entry in entries.iter() {
            let pair = js_sys::Array::from(&entry);
            let Some(name) = pair.get(0).as_string() else { continue };
            let value = pair.get(1);
            match value.clone().dyn_into::<js_sys::Function>() {
                Ok(function) => {
                    extensions.functions.insert(name.clone(), host_function(name, function));
                }
                Err(_) => {
                    let text = js_sys::JSON::stringify(&value).ok().and_then(|s| s.as_string());
                    if let Some(json) = text.and_then(|t| serde_json::from_str(&t).ok()) {
                        extensions.values.insert(name, json);
                    }
                }
            }
        }
    }
    let render_options = crate::render::RenderOptions {
        cookiecutter_compat: options.cookiecutter_compat,
        trim_blocks: options.trim_blocks,
        lstrip_blocks: options.lstrip_blocks,
        strict: options.strict,
        limits: limits(options.limits),
        backstage_compat: options.compat.as_deref() == Some("backstage"),
        no_regex_execution: false,
        secrets: options.secrets,
    };
    Ok((render_options, extensions))
}

/// A render's outcome as one string whose first character says what the rest is: `s` text (a
/// string value, or `renderString`'s output), `j` JSON text of any other value, `u` undefined,
/// `e` JSON of the failure (`message`, `name`, `code`, `reason`, `line`, `column`, `endLine`,
/// `endColumn`, `pointer`). One crossing, no JSON quoting or `JSON.parse` for the usual string
/// result, and a failure is returned, not thrown: V8 spends 20–40 µs creating and unwinding an
/// `Error` raised under wasm frames, several times what a render costs. render.ts reads it.
mod outcome {
    pub const TEXT: char = 's';
    pub const JSON: char = 'j';
    pub const UNDEFINED: char = 'u';
    pub const FAILURE: char = 'e';
}

fn tagged(tag: char, body: &str) -> String {
    let mut out = String::with_capacity(body.len() + 1);
    out.push(tag);
    out.push_str(body);
    out
}

fn render_failure(error: crate::render::RenderError) -> String {
    let code = match error.kind {
        crate::engine::eval::ErrorKind::Syntax => "syntax_error",
        crate::engine::eval::ErrorKind::Evaluation => "evaluation_error",
        crate::engine::eval::ErrorKind::Limit => "limit_error",
    };
    let mut fields = serde_json::json!({
        "message": error.to_string(),
        "name": "TrellisRenderError",
        "code": code,
        "reason": error.message,
        "line": error.line,
        "column": error.column,
        "endLine": error.end_line,
        "endColumn": error.end_column,
    });
    if let Some(pointer) = error.pointer {
        fields["pointer"] = Value::String(pointer);
    }
    tagged(outcome::FAILURE, &fields.to_string())
}

/// A context converted into wasm once and reused for many renders.
#[wasm_bindgen]
pub struct PreparedContext {
    context: crate::render::Context,
}

#[wasm_bindgen]
impl PreparedContext {
    /// A copy with `path` (dot-separated) set to the JSON value.
    #[wasm_bindgen(js_name = withValueJson)]
    pub fn with_value_json(&self, path: &str, value_json: &str) -> Result<PreparedContext, JsValue> {
        let value = parse_json(value_json, "value")?;
        let parts: Vec<&str> = path.split('.').collect();
        Ok(PreparedContext { context: self.context.with_value(&parts, &value) })
    }
}

/// `prepareContext(contextJson)`.
#[wasm_bindgen(js_name = prepareContextJson)]
pub fn prepare_context_json(context_json: &str) -> Result<PreparedContext, JsValue> {
    crate::render::Context::from_json_text(context_json)
        .map(|context| PreparedContext { context })
        .map_err(|message| to_js_error(TrellisError::new("invalid-argument", message)))
}

/// A renderer: options, Backstage's filters and the host's filters and globals set up once,
/// then used for many renders (the TypeScript wrapper keeps one per options object).
#[wasm_bindgen]
pub struct Renderer {
    options: crate::render::RenderOptions,
    extensions: crate::engine::eval::Extensions,
}

#[wasm_bindgen]
impl Renderer {
    #[wasm_bindgen(constructor)]
    pub fn new(options_json: &str, filters: JsValue, globals: JsValue) -> Result<Renderer, JsValue> {
        let (options, extensions) = render_setup(options_json, &filters, &globals)?;
        Ok(Renderer { options, extensions })
    }

    /// `renderString(source, context)` → `s` + the text, or `e` + the failure (see `outcome`).
    #[wasm_bindgen(js_name = renderString)]
    pub fn render_string(&self, source: &str, context: &PreparedContext) -> String {
        match crate::render::render_string(source, &context.context, &self.options, &self.extensions) {
            Ok(text) => tagged(outcome::TEXT, &text),
            Err(error) => render_failure(error),
        }
    }

    /// `renderValue(source, context)` → `s` + a string value, `j` + JSON of another value, `u`
    /// for `undefined`, or `e` + the failure (see `outcome`).
    #[wasm_bindgen(js_name = renderValue)]
    pub fn render_value(&self, source: &str, context: &PreparedContext) -> String {
        match crate::render::render_value_raw(source, &context.context, &self.options, &self.extensions) {
            Ok(None) => outcome::UNDEFINED.to_string(),
            Ok(Some(crate::engine::value::Value::Str(ref text))) => tagged(outcome::TEXT, text),
            Ok(Some(value)) => {
                let mut out = outcome::JSON.to_string();
                crate::engine::filters::write_json(&value, "", 0, &mut out);
                out
            }
            Err(error) => render_failure(error),
        }
    }

    /// `renderInput(inputJson, context)` → `j` + JSON of the rendered input, `u` for `undefined`,
    /// or `e` + the failure (see `outcome`).
    #[wasm_bindgen(js_name = renderInput)]
    pub fn render_input(&self, input_json: &str, context: &PreparedContext) -> String {
        match crate::render::render_input_text(input_json, &context.context, &self.options, &self.extensions) {
            Ok(Some(json)) => tagged(outcome::JSON, &json),
            Ok(None) => outcome::UNDEFINED.to_string(),
            Err(error) => render_failure(error),
        }
    }
}

/// Size of the module's linear memory in bytes (it never shrinks; tests and the soak script
/// watch it to prove failed renders do not keep growing it).
#[wasm_bindgen(js_name = memoryBytes)]
pub fn memory_bytes() -> f64 {
    (core::arch::wasm32::memory_size(0) * 65536) as f64
}

// ----- offline dry-run (`trellis render`) ------------------------------------------------------

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
}

fn entry_type(kind: crate::render::skeleton::EntryKind) -> &'static str {
    use crate::render::skeleton::EntryKind;
    match kind {
        EntryKind::File => "file",
        EntryKind::Directory => "directory",
        EntryKind::Symlink => "symlink",
    }
}

/// Files as `[{path, type, mode, content: Uint8Array, symlink?}]` (what `writeSkeleton` takes).
fn files_to_js(files: &[crate::render::skeleton::SkeletonFile]) -> js_sys::Array {
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

/// The reverse of [`files_to_js`]; `content` may be a string (UTF-8) or a Uint8Array.
fn files_from_js(value: &JsValue, what: &str) -> Result<Vec<crate::render::skeleton::SkeletonFile>, JsValue> {
    use crate::render::skeleton::{EntryKind, SkeletonFile};
    let invalid = |message: String| to_js_error(TrellisError::new("invalid-argument", format!("{what}: {message}")));
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
        out.push(SkeletonFile { path, kind, content, mode, link_target: get("symlink").as_string() });
    }
    Ok(out)
}

/// `dryRunTemplate(source, optionsJson, reader)`: the offline dry-run of one template, skeletons
/// read through `reader` (see [`JsSource`]). Returns `{report: JSON text, files, error?}` where
/// `error` is the first failing step's (as a JavaScript `Error` with the location fields); throws
/// when the template cannot be read or the values are invalid.
#[wasm_bindgen(js_name = dryRunTemplate)]
pub fn dry_run_template(source: &str, options_json: &str, reader: JsValue) -> Result<JsValue, JsValue> {
    let options: DryRunOptionsJson = serde_json::from_value(parse_json(options_json, "options")?)
        .map_err(|e| to_js_error(TrellisError::new("invalid-argument", format!("invalid options: {e}"))))?;
    let manifest = match options.manifest.as_deref() {
        Some(text) => crate::manifest::Manifest::with(
            &crate::manifest::Manifest::parse(text).map_err(|e| to_js_error(TrellisError::new("invalid-manifest", e)))?,
        ),
        None => crate::manifest::Manifest::builtin().clone(),
    };
    let defaults = crate::dryrun::DryRunOptions::default();
    let dry_run_options = crate::dryrun::DryRunOptions {
        template_path: options.path.unwrap_or(defaults.template_path),
        values: options.values.unwrap_or(defaults.values),
        secrets: options.secrets.unwrap_or(defaults.secrets),
        manifest,
        user: options.user.unwrap_or(defaults.user),
        apply_defaults: options.apply_defaults.unwrap_or(defaults.apply_defaults),
        task_id: options.task_id.unwrap_or(defaults.task_id),
    };
    let file = Some(dry_run_options.template_path.as_str());
    let template = Template::parse(source, SourceFormat::Yaml, file).map_err(to_js_error)?;
    let Some(reader) = skeleton_source(reader) else {
        return Err(to_js_error(TrellisError::new("invalid-argument", "dryRunTemplate needs a skeleton reader")));
    };
    let result = crate::dryrun::run(&template, source, &dry_run_options, &reader).map_err(to_js_error)?;
    let out = js_sys::Object::new();
    let report = serde_json::to_string(&result.report).map_err(|e| to_js_error(TrellisError::new("internal", e.to_string())))?;
    let _ = js_sys::Reflect::set(&out, &JsValue::from_str("report"), &JsValue::from_str(&report));
    let _ = js_sys::Reflect::set(&out, &JsValue::from_str("files"), &files_to_js(&result.files));
    if let Some(error) = result.error {
        let _ = js_sys::Reflect::set(&out, &JsValue::from_str("error"), &to_js_error(error));
    }
    Ok(out.into())
}

/// `compareTrees(golden, rendered)`: `{equal, changed, missing, extra, text}` as JSON text, `text`
/// holding a unified diff per differing file.
#[wasm_bindgen(js_name = compareTrees)]
pub fn compare_trees(golden: JsValue, rendered: JsValue) -> Result<String, JsValue> {
    let golden = files_from_js(&golden, "golden")?;
    let rendered = files_from_js(&rendered, "rendered")?;
    let diff = crate::dryrun::diff::compare(&golden, &rendered);
    serde_json::to_string(&diff).map_err(|e| to_js_error(TrellisError::new("internal", e.to_string())))
}

// ----- skeletons (fetch:template) ---------------------------------------------------------------

/// Options of `SkeletonBuilder.render`: fetch:template's inputs as the TypeScript wrapper sends
/// them (`templateFileExtension` raw: true, false or a string), plus the render options.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct SkeletonOptionsJson {
    copy_without_templating: Option<Value>,
    template_file_extension: Option<Value>,
    cookiecutter_compat: bool,
    max_total_output: Option<f64>,
}

fn skeleton_error(error: crate::render::skeleton::SkeletonError) -> JsValue {
    let js = js_sys::Error::new(&error.to_string());
    let set = |key: &str, value: JsValue| {
        let _ = js_sys::Reflect::set(&js, &JsValue::from_str(key), &value);
    };
    set("name", JsValue::from_str("TrellisSkeletonError"));
    set("code", JsValue::from_str(error.code));
    set("reason", JsValue::from_str(&error.message));
    set("file", JsValue::from_str(&error.path));
    if let (Some(line), Some(column)) = (error.line, error.column) {
        set("line", JsValue::from(line as u32));
        set("column", JsValue::from(column as u32));
    }
    if let Some(hint) = &error.hint {
        set("hint", JsValue::from_str(hint));
    }
    js.into()
}

/// A skeleton collected entry by entry (bytes cross as `Uint8Array`, no JSON or base64), then
/// rendered once.
#[wasm_bindgen]
pub struct SkeletonBuilder {
    files: Vec<crate::render::skeleton::SkeletonFile>,
}

#[wasm_bindgen]
impl SkeletonBuilder {
    #[wasm_bindgen(constructor)]
    pub fn new() -> SkeletonBuilder {
        SkeletonBuilder { files: Vec::new() }
    }

    #[wasm_bindgen(js_name = addFile)]
    pub fn add_file(&mut self, path: String, content: Vec<u8>, mode: u32) {
        use crate::render::skeleton::{EntryKind, SkeletonFile};
        self.files.push(SkeletonFile { path, kind: EntryKind::File, content, mode, link_target: None });
    }

    #[wasm_bindgen(js_name = addDirectory)]
    pub fn add_directory(&mut self, path: String, mode: u32) {
        use crate::render::skeleton::{EntryKind, SkeletonFile};
        self.files.push(SkeletonFile {
            path,
            kind: EntryKind::Directory,
            content: Vec::new(),
            mode,
            link_target: None,
        });
    }

    #[wasm_bindgen(js_name = addSymlink)]
    pub fn add_symlink(&mut self, path: String, target: String) {
        use crate::render::skeleton::{EntryKind, SkeletonFile};
        self.files.push(SkeletonFile {
            path,
            kind: EntryKind::Symlink,
            content: Vec::new(),
            mode: 0o777,
            link_target: Some(target),
        });
    }

    /// Renders the collected entries with `values` (JSON text); options JSON as
    /// `SkeletonOptions` in skeleton.ts (render options included), host filters and globals
    /// as for `Renderer`.
    pub fn render(
        &self,
        values_json: &str,
        options_json: &str,
        filters: JsValue,
        globals: JsValue,
    ) -> Result<SkeletonOutput, JsValue> {
        use crate::render::skeleton;
        let values = parse_json(values_json, "values")?;
        let options_json = if options_json.trim().is_empty() { "{}" } else { options_json };
        let raw: SkeletonOptionsJson = serde_json::from_value(parse_json(options_json, "options")?)
            .map_err(|e| to_js_error(TrellisError::new("invalid-argument", format!("invalid options: {e}"))))?;
        let (render_options, mut extensions) = render_setup(options_json, &filters, &globals)?;
        extensions.functions.remove("always");
        extensions.functions.remove("failure");
        let mut options = skeleton::SkeletonOptions::from_inputs(
            raw.copy_without_templating.as_ref(),
            raw.template_file_extension.as_ref(),
            raw.cookiecutter_compat,
        )
        .map_err(skeleton_error)?;
        options.trim_blocks = render_options.trim_blocks;
        options.lstrip_blocks = render_options.lstrip_blocks;
        options.strict = render_options.strict;
        options.limits = render_options.limits;
        options.secrets = render_options.secrets.clone();
        if let Some(max) = raw.max_total_output.filter(|v| v.is_finite() && *v >= 0.0) {
            options.max_total_output = max as usize;
        }
        let result =
            skeleton::render_skeleton_with(&self.files, &values, &options, &extensions).map_err(skeleton_error)?;
        Ok(SkeletonOutput { result })
    }
}

impl Default for SkeletonBuilder {
    fn default() -> SkeletonBuilder {
        SkeletonBuilder::new()
    }
}

/// `isBinaryFile(bytes)`: isbinaryfile 5's verdict, the one `SkeletonBuilder.render` uses to
/// copy a file unrendered (exported so tests can hold it against the real npm package).
#[wasm_bindgen(js_name = isBinaryFile)]
pub fn is_binary_file(bytes: &[u8]) -> bool {
    crate::fetch_template::is_binary(bytes)
}

/// A rendered skeleton, read entry by entry (content as `Uint8Array`).
#[wasm_bindgen]
pub struct SkeletonOutput {
    result: crate::render::skeleton::SkeletonResult,
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
    pub fn kind(&self, index: usize) -> String {
        use crate::render::skeleton::EntryKind;
        match self.result.files.get(index).map(|f| f.kind) {
            Some(EntryKind::Directory) => "directory",
            Some(EntryKind::Symlink) => "symlink",
            _ => "file",
        }
        .into()
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
    #[wasm_bindgen(js_name = skippedJson)]
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

/// `expandGlob(pattern, reader)`: the files a `trellis check` path pattern names, walked through
/// the same reader as skeletons, as JSON `{pattern, files, truncated}`; `pattern` is false (and
/// `files` empty) when the text has no glob syntax. A pattern globset refuses is an `Error`
/// with rule `invalid-glob`.
#[wasm_bindgen(js_name = expandGlob)]
pub fn expand_glob(pattern: &str, reader: JsValue) -> Result<String, JsValue> {
    use crate::check::glob;
    if !glob::is_pattern(pattern) {
        return Ok(serde_json::json!({"pattern": false, "files": [], "truncated": false}).to_string());
    }
    let source = skeleton_source(reader)
        .ok_or_else(|| to_js_error(TrellisError::new("invalid-argument", "expandGlob needs a reader")))?;
    let expansion =
        glob::expand(pattern, &source).map_err(|message| to_js_error(TrellisError::new("invalid-glob", message)))?;
    Ok(serde_json::json!({"pattern": true, "files": expansion.files, "truncated": expansion.truncated}).to_string())
}
