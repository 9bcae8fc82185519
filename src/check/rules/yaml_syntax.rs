//! `yaml-syntax`: the file is not valid YAML, so Backstage's catalog cannot load it at all, or
//! it is beyond what Trellis reads (`yaml::MAX_SOURCE_BYTES`, `yaml::MAX_DEPTH`, alias expansion).

use crate::check::{Rule, RuleInfo, Visitor};
use crate::diagnostics::{Diagnostic, Severity};
use crate::error::{Span, TrellisError};

pub const RULE: Rule = Rule {
    info: RuleInfo { id: "yaml-syntax", description: "the file must be valid YAML", default_severity: Severity::Error },
    // Reported while parsing, before any rule runs (see `from_error`).
    visitor: |_| Box::new(YamlSyntax),
};

struct YamlSyntax;

impl Visitor for YamlSyntax {}

pub fn from_error(file: &str, error: &TrellisError) -> Diagnostic {
    let span = error.span.unwrap_or(Span::point(1, 1));
    Diagnostic {
        file: file.to_string(),
        line: span.line,
        column: span.column,
        end_line: span.end_line,
        end_column: span.end_column.max(span.column + 1),
        severity: Severity::Error,
        rule: RULE.info.id,
        message: error.message.clone(),
        hint: Some("the catalog cannot read this file; fix the YAML before anything else".into()),
        suggestion: None,
    }
}
