//! `parameter-schema-invalid`: a form page (or `spec.secrets.schema`) that is not a valid
//! draft-07 schema, or that Backstage's npm `jsonschema` would misread. The verdict is the one
//! `trellis params` stops on (`invalid-page-schema`), located at the offending keyword.

use serde_json::Value;

use crate::check::validators::page_problem;
use crate::check::{Context, Rule, RuleInfo, Visitor};
use crate::diagnostics::{Diagnostic, Severity};
use crate::params::PAGE_SCHEMA_HINT;

pub const RULE: Rule = Rule {
    info: RuleInfo {
        id: "parameter-schema-invalid",
        description: "form pages and the secrets schema must be JSON Schemas Backstage reads as written",
        default_severity: Severity::Error,
    },
    visitor: |_| Box::new(ParameterSchemaInvalid),
};

struct ParameterSchemaInvalid;

impl Visitor for ParameterSchemaInvalid {
    fn document(&mut self, context: &Context, out: &mut Vec<Diagnostic>) {
        let mut schemas: Vec<(String, String, &Value)> = context
            .pages()
            .into_iter()
            .enumerate()
            .map(|(index, (pointer, page))| {
                let label = match page.get("title").and_then(Value::as_str) {
                    Some(title) => format!("form page {} ({title:?})", index + 1),
                    None => format!("form page {}", index + 1),
                };
                (pointer, label, page)
            })
            .collect();
        if let Some(secrets) = context.entity.pointer("/spec/secrets/schema") {
            schemas.push(("/spec/secrets/schema".into(), "`spec.secrets.schema`".into(), secrets));
        }
        for (pointer, label, schema) in schemas {
            // A page that is not a mapping at all is the entity's shape, reported by entity-structure.
            if !schema.is_object() {
                continue;
            }
            let Some(problem) = page_problem(schema) else { continue };
            out.push(context.diagnostic(
                RULE.info.id,
                Severity::Error,
                context.node_span(&format!("{pointer}{}", problem.pointer), true),
                format!("{label} is not a valid JSON Schema: {}", problem.message),
                Some(PAGE_SCHEMA_HINT.into()),
            ));
        }
    }
}
