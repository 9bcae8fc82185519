//! `undeclared-secret`: `secrets.X` where X is neither in `spec.secrets.schema` nor sent by the
//! form as a secret (a field with `ui:field: Secret`, or the `secretsKey` of any field's
//! `ui:options.requestUserCredentials`, such as RepoUrlPicker's user token), at any depth of a
//! page. Backstage reads it as `undefined`.

use serde_json::Value;

use crate::check::analysis::{segment_under, Names};
use crate::check::branches::undefined_effect;
use crate::check::schema_walk::each_schema;
use crate::check::{Context, Rule, RuleInfo, TemplatedString, Visitor};
use crate::diagnostics::{Diagnostic, Severity};
use crate::engine::eval::Extensions;
use crate::engine::refs::Reference;

pub const RULE: Rule = Rule {
    info: RuleInfo {
        id: "undeclared-secret",
        description: "secrets.<name> must be in spec.secrets.schema, a `ui:field: Secret` field or a field's `requestUserCredentials.secretsKey`",
        default_severity: Severity::Error,
    },
    visitor: |context| Box::new(UndeclaredSecret::new(context)),
};

/// Secrets Backstage adds to every task.
const ALWAYS_PRESENT: &[&str] = &["backstageToken"];

/// The secrets the form sends, found in every schema of a page (the frontend's
/// `extractSchemaFromStep` gives nested fields their own `ui:` options, so a picker inside an
/// object, an array's items or a `oneOf`/`dependencies` branch sets secrets as a top-level one
/// does): a field with `ui:field: Secret` sets `secrets.<its property name>` (rjsf's `name`),
/// and any field with `ui:options.requestUserCredentials.secretsKey: X` sets `secrets.X`
/// (RepoUrlPicker, RepoBranchPicker, RepoOwnerPicker and custom pickers following them; see
/// docs/backstage-behaviour.md).
fn secret_fields(page: &Value, pointer: &str, out: &mut Vec<String>) {
    each_schema(page, pointer, &mut |schema, _| {
        let user_credentials = schema.get("ui:options").and_then(|o| o.pointer("/requestUserCredentials/secretsKey"));
        if let Some(key) = user_credentials.and_then(Value::as_str) {
            out.push(key.to_string());
        }
        if let Some(Value::Object(properties)) = schema.get("properties") {
            let secret = |field: &Value| field.get("ui:field").and_then(Value::as_str) == Some("Secret");
            out.extend(properties.iter().filter(|(_, field)| secret(field)).map(|(name, _)| name.clone()));
        }
    });
}

/// The secrets a task of this template can have.
struct UndeclaredSecret {
    declared: Names,
    /// The filters step inputs are rendered with.
    filters: Extensions,
}

impl UndeclaredSecret {
    fn new(context: &Context) -> UndeclaredSecret {
        let mut declared: Vec<String> = ALWAYS_PRESENT.iter().map(|s| s.to_string()).collect();
        if let Some(Value::Object(properties)) = context.entity.pointer("/spec/secrets/schema/properties") {
            declared.extend(properties.keys().cloned());
        }
        for (pointer, page) in context.pages() {
            secret_fields(page, &pointer, &mut declared);
        }
        let filters = crate::engine::backstage::extensions(crate::engine::backstage::default_integrations());
        UndeclaredSecret { declared: Names::new(declared), filters }
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
            format!(
                "`secrets.{name}` is declared nowhere, so {}",
                undefined_effect(string, read, "secrets", &|key| !self.declared.contains(key), &self.filters)
                    .unwrap_or_else(|| "it is always undefined".into())
            ),
            Some(match near {
                Some(near) => format!("did you mean `secrets.{near}`?"),
                None => {
                    "add it to spec.secrets.schema, give a form field `ui:field: Secret`, or name it in a picker's \
                         `ui:options.requestUserCredentials.secretsKey`"
                        .into()
                }
            }),
        );
        out.push(crate::check::suggest::offer(diagnostic, context, string, range, near));
    }
}
