//! Diagnostics for programs: `{"diagnostics": [...], "summary": {...}}`, what
//! `trellis check --format json` prints. Field names are camelCase and `hint` is left out when
//! there is none (the shapes of [`Diagnostic`] and [`Summary`] are the contract).

use serde::Serialize;

use super::{Diagnostic, Summary};

#[derive(Serialize)]
struct Report<'a> {
    diagnostics: &'a [Diagnostic],
    summary: &'a Summary,
}

/// Pretty-printed JSON (two-space indent) followed by a newline.
pub fn render(diagnostics: &[Diagnostic], summary: &Summary) -> String {
    let mut out = serde_json::to_string_pretty(&Report { diagnostics, summary })
        .expect("diagnostics serialise: only strings, numbers and string-keyed objects");
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Severity;

    fn diagnostics() -> Vec<Diagnostic> {
        vec![
            Diagnostic {
                file: "templates/app/template.yaml".into(),
                line: 42,
                column: 28,
                end_line: 42,
                end_column: 30,
                severity: Severity::Error,
                rule: "expression-syntax",
                message: "`&&` is JavaScript, not Nunjucks: write `and`".into(),
                hint: Some("write `parameters.a and parameters.b`".into()),
                suggestion: None,
            },
            Diagnostic {
                file: "templates/app/template.yaml".into(),
                line: 7,
                column: 5,
                end_line: 9,
                end_column: 1,
                severity: Severity::Info,
                rule: "unused-parameter",
                message: "parameter \"owner\" is never used".into(),
                hint: None,
                suggestion: None,
            },
        ]
    }

    #[test]
    fn report_shape() {
        let diagnostics = diagnostics();
        let out = render(&diagnostics, &Summary::of(&diagnostics, 3));
        assert_eq!(
            out,
            r#"{
  "diagnostics": [
    {
      "file": "templates/app/template.yaml",
      "line": 42,
      "column": 28,
      "endLine": 42,
      "endColumn": 30,
      "severity": "error",
      "rule": "expression-syntax",
      "message": "`&&` is JavaScript, not Nunjucks: write `and`",
      "hint": "write `parameters.a and parameters.b`"
    },
    {
      "file": "templates/app/template.yaml",
      "line": 7,
      "column": 5,
      "endLine": 9,
      "endColumn": 1,
      "severity": "info",
      "rule": "unused-parameter",
      "message": "parameter \"owner\" is never used"
    }
  ],
  "summary": {
    "errors": 1,
    "warnings": 0,
    "infos": 1,
    "files": 3
  }
}
"#
        );
    }

    #[test]
    fn empty_report() {
        let out = render(&[], &Summary::default());
        let value: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(
            value,
            serde_json::json!({"diagnostics": [], "summary": {"errors": 0, "warnings": 0, "infos": 0, "files": 0}})
        );
    }
}
