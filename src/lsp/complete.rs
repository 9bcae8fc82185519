//! Completion: names inside `${{ }}` (`parameters.` with nested fields, earlier `steps.` and
//! their `output.`, `secrets.`, `user.entity`, `each`, globals, filters after `|`), action ids
//! after `action:`, and the keys of a step and of its `input:` from the action's schema.

use serde_json::Value;

use super::cursor::{is_identifier, Cursor, Place, Typed};
use super::schema::{self, Field};
use super::{docs, hover, CompletionItem, ItemKind};
use crate::engine::builtins::{BACKSTAGE_FILTERS, BACKSTAGE_WORKFLOW_GLOBALS, FILTERS, GLOBALS};
use crate::error::Span;
use crate::manifest::Manifest;

pub fn complete(cursor: &Cursor, manifest: &Manifest) -> Vec<CompletionItem> {
    if let Some((typed, start)) = cursor.typed() {
        let range = cursor.span(start, cursor.offset);
        return match typed {
            Typed::Filter => filters(manifest, range),
            Typed::Path(path) => names(cursor, manifest, &path, range),
        };
    }
    if let Some((_, start)) = cursor.action_value() {
        return action_ids(manifest, cursor.span(start, cursor.offset));
    }
    if let Some((pointer, start)) = cursor.new_key() {
        return keys(cursor, manifest, &pointer, cursor.span(start, cursor.offset));
    }
    Vec::new()
}

fn item(
    label: &str,
    kind: ItemKind,
    detail: Option<String>,
    documentation: Option<String>,
    range: Span,
) -> CompletionItem {
    CompletionItem {
        label: label.to_string(),
        kind,
        detail,
        documentation: documentation.filter(|d| !d.is_empty()),
        insert_text: label.to_string(),
        filter_text: None,
        range,
    }
}

fn field_items(level: &[Field], kind: ItemKind, range: Span) -> Vec<CompletionItem> {
    schema::distinct(level)
        .into_iter()
        .map(|field| item(&field.name, kind, schema::detail(field), Some(schema::describe(field.schema)), range))
        .collect()
}

fn filters(manifest: &Manifest, range: Span) -> Vec<CompletionItem> {
    let mut names: Vec<(&str, Option<&str>)> = FILTERS.iter().chain(BACKSTAGE_FILTERS).map(|n| (*n, None)).collect();
    for filter in &manifest.filters {
        match names.iter_mut().find(|(n, _)| *n == filter.name) {
            Some(known) => known.1 = filter.description.as_deref(),
            None => names.push((&filter.name, filter.description.as_deref())),
        }
    }
    names
        .into_iter()
        .map(|(name, description)| {
            let builtin = docs::filter(name);
            let detail = builtin.map(|(signature, _)| signature.to_string());
            let text = description.or(builtin.map(|(_, text)| text)).map(str::to_string);
            item(name, ItemKind::Function, detail, text, range)
        })
        .collect()
}

/// The steps visible from the cursor: those before its step, all of them in `spec.output`.
fn visible_steps(cursor: &Cursor) -> usize {
    match cursor.place() {
        Place::Step(index) => index,
        Place::Output => cursor.steps().len(),
        Place::Condition | Place::Elsewhere => 0,
    }
}

fn names(cursor: &Cursor, manifest: &Manifest, path: &[String], range: Span) -> Vec<CompletionItem> {
    let place = cursor.place();
    let Some((root, rest)) = path.split_first() else { return roots(cursor, manifest, place, range) };
    match (root.as_str(), rest) {
        ("parameters", rest) => field_items(&schema::parameter_fields(&cursor.template, rest), ItemKind::Field, range),
        ("steps", []) => step_items(cursor, range),
        ("steps", [_]) => {
            vec![item("output", ItemKind::Property, None, Some("What the step's action output.".into()), range)]
        }
        ("steps", [id, output, rest @ ..]) if output == "output" => {
            let ids = cursor.step_ids();
            let Some(index) = ids.iter().position(|known| known == id) else { return Vec::new() };
            let action = cursor.steps()[index].get("action").and_then(Value::as_str);
            let Some(schema) = action.and_then(|a| manifest.action(a)).and_then(|a| a.schema.output.as_ref()) else {
                return Vec::new();
            };
            let mut level = schema::fields(schema, "", (schema, ""));
            for name in rest {
                level = schema::children(&level, name);
            }
            field_items(&level, ItemKind::Property, range)
        }
        ("secrets", []) if place != Place::Condition => {
            let mut items = match cursor.value("/spec/secrets/schema") {
                Some(schema) => field_items(&schema::fields(schema, "", (schema, "")), ItemKind::Field, range),
                None => Vec::new(),
            };
            // Secrets the form sends: `ui:field: Secret` fields, pickers' user credentials.
            for field in schema::parameter_fields(&cursor.template, &[]) {
                let credentials = field.schema.pointer("/ui:options/requestUserCredentials/secretsKey");
                if let Some(key) = credentials.and_then(Value::as_str) {
                    let text = format!("The user's credentials that `parameters.{}` asks for.", field.name);
                    items.push(item(key, ItemKind::Field, Some("string".into()), Some(text), range));
                }
                if field.schema.get("ui:field").and_then(Value::as_str) == Some("Secret") {
                    items.push(item(
                        &field.name,
                        ItemKind::Field,
                        schema::detail(&field),
                        Some(schema::describe(field.schema)),
                        range,
                    ));
                }
            }
            let token = "The Backstage token of the user who runs the task, added by Backstage.";
            items.push(item("backstageToken", ItemKind::Field, Some("string".into()), Some(token.into()), range));
            items
        }
        ("user", []) => vec![
            item(
                "entity",
                ItemKind::Property,
                None,
                Some("The catalog entity of the user who runs the task.".into()),
                range,
            ),
            item("ref", ItemKind::Property, Some("string".into()), Some("The user's entity reference.".into()), range),
        ],
        ("user", [entity]) if entity == "entity" => ["apiVersion", "kind", "metadata", "spec", "relations"]
            .into_iter()
            .map(|name| item(name, ItemKind::Property, None, None, range))
            .collect(),
        ("each", []) if place != Place::Condition => vec![
            item("value", ItemKind::Property, None, Some("The current item of the step's `each`.".into()), range),
            item("key", ItemKind::Property, None, Some("The current item's index or key.".into()), range),
        ],
        _ => Vec::new(),
    }
}

fn roots(cursor: &Cursor, manifest: &Manifest, place: Place, range: Span) -> Vec<CompletionItem> {
    let mut items = vec![item(
        "parameters",
        ItemKind::Variable,
        None,
        Some("The values the user entered in the form.".into()),
        range,
    )];
    if place == Place::Condition {
        return items;
    }
    items.push(item("steps", ItemKind::Variable, None, Some("Outputs of the steps that have run.".into()), range));
    items.push(item("secrets", ItemKind::Variable, None, Some("Secret values of the task.".into()), range));
    items.push(item("user", ItemKind::Variable, None, Some("The user who runs the task.".into()), range));
    if let Place::Step(index) = place {
        if cursor.steps()[index].get("each").is_some() {
            items.push(item("each", ItemKind::Variable, None, Some("The current item of `each`.".into()), range));
        }
    }
    let workflow = matches!(place, Place::Step(_) | Place::Output);
    let builtin = GLOBALS.iter().chain(if workflow { BACKSTAGE_WORKFLOW_GLOBALS } else { &[] });
    for name in builtin {
        let (signature, text) = docs::global(name).unwrap_or_default();
        items.push(item(name, ItemKind::Function, Some(signature.into()), Some(text.into()), range));
    }
    for global in manifest.globals.functions.iter().chain(&manifest.globals.values) {
        items.push(item(&global.name, ItemKind::Function, None, global.description.clone(), range));
    }
    items
}

fn step_items(cursor: &Cursor, range: Span) -> Vec<CompletionItem> {
    let ids = cursor.step_ids();
    ids.iter()
        .zip(cursor.steps())
        .take(visible_steps(cursor))
        .map(|(id, step)| {
            let text = |key: &str| step.get(key).and_then(Value::as_str).map(str::to_string);
            let mut entry = item(id, ItemKind::Module, text("action"), text("name"), range);
            if !is_identifier(id) {
                // `steps.fetch-base` would subtract: write `steps['fetch-base']`, over the dot.
                entry.insert_text = format!("['{id}']");
                entry.filter_text = Some(format!(".{id}"));
                entry.range = Span { column: range.column.saturating_sub(1).max(1), ..range };
            }
            entry
        })
        .collect()
}

fn action_ids(manifest: &Manifest, range: Span) -> Vec<CompletionItem> {
    manifest
        .actions
        .iter()
        .map(|action| {
            let summary = action.description.as_deref().and_then(|d| d.lines().next()).map(str::to_string);
            item(&action.id, ItemKind::Value, summary, Some(hover::action_markdown(action)), range)
        })
        .collect()
}

/// What each key of a step does.
const STEP_KEYS: &[(&str, &str)] = &[
    ("id", "The step's id: later steps and `spec.output` read its output as `steps.<id>.output`."),
    ("name", "The step's name, shown in the task log."),
    ("action", "The id of the action the step runs."),
    ("input", "The action's input; strings may use `${{ }}`."),
    ("if", "Runs the step only when this is truthy (`${{ }}`)."),
    ("each", "Runs the step once per item of this list or object (`each.value`, `each.key`)."),
];

fn keys(cursor: &Cursor, manifest: &Manifest, pointer: &str, range: Span) -> Vec<CompletionItem> {
    let present = |name: &str| cursor.value(pointer).and_then(Value::as_object).is_some_and(|o| o.contains_key(name));
    let Some(rest) = pointer.strip_prefix("/spec/steps/") else { return Vec::new() };
    let (index, input) = match rest.split_once('/') {
        None => (rest, false),
        Some((index, "input")) => (index, true),
        Some(_) => return Vec::new(),
    };
    let Some(step) = index.parse::<usize>().ok().and_then(|i| cursor.steps().get(i)) else { return Vec::new() };
    let mut items = Vec::new();
    if !input {
        for (name, text) in STEP_KEYS.iter().filter(|(name, _)| !present(name)) {
            items.push(item(name, ItemKind::Keyword, None, Some(text.to_string()), range));
        }
    } else {
        let action = step.get("action").and_then(Value::as_str).and_then(|id| manifest.action(id));
        let Some(schema) = action.and_then(|a| a.schema.input.as_ref()) else { return Vec::new() };
        let level = schema::fields(schema, "", (schema, ""));
        items = field_items(&level, ItemKind::Field, range).into_iter().filter(|i| !present(&i.label)).collect();
    }
    for entry in &mut items {
        entry.insert_text = format!("{}: ", entry.label);
    }
    items
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lsp::cursor::Cursor;

    const TEMPLATE: &str = r#"apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata: { name: t }
spec:
  parameters:
    - title: Service
      properties:
        name: { type: string, title: Name, description: The service name }
        pass: { type: string, ui:field: Secret }
        repo:
          type: object
          properties:
            host: { type: string }
  secrets:
    schema: { properties: { token: { type: string } } }
  steps:
    - id: fetch-base
      name: Fetch
      action: fetch:template
      input:
        url: ./skeleton
    - id: cat
      action: catalog:fetch
      input:
        entityRef: x
    - id: log
      action: debug:log
      input:
        message: "${{ CURSOR }}"
  output:
    text: x
"#;

    fn labels_at(expression: &str) -> Vec<String> {
        let text = TEMPLATE.replace("CURSOR", expression);
        let (text, position) = crate::lsp::cursor::tests::at_marker(&text);
        let cursor = Cursor::new(&text, position).unwrap();
        complete(&cursor, Manifest::builtin()).into_iter().map(|i| i.label).collect()
    }

    #[test]
    fn expression_names() {
        assert_eq!(labels_at("parameters.‸"), ["name", "pass", "repo"]);
        assert_eq!(labels_at("parameters.repo.h‸"), ["host"]);
        assert_eq!(labels_at("steps.‸"), ["fetch-base", "cat"]);
        assert_eq!(labels_at("steps.cat.‸"), ["output"]);
        assert_eq!(labels_at("steps.cat.output.‸"), ["entity", "entities"]);
        assert_eq!(labels_at("secrets.‸"), ["token", "pass", "backstageToken"]);
        assert!(labels_at("parameters.name | up‸").contains(&"upper".to_string()));
        assert!(labels_at("parameters.name | ‸").contains(&"parseRepoUrl".to_string()));
        let roots = labels_at("par‸");
        assert!(["parameters", "steps", "secrets", "user", "range", "always"]
            .iter()
            .all(|r| roots.contains(&r.to_string())));
        assert_eq!(labels_at("user.‸"), ["entity", "ref"]);
    }

    #[test]
    fn dashed_step_ids_are_written_as_subscripts() {
        let text = TEMPLATE.replace("CURSOR", "steps.‸");
        let (text, position) = crate::lsp::cursor::tests::at_marker(&text);
        let items = complete(&Cursor::new(&text, position).unwrap(), Manifest::builtin());
        assert_eq!(items[0].insert_text, "['fetch-base']");
        assert_eq!(items[0].range.column, position.column - 1, "the dot is replaced");
        assert_eq!(items[1].insert_text, "cat");
    }

    #[test]
    fn action_ids_and_input_keys() {
        let with = |from: &str, to: &str| {
            let (text, position) = crate::lsp::cursor::tests::at_marker(&TEMPLATE.replace(from, to));
            complete(&Cursor::new(&text, position).unwrap(), Manifest::builtin())
        };
        let actions = with("action: catalog:fetch", "action: cat‸");
        assert!(actions.iter().any(|i| i.label == "catalog:fetch" && i.range.column == 15));
        assert!(actions.iter().any(|i| i.label == "fetch:template"));
        let inputs = with("        entityRef: x\n", "        entityRef: x\n        ‸\n");
        let labels: Vec<&str> = inputs.iter().map(|i| i.label.as_str()).collect();
        assert_eq!(labels, ["entityRefs", "optional", "defaultKind", "defaultNamespace"], "entityRef is there already");
        assert_eq!(inputs[0].insert_text, "entityRefs: ");
        assert_eq!(inputs[0].documentation.as_deref(), Some("Entity references of the entities to get"));
        let keys = with("        entityRef: x\n", "        entityRef: x\n      ‸\n");
        let labels: Vec<&str> = keys.iter().map(|i| i.label.as_str()).collect();
        assert_eq!(labels, ["name", "if", "each"]);
    }
}
