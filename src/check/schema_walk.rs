//! Visits every schema inside a form page (properties, items, combinators, conditionals,
//! dependencies, definitions) with its JSON pointer, for the parameter-schema rules; and the
//! schemas that declare a page's own fields ([`same_object_schemas`]).

use serde_json::Value;

use crate::yaml::escape_pointer_segment;

/// Calls `f(schema, pointer)` for the page and every schema nested in it.
pub fn each_schema(schema: &Value, pointer: &str, f: &mut dyn FnMut(&serde_json::Map<String, Value>, &str)) {
    walk(schema, pointer, f, 0);
}

fn walk(schema: &Value, pointer: &str, f: &mut dyn FnMut(&serde_json::Map<String, Value>, &str), depth: usize) {
    let Value::Object(map) = schema else { return };
    if depth > 64 {
        return;
    }
    f(map, pointer);
    for key in ["properties", "definitions", "$defs", "patternProperties", "dependencies"] {
        if let Some(Value::Object(children)) = map.get(key) {
            for (name, child) in children {
                walk(child, &format!("{pointer}/{key}/{}", escape_pointer_segment(name)), f, depth + 1);
            }
        }
    }
    for key in ["items", "additionalProperties", "additionalItems", "not", "if", "then", "else", "contains"] {
        match map.get(key) {
            Some(Value::Array(items)) => {
                for (i, item) in items.iter().enumerate() {
                    walk(item, &format!("{pointer}/{key}/{i}"), f, depth + 1);
                }
            }
            Some(child) => walk(child, &format!("{pointer}/{key}"), f, depth + 1),
            None => {}
        }
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some(Value::Array(items)) = map.get(key) {
            for (i, item) in items.iter().enumerate() {
                walk(item, &format!("{pointer}/{key}/{i}"), f, depth + 1);
            }
        }
    }
}

/// The schemas that describe the same object as `schema`: itself, its `allOf`/`anyOf`/`oneOf`
/// items, `then`/`else` (and `if` with `with_if`: a condition names fields without declaring
/// them), schema `dependencies` and local `$ref`s, followed 32 levels deep. The fields of a
/// form page are the `properties` of all of them.
pub fn same_object_schemas<'a>(schema: &'a Value, root: &'a Value, with_if: bool) -> Vec<&'a Value> {
    let mut out = Vec::new();
    collect_same_object(schema, root, with_if, 0, &mut out);
    out
}

fn collect_same_object<'a>(schema: &'a Value, root: &'a Value, with_if: bool, depth: usize, out: &mut Vec<&'a Value>) {
    if depth > 32 {
        return;
    }
    out.push(schema);
    let mut nested: Vec<&Value> = Vec::new();
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some(Value::Array(items)) = schema.get(key) {
            nested.extend(items);
        }
    }
    let conditional: &[&str] = if with_if { &["then", "else", "if"] } else { &["then", "else"] };
    nested.extend(conditional.iter().filter_map(|key| schema.get(*key)));
    if let Some(Value::Object(dependencies)) = schema.get("dependencies") {
        nested.extend(dependencies.values().filter(|v| v.is_object()));
    }
    if let Some(target) =
        schema.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix('#')).and_then(|p| root.pointer(p))
    {
        nested.push(target);
    }
    for schema in nested {
        collect_same_object(schema, root, with_if, depth + 1, out);
    }
}

/// The form pages of the template with their pointers.
pub fn pages(entity: &Value) -> Vec<(String, &Value)> {
    match entity.pointer("/spec/parameters") {
        Some(Value::Array(items)) => {
            items.iter().enumerate().map(|(i, p)| (format!("/spec/parameters/{i}"), p)).collect()
        }
        Some(page @ Value::Object(_)) => vec![("/spec/parameters".to_string(), page)],
        _ => Vec::new(),
    }
}
