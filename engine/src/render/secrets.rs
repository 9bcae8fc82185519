//! Keeping secrets out of error messages.
//!
//! The engine's own messages quote source text and types, never rendered values. Some messages
//! still carry values: Backstage's own texts (`parseRepoUrl`, `parseEntityRef` quote their
//! input) and the messages of host filters and globals. So every render error message is also
//! redacted: each secret, and each form Trellis or a template commonly turns it into (reversed,
//! upper/lower case, base64, URL- and JSON-escaped, and their combinations), becomes `[secret]`.
//!
//! Secrets are the string leaves of the context's `secrets` object (where Backstage puts a
//! task's secrets) and [`super::RenderOptions::secrets`].

use crate::engine::value::Value;

/// What a secret is replaced with.
pub const REDACTED: &str = "[secret]";

/// Shorter values are not redacted: replacing every `a` or `42` in a message would hide the
/// message, not a secret.
pub const MIN_SECRET_CHARS: usize = 4;

/// Replaces every known secret (and its derived forms) in `message`.
pub fn redact(message: &str, context_secrets: Option<&Value>, extra: &[String]) -> String {
    let mut secrets = Vec::new();
    if let Some(value) = context_secrets {
        collect_strings(value, &mut secrets, 0);
    }
    secrets.extend(extra.iter().cloned());
    let mut forms: Vec<String> = secrets
        .iter()
        .filter(|secret| secret.chars().count() >= MIN_SECRET_CHARS)
        .flat_map(|secret| derived_forms(secret))
        .collect();
    // Longest first, so a form containing another is replaced whole.
    forms.sort_by_key(|form| std::cmp::Reverse(form.len()));
    forms.dedup();
    let mut out = message.to_string();
    for form in forms {
        if out.contains(&form) {
            out = out.replace(&form, REDACTED);
        }
    }
    out
}

/// The string leaves of a value (numbers as JavaScript prints them), to a bounded depth.
fn collect_strings(value: &Value, out: &mut Vec<String>, depth: usize) {
    if depth > 32 {
        return;
    }
    match value {
        Value::Str(text) | Value::Safe(text) => out.push(text.to_string()),
        Value::Number(_) => out.push(value.to_js_string()),
        Value::Array(items) => items.borrow().iter().for_each(|item| collect_strings(item, out, depth + 1)),
        Value::Object(entries) => entries.values().for_each(|item| collect_strings(item, out, depth + 1)),
        _ => {}
    }
}

/// The secret as a template may have turned it: every combination of case (as is, upper, lower),
/// direction (as is, reversed) and encoding (none, base64, base64url, URI component, JSON
/// string), and each of those reversed again (`… | b64encode | reverse`). Composed transforms
/// are as easy to write as single ones, so all 60 are redacted, not only the single steps.
fn derived_forms(secret: &str) -> Vec<String> {
    let reversed = |text: &str| text.chars().rev().collect::<String>();
    let mut forms = Vec::with_capacity(60);
    for cased in [secret.to_string(), secret.to_uppercase(), secret.to_lowercase()] {
        for text in [reversed(&cased), cased] {
            let bytes = text.as_bytes();
            let encoded = [
                base64(bytes, false).trim_end_matches('=').to_string(),
                base64(bytes, true).trim_end_matches('=').to_string(),
                crate::engine::filters::encode_uri_component(&text),
                serde_json::to_string(&text).unwrap_or_default().trim_matches('"').to_string(),
            ];
            for form in encoded {
                forms.push(reversed(&form));
                forms.push(form);
            }
            forms.push(text);
        }
    }
    forms.retain(|form| form.chars().count() >= MIN_SECRET_CHARS);
    forms
}

/// RFC 4648 base64 (`url_safe`: `-` and `_` instead of `+` and `/`).
fn base64(bytes: &[u8], url_safe: bool) -> String {
    let alphabet: &[u8; 64] = if url_safe {
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    } else {
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    };
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(alphabet[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc_4648_vectors() {
        let cases = [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foobar", "Zm9vYmFy")];
        for (input, expected) in cases {
            assert_eq!(base64(input.as_bytes(), false), expected);
        }
        assert_eq!(base64(&[0xfb, 0xff], true), "-_8=");
        assert_eq!(base64(&[0xfb, 0xff], false), "+/8=");
    }

    #[test]
    fn every_derived_form_is_redacted_and_short_values_are_kept() {
        let secrets =
            Value::from_json(&serde_json::json!({"token": "Tok3n-Value", "pin": "42", "nested": ["deep-secret"]}));
        let message = "got Tok3n-Value, eulaV-n3koT, TOK3N-VALUE, VG9rM24tVmFsdWU, deep-secret, pin 42";
        assert_eq!(
            redact(message, Some(&secrets), &[]),
            "got [secret], [secret], [secret], [secret], [secret], pin 42"
        );
        assert_eq!(redact("a b+c d", None, &["b+c d".into()]), "a [secret]");
    }

    #[test]
    fn composed_transforms_are_redacted_too() {
        let secret = "Tok3n-Value";
        let upper_reversed: String = secret.to_uppercase().chars().rev().collect();
        let base64_of_reversed = base64(secret.chars().rev().collect::<String>().as_bytes(), false);
        let reversed_base64: String = base64(secret.as_bytes(), true).trim_end_matches('=').chars().rev().collect();
        let message = format!("a {upper_reversed} b {} c {reversed_base64} d", base64_of_reversed.trim_end_matches('='));
        assert_eq!(redact(&message, None, &[secret.into()]), "a [secret] b [secret] c [secret] d");
    }
}
