//! What a fetch step's `values` can hold, as far as the form tells.
//!
//! A form field with `enum`, `const` or `type: boolean` has a finite set of answers: the backend
//! validates every visible page against the values before it creates a task, and drops the
//! values only hidden pages declare (scaffolder-backend 4.3.0 `router.cjs.js`
//! `validateParameterSteps`, `resolveParameterSteps`; src/params/visibility.rs). A step value
//! computed from such fields alone can only be what the engine renders it to for some
//! combination of those answers, so it is rendered for every combination. `branches.rs` uses the
//! result to tell which skeleton branches no answer reaches.

use std::collections::{HashMap, HashSet};

use serde_json::Value as Json;

use super::schema_walk::same_object_schemas;
use crate::engine::eval::Extensions;
use crate::engine::refs::references;
use crate::engine::ParseOptions;
use crate::render::{render_input, Context as RenderContext, RenderOptions};

/// At most this many combinations of answers are rendered or evaluated for one value.
pub const MAX_COMBINATIONS: usize = 256;

/// The values something can have.
#[derive(Debug, Clone, PartialEq)]
pub enum Choices {
    /// Not known here.
    Any,
    /// One of these; `None` is `undefined` (absent).
    Of(Vec<Option<Json>>),
}

impl Choices {
    fn add(&mut self, value: Option<Json>) {
        if let Choices::Of(values) = self {
            if !values.contains(&value) {
                values.push(value);
            }
        }
    }
}

/// The choices of one value and where they come from (for messages).
#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    pub choices: Choices,
    /// The form fields the value is computed from (`parameters.ciType`); empty for a literal.
    pub fields: Vec<String>,
}

impl Choice {
    /// `"github"`, `"gitlab"` or undefined.
    pub fn describe(&self) -> String {
        let Choices::Of(values) = &self.choices else { return "anything".into() };
        let words: Vec<String> = values
            .iter()
            .map(|value| match value {
                Some(json) => format!("`{json}`"),
                None => "undefined".to_string(),
            })
            .collect();
        match words.as_slice() {
            [] => "nothing".into(),
            [one] => one.clone(),
            [init @ .., last] => format!("{} or {last}", init.join(", ")),
        }
    }
}

/// The answers the form allows, per top-level field.
pub struct FormChoices {
    fields: HashMap<String, Choices>,
}

impl FormChoices {
    /// The choices of every field the pages declare. A page that accepts other fields
    /// (`additionalProperties`) makes every answer possible.
    pub fn of(pages: &[(String, &Json)]) -> FormChoices {
        let mut fields: HashMap<String, Choices> = HashMap::new();
        let mut always_present: HashSet<String> = HashSet::new();
        for (_, page) in pages {
            if page.get("additionalProperties").is_some_and(|a| a == &Json::Bool(true) || a.is_object()) {
                return FormChoices { fields: HashMap::new() };
            }
            // An `if` only tests, so it declares nothing.
            let declarations = same_object_schemas(page, page, false)
                .into_iter()
                .filter_map(|schema| schema.get("properties").and_then(Json::as_object))
                .flatten();
            for (name, schema) in declarations {
                let finite = finite_values(schema);
                let entry = fields.entry(name.to_string()).or_insert_with(|| Choices::Of(Vec::new()));
                match finite {
                    Some(values) => values.into_iter().for_each(|v| entry.add(Some(v))),
                    None => *entry = Choices::Any,
                }
            }
            // A page always shown validates `required`: the field is then never absent.
            if page.get("when").is_none() {
                if let Some(Json::Array(required)) = page.get("required") {
                    always_present.extend(required.iter().filter_map(Json::as_str).map(str::to_string));
                }
            }
        }
        for (name, choices) in &mut fields {
            if !always_present.contains(name) {
                choices.add(None);
            }
        }
        FormChoices { fields }
    }

    /// The answers `parameters.<name>` can have.
    pub fn get(&self, name: &str) -> &Choices {
        self.fields.get(name).unwrap_or(&Choices::Any)
    }
}

/// The only values a field schema accepts, when they are few and known: `const`, `enum`, or
/// the two booleans. A `$ref` field is not followed (its target decides).
fn finite_values(field: &Json) -> Option<Vec<Json>> {
    if field.get("$ref").is_some() {
        return None;
    }
    if let Some(value) = field.get("const") {
        return Some(vec![value.clone()]);
    }
    if let Some(Json::Array(values)) = field.get("enum") {
        return Some(values.clone());
    }
    (field.get("type").and_then(Json::as_str) == Some("boolean")).then(|| vec![Json::Bool(false), Json::Bool(true)])
}

/// Whether a value holds template syntax (then Backstage renders it).
fn is_templated(value: &Json) -> bool {
    match value {
        Json::String(text) => text.contains("${{") || text.contains("{%") || text.contains("{#"),
        Json::Array(items) => items.iter().any(is_templated),
        Json::Object(map) => map.values().any(is_templated),
        _ => false,
    }
}

fn each_string<'a>(value: &'a Json, out: &mut Vec<&'a str>) {
    match value {
        Json::String(text) => out.push(text),
        Json::Array(items) => items.iter().for_each(|item| each_string(item, out)),
        Json::Object(map) => map.values().for_each(|item| each_string(item, out)),
        _ => {}
    }
}

/// Every combination of one value per name, or `None` when there are more than
/// [`MAX_COMBINATIONS`] or a name has unknown choices.
pub fn combinations<'c>(names: &[&str], choices: impl Fn(&str) -> &'c Choices) -> Option<Vec<Vec<&'c Option<Json>>>> {
    let mut out: Vec<Vec<&Option<Json>>> = vec![Vec::new()];
    for name in names {
        let Choices::Of(values) = choices(name) else { return None };
        if out.len() * values.len() > MAX_COMBINATIONS {
            return None;
        }
        out = out.iter().flat_map(|prefix| values.iter().map(move |v| [prefix.clone(), vec![v]].concat())).collect();
    }
    Some(out)
}

/// What a step input value (a `values` entry) can render to: a literal is itself; a templated
/// value reading only form fields with known answers is rendered for every combination of them.
pub fn step_value(value: &Json, form: &FormChoices, filters: &Extensions) -> Choice {
    let any = |fields: Vec<String>| Choice { choices: Choices::Any, fields };
    let mut strings = Vec::new();
    each_string(value, &mut strings);
    let mut fields: Vec<String> = Vec::new();
    if is_templated(value) {
        for text in strings {
            let Ok(template) = crate::engine::parse(text, &ParseOptions::default()) else { return any(fields) };
            for read in references(&template) {
                match (read.root.as_str(), read.path.first()) {
                    ("parameters", Some(name)) if !fields.contains(name) => fields.push(name.clone()),
                    ("parameters", Some(_)) => {}
                    _ => return any(fields),
                }
            }
        }
    }
    let names: Vec<&str> = fields.iter().map(String::as_str).collect();
    let Some(combinations) = combinations(&names, |name| form.get(name)) else { return any(fields) };
    let mut choices = Choices::Of(Vec::new());
    let options = RenderOptions::default();
    for combination in combinations {
        let parameters: serde_json::Map<String, Json> = names
            .iter()
            .zip(combination)
            .filter_map(|(name, value)| Some((name.to_string(), value.clone()?)))
            .collect();
        let context = RenderContext::from_json(&serde_json::json!({ "parameters": parameters }));
        match render_input(value, &context, &options, filters) {
            Ok(rendered) => choices.add(rendered),
            Err(_) => return any(fields),
        }
    }
    Choice { choices, fields: fields.iter().map(|name| format!("parameters.{name}")).collect() }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn form(pages: Json) -> FormChoices {
        let pages: Vec<(String, &Json)> =
            pages.as_array().unwrap().iter().enumerate().map(|(i, p)| (format!("/spec/parameters/{i}"), p)).collect();
        FormChoices::of(&pages)
    }

    #[test]
    fn answers_of_enums_consts_and_booleans() {
        let form = form(json!([
            {"required": ["ci"], "properties": {"ci": {"type": "string", "enum": ["github", "gitlab"]}, "name": {"type": "string"}}},
            {"properties": {"flag": {"type": "boolean"}}, "dependencies": {"flag": {"oneOf": [{"properties": {"kind": {"const": "a"}}}, {"properties": {"kind": {"const": "b"}}}]}}},
        ]));
        assert_eq!(form.get("ci"), &Choices::Of(vec![Some(json!("github")), Some(json!("gitlab"))]));
        assert_eq!(form.get("name"), &Choices::Any);
        assert_eq!(form.get("flag"), &Choices::Of(vec![Some(json!(false)), Some(json!(true)), None]));
        assert_eq!(form.get("kind"), &Choices::Of(vec![Some(json!("a")), Some(json!("b")), None]));
        assert_eq!(form.get("undeclared"), &Choices::Any);
    }

    #[test]
    fn a_field_declared_twice_needs_both_to_be_finite() {
        let form = form(json!([
            {"properties": {"ci": {"enum": ["a"]}}},
            {"when": "${{ true }}", "required": ["ci"], "properties": {"ci": {"type": "string"}}},
        ]));
        assert_eq!(form.get("ci"), &Choices::Any);
        let open = super::FormChoices::of(&[(
            "/p".into(),
            &json!({"additionalProperties": true, "properties": {"ci": {"const": "a"}}}),
        )]);
        assert_eq!(open.get("ci"), &Choices::Any);
    }

    #[test]
    fn step_values_render_for_every_answer() {
        let form = form(
            json!([{"required": ["ci"], "properties": {"ci": {"enum": ["github", "gitlab"]}, "name": {"type": "string"}}}]),
        );
        let filters = crate::engine::backstage::extensions(crate::engine::backstage::default_integrations());
        let step_value = |value: &Json, form: &FormChoices| step_value(value, form, &filters);
        let value = step_value(&json!("${{ parameters.ci | upper }}"), &form);
        assert_eq!(value.choices, Choices::Of(vec![Some(json!("GITHUB")), Some(json!("GITLAB"))]));
        assert_eq!(value.fields, ["parameters.ci"]);
        assert_eq!(value.describe(), "`\"GITHUB\"` or `\"GITLAB\"`");
        assert_eq!(step_value(&json!("fixed"), &form).choices, Choices::Of(vec![Some(json!("fixed"))]));
        assert_eq!(step_value(&json!(""), &form).choices, Choices::Of(vec![None]));
        assert_eq!(step_value(&json!("${{ parameters.name }}"), &form).choices, Choices::Any);
        assert_eq!(step_value(&json!("${{ user.entity.metadata.name }}"), &form).choices, Choices::Any);
    }
}
