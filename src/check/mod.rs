//! `trellis check`: finds template mistakes that Backstage only shows at run time (or never).
//!
//! A template file is parsed once into a [`Context`] (YAML values with spans, every templated
//! string parsed by the engine's front end); each rule in [`rules`] reads the context and adds
//! [`Diagnostic`]s. Rules live one per file with a stable id, a one-line description and golden
//! tests (`tests/fixtures/check/<rule>/`).

mod context;
mod locate;
pub mod rules;
mod suggest;

use serde::Serialize;

use crate::diagnostics::{Diagnostic, Severity, Summary};

pub use context::{Context, TemplatedString};

/// How a rule is described to users (`trellis rules`, SARIF).
#[derive(Debug, Clone, Copy, Serialize)]
pub struct RuleInfo {
    pub id: &'static str,
    pub description: &'static str,
    pub default_severity: Severity,
}

/// A check over one Template document.
pub struct Rule {
    pub info: RuleInfo,
    pub run: fn(&Context, &mut Vec<Diagnostic>),
}

/// Options of one check run.
#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    /// The file name used in diagnostics.
    pub path: Option<String>,
}

/// Everything found in one file.
#[derive(Debug, Clone, Serialize)]
pub struct CheckResult {
    pub diagnostics: Vec<Diagnostic>,
    pub summary: Summary,
}

/// Checks every Template document in `source`.
pub fn check_source(source: &str, options: &CheckOptions) -> CheckResult {
    let file = options.path.clone().unwrap_or_else(|| "template.yaml".into());
    let mut diagnostics = Vec::new();
    match crate::yaml::parse_documents(source, Some(&file)) {
        Err(error) => diagnostics.push(rules::yaml_syntax::from_error(&file, &error)),
        Ok(documents) => {
            for document in documents {
                if document.value.get("kind").and_then(|k| k.as_str()) != Some("Template") {
                    continue;
                }
                let context = Context::new(&file, source, document);
                for rule in rules::ALL {
                    (rule.run)(&context, &mut diagnostics);
                }
            }
        }
    }
    diagnostics.sort_by(|a, b| (a.line, a.column, a.rule).cmp(&(b.line, b.column, b.rule)));
    diagnostics.dedup();
    let summary = Summary::of(&diagnostics, 1);
    CheckResult { diagnostics, summary }
}
