//! `unknown-action`: a step's `action` that the manifest does not list. Backstage fails the
//! task with "Template action with ID '…' is not registered". With only the built-in manifest,
//! an action from a module (such as `publish:github`) cannot be told from a typo, so that case
//! is a warning; with an instance manifest (`--manifest`) it is an error.

use crate::check::{Context, Rule, RuleInfo};
use crate::diagnostics::{Diagnostic, Severity};

pub const RULE: Rule = Rule {
    info: RuleInfo {
        id: "unknown-action",
        description: "step actions must be registered in Backstage",
        default_severity: Severity::Warning,
    },
    run,
};

fn run(context: &Context, out: &mut Vec<Diagnostic>) {
    let known = context.manifest.action_ids();
    for (index, step) in context.steps().iter().enumerate() {
        let Some(action) = step.get("action").and_then(|a| a.as_str()) else { continue };
        if context.manifest.action(action).is_some() {
            continue;
        }
        let near = crate::check::suggest::closest(action, &known);
        let (severity, message) = match (context.manifest.complete, near) {
            (true, _) | (false, Some(_)) => {
                (Severity::Error, format!("action `{action}` is not registered; the task fails at this step"))
            }
            (false, None) => (
                Severity::Warning,
                format!("action `{action}` is not built into scaffolder-backend; it needs a module that provides it"),
            ),
        };
        let hint = match near {
            Some(near) => format!("did you mean `{near}`?"),
            None => "run `trellis manifest --url <your Backstage>` and pass the file with `--manifest` to check \
                     against the actions your instance really has"
                .into(),
        };
        let pointer = format!("/spec/steps/{index}/action");
        let diagnostic =
            context.diagnostic(RULE.info.id, severity, context.node_span(&pointer, false), message, Some(hint));
        out.push(crate::check::suggest::offer_value(diagnostic, context, &pointer, action, near));
    }
}
