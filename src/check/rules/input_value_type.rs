//! `input-value-type`: a templated step input whose rendered type is known and that the
//! action's input schema refuses. Backstage renders a value that is exactly one `${{ … }}` to
//! the expression's own value (`${{ parameters.public }}` stays a boolean), but any text around
//! it, or several expressions, render to a string; the action's input validation then fails the
//! task. Only types that can be inferred are judged: literals, and `parameters.X` whose form
//! field declares one `type`.

use std::collections::HashMap;

use serde_json::Value;

use crate::check::{Context, Place, Rule, RuleInfo, TemplatedString, Visitor};
use crate::diagnostics::{Diagnostic, Severity};
use crate::engine::ast::{ExprKind, Literal, NodeKind};

pub const RULE: Rule = Rule {
    info: RuleInfo {
        id: "input-value-type",
        description: "templated step inputs must render to a type the action's input schema accepts",
        default_severity: Severity::Error,
    },
    visitor: |context| Box::new(InputValueType { types: parameter_types(context) }),
};

struct InputValueType<'c> {
    /// What `parameter_types` finds.
    types: HashMap<&'c str, Option<&'c str>>,
}

/// What a templated value renders to, as far as it can be told without the values.
enum Rendered {
    /// Text around or between expressions: always a string.
    Text,
    /// A lone literal of this JSON type.
    Literal(&'static str),
    /// A lone `parameters.<name>` whose field declares this type.
    Parameter(String, String),
}

fn literal_type(literal: &Literal) -> &'static str {
    match literal {
        Literal::Str(_) => "string",
        Literal::Number(n) if n.fract() == 0.0 => "integer",
        Literal::Number(_) => "number",
        Literal::Bool(_) => "boolean",
        Literal::Null => "null",
    }
}

/// Per field declared at the top level of a page, the one `type` every page declaring it gives
/// it (`None` when a page gives none, or pages disagree).
fn parameter_types<'c>(context: &'c Context) -> HashMap<&'c str, Option<&'c str>> {
    let mut types: HashMap<&str, Option<&str>> = HashMap::new();
    for (_, page) in context.pages() {
        let Some(Value::Object(properties)) = page.get("properties") else { continue };
        for (name, field) in properties {
            let declared = field.get("type").and_then(Value::as_str);
            types
                .entry(name)
                .and_modify(|known| {
                    if *known != declared {
                        *known = None;
                    }
                })
                .or_insert(declared);
        }
    }
    types
}

fn rendered(types: &HashMap<&str, Option<&str>>, string: &TemplatedString) -> Option<Rendered> {
    let Ok(parsed) = &string.parsed.template else { return None };
    match parsed.body.as_slice() {
        [] => None,
        [only] => match &only.kind {
            NodeKind::Output(expr) => match &expr.kind {
                ExprKind::Literal(literal) => Some(Rendered::Literal(literal_type(literal))),
                ExprKind::Attr { object, name } => match &object.kind {
                    ExprKind::Name(root) if root == "parameters" => types
                        .get(name.as_str())
                        .copied()
                        .flatten()
                        .map(|t| Rendered::Parameter(name.clone(), t.to_string())),
                    _ => None,
                },
                _ => None,
            },
            // A lone block (`{% if %}…`) is JSON-decoded when it can be: its type is open.
            _ => None,
        },
        // Several nodes render as one string, whatever they hold.
        _ => Some(Rendered::Text),
    }
}

/// Whether a value of JSON type `actual` satisfies a schema `type` list.
fn accepts(allowed: &[&str], actual: &str) -> bool {
    allowed.contains(&actual) || (actual == "integer" && allowed.contains(&"number"))
}

impl Visitor for InputValueType<'_> {
    fn string(&mut self, context: &Context, string: &TemplatedString, out: &mut Vec<Diagnostic>) {
        if string.place != Place::Input {
            return;
        }
        let Some(index) = string.step else { return };
        let Some(action) = context.steps().get(index).and_then(|s| s.get("action")).and_then(Value::as_str) else {
            return;
        };
        let Some(schema) = context.manifest.action(action).and_then(|a| a.schema.input.as_ref()) else { return };
        // Top-level inputs only: `/spec/steps/<i>/input/<name>`.
        let prefix = format!("/spec/steps/{index}/input/");
        let Some(name) = string.pointer.strip_prefix(&prefix).filter(|n| !n.contains('/')) else { return };
        let name = name.replace("~1", "/").replace("~0", "~");
        let Some(property) = schema.get("properties").and_then(|p| p.get(&name)) else { return };
        let allowed: Vec<&str> = match property.get("type") {
            Some(Value::String(t)) => vec![t.as_str()],
            Some(Value::Array(types)) => types.iter().filter_map(Value::as_str).collect(),
            _ => return,
        };
        let Some(rendered) = rendered(&self.types, string) else { return };
        let expected = allowed.join(" or ");
        let span = context.node_span(&string.pointer, false);
        let (severity, message, hint) = match rendered {
            Rendered::Text if !accepts(&allowed, "string") => (
                Severity::Error,
                format!(
                    "input `{name}` of `{action}` must be {expected}, but this value has text around or \
                     between `${{{{ }}}}` and always renders to a string; the task fails before its first step"
                ),
                "make the whole value one `${{ expression }}`, which keeps the expression's type".to_string(),
            ),
            Rendered::Literal(actual) if !accepts(&allowed, actual) => (
                Severity::Error,
                format!(
                    "input `{name}` of `{action}` must be {expected}, but this expression is {} {actual} literal",
                    if actual == "integer" { "an" } else { "a" }
                ),
                format!("write a {expected} value"),
            ),
            Rendered::Parameter(parameter, actual) if !accepts(&allowed, &actual) => (
                // Only when the field is filled in: an empty optional field drops the input.
                Severity::Warning,
                format!(
                    "input `{name}` of `{action}` must be {expected}, but `parameters.{parameter}` is declared \
                     `type: {actual}`; the task fails when the field is filled in"
                ),
                format!("declare `{parameter}` as `type: {expected}` on its form page, or convert the value"),
            ),
            _ => return,
        };
        out.push(context.diagnostic(RULE.info.id, severity, span, message, Some(hint)));
    }
}
