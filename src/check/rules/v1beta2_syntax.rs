//! `v1beta2-syntax`: `{{ parameters.x }}` (the v1beta2 syntax) in a v1beta3 template. v1beta3
//! only evaluates `${{ }}`, so the braces reach the output literally.

use std::sync::OnceLock;

use regex::Regex;

use crate::check::{Context, Rule, RuleInfo, Visitor};
use crate::diagnostics::{Diagnostic, Severity};

pub const RULE: Rule = Rule {
    info: RuleInfo {
        id: "v1beta2-syntax",
        description: "v1beta3 templates use ${{ }}, not {{ }}",
        default_severity: Severity::Error,
    },
    visitor: |_| Box::new(V1beta2Syntax),
};

struct V1beta2Syntax;

fn pattern() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(^|[^$])(\{\{\s*(parameters|steps|secrets|user|each|context)\b[^}]*\}\})").expect("valid pattern")
    })
}

impl Visitor for V1beta2Syntax {
    /// Every string Backstage renders, with template syntax or not (`{{ }}` alone is not).
    fn document(&mut self, context: &Context, out: &mut Vec<Diagnostic>) {
        let api_version = context.entity.get("apiVersion").and_then(|v| v.as_str()).unwrap_or("");
        if !api_version.ends_with("/v1beta3") {
            return;
        }
        context.each_rendered_string(&mut |pointer, text, _, _| {
            for found in pattern().captures_iter(text) {
                let Some(braces) = found.get(2) else { continue };
                let expression = braces.as_str();
                out.push(context.diagnostic(
                    RULE.info.id,
                    Severity::Error,
                    context.span_in_text(&pointer, text, 0, braces.start(), braces.end()),
                    format!("`{expression}` is v1beta2 syntax; in a v1beta3 template it is output literally"),
                    Some(format!("write `${expression}`")),
                ));
            }
        });
    }
}
