//! The one converter from Rust failures to JavaScript `Error`s, and the JSON helpers every export
//! shares.

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use wasm_bindgen::prelude::*;

use crate::error::TrellisError;
use crate::fetch_template::InputProblem;
use crate::render::skeleton::SkeletonError;

pub type JsResult<T> = Result<T, JsValue>;

/// The rule of an argument of the wrong shape (an options field of the wrong type, JSON that is
/// not): a `TypeError`, as the wrapper's own argument checks are (plugin-wrapper/src/arguments.ts).
const INVALID_ARGUMENT: &str = "invalid-argument";

/// What a JavaScript `Error` of the core carries besides its message: serialized by
/// serde-wasm-bindgen into a plain object whose fields are copied onto the `Error` (absent
/// fields are left out, not `undefined`).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ErrorFields<'a> {
    /// The `Error`'s `name`, when not `Error`.
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'static str>,
    /// The rule id of a [`TrellisError`].
    #[serde(skip_serializing_if = "Option::is_none")]
    rule: Option<&'a str>,
    /// The code of a [`SkeletonError`].
    #[serde(skip_serializing_if = "Option::is_none")]
    code: Option<&'a str>,
    /// The message without the location prefix.
    reason: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    file: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    column: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_column: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    hint: Option<&'a str>,
    /// The text of the `InputError` Backstage raises for the same problem.
    #[serde(skip_serializing_if = "Option::is_none")]
    backstage_message: Option<&'a str>,
}

impl<'a> ErrorFields<'a> {
    /// The fields of a finding with `rule` (a [`TrellisError`]) or `code` (a [`SkeletonError`]).
    fn new(id: Id<'a>, reason: &'a str) -> Self {
        let (rule, code) = match id {
            Id::Rule(rule) => (Some(rule), None),
            Id::Code(code) => (None, Some(code)),
        };
        ErrorFields {
            name: None,
            rule,
            code,
            reason,
            file: None,
            line: None,
            column: None,
            end_line: None,
            end_column: None,
            hint: None,
            backstage_message: None,
        }
    }

    fn start(mut self, start: Option<(u32, u32)>) -> Self {
        (self.line, self.column) = (start.map(|s| s.0), start.map(|s| s.1));
        self
    }

    fn end(mut self, end: Option<(u32, u32)>) -> Self {
        (self.end_line, self.end_column) = (end.map(|s| s.0), end.map(|s| s.1));
        self
    }
}

/// How an error names what went wrong: `rule` for findings about a template, `code` for
/// skeleton and cookiecutter failures.
enum Id<'a> {
    Rule(&'a str),
    Code(&'a str),
}

fn to_js(message: &str, fields: ErrorFields) -> JsValue {
    let error: js_sys::Error = if fields.rule == Some(INVALID_ARGUMENT) {
        js_sys::TypeError::new(message).into()
    } else {
        js_sys::Error::new(message)
    };
    // Serializing a struct of strings and numbers cannot fail; were it to, the message stays.
    if let Ok(object) = serde_wasm_bindgen::to_value(&fields) {
        js_sys::Object::assign(error.as_ref(), &object.into());
    }
    error.into()
}

/// A failure the core reports to JavaScript as an `Error` with location fields.
pub trait ToJsError {
    fn to_js_error(self) -> JsValue;
}

/// `Error` with `rule`, `reason`, `file`, `line`, `column`, `endLine`, `endColumn`, `hint`.
impl ToJsError for TrellisError {
    fn to_js_error(self) -> JsValue {
        let span = self.span;
        let fields = ErrorFields {
            file: self.file.as_deref(),
            hint: self.hint.as_deref(),
            ..ErrorFields::new(Id::Rule(self.rule), &self.message)
        };
        let fields = fields.start(span.map(|s| (s.line, s.column))).end(span.map(|s| (s.end_line, s.end_column)));
        to_js(&self.to_string(), fields)
    }
}

/// `TrellisSkeletonError` with `code`, `reason`, `file` (the skeleton path), `line`, `column`, `hint`.
impl ToJsError for SkeletonError {
    fn to_js_error(self) -> JsValue {
        skeleton_error(&self, "TrellisSkeletonError")
    }
}

/// A skeleton or cookiecutter failure as an `Error` named `name`.
fn skeleton_error(error: &SkeletonError, name: &'static str) -> JsValue {
    let start = error.line.zip(error.column).map(|(line, column)| (line as u32, column as u32));
    let fields = ErrorFields {
        name: Some(name),
        file: Some(&error.path),
        hint: error.hint.as_deref(),
        ..ErrorFields::new(Id::Code(error.code), &error.message)
    };
    to_js(&error.to_string(), fields.start(start))
}

/// A cookiecutter render's failure (src/cookiecutter/ reports it as a [`SkeletonError`]): the same
/// fields, named `TrellisCookiecutterError`.
pub struct CookiecutterFailure(pub SkeletonError);

impl ToJsError for CookiecutterFailure {
    fn to_js_error(self) -> JsValue {
        skeleton_error(&self.0, "TrellisCookiecutterError")
    }
}

/// A refused `fetch:template` input, as the skeleton error it becomes (code `invalid_option`, no
/// file), with `backstageMessage` where `fetch:template` raises an `InputError` of its own.
impl ToJsError for InputProblem {
    fn to_js_error(self) -> JsValue {
        let fields = ErrorFields {
            name: Some("TrellisSkeletonError"),
            file: Some(""),
            hint: Some(self.hint),
            backstage_message: self.backstage_message,
            ..ErrorFields::new(Id::Code("invalid_option"), &self.message)
        };
        to_js(&self.message, fields)
    }
}

/// For `map_err`: any failure the core reports as an `Error`.
pub fn js_error(error: impl ToJsError) -> JsValue {
    error.to_js_error()
}

/// A `TypeError` for an argument the core cannot use.
pub fn invalid_argument(message: impl Into<String>) -> JsValue {
    js_error(TrellisError::new(INVALID_ARGUMENT, message))
}

/// JSON text from JavaScript; `what` names it in the error.
pub fn parse_json(text: &str, what: &str) -> JsResult<Value> {
    serde_json::from_str(text).map_err(|e| invalid_argument(format!("{what} is not valid JSON: {e}")))
}

/// JSON text from JavaScript read as a `T`; `invalid` says what a wrong shape is.
pub fn deserialize<T: DeserializeOwned>(text: &str, what: &str, invalid: &str) -> JsResult<T> {
    serde_json::from_value(parse_json(text, what)?).map_err(|e| invalid_argument(format!("{invalid}: {e}")))
}

/// A result as JSON text for JavaScript.
pub fn to_json(value: &impl Serialize) -> JsResult<String> {
    serde_json::to_string(value).map_err(|e| js_error(TrellisError::new("internal", e.to_string())))
}

/// A small structured result as a plain JavaScript object (serde-wasm-bindgen). Bulk results
/// cross as JSON text instead ([`to_json`]): `JSON.parse` of text measured faster than building
/// the objects field by field from wasm (docs/benchmarks.md).
pub fn to_object(value: &impl Serialize) -> JsResult<JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| js_error(TrellisError::new("internal", e.to_string())))
}
