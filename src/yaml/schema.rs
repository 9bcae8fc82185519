//! Scalars as npm `yaml` 2 resolves them with the YAML 1.2 core schema, the catalog's: which
//! plain scalars are null, booleans or numbers, what an explicit tag does, and numbers as
//! JavaScript holds them (every number a double). Quoted and block scalars are strings unless
//! tagged. docs/backstage-behaviour.md lists the rules with their sources.

use crate::calendar;

/// The prefix of the YAML core tags (`!!str` is `tag:yaml.org,2002:str`).
pub(super) const CORE_TAG: &str = "tag:yaml.org,2002:";

/// A resolved scalar.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Scalar {
    Null,
    Bool(bool),
    /// A JavaScript number, and how it was written (`yaml` prints keys back in that form).
    Number(f64, NumberFormat),
    /// The text itself.
    Text,
    /// `!!timestamp`: a JavaScript `Date` as milliseconds since 1970, `None` for an invalid date.
    Timestamp(Option<f64>),
    /// `!!binary`: a Node.js `Buffer` of the text's base64 (see [`base64_bytes`]).
    Binary,
}

/// How a number was written, as far as `yaml` keeps it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum NumberFormat {
    Decimal,
    Hex,
    Octal,
    /// `1e3`, `1.5E-7`.
    Exponential,
    /// `1.50`: the digits after the point when the text ends in `0` (else 0).
    Fraction {
        min_digits: usize,
    },
    /// `.inf`, `.nan`.
    Special,
}

/// A scalar's value, and the tag the catalog could not apply (a warning there, not an error).
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Resolved {
    pub scalar: Scalar,
    pub unresolved_tag: Option<String>,
}

impl Resolved {
    fn plain(scalar: Scalar) -> Resolved {
        Resolved { scalar, unresolved_tag: None }
    }
}

/// Resolves `text`, written `plain` or not, with its explicit tag (full name, `!` for the
/// non-specific tag). `Err` is a message for a tag whose rules reject the text (the catalog
/// refuses the document).
pub(super) fn resolve(text: &str, plain: bool, tag: Option<&str>) -> Result<Resolved, String> {
    let Some(tag) = tag else {
        return Ok(Resolved::plain(if plain { by_pattern(text) } else { Scalar::Text }));
    };
    if tag == "!" {
        return Ok(Resolved::plain(Scalar::Text));
    }
    let matched = match tag.strip_prefix(CORE_TAG) {
        Some("str") => Some(Scalar::Text),
        Some("null") => is_null(text).then_some(Scalar::Null),
        Some("bool") => boolean(text).map(Scalar::Bool),
        Some("int") => integer(text),
        Some("float") => float(text),
        Some("timestamp") => return timestamp(text).map(|ms| Resolved::plain(Scalar::Timestamp(ms))),
        Some("binary") => Some(Scalar::Binary),
        _ => None,
    };
    Ok(match matched {
        Some(scalar) => Resolved::plain(scalar),
        None => Resolved { scalar: Scalar::Text, unresolved_tag: Some(tag.to_string()) },
    })
}

/// A plain scalar without a tag: the first of null, bool, int (octal, decimal, hex) and float
/// (special, exponential, fraction) whose pattern matches, else a string.
pub(super) fn by_pattern(text: &str) -> Scalar {
    // Most plain scalars are words: none of the patterns starts with a letter but these.
    match text.as_bytes().first() {
        None | Some(b'0'..=b'9' | b'+' | b'-' | b'.' | b'~' | b'n' | b'N' | b't' | b'T' | b'f' | b'F') => {}
        Some(_) => return Scalar::Text,
    }
    if is_null(text) {
        return Scalar::Null;
    }
    if let Some(b) = boolean(text) {
        return Scalar::Bool(b);
    }
    integer(text).or_else(|| float(text)).unwrap_or(Scalar::Text)
}

fn is_null(text: &str) -> bool {
    matches!(text, "" | "~" | "null" | "Null" | "NULL")
}

fn boolean(text: &str) -> Option<bool> {
    match text {
        "true" | "True" | "TRUE" => Some(true),
        "false" | "False" | "FALSE" => Some(false),
        _ => None,
    }
}

fn all_digits(text: &str, radix: u32) -> bool {
    !text.is_empty() && text.chars().all(|c| c.is_digit(radix))
}

/// `0o17`, `[-+]?[0-9]+`, `0x1F` (in that order).
fn integer(text: &str) -> Option<Scalar> {
    if let Some(digits) = text.strip_prefix("0o").filter(|d| all_digits(d, 8)) {
        return Some(Scalar::Number(parse_radix(digits, 8), NumberFormat::Octal));
    }
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    if all_digits(unsigned, 10) {
        // parseInt(text, 10): the nearest double, `-0` kept.
        return text.parse::<f64>().ok().map(|n| Scalar::Number(n, NumberFormat::Decimal));
    }
    let digits = text.strip_prefix("0x").filter(|d| all_digits(d, 16))?;
    Some(Scalar::Number(parse_radix(digits, 16), NumberFormat::Hex))
}

/// `parseInt(digits, radix)` for radix 8 or 16: the exact integer rounded to the nearest double.
fn parse_radix(digits: &str, radix: u32) -> f64 {
    let bits = if radix == 16 { 4 } else { 3 };
    let mut value: u128 = 0;
    let mut dropped_bits = 0i32;
    let mut dropped_nonzero = false;
    for c in digits.chars() {
        let digit = c.to_digit(radix).unwrap_or(0) as u128;
        if value >> (128 - bits) == 0 {
            value = (value << bits) | digit;
        } else {
            dropped_bits += bits;
            dropped_nonzero |= digit != 0;
        }
    }
    // Far below the 53 bits kept: a sticky bit makes the conversion round as the full value would.
    if dropped_nonzero {
        value |= 1;
    }
    value as f64 * 2f64.powi(dropped_bits)
}

/// `.inf`/`.nan` forms, then `1e3` forms, then `1.5` forms.
fn float(text: &str) -> Option<Scalar> {
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    if matches!(unsigned, ".inf" | ".Inf" | ".INF") {
        let n = if text.starts_with('-') { f64::NEG_INFINITY } else { f64::INFINITY };
        return Some(Scalar::Number(n, NumberFormat::Special));
    }
    if matches!(text, ".nan" | ".NaN" | ".NAN") {
        return Some(Scalar::Number(f64::NAN, NumberFormat::Special));
    }
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(at) => (&unsigned[..at], Some(&unsigned[at + 1..])),
        None => (unsigned, None),
    };
    let (whole, fraction) = match mantissa.find('.') {
        Some(at) => (&mantissa[..at], Some(&mantissa[at + 1..])),
        None => (mantissa, None),
    };
    let whole_ok = whole.is_empty() || all_digits(whole, 10);
    let mantissa_ok = match fraction {
        // `.5`, `5.`, `5.25`; not `.`.
        Some(f) => whole_ok && (f.is_empty() || all_digits(f, 10)) && !(whole.is_empty() && f.is_empty()),
        // Without a point only the exponential form has a float (`1e3`); `1` is an integer.
        None => !whole.is_empty() && all_digits(whole, 10) && exponent.is_some(),
    };
    if !mantissa_ok {
        return None;
    }
    let format = match exponent {
        Some(e) => {
            let digits = e.strip_prefix(['-', '+']).unwrap_or(e);
            if !all_digits(digits, 10) {
                return None;
            }
            NumberFormat::Exponential
        }
        None => {
            let min_digits = if text.ends_with('0') { fraction.map_or(0, str::len) } else { 0 };
            NumberFormat::Fraction { min_digits }
        }
    };
    text.parse::<f64>().ok().map(|n| Scalar::Number(n, format))
}

/// `Buffer.from(text, 'base64')` as Node.js decodes it: characters outside the (standard or
/// URL-safe) alphabet are skipped, the first `=` ends the data, a lone trailing character is
/// dropped.
pub(super) fn base64_bytes(text: &str) -> Vec<u8> {
    let mut bits: u32 = 0;
    let mut count = 0;
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    for c in text.chars() {
        let value = match c {
            'A'..='Z' => c as u32 - 'A' as u32,
            'a'..='z' => c as u32 - 'a' as u32 + 26,
            '0'..='9' => c as u32 - '0' as u32 + 52,
            '+' | '-' => 62,
            '/' | '_' => 63,
            '=' => break,
            _ => continue,
        };
        bits = (bits << 6) | value;
        count += 1;
        if count == 4 {
            out.extend_from_slice(&[(bits >> 16) as u8, (bits >> 8) as u8, bits as u8]);
            bits = 0;
            count = 0;
        }
    }
    match count {
        2 => out.push((bits >> 4) as u8),
        3 => out.extend_from_slice(&[(bits >> 10) as u8, (bits >> 2) as u8]),
        _ => {}
    }
    out
}

/// `!!timestamp` (YAML 1.1's type, which `yaml` knows by name): `yyyy-m-d`, optionally with a
/// time and a zone, as `Date.UTC` computes it; `Err` when the text is not a date, `Ok(None)` for
/// a date out of JavaScript's range.
fn timestamp(text: &str) -> Result<Option<f64>, String> {
    let refused = || "!!timestamp expects a date, starting with yyyy-mm-dd".to_string();
    let (year, s) = digits(text, 4, 4).ok_or_else(refused)?;
    let s = s.strip_prefix('-').ok_or_else(refused)?;
    let (month, s) = digits(s, 1, 2).ok_or_else(refused)?;
    let s = s.strip_prefix('-').ok_or_else(refused)?;
    let (day, time) = digits(s, 1, 2).ok_or_else(refused)?;
    let (mut hour, mut minute, mut second, mut millis, mut zone_minutes) = (0.0, 0.0, 0.0, 0.0, 0.0);
    if !time.is_empty() {
        // `t`, `T` or blanks between date and time.
        let s = match time.strip_prefix(['t', 'T']) {
            Some(s) => s,
            None => time.trim_start_matches([' ', '\t']),
        };
        if s.len() == time.len() {
            return Err(refused());
        }
        let (h, s) = digits(s, 1, 2).ok_or_else(refused)?;
        let s = s.strip_prefix(':').ok_or_else(refused)?;
        let (m, s) = digits(s, 1, 2).ok_or_else(refused)?;
        let s = s.strip_prefix(':').ok_or_else(refused)?;
        let (sec, mut s) = digits(s, 1, 2).ok_or_else(refused)?;
        if let Some(after) = s.strip_prefix('.') {
            let len = after.bytes().take_while(u8::is_ascii_digit).count();
            if len == 0 {
                return Err(refused());
            }
            // The first three digits of the fraction, padded: `.1` is 100 ms.
            let padded = format!("{}00", &after[..len]);
            millis = padded[..3].parse::<f64>().unwrap_or(0.0);
            s = &after[len..];
        }
        if !s.is_empty() {
            let zone = s.trim_start_matches([' ', '\t']);
            if zone != "Z" {
                zone_minutes = zone_offset(zone).ok_or_else(refused)?;
            }
        }
        (hour, minute, second) = (h, m, sec);
    }
    let date = date_utc(year, month - 1.0, day, hour, minute, second, millis).map(|ms| ms - 60_000.0 * zone_minutes);
    Ok(date.filter(|ms| ms.abs() <= 8.64e15))
}

/// Up to `max` (at least `min`) ASCII digits at the start of `s` as a number, and the rest.
fn digits(s: &str, min: usize, max: usize) -> Option<(f64, &str)> {
    let len = s.bytes().take(max).take_while(u8::is_ascii_digit).count();
    if len < min {
        return None;
    }
    Some((s[..len].parse().ok()?, &s[len..]))
}

/// A zone as `yaml` reads it (`[-+][012]?[0-9](:[0-9]{2})?`, sexagesimal): minutes east of
/// UTC, a value under 30 being hours.
fn zone_offset(zone: &str) -> Option<f64> {
    let negative = zone.starts_with('-');
    let body = zone.strip_prefix(['-', '+'])?;
    let two = body.len() >= 2 && body.as_bytes()[0].is_ascii_digit() && body.as_bytes()[1].is_ascii_digit();
    let hour_len = if two && matches!(body.as_bytes()[0], b'0'..=b'2') { 2 } else { 1 };
    let (hours, rest) = digits(body, hour_len, hour_len)?;
    let value = match rest {
        "" => hours,
        _ => {
            let minutes = rest.strip_prefix(':').filter(|m| m.len() == 2)?;
            hours * 60.0 + digits(minutes, 2, 2)?.0
        }
    };
    let minutes = if value < 30.0 { value * 60.0 } else { value };
    Some(if negative { -minutes } else { minutes })
}

/// `Date.UTC(year, month, day, hour, minute, second, ms)` (ECMAScript MakeDay/MakeTime:
/// months overflow into years, two-digit years are 19xx, fractions truncated).
fn date_utc(year: f64, month: f64, day: f64, hour: f64, minute: f64, second: f64, ms: f64) -> Option<f64> {
    let year = if (0.0..=99.0).contains(&year) { 1900.0 + year } else { year };
    let ym = year + (month / 12.0).floor();
    let mn = month.rem_euclid(12.0);
    let days = calendar::days_from_civil(ym as i64, mn as i64 + 1, 1) as f64 + day - 1.0;
    let time = hour.trunc() * 3_600_000.0 + minute.trunc() * 60_000.0 + second.trunc() * 1000.0 + ms.trunc();
    let value = days * 86_400_000.0 + time;
    value.is_finite().then_some(value)
}

/// `Date.prototype.toISOString` of a valid time value.
pub(super) fn iso_date(ms: f64) -> String {
    let days = (ms / 86_400_000.0).floor();
    let mut rest = ms - days * 86_400_000.0;
    let (year, month, day) = calendar::civil_from_days(days as i64);
    let hour = (rest / 3_600_000.0).floor();
    rest -= hour * 3_600_000.0;
    let minute = (rest / 60_000.0).floor();
    rest -= minute * 60_000.0;
    let second = (rest / 1000.0).floor();
    let millis = rest - second * 1000.0;
    let year_text = if (0..=9999).contains(&year) {
        format!("{year:04}")
    } else if year < 0 {
        format!("-{:06}", -year)
    } else {
        format!("+{year:06}")
    };
    format!("{year_text}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}.{millis:03}Z")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn number(text: &str) -> f64 {
        match by_pattern(text) {
            Scalar::Number(n, _) => n,
            other => panic!("{text} is {other:?}"),
        }
    }

    #[test]
    fn core_schema_patterns() {
        for text in ["", "~", "null", "Null", "NULL"] {
            assert_eq!(by_pattern(text), Scalar::Null, "{text}");
        }
        for text in
            ["yes", "No", "on", "nULL", "tRue", "0b101", "1_000", "0o8", "0xg", "1e", ".", "+", "190:20:30", "- 1"]
        {
            assert_eq!(by_pattern(text), Scalar::Text, "{text}");
        }
        assert_eq!(by_pattern("True"), Scalar::Bool(true));
        assert_eq!(number("0o17"), 15.0);
        assert_eq!(number("0x1F"), 31.0);
        assert_eq!(number("007"), 7.0);
        assert_eq!(number("+12"), 12.0);
        assert_eq!(number("5."), 5.0);
        assert_eq!(number(".5"), 0.5);
        assert_eq!(number("1.e3"), 1000.0);
        assert!(number("-.Inf").is_infinite() && number(".NaN").is_nan());
        assert_eq!(number("12345678901234567890"), 12345678901234567890.0);
        assert_eq!(number("0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF"), 2f64.powi(144));
        assert_eq!(by_pattern("1.50"), Scalar::Number(1.5, NumberFormat::Fraction { min_digits: 2 }));
    }

    #[test]
    fn explicit_tags() {
        let r = |text: &str, plain: bool, tag: &str| resolve(text, plain, Some(tag)).unwrap();
        assert_eq!(r("1", true, "tag:yaml.org,2002:str").scalar, Scalar::Text);
        assert_eq!(r("2", false, "tag:yaml.org,2002:int").scalar, Scalar::Number(2.0, NumberFormat::Decimal));
        let float = r("1", true, "tag:yaml.org,2002:float");
        assert_eq!((float.scalar, float.unresolved_tag.as_deref()), (Scalar::Text, Some("tag:yaml.org,2002:float")));
        assert_eq!(r("x", true, "!custom").unresolved_tag.as_deref(), Some("!custom"));
        assert_eq!(r("x", true, "!").scalar, Scalar::Text);
        assert!(resolve("soon", true, Some("tag:yaml.org,2002:timestamp")).is_err());
    }

    #[test]
    fn base64_as_node_decodes_it() {
        assert_eq!(base64_bytes("aGVsbG8="), b"hello");
        assert_eq!(base64_bytes("aGVs bG8"), b"hello");
        assert_eq!(base64_bytes("abc"), vec![105, 183]);
        assert_eq!(base64_bytes("a-_b"), vec![107, 239, 219]);
        assert_eq!(base64_bytes("a=b"), Vec::<u8>::new());
        assert_eq!(base64_bytes("!!!aGk=aGk="), b"hi");
    }

    #[test]
    fn timestamps_follow_date_utc() {
        let ts = |text: &str| match resolve(text, true, Some("tag:yaml.org,2002:timestamp")).unwrap().scalar {
            Scalar::Timestamp(ms) => ms.map(iso_date),
            other => panic!("{other:?}"),
        };
        assert_eq!(ts("2001-12-14").as_deref(), Some("2001-12-14T00:00:00.000Z"));
        assert_eq!(ts("2001-12-14t21:59:43.10-05:00").as_deref(), Some("2001-12-15T02:59:43.100Z"));
        assert_eq!(ts("2002-12-14 21:59:43.10 -5").as_deref(), Some("2002-12-15T02:59:43.100Z"));
        assert_eq!(ts("0050-13-01").as_deref(), Some("1951-01-01T00:00:00.000Z"));
    }
}
