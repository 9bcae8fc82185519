//! `step-reference`: `steps.X` names no step that has run by then. Backstage renders it as
//! empty (or `undefined`), so the mistake shows up only as a missing value.

use crate::check::context::Place;
use crate::check::{Context, Rule, RuleInfo};
use crate::diagnostics::{Diagnostic, Severity};
use crate::engine::refs::references;

pub const RULE: Rule = Rule {
    info: RuleInfo {
        id: "step-reference",
        description: "steps.<id> must name an earlier step",
        default_severity: Severity::Error,
    },
    run,
};

/// Step ids in order, with Backstage's default `step-<n>` for steps without one.
pub fn step_ids(context: &Context) -> Vec<String> {
    context
        .steps()
        .iter()
        .enumerate()
        .map(|(i, step)| {
            step.get("id").and_then(|v| v.as_str()).map_or_else(|| format!("step-{}", i + 1), str::to_string)
        })
        .collect()
}

fn run(context: &Context, out: &mut Vec<Diagnostic>) {
    let ids = step_ids(context);
    for string in &context.strings {
        let Ok(parsed) = &string.parsed else { continue };
        // Steps visible from here: those before this step, or all of them in `output`.
        let visible: &[String] = match (string.place, string.step) {
            (Place::When, _) => &[],
            (_, Some(step)) => &ids[..step],
            (_, None) => &ids,
        };
        for reference in references(parsed) {
            if reference.root != "steps" {
                continue;
            }
            let Some(id) = reference.path.first() else { continue };
            if visible.contains(id) || super::step_id_dot_dash::dashed_id_at(&ids, &string.source, &reference).is_some()
            {
                continue;
            }
            let range = reference.segment_ranges[0];
            let span = context.span_in_string(string, range.0, range.1);
            let later = ids.iter().position(|known| known == id);
            let near = crate::check::suggest::closest(id, visible).filter(|_| later.is_none());
            let (message, hint) = match (later, string.place) {
                (_, Place::When) => (
                    format!("`steps.{id}` in a page condition: no step has run while the form is filled in"),
                    "page conditions can only use `parameters`".to_string(),
                ),
                (Some(at), _) if Some(at) == string.step => (
                    format!("`steps.{id}` refers to this step itself; its output exists only after it has run"),
                    "use the value directly, or read it in a later step".to_string(),
                ),
                (Some(at), _) => (
                    format!("`steps.{id}` refers to step {} which runs later, so its output is empty here", at + 1),
                    "move this step after it, or use a value that exists at this point".to_string(),
                ),
                (None, _) => (
                    format!("`steps.{id}` refers to no step of this template"),
                    match near {
                        Some(near) => format!("did you mean `steps.{near}`?"),
                        None if visible.is_empty() => "no step runs before this one".to_string(),
                        None => format!("steps before this point: {}", visible.join(", ")),
                    },
                ),
            };
            let diagnostic = context.diagnostic(RULE.info.id, Severity::Error, span, message, Some(hint));
            out.push(crate::check::suggest::offer(diagnostic, context, string, range, near));
        }
    }
}
