//! Translates a form page, as the npm `jsonschema` package (1.5, the one Backstage calls)
//! reads it, into a strict draft-07 schema with the same verdicts.
//!
//! npm `jsonschema` is lenient in ways a strict validator is not: it skips keywords it does not
//! know (`ui:*`, `backstage:*`, `when`, `enumNames`, malformed `examples`), accepts draft-03 and
//! draft-04 spellings (`required: true` on a property, boolean `exclusiveMinimum`, `divisibleBy`,
//! `disallow`, `extends`) and treats a `type` it does not know as "anything goes". Rather than
//! bend the strict validator, we rewrite the schema once: keep only the keywords npm validates,
//! in their draft-07 spelling, at the same JSON pointers (so error locations still point into
//! the author's YAML). Whatever npm itself rejects (`enum` that is not an array, a `null`
//! property schema) is reported as a broken page.

use serde_json::{json, Map, Value};

/// A keyword whose value makes the page unusable, with the JSON pointer (inside the page) of the
/// offending value.
#[derive(Debug, Clone, PartialEq)]
pub struct SchemaProblem {
    pub pointer: String,
    pub message: String,
}

type Translation = Result<Value, SchemaProblem>;

/// Type names npm `jsonschema` knows. `any` accepts everything; `date` matches only JavaScript
/// `Date` objects, which JSON never contains.
const KNOWN_TYPES: &[&str] = &["string", "number", "integer", "boolean", "array", "null", "object", "any", "date"];

/// Keywords that hold one subschema.
pub(crate) const SINGLE_SUBSCHEMA: &[&str] =
    &["additionalProperties", "additionalItems", "contains", "propertyNames", "if", "then", "else"];
/// Keywords that hold a list of subschemas.
pub(crate) const SUBSCHEMA_LISTS: &[&str] = &["allOf", "anyOf", "oneOf"];
/// Keywords that hold a map of name → subschema.
pub(crate) const SUBSCHEMA_MAPS: &[&str] = &["properties", "patternProperties", "definitions", "$defs"];
/// Keywords kept as they are; the draft-07 meta-schema checks their shape afterwards.
const PLAIN: &[&str] = &[
    "maximum",
    "minimum",
    "multipleOf",
    "maxLength",
    "minLength",
    "pattern",
    "format",
    "maxItems",
    "minItems",
    "maxProperties",
    "minProperties",
    "const",
];

/// `schema` as npm reads it, in draft-07: keywords at their pointers, plus whatever a local
/// `$ref` points at outside them; a cycle of references npm cannot follow is a problem.
pub fn translate(schema: &Value) -> Translation {
    let mut translated = translate_at(schema, "")?;
    super::references::keep_targets(schema, &mut translated, translate_at)?;
    match super::references::in_place_cycle(&translated) {
        Some(problem) => Err(problem),
        None => Ok(translated),
    }
}

/// Keys that are draft-07 keywords (or npm spellings the translation rewrites into them).
pub fn is_keyword(key: &str) -> bool {
    const OTHERS: &[&str] = &[
        "$ref",
        "type",
        "required",
        "enum",
        "uniqueItems",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "dependencies",
        "items",
        "not",
        "disallow",
        "extends",
        "divisibleBy",
    ];
    [SINGLE_SUBSCHEMA, SUBSCHEMA_LISTS, SUBSCHEMA_MAPS, PLAIN, OTHERS].iter().any(|list| list.contains(&key))
}

fn problem(pointer: &str, message: impl Into<String>) -> SchemaProblem {
    SchemaProblem { pointer: pointer.to_string(), message: message.into() }
}

fn child(pointer: &str, key: &str) -> String {
    format!("{pointer}/{}", crate::yaml::escape_pointer_segment(key))
}

fn translate_at(schema: &Value, at: &str) -> Translation {
    let object = match schema {
        Value::Bool(_) => return Ok(schema.clone()),
        Value::Object(object) => object,
        Value::Null => return Err(problem(at, "a schema cannot be null")),
        other => {
            return Err(problem(at, format!("a schema must be an object or a boolean, found {}", json_kind(other))))
        }
    };

    // npm validates only the `$ref` target when `$ref` is present, as draft-07 says.
    if let Some(reference) = object.get("$ref") {
        let Some(reference) = reference.as_str() else {
            return Err(problem(&child(at, "$ref"), "`$ref` must be a string"));
        };
        let mut out = Map::new();
        out.insert("$ref".into(), Value::String(reference.to_string()));
        for key in ["definitions", "$defs"] {
            if let Some(defs) = object.get(key) {
                out.insert(key.into(), translate_map(defs, &child(at, key))?);
            }
        }
        return Ok(Value::Object(out));
    }

    let mut out = Map::new();
    let mut extra_all_of: Vec<Value> = Vec::new();

    for (key, value) in object {
        let here = child(at, key);
        match key.as_str() {
            "type" => {
                if let Some(types) = translate_type(value, &here)? {
                    match types {
                        TypeRule::Types(t) => {
                            out.insert("type".into(), t);
                        }
                        TypeRule::Nothing => extra_all_of.push(Value::Bool(false)),
                        TypeRule::AnyOf(alternatives) => extra_all_of.push(json!({"anyOf": alternatives})),
                    }
                }
            }
            "required" => match value {
                Value::Array(names) => {
                    let names: Vec<Value> = names.iter().map(|n| Value::String(crate::jsfmt::value(n))).collect();
                    merge_required(&mut out, names);
                }
                // `required: true` on a property is the draft-03 spelling; handled by the parent's
                // `properties`. Anything else npm ignores at this level.
                _ => {}
            },
            "enum" => {
                if !value.is_array() {
                    return Err(problem(&here, "`enum` must be an array of allowed values"));
                }
                out.insert(key.clone(), value.clone());
            }
            "uniqueItems" => {
                if value == &Value::Bool(true) {
                    out.insert(key.clone(), value.clone());
                }
            }
            "exclusiveMinimum" | "exclusiveMaximum" => {
                // The boolean (draft-04) form modifies minimum/maximum; handled below.
                if value.is_number() {
                    out.insert(key.clone(), value.clone());
                } else if !value.is_boolean() {
                    return Err(problem(&here, format!("`{key}` must be a number")));
                }
            }
            "divisibleBy" => {
                if out.contains_key("multipleOf") {
                    extra_all_of.push(json!({"multipleOf": value}));
                } else {
                    out.insert("multipleOf".into(), value.clone());
                }
            }
            "dependencies" => {
                out.insert(key.clone(), translate_dependencies(value, &here)?);
            }
            "items" => {
                let translated = match value {
                    Value::Array(items) => Value::Array(
                        items
                            .iter()
                            .enumerate()
                            .map(|(i, s)| translate_at(s, &format!("{here}/{i}")))
                            .collect::<Result<_, _>>()?,
                    ),
                    single => translate_at(single, &here)?,
                };
                out.insert(key.clone(), translated);
            }
            "not" | "disallow" => extra_all_of.push(json!({"not": translate_not(value, &here)?})),
            "extends" => match value {
                Value::Array(items) => {
                    for (i, s) in items.iter().enumerate() {
                        extra_all_of.push(translate_at(s, &format!("{here}/{i}"))?);
                    }
                }
                single => extra_all_of.push(translate_at(single, &here)?),
            },
            k if SINGLE_SUBSCHEMA.contains(&k) => {
                out.insert(key.clone(), translate_at(value, &here)?);
            }
            k if SUBSCHEMA_LISTS.contains(&k) => {
                let Value::Array(items) = value else {
                    return Err(problem(&here, format!("`{key}` must be an array of schemas")));
                };
                let translated = items
                    .iter()
                    .enumerate()
                    .map(|(i, s)| translate_at(s, &format!("{here}/{i}")))
                    .collect::<Result<Vec<_>, _>>()?;
                out.insert(key.clone(), Value::Array(translated));
            }
            k if SUBSCHEMA_MAPS.contains(&k) => {
                out.insert(key.clone(), translate_map(value, &here)?);
            }
            k if PLAIN.contains(&k) => {
                out.insert(key.clone(), value.clone());
            }
            // Annotations, UI hints, Backstage extensions and anything unknown: npm skips them.
            _ => {}
        }
    }

    apply_boolean_exclusive(object, &mut out, "minimum", "exclusiveMinimum");
    apply_boolean_exclusive(object, &mut out, "maximum", "exclusiveMaximum");

    // Draft-03 `required: true` on a property means the parent requires that property.
    if let Some(Value::Object(properties)) = object.get("properties") {
        let names: Vec<Value> = properties
            .iter()
            .filter(|(_, s)| s.get("required") == Some(&Value::Bool(true)))
            .map(|(name, _)| Value::String(name.clone()))
            .collect();
        merge_required(&mut out, names);
    }

    if !extra_all_of.is_empty() {
        if let Some(Value::Array(existing)) = out.get_mut("allOf") {
            existing.extend(extra_all_of);
        } else {
            out.insert("allOf".into(), Value::Array(extra_all_of));
        }
    }
    Ok(Value::Object(out))
}

fn merge_required(out: &mut Map<String, Value>, names: Vec<Value>) {
    if names.is_empty() {
        return;
    }
    let entry = out.entry("required").or_insert_with(|| Value::Array(Vec::new()));
    if let Value::Array(existing) = entry {
        for name in names {
            if !existing.contains(&name) {
                existing.push(name);
            }
        }
    }
}

fn translate_map(value: &Value, at: &str) -> Translation {
    let Value::Object(entries) = value else {
        return Err(problem(at, "expected a mapping of names to schemas"));
    };
    let mut out = Map::new();
    for (name, schema) in entries {
        out.insert(name.clone(), translate_at(schema, &child(at, name))?);
    }
    Ok(Value::Object(out))
}

fn translate_dependencies(value: &Value, at: &str) -> Translation {
    let Value::Object(entries) = value else {
        return Err(problem(at, "`dependencies` must be a mapping"));
    };
    let mut out = Map::new();
    for (name, dependency) in entries {
        let here = child(at, name);
        let translated = match dependency {
            Value::Array(names) => Value::Array(names.iter().map(|n| Value::String(crate::jsfmt::value(n))).collect()),
            // npm accepts a single property name as a string.
            Value::String(single) => json!([single]),
            schema => translate_at(schema, &here)?,
        };
        out.insert(name.clone(), translated);
    }
    Ok(Value::Object(out))
}

enum TypeRule {
    Types(Value),
    /// Only type names no JSON value can have (`date`).
    Nothing,
    /// Type names mixed with schemas (draft-03 union types): the value matches one of them.
    AnyOf(Vec<Value>),
}

/// `None`: no constraint (an unknown or `any` type is accepted by npm).
fn translate_type(value: &Value, at: &str) -> Result<Option<TypeRule>, SchemaProblem> {
    let names: Vec<&Value> = match value {
        Value::Array(items) => items.iter().collect(),
        Value::Null => return Err(problem(at, "`type` cannot be null")),
        single => vec![single],
    };
    let mut kept = Vec::new();
    let mut schemas = Vec::new();
    for (index, name) in names.into_iter().enumerate() {
        match name {
            Value::String(known) if known == "any" => return Ok(None),
            Value::String(known) if known == "date" => {}
            Value::String(known) if KNOWN_TYPES.contains(&known.as_str()) => kept.push(Value::String(known.clone())),
            // A schema in `type`: npm validates the value against it.
            Value::Object(_) | Value::Bool(_) => {
                let here = if value.is_array() { format!("{at}/{index}") } else { at.to_string() };
                schemas.push(translate_at(name, &here)?);
            }
            // Unknown names (and numbers and the like): npm's testType accepts the instance.
            _ => return Ok(None),
        }
    }
    if !schemas.is_empty() {
        schemas.extend(kept.into_iter().map(|t| json!({"type": t})));
        return Ok(Some(TypeRule::AnyOf(schemas)));
    }
    Ok(Some(match kept.len() {
        0 => TypeRule::Nothing,
        1 => TypeRule::Types(kept.pop().unwrap_or(Value::Null)),
        _ => TypeRule::Types(Value::Array(kept)),
    }))
}

/// npm implements `not`/`disallow` as "does not match any of these types or schemas".
fn translate_not(value: &Value, at: &str) -> Translation {
    let options: Vec<(usize, &Value)> = match value {
        Value::Array(items) => items.iter().enumerate().collect(),
        single => vec![(usize::MAX, single)],
    };
    let mut any_of = Vec::new();
    for (index, option) in options {
        let here = if index == usize::MAX { at.to_string() } else { format!("{at}/{index}") };
        any_of.push(match option {
            Value::String(type_name) => match translate_type(option, &here)? {
                Some(TypeRule::Types(t)) => json!({"type": t}),
                Some(TypeRule::Nothing) => Value::Bool(false),
                Some(TypeRule::AnyOf(alternatives)) => json!({"anyOf": alternatives}),
                // `not: "any"` or an unknown name: every value "is of" that type.
                None => {
                    let _ = type_name;
                    Value::Bool(true)
                }
            },
            schema => translate_at(schema, &here)?,
        });
    }
    Ok(if any_of.len() == 1 { any_of.pop().unwrap_or(Value::Bool(true)) } else { json!({"anyOf": any_of}) })
}

fn apply_boolean_exclusive(source: &Map<String, Value>, out: &mut Map<String, Value>, bound: &str, exclusive: &str) {
    if source.get(exclusive) == Some(&Value::Bool(true)) {
        if let Some(limit) = source.get(bound) {
            out.remove(bound);
            out.insert(exclusive.to_string(), limit.clone());
        }
    }
}

fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drops_ui_and_unknown_keywords_and_keeps_pointers() {
        let page = json!({"title": "T", "ui:order": ["a"], "when": "x", "properties": {"a": {"type": "string", "ui:widget": "textarea", "examples": "oops"}}});
        assert_eq!(translate(&page).unwrap(), json!({"properties": {"a": {"type": "string"}}}));
    }

    #[test]
    fn draft_03_and_04_spellings_become_draft_07() {
        let page =
            json!({"properties": {"a": {"type": "number", "required": true, "minimum": 1, "exclusiveMinimum": true}}});
        assert_eq!(
            translate(&page).unwrap(),
            json!({"properties": {"a": {"type": "number", "exclusiveMinimum": 1}}, "required": ["a"]})
        );
    }

    #[test]
    fn unknown_type_names_constrain_nothing() {
        assert_eq!(translate(&json!({"type": "text"})).unwrap(), json!({}));
        assert_eq!(translate(&json!({"type": ["string", "any"]})).unwrap(), json!({}));
    }

    #[test]
    fn schemas_inside_type_become_alternatives() {
        let page = json!({"type": [{"type": "string", "minLength": 2, "title": "t"}, "integer"]});
        assert_eq!(
            translate(&page).unwrap(),
            json!({"allOf": [{"anyOf": [{"type": "string", "minLength": 2}, {"type": "integer"}]}]})
        );
    }

    #[test]
    fn ref_hides_its_siblings_but_keeps_definitions() {
        let page = json!({"$ref": "#/definitions/a", "type": "string", "definitions": {"a": {"type": "number", "title": "x"}}});
        assert_eq!(
            translate(&page).unwrap(),
            json!({"$ref": "#/definitions/a", "definitions": {"a": {"type": "number"}}})
        );
    }

    #[test]
    fn a_ref_into_a_member_that_is_not_a_keyword_keeps_its_target() {
        let page = json!({"properties": {"op": {"$ref": "#/myregion/operation"}},
            "myregion": {"operation": {"type": "string", "ui:widget": "x"}, "other": 1}});
        assert_eq!(
            translate(&page).unwrap(),
            json!({"properties": {"op": {"$ref": "#/myregion/operation"}}, "myregion": {"operation": {"type": "string"}}})
        );
    }

    #[test]
    fn a_reference_cycle_is_a_problem_at_its_ref() {
        let page = json!({"properties": {"x": {"$ref": "#/definitions/a"}},
            "definitions": {"a": {"$ref": "#/definitions/b"}, "b": {"$ref": "#/definitions/a"}}});
        assert_eq!(translate(&page).unwrap_err().pointer, "/definitions/a/$ref");
    }

    #[test]
    fn enum_that_is_not_an_array_is_a_problem_with_its_pointer() {
        let error = translate(&json!({"properties": {"size": {"enum": "small"}}})).unwrap_err();
        assert_eq!(error.pointer, "/properties/size/enum");
    }
}
