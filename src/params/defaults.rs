//! Schema defaults filled in the way the Backstage form sends them.
//!
//! The form (react-jsonschema-form) starts every field at its `default`; nested objects get
//! their own fields' defaults; `allOf` members and `dependencies` whose trigger field is
//! present contribute too. Fields the user already gave are never touched.

use serde_json::{Map, Value};

/// How deep `$ref` chains are followed, so a self-referencing schema cannot loop.
const MAX_REF_DEPTH: usize = 32;

/// Fills defaults from `schema` into `values` (which must be an object to receive anything).
pub fn apply(schema: &Value, root: &Value, values: &mut Value) {
    if let Some(filled) = fill(schema, root, Some(values.clone()), 0) {
        *values = filled;
    }
}

fn resolve<'a>(schema: &'a Value, root: &'a Value, depth: usize) -> Option<&'a Value> {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(reference) if depth < MAX_REF_DEPTH => {
            let target = root.pointer(reference.strip_prefix('#')?)?;
            resolve(target, root, depth + 1)
        }
        Some(_) => None,
        None => Some(schema),
    }
}

fn fill(schema: &Value, root: &Value, value: Option<Value>, depth: usize) -> Option<Value> {
    let schema = resolve(schema, root, depth)?;
    let mut value = value.or_else(|| schema.get("default").cloned());

    if let Some(Value::Object(properties)) = schema.get("properties") {
        let mut object = match value.take() {
            Some(Value::Object(existing)) => existing,
            None => Map::new(),
            Some(other) => return Some(other),
        };
        let was_empty = object.is_empty();
        for (name, property) in properties {
            if let Some(filled) = fill(property, root, object.get(name).cloned(), depth + 1) {
                object.insert(name.clone(), filled);
            }
        }
        value = (!(was_empty && object.is_empty())).then_some(Value::Object(object));
    }

    if let Some(Value::Array(members)) = schema.get("allOf") {
        for member in members {
            value = fill(member, root, value.clone(), depth + 1).or(value);
        }
    }

    if let (Some(Value::Object(dependencies)), Some(Value::Object(present))) =
        (schema.get("dependencies"), value.as_ref())
    {
        let triggered: Vec<&Value> = dependencies
            .iter()
            .filter(|(name, dep)| present.contains_key(*name) && dep.is_object())
            .map(|(_, d)| d)
            .collect();
        for dependency in triggered {
            value = fill(dependency, root, value.clone(), depth + 1).or(value);
        }
    }

    if let (Some(Value::Array(items)), Some(item_schema)) = (value.as_mut(), schema.get("items")) {
        if item_schema.is_object() {
            for item in items.iter_mut() {
                if let Some(filled) = fill(item_schema, root, Some(item.clone()), depth + 1) {
                    *item = filled;
                }
            }
        }
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn fills_missing_fields_and_nested_objects_only() {
        let schema = json!({"properties": {
            "a": {"type": "string", "default": "x"},
            "b": {"type": "string", "default": "y"},
            "db": {"type": "object", "properties": {"size": {"default": "small"}, "name": {}}},
            "none": {"type": "object", "properties": {"n": {}}}
        }});
        let mut values = json!({"b": "given"});
        apply(&schema, &schema, &mut values);
        assert_eq!(values, json!({"b": "given", "a": "x", "db": {"size": "small"}}));
    }

    #[test]
    fn follows_refs_and_triggered_dependencies() {
        let schema = json!({
            "definitions": {"port": {"type": "integer", "default": 8080}},
            "properties": {"port": {"$ref": "#/definitions/port"}, "tls": {"type": "boolean"}},
            "dependencies": {"tls": {"properties": {"cert": {"default": "auto"}}}}
        });
        let mut values = json!({"tls": true});
        apply(&schema, &schema, &mut values);
        assert_eq!(values, json!({"tls": true, "port": 8080, "cert": "auto"}));
    }
}
