//! The JavaScript methods a template may call on its values (Nunjitsu's closed allow-list):
//! string, number, array and regex methods, plus the Jinja-style record and list methods that
//! cookiecutter mode adds. Indices count UTF-16 code units, as in JavaScript.

use super::eval::{err, join_bounded, BoundedText, EvalError};
use super::value::{is_js_whitespace, number_to_string, Value};
use crate::jsregex::JsRegex;

type Result<T> = std::result::Result<T, EvalError>;

const STRING: &[&str] = &[
    "charAt",
    "charCodeAt",
    "concat",
    "endsWith",
    "includes",
    "indexOf",
    "lastIndexOf",
    "replace",
    "slice",
    "split",
    "startsWith",
    "substring",
    "toLowerCase",
    "toUpperCase",
    "trim",
    "trimEnd",
    "trimStart",
];
const NUMBER: &[&str] = &["toExponential", "toFixed", "toPrecision", "toString"];
const ARRAY: &[&str] = &[
    "at",
    "concat",
    "copyWithin",
    "fill",
    "flat",
    "includes",
    "indexOf",
    "join",
    "lastIndexOf",
    "pop",
    "push",
    "reverse",
    "shift",
    "slice",
    "sort",
    "splice",
    "unshift",
];
const JINJA_ARRAY: &[&str] = &["append", "count", "find", "index", "insert", "remove"];
const JINJA_RECORD: &[&str] = &["get", "has_key", "items", "keys", "values"];

/// Methods that change their receiver: a template using one gets its own copy of the context.
pub const MUTATING: &[&str] = &[
    "append",
    "copyWithin",
    "fill",
    "insert",
    "pop",
    "push",
    "remove",
    "reverse",
    "shift",
    "sort",
    "splice",
    "unshift",
];

/// Whether `value.name` is a callable method.
pub fn exists(value: &Value, name: &str, cookiecutter: bool) -> bool {
    match value {
        Value::Str(_) | Value::Safe(_) => STRING.contains(&name),
        Value::Number(_) => NUMBER.contains(&name),
        Value::Array(_) => ARRAY.contains(&name) || (cookiecutter && JINJA_ARRAY.contains(&name)),
        Value::Object(_) => cookiecutter && JINJA_RECORD.contains(&name),
        Value::Regex(_) => name == "test",
        Value::Callable(c) => {
            matches!(&**c, super::callable::Callable::Cycler { .. }) && (name == "next" || name == "reset")
        }
        _ => false,
    }
}

fn arg(args: &[Value], i: usize) -> Value {
    args.get(i).cloned().unwrap_or(Value::Undefined)
}

/// ToIntegerOrInfinity.
fn integer(v: &Value) -> f64 {
    let n = v.to_number();
    if n.is_nan() {
        0.0
    } else {
        n.trunc()
    }
}

/// A relative index (negative counts from the end) clamped to `0..=len`.
fn relative(v: &Value, len: usize, default: f64) -> usize {
    let n = if v.is_undefined() { default } else { integer(v) };
    let len_f = len as f64;
    let i = if n < 0.0 { (len_f + n).max(0.0) } else { n.min(len_f) };
    i as usize
}

fn clamp(v: &Value, len: usize, default: f64) -> usize {
    let n = if v.is_undefined() { default } else { integer(v) };
    n.max(0.0).min(len as f64) as usize
}

fn utf16(s: &str) -> Vec<u16> {
    s.encode_utf16().collect()
}

fn from_utf16(units: &[u16]) -> Value {
    Value::str(String::from_utf16_lossy(units))
}

fn find_units(haystack: &[u16], needle: &[u16], from: usize) -> Option<usize> {
    if needle.is_empty() {
        return Some(from.min(haystack.len()));
    }
    (from..=haystack.len().saturating_sub(needle.len())).find(|&i| haystack[i..].starts_with(needle))
}

/// Calls method `name` of `receiver`; text it builds is bounded by `max_bytes` (the scratch limit).
pub fn call(receiver: &Value, name: &str, args: &[Value], cookiecutter: bool, max_bytes: usize) -> Result<Value> {
    match receiver {
        Value::Str(s) | Value::Safe(s) => string_method(s, name, args, max_bytes),
        Value::Number(n) => number_method(*n, name, args),
        Value::Array(_) => array_method(receiver, name, args, cookiecutter, max_bytes),
        Value::Object(entries) => {
            let key = arg(args, 0).to_js_string();
            Ok(match name {
                "get" => entries.get(key.as_str()).cloned().unwrap_or_else(|| arg(args, 1)),
                "has_key" => Value::Bool(entries.contains_key(key.as_str())),
                "keys" => Value::array(entries.keys().map(|k| Value::Str(k.clone())).collect()),
                "values" => Value::array(entries.values().cloned().collect()),
                "items" => Value::array(
                    entries.iter().map(|(k, v)| Value::array(vec![Value::Str(k.clone()), v.clone()])).collect(),
                ),
                _ => return Err(err(format!("unknown method `{name}`"))),
            })
        }
        Value::Regex(regex) => {
            let text = arg(args, 0).to_js_string();
            Ok(Value::Bool(if regex.sticky() {
                regex.regex.find(&text).is_some_and(|m| m.start() == 0)
            } else {
                regex.regex.is_match(&text)
            }))
        }
        Value::Callable(callable) => match &**callable {
            super::callable::Callable::Cycler { items, index, current } => {
                if name == "reset" {
                    index.set(-1);
                    *current.borrow_mut() = Value::Null;
                    return Ok(Value::Undefined);
                }
                let value = if items.is_empty() {
                    Value::Undefined
                } else {
                    let next = (index.get() + 1) % items.len() as isize;
                    index.set(next);
                    items[next as usize].clone()
                };
                *current.borrow_mut() = value.clone();
                Ok(value)
            }
            _ => Err(err(format!("unknown method `{name}`"))),
        },
        _ => Err(err(format!("unknown method `{name}`"))),
    }
}

fn string_method(s: &str, name: &str, args: &[Value], max_bytes: usize) -> Result<Value> {
    let first = arg(args, 0);
    let second = arg(args, 1);
    Ok(match name {
        "toLowerCase" => Value::str(s.to_lowercase()),
        "toUpperCase" => Value::str(s.to_uppercase()),
        "trim" => Value::str(s.trim_matches(is_js_whitespace)),
        "trimStart" => Value::str(s.trim_start_matches(is_js_whitespace)),
        "trimEnd" => Value::str(s.trim_end_matches(is_js_whitespace)),
        "concat" => {
            let mut out = BoundedText::new(max_bytes);
            out.push(s)?;
            for a in args {
                out.push(&a.to_js_string())?;
            }
            Value::str(out.text)
        }
        "replace" => {
            let replacement = second.to_js_string();
            match &first {
                Value::Regex(regex) => Value::str(regex_replace(s, regex, &replacement, max_bytes)?),
                other => {
                    let needle = other.to_js_string();
                    match s.find(&needle) {
                        Some(at) => {
                            let matched = &s[at..at + needle.len()];
                            let mut out = BoundedText::new(max_bytes);
                            out.push(&s[..at])?;
                            expand_replacement(&replacement, s, at, matched, &[], &[], &mut out)?;
                            out.push(&s[at + needle.len()..])?;
                            Value::str(out.text)
                        }
                        None => Value::str(s),
                    }
                }
            }
        }
        "split" => {
            let limit =
                if second.is_undefined() { u32::MAX as usize } else { (integer(&second) as i64 as u32) as usize };
            let parts: Vec<Value> = match &first {
                Value::Undefined => vec![Value::str(s)],
                Value::Regex(regex) => regex_split(s, regex),
                other => {
                    let sep = other.to_js_string();
                    if sep.is_empty() {
                        super::value::code_units(s)
                    } else {
                        s.split(sep.as_str()).map(Value::str).collect()
                    }
                }
            };
            Value::array(parts.into_iter().take(limit).collect())
        }
        _ => {
            let units = utf16(s);
            let len = units.len();
            match name {
                "includes" | "startsWith" | "endsWith" | "indexOf" | "lastIndexOf" => {
                    if matches!(first, Value::Regex(_)) && name != "indexOf" && name != "lastIndexOf" {
                        return Err(err(format!("`{name}` cannot take a regular expression")));
                    }
                    let needle = utf16(&first.to_js_string());
                    match name {
                        "includes" => Value::Bool(find_units(&units, &needle, clamp(&second, len, 0.0)).is_some()),
                        "startsWith" => {
                            let from = clamp(&second, len, 0.0);
                            Value::Bool(units[from..].starts_with(&needle))
                        }
                        "endsWith" => {
                            let end = clamp(&second, len, len as f64);
                            Value::Bool(units[..end].ends_with(&needle))
                        }
                        "indexOf" => Value::Number(
                            find_units(&units, &needle, clamp(&second, len, 0.0)).map_or(-1.0, |i| i as f64),
                        ),
                        _ => {
                            let from = if second.to_number().is_nan() { len } else { clamp(&second, len, len as f64) };
                            let last = (0..=from.min(len.saturating_sub(needle.len())))
                                .rev()
                                .find(|&i| units[i..].starts_with(&needle) && i + needle.len() <= len);
                            Value::Number(last.map_or(-1.0, |i| i as f64))
                        }
                    }
                }
                "slice" => {
                    let start = relative(&first, len, 0.0);
                    let end = relative(&second, len, len as f64);
                    from_utf16(if start < end { &units[start..end] } else { &[] })
                }
                "substring" => {
                    let a = clamp(&first, len, 0.0);
                    let b = clamp(&second, len, len as f64);
                    from_utf16(&units[a.min(b)..a.max(b)])
                }
                "charAt" => {
                    let i = integer(&first);
                    if i < 0.0 || i >= len as f64 {
                        Value::str("")
                    } else {
                        from_utf16(&units[i as usize..i as usize + 1])
                    }
                }
                "charCodeAt" => {
                    let i = integer(&first);
                    if i < 0.0 || i >= len as f64 {
                        Value::Number(f64::NAN)
                    } else {
                        Value::Number(f64::from(units[i as usize]))
                    }
                }
                _ => return Err(err(format!("unknown string method `{name}`"))),
            }
        }
    })
}

fn number_method(n: f64, name: &str, args: &[Value]) -> Result<Value> {
    let digits = arg(args, 0);
    Ok(match name {
        "toString" => {
            let radix = if digits.is_undefined() { 10.0 } else { integer(&digits) };
            if !(2.0..=36.0).contains(&radix) {
                return Err(err("toString() radix must be between 2 and 36"));
            }
            if radix == 10.0 || !n.is_finite() {
                Value::str(number_to_string(n))
            } else {
                Value::str(radix_string(n, radix as u32))
            }
        }
        "toFixed" => {
            let d = integer(&digits);
            if !(0.0..=100.0).contains(&d) {
                return Err(err("toFixed() digits must be between 0 and 100"));
            }
            if !n.is_finite() || n.abs() >= 1e21 {
                Value::str(number_to_string(n))
            } else {
                Value::str(format!("{:.*}", d as usize, n))
            }
        }
        "toPrecision" => {
            if digits.is_undefined() || !n.is_finite() {
                return Ok(Value::str(number_to_string(n)));
            }
            let p = integer(&digits);
            if !(1.0..=100.0).contains(&p) {
                return Err(err("toPrecision() precision must be between 1 and 100"));
            }
            let p = p as usize;
            if n == 0.0 {
                return Ok(Value::str(if p == 1 { "0".to_string() } else { format!("0.{}", "0".repeat(p - 1)) }));
            }
            let e = n.abs().log10().floor() as i32;
            let formatted = format!("{:.*e}", p - 1, n);
            let (mantissa, exp) = formatted.split_once('e').unwrap_or((&formatted, "0"));
            let exp: i32 = exp.parse().unwrap_or(e);
            if exp < -6 || exp >= p as i32 {
                Value::str(format!("{mantissa}e{}{}", if exp >= 0 { "+" } else { "-" }, exp.abs()))
            } else {
                Value::str(format!("{:.*}", (p as i32 - 1 - exp).max(0) as usize, n))
            }
        }
        "toExponential" => {
            if !n.is_finite() {
                return Ok(Value::str(number_to_string(n)));
            }
            let formatted = if digits.is_undefined() {
                format!("{n:e}")
            } else {
                let d = integer(&digits);
                if !(0.0..=100.0).contains(&d) {
                    return Err(err("toExponential() digits must be between 0 and 100"));
                }
                format!("{:.*e}", d as usize, n)
            };
            let (mantissa, exp) = formatted.split_once('e').unwrap_or((&formatted, "0"));
            let exp: i32 = exp.parse().unwrap_or(0);
            Value::str(format!("{mantissa}e{}{}", if exp >= 0 { "+" } else { "-" }, exp.abs()))
        }
        _ => return Err(err(format!("unknown number method `{name}`"))),
    })
}

/// `Number.prototype.toString(radix)` for radix ≠ 10: the shortest digits that read back to
/// the same number, as JavaScript engines print them (fraction digits until the remaining
/// error is below half an ulp, rounding half to even).
fn radix_string(value: f64, radix: u32) -> String {
    const DIGITS: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let negative = value < 0.0;
    let value = value.abs();
    let mut integer = value.floor();
    let mut fraction = value - integer;
    let next_up = f64::from_bits(value.to_bits() + 1);
    let mut delta = (0.5 * (next_up - value)).max(f64::from_bits(1));
    let base = f64::from(radix);
    let mut fraction_digits: Vec<u32> = Vec::new();
    if fraction >= delta {
        loop {
            fraction *= base;
            delta *= base;
            let digit = fraction as u32;
            fraction_digits.push(digit);
            fraction -= f64::from(digit);
            if (fraction > 0.5 || (fraction == 0.5 && digit & 1 == 1)) && fraction + delta > 1.0 {
                // Round up, carrying into earlier digits (or the integer part).
                loop {
                    match fraction_digits.pop() {
                        None => {
                            integer += 1.0;
                            break;
                        }
                        Some(d) if d + 1 < radix => {
                            fraction_digits.push(d + 1);
                            break;
                        }
                        Some(_) => {}
                    }
                }
                break;
            }
            if fraction < delta || fraction_digits.len() > 1100 {
                break;
            }
        }
    }
    let mut integer_digits: Vec<u8> = Vec::new();
    // Above 2^53 the low digits carry no information: JavaScript prints zeros there.
    while integer / base >= 9_007_199_254_740_992.0 {
        integer_digits.push(b'0');
        integer /= base;
    }
    loop {
        let remainder = integer % base;
        integer_digits.push(DIGITS[remainder as usize]);
        integer = (integer - remainder) / base;
        if integer <= 0.0 {
            break;
        }
    }
    let mut out = String::new();
    if negative {
        out.push('-');
    }
    out.extend(integer_digits.iter().rev().map(|&b| b as char));
    if !fraction_digits.is_empty() {
        out.push('.');
        out.extend(fraction_digits.iter().map(|&d| DIGITS[d as usize] as char));
    }
    out
}

fn array_method(receiver: &Value, name: &str, args: &[Value], cookiecutter: bool, max_bytes: usize) -> Result<Value> {
    let Value::Array(cell) = receiver else { return Err(err("not an array")) };
    let first = arg(args, 0);
    let second = arg(args, 1);
    let len = cell.borrow().len();
    Ok(match name {
        "at" => {
            let i = integer(&first);
            let i = if i < 0.0 { len as f64 + i } else { i };
            if i < 0.0 || i >= len as f64 {
                Value::Undefined
            } else {
                cell.borrow()[i as usize].clone()
            }
        }
        "concat" => {
            let mut items = cell.borrow().clone();
            for a in args {
                match a {
                    Value::Array(other) => items.extend(other.borrow().iter().cloned()),
                    other => items.push(other.clone()),
                }
            }
            Value::array(items)
        }
        "flat" => {
            let depth = if first.is_undefined() { 1.0 } else { integer(&first) };
            Value::array(flatten(&cell.borrow(), depth))
        }
        "includes" => {
            let from = relative(&second, len, 0.0);
            Value::Bool(cell.borrow()[from..].iter().any(|v| v.same_value_zero(&first)))
        }
        "indexOf" | "index" | "find" => {
            let from = if name == "indexOf" { relative(&second, len, 0.0) } else { 0 };
            let found = cell.borrow()[from..].iter().position(|v| v.strict_equals(&first));
            Value::Number(found.map_or(-1.0, |i| (i + from) as f64))
        }
        "lastIndexOf" => {
            let from = if second.is_undefined() { len as f64 - 1.0 } else { integer(&second) };
            let from = if from < 0.0 { len as f64 + from } else { from.min(len as f64 - 1.0) };
            let items = cell.borrow();
            let found =
                (0..=(from.max(-1.0) as i64)).rev().find(|&i| i >= 0 && items[i as usize].strict_equals(&first));
            Value::Number(found.map_or(-1.0, |i| i as f64))
        }
        "join" => {
            let separator = if first.is_undefined() { ",".to_string() } else { first.to_js_string() };
            let items = cell.borrow();
            let parts: Vec<String> =
                items.iter().map(|v| if v.is_nullish() { String::new() } else { v.to_js_string() }).collect();
            Value::str(join_bounded(&parts, &separator, max_bytes)?)
        }
        "slice" => {
            let start = relative(&first, len, 0.0);
            let end = relative(&second, len, len as f64);
            Value::array(if start < end { cell.borrow()[start..end].to_vec() } else { Vec::new() })
        }
        "count" if cookiecutter => {
            Value::Number(cell.borrow().iter().filter(|v| v.strict_equals(&first)).count() as f64)
        }
        "push" | "append" => {
            let mut items = cell.borrow_mut();
            items.extend(args.iter().cloned());
            if name == "append" {
                Value::Undefined
            } else {
                Value::Number(items.len() as f64)
            }
        }
        "pop" => cell.borrow_mut().pop().unwrap_or(Value::Undefined),
        "shift" => {
            let mut items = cell.borrow_mut();
            if items.is_empty() {
                Value::Undefined
            } else {
                items.remove(0)
            }
        }
        "unshift" => {
            let mut items = cell.borrow_mut();
            for (i, a) in args.iter().enumerate() {
                items.insert(i, a.clone());
            }
            Value::Number(items.len() as f64)
        }
        "insert" => {
            let mut items = cell.borrow_mut();
            let at = relative(&first, items.len(), 0.0);
            items.insert(at, second);
            Value::Undefined
        }
        "remove" => {
            let mut items = cell.borrow_mut();
            match items.iter().position(|v| v.strict_equals(&first)) {
                Some(i) => {
                    items.remove(i);
                    Value::Undefined
                }
                None => return Err(err("list.remove(x): x not in list")),
            }
        }
        "reverse" => {
            cell.borrow_mut().reverse();
            receiver.clone()
        }
        "sort" => {
            if !first.is_undefined() {
                return Err(err("sort() cannot take a comparison function here"));
            }
            let mut items = cell.borrow_mut();
            // JavaScript's default sort: undefined last, the rest by their string form.
            crate::sort::sort_by(&mut items, |a, b| match (a.is_undefined(), b.is_undefined()) {
                (true, true) => std::cmp::Ordering::Equal,
                (true, false) => std::cmp::Ordering::Greater,
                (false, true) => std::cmp::Ordering::Less,
                _ => super::value::compare_code_units(&a.to_js_string(), &b.to_js_string()),
            });
            drop(items);
            receiver.clone()
        }
        "splice" => {
            let mut items = cell.borrow_mut();
            let start = relative(&first, len, 0.0);
            let count = if args.len() < 2 { len - start } else { clamp(&second, len - start, 0.0) };
            let removed: Vec<Value> = items.splice(start..start + count, args.iter().skip(2).cloned()).collect();
            Value::array(removed)
        }
        "fill" => {
            let mut items = cell.borrow_mut();
            let start = relative(&second, len, 0.0);
            let end = relative(&arg(args, 2), len, len as f64);
            for item in items.iter_mut().take(end).skip(start) {
                *item = first.clone();
            }
            drop(items);
            receiver.clone()
        }
        "copyWithin" => {
            let mut items = cell.borrow_mut();
            let target = relative(&first, len, 0.0);
            let start = relative(&second, len, 0.0);
            let end = relative(&arg(args, 2), len, len as f64);
            let count = end.saturating_sub(start).min(len - target);
            let copied: Vec<Value> = items[start..start + count].to_vec();
            for (i, v) in copied.into_iter().enumerate() {
                items[target + i] = v;
            }
            drop(items);
            receiver.clone()
        }
        _ => return Err(err(format!("unknown array method `{name}`"))),
    })
}

/// `items.flat(depth)`, walking nested arrays within the bounds of [`super::walk`].
fn flatten(items: &[Value], depth: f64) -> Vec<Value> {
    let mut out = Vec::new();
    flatten_into(items, depth, 1, &mut out);
    out
}

fn flatten_into(items: &[Value], depth: f64, level: usize, out: &mut Vec<Value>) {
    for item in items {
        if !super::walk::step(level) {
            return;
        }
        match item {
            Value::Array(inner) if depth >= 1.0 => flatten_into(&inner.borrow(), depth - 1.0, level + 1, out),
            other => out.push(other.clone()),
        }
    }
}

/// `text.replace(regex, replacement)`: the first match, or every match with the `g` flag.
/// `text.replace(regex, replacement)`, the result bounded by `max_bytes`.
pub fn regex_replace(text: &str, regex: &JsRegex, replacement: &str, max_bytes: usize) -> Result<String> {
    let mut out = BoundedText::new(max_bytes);
    let mut last = 0;
    let names: Vec<Option<&str>> = regex.regex.capture_names().collect();
    for caps in regex.regex.captures_iter(text) {
        let Some(whole) = caps.get(0) else { continue };
        if regex.sticky() && whole.start() != last {
            break;
        }
        out.push(&text[last..whole.start()])?;
        let groups: Vec<Option<&str>> = (1..caps.len()).map(|i| caps.get(i).map(|m| m.as_str())).collect();
        let named: Vec<(&str, Option<&str>)> =
            names.iter().enumerate().filter_map(|(i, n)| n.map(|n| (n, caps.get(i).map(|m| m.as_str())))).collect();
        expand_replacement(replacement, text, whole.start(), whole.as_str(), &groups, &named, &mut out)?;
        last = whole.end();
        if !regex.global() {
            break;
        }
    }
    out.push(&text[last..])?;
    Ok(out.text)
}

/// Expands `$$`, `$&`, `` $` ``, `$'`, `$1`…`$99` and `$<name>` in a replacement string.
fn expand_replacement(
    replacement: &str,
    text: &str,
    at: usize,
    matched: &str,
    groups: &[Option<&str>],
    named: &[(&str, Option<&str>)],
    out: &mut BoundedText,
) -> Result<()> {
    if !replacement.contains('$') {
        return out.push(replacement);
    }
    let bytes = replacement.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'$' || i + 1 >= bytes.len() {
            let ch = replacement[i..].chars().next().unwrap_or('$');
            out.push(&replacement[i..i + ch.len_utf8()])?;
            i += ch.len_utf8();
            continue;
        }
        let (piece, used) = match bytes[i + 1] {
            b'$' => ("$", 2),
            b'&' => (matched, 2),
            b'`' => (&text[..at], 2),
            b'\'' => (&text[at + matched.len()..], 2),
            b'0'..=b'9' => {
                let one = (bytes[i + 1] - b'0') as usize;
                let two = bytes.get(i + 2).filter(|b| b.is_ascii_digit()).map(|b| one * 10 + (b - b'0') as usize);
                if let Some(n) = two.filter(|n| *n >= 1 && *n <= groups.len()) {
                    (groups[n - 1].unwrap_or(""), 3)
                } else if one >= 1 && one <= groups.len() {
                    (groups[one - 1].unwrap_or(""), 2)
                } else {
                    ("$", 1)
                }
            }
            b'<' if !named.is_empty() => match replacement[i + 2..].find('>') {
                Some(end) => {
                    let name = &replacement[i + 2..i + 2 + end];
                    (named.iter().find(|(n, _)| *n == name).and_then(|(_, v)| *v).unwrap_or(""), end + 3)
                }
                None => ("$", 1),
            },
            _ => ("$", 1),
        };
        out.push(piece)?;
        i += used;
    }
    Ok(())
}

/// `text.split(regex)`: captured groups are spliced into the result, as in JavaScript.
fn regex_split(text: &str, regex: &JsRegex) -> Vec<Value> {
    if text.is_empty() {
        return if regex.regex.is_match("") { Vec::new() } else { vec![Value::str("")] };
    }
    let mut out = Vec::new();
    let mut last = 0;
    for caps in regex.regex.captures_iter(text) {
        let Some(whole) = caps.get(0) else { continue };
        if whole.end() == 0
            || whole.start() >= text.len()
            || (whole.start() == whole.end() && whole.start() == last && last == 0)
        {
            continue;
        }
        out.push(Value::str(&text[last..whole.start()]));
        for i in 1..caps.len() {
            out.push(caps.get(i).map_or(Value::Undefined, |m| Value::str(m.as_str())));
        }
        last = whole.end();
    }
    out.push(Value::str(&text[last..]));
    out
}
