//! Hover: an action's description with its inputs and outputs, a parameter's title, type and
//! description, a step, an action input, a filter's or a global's documentation.

use serde_json::Value;

use super::cursor::{Cursor, Target};
use super::schema::{self, Field};
use super::{docs, Hover};
use crate::manifest::{Action, Manifest};

/// Inputs and outputs listed per action (a few actions have dozens).
const MAX_LISTED: usize = 30;

fn field_line(field: &Field) -> String {
    let description = field.schema.get("description").and_then(Value::as_str).and_then(|d| d.lines().next());
    let detail = schema::detail(field).map(|d| format!(" ({d})")).unwrap_or_default();
    match description {
        Some(text) => format!("- `{}`{detail}: {text}", field.name),
        None => format!("- `{}`{detail}", field.name),
    }
}

fn field_list(title: &str, schema: Option<&Value>) -> Option<String> {
    let schema = schema?;
    let level = schema::fields(schema, "", (schema, ""));
    let fields = schema::distinct(&level);
    if fields.is_empty() {
        return None;
    }
    let mut lines: Vec<String> = fields.iter().take(MAX_LISTED).map(|f| field_line(f)).collect();
    if fields.len() > MAX_LISTED {
        lines.push(format!("- … and {} more", fields.len() - MAX_LISTED));
    }
    Some(format!("**{title}**\n\n{}", lines.join("\n")))
}

/// An action as Markdown: id, description, inputs, outputs.
pub fn action_markdown(action: &Action) -> String {
    let mut parts = vec![format!("**`{}`**", action.id)];
    parts.extend(action.description.clone());
    parts.extend(field_list("Input", action.schema.input.as_ref()));
    parts.extend(field_list("Output", action.schema.output.as_ref()));
    parts.join("\n\n")
}

fn field_markdown(title: &str, field: &Field) -> String {
    let detail = schema::detail(field).map(|d| format!(" — {d}")).unwrap_or_default();
    let description = schema::describe(field.schema);
    [format!("`{title}`{detail}"), description].into_iter().filter(|p| !p.is_empty()).collect::<Vec<_>>().join("\n\n")
}

pub fn hover(cursor: &Cursor, manifest: &Manifest) -> Option<Hover> {
    let step_part = |pointer: &str| {
        let rest = pointer.strip_prefix("/spec/steps/")?;
        let (index, rest) = rest.split_once('/')?;
        Some((index.parse::<usize>().ok()?, rest.to_string()))
    };
    // On a step's `action:` value.
    if let Some(node) = cursor.value_node() {
        if let Some((index, rest)) = step_part(&node.pointer) {
            let action = cursor.steps().get(index).and_then(|s| s.get("action")).and_then(Value::as_str);
            if rest == "action" {
                let markdown = match action.and_then(|id| manifest.action(id)) {
                    Some(action) => action_markdown(action),
                    None => format!("`{}` is not an action this manifest lists", action.unwrap_or_default()),
                };
                return Some(Hover { markdown, range: node.span.value });
            }
        }
    }
    // On a key under a step's `input:`.
    if let Some(node) = cursor.key_node() {
        if let Some((index, rest)) = step_part(&node.pointer) {
            let name = rest.strip_prefix("input/").filter(|name| !name.contains('/'));
            let action_id = cursor.steps().get(index).and_then(|s| s.get("action")).and_then(Value::as_str);
            let action = action_id.and_then(|id| manifest.action(id));
            if let (Some(name), Some(schema)) = (name, action.and_then(|a| a.schema.input.as_ref())) {
                let level = schema::fields(schema, "", (schema, ""));
                let field = level.iter().find(|f| f.name == name)?;
                let markdown =
                    field_markdown(&format!("{} input {}", action_id.unwrap_or_default(), field.name), field);
                return Some(Hover { markdown, range: node.span.key? });
            }
        }
    }
    let (target, range) = cursor.target()?;
    let markdown = match target {
        Target::Reference { root, path, segment } => reference(cursor, manifest, &root, &path, segment)?,
        Target::Filter(name) => {
            let described = manifest.filters.iter().find(|f| f.name == name).and_then(|f| f.description.clone());
            let builtin = docs::filter(&name);
            let signature = builtin.map_or(name.as_str(), |(signature, _)| signature);
            let text = described.or(builtin.map(|(_, text)| text.to_string()))?;
            format!("filter `{signature}`\n\n{text}")
        }
        Target::Function(name) => {
            let (signature, text) = docs::global(&name)?;
            format!("function `{signature}`\n\n{text}")
        }
    };
    Some(Hover { markdown, range })
}

fn reference(cursor: &Cursor, manifest: &Manifest, root: &str, path: &[String], segment: usize) -> Option<String> {
    let title = format!("{root}.{}", path[..=segment].join("."));
    match root {
        "parameters" => {
            let level = schema::parameter_fields(&cursor.template, &path[..segment]);
            Some(field_markdown(&title, level.iter().find(|f| f.name == path[segment])?))
        }
        "secrets" if segment == 0 => {
            let schema = cursor.value("/spec/secrets/schema")?;
            let level = schema::fields(schema, "", (schema, ""));
            Some(field_markdown(&title, level.iter().find(|f| f.name == path[0])?))
        }
        "steps" => {
            let index = cursor.step_ids().iter().position(|id| *id == path[0])?;
            let step = &cursor.steps()[index];
            let action_id = step.get("action").and_then(Value::as_str).unwrap_or_default();
            match segment {
                0 => {
                    let name = step.get("name").and_then(Value::as_str).map(|n| format!(": {n}")).unwrap_or_default();
                    Some(format!("step {} `{}`{name}\n\nruns `{action_id}`", index + 1, path[0]))
                }
                2 if path[1] == "output" => {
                    let output = manifest.action(action_id)?.schema.output.as_ref()?;
                    let level = schema::fields(output, "", (output, ""));
                    Some(field_markdown(&title, level.iter().find(|f| f.name == path[2])?))
                }
                _ => None,
            }
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lsp::cursor::tests::at_marker;

    const TEMPLATE: &str = r#"apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata: { name: t }
spec:
  parameters:
    - properties:
        name: { type: string, title: Name, description: The service name }
  steps:
    - id: fetch
      name: Fetch the base
      action: fetch:tem‸plate
      input:
        url: ./skeleton
        values:
          name: ${{ parameters.na‸me | tr‸im }}
    - id: log
      action: debug:log
      input:
        mess‸age: ${{ steps.fe‸tch.output }}
"#;

    fn hover_at(marker: usize) -> Hover {
        let mut text = String::new();
        for (index, part) in TEMPLATE.split('‸').enumerate() {
            text.push_str(part);
            if index == marker {
                text.push('‸');
            }
        }
        let (text, position) = at_marker(&text);
        hover(&Cursor::new(&text, position).unwrap(), Manifest::builtin()).expect("a hover")
    }

    #[test]
    fn actions_parameters_filters_inputs_and_steps() {
        let action = hover_at(0);
        assert!(action.markdown.starts_with("**`fetch:template`**\n\nDownloads a skeleton"), "{}", action.markdown);
        assert!(
            action.markdown.contains("- `url` (string, required): Relative path or absolute URL"),
            "{}",
            action.markdown
        );
        assert_eq!((action.range.line, action.range.column, action.range.end_column), (11, 15, 29));

        let parameter = hover_at(1);
        assert_eq!(parameter.markdown, "`parameters.name` — string\n\n**Name**\n\nThe service name");
        assert_eq!((parameter.range.line, parameter.range.column, parameter.range.end_column), (15, 32, 36));

        assert!(hover_at(2).markdown.starts_with("filter `trim`\n\n"));
        assert!(hover_at(3).markdown.starts_with("`debug:log input message` — string"), "{}", hover_at(3).markdown);
        assert_eq!(hover_at(4).markdown, "step 1 `fetch`: Fetch the base\n\nruns `fetch:template`");
    }
}
