//! `parameter-required-undeclared`: `required` names a field the schema does not declare. The
//! form never shows that field, so the page can never be submitted (Backstage answers
//! "is required" for a field the user cannot fill in).

use serde_json::{Map, Value};

use crate::check::{Context, Rule, RuleInfo, Visitor};
use crate::diagnostics::{Diagnostic, Severity};

pub const RULE: Rule = Rule {
    info: RuleInfo {
        id: "parameter-required-undeclared",
        description: "fields listed in `required` must be declared under `properties`",
        default_severity: Severity::Error,
    },
    visitor: |_| Box::new(ParameterRequiredUndeclared),
};

struct ParameterRequiredUndeclared;

/// Keywords through which a schema can declare fields outside its own `properties`.
const OTHER_SOURCES: &[&str] = &[
    "allOf",
    "anyOf",
    "oneOf",
    "dependencies",
    "if",
    "then",
    "else",
    "$ref",
    "additionalProperties",
    "patternProperties",
];

impl Visitor for ParameterRequiredUndeclared {
    fn schema(&mut self, context: &Context, schema: &Map<String, Value>, at: &str, out: &mut Vec<Diagnostic>) {
        let (Some(Value::Array(required)), Some(Value::Object(properties))) =
            (schema.get("required"), schema.get("properties"))
        else {
            return;
        };
        if OTHER_SOURCES.iter().any(|k| schema.contains_key(*k)) {
            return;
        }
        let declared: Vec<String> = properties.keys().cloned().collect();
        for (index, name) in required.iter().enumerate() {
            let Some(name) = name.as_str() else { continue };
            if properties.contains_key(name) {
                continue;
            }
            let pointer = format!("{at}/required/{index}");
            let near = context.closest(name, &declared);
            let diagnostic = context.diagnostic(
                RULE.info.id,
                Severity::Error,
                context.node_span(&pointer, false),
                format!("`{name}` is required but not declared, so the form cannot show it and never validates"),
                Some(match near {
                    Some(near) => format!("did you mean `{near}`?"),
                    None => format!("declare `{name}` under `properties`, or remove it from `required`"),
                }),
            );
            out.push(crate::check::suggest::offer_value(diagnostic, context, &pointer, name, near));
        }
    }
}
