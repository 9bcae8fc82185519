//! `each-outside-each`: `each.key`/`each.value` in a step that has no `each:`; there it is
//! undefined and renders empty.

use crate::check::context::Place;
use crate::check::{Context, Rule, RuleInfo};
use crate::diagnostics::{Diagnostic, Severity};
use crate::engine::refs::references;

pub const RULE: Rule = Rule {
    info: RuleInfo {
        id: "each-outside-each",
        description: "`each` can only be used in a step with `each:`",
        default_severity: Severity::Error,
    },
    run,
};

fn run(context: &Context, out: &mut Vec<Diagnostic>) {
    let steps = context.steps();
    for string in &context.strings {
        let in_each_step = match string.step {
            Some(index) => steps.get(index).is_some_and(|s| s.get("each").is_some()) && string.place != Place::Each,
            None => false,
        };
        let Ok(parsed) = &string.parsed else { continue };
        if in_each_step {
            continue;
        }
        for reference in references(parsed).into_iter().filter(|r| r.root == "each") {
            let (start, end) = (reference.range.0, reference.range.0 + 4);
            let place = match string.place {
                Place::Each => "the `each:` expression itself",
                Place::Output => "the template output",
                Place::When => "a page condition",
                _ => "a step without `each:`",
            };
            out.push(context.diagnostic(
                RULE.info.id,
                Severity::Error,
                context.span_in_string(string, start, end),
                format!("`each` is undefined in {place}, so this renders empty"),
                Some("add `each:` to the step to repeat it, or use the value directly".into()),
            ));
        }
    }
}
