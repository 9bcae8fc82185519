//! `if-plain-string`: a step `if:` that is a string without `${{ }}`. Backstage treats any
//! non-empty string as true, so `if: "false"` or `if: parameters.flag` still runs the step.

use serde_json::Value;

use crate::check::{Context, Rule, RuleInfo, Visitor};
use crate::diagnostics::{Diagnostic, Severity};

pub const RULE: Rule = Rule {
    info: RuleInfo {
        id: "if-plain-string",
        description: "a step `if:` must be a boolean or a ${{ }} expression",
        default_severity: Severity::Error,
    },
    visitor: |_| Box::new(IfPlainString),
};

struct IfPlainString;

impl Visitor for IfPlainString {
    fn step(&mut self, context: &Context, index: usize, step: &Value, out: &mut Vec<Diagnostic>) {
        let Some(Value::String(condition)) = step.get("if") else { return };
        if condition.contains("${{") || condition.contains("{%") {
            return;
        }
        let trimmed = condition.trim();
        let pointer = format!("/spec/steps/{index}/if");
        let span = context.node_span(&pointer, false);
        if trimmed == "true" {
            out.push(context.diagnostic(
                RULE.info.id,
                Severity::Warning,
                span,
                "`if: \"true\"` is a string; it is always true, so the condition does nothing".into(),
                Some("remove the `if`, or write a boolean `if: true`".into()),
            ));
            return;
        }
        let hint = if trimmed.is_empty() || trimmed == "false" || trimmed == "0" {
            "write the boolean `if: false` (unquoted) to skip the step".to_string()
        } else {
            format!("write `if: ${{{{ {trimmed} }}}}` so Backstage evaluates it")
        };
        let message = if trimmed.is_empty() {
            "`if` is an empty string, which Backstage treats as false; the intent is unclear".to_string()
        } else {
            format!("`if: {condition:?}` is a plain string, which Backstage treats as true: the step always runs")
        };
        out.push(context.diagnostic(RULE.info.id, Severity::Error, span, message, Some(hint)));
    }
}
