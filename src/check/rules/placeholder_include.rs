//! `placeholder-include`: a catalog placeholder (`$yaml`, `$json`, `$text`) whose file could not
//! be included: missing, a directory, unreadable, outside the repository, too large, not a path,
//! or YAML/JSON the catalog refuses (located at the mistake in the included file). The catalog
//! refuses the whole template then, so it is an error. An absolute URL (read by the catalog from
//! elsewhere) or a check without a file reader is a warning: the include is not checked.
//! Resolution is `placeholders::resolve`'s; this rule reports what it found.

use crate::check::{Context, Rule, RuleInfo, Visitor};
use crate::diagnostics::{Diagnostic, Severity};
use crate::placeholders::INCLUDE_RULE;

pub const RULE: Rule = Rule {
    info: RuleInfo {
        id: INCLUDE_RULE,
        description: "a $yaml/$json/$text placeholder must include a readable file of the repository",
        default_severity: Severity::Error,
    },
    visitor: |_| Box::new(PlaceholderInclude),
};

struct PlaceholderInclude;

impl Visitor for PlaceholderInclude {
    fn document(&mut self, context: &Context, out: &mut Vec<Diagnostic>) {
        out.extend(context.placeholder_findings(&RULE.info));
    }
}
