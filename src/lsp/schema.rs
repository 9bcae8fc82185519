//! The fields JSON Schemas declare (form pages, secrets, action inputs and outputs), with where
//! each is declared, and short descriptions of them for completion and hover.

use serde_json::Value;

use crate::template::Template;
use crate::yaml::escape_pointer_segment;

/// Deepest nesting of combinators followed (templates nest a few levels).
const MAX_DEPTH: usize = 32;
/// Schemas visited for one question: combinators that each reference shared definitions
/// twice would otherwise double the work per level (a hostile template could make it 2^32).
const MAX_VISITS: usize = 10_000;

/// One declared field.
#[derive(Debug, Clone)]
pub struct Field<'a> {
    pub name: String,
    pub schema: &'a Value,
    /// JSON pointer of the field's schema in the document (`…/properties/name`).
    pub pointer: String,
    pub required: bool,
    /// The schema `$ref`s inside this one resolve against, and its pointer.
    root: (&'a Value, String),
}

/// The fields `schema` (at `pointer`) declares at its top level, through the keywords that add
/// fields as the form reads them: `properties`, `allOf`/`anyOf`/`oneOf`, `if`/`then`/`else`,
/// `dependencies` and local `$ref`s.
pub fn fields<'a>(schema: &'a Value, pointer: &str, root: (&'a Value, &str)) -> Vec<Field<'a>> {
    let mut walk = Walk { root, visits: 0, out: Vec::new() };
    walk.collect(schema, pointer, 0);
    walk.out
}

struct Walk<'a, 'r> {
    root: (&'a Value, &'r str),
    visits: usize,
    out: Vec<Field<'a>>,
}

impl<'a> Walk<'a, '_> {
    fn collect(&mut self, schema: &'a Value, pointer: &str, depth: usize) {
        self.visits += 1;
        if depth > MAX_DEPTH || self.visits > MAX_VISITS {
            return;
        }
        let root = self.root;
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .map_or_else(Vec::new, |r| r.iter().filter_map(Value::as_str).collect());
        if let Some(Value::Object(properties)) = schema.get("properties") {
            for (name, property) in properties {
                self.out.push(Field {
                    name: name.clone(),
                    schema: property,
                    pointer: format!("{pointer}/properties/{}", escape_pointer_segment(name)),
                    required: required.contains(&name.as_str()),
                    root: (root.0, root.1.to_string()),
                });
            }
        }
        for key in ["allOf", "anyOf", "oneOf"] {
            if let Some(Value::Array(items)) = schema.get(key) {
                for (index, item) in items.iter().enumerate() {
                    self.collect(item, &format!("{pointer}/{key}/{index}"), depth + 1);
                }
            }
        }
        for key in ["if", "then", "else"] {
            if let Some(item) = schema.get(key) {
                self.collect(item, &format!("{pointer}/{key}"), depth + 1);
            }
        }
        if let Some(Value::Object(dependencies)) = schema.get("dependencies") {
            for (name, item) in dependencies.iter().filter(|(_, v)| v.is_object()) {
                self.collect(item, &format!("{pointer}/dependencies/{}", escape_pointer_segment(name)), depth + 1);
            }
        }
        let reference = schema.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix('#'));
        if let Some((target, path)) = reference.and_then(|path| Some((root.0.pointer(path)?, path))) {
            self.collect(target, &format!("{}{path}", root.1), depth + 1);
        }
    }
}

/// The fields of the fields named `name` among `level` (one level down a path).
pub fn children<'a>(level: &[Field<'a>], name: &str) -> Vec<Field<'a>> {
    level.iter().filter(|f| f.name == name).flat_map(|f| fields(f.schema, &f.pointer, (f.root.0, &f.root.1))).collect()
}

/// The first field of each name, in order (several pages or branches may declare one).
pub fn distinct<'a, 'b>(level: &'b [Field<'a>]) -> Vec<&'b Field<'a>> {
    let mut seen = Vec::new();
    level
        .iter()
        .filter(|f| {
            let new = !seen.contains(&&f.name);
            seen.push(&f.name);
            new
        })
        .collect()
}

/// The form's fields at `path` below `parameters` (empty: the top-level fields of every page).
pub fn parameter_fields<'a>(template: &'a Template, path: &[String]) -> Vec<Field<'a>> {
    let mut level: Vec<Field<'a>> = Vec::new();
    for page in template.pages() {
        level.extend(fields(page.schema, &page.pointer, (page.schema, &page.pointer)));
    }
    for name in path {
        level = children(&level, name);
    }
    level
}

/// `string`, `string | number`, `enum`, `object`…: the schema's type as a form author writes it.
pub fn type_label(schema: &Value) -> Option<String> {
    match schema.get("type") {
        Some(Value::String(t)) => Some(t.clone()),
        Some(Value::Array(types)) => Some(types.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(" | ")),
        _ if schema.get("enum").is_some() => Some("enum".into()),
        _ if schema.get("properties").is_some() => Some("object".into()),
        _ if schema.get("items").is_some() => Some("array".into()),
        _ => None,
    }
}

/// `type, required`-style detail line.
pub fn detail(field: &Field) -> Option<String> {
    match (type_label(field.schema), field.required) {
        (Some(t), true) => Some(format!("{t}, required")),
        (Some(t), false) => Some(t),
        (None, true) => Some("required".into()),
        (None, false) => None,
    }
}

/// Markdown: title, description, allowed values, default, form widget.
pub fn describe(schema: &Value) -> String {
    let text = |key: &str| schema.get(key).and_then(Value::as_str).filter(|s| !s.trim().is_empty());
    let mut parts = Vec::new();
    if let Some(title) = text("title") {
        parts.push(format!("**{}**", title.trim()));
    }
    if let Some(description) = text("description") {
        parts.push(description.trim().to_string());
    }
    if let Some(Value::Array(values)) = schema.get("enum") {
        let values: Vec<String> = values
            .iter()
            .take(20)
            .map(|v| format!("`{}`", v.as_str().map_or_else(|| v.to_string(), str::to_string)))
            .collect();
        parts.push(format!("one of {}", values.join(", ")));
    }
    if let Some(default) = schema.get("default") {
        parts.push(format!("default `{default}`"));
    }
    if let Some(widget) = text("ui:field") {
        parts.push(format!("form field `{widget}`"));
    }
    parts.join("\n\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::template::SourceFormat;

    #[test]
    fn fields_through_combinators_and_references() {
        let template = Template::parse(
            r##"spec:
  parameters:
    - required: [name]
      properties:
        name: { type: string }
        repo: { $ref: "#/definitions/repo" }
      dependencies:
        name: { properties: { extra: { type: number } } }
      definitions:
        repo: { type: object, properties: { host: { type: string } } }
    - allOf:
        - properties: { owner: { title: Owner } }
"##,
            SourceFormat::Yaml,
            None,
        )
        .unwrap();
        let top = parameter_fields(&template, &[]);
        let names: Vec<(&str, &str, bool)> =
            top.iter().map(|f| (f.name.as_str(), f.pointer.as_str(), f.required)).collect();
        assert_eq!(
            names,
            [
                ("name", "/spec/parameters/0/properties/name", true),
                ("repo", "/spec/parameters/0/properties/repo", false),
                ("extra", "/spec/parameters/0/dependencies/name/properties/extra", false),
                ("owner", "/spec/parameters/1/allOf/0/properties/owner", false),
            ]
        );
        let nested = parameter_fields(&template, &["repo".to_string()]);
        assert_eq!(nested[0].pointer, "/spec/parameters/0/definitions/repo/properties/host");
        assert_eq!(detail(&top[0]).as_deref(), Some("string, required"));
        assert_eq!(describe(top[3].schema), "**Owner**");
    }

    #[test]
    fn shared_definitions_do_not_multiply_the_work() {
        // Each level uses the next one 100 times: 100^15 paths without a bound on visits.
        let mut definitions = serde_json::Map::new();
        for level in 0..15 {
            let next = serde_json::json!({"$ref": format!("#/definitions/d{}", level + 1)});
            definitions.insert(format!("d{level}"), serde_json::json!({"allOf": vec![next; 100]}));
        }
        definitions.insert("d15".into(), serde_json::json!({"properties": {"x": {}}}));
        let page = serde_json::json!({"$ref": "#/definitions/d0", "definitions": definitions});
        let found = fields(&page, "", (&page, ""));
        assert!(!found.is_empty() && found.iter().all(|f| f.name == "x"));
        assert!(found.len() <= MAX_VISITS);
    }
}
