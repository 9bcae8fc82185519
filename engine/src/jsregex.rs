//! Is a pattern a valid JavaScript regular expression? Rust's regex syntax is close to
//! JavaScript's but not equal: JavaScript also has look-arounds and back-references (valid
//! there, unsupported here) and is lenient with identity escapes such as `\k`. So only the
//! structural errors that JavaScript rejects as well count as invalid.

use regex_syntax::ast::{parse::Parser, ErrorKind};

/// `Ok` when JavaScript would accept `pattern` (without the `u` flag); otherwise why not.
pub fn check(pattern: &str) -> Result<(), String> {
    match Parser::new().parse(pattern) {
        Ok(_) => Ok(()),
        Err(error) => match error.kind() {
            ErrorKind::ClassUnclosed
            | ErrorKind::GroupUnclosed
            | ErrorKind::GroupUnopened
            | ErrorKind::GroupNameDuplicate { .. }
            | ErrorKind::RepetitionCountInvalid
            | ErrorKind::RepetitionMissing
            | ErrorKind::ClassRangeInvalid => Err(error.kind().to_string()),
            _ => Ok(()),
        },
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn structural_errors_only() {
        assert!(super::check("a+(b|c)").is_ok());
        assert!(super::check("(?=a)b\\1").is_ok());
        assert!(super::check("\\k").is_ok());
        assert!(super::check("[").is_err());
        assert!(super::check("(").is_err());
        assert!(super::check("a{2,1}").is_err());
    }
}

/// A JavaScript regular expression (`r/…/flags` in a template) compiled for Rust's linear-time
/// `regex` engine. Patterns that need backtracking (back-references, look-arounds) are refused
/// with a clear error rather than run on a slower engine.
#[derive(Debug)]
pub struct JsRegex {
    pub(crate) source: String,
    pub(crate) flags: String,
    pub(crate) regex: regex::Regex,
}

impl JsRegex {
    /// Compiles `source` with JavaScript flags (`g i m s u y d`).
    pub(crate) fn new(source: &str, flags: &str) -> Result<JsRegex, String> {
        for flag in flags.chars() {
            if !"dgimsuy".contains(flag) || flags.matches(flag).count() > 1 {
                return Err(format!("invalid regular expression flags `{flags}`"));
            }
        }
        check(source).map_err(|reason| format!("invalid regular expression /{source}/: {reason}"))?;
        let translated = translate(source, flags.contains('s'), flags.contains('u'))
            .map_err(|reason| format!("regular expression /{source}/ is not supported: {reason}"))?;
        let prefix = match (flags.contains('i'), flags.contains('m')) {
            (true, true) => "(?im)",
            (true, false) => "(?i)",
            (false, true) => "(?m)",
            (false, false) => "",
        };
        let regex = regex::RegexBuilder::new(&format!("{prefix}{translated}"))
            .size_limit(4 << 20)
            .build()
            .map_err(|e| format!("regular expression /{source}/ is not supported: {e}"))?;
        Ok(JsRegex { source: source.to_string(), flags: flags.to_string(), regex })
    }

    pub(crate) fn global(&self) -> bool {
        self.flags.contains('g')
    }

    pub(crate) fn sticky(&self) -> bool {
        self.flags.contains('y')
    }
}

impl std::fmt::Display for JsRegex {
    /// As `String(regex)`: an empty source is `(?:)`, flags in canonical order.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let source = if self.source.is_empty() { "(?:)" } else { &self.source };
        let flags: String = "dgimsuvy".chars().filter(|c| self.flags.contains(*c)).collect();
        write!(f, "/{source}/{flags}")
    }
}

/// JavaScript's `\s`, as the inside of a character class.
const JS_SPACE: &str =
    r"\t\n\x0B\x0C\r \x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}\x{FEFF}";

/// Rewrites a JavaScript pattern into Rust `regex` syntax with the same meaning.
fn translate(source: &str, dot_all: bool, unicode: bool) -> Result<String, String> {
    let chars: Vec<char> = source.chars().collect();
    let mut out = String::with_capacity(source.len() + 8);
    let mut in_class = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\\' => {
                let Some(&next) = chars.get(i + 1) else { return Err("a trailing backslash".into()) };
                i += 2;
                match next {
                    'd' => out.push_str(if in_class { "0-9" } else { "[0-9]" }),
                    'D' => out.push_str(if in_class { r"\x00-/:-\x{10FFFF}" } else { "[^0-9]" }),
                    'w' => out.push_str(if in_class { "A-Za-z0-9_" } else { "[A-Za-z0-9_]" }),
                    'W' => {
                        if in_class {
                            return Err(r"`\W` inside a character class".into());
                        }
                        out.push_str("[^A-Za-z0-9_]")
                    }
                    's' => {
                        if in_class {
                            out.push_str(JS_SPACE)
                        } else {
                            out.push('[');
                            out.push_str(JS_SPACE);
                            out.push(']')
                        }
                    }
                    'S' => {
                        if in_class {
                            return Err(r"`\S` inside a character class".into());
                        }
                        out.push_str("[^");
                        out.push_str(JS_SPACE);
                        out.push(']')
                    }
                    'b' if in_class => out.push_str(r"\x08"),
                    'b' => out.push_str(r"(?-u:\b)"),
                    'B' => out.push_str(r"(?-u:\B)"),
                    'v' => out.push_str(r"\x0B"),
                    'f' | 'n' | 'r' | 't' => {
                        out.push('\\');
                        out.push(next)
                    }
                    '0' if !chars.get(i).is_some_and(char::is_ascii_digit) => out.push_str(r"\x00"),
                    '1'..='9' => return Err("back-references need a backtracking engine".into()),
                    'k' if chars.get(i) == Some(&'<') => {
                        return Err("named back-references need a backtracking engine".into())
                    }
                    'c' if chars.get(i).is_some_and(char::is_ascii_alphabetic) => {
                        let code = (chars[i] as u32) % 32;
                        out.push_str(&format!(r"\x{{{code:X}}}"));
                        i += 1;
                    }
                    'x' if chars.len() >= i + 2 && chars[i..i + 2].iter().all(char::is_ascii_hexdigit) => {
                        out.push_str(&format!(r"\x{{{}{}}}", chars[i], chars[i + 1]));
                        i += 2;
                    }
                    'u' if chars.get(i) == Some(&'{') && unicode => {
                        let end = chars[i..].iter().position(|&c| c == '}').ok_or("an unclosed \\u{…}")?;
                        let hex: String = chars[i + 1..i + end].iter().collect();
                        out.push_str(&format!(r"\x{{{hex}}}"));
                        i += end + 1;
                    }
                    'u' if chars.len() >= i + 4 && chars[i..i + 4].iter().all(char::is_ascii_hexdigit) => {
                        let hex: String = chars[i..i + 4].iter().collect();
                        out.push_str(&format!(r"\x{{{hex}}}"));
                        i += 4;
                    }
                    other if other.is_ascii_alphanumeric() => {
                        // JavaScript reads an unknown escape (`\a`, `\k`) as the letter itself.
                        out.push(other)
                    }
                    other => push_literal(&mut out, other),
                }
                continue;
            }
            '[' if !in_class => {
                in_class = true;
                if chars.get(i + 1) == Some(&'^') && chars.get(i + 2) == Some(&']') {
                    out.push_str(r"[\s\S]");
                    in_class = false;
                    i += 3;
                    continue;
                }
                if chars.get(i + 1) == Some(&']') {
                    return Err("an empty character class `[]`".into());
                }
                out.push('[');
                if chars.get(i + 1) == Some(&'^') {
                    out.push('^');
                    i += 1;
                }
                // A `]` first in a JavaScript class closes it; in Rust it would be literal. The
                // empty class is refused above, so here `]` cannot come first.
            }
            '[' => out.push_str(r"\["),
            ']' if in_class => {
                in_class = false;
                out.push(']');
            }
            '&' | '~' if in_class => {
                out.push('\\');
                out.push(c)
            }
            '-' if in_class && chars.get(i + 1) == Some(&'-') => out.push_str(r"\-"),
            '.' if !in_class => out.push_str(if dot_all { r"[\s\S]" } else { r"[^\n\r\x{2028}\x{2029}]" }),
            '(' if !in_class && chars.get(i + 1) == Some(&'?') => {
                let rest: String = chars[i + 2..chars.len().min(i + 4)].iter().collect();
                if rest.starts_with('=') || rest.starts_with('!') || rest.starts_with("<=") || rest.starts_with("<!") {
                    return Err("look-around assertions need a backtracking engine".into());
                }
                out.push('(');
            }
            '{' if !in_class && !is_quantifier(&chars[i..]) => out.push_str(r"\{"),
            '}' if !in_class => out.push_str(r"\}"),
            _ => out.push(c),
        }
        // `}` closing a real quantifier is copied by the quantifier branch below.
        if c == '{' && !in_class && is_quantifier(&chars[i..]) {
            let end = chars[i..].iter().position(|&c| c == '}').unwrap_or(0);
            out.extend(&chars[i + 1..=i + end]);
            i += end + 1;
            continue;
        }
        i += 1;
    }
    Ok(out)
}

fn push_literal(out: &mut String, c: char) {
    if regex_syntax::is_meta_character(c) {
        out.push('\\');
    }
    out.push(c);
}

/// `{n}`, `{n,}` or `{n,m}` at the start of `chars`.
fn is_quantifier(chars: &[char]) -> bool {
    let Some(end) = chars.iter().position(|&c| c == '}') else { return false };
    let inner: String = chars[1..end].iter().collect();
    let mut parts = inner.splitn(2, ',');
    let first = parts.next().unwrap_or("");
    let second = parts.next();
    !first.is_empty()
        && first.chars().all(|c| c.is_ascii_digit())
        && second.is_none_or(|s| s.chars().all(|c| c.is_ascii_digit()))
}

#[cfg(test)]
mod translate_tests {
    use super::JsRegex;

    #[test]
    fn javascript_classes_and_escapes_keep_their_meaning() {
        let re = JsRegex::new(r"^\d+\s\w\/x{2}a{$", "").unwrap();
        assert!(re.regex.is_match("12 _/xxa{"));
        assert!(!re.regex.is_match("١٢ _/xxa{"), "\\d is ASCII-only in JavaScript");
        assert!(JsRegex::new("A", "i").unwrap().regex.is_match("a"));
        assert!(!JsRegex::new("a.b", "").unwrap().regex.is_match("a\nb"));
        assert!(JsRegex::new("a.b", "s").unwrap().regex.is_match("a\nb"));
    }

    #[test]
    fn backtracking_features_are_refused() {
        assert!(JsRegex::new(r"(a)\1", "").unwrap_err().contains("back-references"));
        assert!(JsRegex::new(r"a(?=b)", "").unwrap_err().contains("look-around"));
        assert!(JsRegex::new("a", "gg").is_err());
    }
}
