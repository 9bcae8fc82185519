//! The fields JSON Schemas declare (form pages, secrets, action inputs and outputs), with where
//! each is declared, and short descriptions of them for completion and hover.

use serde_json::Value;

use crate::template::Template;
use crate::yaml::escape_pointer_segment;

/// Deepest nesting of combinators followed (templates nest a few levels).
const MAX_DEPTH: usize = 32;

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
    let mut out = Vec::new();
    collect(schema, pointer, root, 0, &mut out);
    out
}

fn collect<'a>(schema: &'a Value, pointer: &str, root: (&'a Value, &str), depth: usize, out: &mut Vec<Field<'a>>) {
    if depth > MAX_DEPTH {
        return;
    }
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map_or_else(Vec::new, |r| r.iter().filter_map(Value::as_str).collect());
    if let Some(Value::Object(properties)) = schema.get("properties") {
        for (name, property) in properties {
            out.push(Field {
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
                collect(item, &format!("{pointer}/{key}/{index}"), root, depth + 1, out);
            }
        }
    }
    for key in ["if", "then", "else"] {
        if let Some(item) = schema.get(key) {
            collect(item, &format!("{pointer}/{key}"), root, depth + 1, out);
        }
    }
    if let Some(Value::Object(dependencies)) = schema.get("dependencies") {
        for (name, item) in dependencies.iter().filter(|(_, v)| v.is_object()) {
            collect(item, &format!("{pointer}/dependencies/{}", escape_pointer_segment(name)), root, depth + 1, out);
        }
    }
    let reference = schema.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix('#'));
    if let Some((target, path)) = reference.and_then(|path| Some((root.0.pointer(path)?, path))) {
        collect(target, &format!("{}{path}", root.1), root, depth + 1, out);
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
}
