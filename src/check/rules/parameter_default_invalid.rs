//! `parameter-default-invalid`: a field's `default`, `const` or `enum` value that its own schema
//! rejects (`type: string` with `default: 8080`, an enum entry failing `pattern`). The form
//! offers a value that Backstage's validation then refuses.

use serde_json::{Map, Value};

use crate::check::validators::{first_violation, Dialect};
use crate::check::{Context, Rule, RuleInfo, Visitor};
use crate::diagnostics::{Diagnostic, Severity};

pub const RULE: Rule = Rule {
    info: RuleInfo {
        id: "parameter-default-invalid",
        description: "default, const and enum values must satisfy their own field's schema",
        default_severity: Severity::Error,
    },
    visitor: |_| Box::new(ParameterDefaultInvalid),
};

struct ParameterDefaultInvalid;

impl Visitor for ParameterDefaultInvalid {
    fn schema(&mut self, context: &Context, schema: &Map<String, Value>, at: &str, out: &mut Vec<Diagnostic>) {
        let mut candidates: Vec<(String, &Value)> = Vec::new();
        if let Some(value) = schema.get("default") {
            candidates.push((format!("{at}/default"), value));
        }
        if let Some(value) = schema.get("const") {
            candidates.push((format!("{at}/const"), value));
        }
        if let Some(Value::Array(options)) = schema.get("enum") {
            candidates.extend(options.iter().enumerate().map(|(i, v)| (format!("{at}/enum/{i}"), v)));
        }
        // The field's own constraints, without the keywords whose values are being checked
        // (built only when there is something to check: on a page's root it is most of it).
        const CHECKED: [&str; 7] = ["default", "const", "enum", "examples", "properties", "required", "dependencies"];
        let own: Map<String, Value> = if candidates.is_empty() {
            Map::new()
        } else {
            schema
                .iter()
                .filter(|(key, _)| !CHECKED.contains(&key.as_str()))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        };
        let own = Value::Object(own);
        for (value_at, value) in candidates {
            let Some(Err(problem)) = first_violation(Dialect::Form, &own, value) else { continue };
            let keyword = value_at.rsplit('/').find(|s| s.parse::<usize>().is_err()).unwrap_or("default");
            out.push(context.diagnostic(
                RULE.info.id,
                Severity::Error,
                context.node_span(&value_at, false),
                format!("this `{keyword}` value {problem}, so Backstage rejects the form's own value"),
                Some("make the value match the field's type and constraints".into()),
            ));
        }
        if let (Some(Value::Array(options)), Some(Value::Array(names))) = (schema.get("enum"), schema.get("enumNames"))
        {
            if options.len() != names.len() {
                out.push(context.diagnostic(
                    RULE.info.id,
                    Severity::Warning,
                    context.node_span(&format!("{at}/enumNames"), true),
                    format!(
                        "`enumNames` has {} labels for {} `enum` values; the form pairs them by position",
                        names.len(),
                        options.len()
                    ),
                    Some("give exactly one label per enum value".into()),
                ));
            }
        }
    }
}
