//! Compiled JSON Schema validators, remembered for the rest of the run. Compiling a schema costs
//! far more than validating with it, and the rules compile the same schemas again and again: a
//! form field's own schema for its `default`, `const` and every `enum` entry, a page for its
//! verdict, an action's input property (`publish:github`'s `repoUrl`) in every template, and the
//! same pages in templates copied between repositories. Keyed by the schema's JSON text, so an
//! entry is only reused for an identical schema.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::thread::LocalKey;

use jsonschema::{Validator, ValidatorMap};
use serde_json::Value;

use crate::params::npm_compat::SchemaProblem;

/// How a schema is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dialect {
    /// A form page or field, as Backstage's npm `jsonschema` reads it (`params::build`).
    Form,
    /// An action's input schema: strict draft-07, as the scaffolder validates step input.
    Draft7,
}

type Compiled = Rc<Result<Validator, SchemaProblem>>;

/// An action's input schema compiled as one document: a validator for each of its subschemas,
/// keyed by URI-fragment pointer (`#/properties/repoUrl`). `None`: the schema cannot be compiled
/// whole, or refers to itself (`$ref`), so its properties are compiled one by one instead.
type InputMap = Rc<Option<ValidatorMap>>;

/// Entries kept before the memo starts over (a long-lived process checking many files).
const CAPACITY: usize = 4096;

thread_local! {
    static MEMO: RefCell<HashMap<(Dialect, String), Compiled>> = RefCell::new(HashMap::new());
    static INPUT_MAPS: RefCell<HashMap<String, InputMap>> = RefCell::new(HashMap::new());
    /// [`INPUT_MAPS`] by the schema's address, with the schema it held when seen (an entry is
    /// used only while the schema there is still equal): writing a whole action schema out as the
    /// key for every literal input cost more than the compile saved on a warm pass.
    static INPUT_MAPS_BY_ADDRESS: RefCell<HashMap<usize, (Value, InputMap)>> = RefCell::new(HashMap::new());
}

/// The value `memo` holds for `key`, made by `make` (and kept) when it holds none.
fn remembered<K: std::hash::Hash + Eq, T>(
    memo: &'static LocalKey<RefCell<HashMap<K, Rc<T>>>>,
    key: K,
    make: impl FnOnce() -> T,
) -> Rc<T> {
    if let Some(found) = memo.with(|memo| memo.borrow().get(&key).cloned()) {
        return found;
    }
    let made = Rc::new(make());
    memo.with(|memo| {
        let mut memo = memo.borrow_mut();
        if memo.len() >= CAPACITY {
            memo.clear();
        }
        memo.insert(key, made.clone());
    });
    made
}

/// `schema` compiled in `dialect` (or why it cannot be), from the memo when seen before.
pub fn compiled(dialect: Dialect, schema: &Value) -> Compiled {
    remembered(&MEMO, (dialect, schema.to_string()), || match dialect {
        Dialect::Form => crate::params::build(schema),
        Dialect::Draft7 => jsonschema::draft7::new(schema)
            .map_err(|error| SchemaProblem { pointer: String::new(), message: error.to_string() }),
    })
}

/// `input_schema` (an action's) compiled whole, from the memo when seen before. On wasm every
/// compile also rebuilds jsonschema's draft-07 meta-schema validator (about 1 ms, more than the
/// compile itself), so one compile per action instead of one per input checked halves the
/// compiles of a cold `trellis check` of the corpus' step inputs.
fn input_map(input_schema: &Value) -> InputMap {
    let address = std::ptr::from_ref(input_schema) as usize;
    let seen = INPUT_MAPS_BY_ADDRESS.with(|memo| {
        let memo = memo.borrow();
        memo.get(&address).filter(|(schema, _)| schema == input_schema).map(|(_, map)| map.clone())
    });
    if let Some(map) = seen {
        return map;
    }
    let text = input_schema.to_string();
    let self_referring = text.contains("\"$ref\"") || text.contains("\"$id\"");
    let map = remembered(&INPUT_MAPS, text, || {
        if self_referring {
            return None;
        }
        jsonschema::draft7::options().build_map(input_schema).ok()
    });
    INPUT_MAPS_BY_ADDRESS.with(|memo| {
        let mut memo = memo.borrow_mut();
        if memo.len() >= CAPACITY {
            memo.clear();
        }
        memo.insert(address, (input_schema.clone(), map.clone()));
    });
    map
}

/// The first reason `value` fails the schema of input `name` of an action whose input schema is
/// `input_schema` (`None` when it has no such input or the schema is unusable), as jsonschema
/// words it: [`first_violation`] in the draft-07 dialect of the input's own schema.
pub fn first_input_violation(input_schema: &Value, name: &str, value: &Value) -> Option<Result<(), String>> {
    let property = input_schema.get("properties")?.get(name)?;
    let map = input_map(input_schema);
    let pointer = format!("#/properties/{}", crate::yaml::escape_pointer_segment(name));
    let Some(validator) = map.as_ref().as_ref().and_then(|map| map.get(&pointer)) else {
        return first_violation(Dialect::Draft7, property, value);
    };
    let first = validator.iter_errors(value).next().map(|error| error.to_string());
    Some(first.map_or(Ok(()), Err))
}

/// Why Backstage cannot use `schema` as a form page (see `params::page_schema_problem`).
pub fn page_problem(schema: &Value) -> Option<SchemaProblem> {
    compiled(Dialect::Form, schema).as_ref().as_ref().err().cloned()
}

/// The type of a form field schema that says nothing but `type` (one of JSON Schema's seven
/// names) and what only the form reads (`title`, `description`, `ui:*`, …): most fields with a
/// `default` or an `enum`. Checked without compiling: on wasm every compile also rebuilds the
/// draft-07 meta-schema validator, which costs more than the rest of the check of such a field.
fn only_type(schema: &Value) -> Option<&str> {
    const TYPES: [&str; 7] = ["string", "number", "integer", "boolean", "object", "array", "null"];
    let map = schema.as_object()?;
    let type_name = map.get("type")?.as_str().filter(|t| TYPES.contains(t))?;
    let annotation = |key: &str, value: &Value| match key {
        "type" => true,
        "title" | "description" | "$comment" => value.is_string(),
        "readOnly" | "writeOnly" => value.is_boolean(),
        // Unknown keywords: neither npm's jsonschema nor the meta-schema reads them.
        "enumNames" => true,
        other => other.starts_with("ui:"),
    };
    map.iter().all(|(key, value)| annotation(key, value)).then_some(type_name)
}

fn has_type(type_name: &str, value: &Value) -> bool {
    match type_name {
        "string" => value.is_string(),
        "number" => value.is_number(),
        "integer" => value.as_f64().is_some_and(|n| n.fract() == 0.0),
        "boolean" => value.is_boolean(),
        "object" => value.is_object(),
        "array" => value.is_array(),
        _ => value.is_null(),
    }
}

/// The first reason `value` fails `schema` (`None` when the schema is unusable): for form
/// fields in the words `trellis params` uses, for action inputs as jsonschema words it.
pub fn first_violation(dialect: Dialect, schema: &Value, value: &Value) -> Option<Result<(), String>> {
    if let (Dialect::Form, Some(type_name)) = (dialect, only_type(schema)) {
        let must_be = || format!("must be {}", crate::params::messages::article(type_name));
        return Some(if has_type(type_name, value) { Ok(()) } else { Err(must_be()) });
    }
    let compiled = compiled(dialect, schema);
    let validator = compiled.as_ref().as_ref().ok()?;
    let first = validator.iter_errors(value).next().map(|error| match dialect {
        Dialect::Form => crate::params::messages::describe(error.kind()),
        Dialect::Draft7 => error.to_string(),
    });
    Some(first.map_or(Ok(()), Err))
}

/// `params::first_violation_at` (the first error's JSON pointer inside `value` and message, as
/// Backstage's npm `jsonschema` words it) with the form schema compiled once per run: the dry-run
/// checks every step's input against its action's schema, the same few schemas for every step.
pub fn first_violation_at(schema: &Value, value: &Value) -> Option<Result<(), (String, String)>> {
    let compiled = compiled(Dialect::Form, schema);
    let validator = compiled.as_ref().as_ref().ok()?;
    let first = validator
        .iter_errors(value)
        .next()
        .map(|e| (e.instance_path().to_string(), crate::params::messages::describe(e.kind())));
    Some(first.map_or(Ok(()), Err))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// The shortcut for type-only fields gives the compiled validator's verdict and words.
    #[test]
    fn type_only_fields_agree_with_the_compiled_schema() {
        let values = [json!("a"), json!(1), json!(1.0), json!(1.5), json!(true), json!({}), json!([]), json!(null)];
        for type_name in ["string", "number", "integer", "boolean", "object", "array", "null"] {
            let schema = json!({"type": type_name, "title": "T", "ui:widget": "x", "enumNames": ["a"]});
            assert_eq!(only_type(&schema), Some(type_name));
            let compiled = crate::params::build(&schema).expect("valid schema");
            for value in &values {
                let expected = compiled.iter_errors(value).next().map(|e| crate::params::messages::describe(e.kind()));
                assert_eq!(first_violation(Dialect::Form, &schema, value), Some(expected.map_or(Ok(()), Err)));
            }
        }
        for compiled in [
            json!({"type": "string", "pattern": "^a"}),
            json!({"type": "strnig"}),
            json!({"type": "string", "title": 5}),
        ] {
            assert_eq!(only_type(&compiled), None, "{compiled}");
        }
    }

    /// An action input checked through its action's schema compiled whole gives the verdict and
    /// words of its own schema compiled alone, for every input of every known action.
    #[test]
    fn inputs_checked_through_the_whole_schema_agree_with_their_own_schema() {
        let values = [json!("a"), json!(""), json!(1), json!(1.5), json!(-3), json!(true), json!(null)];
        let values = values.into_iter().chain([json!({}), json!({"a": 1}), json!([]), json!(["a", 1])]);
        let values: Vec<Value> = values.collect();
        let mut checked = 0;
        for action in &crate::manifest::Manifest::builtin_and_modules().actions {
            let Some(schema) = action.schema.input.as_ref() else { continue };
            let Some(properties) = schema.get("properties").and_then(Value::as_object) else { continue };
            for (name, property) in properties {
                let samples = property.get("enum").and_then(Value::as_array).into_iter().flatten();
                for value in values.iter().chain(samples) {
                    let alone = first_violation(Dialect::Draft7, property, value);
                    assert_eq!(first_input_violation(schema, name, value), alone, "{} {name} {value}", action.id);
                    checked += 1;
                }
            }
        }
        assert!(checked > 1000, "only {checked} inputs checked");
        let github = crate::manifest::Manifest::builtin_and_modules().action("publish:github").expect("publish:github");
        assert!(input_map(github.schema.input.as_ref().expect("input schema")).is_some());
    }

    /// A schema that refers to itself is not read whole: its inputs keep their own verdicts (here
    /// none, as `#/definitions/…` does not resolve inside the property's schema alone).
    #[test]
    fn self_referring_input_schemas_are_read_input_by_input() {
        let schema = json!({
            "definitions": {"name": {"type": "string"}},
            "properties": {"name": {"$ref": "#/definitions/name"}, "count": {"type": "integer"}}
        });
        assert!(input_map(&schema).is_none());
        assert_eq!(first_input_violation(&schema, "name", &json!(1)), None);
        assert_eq!(
            first_input_violation(&schema, "count", &json!("x")),
            first_violation(Dialect::Draft7, &schema["properties"]["count"], &json!("x"))
        );
        assert_eq!(first_input_violation(&schema, "missing", &json!(1)), None);
    }

    #[test]
    fn remembered_input_verdicts_are_the_dry_runs() {
        let schemas = [
            json!({"type": "object", "required": ["message"], "properties": {"message": {"type": "string"}}}),
            json!({"type": "strnig"}),
            json!({"type": "object", "properties": {"n": {"type": "integer", "minimum": 3}}}),
        ];
        for schema in &schemas {
            for input in [json!({"message": "x"}), json!({"message": 1}), json!({}), json!([]), json!({"n": 2})] {
                for _ in 0..2 {
                    assert_eq!(first_violation_at(schema, &input), crate::params::first_violation_at(schema, &input));
                }
            }
        }
    }
}
