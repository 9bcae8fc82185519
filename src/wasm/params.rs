//! `validateParameters` and `parametersReport`: values against a template's parameter pages.

use serde::Deserialize;
use serde_json::Value;
use wasm_bindgen::prelude::*;

use super::error::{js_error, parse_json, to_json, JsResult};
use super::options::parse_options;
use super::reader::JsSource;
use crate::check::SkeletonSource;
use crate::params::{self, ParameterOptions, ParameterResult};
use crate::template::{SourceFormat, Template};

/// Options of `validateParameters` (`ValidateOptions` in plugin-wrapper/src/coreInstance.ts).
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct ValidateOptions {
    template_format: Option<String>,
    apply_defaults: bool,
    secrets: Option<Value>,
    path: Option<String>,
    /// `'backstage'`: npm jsonschema's leniency, with a warning per keyword (params::Compat).
    compat: Option<String>,
}

/// The verdict on the values, and the template's path (for the report). With `reader`, the
/// template's catalog placeholders are resolved through it first (src/placeholders.rs).
fn validate(
    template_source: &str,
    values_json: &str,
    options_json: &str,
    reader: JsValue,
) -> JsResult<(ParameterResult, String)> {
    let options: ValidateOptions = parse_options(options_json)?;
    let format = match options.template_format.as_deref() {
        Some("json") => SourceFormat::Json,
        _ => SourceFormat::Yaml,
    };
    let files = JsSource::optional(reader);
    let files = files.as_ref().map(|f| f as &dyn SkeletonSource);
    let template = Template::parse_with(template_source, format, options.path.as_deref(), files).map_err(js_error)?;
    let values = parse_json(values_json, "values")?;
    let path = options.path.clone().unwrap_or_default();
    let options = ParameterOptions {
        apply_defaults: options.apply_defaults,
        secrets: options.secrets,
        file: options.path,
        compat: params::Compat::parse(options.compat.as_deref()).map_err(js_error)?,
    };
    let result = params::validate_parameters(&template, &values, &options).map_err(js_error)?;
    Ok((result, path))
}

/// `validateParameters(templateSource, valuesJson, optionsJson, reader?)` → the
/// `ParameterResult`; the files the template's placeholders include are read through `reader`.
#[wasm_bindgen(js_name = validateParameters, unchecked_return_type = "Json<\"ParameterResult\">")]
pub fn validate_parameters(
    template_source: &str,
    #[wasm_bindgen(unchecked_param_type = "Json<\"Values\">")] values_json: &str,
    #[wasm_bindgen(unchecked_param_type = "Json<\"ValidateOptions\">")] options_json: &str,
    #[wasm_bindgen(unchecked_param_type = "SkeletonReader | undefined")] reader: JsValue,
) -> JsResult<String> {
    to_json(&validate(template_source, values_json, options_json, reader)?.0)
}

/// `parametersReport(templateSource, valuesJson, optionsJson)` → `{result, report}`: the
/// `ParameterResult` and `trellis params`' text report of it (`diagnostics::parameters`), the
/// template named by the `path` option.
#[wasm_bindgen(js_name = parametersReport, unchecked_return_type = "Json<\"ParametersReport\">")]
pub fn parameters_report(
    template_source: &str,
    #[wasm_bindgen(unchecked_param_type = "Json<\"Values\">")] values_json: &str,
    #[wasm_bindgen(unchecked_param_type = "Json<\"ValidateOptions\">")] options_json: &str,
    #[wasm_bindgen(unchecked_param_type = "SkeletonReader | undefined")] reader: JsValue,
) -> JsResult<String> {
    let (result, path) = validate(template_source, values_json, options_json, reader)?;
    let report = crate::diagnostics::parameters::parameters_text(&result, &path);
    Ok(serde_json::json!({"result": result, "report": report}).to_string())
}
