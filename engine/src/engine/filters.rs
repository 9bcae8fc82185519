//! The built-in filters, with Nunjucks 3.2.4's behaviour as Nunjitsu keeps it (JavaScript
//! coercions included: `upper` of a number is an error, `join` skips nothing, `round` rounds
//! halves up).

use std::rc::Rc;

use super::eval::{err, EvalError, Evaluator};
use super::value::{code_units, decimal_literal_len, is_js_whitespace, utf16_len, Entries, Value};

type Result<T> = std::result::Result<T, EvalError>;

fn arg(args: &[Value], i: usize) -> Value {
    args.get(i).cloned().unwrap_or(Value::Undefined)
}

/// Keyword arguments named in `names` become positional ones; others are passed as a trailing
/// record, as Nunjucks does.
fn lower_keywords(names: &[&str], mut positional: Vec<Value>, keyword: Vec<(String, Value)>) -> Vec<Value> {
    if names.is_empty() {
        if !keyword.is_empty() {
            let mut entries: Entries = keyword.into_iter().map(|(k, v)| (Rc::from(k.as_str()), v)).collect();
            entries.insert("__keywords".into(), Value::Bool(true));
            positional.push(Value::object(entries));
        }
        return positional;
    }
    // Like a macro whose parameters are all positional: missing ones come from keywords.
    let mut keyword = keyword;
    positional.truncate(names.len());
    for name in &names[positional.len().min(names.len())..] {
        let value = keyword.iter().position(|(k, _)| k == name).map(|i| keyword.remove(i).1);
        positional.push(value.unwrap_or(Value::Undefined));
    }
    positional
}

/// What `truncate`/`center` compare with their width before reading text: a string's or
/// array's length, a record's own `length`.
fn direct_length(value: &Value) -> Value {
    match value {
        Value::Str(s) | Value::Safe(s) => Value::Number(utf16_len(s) as f64),
        Value::Array(items) => Value::Number(items.borrow().len() as f64),
        Value::Object(entries) => entries.get("length").cloned().unwrap_or(Value::Undefined),
        _ => Value::Undefined,
    }
}

/// Text of a filter input that must be a string (`undefined`, `null` and `false` count as "").
fn text_input(input: &Value) -> Result<Rc<str>> {
    match input {
        Value::Undefined | Value::Null | Value::Bool(false) => Ok("".into()),
        Value::Str(s) | Value::Safe(s) => Ok(s.clone()),
        other => Err(err(format!("expects a string, got {}", other.type_name()))),
    }
}

/// Keeps a safe string safe.
fn same_safety(input: &Value, text: String) -> Value {
    match input {
        Value::Safe(_) => Value::Safe(text.into()),
        _ => Value::str(text),
    }
}

/// Items of an array or the code units of a string; `None` for anything else.
fn sequence(input: &Value) -> Option<Vec<Value>> {
    match input {
        Value::Array(items) => Some(items.borrow().clone()),
        Value::Str(s) | Value::Safe(s) => Some(code_units(s)),
        _ => None,
    }
}

/// A record used as an array: `record[0] … record[length - 1]` (missing ones `undefined`).
fn indexed_values(entries: &Entries, evaluator: &mut Evaluator) -> Result<Vec<Value>> {
    let length = entries.get("length").map_or(f64::NAN, Value::to_number);
    let count = if length.is_nan() || length <= 0.0 { 0.0 } else { length.ceil() };
    if count > 1e7 {
        return Err(err("the record's length is too large"));
    }
    evaluator.charge_many(count as usize)?;
    Ok((0..count as usize).map(|i| entries.get(i.to_string().as_str()).cloned().unwrap_or(Value::Undefined)).collect())
}

/// A sequence as the list filters read it: an array's items, a string's code units, an
/// array-like record's indexed values; `None` for anything else.
fn array_like(input: &Value, evaluator: &mut Evaluator) -> Result<Option<Vec<Value>>> {
    match input {
        Value::Object(entries) => indexed_values(entries, evaluator).map(Some),
        other => Ok(sequence(other)),
    }
}

/// What `join`/`sum` add up: the `attr` of every item when an attribute is given (from any
/// array-like input), else the items of an array (anything else is an error).
fn projected_items(input: &Value, attr: &Value, filter: &str, evaluator: &mut Evaluator) -> Result<Vec<Value>> {
    if attr.truthy() {
        let key = attr.to_js_string();
        let source = match input {
            // Nunjitsu projects no attributes out of a safe string (an empty one gives nothing).
            Value::Safe(_) => Vec::new(),
            other => array_like(other, evaluator)?.unwrap_or_default(),
        };
        return source.iter().map(|item| direct_attribute(item, &key)).collect();
    }
    match input {
        Value::Array(items) => Ok(items.borrow().clone()),
        _ => Err(err(format!("{filter} needs an array"))),
    }
}

/// A text filter's input: `undefined`, `null` and `false` read as "".
fn or_empty_text(input: &Value) -> Value {
    match input {
        Value::Undefined | Value::Null | Value::Bool(false) => Value::str(""),
        other => other.clone(),
    }
}

/// Like [`indexed_values`], but only the indices the record has.
fn present_indexed_values(entries: &Entries, evaluator: &mut Evaluator) -> Result<Vec<Value>> {
    let length = entries.get("length").map_or(f64::NAN, Value::to_number);
    let count = if length.is_nan() || length <= 0.0 { 0.0 } else { length.floor().min(1e7) };
    evaluator.charge_many((count as usize).min(entries.len() + 1))?;
    Ok((0..count as usize).filter_map(|i| entries.get(i.to_string().as_str()).cloned()).collect())
}

/// The attribute path of `sort`/`groupby`: a string splits on `.`, anything else is one key.
fn attribute_path(value: &Value) -> Vec<String> {
    if !value.truthy() {
        return Vec::new();
    }
    match value {
        Value::Str(s) => s.split('.').map(str::to_string).collect(),
        other => vec![other.to_js_string()],
    }
}

/// Follows `path`; reading from `undefined`/`null` is an error, a missing key gives `undefined`.
fn lookup_path(value: &Value, path: &[String]) -> Result<Value> {
    let mut current = value.clone();
    for key in path {
        if current.is_nullish() {
            return Err(err("cannot read an attribute of null or undefined"));
        }
        current = current.own_property(key).unwrap_or(Value::Undefined);
    }
    Ok(current)
}

/// One direct attribute (`join(",", "name")`): the key as written, no path splitting.
fn direct_attribute(value: &Value, key: &str) -> Result<Value> {
    if value.is_nullish() {
        return Err(err("cannot read an attribute of null or undefined"));
    }
    Ok(value.own_property(key).unwrap_or(Value::Undefined))
}

fn spaces(n: f64) -> String {
    if n.is_nan() || n <= 0.0 {
        return String::new();
    }
    " ".repeat(n.ceil().min(1e9) as usize)
}

/// What a built-in filter does with its input and arguments (keywords already placed).
type Apply = fn(Value, &[Value], &mut Evaluator) -> Result<Value>;

/// One built-in filter.
pub(crate) struct Filter {
    pub name: &'static str,
    /// Keyword arguments it takes by name, in parameter order; other keywords arrive as a
    /// trailing record (`{…, __keywords: true}`), as Nunjucks passes them.
    keywords: &'static [&'static str],
    apply: Apply,
}

const fn filter(name: &'static str, apply: Apply) -> Filter {
    Filter { name, keywords: &[], apply }
}

/// Every built-in filter: Nunjitsu 0.7.0's (the list of Nunjucks 3.2.4), by name. The only list
/// of their names: [`NAMES`] and `builtins::FILTERS` are read from it.
pub(crate) const TABLE: &[Filter] = &[
    filter("abs", abs),
    filter("batch", batch),
    filter("capitalize", capitalize),
    filter("center", center),
    filter("d", default),
    filter("default", default),
    filter("dictsort", dictsort),
    filter("dump", dump_filter),
    filter("e", escape),
    filter("escape", escape),
    filter("first", first),
    filter("float", float),
    filter("forceescape", forceescape),
    filter("groupby", groupby),
    filter("indent", indent),
    Filter { name: "int", keywords: &["default", "base"], apply: int },
    filter("join", join),
    filter("last", last),
    filter("length", length),
    filter("list", list),
    filter("lower", lower),
    filter("nl2br", nl2br),
    filter("random", random),
    filter("reject", reject),
    filter("rejectattr", rejectattr),
    filter("replace", replace_filter),
    filter("reverse", reverse),
    filter("round", round),
    filter("safe", safe),
    filter("select", select),
    filter("selectattr", selectattr),
    filter("slice", slice),
    Filter { name: "sort", keywords: &["reverse", "case_sensitive", "attribute"], apply: sort },
    filter("string", string),
    filter("striptags", striptags),
    filter("sum", sum),
    filter("title", title),
    filter("trim", trim),
    filter("truncate", truncate),
    filter("upper", upper),
    filter("urlencode", urlencode_filter),
    filter("urlize", urlize),
    filter("wordcount", wordcount),
];

/// The names in [`TABLE`], in its order.
pub(crate) const NAMES: &[&str] = &names::<{ TABLE.len() }>();

const fn names<const N: usize>() -> [&'static str; N] {
    let mut out = [""; N];
    let mut i = 0;
    while i < N {
        out[i] = TABLE[i].name;
        i += 1;
    }
    out
}

fn lookup(name: &str) -> Option<&'static Filter> {
    TABLE.iter().find(|f| f.name == name)
}

/// Whether `name` is a built-in filter (`jsonify` is `dump` under cookiecutterCompat).
pub(crate) fn exists(name: &str) -> bool {
    lookup(name).is_some()
}

/// Runs built-in filter `name` (see [`exists`]).
pub(crate) fn apply(
    name: &str,
    input: Value,
    positional: Vec<Value>,
    keyword: Vec<(String, Value)>,
    evaluator: &mut Evaluator,
) -> Result<Value> {
    let Some(filter) = lookup(name) else { return Err(err(format!("unknown filter `{name}`"))) };
    let args = lower_keywords(filter.keywords, positional, keyword);
    (filter.apply)(input, &args, evaluator)
}

// Each filter's example renders as shown (`every_filter_example_renders_as_documented`).

/// The absolute value of the input as a number.
/// Example: `${{ -3 | abs }}` → `3`
fn abs(input: Value, _: &[Value], _: &mut Evaluator) -> Result<Value> {
    Ok(Value::Number(input.to_number().abs()))
}

/// The items in rows of `width`, the last row padded with `fill` when it is truthy.
/// Example: `${{ [1, 2, 3] | batch(2, "x") | dump }}` → `[[1,2],[3,"x"]]`
fn batch(input: Value, args: &[Value], evaluator: &mut Evaluator) -> Result<Value> {
    if input.is_nullish() {
        return Err(err("batch needs a sequence"));
    }
    let width = arg(args, 0).to_number().trunc();
    if !(1.0..=9e15).contains(&width) {
        return Err(err("the batch size must be a positive integer"));
    }
    let Some(items) = array_like(&input, evaluator)? else { return Ok(Value::array(Vec::new())) };
    // Nunjitsu pads only with a truthy fill: `batch(2, 0)` leaves the last row short.
    let fill = args.get(1).cloned().filter(Value::truthy);
    let width = width as usize;
    let mut rows = Vec::new();
    for chunk in items.chunks(width) {
        let mut row = chunk.to_vec();
        if row.len() < width {
            if let Some(fill) = &fill {
                row.resize(width, fill.clone());
            }
        }
        rows.push(Value::array(row));
    }
    Ok(Value::array(rows))
}

/// The first character upper-cased, the rest lower-cased.
/// Example: `${{ "hELLO" | capitalize }}` → `Hello`
fn capitalize(input: Value, _: &[Value], _: &mut Evaluator) -> Result<Value> {
    let text = text_input(&input)?.to_lowercase();
    let mut chars = text.chars();
    let capital = match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    };
    Ok(same_safety(&input, capital))
}

/// The text centred in `width` (80) columns of spaces.
/// Example: `[${{ "ab" | center(6) }}]` → `[  ab  ]`
fn center(input: Value, args: &[Value], _: &mut Evaluator) -> Result<Value> {
    let normalized = or_empty_text(&input);
    let width = if arg(args, 0).truthy() { arg(args, 0) } else { Value::Number(80.0) };
    let length = direct_length(&normalized);
    if matches!(length.compare(&width), Some(std::cmp::Ordering::Greater | std::cmp::Ordering::Equal)) {
        return Ok(normalized);
    }
    let total = width.to_number() - length.to_number();
    if total > 1e8 {
        return Err(err("the width is too large"));
    }
    let text = normalized.to_js_string();
    Ok(same_safety(&input, format!("{}{}{}", spaces(total / 2.0 - total % 2.0), text, spaces(total / 2.0))))
}

/// `default(value, boolean)` (also `d`): `value` when the input is `undefined`, or with
/// `boolean` true, when it is falsy.
/// Example: `${{ missing | default("none") }}` → `none`
fn default(input: Value, args: &[Value], _: &mut Evaluator) -> Result<Value> {
    Ok(if arg(args, 1).truthy() {
        if input.truthy() {
            input
        } else {
            arg(args, 0)
        }
    } else if input.is_undefined() {
        arg(args, 0)
    } else {
        input
    })
}

/// A record's `[key, value]` pairs sorted by key (or by value with `"value"`), ignoring case
/// unless `case_sensitive`.
/// Example: `${{ {b: 1, A: 2} | dictsort | dump }}` → `[["A",2],["b",1]]`
fn dictsort(input: Value, args: &[Value], _: &mut Evaluator) -> Result<Value> {
    let Value::Object(entries) = &input else { return Err(err("dictsort needs an object")) };
    let case_sensitive = arg(args, 0).truthy();
    let by_value = match &arg(args, 1) {
        Value::Undefined => false,
        Value::Str(s) if &**s == "key" => false,
        Value::Str(s) if &**s == "value" => true,
        _ => return Err(err("dictsort can only sort by \"key\" or \"value\"")),
    };
    let normal = |v: Value| -> Value {
        match (&v, case_sensitive) {
            (Value::Str(s), false) => Value::str(s.to_uppercase()),
            _ => v,
        }
    };
    let mut pairs: Vec<(Value, Rc<str>, Value)> = entries
        .iter()
        .map(|(k, v)| (normal(if by_value { v.clone() } else { Value::Str(k.clone()) }), k.clone(), v.clone()))
        .collect();
    crate::sort::sort_by(&mut pairs, |(x, _, _), (y, _, _)| {
        if x.compare(y) == Some(std::cmp::Ordering::Greater) {
            std::cmp::Ordering::Greater
        } else if x.strict_equals(y) {
            std::cmp::Ordering::Equal
        } else {
            std::cmp::Ordering::Less
        }
    });
    Ok(Value::array(pairs.into_iter().map(|(_, k, v)| Value::array(vec![Value::Str(k), v])).collect()))
}

/// `JSON.stringify(input, null, indent)` (see [`dump`]).
/// Example: `${{ {a: [1, "x"]} | dump }}` → `{"a":[1,"x"]}`
fn dump_filter(input: Value, args: &[Value], _: &mut Evaluator) -> Result<Value> {
    dump(&input, &arg(args, 0))
}

/// HTML-escapes the text (`&`, `"`, `'`, `<`, `>`, `\`) unless it is already safe (also `e`).
/// Example: `${{ "<b>" | escape }}` → `&lt;b&gt;`
fn escape(input: Value, _: &[Value], _: &mut Evaluator) -> Result<Value> {
    Ok(match input {
        Value::Safe(_) => input,
        other => Value::Safe(escape_html(&other.render()).into()),
    })
}

/// HTML-escapes the text even when it is marked safe.
/// Example: `${{ "<b>" | safe | forceescape }}` → `&lt;b&gt;`
fn forceescape(input: Value, _: &[Value], _: &mut Evaluator) -> Result<Value> {
    Ok(Value::Safe(escape_html(&input.render()).into()))
}

/// Marks the text safe: `escape` leaves it as it is.
/// Example: `${{ "<b>" | safe | escape }}` → `<b>`
fn safe(input: Value, _: &[Value], _: &mut Evaluator) -> Result<Value> {
    Ok(match input {
        Value::Safe(_) => input,
        other => Value::Safe(other.render().into()),
    })
}

/// The first item of an array, first code unit of a string, or `record[0]`.
/// Example: `${{ [3, 4] | first }}` → `3`
fn first(input: Value, _: &[Value], _: &mut Evaluator) -> Result<Value> {
    end_item(&input, "first", false)
}

/// The last item of an array, last code unit of a string, or `record[length - 1]`.
/// Example: `${{ "abc" | last }}` → `c`
fn last(input: Value, _: &[Value], _: &mut Evaluator) -> Result<Value> {
    end_item(&input, "last", true)
}

fn end_item(input: &Value, name: &str, last: bool) -> Result<Value> {
    Ok(match input {
        Value::Undefined | Value::Null => return Err(err(format!("{name} needs a sequence"))),
        Value::Array(items) => {
            let items = items.borrow();
            let item = if last { items.last() } else { items.first() };
            item.cloned().unwrap_or(Value::Undefined)
        }
        Value::Str(s) | Value::Safe(s) => {
            let units = code_units(s);
            let item = if last { units.last() } else { units.first() };
            item.cloned().unwrap_or(Value::Undefined)
        }
        Value::Object(entries) => {
            let key = if last {
                super::value::number_to_string(
                    input.own_property("length").unwrap_or(Value::Undefined).to_number() - 1.0,
                )
            } else {
                "0".into()
            };
            entries.get(key.as_str()).cloned().unwrap_or(Value::Undefined)
        }
        _ => Value::Undefined,
    })
}

/// `parseFloat` of the text, or `default` when that is NaN.
/// Example: `${{ "1.5kg" | float }}` → `1.5`
fn float(input: Value, args: &[Value], _: &mut Evaluator) -> Result<Value> {
    let parsed = parse_float(&input.to_js_string());
    Ok(if parsed.is_nan() { arg(args, 0) } else { Value::Number(parsed) })
}

/// `parseInt(text, base)` (base 10 unless given), or `default` when that is NaN.
/// Example: `${{ "ff" | int(base=16) }}` → `255`
fn int(input: Value, args: &[Value], _: &mut Evaluator) -> Result<Value> {
    let base = match arg(args, 1) {
        Value::Undefined => 10.0,
        b => b.to_number().trunc(),
    };
    let parsed = parse_int(&input.to_js_string(), base);
    Ok(if parsed.is_nan() { arg(args, 0) } else { Value::Number(parsed) })
}

/// Reverses a string (by code units) or the items of an array or array-like record.
/// Example: `${{ [1, 2, 3] | reverse }}` → `3,2,1`
fn reverse(input: Value, _: &[Value], evaluator: &mut Evaluator) -> Result<Value> {
    Ok(match &input {
        Value::Str(s) | Value::Safe(s) => {
            let mut units: Vec<u16> = s.encode_utf16().collect();
            units.reverse();
            same_safety(&input, String::from_utf16_lossy(&units))
        }
        Value::Array(items) => Value::array(items.borrow().iter().rev().cloned().collect()),
        Value::Object(entries) => {
            let mut items = indexed_values(entries, evaluator)?;
            items.reverse();
            Value::array(items)
        }
        _ => Value::array(Vec::new()),
    })
}

/// A record of arrays: the items grouped by the value at an attribute path (`a.b`).
/// Example: `${{ [{k: "x"}, {k: "y"}, {k: "x"}] | groupby("k") | dump }}` → `{"x":[{"k":"x"},{"k":"x"}],"y":[{"k":"y"}]}`
fn groupby(input: Value, args: &[Value], evaluator: &mut Evaluator) -> Result<Value> {
    if input.is_nullish() {
        return Err(err("groupby needs a sequence"));
    }
    let Some(items) = array_like(&input, evaluator)? else { return Ok(Value::object(Entries::default())) };
    let path = attribute_path(&arg(args, 0));
    let mut groups: Entries = Entries::default();
    for item in items {
        let group: Rc<str> = lookup_path(&item, &path)?.to_js_string().into();
        match groups.get(&group) {
            Some(Value::Array(list)) => list.borrow_mut().push(item),
            _ => {
                groups.insert(group, Value::array(vec![item]));
            }
        }
    }
    Ok(Value::object(groups))
}

/// The items joined with a separator (none by default), or their `attr` when one is given.
/// Example: `${{ [{n: "a"}, {n: "b"}] | join("-", "n") }}` → `a-b`
fn join(input: Value, args: &[Value], evaluator: &mut Evaluator) -> Result<Value> {
    let separator = if arg(args, 0).truthy() { arg(args, 0).to_js_string() } else { String::new() };
    let items = projected_items(&input, &arg(args, 1), "join", evaluator)?;
    evaluator.charge_many(items.len())?;
    let parts: Vec<String> =
        items.iter().map(|item| if item.is_nullish() { String::new() } else { item.to_js_string() }).collect();
    Ok(Value::str(super::eval::join_bounded(&parts, &separator, evaluator.scratch_limit())?))
}

/// The sum of the items (or of their `attr`), plus `start`, with JavaScript's `+`.
/// Example: `${{ [{n: 1}, {n: 2}] | sum("n", 10) }}` → `13`
fn sum(input: Value, args: &[Value], evaluator: &mut Evaluator) -> Result<Value> {
    let items = projected_items(&input, &arg(args, 0), "sum", evaluator)?;
    let mut total = Value::Number(0.0);
    for item in &items {
        total = total.add(item);
    }
    let start = match arg(args, 1) {
        Value::Undefined => Value::Number(0.0),
        v => v,
    };
    Ok(start.add(&total))
}

/// The items sorted (`reverse`, `case_sensitive`, by an `attribute` path), `undefined` last.
/// Example: `${{ ["b", "A", "c"] | sort }}` → `A,b,c`
fn sort(input: Value, args: &[Value], evaluator: &mut Evaluator) -> Result<Value> {
    let mut items = array_like(&input, evaluator)?.unwrap_or_default();
    let reverse = arg(args, 0).truthy();
    let case_sensitive = arg(args, 1).truthy();
    let path = attribute_path(&arg(args, 2));
    evaluator.charge_many(items.len())?;
    // As Array.prototype.sort: `undefined` items go last and are never compared.
    let undefined_count = items.iter().filter(|v| v.is_undefined()).count();
    items.retain(|v| !v.is_undefined());
    let mut keyed = Vec::with_capacity(items.len());
    for item in items.drain(..) {
        let mut key = lookup_path(&item, &path)?;
        if !case_sensitive {
            if let Some(text) = key.as_text() {
                key = Value::str(text.to_lowercase());
            }
        }
        keyed.push((key, item));
    }
    crate::sort::sort_by(&mut keyed, |(x, _), (y, _)| js_sort_order(x, y, reverse));
    let mut sorted: Vec<Value> = keyed.into_iter().map(|(_, item)| item).collect();
    sorted.extend(std::iter::repeat_n(Value::Undefined, undefined_count));
    Ok(Value::array(sorted))
}

/// The items whose attribute is truthy.
/// Example: `${{ [{on: true, n: 1}, {on: false, n: 2}] | selectattr("on") | length }}` → `1`
fn selectattr(input: Value, args: &[Value], _: &mut Evaluator) -> Result<Value> {
    attribute_filter(&input, args, "selectattr", true)
}

/// The items whose attribute is falsy.
/// Example: `${{ [{on: true, n: 1}, {on: false, n: 2}] | rejectattr("on") | length }}` → `1`
fn rejectattr(input: Value, args: &[Value], _: &mut Evaluator) -> Result<Value> {
    attribute_filter(&input, args, "rejectattr", false)
}

fn attribute_filter(input: &Value, args: &[Value], name: &str, select: bool) -> Result<Value> {
    let Value::Array(items) = input else { return Err(err(format!("{name} needs an array"))) };
    let key = arg(args, 0).to_js_string();
    let mut kept = Vec::new();
    for item in items.borrow().iter() {
        if direct_attribute(item, &key)?.truthy() == select {
            kept.push(item.clone());
        }
    }
    Ok(Value::array(kept))
}

/// The items that pass a test (`truthy` by default), given the test's other arguments.
/// Example: `${{ [1, 2, 3, 4] | select("odd") }}` → `1,3`
fn select(input: Value, args: &[Value], evaluator: &mut Evaluator) -> Result<Value> {
    test_filter(&input, args, "select", true, evaluator)
}

/// The items that fail a test (`truthy` by default).
/// Example: `${{ [1, 2, 3, 4] | reject("odd") }}` → `2,4`
fn reject(input: Value, args: &[Value], evaluator: &mut Evaluator) -> Result<Value> {
    test_filter(&input, args, "reject", false, evaluator)
}

fn test_filter(input: &Value, args: &[Value], name: &str, select: bool, evaluator: &mut Evaluator) -> Result<Value> {
    let test = match arg(args, 0) {
        Value::Undefined => "truthy".to_string(),
        other => other.to_js_string(),
    };
    if super::predicates::arity(&test).is_none() {
        return Err(err(format!("unknown test `{test}`")));
    }
    let items = match input {
        Value::Undefined | Value::Null => return Err(err(format!("{name} needs a sequence"))),
        Value::Object(entries) => present_indexed_values(entries, evaluator)?,
        other => match sequence(other) {
            Some(items) => items,
            None => return Ok(Value::array(Vec::new())),
        },
    };
    let test_args = args.get(1..).unwrap_or(&[]);
    let mut kept = Vec::new();
    for item in items {
        if super::predicates::apply(&test, &item, test_args)? == select {
            kept.push(item);
        }
    }
    Ok(Value::array(kept))
}

/// Every line but the first (unless `first`) indented by `width` (4) spaces.
/// Example: `${{ "a\nb" | indent(2) | dump }}` → `"a\n  b"`
fn indent(input: Value, args: &[Value], _: &mut Evaluator) -> Result<Value> {
    let normalized = or_empty_text(&input);
    let text = text_input(&normalized)?;
    if matches!(&normalized, Value::Str(s) if s.is_empty()) {
        return Ok(Value::str(""));
    }
    let width = if arg(args, 0).truthy() { arg(args, 0).to_number() } else { 4.0 };
    if width > 1e6 {
        return Err(err("the indentation is too wide"));
    }
    let indentation = spaces(width);
    let first = arg(args, 1).truthy();
    let lines: Vec<String> = text
        .split('\n')
        .enumerate()
        .map(|(i, line)| if i == 0 && !first { line.to_string() } else { format!("{indentation}{line}") })
        .collect();
    Ok(same_safety(&normalized, lines.join("\n")))
}

/// How many items, record entries or code units (0 for `undefined`, `null`, `false`).
/// Example: `${{ {a: 1, b: 2} | length }}` → `2`
fn length(input: Value, _: &[Value], _: &mut Evaluator) -> Result<Value> {
    Ok(match &input {
        Value::Array(items) => Value::Number(items.borrow().len() as f64),
        Value::Object(entries) => Value::Number(entries.len() as f64),
        Value::Str(s) | Value::Safe(s) => Value::Number(utf16_len(s) as f64),
        Value::Undefined | Value::Null | Value::Bool(false) => Value::Number(0.0),
        _ => Value::Undefined,
    })
}

/// An array: itself, a string's code units, or a record's `{key, value}` entries.
/// Example: `${{ "ab" | list | dump }}` → `["a","b"]`
fn list(input: Value, _: &[Value], _: &mut Evaluator) -> Result<Value> {
    Ok(match &input {
        Value::Array(_) => input,
        Value::Str(s) | Value::Safe(s) => Value::array(code_units(s)),
        Value::Object(entries) => Value::array(
            entries
                .iter()
                .map(|(k, v)| {
                    Value::object(
                        [(Rc::from("key"), Value::Str(k.clone())), (Rc::from("value"), v.clone())]
                            .into_iter()
                            .collect(),
                    )
                })
                .collect(),
        ),
        _ => return Err(err("list needs an iterable value")),
    })
}

/// The text lower-cased.
/// Example: `${{ "ABC" | lower }}` → `abc`
fn lower(input: Value, _: &[Value], _: &mut Evaluator) -> Result<Value> {
    Ok(Value::str(text_input(&input)?.to_lowercase()))
}

/// The text upper-cased.
/// Example: `${{ "abc" | upper }}` → `ABC`
fn upper(input: Value, _: &[Value], _: &mut Evaluator) -> Result<Value> {
    Ok(Value::str(text_input(&input)?.to_uppercase()))
}

/// Each line break (`\n` or `\r\n`) becomes `<br />` and a line break.
/// Example: `${{ "a\nb" | nl2br | dump }}` → `"a<br />\nb"`
fn nl2br(input: Value, _: &[Value], _: &mut Evaluator) -> Result<Value> {
    let text = if input.is_nullish() { Rc::from("") } else { text_input(&input)? };
    // JavaScript's `replace(/\r\n|\n/g, '<br />\n')`: both line ends become one break.
    Ok(same_safety(&input, text.replace("\r\n", "\n").replace('\n', "<br />\n")))
}

/// One item picked at random.
/// Example: `${{ [7] | random }}` → `7`
fn random(input: Value, _: &[Value], evaluator: &mut Evaluator) -> Result<Value> {
    if input.is_nullish() {
        return Err(err("random needs a sequence"));
    }
    let items = array_like(&input, evaluator)?.unwrap_or_default();
    Ok(if items.is_empty() { Value::Undefined } else { items[random_index(items.len())].clone() })
}

/// `replace(search, replacement, count)`: every occurrence of a string (or up to `count`), or
/// the matches of a regular expression as JavaScript's `String.replace` finds them.
/// Example: `${{ "a-b-c" | replace("-", "+", 1) }}` → `a+b-c`
fn replace_filter(input: Value, args: &[Value], evaluator: &mut Evaluator) -> Result<Value> {
    replace(&input, args, evaluator.scratch_limit())
}

/// Rounded to `precision` digits, halves up (`"ceil"`/`"floor"` as the method).
/// Example: `${{ 2.345 | round(1, "floor") }}` → `2.3`
fn round(input: Value, args: &[Value], _: &mut Evaluator) -> Result<Value> {
    let precision = if arg(args, 0).truthy() { arg(args, 0).to_number() } else { 0.0 };
    let factor = super::eval::js_pow(10.0, precision);
    let scaled = input.to_number() * factor;
    // Compared with `===`: a safe string "ceil" does not count.
    let rounded = match &arg(args, 1) {
        Value::Str(m) if &**m == "ceil" => scaled.ceil(),
        Value::Str(m) if &**m == "floor" => scaled.floor(),
        _ => js_round(scaled),
    };
    Ok(Value::Number(rounded / factor))
}

/// The items cut into `count` parts as even as possible, the short ones padded with `fill`.
/// Example: `${{ [1, 2, 3] | slice(2) | dump }}` → `[[1,2],[3]]`
fn slice(input: Value, args: &[Value], _: &mut Evaluator) -> Result<Value> {
    let Some(items) = sequence(&input) else { return Err(err("slice needs a sequence")) };
    let count = arg(args, 0).to_number().trunc();
    if !(1.0..=1e6).contains(&count) {
        return Err(err("the slice count must be a positive integer"));
    }
    let count = count as usize;
    let fill = args.get(1).cloned().filter(Value::truthy);
    let is_text = input.as_text().is_some();
    let base = items.len() / count;
    let extra = items.len() % count;
    let mut offset = 0;
    let mut out = Vec::new();
    for i in 0..count {
        let length = base + usize::from(i < extra);
        let mut part = items[offset..offset + length].to_vec();
        offset += length;
        if is_text {
            if fill.is_some() && i >= extra {
                return Err(err("slice cannot append a fill value to a string"));
            }
            out.push(Value::str(part.iter().map(Value::to_js_string).collect::<String>()));
            continue;
        }
        if let Some(fill) = &fill {
            if i >= extra {
                part.push(fill.clone());
            }
        }
        out.push(Value::array(part));
    }
    Ok(Value::array(out))
}

/// The value as text, as `${{ }}` prints it (`undefined` and `null` are errors).
/// Example: `${{ [1, 2] | string | length }}` → `3`
fn string(input: Value, _: &[Value], _: &mut Evaluator) -> Result<Value> {
    Ok(match &input {
        Value::Undefined | Value::Null => return Err(err("string needs a value")),
        Value::Safe(_) => input,
        other => Value::str(other.render()),
    })
}

/// The text without HTML tags and comments, whitespace collapsed (line breaks kept, at most two
/// in a row, with `preserve_linebreaks`).
/// Example: `${{ "<p>a  <b>b</b></p>" | striptags }}` → `a b`
fn striptags(input: Value, args: &[Value], _: &mut Evaluator) -> Result<Value> {
    let text = text_input(&input)?;
    let stripped = strip_tags(&text);
    let trimmed = stripped.trim_matches(is_js_whitespace);
    let out = if arg(args, 0).truthy() {
        let lines: Vec<&str> = trimmed.split('\n').map(|l| l.trim_matches(' ')).collect();
        let joined = lines.join("\n");
        let collapsed = collapse(&joined, |c| c == ' ', " ");
        let unix = collapsed.replace("\r\n", "\n");
        let mut out = String::new();
        let mut newlines = 0;
        for c in unix.chars() {
            if c == '\n' {
                newlines += 1;
                continue;
            }
            if newlines > 0 {
                // Three or more line breaks become two (`/\n\n\n+/` → `\n\n`).
                out.push_str(if newlines >= 2 { "\n\n" } else { "\n" });
                newlines = 0;
            }
            out.push(c);
        }
        if newlines > 0 {
            out.push_str(if newlines >= 2 { "\n\n" } else { "\n" });
        }
        out
    } else {
        collapse(trimmed, is_js_whitespace, " ")
    };
    Ok(same_safety(&input, out))
}

/// Each space-separated word capitalised.
/// Example: `${{ "hello wORLD" | title }}` → `Hello World`
fn title(input: Value, _: &[Value], _: &mut Evaluator) -> Result<Value> {
    let text = text_input(&input)?;
    let words: Vec<String> = text
        .split(' ')
        .map(|word| {
            let lower = word.to_lowercase();
            let mut chars = lower.chars();
            match chars.next() {
                Some(first) => first.to_uppercase().chain(chars).collect(),
                None => String::new(),
            }
        })
        .collect();
    Ok(same_safety(&input, words.join(" ")))
}

/// The text without leading and trailing whitespace.
/// Example: `[${{ "  a  " | trim }}]` → `[a]`
fn trim(input: Value, _: &[Value], _: &mut Evaluator) -> Result<Value> {
    let Some(text) = input.as_text() else { return Err(err("trim needs a string")) };
    Ok(same_safety(&input, text.trim_matches(is_js_whitespace).to_string()))
}

/// Text longer than `length` (255) cut at a word boundary (or exactly, with `killwords`),
/// followed by `end` (`...`).
/// Example: `${{ "hello world" | truncate(8) }}` → `hello...`
fn truncate(input: Value, args: &[Value], _: &mut Evaluator) -> Result<Value> {
    let normalized = or_empty_text(&input);
    let limit = if arg(args, 0).truthy() { arg(args, 0) } else { Value::Number(255.0) };
    let length = direct_length(&normalized);
    if matches!(length.compare(&limit), Some(std::cmp::Ordering::Less | std::cmp::Ordering::Equal)) {
        return Ok(normalized);
    }
    let text = text_input(&normalized)?;
    let units: Vec<u16> = text.encode_utf16().collect();
    let n = limit.to_number();
    // `substring(0, n)` reads NaN as 0; `lastIndexOf(' ', n)` reads NaN as the end.
    let clamp = |x: f64| if x.is_nan() || x < 0.0 { 0 } else { (x as usize).min(units.len()) };
    let cut = clamp(n);
    let end = if arg(args, 1).truthy() {
        cut
    } else {
        let from = if n.is_nan() { units.len() } else { cut };
        let from = from.min(units.len().saturating_sub(1));
        (0..=from).rev().find(|&i| units.get(i) == Some(&(b' ' as u16))).unwrap_or(cut)
    };
    let tail = match arg(args, 2) {
        Value::Undefined | Value::Null => "...".to_string(),
        v => v.to_js_string(),
    };
    Ok(same_safety(&input, format!("{}{}", String::from_utf16_lossy(&units[..end]), tail)))
}

/// `encodeURIComponent` of the text, or `k=v&…` of a record or of `[key, value]` pairs.
/// Example: `${{ {q: "a b", n: 1} | urlencode }}` → `q=a%20b&n=1`
fn urlencode_filter(input: Value, _: &[Value], _: &mut Evaluator) -> Result<Value> {
    Ok(Value::str(urlencode(&input)?))
}

/// URLs, `www.` addresses, e-mail addresses and .org/.net/.com names in the text made links,
/// their text cut to `length`, `rel="nofollow"` with `nofollow`.
/// Example: `${{ "see www.x.org" | urlize }}` → `see <a href="http://www.x.org">www.x.org</a>`
fn urlize(input: Value, args: &[Value], _: &mut Evaluator) -> Result<Value> {
    let Some(text) = input.as_text() else { return Err(err("urlize needs a string")) };
    let limit = match arg(args, 0) {
        Value::Undefined => usize::MAX,
        Value::Number(n) if n.is_nan() => usize::MAX,
        other => {
            let n = other.to_number();
            if n.is_nan() || n <= 0.0 {
                0
            } else {
                n.min(1e15) as usize
            }
        }
    };
    let nofollow = if matches!(arg(args, 1), Value::Bool(true)) { " rel=\"nofollow\"" } else { "" };
    let mut out = String::new();
    let mut word = String::new();
    for c in text.chars() {
        if is_js_whitespace(c) {
            if !word.is_empty() {
                out.push_str(&urlize_word(&std::mem::take(&mut word), limit, nofollow));
            }
            out.push(c);
        } else {
            word.push(c);
        }
    }
    if !word.is_empty() {
        out.push_str(&urlize_word(&word, limit, nofollow));
    }
    Ok(Value::str(out))
}

/// How many words (runs of letters, digits and `_`); `null` when none.
/// Example: `${{ "one two, three" | wordcount }}` → `3`
fn wordcount(input: Value, _: &[Value], _: &mut Evaluator) -> Result<Value> {
    let normalized = or_empty_text(&input);
    if !normalized.truthy() {
        return Ok(Value::Null);
    }
    let text = text_input(&normalized)?;
    let count = text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).filter(|w| !w.is_empty()).count();
    Ok(if count == 0 { Value::Null } else { Value::Number(count as f64) })
}

/// `JSON.stringify(value, null, indent)`; `undefined` (and functions) give `undefined`.
pub(crate) fn dump(value: &Value, indent: &Value) -> Result<Value> {
    let indent = match indent {
        Value::Number(n) if *n >= 1.0 => " ".repeat((*n as usize).min(10)),
        Value::Str(s) => s.chars().take(10).collect(),
        _ => String::new(),
    };
    let mut out = String::new();
    if !write_json(value, &indent, 0, &mut out) {
        return Ok(Value::Undefined);
    }
    Ok(Value::str(out))
}

/// Writes JSON as `JSON.stringify` does; false when the value has no JSON form (`undefined`).
/// Containers are walked within the bounds of [`super::walk`] (`level` containers down).
pub fn write_json(value: &Value, indent: &str, level: usize, out: &mut String) -> bool {
    match value {
        Value::Undefined | Value::Callable(_) => return false,
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => {
            if n.is_finite() {
                out.push_str(&super::value::number_to_string(*n))
            } else {
                out.push_str("null")
            }
        }
        Value::Str(s) | Value::Safe(s) => write_json_string(s, out),
        Value::Regex(_) => out.push_str("{}"),
        Value::Array(items) => {
            let items = items.borrow();
            if items.is_empty() {
                out.push_str("[]");
                return true;
            }
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if !super::walk::step(level + 1) {
                    return true;
                }
                if i > 0 {
                    out.push(',');
                }
                newline(indent, level + 1, out);
                if !write_json(item, indent, level + 1, out) {
                    out.push_str("null");
                }
            }
            newline(indent, level, out);
            out.push(']');
        }
        Value::Object(entries) => {
            let mut first = true;
            out.push('{');
            for (key, item) in entries.iter() {
                if !super::walk::step(level + 1) {
                    return true;
                }
                if matches!(item, Value::Undefined | Value::Callable(_)) {
                    continue;
                }
                if !first {
                    out.push(',');
                }
                first = false;
                newline(indent, level + 1, out);
                write_json_string(key, out);
                out.push(':');
                if !indent.is_empty() {
                    out.push(' ');
                }
                write_json(item, indent, level + 1, out);
            }
            if !first {
                newline(indent, level, out);
            }
            out.push('}');
        }
    }
    true
}

fn newline(indent: &str, level: usize, out: &mut String) {
    if !indent.is_empty() {
        out.push('\n');
        for _ in 0..level {
            out.push_str(indent);
        }
    }
}

pub(crate) fn write_json_string(s: &str, out: &mut String) {
    out.push('"');
    // Copy runs of ordinary characters at once; escape only `"`, `\` and control characters.
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if b >= 0x20 && b != b'"' && b != b'\\' {
            continue;
        }
        out.push_str(&s[start..i]);
        match b {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            0x08 => out.push_str("\\b"),
            0x0c => out.push_str("\\f"),
            _ => out.push_str(&format!("\\u{b:04x}")),
        }
        start = i + 1;
    }
    out.push_str(&s[start..]);
    out.push('"');
}

fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\\' => out.push_str("&#92;"),
            c => out.push(c),
        }
    }
    out
}

/// Sort order of Nunjucks' `sort`/`dictsort`: `<` and `>` with JavaScript coercions.
fn js_sort_order(x: &Value, y: &Value, reverse: bool) -> std::cmp::Ordering {
    use std::cmp::Ordering::*;
    let lt = x.compare(y) == Some(Less);
    let gt = x.compare(y) == Some(Greater);
    match (lt, gt, reverse) {
        (true, _, false) | (_, true, true) => Less,
        (true, _, true) | (_, true, false) => Greater,
        _ => Equal,
    }
}

/// `Math.round`: halves round towards +∞.
pub(crate) fn js_round(x: f64) -> f64 {
    if !x.is_finite() {
        return x;
    }
    let floor = x.floor();
    if x - floor >= 0.5 {
        floor + 1.0
    } else {
        floor
    }
}

/// `parseFloat`.
pub(crate) fn parse_float(text: &str) -> f64 {
    let s = text.trim_start_matches(is_js_whitespace);
    let (sign, rest) = match s.as_bytes().first() {
        Some(b'-') => (-1.0, &s[1..]),
        Some(b'+') => (1.0, &s[1..]),
        _ => (1.0, s),
    };
    if rest.starts_with("Infinity") {
        return sign * f64::INFINITY;
    }
    match decimal_literal_len(rest) {
        Some(n) => sign * rest[..n].parse::<f64>().unwrap_or(f64::NAN),
        None => f64::NAN,
    }
}

/// `parseInt(text, radix)`.
pub(crate) fn parse_int(text: &str, radix: f64) -> f64 {
    let s = text.trim_start_matches(is_js_whitespace);
    let (sign, mut rest) = match s.as_bytes().first() {
        Some(b'-') => (-1.0, &s[1..]),
        Some(b'+') => (1.0, &s[1..]),
        _ => (1.0, s),
    };
    let mut radix = if radix.is_nan() { 0 } else { radix as i64 };
    if radix == 0 {
        radix = 10;
        if rest.starts_with("0x") || rest.starts_with("0X") {
            radix = 16;
            rest = &rest[2..];
        }
    } else if radix == 16 && (rest.starts_with("0x") || rest.starts_with("0X")) {
        rest = &rest[2..];
    }
    if !(2..=36).contains(&radix) {
        return f64::NAN;
    }
    let digits: Vec<u32> = rest.chars().map_while(|c| c.to_digit(radix as u32)).collect();
    if digits.is_empty() {
        return f64::NAN;
    }
    sign * digits.iter().fold(0.0, |acc, d| acc * radix as f64 + f64::from(*d))
}

fn collapse(text: &str, is_space: impl Fn(char) -> bool, with: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_space = false;
    for c in text.chars() {
        if is_space(c) {
            if !in_space {
                out.push_str(with);
            }
            in_space = true;
        } else {
            out.push(c);
            in_space = false;
        }
    }
    out
}

/// Removes HTML tags and comments until none are left (Nunjitsu strips to a fixed point).
fn strip_tags(text: &str) -> String {
    thread_local! {
        static TAG: regex::Regex =
            regex::Regex::new(r"(?i)</?([a-z][a-z0-9]*)(?-u:\b)[^>]*>|<!--[\s\S]*?-->").expect("static pattern");
    }
    let mut current = text.to_string();
    for _ in 0..64 {
        let next = TAG.with(|re| re.replace_all(&current, "").into_owned());
        if next == current {
            break;
        }
        current = next;
    }
    current
}

/// The `replace` filter; the result is bounded by `max_bytes` (the scratch limit).
fn replace(input: &Value, args: &[Value], max_bytes: usize) -> Result<Value> {
    let search = arg(args, 0);
    let replacement = arg(args, 1);
    if let Value::Regex(regex) = &search {
        let Some(text) = input.as_text() else { return Err(err("replacing with a regular expression needs a string")) };
        return Ok(Value::str(super::methods::regex_replace(text, regex, &replacement.to_js_string(), max_bytes)?));
    }
    let search = match &search {
        Value::Str(s) => s.to_string(),
        Value::Number(n) => super::value::number_to_string(*n),
        _ => return Ok(input.clone()),
    };
    // A number is replaced in as its text, and stays text even when nothing matched.
    let number_text;
    let input = match input {
        Value::Number(n) => {
            number_text = Value::str(super::value::number_to_string(*n));
            &number_text
        }
        other => other,
    };
    let text = match input {
        Value::Str(s) | Value::Safe(s) => s.to_string(),
        _ => return Ok(input.clone()),
    };
    let max = match arg(args, 2) {
        Value::Undefined => -1.0,
        v => v.to_number(),
    };
    let new = replacement.to_js_string();
    if search.is_empty() {
        // `new + str.split('').join(new) + new`: `join(undefined)` joins with commas.
        let joiner = if replacement.is_undefined() { ",".to_string() } else { new.clone() };
        let units: Vec<String> = code_units(&text).iter().map(Value::to_js_string).collect();
        let joined = super::eval::join_bounded(&units, &joiner, max_bytes)?;
        let mut out = super::eval::BoundedText::new(max_bytes);
        for part in [new.as_str(), joined.as_str(), new.as_str()] {
            out.push(part)?;
        }
        return Ok(same_safety(input, out.text));
    }
    if max == 0.0 || !text.contains(&search) {
        return Ok(input.clone());
    }
    let mut out = super::eval::BoundedText::new(max_bytes);
    let mut rest = text.as_str();
    let mut count = 0.0;
    while let Some(at) = rest.find(&search) {
        if max != -1.0 && count >= max {
            break;
        }
        out.push(&rest[..at])?;
        out.push(&new)?;
        rest = &rest[at + search.len()..];
        count += 1.0;
    }
    out.push(rest)?;
    Ok(same_safety(input, out.text))
}

fn urlencode(input: &Value) -> Result<String> {
    let pair = |k: &Value, v: &Value| {
        format!("{}={}", encode_uri_component(&k.to_js_string()), encode_uri_component(&v.to_js_string()))
    };
    Ok(match input {
        Value::Str(s) | Value::Safe(s) => encode_uri_component(s),
        Value::Array(items) => {
            let mut parts = Vec::new();
            for item in items.borrow().iter() {
                if item.is_nullish() {
                    return Err(err("urlencode needs [key, value] pairs, not null"));
                }
                let (k, v) = match item {
                    Value::Array(_) | Value::Object(_) | Value::Str(_) | Value::Safe(_) => (
                        item.own_property("0").unwrap_or(Value::Undefined),
                        item.own_property("1").unwrap_or(Value::Undefined),
                    ),
                    _ => (Value::Undefined, Value::Undefined),
                };
                parts.push(pair(&k, &v));
            }
            parts.join("&")
        }
        Value::Object(entries) => {
            entries.iter().map(|(k, v)| pair(&Value::Str(k.clone()), v)).collect::<Vec<_>>().join("&")
        }
        _ => String::new(),
    })
}

/// `encodeURIComponent`.
pub(crate) fn encode_uri_component(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'!' | b'~' | b'*' | b'\'' | b'(' | b')' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// One word: a link when it looks like a URL, `www.` address, e-mail or .org/.net/.com domain.
fn urlize_word(word: &str, limit: usize, nofollow: &str) -> String {
    let inner =
        word.strip_prefix('(').or_else(|| word.strip_prefix("&lt;")).or_else(|| word.strip_prefix('<')).unwrap_or(word);
    let inner = [".", ",", ")", "\n", "&gt;"].iter().find_map(|p| inner.strip_suffix(p)).unwrap_or(inner);
    let units: Vec<u16> = inner.encode_utf16().collect();
    let short = String::from_utf16_lossy(&units[..limit.min(units.len())]);
    thread_local! {
        static EMAIL: regex::Regex =
            regex::Regex::new(r"(?i)^[A-Za-z0-9_.!#$%&'*+\-/=?^`{|}~]+@[a-z0-9-]+(?:\.[a-z0-9-]+)+$").expect("static pattern");
        static COMMON: regex::Regex = regex::Regex::new(r"\.(?:org|net|com)(?::|/|$)").expect("static pattern");
    }
    if inner.starts_with("http://") || inner.starts_with("https://") {
        format!("<a href=\"{inner}\"{nofollow}>{short}</a>")
    } else if inner.starts_with("www.") {
        format!("<a href=\"http://{inner}\"{nofollow}>{short}</a>")
    } else if EMAIL.with(|re| re.is_match(inner)) {
        format!("<a href=\"mailto:{inner}\">{inner}</a>")
    } else if COMMON.with(|re| re.is_match(inner)) {
        format!("<a href=\"http://{inner}\"{nofollow}>{short}</a>")
    } else {
        word.to_string()
    }
}

fn random_index(len: usize) -> usize {
    let mut bytes = [0u8; 8];
    if getrandom_fill(&mut bytes).is_err() {
        return 0;
    }
    (u64::from_le_bytes(bytes) % len as u64) as usize
}

#[cfg(target_arch = "wasm32")]
fn getrandom_fill(bytes: &mut [u8]) -> std::result::Result<(), ()> {
    getrandom::fill(bytes).map_err(|_| ())
}

#[cfg(not(target_arch = "wasm32"))]
fn getrandom_fill(bytes: &mut [u8]) -> std::result::Result<(), ()> {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_usize(bytes.as_ptr() as usize);
    bytes.copy_from_slice(&hasher.finish().to_le_bytes()[..bytes.len().min(8)]);
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::engine::eval::Extensions;
    use crate::render::{render_string, Context, RenderOptions};

    /// `(function, source, output)` of every `/// Example: `source` → `output`` line in this file.
    fn examples() -> Vec<(String, String, String)> {
        let mut found = Vec::new();
        let mut pending = None;
        for line in include_str!("filters.rs").lines() {
            if let Some(example) = line.strip_prefix("/// Example: `") {
                let (source, output) = example.split_once("` → `").expect("an example: `source` → `output`");
                pending = Some((source.to_string(), output.strip_suffix('`').expect("closing backquote").to_string()));
            } else if let Some(rest) = line.strip_prefix("fn ") {
                if let Some((source, output)) = pending.take() {
                    found.push((rest.split('(').next().unwrap_or_default().to_string(), source, output));
                }
            }
        }
        found
    }

    #[test]
    fn every_filter_example_renders_as_documented() {
        let examples = examples();
        for filter in super::TABLE {
            let function = examples.iter().find(|(_, source, _)| source.contains(&format!("| {}", filter.name)));
            assert!(function.is_some(), "filter `{}` has no example", filter.name);
        }
        for (function, source, output) in &examples {
            let rendered =
                render_string(source, &Context::default(), &RenderOptions::default(), &Extensions::default());
            assert_eq!(rendered.as_deref(), Ok(output.as_str()), "{function}: {source}");
        }
    }
}
