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

/// What a JavaScript `Error` of the core carries besides its message.
struct ErrorFields<'a> {
    /// The `Error`'s `name`, when not `Error`.
    name: Option<&'static str>,
    /// `("rule", id)` for [`TrellisError`], `("code", id)` for [`SkeletonError`].
    id: (&'static str, &'a str),
    /// The message without the location prefix.
    reason: &'a str,
    file: Option<&'a str>,
    start: Option<(u32, u32)>,
    end: Option<(u32, u32)>,
    hint: Option<&'a str>,
    /// `backstageMessage`: the text of the `InputError` Backstage raises for the same problem.
    backstage_message: Option<&'a str>,
}

fn to_js(message: &str, fields: ErrorFields) -> JsValue {
    let error: js_sys::Error = if fields.id == ("rule", INVALID_ARGUMENT) {
        js_sys::TypeError::new(message).into()
    } else {
        js_sys::Error::new(message)
    };
    let set = |key: &str, value: JsValue| {
        let _ = js_sys::Reflect::set(&error, &JsValue::from_str(key), &value);
    };
    if let Some(name) = fields.name {
        set("name", name.into());
    }
    set(fields.id.0, fields.id.1.into());
    set("reason", fields.reason.into());
    if let Some(file) = fields.file {
        set("file", file.into());
    }
    if let Some((line, column)) = fields.start {
        set("line", line.into());
        set("column", column.into());
    }
    if let Some((line, column)) = fields.end {
        set("endLine", line.into());
        set("endColumn", column.into());
    }
    if let Some(hint) = fields.hint {
        set("hint", hint.into());
    }
    if let Some(message) = fields.backstage_message {
        set("backstageMessage", message.into());
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
        to_js(
            &self.to_string(),
            ErrorFields {
                name: None,
                id: ("rule", self.rule),
                reason: &self.message,
                file: self.file.as_deref(),
                start: span.map(|s| (s.line, s.column)),
                end: span.map(|s| (s.end_line, s.end_column)),
                hint: self.hint.as_deref(),
                backstage_message: None,
            },
        )
    }
}

/// `TrellisSkeletonError` with `code`, `reason`, `file` (the skeleton path), `line`, `column`, `hint`.
impl ToJsError for SkeletonError {
    fn to_js_error(self) -> JsValue {
        let start = self.line.zip(self.column).map(|(line, column)| (line as u32, column as u32));
        to_js(
            &self.to_string(),
            ErrorFields {
                name: Some("TrellisSkeletonError"),
                id: ("code", self.code),
                reason: &self.message,
                file: Some(&self.path),
                start,
                end: None,
                hint: self.hint.as_deref(),
                backstage_message: None,
            },
        )
    }
}

/// A cookiecutter render's failure (src/cookiecutter/ reports it as a [`SkeletonError`]): the same
/// fields, named `TrellisCookiecutterError`.
pub struct CookiecutterFailure(pub SkeletonError);

impl ToJsError for CookiecutterFailure {
    fn to_js_error(self) -> JsValue {
        let error = self.0;
        let start = error.line.zip(error.column).map(|(line, column)| (line as u32, column as u32));
        to_js(
            &error.to_string(),
            ErrorFields {
                name: Some("TrellisCookiecutterError"),
                id: ("code", error.code),
                reason: &error.message,
                file: Some(&error.path),
                start,
                end: None,
                hint: error.hint.as_deref(),
                backstage_message: None,
            },
        )
    }
}

/// A refused `fetch:template` input, as the skeleton error it becomes (code `invalid_option`, no
/// file), with `backstageMessage` where `fetch:template` raises an `InputError` of its own.
impl ToJsError for InputProblem {
    fn to_js_error(self) -> JsValue {
        to_js(
            &self.message,
            ErrorFields {
                name: Some("TrellisSkeletonError"),
                id: ("code", "invalid_option"),
                reason: &self.message,
                file: Some(""),
                start: None,
                end: None,
                hint: Some(self.hint),
                backstage_message: self.backstage_message,
            },
        )
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
