//! `unknown-filter`: a filter neither Nunjitsu nor Backstage provides. Backstage fails the
//! render and keeps the raw text (step inputs) or fails the step (`fetch:template`).

use crate::check::analysis::Names;
use crate::check::{Context, Rule, RuleInfo, TemplatedString, Visitor};
use crate::diagnostics::{Diagnostic, Severity};
use crate::engine::builtins::{BACKSTAGE_FILTERS, FILTERS};

pub const RULE: Rule = Rule {
    info: RuleInfo {
        id: "unknown-filter",
        description: "filters must be Nunjucks built-ins or Backstage's",
        default_severity: Severity::Error,
    },
    visitor: |context| Box::new(UnknownFilter::new(context)),
};

/// The filters known in this run: built in, and the manifest's.
struct UnknownFilter {
    known: Names,
}

impl UnknownFilter {
    fn new(context: &Context) -> UnknownFilter {
        let mut known: Vec<String> = FILTERS.iter().chain(BACKSTAGE_FILTERS).map(|s| s.to_string()).collect();
        known.extend(context.manifest.filters.iter().map(|f| f.name.clone()));
        UnknownFilter { known: Names::new(known) }
    }
}

impl Visitor for UnknownFilter {
    fn string(&mut self, context: &Context, string: &TemplatedString, out: &mut Vec<Diagnostic>) {
        for usage in &string.parsed.uses.filters {
            if self.known.contains(&usage.name) {
                continue;
            }
            let hint = match context.closest(&usage.name, self.known.all()) {
                Some(near) => format!("did you mean `{near}`?"),
                None => "if a module of your Backstage instance registers this filter, this check does not know it yet"
                    .to_string(),
            };
            out.push(context.diagnostic(
                RULE.info.id,
                Severity::Error,
                context.span_in_string(string, usage.range.0, usage.range.1),
                format!("unknown filter `{}`: Backstage fails this render and passes the raw text on", usage.name),
                Some(hint),
            ));
        }
    }
}
