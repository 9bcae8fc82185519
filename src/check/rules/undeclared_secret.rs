//! `undeclared-secret`: `secrets.X` where X is neither in `spec.secrets.schema` nor sent by the
//! form as a secret (a field with `ui:field: Secret`, or the `secretsKey` of a picker's
//! `ui:options.requestUserCredentials`, such as RepoUrlPicker's user token). It renders empty.

use serde_json::Value;

use crate::check::analysis::{segment_under, Names};
use crate::check::{Context, Rule, RuleInfo, TemplatedString, Visitor};
use crate::diagnostics::{Diagnostic, Severity};
use crate::engine::refs::Reference;

pub const RULE: Rule = Rule {
    info: RuleInfo {
        id: "undeclared-secret",
        description: "secrets.<name> must be in spec.secrets.schema or a `ui:field: Secret` field",
        default_severity: Severity::Error,
    },
    visitor: |context| Box::new(UndeclaredSecret::new(context)),
};

/// Secrets Backstage adds to every task.
const ALWAYS_PRESENT: &[&str] = &["backstageToken"];

fn secret_fields(schema: &Value, out: &mut Vec<String>, depth: usize) {
    if depth > 32 {
        return;
    }
    if let Some(Value::Object(properties)) = schema.get("properties") {
        for (name, property) in properties {
            if property.get("ui:field").and_then(Value::as_str) == Some("Secret") {
                out.push(name.clone());
            }
            let user_credentials = property.pointer("/ui:options/requestUserCredentials/secretsKey");
            if let Some(key) = user_credentials.and_then(Value::as_str) {
                out.push(key.to_string());
            }
        }
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some(Value::Array(items)) = schema.get(key) {
            items.iter().for_each(|s| secret_fields(s, out, depth + 1));
        }
    }
    for key in ["then", "else"] {
        if let Some(s) = schema.get(key) {
            secret_fields(s, out, depth + 1);
        }
    }
    if let Some(Value::Object(dependencies)) = schema.get("dependencies") {
        dependencies.values().for_each(|s| secret_fields(s, out, depth + 1));
    }
}

/// The secrets a task of this template can have.
struct UndeclaredSecret {
    declared: Names,
}

impl UndeclaredSecret {
    fn new(context: &Context) -> UndeclaredSecret {
        let mut declared: Vec<String> = ALWAYS_PRESENT.iter().map(|s| s.to_string()).collect();
        if let Some(Value::Object(properties)) = context.entity.pointer("/spec/secrets/schema/properties") {
            declared.extend(properties.keys().cloned());
        }
        for (_, page) in context.pages() {
            secret_fields(page, &mut declared, 0);
        }
        UndeclaredSecret { declared: Names::new(declared) }
    }
}

impl Visitor for UndeclaredSecret {
    fn reference(&mut self, context: &Context, string: &TemplatedString, read: &Reference, out: &mut Vec<Diagnostic>) {
        let Some(name) = segment_under(read, "secrets") else { return };
        if self.declared.contains(name) {
            return;
        }
        let range = read.segment_ranges[0];
        let near = context.closest(name, self.declared.all());
        let diagnostic = context.diagnostic(
            RULE.info.id,
            Severity::Error,
            context.span_in_string(string, range.0, range.1),
            format!("`secrets.{name}` is declared nowhere, so it is always empty"),
            Some(match near {
                Some(near) => format!("did you mean `secrets.{near}`?"),
                None => "add it to spec.secrets.schema, or give a form field `ui:field: Secret`".into(),
            }),
        );
        out.push(crate::check::suggest::offer(diagnostic, context, string, range, near));
    }
}
