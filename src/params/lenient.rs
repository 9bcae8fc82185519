//! What npm `jsonschema` 1.5 (Backstage's validator) makes of malformed keywords, for
//! `validateParameters` with `compat: 'backstage'`: rewritten into well-formed draft-07 with the
//! same verdicts, each with a warning naming the keyword. Without that option (and in
//! `trellis check`) such a page stays refused, since Backstage misreads the form's intent.
//!
//! npm compares numeric keywords with JavaScript's `<`/`>=`, so it coerces their value
//! (`minimum: '5'` is 5, `minimum: 'abc'` fails every number); it ignores a `format` that is not
//! a name and a subschema that is a number; and it throws when a value reaches some keywords it
//! cannot use (`enum` not an array, `type: null`, `allOf` not an array, `if` not a schema,
//! `items: null` on a non-empty array, `multipleOf` zero on a number, an invalid `pattern` on a
//! string), which fails Backstage's request. Each kind has a case in
//! plugin-wrapper/test/parity.test.cjs, checked against the real package.

use serde_json::{json, Map, Value};

use super::npm_compat::{SINGLE_SUBSCHEMA, SUBSCHEMA_LISTS, SUBSCHEMA_MAPS};
use crate::engine::value::Value as JsValue;

/// One keyword npm reads leniently.
#[derive(Debug, Clone, PartialEq)]
pub struct Lenient {
    /// JSON pointer of the keyword inside the page.
    pub pointer: String,
    pub keyword: String,
    /// What npm makes of it, for the warning.
    pub reading: String,
    /// A schema added to the page (at `marker.0`, under `allOf`) that fails where npm fails.
    pub marker: Option<(String, Effect)>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// npm reports this error message (without the field name) on the values the marker refuses.
    Fails(String),
    /// npm throws this on the values the marker refuses, and Backstage fails the request.
    Throws(String),
}

/// `page` rewritten as npm reads it, and what was rewritten.
pub fn read(page: &Value) -> (Value, Vec<Lenient>) {
    let mut found = Vec::new();
    // A page that is not an object npm refuses outright, as the strict reading does.
    let rewritten = match page {
        Value::Object(object) => Value::Object(object_schema(object, "", &mut found)),
        other => other.clone(),
    };
    (rewritten, found)
}

fn child(at: &str, key: &str) -> String {
    format!("{at}/{}", crate::yaml::escape_pointer_segment(key))
}

/// JavaScript's text of a keyword value, for messages (`'5'`, `abc`, `[object Object]`).
fn js_text(value: &Value) -> String {
    JsValue::from_json(value).to_js_string()
}

fn shown(value: &Value) -> String {
    match value {
        Value::String(s) => format!("'{s}'"),
        other => other.to_string(),
    }
}

fn schema(value: &Value, at: &str, found: &mut Vec<Lenient>) -> Value {
    match value {
        // npm validates nothing against a number where a schema should be.
        Value::Number(_) => {
            found.push(Lenient {
                pointer: at.to_string(),
                keyword: "schema".into(),
                reading: format!("`{value}` is not a schema; npm jsonschema (Backstage) accepts any value there"),
                marker: None,
            });
            Value::Bool(true)
        }
        Value::Object(object) => Value::Object(object_schema(object, at, found)),
        other => other.clone(),
    }
}

fn object_schema(object: &Map<String, Value>, at: &str, found: &mut Vec<Lenient>) -> Map<String, Value> {
    let mut out = object.clone();
    // With `$ref`, npm reads only the reference (and definitions hold what it may point at).
    let only_definitions = object.get("$ref").is_some_and(Value::is_string);
    let mut markers: Vec<(Value, Lenient, Effect)> = Vec::new();
    for (key, value) in object {
        let here = child(at, key);
        if only_definitions && key != "definitions" && key != "$defs" {
            continue;
        }
        match key.as_str() {
            k if SUBSCHEMA_MAPS.contains(&k) => {
                if let Value::Object(entries) = value {
                    let entries = entries.iter().map(|(name, s)| (name.clone(), schema(s, &child(&here, name), found)));
                    out.insert(key.clone(), Value::Object(entries.collect()));
                }
            }
            k if SUBSCHEMA_LISTS.contains(&k) => match value {
                Value::Array(items) => {
                    let items = items.iter().enumerate().map(|(i, s)| schema(s, &format!("{here}/{i}"), found));
                    out.insert(key.clone(), Value::Array(items.collect()));
                }
                _ => {
                    out.remove(key);
                    let message = format!("{key} must be an array");
                    markers.push(throws(&here, key, &message, Value::Bool(false)));
                }
            },
            "if" if !(value.is_object() || value.is_boolean()) => {
                out.remove(key);
                markers.push(throws(&here, key, "Expected \"if\" keyword to be a schema", Value::Bool(false)));
            }
            "items" => match value {
                Value::Null | Value::String(_) => {
                    out.remove(key);
                    let non_empty_array = json!({"not": {"type": "array", "minItems": 1}});
                    markers.push(throws(&here, key, "schema is undefined", non_empty_array));
                }
                Value::Array(items) => {
                    let items = items.iter().enumerate().map(|(i, s)| schema(s, &format!("{here}/{i}"), found));
                    out.insert(key.clone(), Value::Array(items.collect()));
                }
                single => {
                    out.insert(key.clone(), schema(single, &here, found));
                }
            },
            k if SINGLE_SUBSCHEMA.contains(&k) || (k == "not" && value.is_object()) => {
                out.insert(key.clone(), schema(value, &here, found));
            }
            "dependencies" | "extends" if value.is_object() || value.is_array() => {
                let rewritten = match value {
                    Value::Object(entries) if key == "dependencies" => Value::Object(
                        entries
                            .iter()
                            .map(|(name, d)| {
                                let d = if d.is_object() { schema(d, &child(&here, name), found) } else { d.clone() };
                                (name.clone(), d)
                            })
                            .collect(),
                    ),
                    Value::Array(items) => Value::Array(
                        items.iter().enumerate().map(|(i, s)| schema(s, &format!("{here}/{i}"), found)).collect(),
                    ),
                    single => schema(single, &here, found),
                };
                out.insert(key.clone(), rewritten);
            }
            "enum" if !value.is_array() => {
                out.remove(key);
                markers.push(throws(&here, key, "enum expects an array", Value::Bool(false)));
            }
            "type" if value.is_null() => {
                out.remove(key);
                markers.push(throws(&here, key, "Unexpected null in \"type\" keyword", Value::Bool(false)));
            }
            "format" if !value.is_string() => {
                out.remove(key);
                found.push(Lenient {
                    pointer: here,
                    keyword: key.clone(),
                    reading: format!(
                        "`format: {}` is not a format name; npm jsonschema (Backstage) ignores it",
                        shown(value)
                    ),
                    marker: None,
                });
            }
            "pattern" => {
                let text = if let Value::String(text) = value { text.clone() } else { js_text(value) };
                if let Err(reason) = crate::jsregex::check(&text) {
                    out.remove(key);
                    let message = format!("Invalid regular expression: /{text}/: {reason}");
                    markers.push(throws(&here, key, &message, json!({"not": {"type": "string"}})));
                } else if !value.is_string() {
                    out.insert(key.clone(), Value::String(text.clone()));
                    found.push(Lenient {
                        pointer: here,
                        keyword: key.clone(),
                        reading: format!(
                            "`pattern: {}` is not a string; npm jsonschema (Backstage) matches the pattern /{text}/",
                            shown(value)
                        ),
                        marker: None,
                    });
                }
            }
            "minimum" | "maximum" | "exclusiveMinimum" | "exclusiveMaximum" => {
                if let Some(marker) = bound(&mut out, key, value, &here, found) {
                    markers.push(marker);
                }
            }
            "multipleOf" | "divisibleBy" if !value.as_f64().is_some_and(|n| n > 0.0) => {
                out.remove(key);
                let number = JsValue::from_json(value);
                if number.loose_equals(&JsValue::Number(0.0)) {
                    let message = format!("{key} cannot be zero");
                    markers.push(throws(&here, key, &message, json!({"not": {"type": "number"}})));
                    continue;
                }
                let n = number.to_number();
                if n.is_finite() {
                    out.insert(key.clone(), crate::engine::value::json_number(n.abs()));
                    found.push(coerced(&here, key, value, &js_number(n.abs())));
                } else {
                    let message = format!("is not a multiple of (divisible by) {}", js_text(value));
                    markers.push(fails(&here, key, value, &message, json!({"not": {"type": "number"}})));
                }
            }
            "minLength" | "maxLength" | "minItems" | "maxItems" | "minProperties" | "maxProperties" => {
                if let Some(marker) = count(&mut out, key, value, &here, found) {
                    markers.push(marker);
                }
            }
            _ => {}
        }
    }
    if !markers.is_empty() {
        let mut all_of = match out.remove("allOf") {
            Some(Value::Array(items)) => items,
            _ => Vec::new(),
        };
        for (marker, mut lenient, effect) in markers {
            lenient.marker = Some((format!("{}/{}", child(at, "allOf"), all_of.len()), effect));
            all_of.push(marker);
            found.push(lenient);
        }
        out.insert("allOf".into(), Value::Array(all_of));
    }
    out
}

fn js_number(n: f64) -> String {
    crate::jsfmt::number(n)
}

fn coerced(pointer: &str, keyword: &str, value: &Value, as_number: &str) -> Lenient {
    Lenient {
        pointer: pointer.to_string(),
        keyword: keyword.to_string(),
        reading: format!(
            "`{keyword}: {}` is not a valid {keyword}; npm jsonschema (Backstage) compares with it as JavaScript does, as {as_number}",
            shown(value)
        ),
        marker: None,
    }
}

fn throws(pointer: &str, keyword: &str, message: &str, marker: Value) -> (Value, Lenient, Effect) {
    let lenient = Lenient {
        pointer: pointer.to_string(),
        keyword: keyword.to_string(),
        reading: format!(
            "`{keyword}` is malformed; npm jsonschema (Backstage) throws \"{message}\" when a value reaches it, which fails the request"
        ),
        marker: None,
    };
    (marker, lenient, Effect::Throws(message.to_string()))
}

fn fails(pointer: &str, keyword: &str, value: &Value, message: &str, marker: Value) -> (Value, Lenient, Effect) {
    let lenient = Lenient {
        pointer: pointer.to_string(),
        keyword: keyword.to_string(),
        reading: format!(
            "`{keyword}: {}` is not a number; npm jsonschema (Backstage) compares with NaN, which every value it applies to fails",
            shown(value)
        ),
        marker: None,
    };
    (marker, lenient, Effect::Fails(message.to_string()))
}

/// `minimum`, `maximum` and the number forms of `exclusiveMinimum`/`exclusiveMaximum`.
fn bound(
    out: &mut Map<String, Value>,
    key: &str,
    value: &Value,
    here: &str,
    found: &mut Vec<Lenient>,
) -> Option<(Value, Lenient, Effect)> {
    let exclusive = key.starts_with("exclusive");
    if value.is_number() || (exclusive && value.is_boolean()) {
        return None;
    }
    out.remove(key);
    let n = JsValue::from_json(value).to_number();
    let lower = key.ends_with("inimum");
    // A bound no number can meet (NaN, or +Infinity as a lower bound) fails every number; the
    // opposite infinity is no bound at all.
    let impossible = n.is_nan() || (lower && n == f64::INFINITY) || (!lower && n == f64::NEG_INFINITY);
    if impossible {
        let boolean_exclusive = if lower { "exclusiveMinimum" } else { "exclusiveMaximum" };
        let relation = match (lower, exclusive, out.get(boolean_exclusive) == Some(&Value::Bool(true))) {
            (true, true, _) => "strictly greater than",
            (false, true, _) => "strictly less than",
            (true, false, true) => "greater than",
            (true, false, false) => "greater than or equal to",
            (false, false, true) => "less than",
            (false, false, false) => "less than or equal to",
        };
        let message = format!("must be {relation} {}", js_text(value));
        return Some(fails(here, key, value, &message, json!({"not": {"type": "number"}})));
    }
    if n.is_finite() {
        out.insert(key.to_string(), crate::engine::value::json_number(n));
    }
    found.push(coerced(here, key, value, &js_number(n)));
    None
}

/// The length and count keywords: npm compares the length with `>=`/`<=`, coercing the value.
fn count(
    out: &mut Map<String, Value>,
    key: &str,
    value: &Value,
    here: &str,
    found: &mut Vec<Lenient>,
) -> Option<(Value, Lenient, Effect)> {
    if value.as_u64().is_some() {
        return None;
    }
    out.remove(key);
    let n = JsValue::from_json(value).to_number();
    let applies_to = match key {
        "minLength" | "maxLength" => "string",
        "minItems" | "maxItems" => "array",
        _ => "object",
    };
    let minimum = key.starts_with("min");
    // The whole number of characters, items or fields the comparison really asks for.
    let whole = if minimum { n.ceil() } else { n.floor() };
    if n.is_nan() || (!minimum && whole < 0.0) || (minimum && whole > 9.0e15) {
        let relation = if minimum { "minimum" } else { "maximum" };
        let message = format!("does not meet {relation} length of {}", js_text(value));
        return Some(fails(here, key, value, &message, json!({"not": {"type": applies_to}})));
    }
    // Otherwise: a minimum of 0 or less, or a maximum past any real length, asks for nothing.
    if (0.0..=9.0e15).contains(&whole) && (whole > 0.0 || !minimum) {
        out.insert(key.to_string(), Value::from(whole as u64));
    }
    found.push(coerced(here, key, value, &js_number(whole.max(0.0))));
    None
}
