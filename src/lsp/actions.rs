//! Code actions: one quick fix per published did-you-mean (`Diagnostic::suggestion`, set by the
//! rules through src/check/suggest.rs) that touches the requested range.

use super::CodeAction;
use crate::check::locate::LineIndex;
use crate::diagnostics::Diagnostic;
use crate::error::Span;

fn before(a: (u32, u32), b: (u32, u32)) -> bool {
    a <= b
}

/// Whether two spans share a position (touching ends count: a cursor right after a name asks
/// for that name's fixes).
fn overlaps(a: &Span, b: &Span) -> bool {
    before((a.line, a.column), (b.end_line, b.end_column)) && before((b.line, b.column), (a.end_line, a.end_column))
}

pub fn code_actions(path: &str, text: &str, diagnostics: &[Diagnostic], range: Span) -> Vec<CodeAction> {
    let lines = LineIndex::new(text);
    let chars: Vec<char> = text.chars().collect();
    let text_at = |span: &Span| -> Option<String> {
        let start = lines.offset(span.line, span.column, chars.len())?;
        let end = lines.offset(span.end_line, span.end_column, chars.len())?;
        chars.get(start..end).map(|c| c.iter().collect())
    };
    diagnostics
        .iter()
        .filter_map(|diagnostic| {
            let suggestion = diagnostic.suggestion.as_ref()?;
            let at = Span::new(diagnostic.line, diagnostic.column, diagnostic.end_line, diagnostic.end_column);
            if diagnostic.file != path || !overlaps(&at, &range) {
                return None;
            }
            let old = text_at(&suggestion.span)?;
            Some(CodeAction {
                title: format!("Change `{old}` to `{}`", suggestion.replacement),
                path: path.to_string(),
                range: suggestion.span,
                new_text: suggestion.replacement.clone(),
                diagnostic: diagnostic.clone(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::check::{check_source, CheckOptions};
    use crate::error::Span;

    #[test]
    fn one_fix_per_did_you_mean_under_the_range() {
        let text = "apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata: { name: t }
spec:
  parameters:
    - properties: { owner: { type: string } }
  steps:
    - id: log
      action: debug:logg
      input:
        message: ${{ parameters.ownr | lowr }}
";
        let options = CheckOptions { path: Some("/w/t.yaml".into()), ..CheckOptions::default() };
        let diagnostics = check_source(text, &options).diagnostics;
        let line = |line: u32| Span::new(line, 1, line, 200);
        let titles = |range| -> Vec<String> {
            super::code_actions("/w/t.yaml", text, &diagnostics, range).into_iter().map(|a| a.title).collect()
        };
        assert_eq!(titles(line(11)), ["Change `ownr` to `owner`", "Change `lowr` to `lower`"]);
        assert_eq!(titles(line(9)), ["Change `debug:logg` to `debug:log`"]);
        assert!(titles(line(10)).is_empty());
        // A cursor (empty range) right after the name.
        let after = Span::new(11, 37, 11, 37);
        let actions = super::code_actions("/w/t.yaml", text, &diagnostics, after);
        assert_eq!(actions.len(), 1);
        assert_eq!(
            (actions[0].range.column, actions[0].range.end_column, actions[0].new_text.as_str()),
            (33, 37, "owner")
        );
        assert!(super::code_actions("/w/other.yaml", text, &diagnostics, line(11)).is_empty());
    }
}
