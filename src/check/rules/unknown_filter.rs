//! `unknown-filter`: a filter neither Nunjitsu nor Backstage provides. Backstage fails the
//! render and keeps the raw text (step inputs) or fails the step (`fetch:template`).

use crate::check::{Context, Rule, RuleInfo};
use crate::diagnostics::{Diagnostic, Severity};
use crate::engine::builtins::{BACKSTAGE_FILTERS, FILTERS};
use crate::engine::refs::analyze;

pub const RULE: Rule = Rule {
    info: RuleInfo {
        id: "unknown-filter",
        description: "filters must be Nunjucks built-ins or Backstage's",
        default_severity: Severity::Error,
    },
    run,
};

fn run(context: &Context, out: &mut Vec<Diagnostic>) {
    let mut known: Vec<String> = FILTERS.iter().chain(BACKSTAGE_FILTERS).map(|s| s.to_string()).collect();
    known.extend(context.manifest.filters.iter().map(|f| f.name.clone()));
    for string in &context.strings {
        let Ok(parsed) = &string.parsed else { continue };
        for usage in analyze(parsed).filters {
            if known.contains(&usage.name) {
                continue;
            }
            let near = crate::check::suggest::closest(&usage.name, &known);
            let hint = match near {
                Some(near) => format!("did you mean `{near}`?"),
                None => "if a module of your Backstage instance registers this filter, this check does not know it yet"
                    .to_string(),
            };
            let span = context.span_in_string(string, usage.range.0, usage.range.1);
            let diagnostic = context.diagnostic(
                RULE.info.id,
                Severity::Error,
                span,
                format!("unknown filter `{}`: Backstage fails this render and passes the raw text on", usage.name),
                Some(hint),
            );
            out.push(crate::check::suggest::offer(diagnostic, context, string, usage.range, near));
        }
    }
}
