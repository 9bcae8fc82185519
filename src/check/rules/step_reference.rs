//! `step-reference`: `steps.X` names no step that has run by then. Backstage renders it as
//! empty (or `undefined`), so the mistake shows up only as a missing value.

use crate::check::analysis::segment_under;
use crate::check::{Context, Place, Rule, RuleInfo, TemplatedString, Visitor};
use crate::diagnostics::{Diagnostic, Severity};
use crate::engine::refs::Reference;

pub const RULE: Rule = Rule {
    info: RuleInfo {
        id: "step-reference",
        description: "steps.<id> must name an earlier step",
        default_severity: Severity::Error,
    },
    visitor: |_| Box::new(StepReference),
};

/// How many earlier step ids a hint lists at most.
const LISTED: usize = 20;

struct StepReference;

impl Visitor for StepReference {
    fn reference(&mut self, context: &Context, string: &TemplatedString, read: &Reference, out: &mut Vec<Diagnostic>) {
        let Some(id) = segment_under(read, "steps") else { return };
        let ids = context.step_ids.all();
        // Steps visible from here: those before this step, or all of them in `output`.
        let visible: &[String] = match (string.place, string.step) {
            (Place::When, _) => &[],
            (_, Some(step)) => &ids[..step],
            (_, None) => ids,
        };
        let later = context.step_ids.first_index(id);
        let is_visible = match (string.place, string.step) {
            (Place::When, _) => false,
            (_, Some(step)) => later.is_some_and(|at| at < step),
            (_, None) => later.is_some(),
        };
        if is_visible || context.step_ids.dashed_id_at(&string.source, read).is_some() {
            return;
        }
        let range = read.segment_ranges[0];
        // Only a name that is no step at all gets a did-you-mean (and its edit).
        let near = match (later, string.place) {
            (None, place) if place != Place::When => context.closest(id, visible),
            _ => None,
        };
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
                    None => format!("steps before this point: {}", listing(visible)),
                },
            ),
        };
        let span = context.span_in_string(string, range.0, range.1);
        let diagnostic = context.diagnostic(RULE.info.id, Severity::Error, span, message, Some(hint));
        out.push(crate::check::suggest::offer(diagnostic, context, string, range, near));
    }
}

/// `a, b, c`, or the first [`LISTED`] and how many more.
fn listing(ids: &[String]) -> String {
    match ids.len() {
        n if n <= LISTED => ids.join(", "),
        n => format!("{}, and {} more", ids[..LISTED].join(", "), n - LISTED),
    }
}
