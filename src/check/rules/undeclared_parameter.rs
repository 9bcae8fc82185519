//! `undeclared-parameter`: `parameters.X` where no form page declares `X`. Backstage renders
//! it as empty; usually a typo or a field renamed on the form but not in the steps.

use serde_json::Value;

use crate::check::{Context, Rule, RuleInfo};
use crate::diagnostics::{Diagnostic, Severity};
use crate::engine::refs::references;

pub const RULE: Rule = Rule {
    info: RuleInfo {
        id: "undeclared-parameter",
        description: "parameters.<name> must be declared on a form page",
        default_severity: Severity::Error,
    },
    run,
};

/// Field names a page declares at its top level, through the schema keywords that add fields.
fn declared_fields(schema: &Value, root: &Value, depth: usize, out: &mut Vec<String>) {
    if depth > 32 {
        return;
    }
    if let Some(Value::Object(properties)) = schema.get("properties") {
        out.extend(properties.keys().cloned());
    }
    if let Some(Value::Array(names)) = schema.get("required") {
        out.extend(names.iter().filter_map(Value::as_str).map(str::to_string));
    }
    let mut nested: Vec<&Value> = Vec::new();
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some(Value::Array(items)) = schema.get(key) {
            nested.extend(items);
        }
    }
    for key in ["then", "else", "if"] {
        nested.extend(schema.get(key));
    }
    if let Some(Value::Object(dependencies)) = schema.get("dependencies") {
        nested.extend(dependencies.values().filter(|v| v.is_object()));
    }
    if let Some(target) =
        schema.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix('#')).and_then(|p| root.pointer(p))
    {
        nested.push(target);
    }
    for schema in nested {
        declared_fields(schema, root, depth + 1, out);
    }
}

fn run(context: &Context, out: &mut Vec<Diagnostic>) {
    let pages: Vec<&Value> = crate::check::schema_walk::pages(&context.entity).into_iter().map(|(_, p)| p).collect();
    // A page that accepts any field makes every name possible.
    if pages.iter().any(|p| p.get("additionalProperties").is_some_and(|a| a == &Value::Bool(true) || a.is_object())) {
        return;
    }
    let mut declared = Vec::new();
    for page in &pages {
        declared_fields(page, page, 0, &mut declared);
    }
    for string in &context.strings {
        let Ok(parsed) = &string.parsed else { continue };
        for reference in references(parsed) {
            if reference.root != "parameters" {
                continue;
            }
            let Some(name) = reference.path.first() else { continue };
            if declared.contains(name) {
                continue;
            }
            let range = reference.segment_ranges[0];
            let span = context.span_in_string(string, range.0, range.1);
            let suggestion = crate::check::suggest::closest(name, &declared);
            let diagnostic = context.diagnostic(
                RULE.info.id,
                Severity::Error,
                span,
                format!("`parameters.{name}` is not declared on any form page, so it is always empty"),
                Some(match suggestion {
                    Some(s) => format!("did you mean `parameters.{s}`?"),
                    None => "declare it under `properties` of a page in spec.parameters, or fix the name".into(),
                }),
            );
            out.push(crate::check::suggest::offer(diagnostic, context, string, range, suggestion));
        }
    }
}
