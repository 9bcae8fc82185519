//! `action-input`: step inputs that the action's input schema refuses. Backstage validates a
//! step's rendered input with npm `jsonschema` as the step starts and fails the task there
//! ("Invalid input passed to action …"); module actions' schemas come from zod objects, which
//! zod-to-json-schema closes with `additionalProperties: false`. Checked here: unknown input names (when the action
//! allows no others), missing required inputs, and literal values (no expression inside) that
//! do not match their property's schema.

use serde_json::Value;

use crate::check::analysis::input_refused_when;
use crate::check::validators::first_input_violation;
use crate::check::{Context, Rule, RuleInfo, Visitor};
use crate::diagnostics::{Diagnostic, Severity};

pub const RULE: Rule = Rule {
    info: RuleInfo {
        id: "action-input",
        description: "step inputs must match the action's input schema",
        default_severity: Severity::Error,
    },
    visitor: |_| Box::new(ActionInput),
};

struct ActionInput;

/// Whether a value has any templated string inside (then its final shape is unknown here).
fn is_templated(value: &Value) -> bool {
    match value {
        Value::String(s) => s.contains("${{") || s.contains("{%"),
        Value::Array(items) => items.iter().any(is_templated),
        Value::Object(map) => map.values().any(is_templated),
        _ => false,
    }
}

impl Visitor for ActionInput {
    fn step(&mut self, context: &Context, index: usize, step: &Value, out: &mut Vec<Diagnostic>) {
        let Some(action_id) = step.get("action").and_then(|a| a.as_str()) else { return };
        let Some(schema) = context.manifest.action(action_id).and_then(|a| a.schema.input.as_ref()) else { return };
        let base = format!("/spec/steps/{index}");
        let empty = serde_json::Map::new();
        let input = step.get("input").and_then(Value::as_object).unwrap_or(&empty);
        let properties = schema.get("properties").and_then(Value::as_object);
        let closed = schema.get("additionalProperties") == Some(&Value::Bool(false));
        let fails = input_refused_when(step, index);

        if let Some(Value::Array(required)) = schema.get("required") {
            for name in required.iter().filter_map(Value::as_str) {
                if input.contains_key(name) {
                    continue;
                }
                let at = if step.get("input").is_some() { format!("{base}/input") } else { format!("{base}/action") };
                out.push(context.diagnostic(
                    RULE.info.id,
                    Severity::Error,
                    context.node_span(&at, true),
                    format!("`{action_id}` requires the input `{name}`; {fails}"),
                    Some(format!("add `{name}:` under `input:`")),
                ));
            }
        }

        for (name, value) in input {
            let pointer = format!("{base}/input/{}", crate::yaml::escape_pointer_segment(name));
            if !properties.is_some_and(|p| p.contains_key(name)) {
                if closed {
                    let names: Vec<String> = properties.map(|p| p.keys().cloned().collect()).unwrap_or_default();
                    let span = context.node_span(&pointer, true);
                    let near = context.closest(name, &names);
                    let diagnostic = context.diagnostic(
                        RULE.info.id,
                        Severity::Error,
                        span,
                        format!("`{action_id}` has no input `{name}`; {fails}"),
                        Some(match near {
                            Some(near) => format!("did you mean `{near}`?"),
                            None => format!("its inputs are: {}", names.join(", ")),
                        }),
                    );
                    // A plain key's span is exactly its name; a quoted key gets no edit.
                    let plain =
                        span.line == span.end_line && span.end_column - span.column == name.chars().count() as u32;
                    out.push(match near {
                        Some(near) if plain => diagnostic.with_suggestion(span, near),
                        _ => diagnostic,
                    });
                }
                continue;
            }
            if is_templated(value) {
                continue;
            }
            if let Some(Err(error)) = first_input_violation(schema, name, value) {
                out.push(context.diagnostic(
                    RULE.info.id,
                    Severity::Error,
                    context.node_span(&pointer, false),
                    format!("input `{name}` of `{action_id}`: {error}"),
                    Some(format!("{fails}; fix the value to match the action's schema")),
                ));
            }
        }
    }
}
