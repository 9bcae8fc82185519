//! Secrets out of the report, the step log and the messages: every secret, and every form a
//! template may derive from it (reversed, any case, runs of 8 characters or more, encodings),
//! becomes `***` wherever it appears, inside longer strings and in object keys too (Backstage's
//! step logger redacts whole messages that contain a secret; a report keeps the rest of the
//! text readable). Which forms, and how they are found in linear time, is the engine's
//! `render::secrets` (engine/src/render/secrets.rs): the same collector as render errors use.

use serde_json::{Map, Value};

pub use crate::render::secrets::Redactor;
use crate::render::secrets::SecretCollector;

/// What the report shows in place of a secret.
pub const HIDDEN: &str = "***";

/// The redactor of `task.secrets` (its string leaves, and numbers by their text).
pub fn redactor(secrets: &Value) -> Redactor {
    let mut collector = SecretCollector::default();
    collector.add_json(secrets);
    collector.redactor()
}

pub fn redact_text(text: &str, redactor: &Redactor) -> String {
    redactor.redact(text, HIDDEN)
}

/// `value` with every secret replaced in strings and keys; a string or number that is exactly a
/// secret (however short) becomes `***`.
pub fn redact(value: &Value, redactor: &Redactor) -> Value {
    if redactor.is_empty() {
        return value.clone();
    }
    match value {
        Value::String(s) if redactor.is_secret(s) => Value::String(HIDDEN.into()),
        Value::String(s) => Value::String(redact_text(s, redactor)),
        Value::Array(items) => Value::Array(items.iter().map(|v| redact(v, redactor)).collect()),
        Value::Object(map) => Value::Object(
            map.iter().map(|(k, v)| (redact_text(k, redactor), redact(v, redactor))).collect::<Map<_, _>>(),
        ),
        Value::Number(n) if redactor.is_secret(&n.to_string()) => Value::String(HIDDEN.into()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn hides_secrets_everywhere() {
        let secrets =
            redactor(&json!({"token": "s3cr3t", "long": "s3cr3t-longer", "empty": "", "pin": 1234, "x": "ab"}));
        let input = json!({"auth": "Bearer s3cr3t", "url": "https://x/?t=s3cr3t-longer", "list": ["s3cr3t", 1234, 5, "ab"],
            "s3cr3t": true, "plain": "nothing here", "short": "abc"});
        assert_eq!(
            redact(&input, &secrets),
            json!({"auth": "Bearer ***", "url": "https://x/?t=***", "list": ["***", "***", 5, "***"], "***": true,
                "plain": "nothing here", "short": "abc"})
        );
        assert_eq!(redact(&input, &redactor(&json!({}))), input);
    }

    #[test]
    fn derived_forms_are_hidden_like_in_render_errors() {
        let secrets = redactor(&json!({"token": "sEcReT-vAlUe-1234-xyz"}));
        let shown = json!({"message": "rev=zyx-4321-eUlAv-TeRcEs up=SECRET-VALUE-1234-XYZ title=Secret-value-1234-xyz sub=ReT-vAlUe-12 ok"});
        assert_eq!(redact(&shown, &secrets), json!({"message": "rev=*** up=*** title=*** sub=*** ok"}));
    }
}
