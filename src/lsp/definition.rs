//! Go to definition: `parameters.x` (nested too) to the field's key on its form page (every page
//! or branch that declares it), `steps.x` to the step's `id`, `secrets.x` to its schema entry.

use serde_json::Value;

use super::cursor::{Cursor, Target};
use super::{schema, Location};

pub fn definition(cursor: &Cursor, path: &str) -> Vec<Location> {
    let Some((Target::Reference { root, path: names, segment }, _)) = cursor.target() else { return Vec::new() };
    let pointers: Vec<String> = match root.as_str() {
        "parameters" => schema::parameter_fields(&cursor.template, &names[..segment])
            .into_iter()
            .filter(|f| f.name == names[segment])
            .map(|f| f.pointer)
            .collect(),
        "secrets" if segment == 0 => match cursor.value("/spec/secrets/schema") {
            Some(secrets) => schema::fields(secrets, "/spec/secrets/schema", (secrets, "/spec/secrets/schema"))
                .into_iter()
                .filter(|f| f.name == names[0])
                .map(|f| f.pointer)
                .collect(),
            None => Vec::new(),
        },
        "steps" if segment == 0 => {
            let index = cursor.step_ids().iter().position(|id| *id == names[0]);
            let has_id = |i: usize| cursor.steps()[i].get("id").is_some_and(Value::is_string);
            // A step without an id (`step-<n>`) is found at its first line.
            index
                .map(|i| if has_id(i) { format!("/spec/steps/{i}/id") } else { format!("/spec/steps/{i}") })
                .into_iter()
                .collect()
        }
        _ => Vec::new(),
    };
    pointers
        .iter()
        .filter_map(|pointer| {
            let key = pointer.ends_with("/id") || !pointer.starts_with("/spec/steps");
            Some(Location {
                path: path.to_string(),
                range: cursor.node_span(pointer, key && !pointer.ends_with("/id"))?,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lsp::cursor::tests::at_marker;

    #[test]
    fn parameters_and_steps_lead_to_their_declarations() {
        let template = "apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata: { name: t }
spec:
  parameters:
    - properties:
        repo:
          properties:
            host: { type: string }
    - properties:
        repo: { type: object }
  steps:
    - id: fetch
      action: fetch:template
      input: { url: ./s }
    - action: debug:log
      input:
        message: ${{ parameters.repo.ho@1st }} ${{ parameters.re@2po }} ${{ steps.fe@3tch.output }} ${{ steps['step-2'] }}
";
        let at = |mark: &str| {
            let marked = template.replace(mark, "‸").replace("@1", "").replace("@2", "").replace("@3", "");
            let (text, position) = at_marker(&marked);
            let cursor = Cursor::new(&text, position).unwrap();
            definition(&cursor, "/w/t.yaml")
                .iter()
                .map(|l| (l.range.line, l.range.column, l.range.end_column))
                .collect::<Vec<_>>()
        };
        assert_eq!(at("@1"), [(9, 13, 17)], "parameters.repo.host → host's key");
        assert_eq!(at("@2"), [(7, 9, 13), (11, 9, 13)], "both pages declare repo");
        assert_eq!(at("@3"), [(13, 11, 16)], "the step's id value");
    }
}
