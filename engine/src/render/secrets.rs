//! Keeping secrets out of what Trellis shows: render error messages (`[secret]`) and the dry-run's
//! report, log and messages (`***`, src/dryrun/redact.rs). One collector, [`SecretCollector`],
//! gathers the secret strings from either value type (the engine's [`Value`] or JSON) and builds
//! one [`Redactor`] that both paths use.
//!
//! The engine's own messages quote source text and types, never rendered values. Some messages
//! still carry values: Backstage's own texts (`parseRepoUrl`, `parseEntityRef` quote their
//! input) and the messages of host filters and globals; a report shows rendered inputs whole. A
//! template can turn a secret into another form before it reaches either, so the redactor
//! hides, for each secret of at least [`MIN_SECRET_CHARS`] characters:
//!
//! * **runs**: every stretch of at least [`MIN_RUN_CHARS`] characters of the secret, of the
//!   secret reversed, or of either JSON-escaped (`secrets.token.slice(3)`, `| truncate(12)`,
//!   `| reverse`), in any ASCII case (`| upper`, `| lower`, `| title`, `| capitalize`) and in the
//!   Unicode upper, lower, title and capitalized forms; a shorter secret only as a whole;
//! * **whole encodings**: base64, base64url, URI component of each of those forms, and each
//!   encoding reversed (`| b64encode | reverse`).
//!
//! Runs are found as the union of the secret's [`MIN_RUN_CHARS`]-character windows: one
//! Aho-Corasick pass over the text finds every window (and every encoding), overlapping matches
//! are merged, so the cost is linear in the text (plus the automaton, linear in the secrets).
//! Text that merely shares a window with a secret is hidden too: the price of not leaking a
//! secret's substrings.

use aho_corasick::{AhoCorasick, MatchKind};

use crate::engine::value::Value;

/// What a secret is replaced with in error messages.
pub const REDACTED: &str = "[secret]";

/// Shorter values are not searched for: replacing every `a` or `42` in a message would hide the
/// message, not a secret.
pub const MIN_SECRET_CHARS: usize = 4;

/// Any run of a secret this long or longer is hidden wherever it appears.
pub const MIN_RUN_CHARS: usize = 8;

/// Replaces every known secret (and its derived forms) in `message` with [`REDACTED`]: the string
/// leaves of the context's `secrets` and `extra` ([`super::RenderOptions::secrets`]).
pub fn redact(message: &str, context_secrets: Option<&Value>, extra: &[String]) -> String {
    let mut collector = SecretCollector::default();
    if let Some(value) = context_secrets {
        collector.add_value(value);
    }
    extra.iter().for_each(|secret| collector.add(secret.clone()));
    collector.redactor().redact(message, REDACTED)
}

/// Gathers secret strings: string leaves, and numbers as JavaScript prints them.
#[derive(Debug, Default, Clone)]
pub struct SecretCollector {
    secrets: Vec<String>,
}

impl SecretCollector {
    pub fn add(&mut self, secret: String) {
        if !secret.is_empty() {
            self.secrets.push(secret);
        }
    }

    /// The leaves of an engine value (walked without recursion: any depth).
    pub fn add_value(&mut self, value: &Value) {
        let mut pending = vec![value.clone()];
        while let Some(value) = pending.pop() {
            match &value {
                Value::Str(text) | Value::Safe(text) => self.add(text.to_string()),
                Value::Number(_) => self.add(value.to_js_string()),
                Value::Array(items) => pending.extend(items.borrow().iter().cloned()),
                Value::Object(entries) => pending.extend(entries.values().cloned()),
                _ => {}
            }
        }
    }

    /// The leaves of a JSON value (walked without recursion: any depth).
    pub fn add_json(&mut self, value: &serde_json::Value) {
        let mut pending = vec![value];
        while let Some(value) = pending.pop() {
            match value {
                serde_json::Value::String(text) => self.add(text.clone()),
                serde_json::Value::Number(number) => self.add(number.to_string()),
                serde_json::Value::Array(items) => pending.extend(items),
                serde_json::Value::Object(map) => pending.extend(map.values()),
                _ => {}
            }
        }
    }

    pub fn redactor(mut self) -> Redactor {
        crate::sort::sort(&mut self.secrets);
        self.secrets.dedup();
        let mut patterns: Vec<String> = Vec::new();
        for secret in self.secrets.iter().filter(|s| s.chars().count() >= MIN_SECRET_CHARS) {
            let (runs, wholes) = derived_forms(secret);
            for run in runs {
                push_windows(&run, &mut patterns);
            }
            patterns.extend(wholes.into_iter().filter(|w| w.chars().count() >= MIN_SECRET_CHARS));
        }
        // The automaton ignores ASCII case, so patterns differing only in it are one.
        patterns.iter_mut().for_each(|p| p.make_ascii_lowercase());
        crate::sort::sort(&mut patterns);
        patterns.dedup();
        let automaton = if patterns.is_empty() {
            None
        } else {
            AhoCorasick::builder().ascii_case_insensitive(true).match_kind(MatchKind::Standard).build(&patterns).ok()
        };
        Redactor { secrets: self.secrets, automaton }
    }
}

/// Hides secrets in text (see the module docs for which forms).
#[derive(Debug, Clone, Default)]
pub struct Redactor {
    /// Every secret collected (sorted), whatever its length: a value equal to one is a secret.
    secrets: Vec<String>,
    automaton: Option<AhoCorasick>,
}

impl Redactor {
    pub fn is_empty(&self) -> bool {
        self.secrets.is_empty()
    }

    /// Whether `text` is exactly a secret (of any length).
    pub fn is_secret(&self, text: &str) -> bool {
        self.secrets.binary_search_by(|s| s.as_str().cmp(text)).is_ok()
    }

    /// `text` with every secret form replaced by `replacement` (overlapping and adjacent
    /// matches replaced once, as one stretch).
    pub fn redact(&self, text: &str, replacement: &str) -> String {
        let Some(automaton) = &self.automaton else { return text.to_string() };
        let mut stretches: Vec<(usize, usize)> = Vec::new();
        for found in automaton.find_overlapping_iter(text) {
            stretches.push((found.start(), found.end()));
        }
        if stretches.is_empty() {
            return text.to_string();
        }
        crate::sort::sort(&mut stretches);
        let mut out = String::with_capacity(text.len());
        let mut done = 0;
        let mut index = 0;
        while index < stretches.len() {
            let (start, mut end) = stretches[index];
            index += 1;
            while index < stretches.len() && stretches[index].0 <= end {
                end = end.max(stretches[index].1);
                index += 1;
            }
            out.push_str(&text[done..start]);
            out.push_str(replacement);
            done = end;
        }
        out.push_str(&text[done..]);
        out
    }
}

/// Every [`MIN_RUN_CHARS`]-character window of `form` (the form itself when shorter).
fn push_windows(form: &str, out: &mut Vec<String>) {
    let bounds: Vec<usize> = form.char_indices().map(|(i, _)| i).chain([form.len()]).collect();
    let chars = bounds.len() - 1;
    if chars < MIN_SECRET_CHARS {
        return;
    }
    if chars <= MIN_RUN_CHARS {
        out.push(form.to_string());
        return;
    }
    for start in 0..=chars - MIN_RUN_CHARS {
        out.push(form[bounds[start]..bounds[start + MIN_RUN_CHARS]].to_string());
    }
}

/// The forms a template may turn `secret` into: `(runs, wholes)`. Runs: the secret in each case
/// (as is, and Unicode upper, lower, title, capitalized: ASCII case is ignored when matching),
/// each also reversed, each also JSON-escaped. Wholes: base64, base64url and URI component of
/// each run form, and each of those reversed.
fn derived_forms(secret: &str) -> (Vec<String>, Vec<String>) {
    let reversed = |text: &str| text.chars().rev().collect::<String>();
    let mut cased =
        vec![secret.to_string(), secret.to_uppercase(), secret.to_lowercase(), title(secret), capitalize(secret)];
    crate::sort::sort(&mut cased);
    cased.dedup();
    let mut runs = Vec::new();
    let mut wholes = Vec::new();
    for text in cased.iter().flat_map(|c| [reversed(c), c.clone()]) {
        let bytes = text.as_bytes();
        let encoded = [
            base64(bytes, false).trim_end_matches('=').to_string(),
            base64(bytes, true).trim_end_matches('=').to_string(),
            crate::engine::filters::encode_uri_component(&text),
        ];
        for form in encoded {
            wholes.push(reversed(&form));
            wholes.push(form);
        }
        // Without the enclosing quotes only (a trailing `\"` is the secret's own).
        let escaped = serde_json::to_string(&text).unwrap_or_default();
        runs.push(escaped.get(1..escaped.len().saturating_sub(1)).unwrap_or_default().to_string());
        runs.push(text);
    }
    crate::sort::sort(&mut runs);
    runs.dedup();
    (runs, wholes)
}

/// Nunjucks' `capitalize`: the first character upper case, the rest lower.
fn capitalize(text: &str) -> String {
    let lower = text.to_lowercase();
    let mut chars = lower.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Nunjucks' `title`: every space-separated word capitalized.
fn title(text: &str) -> String {
    text.split(' ').map(capitalize).collect::<Vec<_>>().join(" ")
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

    fn redactor(secrets: &[&str]) -> Redactor {
        let mut collector = SecretCollector::default();
        secrets.iter().for_each(|s| collector.add(s.to_string()));
        collector.redactor()
    }

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
        let message =
            format!("a {upper_reversed} b {} c {reversed_base64} d", base64_of_reversed.trim_end_matches('='));
        assert_eq!(redact(&message, None, &[secret.into()]), "a [secret] b [secret] c [secret] d");
    }

    #[test]
    fn title_case_mixed_case_and_runs_of_eight_characters_are_redacted() {
        let r = redactor(&["sEcReT-vAlUe-1234-xyz"]);
        for (shown, expected) in [
            ("title=Secret-value-1234-xyz!", "title=***!"),
            ("any=SeCrEt-VaLuE-1234-XyZ", "any=***"),
            ("sub=ReT-vAlUe-12 end", "sub=*** end"),
            ("trunc=sEcReT-vA|", "trunc=***|"),
            ("rev-sub=4321-eUlA.", "rev-sub=***."),
            ("twice sEcReT-vAlUe-1234-xyzzyx-4321-eUlAv-TeRcEs", "twice ***"),
            // Seven characters are not a run: kept.
            ("short=ReT-vAl.", "short=ReT-vAl."),
        ] {
            assert_eq!(r.redact(shown, "***"), expected, "{shown}");
        }
    }

    #[test]
    fn unicode_case_forms_and_json_escapes_are_runs_too() {
        let r = redactor(&["straße-Geheimnis", "line1\nline2\"quoted\""]);
        assert_eq!(r.redact("u=STRASSE-GEHEIMNIS", "***"), "u=***");
        assert_eq!(r.redact(r#"{"k": "line1\nline2\"quoted\""}"#, "***"), r#"{"k": "***"}"#);
        assert_eq!(r.redact(r#"{"k": "ne2\"quot"}"#, "***"), r#"{"k": "***"}"#);
    }

    #[test]
    fn the_collector_reads_both_value_types_alike() {
        let json = serde_json::json!({"a": "first-secret", "b": [{"c": 123456}], "d": ""});
        let mut from_json = SecretCollector::default();
        from_json.add_json(&json);
        let mut from_value = SecretCollector::default();
        from_value.add_value(&Value::from_json(&json));
        let (json, value) = (from_json.redactor(), from_value.redactor());
        assert_eq!(json.secrets, value.secrets);
        assert_eq!(json.secrets, ["123456", "first-secret"]);
        assert!(json.is_secret("123456") && !json.is_secret("12345"));
        let text = "x first-secret 123456 y";
        assert_eq!(json.redact(text, "***"), value.redact(text, "***"));
        assert_eq!(json.redact(text, "***"), "x *** *** y");
    }

    #[test]
    fn deeply_nested_secrets_are_collected_too() {
        // The collector walks without recursion, so no depth is left out (it stopped at 32).
        let mut json = serde_json::json!("deep-nested-secret");
        for _ in 0..1000 {
            json = serde_json::json!([json]);
        }
        let mut from_json = SecretCollector::default();
        from_json.add_json(&json);
        assert_eq!(from_json.redactor().redact("a deep-nested-secret b", "***"), "a *** b");
        let mut from_value = SecretCollector::default();
        from_value.add_value(&Value::from_json(&json));
        assert_eq!(from_value.redactor().redact("a deep-nested-secret b", "***"), "a *** b");
    }
}
