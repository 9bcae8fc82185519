//! `step-output-reference`: `steps.X.output.Y` where the action of step X declares its outputs
//! and Y is not one of them. It renders empty.

use serde_json::Value;

use crate::check::{Context, Rule, RuleInfo, TemplatedString, Visitor};
use crate::diagnostics::{Diagnostic, Severity};
use crate::engine::refs::Reference;

pub const RULE: Rule = Rule {
    info: RuleInfo {
        id: "step-output-reference",
        description: "steps.<id>.output.<name> must be an output the step's action declares",
        default_severity: Severity::Error,
    },
    visitor: |_| Box::new(StepOutputReference),
};

struct StepOutputReference;

impl Visitor for StepOutputReference {
    fn reference(&mut self, context: &Context, string: &TemplatedString, read: &Reference, out: &mut Vec<Diagnostic>) {
        if read.root != "steps" || read.path.len() < 3 || read.path[1] != "output" {
            return;
        }
        let Some(index) = context.step_ids.first_index(&read.path[0]) else { return };
        let Some(action_id) = context.steps()[index].get("action").and_then(Value::as_str) else { return };
        let Some(output) = context.manifest.action(action_id).and_then(|a| a.schema.output.as_ref()) else {
            return;
        };
        let Some(Value::Object(declared)) = output.get("properties") else { return };
        if output.get("additionalProperties").is_some_and(|a| a != &Value::Bool(false)) {
            return;
        }
        let name = &read.path[2];
        if declared.contains_key(name) {
            return;
        }
        let names: Vec<String> = declared.keys().cloned().collect();
        let range = read.segment_ranges[2];
        let near = context.closest(name, &names);
        let diagnostic = context.diagnostic(
            RULE.info.id,
            Severity::Error,
            context.span_in_string(string, range.0, range.1),
            format!("`{action_id}` has no output `{name}`, so `steps.{}.output.{name}` is empty", read.path[0]),
            Some(match near {
                Some(near) => format!("did you mean `{near}`?"),
                None if names.is_empty() => format!("`{action_id}` declares no outputs"),
                None => format!("its outputs are: {}", names.join(", ")),
            }),
        );
        out.push(crate::check::suggest::offer(diagnostic, context, string, range, near));
    }
}
