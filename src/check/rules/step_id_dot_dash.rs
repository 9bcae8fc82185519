//! `step-id-dot-dash`: `steps.publish-github.output.url` reads as `steps.publish - github…`,
//! a subtraction, which Backstage renders as `NaN`. Ids with dashes need `steps['publish-github']`.

use crate::check::{Context, Rule, RuleInfo};
use crate::diagnostics::{Diagnostic, Severity};
use crate::engine::refs::references;

pub const RULE: Rule = Rule {
    info: RuleInfo {
        id: "step-id-dot-dash",
        description: "step ids containing `-` must be written steps['id'], not steps.id",
        default_severity: Severity::Error,
    },
    run,
};

fn run(context: &Context, out: &mut Vec<Diagnostic>) {
    for string in &context.strings {
        let Ok(parsed) = &string.parsed else { continue };
        for reference in references(parsed) {
            if reference.root != "steps" {
                continue;
            }
            let Some(id) = context.step_ids.dashed_id_at(&string.source, &reference) else { continue };
            let id_start = reference.segment_ranges[0].0;
            out.push(context.diagnostic(
                RULE.info.id,
                Severity::Error,
                context.span_in_string(string, reference.range.0, id_start + id.len()),
                format!("`steps.{id}` is read as a subtraction (`steps.{} - …`) and renders as NaN", reference.path[0]),
                Some(format!("write `steps['{id}']`")),
            ));
        }
    }
}
