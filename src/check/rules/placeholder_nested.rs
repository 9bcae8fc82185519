//! `placeholder-nested`: a `$yaml`/`$json`/`$text` mapping inside a file that a placeholder
//! includes. The catalog resolves the template file's placeholders only and does not look at
//! what they bring in (backstage/backstage#18768), so the scaffolder gets the mapping as it is
//! written: a step without an action, a form field without a type. Found by
//! `placeholders::resolve`, reported in the included file.

use crate::check::{Context, Rule, RuleInfo, Visitor};
use crate::diagnostics::{Diagnostic, Severity};
use crate::placeholders::NESTED_RULE;

pub const RULE: Rule = Rule {
    info: RuleInfo {
        id: NESTED_RULE,
        description: "placeholders inside an included file are not resolved by the catalog",
        default_severity: Severity::Error,
    },
    visitor: |_| Box::new(PlaceholderNested),
};

struct PlaceholderNested;

impl Visitor for PlaceholderNested {
    fn document(&mut self, context: &Context, out: &mut Vec<Diagnostic>) {
        out.extend(context.placeholder_findings(&RULE.info));
    }
}
