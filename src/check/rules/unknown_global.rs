//! `unknown-global`: a call of a function that is neither a Nunjitsu or Backstage global nor a
//! macro of the template. Nunjitsu throws ("resolved to undefined and cannot be called").

use crate::check::context::Place;
use crate::check::{Context, Rule, RuleInfo};
use crate::diagnostics::{Diagnostic, Severity};
use crate::engine::builtins::{BACKSTAGE_WORKFLOW_GLOBALS, GLOBALS};
use crate::engine::refs::analyze;

pub const RULE: Rule = Rule {
    info: RuleInfo {
        id: "unknown-global",
        description: "called functions must be Nunjucks or Backstage globals, or macros",
        default_severity: Severity::Error,
    },
    run,
};

fn run(context: &Context, out: &mut Vec<Diagnostic>) {
    for string in &context.strings {
        let Ok(parsed) = &string.parsed else { continue };
        // `always()`/`failure()` exist in the workflow runner, not in page conditions.
        let workflow: &[&str] = if string.place == Place::When { &[] } else { BACKSTAGE_WORKFLOW_GLOBALS };
        let mut known: Vec<String> = GLOBALS.iter().chain(workflow).map(|s| s.to_string()).collect();
        if string.place != Place::When {
            known.extend(context.manifest.globals.functions.iter().map(|f| f.name.clone()));
        }
        for usage in analyze(parsed).functions {
            if known.contains(&usage.name) {
                continue;
            }
            let near = crate::check::suggest::closest(&usage.name, &known);
            let hint = match near {
                Some(near) => format!("did you mean `{near}()`?"),
                None => format!("the functions available here are {}", known.join(", ")),
            };
            let span = context.span_in_string(string, usage.range.0, usage.range.1);
            let diagnostic = context.diagnostic(
                RULE.info.id,
                Severity::Error,
                span,
                format!("`{}()` is not a function Backstage provides; the render fails", usage.name),
                Some(hint),
            );
            out.push(crate::check::suggest::offer(diagnostic, context, string, usage.range, near));
        }
    }
}
