//! `secret-looking-field`: a form field named like a secret (`githubToken`, `db_password`,
//! `apiKey`) that is a plain text input. Its value is shown while typed, stored with the task's
//! parameters and readable in the task log; `ui:field: Secret` keeps it out of all three.

use serde_json::{Map, Value};

use crate::check::{Context, Rule, RuleInfo, Visitor};
use crate::diagnostics::{Diagnostic, Severity};
use crate::yaml::escape_pointer_segment;

pub const RULE: Rule = Rule {
    info: RuleInfo {
        id: "secret-looking-field",
        description: "fields named like secrets should use `ui:field: Secret`",
        default_severity: Severity::Warning,
    },
    visitor: |_| Box::new(SecretLookingField),
};

struct SecretLookingField;

/// Last words that make a name a secret.
const SECRET_WORDS: &[&str] =
    &["password", "passwd", "passphrase", "secret", "token", "apikey", "credential", "credentials", "privatekey"];
/// Last two words that do (`apiKey`, `ssh_private_key`). A bare `key` is usually a name, and so
/// is `secretKey` in practice: the key of a value inside a Kubernetes Secret.
const SECRET_PAIRS: &[(&str, &str)] = &[
    ("api", "key"),
    ("private", "key"),
    ("access", "key"),
    ("signing", "key"),
    ("encryption", "key"),
    ("api", "token"),
];
/// Trailing words that still mean the secret itself (`passwordConfirm`, `tokenValue`).
const STILL_SECRET: &[&str] = &["value", "confirm", "confirmation", "again", "repeat"];

/// `persistencePSQLPasswordKey` → `persistence psql password key`; `db_password2` → `db password`.
fn words(name: &str) -> Vec<String> {
    let chars: Vec<char> = name.chars().collect();
    let mut out: Vec<String> = Vec::new();
    let mut current = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_alphabetic() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            continue;
        }
        let previous = i.checked_sub(1).and_then(|p| chars.get(p)).copied();
        let next = chars.get(i + 1).copied();
        // A capital starts a word after a lower-case letter, and ends an acronym before a
        // capitalised word (`PSQLPassword`).
        let boundary = c.is_uppercase()
            && previous
                .is_some_and(|p| p.is_lowercase() || (p.is_uppercase() && next.is_some_and(|n| n.is_lowercase())));
        if boundary && !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
        current.extend(c.to_lowercase());
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// Whether a field of this name holds a secret: the name must *end* in the secret word
/// (`githubToken`, not `tokenUrl`, `passwordPolicyUrl` or `secretName`, which name or describe
/// one), and whole words count (`tokenizer` is not a token).
pub fn looks_secret(name: &str) -> bool {
    let mut words = words(name);
    while words.len() > 1 && words.last().is_some_and(|w| STILL_SECRET.contains(&w.as_str())) {
        words.pop();
    }
    let Some(last) = words.last() else { return false };
    if SECRET_WORDS.contains(&last.as_str()) {
        return true;
    }
    match words.as_slice() {
        [.., a, b] => SECRET_PAIRS.iter().any(|(x, y)| a == x && b == y),
        _ => false,
    }
}

impl Visitor for SecretLookingField {
    fn schema(&mut self, context: &Context, schema: &Map<String, Value>, at: &str, out: &mut Vec<Diagnostic>) {
        let Some(Value::Object(properties)) = schema.get("properties") else { return };
        for (name, field) in properties {
            if !looks_secret(name) || !is_plain_text(field) {
                continue;
            }
            let key = format!("{at}/properties/{}", escape_pointer_segment(name));
            out.push(context.diagnostic(
                RULE.info.id,
                Severity::Warning,
                context.node_span(&key, true),
                format!(
                    "`{name}` looks like a secret but is a plain text field: the value shows while typed, is \
                         stored with the task's parameters and can appear in its log"
                ),
                Some(format!(
                    "add `ui:field: Secret` and read it in steps as `${{{{ secrets.{name} }}}}` instead of \
                         `parameters.{name}`"
                )),
            ));
        }
    }
}

/// A free-text string input: no field extension, no password widget, not a choice, and no
/// preset value (a field with a default names a secret, such as a Kubernetes secret, rather than
/// holding one).
fn is_plain_text(field: &Value) -> bool {
    let Value::Object(field) = field else { return false };
    let is_string = match field.get("type") {
        Some(Value::String(t)) => t == "string",
        Some(Value::Array(types)) => types.iter().any(|t| t == "string"),
        _ => false,
    };
    let widget = field.get("ui:widget").and_then(Value::as_str);
    let preset = field.get("default").and_then(Value::as_str).is_some_and(|s| !s.is_empty());
    is_string
        && !field.contains_key("ui:field")
        && !matches!(widget, Some("password" | "PasswordWidget" | "hidden" | "HiddenWidget"))
        && !field.contains_key("enum")
        && !field.contains_key("const")
        && !preset
}

#[cfg(test)]
mod tests {
    use super::{looks_secret, words};

    #[test]
    fn splits_names_into_words() {
        assert_eq!(words("persistencePSQLPasswordKey"), ["persistence", "psql", "password", "key"]);
        assert_eq!(words("db_password2"), ["db", "password"]);
        assert_eq!(words("API-Key"), ["api", "key"]);
    }

    #[test]
    fn the_last_word_decides() {
        for secret in ["password", "githubToken", "apiKey", "api_key", "sshPrivateKey", "CLIENT_SECRET", "credentials"]
        {
            assert!(looks_secret(secret), "{secret}");
        }
        for secret in ["passwordConfirm", "tokenValue", "awsSecretAccessKey"] {
            assert!(looks_secret(secret), "{secret}");
        }
        for plain in [
            "tokenizer",
            "passwordPolicyUrl",
            "secretName",
            "tokenUrl",
            "persistencePSQLPasswordKey",
            "key",
            "modelEndpointSecretKey",
        ] {
            assert!(!looks_secret(plain), "{plain}");
        }
    }
}
