//! `step-output-reference`: `steps.X.output.Y` where the action of step X declares its outputs
//! and Y is not one of them. It renders empty.

use serde_json::Value;

use crate::check::{Context, Rule, RuleInfo};
use crate::diagnostics::{Diagnostic, Severity};
use crate::engine::refs::references;

pub const RULE: Rule = Rule {
    info: RuleInfo {
        id: "step-output-reference",
        description: "steps.<id>.output.<name> must be an output the step's action declares",
        default_severity: Severity::Error,
    },
    run,
};

fn run(context: &Context, out: &mut Vec<Diagnostic>) {
    let ids = super::step_reference::step_ids(context);
    let steps = context.steps();
    for string in &context.strings {
        let Ok(parsed) = &string.parsed else { continue };
        for reference in references(parsed) {
            if reference.root != "steps" || reference.path.len() < 3 || reference.path[1] != "output" {
                continue;
            }
            let Some(index) = ids.iter().position(|id| *id == reference.path[0]) else { continue };
            let Some(action_id) = steps[index].get("action").and_then(Value::as_str) else { continue };
            let Some(output) = context.manifest.action(action_id).and_then(|a| a.schema.output.as_ref()) else {
                continue;
            };
            let Some(Value::Object(declared)) = output.get("properties") else { continue };
            if output.get("additionalProperties").is_some_and(|a| a != &Value::Bool(false)) {
                continue;
            }
            let name = &reference.path[2];
            if declared.contains_key(name) {
                continue;
            }
            let names: Vec<String> = declared.keys().cloned().collect();
            let range = reference.segment_ranges[2];
            let span = context.span_in_string(string, range.0, range.1);
            let near = crate::check::suggest::closest(name, &names);
            let diagnostic = context.diagnostic(
                RULE.info.id,
                Severity::Error,
                span,
                format!(
                    "`{action_id}` has no output `{name}`, so `steps.{}.output.{name}` is empty",
                    reference.path[0]
                ),
                Some(match near {
                    Some(near) => format!("did you mean `{near}`?"),
                    None if names.is_empty() => format!("`{action_id}` declares no outputs"),
                    None => format!("its outputs are: {}", names.join(", ")),
                }),
            );
            out.push(crate::check::suggest::offer(diagnostic, context, string, range, near));
        }
    }
}
