//! Python behaviour minijinja does not have: `repr` of floats, `json.dumps` (cookiecutter's
//! `jsonify`, Jinja2's `tojson`), the `%` operator, and the `str` methods Jinja2 templates call
//! that minijinja-contrib's pycompat lacks.

use minijinja::value::{Value, ValueKind};
use minijinja::{Error, ErrorKind, State};

fn invalid(message: impl Into<String>) -> Error {
    Error::new(ErrorKind::InvalidOperation, message.into())
}

/// Python's `repr(float)`: the shortest text that reads back, fixed notation for
/// 1e-4 <= |x| < 1e16, else `d.ddde±XX`.
pub(super) fn float_repr(x: f64) -> String {
    if x.is_nan() {
        return "nan".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf".into() } else { "-inf".into() };
    }
    if x == 0.0 {
        return if x.is_sign_negative() { "-0.0".into() } else { "0.0".into() };
    }
    let sci = format!("{x:e}");
    let (mantissa, exponent) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let negative = mantissa.starts_with('-');
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let sign = if negative { "-" } else { "" };
    if (-4..16).contains(&exponent) {
        let point = exponent + 1;
        let body = if point <= 0 {
            format!("0.{}{digits}", "0".repeat((-point) as usize))
        } else if (point as usize) >= digits.len() {
            format!("{digits}{}.0", "0".repeat(point as usize - digits.len()))
        } else {
            format!("{}.{}", &digits[..point as usize], &digits[point as usize..])
        };
        format!("{sign}{body}")
    } else {
        let rest = if digits.len() > 1 { format!(".{}", &digits[1..]) } else { String::new() };
        let exp_sign = if exponent < 0 { "-" } else { "+" };
        format!("{sign}{}{rest}e{exp_sign}{:02}", &digits[..1], exponent.abs())
    }
}

/// Python's `str()` of a value (minijinja prints Python-style already, except floats).
pub(super) fn py_str(value: &Value) -> String {
    match value.kind() {
        ValueKind::Number if !value.is_integer() => {
            f64::try_from(value.clone()).map_or_else(|_| value.to_string(), float_repr)
        }
        _ => value.to_string(),
    }
}

/// Python's `repr()` of a string.
fn str_repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') { '"' } else { '\'' };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

fn py_repr(value: &Value) -> String {
    match value.as_str() {
        Some(s) => str_repr(s),
        None => py_str(value),
    }
}

/// Options of `json.dumps`.
pub(super) struct Dumps {
    pub indent: Option<usize>,
    pub sort_keys: bool,
    pub ensure_ascii: bool,
}

/// Python's `json.dumps(value, …)`: separators `', '`/`': '` (`','` before a newline when
/// indenting), non-ASCII as `\uXXXX` with `ensure_ascii`, floats as `repr`.
pub(super) fn json_dumps(value: &Value, options: &Dumps) -> Result<String, Error> {
    let mut out = String::new();
    dump(value, options, 0, &mut out)?;
    Ok(out)
}

fn dump_string(s: &str, ensure_ascii: bool, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c if ensure_ascii && !c.is_ascii() => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn dump(value: &Value, options: &Dumps, level: usize, out: &mut String) -> Result<(), Error> {
    let newline = |level: usize, out: &mut String| {
        if let Some(indent) = options.indent {
            out.push('\n');
            out.push_str(&" ".repeat(indent * level));
        }
    };
    let item_separator = if options.indent.is_some() { "," } else { ", " };
    match value.kind() {
        ValueKind::Undefined => return Err(invalid("Object of type StrictUndefined is not JSON serializable")),
        ValueKind::None => out.push_str("null"),
        ValueKind::Bool => out.push_str(if value.is_true() { "true" } else { "false" }),
        ValueKind::Number if value.is_integer() => out.push_str(&value.to_string()),
        ValueKind::Number => {
            let f = f64::try_from(value.clone()).unwrap_or(f64::NAN);
            out.push_str(&match f {
                f if f.is_nan() => "NaN".into(),
                f if f.is_infinite() && f > 0.0 => "Infinity".into(),
                f if f.is_infinite() => "-Infinity".into(),
                f => float_repr(f),
            });
        }
        ValueKind::String => dump_string(value.as_str().unwrap_or_default(), options.ensure_ascii, out),
        ValueKind::Seq | ValueKind::Iterable => {
            let items: Vec<Value> = value.try_iter()?.collect();
            if items.is_empty() {
                out.push_str("[]");
                return Ok(());
            }
            out.push('[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push_str(item_separator);
                }
                newline(level + 1, out);
                dump(item, options, level + 1, out)?;
            }
            newline(level, out);
            out.push(']');
        }
        ValueKind::Map => {
            let mut pairs: Vec<(String, Value)> = Vec::new();
            for key in value.try_iter()? {
                let item = value.get_item(&key)?;
                let name = match key.kind() {
                    ValueKind::String => key.as_str().unwrap_or_default().to_string(),
                    ValueKind::None => "null".into(),
                    ValueKind::Bool => if key.is_true() { "true" } else { "false" }.into(),
                    ValueKind::Number => py_str(&key),
                    _ => {
                        return Err(invalid(format!("keys must be str, int, float, bool or None, not {}", key.kind())))
                    }
                };
                pairs.push((name, item));
            }
            if options.sort_keys {
                crate::sort::sort_by(&mut pairs, |a, b| a.0.cmp(&b.0));
            }
            if pairs.is_empty() {
                out.push_str("{}");
                return Ok(());
            }
            out.push('{');
            for (index, (key, item)) in pairs.iter().enumerate() {
                if index > 0 {
                    out.push_str(item_separator);
                }
                newline(level + 1, out);
                dump_string(key, options.ensure_ascii, out);
                out.push_str(": ");
                dump(item, options, level + 1, out)?;
            }
            newline(level, out);
            out.push('}');
        }
        kind => return Err(invalid(format!("Object of type {kind} is not JSON serializable"))),
    }
    Ok(())
}

/// Jinja2's `tojson`: `json.dumps(sort_keys=True)` made safe for HTML.
pub(super) fn tojson(value: &Value, indent: Option<usize>) -> Result<String, Error> {
    let text = json_dumps(value, &Dumps { indent, sort_keys: true, ensure_ascii: true })?;
    Ok(text.replace('<', "\\u003c").replace('>', "\\u003e").replace('&', "\\u0026").replace('\'', "\\u0027"))
}

/// Python's `left % right`: printf-style formatting when `left` is a string, else modulo with
/// the sign of the divisor.
pub(super) fn python_mod(left: &Value, right: &Value) -> Result<Value, Error> {
    if let Some(format) = left.as_str() {
        return percent_format(format, right).map(Value::from);
    }
    match (left.kind(), right.kind()) {
        (ValueKind::Number | ValueKind::Bool, ValueKind::Number | ValueKind::Bool) => {
            if left.is_integer() && right.is_integer() {
                let a = i128::try_from(left.clone())?;
                let b = i128::try_from(right.clone())?;
                if b == 0 {
                    return Err(invalid("integer modulo by zero"));
                }
                let r = a % b;
                return Ok(Value::from(if r != 0 && (r < 0) != (b < 0) { r + b } else { r }));
            }
            let a = f64::try_from(left.clone())?;
            let b = f64::try_from(right.clone())?;
            if b == 0.0 {
                return Err(invalid("float modulo"));
            }
            let r = a % b;
            Ok(Value::from(if r != 0.0 && (r < 0.0) != (b < 0.0) { r + b } else { r }))
        }
        _ => Err(invalid(format!("unsupported operand type(s) for %: '{}' and '{}'", left.kind(), right.kind()))),
    }
}

/// Python's `format % args` (printf-style): `%[(key)][flags][width][.precision]type`.
pub(super) fn percent_format(format: &str, args: &Value) -> Result<String, Error> {
    let positional: Vec<Value> = match args.kind() {
        ValueKind::Seq => args.try_iter()?.collect(),
        _ => vec![args.clone()],
    };
    let mapping = matches!(args.kind(), ValueKind::Map);
    let mut next = 0usize;
    let mut out = String::with_capacity(format.len());
    let mut chars = format.chars().peekable();
    let mut used_key = false;
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut key = None;
        if chars.peek() == Some(&'(') {
            chars.next();
            let mut name = String::new();
            let mut depth = 1;
            for c in chars.by_ref() {
                match c {
                    '(' => depth += 1,
                    ')' if depth == 1 => break,
                    ')' => depth -= 1,
                    _ => {}
                }
                name.push(c);
            }
            key = Some(name);
        }
        let mut flags = String::new();
        while let Some(&f) = chars.peek().filter(|c| "-+ #0".contains(**c)) {
            flags.push(f);
            chars.next();
        }
        let mut take_number = |chars: &mut std::iter::Peekable<std::str::Chars>| -> Result<Option<usize>, Error> {
            if chars.peek() == Some(&'*') {
                chars.next();
                let value =
                    positional.get(next).cloned().ok_or_else(|| invalid("not enough arguments for format string"))?;
                next += 1;
                return Ok(Some(i64::try_from(value)?.unsigned_abs() as usize));
            }
            let mut digits = String::new();
            while let Some(&d) = chars.peek().filter(|c| c.is_ascii_digit()) {
                digits.push(d);
                chars.next();
            }
            Ok(if digits.is_empty() { None } else { digits.parse().ok() })
        };
        let width = take_number(&mut chars)?;
        let precision = if chars.peek() == Some(&'.') {
            chars.next();
            Some(take_number(&mut chars)?.unwrap_or(0))
        } else {
            None
        };
        while chars.peek().is_some_and(|c| "hlL".contains(*c)) {
            chars.next();
        }
        let conversion = chars.next().ok_or_else(|| invalid("incomplete format"))?;
        if conversion == '%' {
            out.push('%');
            continue;
        }
        let value = match &key {
            Some(name) => {
                if !mapping {
                    return Err(invalid("format requires a mapping"));
                }
                used_key = true;
                args.get_item(&Value::from(name.as_str()))?
            }
            None => {
                let value = if mapping && !used_key && positional.len() == 1 {
                    args.clone()
                } else {
                    positional.get(next).cloned().ok_or_else(|| invalid("not enough arguments for format string"))?
                };
                next += 1;
                value
            }
        };
        if value.is_undefined() {
            return Err(Error::from(ErrorKind::UndefinedError));
        }
        let text = convert(&value, conversion, &flags, precision)?;
        let width = width.unwrap_or(0);
        let len = text.chars().count();
        if len >= width {
            out.push_str(&text);
        } else if flags.contains('-') {
            out.push_str(&text);
            out.push_str(&" ".repeat(width - len));
        } else if flags.contains('0') && "diouxXeEfFgG".contains(conversion) {
            let (sign, digits) = split_sign(&text);
            out.push_str(sign);
            out.push_str(&"0".repeat(width - len));
            out.push_str(digits);
        } else {
            out.push_str(&" ".repeat(width - len));
            out.push_str(&text);
        }
    }
    if !mapping && next < positional.len() && matches!(args.kind(), ValueKind::Seq) {
        return Err(invalid("not all arguments converted during string formatting"));
    }
    Ok(out)
}

fn split_sign(text: &str) -> (&str, &str) {
    let prefix_len = if text.starts_with(['-', '+', ' ']) { 1 } else { 0 };
    let prefix_len = if text[prefix_len..].starts_with("0x")
        || text[prefix_len..].starts_with("0X")
        || text[prefix_len..].starts_with("0o")
    {
        prefix_len + 2
    } else {
        prefix_len
    };
    text.split_at(prefix_len)
}

fn convert(value: &Value, conversion: char, flags: &str, precision: Option<usize>) -> Result<String, Error> {
    let sign = |negative: bool| -> &str {
        if negative {
            "-"
        } else if flags.contains('+') {
            "+"
        } else if flags.contains(' ') {
            " "
        } else {
            ""
        }
    };
    let integer = || -> Result<i128, Error> {
        if value.is_integer() || value.kind() == ValueKind::Bool {
            i128::try_from(value.clone())
        } else if value.kind() == ValueKind::Number {
            Ok(f64::try_from(value.clone())?.trunc() as i128)
        } else {
            Err(invalid(format!("%{conversion} format: a real number is required, not {}", value.kind())))
        }
    };
    let float = || -> Result<f64, Error> {
        if value.kind() == ValueKind::Number || value.kind() == ValueKind::Bool {
            f64::try_from(value.clone())
        } else {
            Err(invalid(format!("must be real number, not {}", value.kind())))
        }
    };
    Ok(match conversion {
        's' => truncate(py_str(value), precision),
        'r' | 'a' => truncate(py_repr(value), precision),
        'd' | 'i' | 'u' => {
            let n = integer()?;
            format!("{}{}", sign(n < 0), n.unsigned_abs())
        }
        'o' => {
            let n = integer()?;
            format!("{}{}{:o}", sign(n < 0), if flags.contains('#') { "0o" } else { "" }, n.unsigned_abs())
        }
        'x' => {
            let n = integer()?;
            format!("{}{}{:x}", sign(n < 0), if flags.contains('#') { "0x" } else { "" }, n.unsigned_abs())
        }
        'X' => {
            let n = integer()?;
            format!("{}{}{:X}", sign(n < 0), if flags.contains('#') { "0X" } else { "" }, n.unsigned_abs())
        }
        'f' | 'F' => {
            let f = float()?;
            format!("{}{:.*}", sign(f.is_sign_negative() && f != 0.0), precision.unwrap_or(6), f.abs())
        }
        'e' | 'E' => {
            let f = float()?;
            let text = exponent_form(f.abs(), precision.unwrap_or(6));
            let text = if conversion == 'E' { text.to_uppercase() } else { text };
            format!("{}{text}", sign(f.is_sign_negative() && f != 0.0))
        }
        'g' | 'G' => {
            let f = float()?;
            let p = precision.unwrap_or(6).max(1);
            let exponent = if f == 0.0 { 0 } else { f.abs().log10().floor() as i32 };
            let mut text = if exponent < -4 || exponent >= p as i32 {
                exponent_form(f.abs(), p - 1)
            } else {
                format!("{:.*}", (p as i32 - 1 - exponent).max(0) as usize, f.abs())
            };
            if !flags.contains('#') {
                text = strip_zeros(&text);
            }
            let text = if conversion == 'G' { text.to_uppercase() } else { text };
            format!("{}{text}", sign(f.is_sign_negative() && f != 0.0))
        }
        'c' => match value.as_str() {
            Some(s) if s.chars().count() == 1 => s.to_string(),
            _ => char::from_u32(integer()? as u32)
                .map(String::from)
                .ok_or_else(|| invalid("%c arg not in range(0x110000)"))?,
        },
        other => return Err(invalid(format!("unsupported format character '{other}'"))),
    })
}

fn truncate(text: String, precision: Option<usize>) -> String {
    match precision {
        Some(p) => text.chars().take(p).collect(),
        None => text,
    }
}

/// `d.dddde±XX` as C's printf writes `%e`.
fn exponent_form(f: f64, precision: usize) -> String {
    let text = format!("{f:.precision$e}");
    let (mantissa, exponent) = text.split_once('e').unwrap_or((&text, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    format!("{mantissa}e{}{:02}", if exponent < 0 { '-' } else { '+' }, exponent.abs())
}

fn strip_zeros(text: &str) -> String {
    let (mantissa, exponent) = match text.find('e') {
        Some(at) => text.split_at(at),
        None => (text, ""),
    };
    let mantissa = if mantissa.contains('.') { mantissa.trim_end_matches('0').trim_end_matches('.') } else { mantissa };
    format!("{mantissa}{exponent}")
}

/// Python `str` methods pycompat does not implement, then pycompat's.
pub(super) fn unknown_method(state: &mut State, value: &Value, method: &str, args: &[Value]) -> Result<Value, Error> {
    if let Some(s) = value.as_str() {
        if let Some(result) = string_method(state, s, method, args)? {
            return Ok(result);
        }
    }
    minijinja_contrib::pycompat::unknown_method_callback(state, value, method, args)
}

fn fill_char(fill: Option<&str>) -> Result<char, Error> {
    match fill {
        None => Ok(' '),
        Some(f) if f.chars().count() == 1 => Ok(f.chars().next().unwrap_or(' ')),
        Some(_) => Err(invalid("The fill character must be exactly one character long")),
    }
}

fn width_arg(state: &State, width: i64, len: usize) -> Result<usize, Error> {
    let width = width.max(0) as usize;
    if width > len {
        // Padding creates data: pay for it before it exists.
        state.consume_fuel(((width - len) / 64) as u64)?;
    }
    Ok(width)
}

/// Python's `str.center(width, fillchar)`: the extra odd character goes left when the
/// string's length is odd... as CPython places it: `left = pad // 2 + (pad & width & 1)`.
pub(super) fn center(s: &str, width: usize, fill: char) -> String {
    let len = s.chars().count();
    if width <= len {
        return s.to_string();
    }
    let pad = width - len;
    let left = pad / 2 + (pad & width & 1);
    let fill_n = |n: usize| std::iter::repeat_n(fill, n).collect::<String>();
    format!("{}{s}{}", fill_n(left), fill_n(pad - left))
}

fn string_method(state: &State, s: &str, method: &str, args: &[Value]) -> Result<Option<Value>, Error> {
    use minijinja::value::from_args;
    let len = s.chars().count();
    let pad = |n: usize, fill: char| std::iter::repeat_n(fill, n).collect::<String>();
    Ok(Some(match method {
        "center" | "ljust" | "rjust" => {
            let (width, fill): (i64, Option<&str>) = from_args(args)?;
            let width = width_arg(state, width, len)?;
            let fill = fill_char(fill)?;
            Value::from(match method {
                "center" => center(s, width, fill),
                "ljust" => format!("{s}{}", pad(width.saturating_sub(len), fill)),
                _ => format!("{}{s}", pad(width.saturating_sub(len), fill)),
            })
        }
        "zfill" => {
            let (width,): (i64,) = from_args(args)?;
            let width = width_arg(state, width, len)?;
            let (sign, rest) = match s.chars().next() {
                Some(c @ ('+' | '-')) => (c.to_string(), &s[1..]),
                _ => (String::new(), s),
            };
            Value::from(format!("{sign}{}{rest}", "0".repeat(width.saturating_sub(len))))
        }
        "rsplit" | "split" if method == "rsplit" => {
            let (sep, maxsplit): (Option<Value>, Option<i64>) = from_args(args)?;
            let maxsplit = maxsplit.unwrap_or(-1);
            let sep = sep.filter(|v| !v.is_none());
            let parts: Vec<String> = match sep {
                Some(sep) => {
                    let sep = sep.as_str().ok_or_else(|| invalid("must be str or None"))?;
                    if sep.is_empty() {
                        return Err(invalid("empty separator"));
                    }
                    let mut parts: Vec<String> = if maxsplit < 0 {
                        s.rsplit(sep).map(str::to_string).collect()
                    } else {
                        s.rsplitn(maxsplit as usize + 1, sep).map(str::to_string).collect()
                    };
                    parts.reverse();
                    parts
                }
                None => {
                    let words: Vec<&str> = s.split_whitespace().collect();
                    if maxsplit < 0 || words.len() <= maxsplit as usize + 1 {
                        words.into_iter().map(str::to_string).collect()
                    } else {
                        // The head keeps its inner whitespace, as CPython's rsplit does.
                        let keep = words.len() - maxsplit as usize;
                        let trimmed = s.trim_end();
                        let mut rest = trimmed;
                        let mut tail = Vec::new();
                        for _ in 0..maxsplit {
                            let at = rest.rfind(char::is_whitespace).unwrap_or(0);
                            tail.push(rest[at..].trim_start().to_string());
                            rest = rest[..at].trim_end();
                        }
                        let _ = keep;
                        let mut parts = vec![rest.to_string()];
                        tail.reverse();
                        parts.extend(tail);
                        parts
                    }
                }
            };
            Value::from(parts)
        }
        "partition" | "rpartition" => {
            let (sep,): (&str,) = from_args(args)?;
            if sep.is_empty() {
                return Err(invalid("empty separator"));
            }
            let found = if method == "partition" { s.find(sep) } else { s.rfind(sep) };
            let parts = match found {
                Some(at) => [&s[..at], sep, &s[at + sep.len()..]],
                None if method == "partition" => [s, "", ""],
                None => ["", "", s],
            };
            Value::from(parts.iter().map(|p| Value::from(*p)).collect::<Vec<_>>())
        }
        "removeprefix" => {
            let (prefix,): (&str,) = from_args(args)?;
            Value::from(s.strip_prefix(prefix).unwrap_or(s))
        }
        "removesuffix" => {
            let (suffix,): (&str,) = from_args(args)?;
            Value::from(s.strip_suffix(suffix).unwrap_or(s))
        }
        "swapcase" => {
            let () = from_args(args)?;
            Value::from(
                s.chars()
                    .flat_map(|c| {
                        if c.is_uppercase() {
                            c.to_lowercase().collect::<Vec<_>>()
                        } else if c.is_lowercase() {
                            c.to_uppercase().collect::<Vec<_>>()
                        } else {
                            vec![c]
                        }
                    })
                    .collect::<String>(),
            )
        }
        "casefold" => {
            let () = from_args(args)?;
            Value::from(s.to_lowercase())
        }
        "index" | "rindex" => {
            let (what,): (&str,) = from_args(args)?;
            let found = if method == "index" { s.find(what) } else { s.rfind(what) };
            match found {
                Some(at) => Value::from(s[..at].chars().count()),
                None => return Err(invalid("substring not found")),
            }
        }
        "isdecimal" => {
            let () = from_args(args)?;
            Value::from(!s.is_empty() && s.chars().all(|c| c.is_ascii_digit()))
        }
        "isidentifier" => {
            let () = from_args(args)?;
            let mut chars = s.chars();
            Value::from(
                chars.next().is_some_and(|c| c == '_' || c.is_alphabetic())
                    && chars.all(|c| c == '_' || c.is_alphanumeric()),
            )
        }
        "expandtabs" => {
            let (size,): (Option<i64>,) = from_args(args)?;
            let size = size.unwrap_or(8).max(0) as usize;
            let mut out = String::new();
            let mut column = 0;
            for c in s.chars() {
                match c {
                    '\t' if size > 0 => {
                        let n = size - column % size;
                        out.push_str(&" ".repeat(n));
                        column += n;
                    }
                    '\t' => {}
                    '\n' | '\r' => {
                        out.push(c);
                        column = 0;
                    }
                    c => {
                        out.push(c);
                        column += 1;
                    }
                }
            }
            Value::from(out)
        }
        _ => return Ok(None),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn float_repr_matches_python() {
        for (x, text) in [
            (1.0, "1.0"),
            (0.1, "0.1"),
            (1e16, "1e+16"),
            (1.5e-5, "1.5e-05"),
            (123456789.125, "123456789.125"),
            (1e-4, "0.0001"),
            (-2.5, "-2.5"),
            (1e22, "1e+22"),
        ] {
            assert_eq!(float_repr(x), text);
        }
    }

    #[test]
    fn wordwrap_wraps_like_textwrap() {
        // Checked with Jinja2 3.1.6: {{ s | wordwrap(w) }}.
        assert_eq!(wordwrap("aaa bbb ccc ddd", 7, true, "\n", true), "aaa bbb\nccc ddd");
        assert_eq!(wordwrap("short\n", 79, true, "\n", true), "short");
        assert_eq!(wordwrap("abcdefghij", 4, true, "\n", true), "abcd\nefgh\nij");
        assert_eq!(wordwrap("well-known words", 6, true, "\n", true), "well-\nknown\nwords");
    }

    #[test]
    fn center_places_the_odd_pad_like_cpython() {
        assert_eq!(center("ab", 5, '*'), "**ab*");
        assert_eq!(center("abc", 6, '*'), "*abc**");
        assert_eq!(center("abc", 2, '*'), "abc");
    }

    #[test]
    fn percent_format_covers_the_common_conversions() {
        let v = |s: &str, args: Value| percent_format(s, &args).unwrap();
        assert_eq!(v("%s-%s", Value::from(vec![Value::from("a"), Value::from(1)])), "a-1");
        assert_eq!(
            v("%05.1f|%-4d|%x", Value::from(vec![Value::from(3.14159), Value::from(7), Value::from(255)])),
            "003.1|7   |ff"
        );
        assert_eq!(v("%r", Value::from("it's")), "\"it's\"");
        assert_eq!(v("100%%", Value::from(Vec::<Value>::new())), "100%");
    }
}

/// textwrap's chunks: whitespace runs and words, a word split after a hyphen between letters
/// (`break_on_hyphens`, the common case of textwrap's word separator).
fn wrap_chunks(text: &str, break_on_hyphens: bool) -> Vec<String> {
    let is_space = |c: char| matches!(c, '\t' | '\n' | '\x0b' | '\x0c' | '\r' | ' ');
    let mut chunks: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut in_space = None;
    for c in text.chars() {
        let space = is_space(c);
        if in_space.is_some_and(|s| s != space) {
            chunks.push(std::mem::take(&mut current));
        }
        in_space = Some(space);
        current.push(c);
    }
    if !current.is_empty() {
        chunks.push(current);
    }
    if !break_on_hyphens {
        return chunks;
    }
    let mut out = Vec::new();
    for chunk in chunks {
        let chars: Vec<char> = chunk.chars().collect();
        let mut start = 0;
        for i in 0..chars.len() {
            let letter = |j: usize| chars.get(j).is_some_and(|c| c.is_alphabetic());
            let after_two_letters = i >= 2 && letter(i - 1) && letter(i - 2);
            let after_letter_hyphen_letter = i >= 3 && letter(i - 1) && chars[i - 2] == '-' && letter(i - 3);
            if chars[i] == '-' && (after_two_letters || after_letter_hyphen_letter) && letter(i + 1) {
                out.push(chars[start..=i].iter().collect());
                start = i + 1;
            }
        }
        out.push(chars[start..].iter().collect());
    }
    out
}

/// Jinja2's `wordwrap(s, width=79, break_long_words=True, wrapstring=None, break_on_hyphens=True)`:
/// each line wrapped with Python's `textwrap.wrap` (whitespace kept, dropped at line ends).
pub(super) fn wordwrap(
    text: &str,
    width: usize,
    break_long_words: bool,
    wrapstring: &str,
    break_on_hyphens: bool,
) -> String {
    let width = width.max(1);
    let len = |s: &str| s.chars().count();
    let mut paragraphs = Vec::new();
    // str.splitlines(): no empty last line for a text that ends with a newline.
    let mut source: Vec<&str> = text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l)).collect();
    if source.last() == Some(&"") {
        source.pop();
    }
    for line in source {
        let mut chunks = wrap_chunks(line, break_on_hyphens);
        chunks.reverse();
        let mut lines: Vec<String> = Vec::new();
        while !chunks.is_empty() {
            let mut current: Vec<String> = Vec::new();
            let mut current_len = 0;
            if chunks.last().is_some_and(|c| c.trim().is_empty()) && !lines.is_empty() {
                chunks.pop();
            }
            while let Some(chunk) = chunks.last() {
                if current_len + len(chunk) <= width {
                    current_len += len(chunk);
                    current.push(chunks.pop().unwrap_or_default());
                } else {
                    break;
                }
            }
            if chunks.last().is_some_and(|c| len(c) > width) {
                let space_left = width.saturating_sub(current_len).max(1);
                if break_long_words {
                    let chunk: Vec<char> = chunks.pop().unwrap_or_default().chars().collect();
                    let mut end = space_left;
                    if break_on_hyphens && chunk.len() > space_left {
                        if let Some(hyphen) = chunk[..space_left].iter().rposition(|c| *c == '-') {
                            if hyphen > 0 && chunk[..hyphen].iter().any(|c| *c != '-') {
                                end = hyphen + 1;
                            }
                        }
                    }
                    current.push(chunk[..end].iter().collect());
                    chunks.push(chunk[end..].iter().collect());
                } else if current.is_empty() {
                    current.push(chunks.pop().unwrap_or_default());
                }
            }
            if current.last().is_some_and(|c| c.trim().is_empty()) {
                current.pop();
            }
            if !current.is_empty() {
                lines.push(current.concat());
            }
        }
        paragraphs.push(lines.join(wrapstring));
    }
    paragraphs.join(wrapstring)
}
