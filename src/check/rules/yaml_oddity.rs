//! `yaml-oddity`: YAML that Backstage's catalog reads without complaint but probably not as its
//! author meant: a collection used as a mapping key (a `{{ … }}` placeholder reads as one and
//! becomes the string key `{ … }`), a tag the catalog ignores, a `<<` key (merge keys are off),
//! a null key, two keys that read alike, a carriage return or NUL kept in a value. A warning
//! where it is, never a refusal: the YAML reader notes these while parsing
//! (`yaml::SourceMap::oddities`).

use crate::check::{Context, Rule, RuleInfo, Visitor};
use crate::diagnostics::{Diagnostic, Severity};

pub const RULE: Rule = Rule {
    info: RuleInfo {
        id: "yaml-oddity",
        description: "YAML the catalog reads differently from how it looks",
        default_severity: Severity::Warning,
    },
    visitor: |_| Box::new(YamlOddity),
};

struct YamlOddity;

impl Visitor for YamlOddity {
    fn document(&mut self, context: &Context, out: &mut Vec<Diagnostic>) {
        for oddity in context.map.oddities() {
            out.push(context.diagnostic(
                RULE.info.id,
                RULE.info.default_severity,
                oddity.span,
                oddity.message.clone(),
                Some(oddity.hint.clone()),
            ));
        }
    }
}
