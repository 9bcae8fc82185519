//! `undeclared-parameter`: `parameters.X` where no form page declares `X`. Backstage reads it
//! as `undefined` (the message says what the `${{ }}` around it gives then, when the engine can
//! tell); usually a typo or a field renamed on the form but not in the steps.

use serde_json::Value;

use crate::check::analysis::{segment_under, Names};
use crate::check::branches::undefined_effect;
use crate::check::schema_walk::same_object_schemas;
use crate::check::{Context, Rule, RuleInfo, TemplatedString, Visitor};
use crate::diagnostics::{Diagnostic, Severity};
use crate::engine::eval::Extensions;
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
fn declared_fields(page: &Value, out: &mut Vec<String>) {
    for schema in same_object_schemas(page, page, true) {
        if let Some(Value::Object(properties)) = schema.get("properties") {
            out.extend(properties.keys().cloned());
        }
        if let Some(Value::Array(names)) = schema.get("required") {
            out.extend(names.iter().filter_map(Value::as_str).map(str::to_string));
        }
    }
}

/// The names the form declares, for one document: `None` when a page accepts any field, which
/// makes every name possible.
struct UndeclaredParameter {
    declared: Option<Names>,
    /// The filters step inputs are rendered with.
    filters: Extensions,
}

impl UndeclaredParameter {
    fn new(context: &Context) -> UndeclaredParameter {
        let pages: Vec<&Value> = context.pages().into_iter().map(|(_, p)| p).collect();
        let open = pages
            .iter()
            .any(|p| p.get("additionalProperties").is_some_and(|a| a == &Value::Bool(true) || a.is_object()));
        let filters = crate::engine::backstage::extensions(crate::engine::backstage::default_integrations());
        if open {
            return UndeclaredParameter { declared: None, filters };
        }
        let mut declared = Vec::new();
        for page in &pages {
            declared_fields(page, &mut declared);
        }
        UndeclaredParameter { declared: Some(Names::new(declared)), filters }
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
            format!(
                "`parameters.{name}` is not declared on any form page, so {}",
                undefined_effect(string, read, "parameters", &|key| !declared.contains(key), &self.filters)
                    .unwrap_or_else(|| "it is always undefined".into())
            ),
            Some(match suggestion {
                Some(s) => format!("did you mean `parameters.{s}`?"),
                None => "declare it under `properties` of a page in spec.parameters, or fix the name".into(),
            }),
        );
        out.push(crate::check::suggest::offer(diagnostic, context, string, range, suggestion));
    }
}
