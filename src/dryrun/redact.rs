//! Secrets out of the report: every secret value is replaced by `***` wherever it appears,
//! inside longer strings and in object keys too (Backstage's step logger redacts whole messages
//! that contain a secret; a report keeps the rest of the text readable).

use serde_json::{Map, Value};

/// The secret values to hide: every non-empty string leaf of the secrets, longest first (so
/// a secret containing another is replaced whole).
pub fn secret_values(secrets: &Value) -> Vec<String> {
    let mut out = Vec::new();
    collect(secrets, &mut out);
    out.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
    out.dedup();
    out
}

fn collect(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::String(s) if !s.is_empty() => out.push(s.clone()),
        Value::Array(items) => items.iter().for_each(|v| collect(v, out)),
        Value::Object(map) => map.values().for_each(|v| collect(v, out)),
        // Numbers and booleans given as secrets are hidden by their text.
        Value::Number(n) => out.push(n.to_string()),
        _ => {}
    }
}

pub fn redact_text(text: &str, secrets: &[String]) -> String {
    let mut out = text.to_string();
    for secret in secrets {
        if out.contains(secret.as_str()) {
            out = out.replace(secret.as_str(), "***");
        }
    }
    out
}

/// `value` with every secret replaced in strings and keys.
pub fn redact(value: &Value, secrets: &[String]) -> Value {
    if secrets.is_empty() {
        return value.clone();
    }
    match value {
        Value::String(s) => Value::String(redact_text(s, secrets)),
        Value::Array(items) => Value::Array(items.iter().map(|v| redact(v, secrets)).collect()),
        Value::Object(map) => {
            Value::Object(map.iter().map(|(k, v)| (redact_text(k, secrets), redact(v, secrets))).collect::<Map<_, _>>())
        }
        Value::Number(n) if secrets.iter().any(|s| *s == n.to_string()) => Value::String("***".into()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn hides_secrets_everywhere() {
        let secrets = secret_values(&json!({"token": "s3cr3t", "long": "s3cr3t-longer", "empty": "", "pin": 1234}));
        assert_eq!(secrets, vec!["s3cr3t-longer", "s3cr3t", "1234"]);
        let input = json!({"auth": "Bearer s3cr3t", "url": "https://x/?t=s3cr3t-longer", "list": ["s3cr3t", 1234, 5],
            "s3cr3t": true, "plain": "nothing here"});
        assert_eq!(
            redact(&input, &secrets),
            json!({"auth": "Bearer ***", "url": "https://x/?t=***", "list": ["***", "***", 5], "***": true,
                "plain": "nothing here"})
        );
        assert_eq!(redact(&input, &[]), input);
    }
}
