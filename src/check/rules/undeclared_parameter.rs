//! `undeclared-parameter`: `parameters.X` where no form page declares `X`. Backstage renders
//! it as empty; usually a typo or a field renamed on the form but not in the steps.

use serde_json::Value;

use crate::check::analysis::{segment_under, Names};
use crate::check::{Context, Rule, RuleInfo, TemplatedString, Visitor};
use crate::diagnostics::{Diagnostic, Severity};
use crate::engine::refs::Reference;

pub const RULE: Rule = Rule {
    info: RuleInfo {
        id: "undeclared-parameter",
        description: "parameters.<name> must be declared on a form page",
        default_severity: Severity::Error,
    },
    visitor: |context| Box::new(UndeclaredParameter::new(context)),
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

/// The names the form declares, for one document: `None` when a page accepts any field, which
/// makes every name possible.
struct UndeclaredParameter {
    declared: Option<Names>,
}

impl UndeclaredParameter {
    fn new(context: &Context) -> UndeclaredParameter {
        let pages: Vec<&Value> = context.pages().into_iter().map(|(_, p)| p).collect();
        let open = pages
            .iter()
            .any(|p| p.get("additionalProperties").is_some_and(|a| a == &Value::Bool(true) || a.is_object()));
        if open {
            return UndeclaredParameter { declared: None };
        }
        let mut declared = Vec::new();
        for page in &pages {
            declared_fields(page, page, 0, &mut declared);
        }
        UndeclaredParameter { declared: Some(Names::new(declared)) }
    }
}

impl Visitor for UndeclaredParameter {
    fn reference(&mut self, context: &Context, string: &TemplatedString, read: &Reference, out: &mut Vec<Diagnostic>) {
        let Some(declared) = &self.declared else { return };
        let Some(name) = segment_under(read, "parameters") else { return };
        if declared.contains(name) {
            return;
        }
        let range = read.segment_ranges[0];
        let suggestion = context.closest(name, declared.all());
        let diagnostic = context.diagnostic(
            RULE.info.id,
            Severity::Error,
            context.span_in_string(string, range.0, range.1),
            format!("`parameters.{name}` is not declared on any form page, so it is always empty"),
            Some(match suggestion {
                Some(s) => format!("did you mean `parameters.{s}`?"),
                None => "declare it under `properties` of a page in spec.parameters, or fix the name".into(),
            }),
        );
        out.push(crate::check::suggest::offer(diagnostic, context, string, range, suggestion));
    }
}
