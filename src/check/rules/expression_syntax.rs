//! `expression-syntax`: a templated string does not parse. Backstage renders it anyway by
//! passing the raw text on (step inputs, `if`, `output`) or by showing the page (`when`), so
//! the mistake surfaces later as a wrong value, never as an error.

use crate::check::{Context, Place, Rule, RuleInfo, TemplatedString, Visitor};
use crate::diagnostics::{Diagnostic, Severity};

pub const RULE: Rule = Rule {
    info: RuleInfo {
        id: "expression-syntax",
        description: "every ${{ }} expression and {% %} tag must parse",
        default_severity: Severity::Error,
    },
    visitor: |_| Box::new(ExpressionSyntax),
};

struct ExpressionSyntax;

impl Visitor for ExpressionSyntax {
    fn string(&mut self, context: &Context, string: &TemplatedString, out: &mut Vec<Diagnostic>) {
        let Err(error) = &string.parsed.template else { return };
        let consequence = match string.place {
            Place::When => "Backstage shows this page whatever the answers",
            Place::If => "Backstage keeps the raw text, which is truthy: the step always runs",
            Place::Each => "Backstage keeps the raw text and the step fails at run time",
            Place::Input | Place::Output => "Backstage passes the raw text on instead of a value",
        };
        let span = context.span_in_string(string, error.start, error.end);
        out.push(context.diagnostic(
            RULE.info.id,
            Severity::Error,
            span,
            format!("template syntax error: {}", error.message),
            Some(format!("{consequence}; fix the expression")),
        ));
    }
}
