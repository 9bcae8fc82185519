//! `unknown-global`: a call of a function that is neither a Nunjitsu or Backstage global nor a
//! macro of the template. Nunjitsu throws ("resolved to undefined and cannot be called").

use crate::check::{Context, Place, Rule, RuleInfo, TemplatedString, Visitor};
use crate::diagnostics::{Diagnostic, Severity};
use crate::engine::builtins::{BACKSTAGE_WORKFLOW_GLOBALS, GLOBALS};

pub const RULE: Rule = Rule {
    info: RuleInfo {
        id: "unknown-global",
        description: "called functions must be Nunjucks or Backstage globals, or macros",
        default_severity: Severity::Error,
    },
    visitor: |context| Box::new(UnknownGlobal::new(context)),
};

/// The functions known in this run, where steps run and in page conditions.
struct UnknownGlobal {
    in_steps: Vec<String>,
    in_conditions: Vec<String>,
}

impl UnknownGlobal {
    fn new(context: &Context) -> UnknownGlobal {
        let mut in_steps: Vec<String> =
            GLOBALS.iter().chain(BACKSTAGE_WORKFLOW_GLOBALS).map(|s| s.to_string()).collect();
        in_steps.extend(context.manifest.globals.functions.iter().map(|f| f.name.clone()));
        // `always()`/`failure()` exist in the workflow runner, not in page conditions.
        let in_conditions = GLOBALS.iter().map(|s| s.to_string()).collect();
        UnknownGlobal { in_steps, in_conditions }
    }
}

impl Visitor for UnknownGlobal {
    fn string(&mut self, context: &Context, string: &TemplatedString, out: &mut Vec<Diagnostic>) {
        let known = if string.place == Place::When { &self.in_conditions } else { &self.in_steps };
        for usage in &string.parsed.uses.functions {
            if known.contains(&usage.name) {
                continue;
            }
            let hint = match context.closest(&usage.name, known) {
                Some(near) => format!("did you mean `{near}()`?"),
                None => format!("the functions available here are {}", known.join(", ")),
            };
            out.push(context.diagnostic(
                RULE.info.id,
                Severity::Error,
                context.span_in_string(string, usage.range.0, usage.range.1),
                format!("`{}()` is not a function Backstage provides; the render fails", usage.name),
                Some(hint),
            ));
        }
    }
}
