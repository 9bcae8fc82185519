//! The context cookiecutter 2.7.1 renders with, built as `generate_context`,
//! `apply_overwrites_to_context` and `prompt_for_config(no_input=True)` build it.

use serde_json::{Map, Value as Json};

use super::environment::{Failure, Jinja};
use super::python::float_repr;
use super::SkeletonError;

/// Python's `repr` of a JSON value, for messages that quote values as cookiecutter does.
fn repr(value: &Json) -> String {
    match value {
        Json::String(s) => format!("'{s}'"),
        Json::Bool(true) => "True".into(),
        Json::Bool(false) => "False".into(),
        Json::Null => "None".into(),
        Json::Number(n) => py_number(n),
        Json::Array(items) => format!("[{}]", items.iter().map(repr).collect::<Vec<_>>().join(", ")),
        Json::Object(map) => {
            format!("{{{}}}", map.iter().map(|(k, v)| format!("'{k}': {}", repr(v))).collect::<Vec<_>>().join(", "))
        }
    }
}

/// Python's `str()` of a number from `json.load` (integers stay integers).
fn py_number(n: &serde_json::Number) -> String {
    if n.is_i64() || n.is_u64() {
        n.to_string()
    } else {
        float_repr(n.as_f64().unwrap_or(f64::NAN))
    }
}

/// Python's `==` between JSON values (`1 == 1.0 == True`).
fn py_eq(a: &Json, b: &Json) -> bool {
    let number = |v: &Json| match v {
        Json::Number(n) => n.as_f64(),
        Json::Bool(b) => Some(if *b { 1.0 } else { 0.0 }),
        _ => None,
    };
    match (number(a), number(b)) {
        (Some(x), Some(y)) if !(a.is_boolean() && b.is_boolean()) => x == y,
        _ => a == b,
    }
}

/// rich's `Confirm` answers cookiecutter accepts for a boolean variable.
fn yes_no(text: &str) -> Option<bool> {
    match text.trim().to_lowercase().as_str() {
        "1" | "true" | "t" | "yes" | "y" | "on" => Some(true),
        "0" | "false" | "f" | "no" | "n" | "off" => Some(false),
        _ => None,
    }
}

/// `apply_overwrites_to_context`: the extra context over the defaults. A choice moves the
/// chosen item first, a multi-choice must be a subset, a dict is merged key by key, a boolean
/// takes yes/no words; names the template does not declare are ignored (except inside dicts).
pub(super) fn apply_overwrites(
    context: &mut Map<String, Json>,
    overwrites: &Map<String, Json>,
    in_dict: bool,
) -> Result<(), String> {
    for (variable, overwrite) in overwrites {
        if !context.contains_key(variable) {
            if !in_dict {
                continue;
            }
            context.insert(variable.clone(), overwrite.clone());
        }
        let Some(current) = context.get_mut(variable) else { continue };
        match current {
            Json::Array(choices) => {
                if in_dict {
                    *current = overwrite.clone();
                    continue;
                }
                match overwrite {
                    Json::Array(chosen) => {
                        if chosen.iter().all(|c| choices.iter().any(|o| py_eq(o, c))) {
                            *current = overwrite.clone();
                        } else {
                            return Err(format!(
                                "{} provided for multi-choice variable {variable}, but valid choices are {}",
                                repr(overwrite),
                                repr(&Json::Array(choices.clone()))
                            ));
                        }
                    }
                    _ => match choices.iter().position(|o| py_eq(o, overwrite)) {
                        Some(at) => {
                            let chosen = choices.remove(at);
                            choices.insert(0, chosen);
                        }
                        None => {
                            return Err(format!(
                                "{} provided for choice variable {variable}, but the choices are {}.",
                                py_str(overwrite),
                                repr(&Json::Array(choices.clone()))
                            ))
                        }
                    },
                }
            }
            Json::Object(inner) if overwrite.is_object() => {
                apply_overwrites(inner, overwrite.as_object().unwrap_or(&Map::new()), true)?;
            }
            Json::Bool(_) if overwrite.is_string() => {
                let text = overwrite.as_str().unwrap_or_default();
                *current = Json::Bool(yes_no(text).ok_or_else(|| {
                    format!("{text} provided for variable {variable} could not be converted to a boolean.")
                })?);
            }
            _ => *current = overwrite.clone(),
        }
    }
    Ok(())
}

fn py_str(value: &Json) -> String {
    match value {
        Json::String(s) => s.clone(),
        other => repr(other),
    }
}

/// A variable whose default did not render.
pub(super) struct VariableFailure {
    pub key: String,
    pub failure: Failure,
}

/// The rendered `cookiecutter` dict: `prompt_for_config(context, no_input=True)` merged over the
/// raw one (`context['cookiecutter'].update(…)`, so the raw key order stays), `__prompts__` gone.
pub(super) fn prompt(raw: &mut Map<String, Json>, jinja: &Jinja, limit: usize) -> Result<(), VariableFailure> {
    raw.shift_remove("__prompts__");
    let mut rendered: Map<String, Json> = Map::new();
    let keys: Vec<String> = raw.keys().cloned().collect();
    // First pass: everything but dicts (private `_x` raw, `__x` rendered).
    for key in &keys {
        let value = &raw[key];
        let result = if key.starts_with('_') && !key.starts_with("__") {
            Ok(value.clone())
        } else if key.starts_with("__") {
            render_variable(jinja, value, &rendered, key, limit)
        } else {
            match value {
                Json::Array(options) => {
                    let options: Vec<Json> = options
                        .iter()
                        .map(|option| render_variable(jinja, option, &rendered, key, limit))
                        .collect::<Result<_, _>>()?;
                    options.into_iter().next().ok_or_else(|| VariableFailure {
                        key: key.clone(),
                        failure: Failure {
                            template: None,
                            line: None,
                            column: None,
                            code: "invalid_context",
                            message: "The list of choices is empty".into(),
                            hint: Some("give the choice variable at least one option".into()),
                        },
                    })
                }
                Json::Object(_) => continue,
                _ => render_variable(jinja, value, &rendered, key, limit),
            }
        };
        rendered.insert(key.clone(), result?);
    }
    // Second pass: dicts, rendered with everything else known.
    for key in &keys {
        if key.starts_with('_') && !key.starts_with("__") {
            continue;
        }
        if raw[key].is_object() {
            let value = render_variable(jinja, &raw[key], &rendered, key, limit)?;
            rendered.insert(key.clone(), value);
        }
    }
    for (key, value) in rendered {
        raw.insert(key, value);
    }
    Ok(())
}

/// `render_variable`: `None`/booleans as they are, dicts and lists item by item, other scalars
/// through `str()`, then rendered with `{cookiecutter: <what is known so far>}`.
fn render_variable(
    jinja: &Jinja,
    raw: &Json,
    known: &Map<String, Json>,
    key: &str,
    limit: usize,
) -> Result<Json, VariableFailure> {
    let fail = |failure: Failure| VariableFailure { key: key.to_string(), failure };
    Ok(match raw {
        Json::Null | Json::Bool(_) => raw.clone(),
        Json::Object(map) => {
            let mut out = Map::new();
            for (k, v) in map {
                let k = match render_variable(jinja, &Json::String(k.clone()), known, key, limit)? {
                    Json::String(s) => s,
                    other => other.to_string(),
                };
                out.insert(k, render_variable(jinja, v, known, key, limit)?);
            }
            Json::Object(out)
        }
        Json::Array(items) => {
            Json::Array(items.iter().map(|v| render_variable(jinja, v, known, key, limit)).collect::<Result<_, _>>()?)
        }
        Json::Number(n) => render_text(jinja, &py_number(n), known, key).map_err(fail)?,
        Json::String(s) => {
            if s.len() > limit {
                return Err(fail(Failure {
                    template: None,
                    line: None,
                    column: None,
                    code: "limit_error",
                    message: format!("the default of `{key}` is longer than {limit} bytes"),
                    hint: None,
                }));
            }
            render_text(jinja, s, known, key).map_err(fail)?
        }
    })
}

fn render_text(jinja: &Jinja, text: &str, known: &Map<String, Json>, key: &str) -> Result<Json, Failure> {
    if !text.contains(['{', '%', '#']) {
        return Ok(Json::String(text.to_string()));
    }
    let context = super::environment::to_value(&serde_json::json!({ "cookiecutter": known }));
    jinja.render_string(&format!("cookiecutter.json:{key}"), text, &context).map(Json::String)
}

/// Where a top-level key's value starts in the cookiecutter.json text (1-based line, column).
pub(super) fn locate_key(text: &str, key: &str) -> Option<(usize, usize)> {
    let quoted = serde_json::to_string(key).ok()?;
    let mut from = 0;
    while let Some(at) = text[from..].find(&quoted) {
        let after = from + at + quoted.len();
        let rest = text[after..].trim_start();
        if let Some(value) = rest.strip_prefix(':') {
            let value_at = text.len() - value.trim_start().len();
            return Some(super::environment::line_column(text, value_at));
        }
        from = after;
    }
    None
}

/// Turns a variable's failure into an error at its place in cookiecutter.json.
pub(super) fn variable_error(failure: VariableFailure, text: &str, path: &str) -> SkeletonError {
    let VariableFailure { key, failure } = failure;
    let place = locate_key(text, &key);
    let (line, column) = match (place, failure.line, failure.column) {
        // A one-line default: the column inside the string, past its opening quote.
        (Some((line, column)), Some(1), Some(inner)) => (Some(line), Some(column + inner)),
        (Some((line, column)), _, _) => (Some(line), Some(column)),
        _ => (None, None),
    };
    SkeletonError {
        path: path.to_string(),
        line,
        column,
        code: failure.code,
        message: format!("Unable to render variable '{key}': {}", failure.message),
        hint: failure.hint,
    }
}
