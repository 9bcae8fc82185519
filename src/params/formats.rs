//! The `format` checks of npm `jsonschema` 1.5, which Backstage runs with format checking on.
//!
//! They differ from the JSON Schema spec (and from the Rust validator's own checks): `uri` is any
//! `scheme:` followed by non-space characters, `date-time` accepts a space separator, `color`,
//! `phone`, `alpha`, `alphanumeric`, `utc-millisec` and `style` exist, and formats npm does not
//! know are not checked at all. So every format name is registered here with npm's rule;
//! the expressions are npm's, rewritten in Rust `regex` syntax (`\d` and `\w` are ASCII in
//! JavaScript, look-arounds expanded into equivalent plain expressions).

use std::sync::OnceLock;

use regex::Regex;

/// npm's regular-expression formats: name, pattern (Rust syntax), anchored as in npm.
const REGEX_FORMATS: &[(&str, &str)] = &[
    (
        "date-time",
        r"^[0-9]{4}-(?:0[0-9]|1[0-2])-(3[01]|0[1-9]|[12][0-9])[tT ](2[0-4]|[01][0-9]):([0-5][0-9]):(60|[0-5][0-9])(\.[0-9]+)?([zZ]|[+-]([0-5][0-9]):(60|[0-5][0-9]))$",
    ),
    ("date", r"^[0-9]{4}-(?:0[0-9]|1[0-2])-(3[01]|0[1-9]|[12][0-9])$"),
    ("time", r"^(2[0-4]|[01][0-9]):([0-5][0-9]):(60|[0-5][0-9])$"),
    // Not anchored in npm: any string containing a duration-like part passes.
    (
        "duration",
        r"(?i)P(T[0-9]+(H([0-9]+M([0-9]+S)?)?|M([0-9]+S)?|S)|[0-9]+(D|M([0-9]+D)?|Y([0-9]+M([0-9]+D)?)?)(T[0-9]+(H([0-9]+M([0-9]+S)?)?|M([0-9]+S)?|S))?|[0-9]+W)",
    ),
    // npm's `(?:[a-zA-Z0-9\-](?!\.)){0,61}[a-zA-Z0-9]?\.` is a label that does not end in `-`.
    (
        "email",
        r"^(?:[A-Za-z0-9_!#$%&'*+\-/=?^`{|}~]+\.)*[A-Za-z0-9_!#$%&'*+\-/=?^`{|}~]+@(?:(?:(?:[a-zA-Z0-9](?:[a-zA-Z0-9\-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z0-9](?:[a-zA-Z0-9\-]{0,61}[a-zA-Z0-9])?)|(?:\[(?:(?:[01]?[0-9]{1,2}|2[0-4][0-9]|25[0-5])\.){3}(?:[01]?[0-9]{1,2}|2[0-4][0-9]|25[0-5])\]))$",
    ),
    (
        "idn-email",
        r#"^("(?:[!#-\[\]-\x{10FFFF}]|\\[\t -\x{10FFFF}])*"|[!#-'*+\-/-9=?A-Z\^-\x{10FFFF}](?:\.?[!#-'*+\-/-9=?A-Z\^-\x{10FFFF}])*)@([!#-'*+\-/-9=?A-Z\^-\x{10FFFF}](?:\.?[!#-'*+\-/-9=?A-Z\^-\x{10FFFF}])*|\[[!-Z\^-\x{10FFFF}]*\])$"#,
    ),
    ("ip-address", r"^(?:(?:25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)\.){3}(?:25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)$"),
    ("ipv4", r"^(?:(?:25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)\.){3}(?:25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)$"),
    (
        "ipv6",
        r"^\s*((([0-9A-Fa-f]{1,4}:){7}([0-9A-Fa-f]{1,4}|:))|(([0-9A-Fa-f]{1,4}:){6}(:[0-9A-Fa-f]{1,4}|((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3})|:))|(([0-9A-Fa-f]{1,4}:){5}(((:[0-9A-Fa-f]{1,4}){1,2})|:((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3})|:))|(([0-9A-Fa-f]{1,4}:){4}(((:[0-9A-Fa-f]{1,4}){1,3})|((:[0-9A-Fa-f]{1,4})?:((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}))|:))|(([0-9A-Fa-f]{1,4}:){3}(((:[0-9A-Fa-f]{1,4}){1,4})|((:[0-9A-Fa-f]{1,4}){0,2}:((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}))|:))|(([0-9A-Fa-f]{1,4}:){2}(((:[0-9A-Fa-f]{1,4}){1,5})|((:[0-9A-Fa-f]{1,4}){0,3}:((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}))|:))|(([0-9A-Fa-f]{1,4}:){1}(((:[0-9A-Fa-f]{1,4}){1,6})|((:[0-9A-Fa-f]{1,4}){0,4}:((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}))|:))|(:(((:[0-9A-Fa-f]{1,4}){1,7})|((:[0-9A-Fa-f]{1,4}){0,5}:((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}))|:)))(%.+)?\s*$",
    ),
    ("uri", r"^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s]*$"),
    ("iri", r"^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s]*$"),
    (
        "uri-reference",
        r#"^(((([A-Za-z][+\-.0-9A-Za-z]*(:%[0-9A-Fa-f]{2}|:[!$&-.0-;=?-Z_a-z~]|[/?])|\?)(%[0-9A-Fa-f]{2}|[!$&-;=?-Z_a-z~])*|([A-Za-z][+\-.0-9A-Za-z]*:?)?)|([A-Za-z][+\-.0-9A-Za-z]*:)?/((%[0-9A-Fa-f]{2}|/((%[0-9A-Fa-f]{2}|[!$&-.0-9;=A-Z_a-z~])+|(\[(([Vv][0-9A-Fa-f]+\.[!$&-.0-;=A-Z_a-z~]+)?|[.0-:A-Fa-f]+)\])?)(:[0-9]*)?[/?]|[!$&-.0-;=?-Z_a-z~])(%[0-9A-Fa-f]{2}|[!$&-;=?-Z_a-z~])*|(/((%[0-9A-Fa-f]{2}|[!$&-.0-9;=A-Z_a-z~])+|(\[(([Vv][0-9A-Fa-f]+\.[!$&-.0-;=A-Z_a-z~]+)?|[.0-:A-Fa-f]+)\])?)(:[0-9]*)?)?))#(%[0-9A-Fa-f]{2}|[!$&-;=?-Z_a-z~])*|(([A-Za-z][+\-.0-9A-Za-z]*)?%[0-9A-Fa-f]{2}|[!$&-.0-9;=@_~]|[A-Za-z][+\-.0-9A-Za-z]*[!$&-*,;=@_~])(%[0-9A-Fa-f]{2}|[!$&-.0-9;=@-Z_a-z~])*((([/?](%[0-9A-Fa-f]{2}|[!$&-;=?-Z_a-z~])*)?#|[/?])(%[0-9A-Fa-f]{2}|[!$&-;=?-Z_a-z~])*)?|([A-Za-z][+\-.0-9A-Za-z]*(:%[0-9A-Fa-f]{2}|:[!$&-.0-;=?-Z_a-z~]|[/?])|\?)(%[0-9A-Fa-f]{2}|[!$&-;=?-Z_a-z~])*|([A-Za-z][+\-.0-9A-Za-z]*:)?/((%[0-9A-Fa-f]{2}|/((%[0-9A-Fa-f]{2}|[!$&-.0-9;=A-Z_a-z~])+|(\[(([Vv][0-9A-Fa-f]+\.[!$&-.0-;=A-Z_a-z~]+)?|[.0-:A-Fa-f]+)\])?)(:[0-9]*)?[/?]|[!$&-.0-;=?-Z_a-z~])(%[0-9A-Fa-f]{2}|[!$&-;=?-Z_a-z~])*|/((%[0-9A-Fa-f]{2}|[!$&-.0-9;=A-Z_a-z~])+(:[0-9]*)?|(\[(([Vv][0-9A-Fa-f]+\.[!$&-.0-;=A-Z_a-z~]+)?|[.0-:A-Fa-f]+)\])?:[0-9]*|\[(([Vv][0-9A-Fa-f]+\.[!$&-.0-;=A-Z_a-z~]+)?|[.0-:A-Fa-f]+)\])?)?|[A-Za-z][+\-.0-9A-Za-z]*:?)?$"#,
    ),
    (
        "iri-reference",
        r#"^(((([A-Za-z][+\-.0-9A-Za-z]*(:%[0-9A-Fa-f]{2}|:[!$&-.0-;=?-Z_a-z~-\x{10FFFF}]|[/?])|\?)(%[0-9A-Fa-f]{2}|[!$&-;=?-Z_a-z~-\x{10FFFF}])*|([A-Za-z][+\-.0-9A-Za-z]*:?)?)|([A-Za-z][+\-.0-9A-Za-z]*:)?/((%[0-9A-Fa-f]{2}|/((%[0-9A-Fa-f]{2}|[!$&-.0-9;=A-Z_a-z~-\x{10FFFF}])+|(\[(([Vv][0-9A-Fa-f]+\.[!$&-.0-;=A-Z_a-z~-\x{10FFFF}]+)?|[.0-:A-Fa-f]+)\])?)(:[0-9]*)?[/?]|[!$&-.0-;=?-Z_a-z~-\x{10FFFF}])(%[0-9A-Fa-f]{2}|[!$&-;=?-Z_a-z~-\x{10FFFF}])*|(/((%[0-9A-Fa-f]{2}|[!$&-.0-9;=A-Z_a-z~-\x{10FFFF}])+|(\[(([Vv][0-9A-Fa-f]+\.[!$&-.0-;=A-Z_a-z~-\x{10FFFF}]+)?|[.0-:A-Fa-f]+)\])?)(:[0-9]*)?)?))#(%[0-9A-Fa-f]{2}|[!$&-;=?-Z_a-z~-\x{10FFFF}])*|(([A-Za-z][+\-.0-9A-Za-z]*)?%[0-9A-Fa-f]{2}|[!$&-.0-9;=@_~-\x{10FFFF}]|[A-Za-z][+\-.0-9A-Za-z]*[!$&-*,;=@_~-\x{10FFFF}])(%[0-9A-Fa-f]{2}|[!$&-.0-9;=@-Z_a-z~-\x{10FFFF}])*((([/?](%[0-9A-Fa-f]{2}|[!$&-;=?-Z_a-z~-\x{10FFFF}])*)?#|[/?])(%[0-9A-Fa-f]{2}|[!$&-;=?-Z_a-z~-\x{10FFFF}])*)?|([A-Za-z][+\-.0-9A-Za-z]*(:%[0-9A-Fa-f]{2}|:[!$&-.0-;=?-Z_a-z~-\x{10FFFF}]|[/?])|\?)(%[0-9A-Fa-f]{2}|[!$&-;=?-Z_a-z~-\x{10FFFF}])*|([A-Za-z][+\-.0-9A-Za-z]*:)?/((%[0-9A-Fa-f]{2}|/((%[0-9A-Fa-f]{2}|[!$&-.0-9;=A-Z_a-z~-\x{10FFFF}])+|(\[(([Vv][0-9A-Fa-f]+\.[!$&-.0-;=A-Z_a-z~-\x{10FFFF}]+)?|[.0-:A-Fa-f]+)\])?)(:[0-9]*)?[/?]|[!$&-.0-;=?-Z_a-z~-\x{10FFFF}])(%[0-9A-Fa-f]{2}|[!$&-;=?-Z_a-z~-\x{10FFFF}])*|/((%[0-9A-Fa-f]{2}|[!$&-.0-9;=A-Z_a-z~-\x{10FFFF}])+(:[0-9]*)?|(\[(([Vv][0-9A-Fa-f]+\.[!$&-.0-;=A-Z_a-z~-\x{10FFFF}]+)?|[.0-:A-Fa-f]+)\])?:[0-9]*|\[(([Vv][0-9A-Fa-f]+\.[!$&-.0-;=A-Z_a-z~-\x{10FFFF}]+)?|[.0-:A-Fa-f]+)\])?)?|[A-Za-z][+\-.0-9A-Za-z]*:?)?$"#,
    ),
    ("uuid", r"(?i)^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$"),
    ("json-pointer", r"(?i)^(/([\x00-\x2e0-@\[-}\x7f]|~[01])*)*$"),
    ("relative-json-pointer", r"(?i)^[0-9]+(#|(/([\x00-\x2e0-@\[-}\x7f]|~[01])*)*)$"),
    ("style", r"[\r\n\t ]*[^\r\n\t ][^:]*:[\r\n\t ]*[^\r\n\t ;]*[\r\n\t ]*;?"),
    (
        "color",
        r"^(#?([0-9A-Fa-f]{3}){1,2}\b|aqua|black|blue|fuchsia|gray|green|lime|maroon|navy|olive|orange|purple|red|silver|teal|white|yellow|(rgb\(\s*\b([0-9]|[1-9][0-9]|1[0-9][0-9]|2[0-4][0-9]|25[0-5])\b\s*,\s*\b([0-9]|[1-9][0-9]|1[0-9][0-9]|2[0-4][0-9]|25[0-5])\b\s*,\s*\b([0-9]|[1-9][0-9]|1[0-9][0-9]|2[0-4][0-9]|25[0-5])\b\s*\))|(rgb\(\s*([0-9]?[0-9]%|100%)+\s*,\s*([0-9]?[0-9]%|100%)+\s*,\s*([0-9]?[0-9]%|100%)+\s*\)))$",
    ),
    ("phone", r"^\+(?:[0-9] ?){6,14}[0-9]$"),
    ("alpha", r"^[a-zA-Z]+$"),
    ("alphanumeric", r"^[a-zA-Z0-9]+$"),
];

/// Hostname labels: npm's `(?=.{1,255}$)` length look-ahead is checked separately.
const HOSTNAME: &str =
    r"^[0-9A-Za-z](?:(?:[0-9A-Za-z]|-){0,61}[0-9A-Za-z])?(?:\.[0-9A-Za-z](?:(?:[0-9A-Za-z]|-){0,61}[0-9A-Za-z])?)*\.?$";

/// Formats whose npm rule always passes: `uri-template` is an unanchored `(...)*` that matches
/// the empty prefix of anything; `idn-hostname` is not an npm format, so npm does not check it
/// (the Rust validator would).
const ALWAYS_VALID: &[&str] = &["uri-template", "idn-hostname"];

/// The expression of the `index`th entry of [`REGEX_FORMATS`], compiled when a schema first
/// checks that format: compiling all of them up front cost about 50 ms of a cold `trellis check`
/// on wasm, and the corpus uses only a few formats.
fn compiled(index: usize) -> &'static Regex {
    static CACHE: [OnceLock<Regex>; REGEX_FORMATS.len()] = [const { OnceLock::new() }; REGEX_FORMATS.len()];
    CACHE[index].get_or_init(|| {
        let (name, pattern) = REGEX_FORMATS[index];
        Regex::new(pattern).unwrap_or_else(|e| panic!("format {name}: {e}"))
    })
}

fn hostname(input: &str) -> bool {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| Regex::new(HOSTNAME).expect("hostname pattern"));
    let length = input.encode_utf16().count();
    (1..=255).contains(&length) && !input.contains(['\n', '\r', '\u{2028}', '\u{2029}']) && re.is_match(input)
}

/// `parseFloat(s) === parseInt(s, 10) && !isNaN(s)`.
fn utc_millisec(input: &str) -> bool {
    let trimmed = input.trim();
    let Ok(whole) = trimmed.parse::<f64>() else { return false };
    let digits: String = trimmed
        .char_indices()
        .take_while(|(i, c)| c.is_ascii_digit() || (*i == 0 && (*c == '-' || *c == '+')))
        .map(|(_, c)| c)
        .collect();
    match digits.parse::<f64>() {
        Ok(integer) => integer == whole,
        Err(_) => false,
    }
}

/// Longest string, in bytes, that `format: regex` (`regexp`, `pattern`) is checked on. The check
/// parses the pattern into a syntax tree of about 70 bytes per character (a 20 MB value took 34 s
/// and 1.3 GB); a longer one is reported as too long to check (see [`too_long_to_check`]) rather
/// than parsed. Patterns typed into a form are a few dozen characters.
pub const MAX_REGEX_FORMAT_BYTES: usize = 64 * 1024;

/// npm's names of the JavaScript regular-expression format.
const JS_REGEX_FORMATS: [&str; 3] = ["regex", "regexp", "pattern"];

/// `new RegExp(s)` succeeds (for a string Trellis checks at all).
fn js_regex(input: &str) -> bool {
    input.len() <= MAX_REGEX_FORMAT_BYTES && crate::jsregex::check(input).is_ok()
}

/// The length of `instance` when `format` failed on it only because it is too long to check.
pub fn too_long_to_check(format: &str, instance: &serde_json::Value) -> Option<usize> {
    let text = instance.as_str()?;
    (JS_REGEX_FORMATS.contains(&format) && text.len() > MAX_REGEX_FORMAT_BYTES).then_some(text.len())
}

/// Registers npm's format rules on validator options.
pub fn register<'a>(mut options: jsonschema::ValidationOptions<'a>) -> jsonschema::ValidationOptions<'a> {
    for (index, (name, _)) in REGEX_FORMATS.iter().enumerate() {
        options = options.with_format(*name, move |s: &str| compiled(index).is_match(s));
    }
    for name in ["hostname", "host-name"] {
        options = options.with_format(name, hostname);
    }
    for name in JS_REGEX_FORMATS {
        options = options.with_format(name, js_regex);
    }
    options = options.with_format("utc-millisec", utc_millisec);
    for name in ALWAYS_VALID {
        options = options.with_format(*name, |_: &str| true);
    }
    options.should_validate_formats(true).should_ignore_unknown_formats(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(format: &str, input: &str) -> bool {
        let schema = serde_json::json!({"format": format});
        let validator = register(jsonschema::draft7::options()).build(&schema).unwrap();
        validator.is_valid(&serde_json::json!(input))
    }

    #[test]
    fn every_pattern_compiles() {
        for index in 0..REGEX_FORMATS.len() {
            compiled(index);
        }
    }

    #[test]
    fn npm_rules_not_the_spec() {
        assert!(check("uri", "github:x"));
        assert!(!check("uri", "no scheme"));
        assert!(check("date-time", "2024-01-31 10:00:00Z"));
        assert!(check("email", "a.b@example.com"));
        assert!(!check("email", "a@-example.com"));
        assert!(!check("email", "a@example-.com"));
        assert!(check("hostname", "my-host.example.com"));
        assert!(!check("hostname", "-bad"));
        assert!(check("color", "#fff"));
        assert!(check("unknown-format", "anything"));
        assert!(check("utc-millisec", "1700000000000"));
        assert!(!check("utc-millisec", "1.5"));
        assert!(check("regex", "(?=a)b"));
        assert!(!check("regex", "(unclosed"));
    }

    #[test]
    fn regex_formats_refuse_what_is_too_long_to_check() {
        let long = "a".repeat(MAX_REGEX_FORMAT_BYTES + 1);
        assert!(check("regex", &"a".repeat(MAX_REGEX_FORMAT_BYTES)));
        assert!(!check("regexp", &long));
        assert_eq!(too_long_to_check("pattern", &serde_json::json!(long)), Some(MAX_REGEX_FORMAT_BYTES + 1));
        assert_eq!(too_long_to_check("email", &serde_json::json!(long)), None);
    }
}
