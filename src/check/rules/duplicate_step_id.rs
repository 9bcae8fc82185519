//! `duplicate-step-id`: two steps share an id, so `steps.<id>.output` means the later one and
//! the earlier step's outputs are unreachable.

use std::collections::HashMap;

use serde_json::Value;

use crate::check::{Context, Rule, RuleInfo, Visitor};
use crate::diagnostics::{Diagnostic, Severity};

pub const RULE: Rule = Rule {
    info: RuleInfo {
        id: "duplicate-step-id",
        description: "step ids must be unique",
        default_severity: Severity::Error,
    },
    visitor: |_| Box::new(DuplicateStepId::default()),
};

/// Id → the first step that has it (written ids only: two steps without one are not duplicates).
#[derive(Default)]
struct DuplicateStepId {
    seen: HashMap<String, usize>,
}

impl Visitor for DuplicateStepId {
    fn step(&mut self, context: &Context, index: usize, step: &Value, out: &mut Vec<Diagnostic>) {
        let Some(id) = step.get("id").and_then(|v| v.as_str()) else { return };
        let Some(&first) = self.seen.get(id) else {
            self.seen.insert(id.to_string(), index);
            return;
        };
        let earlier = context.node_span(&format!("/spec/steps/{first}/id"), false);
        out.push(context.diagnostic(
            RULE.info.id,
            Severity::Error,
            context.node_span(&format!("/spec/steps/{index}/id"), false),
            format!("step id `{id}` is already used by step {} (line {})", first + 1, earlier.line),
            Some("give each step its own id; later references to it reach only the last step with that id".into()),
        ));
    }
}
