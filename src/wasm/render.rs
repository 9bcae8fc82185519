//! Rendering: `prepareContextJson` → `PreparedContext`, the `Renderer` with its hot calls
//! (`renderString`, `renderValue`, `renderInput`), and what every render is set up from: the
//! render options and the host's filters and globals (JavaScript functions).

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;
use wasm_bindgen::prelude::*;

use super::error::{invalid_argument, parse_json, JsResult};
use super::options::parse_options;
use super::panic::propagate_fault;
use crate::engine::eval::{ErrorKind, Extensions, HostFunction, Limits};

/// Options of the render functions, as the TypeScript wrapper sends them (host filters and
/// globals travel separately, as JavaScript functions); `SkeletonBuilder.render` reads them too.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct RenderOptionsJson {
    pub cookiecutter_compat: bool,
    trim_blocks: bool,
    lstrip_blocks: bool,
    strict: bool,
    compat: Option<String>,
    limits: Option<LimitsJson>,
    /// SCM integration hosts → type for `parseRepoUrl` (default: the four public hosts).
    integrations: Option<BTreeMap<String, String>>,
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

impl LimitsJson {
    /// Nunjitsu's defaults, with the given ones; a negative or non-finite one means no bound.
    fn limits(&self) -> Limits {
        let mut limits = Limits::default();
        let clamp = |v: f64| if v.is_finite() && v >= 0.0 { v } else { f64::MAX };
        if let Some(v) = self.source_code_units {
            limits.source_code_units = clamp(v) as usize;
        }
        if let Some(v) = self.work_units {
            limits.work_units = clamp(v) as u64;
        }
        if let Some(v) = self.nesting_depth {
            limits.nesting_depth = clamp(v) as usize;
        }
        if let Some(v) = self.output_code_units {
            limits.output_code_units = clamp(v) as usize;
        }
        if let Some(v) = self.scratch_bytes {
            limits.scratch_bytes = clamp(v) as usize;
        }
        if let Some(v) = self.capability_calls {
            limits.capability_calls = clamp(v).min(f64::from(u32::MAX)) as u32;
        }
        limits
    }
}

impl RenderOptionsJson {
    /// The options and the extensions a render runs with: `backstage` makes Backstage's filters
    /// and globals for the integrations (the workflow runner's, or `fetch:template`'s), unless
    /// `noBackstageFilters`; the host's `filters` and `globals` are added to them.
    pub fn setup(
        self,
        backstage: fn(BTreeMap<String, String>) -> Extensions,
        filters: &JsValue,
        globals: &JsValue,
    ) -> (crate::render::RenderOptions, Extensions) {
        let mut extensions = if self.no_backstage_filters {
            Extensions::default()
        } else {
            backstage(self.integrations.unwrap_or_else(crate::engine::backstage::default_integrations))
        };
        for (name, value) in entries(filters) {
            if let Ok(function) = value.dyn_into::<js_sys::Function>() {
                extensions.filters.insert(name.clone(), host_function(name, function));
            }
        }
        for (name, value) in entries(globals) {
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
        let options = crate::render::RenderOptions {
            cookiecutter_compat: self.cookiecutter_compat,
            trim_blocks: self.trim_blocks,
            lstrip_blocks: self.lstrip_blocks,
            strict: self.strict,
            limits: self.limits.as_ref().map_or_else(Limits::default, LimitsJson::limits),
            backstage_compat: self.compat.as_deref() == Some("backstage"),
            no_regex_execution: false,
            secrets: self.secrets,
        };
        (options, extensions)
    }
}

/// The own enumerable `[name, value]` pairs of a JavaScript object; none for `undefined`/`null`.
fn entries(object: &JsValue) -> Vec<(String, JsValue)> {
    if object.is_undefined() || object.is_null() {
        return Vec::new();
    }
    js_sys::Object::entries(&js_sys::Object::from(object.clone()))
        .iter()
        .filter_map(|entry| {
            let pair = js_sys::Array::from(&entry);
            Some((pair.get(0).as_string()?, pair.get(1)))
        })
        .collect()
}

/// A JavaScript function as a host filter/global: JSON copies in, JSON out, synchronous.
fn host_function(name: String, function: js_sys::Function) -> HostFunction {
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

#[wasm_bindgen(typescript_custom_section)]
const RENDER_OUTCOME: &str = r#"
/**
 * A render's outcome: the first character says what the rest is: `s` text, `j` JSON of a
 * non-string value, `u` undefined, `e` JSON of the failure (src/wasm/render.rs `outcome`).
 */
export type RenderOutcome = string;
"#;

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
        ErrorKind::Syntax => "syntax_error",
        ErrorKind::Evaluation => "evaluation_error",
        ErrorKind::Limit => "limit_error",
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
    pub fn with_value_json(
        &self,
        path: &str,
        #[wasm_bindgen(unchecked_param_type = "Json<\"Value\">")] value_json: &str,
    ) -> JsResult<PreparedContext> {
        let value = parse_json(value_json, "value")?;
        let parts: Vec<&str> = path.split('.').collect();
        Ok(PreparedContext { context: self.context.with_value(&parts, &value) })
    }
}

/// `prepareContext(contextJson)`.
#[wasm_bindgen(js_name = prepareContextJson)]
pub fn prepare_context_json(
    #[wasm_bindgen(unchecked_param_type = "Json<\"Context\">")] context_json: &str,
) -> JsResult<PreparedContext> {
    crate::render::Context::from_json_text(context_json)
        .map(|context| PreparedContext { context })
        .map_err(invalid_argument)
}

/// A renderer: options, Backstage's filters and the host's filters and globals set up once,
/// then used for many renders (the TypeScript wrapper keeps one per options object).
#[wasm_bindgen]
pub struct Renderer {
    options: crate::render::RenderOptions,
    extensions: Extensions,
}

#[wasm_bindgen]
impl Renderer {
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "Json<\"RenderOptions\">")] options_json: &str,
        #[wasm_bindgen(unchecked_param_type = "Record<string, unknown> | undefined")] filters: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Record<string, unknown> | undefined")] globals: JsValue,
    ) -> JsResult<Renderer> {
        let options: RenderOptionsJson = parse_options(options_json)?;
        let (options, extensions) = options.setup(crate::engine::backstage::extensions, &filters, &globals);
        Ok(Renderer { options, extensions })
    }

    /// `renderString(source, context)` → `s` + the text, or `e` + the failure (see `outcome`).
    #[wasm_bindgen(js_name = renderString, unchecked_return_type = "RenderOutcome")]
    pub fn render_string(&self, source: &str, context: &PreparedContext) -> String {
        match crate::render::render_string(source, &context.context, &self.options, &self.extensions) {
            Ok(text) => tagged(outcome::TEXT, &text),
            Err(error) => render_failure(error),
        }
    }

    /// `renderValue(source, context)` → `s` + a string value, `j` + JSON of another value, `u`
    /// for `undefined`, or `e` + the failure (see `outcome`).
    #[wasm_bindgen(js_name = renderValue, unchecked_return_type = "RenderOutcome")]
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
    #[wasm_bindgen(js_name = renderInput, unchecked_return_type = "RenderOutcome")]
    pub fn render_input(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Json<\"Value\">")] input_json: &str,
        context: &PreparedContext,
    ) -> String {
        match crate::render::render_input_text(input_json, &context.context, &self.options, &self.extensions) {
            Ok(Some(json)) => tagged(outcome::JSON, &json),
            Ok(None) => outcome::UNDEFINED.to_string(),
            Err(error) => render_failure(error),
        }
    }
}

/// The tasks of `trellis_engine::render::bench`, read from `tasksJson` (`[{"context", "inputs"}]`)
/// once, for `npm run bench` (bench/native.cjs): `render` runs that module's loop inside wasm with
/// no boundary crossing per step, and times only the renders, as engine/examples/bench_native.rs
/// does natively (reading the tasks' JSON in every timed call made the wasm loop look 1.5 times
/// slower than it is). The JavaScript API's time per step minus this loop's is what the crossing
/// costs.
#[wasm_bindgen(js_name = __TrellisBenchTasks)]
pub struct BenchTasks {
    tasks: Vec<crate::render::bench::Task>,
}

#[wasm_bindgen(js_class = __TrellisBenchTasks)]
impl BenchTasks {
    #[wasm_bindgen(constructor)]
    pub fn new(tasks_json: &str) -> JsResult<BenchTasks> {
        crate::render::bench::tasks(tasks_json).map(|tasks| BenchTasks { tasks }).map_err(invalid_argument)
    }

    /// Renders every step input `passes` times with `renderer`; the number of steps rendered.
    pub fn render(&self, renderer: &Renderer, passes: u32) -> u32 {
        crate::render::bench::render_tasks(&self.tasks, passes as usize, &renderer.options, &renderer.extensions) as u32
    }
}
