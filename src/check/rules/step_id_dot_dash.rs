//! `step-id-dot-dash`: `steps.publish-github.output.url` reads as `steps.publish - github…`,
//! a subtraction, which Backstage renders as `NaN`. Ids with dashes need `steps['publish-github']`.

use crate::check::{Context, Rule, RuleInfo};
use crate::diagnostics::{Diagnostic, Severity};
use crate::engine::refs::{references, Reference};

pub const RULE: Rule = Rule {
    info: RuleInfo {
        id: "step-id-dot-dash",
        description: "step ids containing `-` must be written steps['id'], not steps.id",
        default_severity: Severity::Error,
    },
    run,
};

/// The dashed step id that `reference` (a `steps.<prefix>` read) starts to spell in `source`.
pub fn dashed_id_at<'a>(ids: &'a [String], source: &str, reference: &Reference) -> Option<&'a String> {
    let (start, _) = *reference.segment_ranges.first()?;
    let prefix = reference.path.first()?;
    let source_from = source.get(start..)?;
    ids.iter()
        .filter(|id| id.contains('-') && id.starts_with(prefix.as_str()) && source_from.starts_with(id.as_str()))
        .max_by_key(|id| id.len())
}

fn run(context: &Context, out: &mut Vec<Diagnostic>) {
    let ids = super::step_reference::step_ids(context);
    for string in &context.strings {
        let Ok(parsed) = &string.parsed else { continue };
        for reference in references(parsed) {
            if reference.root != "steps" {
                continue;
            }
            let Some(id) = dashed_id_at(&ids, &string.source, &reference) else { continue };
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
