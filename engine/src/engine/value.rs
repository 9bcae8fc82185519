//! Runtime values with JavaScript semantics, as Nunjitsu (and so Backstage) computes with them.
//!
//! Templates are JavaScript underneath: `1 + "1"` is `"11"`, `[] == ""` is true, `0.1 + 0.2`
//! prints `0.30000000000000004`. Every operator and conversion here follows ECMAScript's
//! abstract operations (ToPrimitive, ToNumber, ToString, loose and strict equality) over the
//! closed set of values a template can hold.

use std::cell::RefCell;
use std::hash::{BuildHasherDefault, Hasher};
use std::rc::Rc;

use indexmap::IndexMap;

use super::callable::Callable;
use super::walk;
use crate::jsregex::JsRegex;

/// A record's entries, in JavaScript property order (integer keys first, then insertion).
pub type Entries = IndexMap<Rc<str>, Value, BuildHasherDefault<Fnv>>;

/// FNV-1a, for maps keyed by short template-controlled strings (record keys, cached sources):
/// several times faster than SipHash there, and the maps are bounded by the render limits.
#[derive(Default)]
pub struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut hash = if self.0 == 0 { 0xcbf2_9ce4_8422_2325 } else { self.0 };
        for byte in bytes {
            hash ^= u64::from(*byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = hash;
    }
}

/// One template value.
#[derive(Clone, Debug)]
pub enum Value {
    Undefined,
    Null,
    Bool(bool),
    Number(f64),
    Str(Rc<str>),
    /// Text marked safe (`safe`, `escape`, macro output): always truthy, renders as is.
    Safe(Rc<str>),
    /// Arrays are mutable (`push`, `pop`…) and shared by reference, as in JavaScript.
    Array(Rc<RefCell<Vec<Value>>>),
    /// Records (plain objects); shared by reference.
    Object(Rc<Entries>),
    Regex(Rc<JsRegex>),
    Callable(Rc<Callable>),
}

impl Value {
    pub(crate) fn str(text: impl Into<Rc<str>>) -> Value {
        Value::Str(text.into())
    }

    pub(crate) fn array(items: Vec<Value>) -> Value {
        Value::Array(Rc::new(RefCell::new(items)))
    }

    /// A record from entries, reordered as JavaScript orders property keys.
    pub(crate) fn object(entries: Entries) -> Value {
        Value::Object(Rc::new(js_key_order(entries)))
    }

    pub fn is_undefined(&self) -> bool {
        matches!(self, Value::Undefined)
    }

    pub(crate) fn is_nullish(&self) -> bool {
        matches!(self, Value::Undefined | Value::Null)
    }

    /// `typeof`-like name used in messages.
    pub(crate) fn type_name(&self) -> &'static str {
        match self {
            Value::Undefined => "undefined",
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(_) => "number",
            Value::Str(_) | Value::Safe(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
            Value::Regex(_) => "regex",
            Value::Callable(_) => "function",
        }
    }

    /// The text of a string or safe string.
    pub(crate) fn as_text(&self) -> Option<&str> {
        match self {
            Value::Str(s) | Value::Safe(s) => Some(s),
            _ => None,
        }
    }

    /// JavaScript truthiness (`[]` and `{}` are true; a safe string always is).
    pub fn truthy(&self) -> bool {
        match self {
            Value::Undefined | Value::Null => false,
            Value::Bool(b) => *b,
            Value::Number(n) => *n != 0.0 && !n.is_nan(),
            Value::Str(s) => !s.is_empty(),
            _ => true,
        }
    }

    /// ToPrimitive: arrays join their items, records are `[object Object]`.
    pub(crate) fn to_primitive(&self) -> Value {
        match self {
            Value::Safe(s) => Value::Str(s.clone()),
            Value::Array(_) | Value::Object(_) | Value::Regex(_) | Value::Callable(_) => {
                Value::Str(self.to_js_string().into())
            }
            other => other.clone(),
        }
    }

    /// ToString (`String(v)`): `undefined`, `null`, `true`, `1e+21`, `a,b`, `[object Object]`.
    /// Nested arrays are walked within the bounds of [`walk`].
    pub fn to_js_string(&self) -> String {
        match self {
            Value::Undefined => "undefined".into(),
            Value::Null => "null".into(),
            Value::Bool(b) => b.to_string(),
            Value::Number(n) => number_to_string(*n),
            Value::Str(s) | Value::Safe(s) => s.to_string(),
            Value::Array(_) => {
                let mut out = String::new();
                self.join_into(1, &mut out);
                out
            }
            Value::Object(_) => "[object Object]".into(),
            Value::Regex(r) => r.to_string(),
            Value::Callable(_) => "function".into(),
        }
    }

    /// `Array.prototype.join(",")` of an array's items, `depth` containers down.
    fn join_into(&self, depth: usize, out: &mut String) {
        let Value::Array(items) = self else { return out.push_str(&self.to_js_string()) };
        for (i, item) in items.borrow().iter().enumerate() {
            if !walk::step(depth) {
                return;
            }
            if i > 0 {
                out.push(',');
            }
            match item {
                Value::Array(_) => item.join_into(depth + 1, out),
                Value::Undefined | Value::Null => {}
                other => out.push_str(&other.to_js_string()),
            }
        }
    }

    /// How `${{ v }}` prints a value: like ToString, but `undefined`/`null` print nothing.
    pub fn render(&self) -> String {
        match self {
            Value::Undefined | Value::Null => String::new(),
            other => other.to_js_string(),
        }
    }

    /// ToNumber.
    pub fn to_number(&self) -> f64 {
        match self {
            Value::Undefined => f64::NAN,
            Value::Null => 0.0,
            Value::Bool(b) => f64::from(u8::from(*b)),
            Value::Number(n) => *n,
            Value::Str(s) | Value::Safe(s) => string_to_number(s),
            other => string_to_number(&other.to_js_string()),
        }
    }

    /// Reference identity for containers, value identity for primitives (`===`).
    pub(crate) fn strict_equals(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Undefined, Value::Undefined) | (Value::Null, Value::Null) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Number(a), Value::Number(b)) => a == b,
            (Value::Str(a), Value::Str(b)) => a == b,
            (Value::Safe(a), Value::Safe(b)) => Rc::ptr_eq(a, b),
            (Value::Array(a), Value::Array(b)) => Rc::ptr_eq(a, b),
            (Value::Object(a), Value::Object(b)) => Rc::ptr_eq(a, b),
            (Value::Regex(a), Value::Regex(b)) => Rc::ptr_eq(a, b),
            (Value::Callable(a), Value::Callable(b)) => Rc::ptr_eq(a, b),
            _ => false,
        }
    }

    /// SameValueZero (`includes`): like `===` but NaN equals NaN.
    pub(crate) fn same_value_zero(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Number(a), Value::Number(b)) if a.is_nan() && b.is_nan() => true,
            _ => self.strict_equals(other),
        }
    }

    /// Abstract equality (`==`).
    pub fn loose_equals(&self, other: &Value) -> bool {
        if self.strict_equals(other) {
            return true;
        }
        let primitive = |v: &Value| !matches!(v, Value::Array(_) | Value::Object(_) | Value::Regex(_) | Value::Safe(_));
        if !primitive(self) && !primitive(other) {
            return false;
        }
        primitive_loose_equals(&self.to_primitive(), &other.to_primitive())
    }

    /// Relational comparison: `Some(ordering)`, or `None` when a side is NaN.
    pub(crate) fn compare(&self, other: &Value) -> Option<std::cmp::Ordering> {
        let (left, right) = (self.to_primitive(), other.to_primitive());
        if let (Value::Str(a), Value::Str(b)) = (&left, &right) {
            return Some(compare_code_units(a, b));
        }
        left.to_number().partial_cmp(&right.to_number())
    }

    /// `a + b`: string concatenation when either primitive is a string, else numeric addition.
    pub(crate) fn add(&self, other: &Value) -> Value {
        let (left, right) = (self.to_primitive(), other.to_primitive());
        if matches!(left, Value::Str(_)) || matches!(right, Value::Str(_)) {
            let mut text = left.to_js_string();
            text.push_str(&right.to_js_string());
            return Value::Str(text.into());
        }
        Value::Number(left.to_number() + right.to_number())
    }

    /// A property found on the value itself, as JavaScript reads it: a record's key, an array's
    /// index or `length`, a string's code unit or `length`. `None` when there is no such own
    /// property (a method of that name may still exist); an index past the end is `undefined`.
    pub(crate) fn own_property(&self, key: &str) -> Option<Value> {
        match self {
            Value::Object(entries) => entries.get(key).cloned(),
            Value::Array(items) if key == "length" => Some(Value::Number(items.borrow().len() as f64)),
            Value::Array(items) => array_index(key).map(|i| items.borrow().get(i).cloned().unwrap_or(Value::Undefined)),
            Value::Str(s) | Value::Safe(s) if key == "length" => Some(Value::Number(utf16_len(s) as f64)),
            Value::Str(s) | Value::Safe(s) => {
                array_index(key).map(|i| code_unit_at(s, i).map_or(Value::Undefined, Value::str))
            }
            _ => None,
        }
    }
}

/// A value a template builds can be nested as deep as its loops go (`{% set x = [x] %}`, or
/// arrays inside functions inside arrays); dropping it must not recurse once per level. The
/// containers only this value holds are emptied onto a stack, one level at a time.
impl Drop for Value {
    fn drop(&mut self) {
        if !self.holds_containers_alone() {
            return;
        }
        let mut pending = vec![std::mem::replace(self, Value::Undefined)];
        while let Some(mut value) = pending.pop() {
            value.move_contents_to(&mut pending);
            // `value` is dropped here with nothing left inside it.
        }
    }
}

impl Value {
    /// Whether dropping this value would drop a container inside another one.
    fn holds_containers_alone(&self) -> bool {
        let nested = |v: &Value| matches!(v, Value::Array(_) | Value::Object(_) | Value::Callable(_));
        match self {
            Value::Array(items) => Rc::strong_count(items) == 1 && items.borrow().iter().any(nested),
            Value::Object(entries) => Rc::strong_count(entries) == 1 && entries.values().any(nested),
            Value::Callable(callable) if Rc::strong_count(callable) == 1 => {
                let mut holds = false;
                callable.for_each_value(&mut |v| holds |= nested(v));
                holds
            }
            _ => false,
        }
    }

    /// Moves what only this value holds into `out`.
    fn move_contents_to(&mut self, out: &mut Vec<Value>) {
        match self {
            Value::Array(items) => {
                if let Some(items) = Rc::get_mut(items) {
                    out.append(items.get_mut());
                }
            }
            Value::Object(entries) => {
                if let Some(entries) = Rc::get_mut(entries) {
                    out.extend(entries.drain(..).map(|(_, v)| v));
                }
            }
            Value::Callable(callable) => {
                if let Some(callable) = Rc::get_mut(callable) {
                    callable.move_values_to(out);
                }
            }
            _ => {}
        }
    }
}

fn primitive_loose_equals(left: &Value, right: &Value) -> bool {
    if left.strict_equals(right) {
        return true;
    }
    match (left, right) {
        (Value::Undefined | Value::Null, Value::Undefined | Value::Null) => true,
        (Value::Undefined | Value::Null, _) | (_, Value::Undefined | Value::Null) => false,
        (Value::Bool(b), other) => primitive_loose_equals(&Value::Number(f64::from(u8::from(*b))), other),
        (other, Value::Bool(b)) => primitive_loose_equals(other, &Value::Number(f64::from(u8::from(*b)))),
        (Value::Number(n), Value::Str(s)) | (Value::Str(s), Value::Number(n)) => *n == string_to_number(s),
        _ => false,
    }
}

/// Orders strings by UTF-16 code units, as JavaScript's `<` does.
pub(crate) fn compare_code_units(a: &str, b: &str) -> std::cmp::Ordering {
    if a.is_ascii() && b.is_ascii() {
        return a.cmp(b);
    }
    a.encode_utf16().cmp(b.encode_utf16())
}

pub fn utf16_len(s: &str) -> usize {
    if s.is_ascii() {
        s.len()
    } else {
        s.encode_utf16().count()
    }
}

/// Reorders record entries as JavaScript enumerates own properties: canonical array indices
/// ascending, then the other keys in insertion order.
pub(crate) fn js_key_order(entries: Entries) -> Entries {
    if !entries.keys().any(|k| array_index(k).is_some()) {
        return entries;
    }
    let mut indexed: Vec<(usize, Rc<str>, Value)> = Vec::new();
    let mut named = Vec::new();
    for (key, value) in entries {
        match array_index(&key) {
            Some(i) => indexed.push((i, key, value)),
            None => named.push((key, value)),
        }
    }
    crate::sort::sort_by_key(&mut indexed, |(i, _, _)| *i);
    indexed.into_iter().map(|(_, k, v)| (k, v)).chain(named).collect()
}

/// A canonical array index (`"0"`, `"12"`, not `"012"` or `"1.5"`), below 2³² − 1 as in
/// JavaScript.
pub fn array_index(key: &str) -> Option<usize> {
    if key.is_empty() || key.len() > 10 || (key.len() > 1 && key.starts_with('0')) {
        return None;
    }
    if !key.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: u64 = key.parse().ok()?;
    (n < u64::from(u32::MAX)).then_some(n as usize)
}

/// The string's UTF-16 code units as one-unit strings (a lone surrogate half becomes U+FFFD).
pub(crate) fn code_units(s: &str) -> Vec<Value> {
    if s.is_ascii() {
        return s.chars().map(|c| Value::str(c.to_string())).collect();
    }
    s.encode_utf16().map(|u| Value::str(String::from_utf16_lossy(&[u]))).collect()
}

/// The UTF-16 code unit at `index`, as a one-unit string.
pub(crate) fn code_unit_at(s: &str, index: usize) -> Option<String> {
    if s.is_ascii() {
        return s.get(index..index + 1).map(str::to_string);
    }
    s.encode_utf16().nth(index).map(|u| String::from_utf16_lossy(&[u]))
}

/// JavaScript's whitespace for `trim` and ToNumber.
pub(crate) fn is_js_whitespace(c: char) -> bool {
    matches!(
        c,
        '\u{9}' | '\u{a}' | '\u{b}' | '\u{c}' | '\u{d}' | ' ' | '\u{a0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200a}' | '\u{2028}' | '\u{2029}' | '\u{202f}' | '\u{205f}' | '\u{3000}' | '\u{feff}'
    )
}

/// ToNumber on a string: trimmed, empty is 0, decimal/hex/octal/binary literals, `Infinity`.
pub fn string_to_number(text: &str) -> f64 {
    let s = text.trim_matches(is_js_whitespace);
    if s.is_empty() {
        return 0.0;
    }
    for (prefix, radix) in [("0x", 16), ("0X", 16), ("0o", 8), ("0O", 8), ("0b", 2), ("0B", 2)] {
        if let Some(digits) = s.strip_prefix(prefix) {
            if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
                return f64::NAN;
            }
            return digits
                .chars()
                .fold(0.0, |acc, c| acc * f64::from(radix) + f64::from(c.to_digit(radix).unwrap_or(0)));
        }
    }
    let unsigned = s.strip_prefix(['+', '-']).unwrap_or(s);
    if unsigned == "Infinity" {
        return if s.starts_with('-') { f64::NEG_INFINITY } else { f64::INFINITY };
    }
    if decimal_literal_len(unsigned) != Some(unsigned.len()) {
        return f64::NAN;
    }
    s.parse().unwrap_or(f64::NAN)
}

/// Length of the longest prefix of `s` that is a JavaScript decimal literal (no sign).
pub(crate) fn decimal_literal_len(s: &str) -> Option<usize> {
    let bytes = s.as_bytes();
    let mut i = 0;
    let int_digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
    i += int_digits;
    let mut frac_digits = 0;
    if bytes.get(i) == Some(&b'.') {
        frac_digits = bytes[i + 1..].iter().take_while(|b| b.is_ascii_digit()).count();
        if int_digits > 0 || frac_digits > 0 {
            i += 1 + frac_digits;
        }
    }
    if int_digits == 0 && frac_digits == 0 {
        return None;
    }
    if matches!(bytes.get(i), Some(b'e' | b'E')) {
        let mut j = i + 1;
        if matches!(bytes.get(j), Some(b'+' | b'-')) {
            j += 1;
        }
        let exp_digits = bytes[j.min(bytes.len())..].iter().take_while(|b| b.is_ascii_digit()).count();
        if exp_digits > 0 {
            i = j + exp_digits;
        }
    }
    Some(i)
}

/// `String(n)` for a number (ECMAScript Number::toString with radix 10).
pub fn number_to_string(n: f64) -> String {
    if n.is_nan() {
        return "NaN".into();
    }
    if n == 0.0 {
        return "0".into();
    }
    if n.is_infinite() {
        return if n > 0.0 { "Infinity".into() } else { "-Infinity".into() };
    }
    // Rust's `{:e}` gives the shortest digits that round-trip, as JavaScript requires.
    let formatted = format!("{:e}", n.abs());
    let (mantissa, exponent) = formatted.split_once('e').unwrap_or((&formatted, "0"));
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let k = digits.len() as i32;
    let point = exponent + 1;
    let mut out = String::new();
    if n < 0.0 {
        out.push('-');
    }
    if k <= point && point <= 21 {
        out.push_str(&digits);
        out.extend(std::iter::repeat_n('0', (point - k) as usize));
    } else if 0 < point && point <= 21 {
        out.push_str(&digits[..point as usize]);
        out.push('.');
        out.push_str(&digits[point as usize..]);
    } else if -6 < point && point <= 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', (-point) as usize));
        out.push_str(&digits);
    } else {
        out.push_str(&digits[..1]);
        if k > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        out.push('e');
        out.push(if point >= 1 { '+' } else { '-' });
        out.push_str(&(point - 1).abs().to_string());
    }
    out
}

// ----- JSON in and out ----------------------------------------------------------------------

impl Value {
    /// A JSON value as a template value (a copy: templates cannot change their context).
    pub fn from_json(json: &serde_json::Value) -> Value {
        match json {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(*b),
            serde_json::Value::Number(n) => Value::Number(n.as_f64().unwrap_or(f64::NAN)),
            serde_json::Value::String(s) => Value::Str(s.as_str().into()),
            serde_json::Value::Array(items) => Value::array(items.iter().map(Value::from_json).collect()),
            serde_json::Value::Object(map) => {
                Value::object(map.iter().map(|(k, v)| (Rc::from(k.as_str()), Value::from_json(v))).collect())
            }
        }
    }

    /// The value as JSON, as `JSON.parse(JSON.stringify(v))` would give it: `undefined` record
    /// entries dropped, `undefined` array items and non-finite numbers become `null`. A top-level
    /// `undefined` (or a callable) is `None`.
    /// Containers are walked within the bounds of [`walk`].
    pub fn to_json(&self) -> Option<serde_json::Value> {
        self.to_json_at(1)
    }

    fn to_json_at(&self, depth: usize) -> Option<serde_json::Value> {
        Some(match self {
            Value::Undefined | Value::Callable(_) => return None,
            Value::Null => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Number(n) => json_number(*n),
            Value::Str(s) | Value::Safe(s) => serde_json::Value::String(s.to_string()),
            Value::Array(items) => serde_json::Value::Array(
                items
                    .borrow()
                    .iter()
                    .map_while(|v| {
                        walk::step(depth).then(|| v.to_json_at(depth + 1).unwrap_or(serde_json::Value::Null))
                    })
                    .collect(),
            ),
            Value::Object(entries) => serde_json::Value::Object(
                entries
                    .iter()
                    .map_while(|(k, v)| walk::step(depth).then(|| v.to_json_at(depth + 1).map(|j| (k.to_string(), j))))
                    .flatten()
                    .collect(),
            ),
            Value::Regex(_) => serde_json::Value::Object(serde_json::Map::new()),
        })
    }
}

/// A JSON number for a JavaScript number: integers stay integers, non-finite numbers are null.
pub fn json_number(n: f64) -> serde_json::Value {
    if !n.is_finite() {
        return serde_json::Value::Null;
    }
    if n == n.trunc() && n.abs() < 9_007_199_254_740_992.0 {
        return serde_json::Value::Number((n as i64).into());
    }
    serde_json::Number::from_f64(n).map_or(serde_json::Value::Null, serde_json::Value::Number)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_print_like_javascript() {
        for (n, text) in [
            (3.0, "3"),
            (0.5, "0.5"),
            (-12.0, "-12"),
            (0.1 + 0.2, "0.30000000000000004"),
            (1e21, "1e+21"),
            (1e-7, "1e-7"),
            (0.000001, "0.000001"),
            (123456789012345680000.0, "123456789012345680000"),
            (1.5e300, "1.5e+300"),
            (-0.0, "0"),
        ] {
            assert_eq!(number_to_string(n), text, "{n}");
        }
    }

    #[test]
    fn strings_convert_to_numbers_like_javascript() {
        for (text, n) in [("  42 ", 42.0), ("", 0.0), ("0x1f", 31.0), ("1e3", 1000.0), (".5", 0.5), ("5.", 5.0)] {
            assert_eq!(string_to_number(text), n, "{text:?}");
        }
        for text in ["abc", "1,2", "inf", "NaN", "1e", "--1", "0x"] {
            assert!(string_to_number(text).is_nan(), "{text:?}");
        }
        assert_eq!(string_to_number("-Infinity"), f64::NEG_INFINITY);
    }

    #[test]
    fn loose_equality_follows_javascript() {
        let s = |t: &str| Value::str(t);
        assert!(Value::Number(1.0).loose_equals(&s("1")));
        assert!(Value::Bool(true).loose_equals(&s("1")));
        assert!(Value::Null.loose_equals(&Value::Undefined));
        assert!(!Value::Null.loose_equals(&Value::Number(0.0)));
        assert!(Value::array(vec![]).loose_equals(&s("")));
        assert!(Value::array(vec![Value::Number(1.0), Value::Number(2.0)]).loose_equals(&s("1,2")));
        assert!(!Value::array(vec![]).loose_equals(&Value::array(vec![])));
        assert!(!Value::Number(f64::NAN).loose_equals(&Value::Number(f64::NAN)));
    }

    #[test]
    fn addition_concatenates_when_a_side_is_a_string() {
        assert_eq!(Value::Number(1.0).add(&Value::str("1")).render(), "11");
        assert_eq!(Value::Number(1.0).add(&Value::Bool(true)).render(), "2");
        assert_eq!(Value::Undefined.add(&Value::Number(1.0)).render(), "NaN");
        assert_eq!(Value::array(vec![Value::Number(1.0)]).add(&Value::Number(1.0)).render(), "11");
    }
}
