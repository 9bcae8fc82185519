//! Outputs of actions a dry-run does not run, made up from their output schemas exactly as
//! scaffolder-backend 4.3.0's `generateExampleOutput` (`scaffolder/tasks/helper`) does.

use serde_json::{Map, Value};

/// `examples[0]` when the schema lists examples; objects property by property, arrays of one
/// item from the (first) `items` schema, `"<example>"` for strings, 0 for numbers, false for
/// booleans, `"<unknown>"` for anything else (integers and type lists included).
pub fn example_output(schema: &Value) -> Value {
    if let Some(Value::Array(examples)) = schema.get("examples") {
        // `examples[0]` of an empty list is `undefined`; the output then has no such key.
        return examples.first().cloned().unwrap_or(Value::Null);
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("object") => {
            let mut out = Map::new();
            if let Some(Value::Object(properties)) = schema.get("properties") {
                for (key, property) in properties {
                    out.insert(key.clone(), example_output(property));
                }
            }
            Value::Object(out)
        }
        Some("array") => {
            let first = match schema.get("items") {
                Some(Value::Array(items)) => items.first(),
                other => other,
            };
            match first {
                Some(item) if !item.is_null() && item != &Value::Bool(false) => {
                    Value::Array(vec![example_output(item)])
                }
                _ => Value::Array(Vec::new()),
            }
        }
        Some("string") => Value::String("<example>".into()),
        Some("number") => Value::from(0),
        Some("boolean") => Value::Bool(false),
        _ => Value::String("<unknown>".into()),
    }
}

/// The step output of an action a dry-run skips: the example of its output schema, `{}` without one.
pub fn faked_output(output_schema: Option<&Value>) -> Value {
    match output_schema {
        Some(schema) if schema.is_object() => example_output(schema),
        _ => Value::Object(Map::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn follows_generate_example_output() {
        let schema = json!({"type": "object", "properties": {
            "remoteUrl": {"type": "string"},
            "repoContentsUrl": {"type": "string", "examples": ["https://github.com/o/r/blob/main"]},
            "count": {"type": "number"}, "size": {"type": "integer"}, "ok": {"type": "boolean"},
            "tags": {"type": "array", "items": {"type": "string"}}, "none": {"type": "array"},
            "tuple": {"type": "array", "items": [{"type": "boolean"}, {"type": "string"}]},
            "nested": {"type": "object", "properties": {"id": {"type": "string"}}},
            "free": {"description": "no type"}
        }});
        assert_eq!(
            example_output(&schema),
            json!({"remoteUrl": "<example>", "repoContentsUrl": "https://github.com/o/r/blob/main", "count": 0,
                "size": "<unknown>", "ok": false, "tags": ["<example>"], "none": [], "tuple": [false],
                "nested": {"id": "<example>"}, "free": "<unknown>"})
        );
        assert_eq!(faked_output(None), json!({}));
        assert_eq!(faked_output(Some(&json!({"type": "string"}))), json!("<example>"));
    }
}
