//! `each-outside-each`: `each.key`/`each.value` in a step that has no `each:`; there it is
//! undefined and renders empty.

use crate::check::{Context, Place, Rule, RuleInfo, TemplatedString, Visitor};
use crate::diagnostics::{Diagnostic, Severity};
use crate::engine::refs::Reference;

pub const RULE: Rule = Rule {
    info: RuleInfo {
        id: "each-outside-each",
        description: "`each` can only be used in a step with `each:`",
        default_severity: Severity::Error,
    },
    visitor: |_| Box::new(EachOutsideEach),
};

struct EachOutsideEach;

impl Visitor for EachOutsideEach {
    fn reference(&mut self, context: &Context, string: &TemplatedString, read: &Reference, out: &mut Vec<Diagnostic>) {
        if read.root != "each" {
            return;
        }
        let in_each_step = match string.step {
            Some(index) => {
                context.steps().get(index).is_some_and(|s| s.get("each").is_some()) && string.place != Place::Each
            }
            None => false,
        };
        if in_each_step {
            return;
        }
        let (start, end) = (read.range.0, read.range.0 + 4);
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
