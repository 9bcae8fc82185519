//! Error messages a form user understands: the field first, then what it must be.

use jsonschema::error::{TypeKind, ValidationErrorKind};
use serde_json::Value;

use crate::jsfmt;

/// `/database/name` → `database.name`, `/tags/0` → `tags[0]`, `` → `(values)`.
pub fn field_name(pointer: &str) -> String {
    if pointer.is_empty() {
        return "(values)".into();
    }
    let mut out = String::new();
    for segment in pointer.trim_start_matches('/').split('/') {
        let segment = segment.replace("~1", "/").replace("~0", "~");
        if !segment.is_empty() && segment.bytes().all(|b| b.is_ascii_digit()) {
            out.push_str(&format!("[{segment}]"));
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&segment);
        }
    }
    out
}

/// Most values a message lists (`must be one of: …`); a 100,000-value `enum` made a 789 KB message.
const MAX_LISTED: usize = 20;
/// Longest value shown in a message, in characters, before it is cut with `…`.
const MAX_SHOWN_CHARS: usize = 100;

fn list(values: &Value) -> String {
    match values {
        Value::Array(items) => {
            let mut shown = items.iter().take(MAX_LISTED).map(show).collect::<Vec<_>>().join(", ");
            if items.len() > MAX_LISTED {
                shown.push_str(&format!(" … and {} more", items.len() - MAX_LISTED));
            }
            shown
        }
        other => show(other),
    }
}

/// A value inside a message: strings quoted only when they would otherwise be ambiguous; long
/// values cut.
fn show(value: &Value) -> String {
    let text = match value {
        Value::String(s) if s.is_empty() || s.contains([',', ' ']) => format!("{s:?}"),
        other => jsfmt::value(other),
    };
    match text.char_indices().nth(MAX_SHOWN_CHARS) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

fn type_names(kind: &TypeKind) -> String {
    match kind {
        TypeKind::Single(t) => article(&t.to_string()),
        TypeKind::Multiple(set) => {
            let names: Vec<String> = set.iter().map(|t| t.to_string()).collect();
            format!("one of the types {}", names.join(", "))
        }
    }
}

/// `a string`, `an integer`, `null`: a JSON type name as messages say it.
pub(crate) fn article(type_name: &str) -> String {
    match type_name {
        "integer" | "array" | "object" => format!("an {type_name}"),
        "null" => "null".into(),
        other => format!("a {other}"),
    }
}

/// What is wrong with the value of `error`, without the field name: [`describe`], except for a
/// `format` Trellis refused to check because the string is too long.
pub fn describe_error(error: &jsonschema::ValidationError) -> String {
    if let ValidationErrorKind::Format { format } = error.kind() {
        if let Some(length) = super::formats::too_long_to_check(format, error.instance()) {
            return format!(
                "is too long to check as a {format}: {length} bytes, more than the {} Trellis checks `format: {format}` on",
                super::formats::MAX_REGEX_FORMAT_BYTES
            );
        }
    }
    describe(error.kind())
}

/// What is wrong with the value, without the field name.
pub fn describe(kind: &ValidationErrorKind) -> String {
    use ValidationErrorKind as K;
    match kind {
        K::Required { .. } => "is required".into(),
        K::Type { kind } => format!("must be {}", type_names(kind)),
        K::Pattern { pattern } => format!("must match {pattern}"),
        K::Enum { options } => format!("must be one of: {}", list(options)),
        K::Constant { expected_value } => format!("must be {}", show(expected_value)),
        K::MinLength { limit } => format!("must be at least {limit} character{} long", plural(*limit)),
        K::MaxLength { limit } => format!("must be at most {limit} character{} long", plural(*limit)),
        K::Minimum { limit } => format!("must be greater than or equal to {}", jsfmt::value(limit)),
        K::Maximum { limit } => format!("must be less than or equal to {}", jsfmt::value(limit)),
        K::ExclusiveMinimum { limit } => format!("must be greater than {}", jsfmt::value(limit)),
        K::ExclusiveMaximum { limit } => format!("must be less than {}", jsfmt::value(limit)),
        K::MultipleOf { multiple_of } => format!("must be a multiple of {}", jsfmt::number(*multiple_of)),
        K::MinItems { limit } => format!("must have at least {limit} item{}", plural(*limit)),
        K::MaxItems { limit } => format!("must have at most {limit} item{}", plural(*limit)),
        K::AdditionalItems { limit } => format!("must have at most {limit} item{}", plural(*limit as u64)),
        K::UniqueItems => "must not contain the same item twice".into(),
        K::MinProperties { limit } => format!("must have at least {limit} field{}", plural(*limit)),
        K::MaxProperties { limit } => format!("must have at most {limit} field{}", plural(*limit)),
        K::AdditionalProperties { .. } => "is not a field this form defines".into(),
        K::Format { format } => format!("must be a valid {format}"),
        K::AnyOf { .. } => "must match at least one of the allowed shapes (anyOf)".into(),
        K::OneOfNotValid { .. } => "must match exactly one of the allowed shapes (oneOf), but matches none".into(),
        K::OneOfMultipleValid { .. } => {
            "must match exactly one of the allowed shapes (oneOf), but matches several".into()
        }
        K::Not { .. } => "must not match the schema given in `not`".into(),
        K::Contains => "must contain at least one item matching `contains`".into(),
        K::PropertyNames { error } => format!("has a field name that {}", describe(error.kind())),
        K::FalseSchema => "is not allowed here".into(),
        K::BacktrackLimitExceeded { .. } | K::RegexEngineFailure { .. } => {
            "could not be checked: the pattern is too expensive to evaluate".into()
        }
        K::Referencing(error) => format!("could not be checked: {error}"),
        other => format!("does not satisfy `{}`", other.keyword()),
    }
}

fn plural(n: u64) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_names_read_like_code() {
        assert_eq!(field_name("/database/name"), "database.name");
        assert_eq!(field_name("/tags/0/id"), "tags[0].id");
        assert_eq!(field_name(""), "(values)");
        assert_eq!(field_name("/a~1b"), "a/b");
    }

    #[test]
    fn listings_are_capped() {
        let options: Vec<Value> = (0..100_000).map(|i| Value::from(format!("value-{i}"))).collect();
        let message = describe(&ValidationErrorKind::Enum { options: Value::Array(options).into() });
        assert!(message.ends_with("value-19 … and 99980 more"), "{message}");
        assert!(message.len() < 400, "{} bytes", message.len());
        let long = describe(&ValidationErrorKind::Constant { expected_value: Value::from("x".repeat(10_000)).into() });
        assert_eq!(long.chars().count(), "must be ".len() + MAX_SHOWN_CHARS + 1);
    }
}
