//! Visits every schema inside a form page (properties, items, combinators, conditionals,
//! dependencies, definitions) with its JSON pointer, for the parameter-schema rules.

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
