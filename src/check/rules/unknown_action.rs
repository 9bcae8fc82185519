//! `unknown-action`: a step's `action` that the manifest does not list. Backstage fails the
//! task with "Template action with ID '…' is not registered". With only the built-in manifest,
//! an action from a module (such as `publish:github`) cannot be told from a typo, so that case
//! is a warning; with an instance manifest (`--manifest`) it is an error.

use serde_json::Value;

use crate::check::{Context, Rule, RuleInfo, Visitor};
use crate::diagnostics::{Diagnostic, Severity};

pub const RULE: Rule = Rule {
    info: RuleInfo {
        id: "unknown-action",
        description: "step actions must be registered in Backstage",
        default_severity: Severity::Warning,
    },
    visitor: |context| Box::new(UnknownAction { known: context.manifest.action_ids() }),
};

struct UnknownAction {
    /// The actions of the manifest, for suggestions.
    known: Vec<String>,
}

impl Visitor for UnknownAction {
    fn step(&mut self, context: &Context, index: usize, step: &Value, out: &mut Vec<Diagnostic>) {
        let Some(action) = step.get("action").and_then(|a| a.as_str()) else { return };
        if context.manifest.action(action).is_some() {
            return;
        }
        let near = context.closest(action, &self.known);
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
        out.push(context.diagnostic(
            RULE.info.id,
            severity,
            context.node_span(&format!("/spec/steps/{index}/action"), false),
            message,
            Some(hint),
        ));
    }
}
