//! `duplicate-step-id`: two steps share an id, so `steps.<id>.output` means the later one and
//! the earlier step's outputs are unreachable.

use std::collections::HashMap;

use crate::check::{Context, Rule, RuleInfo};
use crate::diagnostics::{Diagnostic, Severity};

pub const RULE: Rule = Rule {
    info: RuleInfo {
        id: "duplicate-step-id",
        description: "step ids must be unique",
        default_severity: Severity::Error,
    },
    run,
};

fn run(context: &Context, out: &mut Vec<Diagnostic>) {
    // Id → the first step that has it (written ids only: two steps without one are not duplicates).
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (index, step) in context.steps().iter().enumerate() {
        let Some(id) = step.get("id").and_then(|v| v.as_str()) else { continue };
        if let Some(first) = seen.get(id) {
            let earlier = context.node_span(&format!("/spec/steps/{first}/id"), false);
            out.push(context.diagnostic(
                RULE.info.id,
                Severity::Error,
                context.node_span(&format!("/spec/steps/{index}/id"), false),
                format!("step id `{id}` is already used by step {} (line {})", first + 1, earlier.line),
                Some("give each step its own id; later references to it reach only the last step with that id".into()),
            ));
        } else {
            seen.insert(id, index);
        }
    }
}
