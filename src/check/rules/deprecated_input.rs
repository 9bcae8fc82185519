//! `deprecated-input`: inputs Backstage still accepts but ignores. `copyWithoutRender` of
//! `fetch:template` was replaced by `copyWithoutTemplating` in scaffolder-backend 2.0; the files
//! it names are rendered anyway.

use serde_json::Value;

use crate::check::{Context, Rule, RuleInfo, Visitor};
use crate::diagnostics::{Diagnostic, Severity};

pub const RULE: Rule = Rule {
    info: RuleInfo {
        id: "deprecated-input",
        description: "inputs that Backstage accepts but ignores",
        default_severity: Severity::Warning,
    },
    visitor: |_| Box::new(DeprecatedInput),
};

struct DeprecatedInput;

/// (action, input, what to use instead)
const IGNORED: &[(&str, &str, &str)] = &[("fetch:template", "copyWithoutRender", "copyWithoutTemplating")];

impl Visitor for DeprecatedInput {
    fn step(&mut self, context: &Context, index: usize, step: &Value, out: &mut Vec<Diagnostic>) {
        let Some(action) = step.get("action").and_then(|a| a.as_str()) else { return };
        for (ignored_by, input, instead) in IGNORED {
            if action != *ignored_by || step.pointer(&format!("/input/{input}")).is_none() {
                continue;
            }
            out.push(context.diagnostic(
                RULE.info.id,
                Severity::Warning,
                context.node_span(&format!("/spec/steps/{index}/input/{input}"), true),
                format!("`{input}` is ignored by `{action}`: the files it lists are rendered anyway"),
                Some(format!("rename it to `{instead}` (same glob patterns)")),
            ));
        }
    }
}
