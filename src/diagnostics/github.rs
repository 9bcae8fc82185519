//! Diagnostics as GitHub Actions workflow commands, one line each, which the runner turns into
//! annotations on the run and on the pull request:
//!
//! ```text
//! ::error file=templates/app/template.yaml,line=42,col=28,endLine=42,endColumn=30,title=expression-syntax::`&&` is JavaScript, not Nunjucks: write `and`%0Ahint: write `parameters.a and parameters.b`
//! ```
//!
//! - `error`, `warning`, or `notice` for infos; the rule id is the annotation's title.
//! - The hint follows the message on a new line, as `hint: …`.
//! - Escaping as GitHub documents it: in the message `%` → `%25`, CR → `%0D`, LF → `%0A`; in
//!   property values also `:` → `%3A` and `,` → `%2C`.
//! - The runner rejects `col`/`endColumn` when `line` and `endLine` differ, so a span over several
//!   lines gets lines only. `endColumn` is the diagnostic's end column as is (the column after
//!   the span; never less than `col`). A line or column of 0 (unknown) is left out.

use super::{Diagnostic, Severity};

/// One workflow command per diagnostic, each ending with a newline; empty for no diagnostics.
pub fn render(diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diagnostics {
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let mut properties = vec![("file", d.file.clone())];
        if d.line > 0 {
            properties.push(("line", d.line.to_string()));
            let end_line = d.end_line.max(d.line);
            let same_line = end_line == d.line;
            if same_line && d.column > 0 {
                properties.push(("col", d.column.to_string()));
            }
            properties.push(("endLine", end_line.to_string()));
            if same_line && d.column > 0 {
                properties.push(("endColumn", d.end_column.max(d.column).to_string()));
            }
        }
        properties.push(("title", d.rule.to_string()));

        let mut message = d.message.clone();
        if let Some(hint) = &d.hint {
            message.push_str("\nhint: ");
            message.push_str(hint);
        }

        out.push_str("::");
        out.push_str(command);
        out.push(' ');
        let properties: Vec<String> =
            properties.iter().map(|(name, value)| format!("{name}={}", escape_property(value))).collect();
        out.push_str(&properties.join(","));
        out.push_str("::");
        out.push_str(&escape_data(&message));
        out.push('\n');
    }
    out
}

/// Escapes a command's message (its "data").
pub fn escape_data(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            c => out.push(c),
        }
    }
    out
}

/// Escapes a property value: as [`escape_data`], plus `:` and `,`.
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diagnostic(severity: Severity, hint: Option<&str>) -> Diagnostic {
        Diagnostic {
            file: "templates/app/template.yaml".into(),
            line: 42,
            column: 28,
            end_line: 42,
            end_column: 30,
            severity,
            rule: "expression-syntax",
            message: "`&&` is JavaScript, not Nunjucks: write `and`".into(),
            hint: hint.map(String::from),
            suggestion: None,
        }
    }

    #[test]
    fn error_with_hint() {
        let out = render(&[diagnostic(Severity::Error, Some("write `parameters.a and parameters.b`"))]);
        assert_eq!(
            out,
            "::error file=templates/app/template.yaml,line=42,col=28,endLine=42,endColumn=30,title=expression-syntax::\
             `&&` is JavaScript, not Nunjucks: write `and`%0Ahint: write `parameters.a and parameters.b`\n"
        );
    }

    #[test]
    fn severities_and_one_line_each() {
        let out = render(&[diagnostic(Severity::Warning, None), diagnostic(Severity::Info, None)]);
        assert_eq!(
            out,
            "::warning file=templates/app/template.yaml,line=42,col=28,endLine=42,endColumn=30,title=expression-syntax::\
             `&&` is JavaScript, not Nunjucks: write `and`\n\
             ::notice file=templates/app/template.yaml,line=42,col=28,endLine=42,endColumn=30,title=expression-syntax::\
             `&&` is JavaScript, not Nunjucks: write `and`\n"
        );
        assert_eq!(render(&[]), "");
    }

    #[test]
    fn escaping() {
        let mut d = diagnostic(Severity::Error, Some("use 100%\r\nor: a, b"));
        d.file = "dir,with:odd%name/template.yaml".into();
        d.message = "50% of a: b, c\nnext line".into();
        let out = render(&[d]);
        assert_eq!(
            out,
            "::error file=dir%2Cwith%3Aodd%25name/template.yaml,line=42,col=28,endLine=42,endColumn=30,title=expression-syntax::\
             50%25 of a: b, c%0Anext line%0Ahint: use 100%25%0D%0Aor: a, b\n"
        );
        assert_eq!(escape_property("a:b,c%d\re\nf"), "a%3Ab%2Cc%25d%0De%0Af");
        assert_eq!(escape_data("a:b,c%d\re\nf"), "a:b,c%25d%0De%0Af");
    }

    #[test]
    fn multi_line_span_has_no_columns() {
        let mut d = diagnostic(Severity::Error, None);
        d.end_line = 45;
        d.end_column = 3;
        let out = render(&[d]);
        assert!(
            out.starts_with("::error file=templates/app/template.yaml,line=42,endLine=45,title=expression-syntax::"),
            "{out}"
        );
    }

    #[test]
    fn unknown_position_and_inverted_columns() {
        let mut d = diagnostic(Severity::Error, None);
        d.line = 0;
        d.end_line = 0;
        assert!(render(&[d.clone()]).starts_with("::error file=templates/app/template.yaml,title=expression-syntax::"));
        d.line = 3;
        d.end_line = 3;
        d.column = 9;
        d.end_column = 4;
        assert!(render(&[d])
            .starts_with("::error file=templates/app/template.yaml,line=3,col=9,endLine=3,endColumn=9,title="));
    }
}
