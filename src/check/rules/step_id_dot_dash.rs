//! `step-id-dot-dash`: `steps.publish-github.output.url` reads as `steps.publish - github…`,
//! a subtraction, which Backstage renders as `NaN`. Ids with dashes need `steps['publish-github']`.

use crate::check::{Context, Rule, RuleInfo, TemplatedString, Visitor};
use crate::diagnostics::{Diagnostic, Severity};
use crate::engine::refs::Reference;

pub const RULE: Rule = Rule {
    info: RuleInfo {
        id: "step-id-dot-dash",
        description: "step ids containing `-` must be written steps['id'], not steps.id",
        default_severity: Severity::Error,
    },
    visitor: |_| Box::new(StepIdDotDash),
};

struct StepIdDotDash;

impl Visitor for StepIdDotDash {
    fn reference(&mut self, context: &Context, string: &TemplatedString, read: &Reference, out: &mut Vec<Diagnostic>) {
        if read.root != "steps" {
            return;
        }
        let Some(id) = context.step_ids.dashed_id_at(&string.source, read) else { return };
        let id_start = read.segment_ranges[0].0;
        out.push(context.diagnostic(
            RULE.info.id,
            Severity::Error,
            context.span_in_string(string, read.range.0, id_start + id.len()),
            format!("`steps.{id}` is read as a subtraction (`steps.{} - …`) and renders as NaN", read.path[0]),
            Some(format!("write `steps['{id}']`")),
        ));
    }
}
