//! "Did you mean …?" for names that are almost right.

use crate::check::{Context, TemplatedString};
use crate::diagnostics::Diagnostic;

/// The candidate nearest to `name` (case-insensitive edit distance at most a third of its
/// length, at least 1), if any.
pub fn closest<'a>(name: &str, candidates: &'a [String]) -> Option<&'a String> {
    let limit = (name.chars().count() / 3).max(1);
    candidates
        .iter()
        .map(|c| (edit_distance(&name.to_lowercase(), &c.to_lowercase()), c))
        .filter(|(distance, _)| *distance <= limit)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, c)| c)
}

/// `diagnostic` with the edit to `near` over the name at bytes `range` of `string` (see
/// [`name_range`]), when there is a near name and it can be written there.
pub fn offer(
    diagnostic: Diagnostic,
    context: &Context,
    string: &TemplatedString,
    range: (usize, usize),
    near: Option<&String>,
) -> Diagnostic {
    let at = near.and_then(|near| Some((name_range(&string.source, range, near)?, near)));
    match at {
        Some(((start, end), near)) => diagnostic.with_suggestion(context.span_in_string(string, start, end), near),
        None => diagnostic,
    }
}

/// `diagnostic` with the edit to `near` over the whole string value `value` at `pointer` (inside
/// any quotes), when there is a near name.
pub fn offer_value(
    diagnostic: Diagnostic,
    context: &Context,
    pointer: &str,
    value: &str,
    near: Option<&String>,
) -> Diagnostic {
    match near {
        Some(near) => diagnostic.with_suggestion(context.span_in_text(pointer, value, 0, 0, value.len()), near),
        None => diagnostic,
    }
}

/// Where `replacement` can be written over the reference segment at bytes `range` of `source`:
/// inside the quotes of a subscript (`['name']`), or over a dotted name when `replacement` is an
/// identifier too (else `.near-id` would read as a subtraction).
pub fn name_range(source: &str, range: (usize, usize), replacement: &str) -> Option<(usize, usize)> {
    let text = source.get(range.0..range.1)?;
    let quoted = text.len() >= 2 && (text.starts_with('\'') || text.starts_with('"')) && text.ends_with(&text[..1]);
    if quoted {
        return Some((range.0 + 1, range.1 - 1));
    }
    let identifier = |s: &str| {
        s.chars().next().is_some_and(|c| c.is_alphabetic() || c == '_' || c == '$')
            && s.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '$')
    };
    identifier(replacement).then_some(range)
}

/// Edit distance in characters where swapping two neighbours counts as one edit (optimal
/// string alignment), so `rnage` is one step from `range`.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for j in 0..=b.len() {
        d[0][j] = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            d[i][j] = (d[i - 1][j] + 1).min(d[i][j - 1] + 1).min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
            }
        }
    }
    d[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    #[test]
    fn near_names_only() {
        let names = vec!["owner".to_string(), "name".to_string()];
        assert_eq!(super::closest("ownr", &names), Some(&names[0]));
        assert_eq!(super::closest("description", &names), None);
        let globals = vec!["range".to_string()];
        assert_eq!(super::closest("rnage", &globals), Some(&globals[0]));
    }

    /// Every did-you-mean of the rules that name a thing carries the edit, at the name itself.
    #[test]
    fn did_you_mean_findings_carry_their_edit() {
        let source = r#"apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata: { name: t }
spec:
  type: service
  owner: team
  parameters:
    - required: [nam]
      properties:
        name: { type: string, ui:field: RepoUrlPickr }
        size: { type: string, ui:widget: radoi }
  secrets:
    schema: { properties: { token: { type: string } } }
  steps:
    - id: fetch
      action: "fetch:tempalte"
      input:
        url: ./skeleton
    - id: log
      action: debug:log
      input:
        mesage: hi
        extra: "${{ parameters.nmae | uper }} ${{ steps['fetsh'].output }} ${{ secrets.tokn }} ${{ rnage(2) }}"
    - id: cat
      action: catalog:fetch
      input:
        entityRef: x
    - id: use
      action: debug:log
      input:
        message: ${{ steps.cat.output.entitty }}
"#;
        let result = crate::check::check_source(source, &crate::check::CheckOptions::default());
        let edits: Vec<(&str, String, (u32, u32, u32))> = result
            .diagnostics
            .iter()
            .filter_map(|d| {
                let s = d.suggestion.as_ref()?;
                assert_eq!(s.span.line, s.span.end_line);
                let text: String = source
                    .lines()
                    .nth(s.span.line as usize - 1)
                    .unwrap()
                    .chars()
                    .skip(s.span.column as usize - 1)
                    .take((s.span.end_column - s.span.column) as usize)
                    .collect();
                Some((d.rule, format!("{text} -> {}", s.replacement), (s.span.line, s.span.column, s.span.end_column)))
            })
            .collect();
        let described: Vec<(&str, &str)> = edits.iter().map(|(r, e, _)| (*r, e.as_str())).collect();
        assert_eq!(
            described,
            [
                ("parameter-required-undeclared", "nam -> name"),
                ("unknown-ui-field", "RepoUrlPickr -> RepoUrlPicker"),
                ("unknown-ui-field", "radoi -> radio"),
                ("unknown-action", "fetch:tempalte -> fetch:template"),
                ("action-input", "mesage -> message"),
                ("undeclared-parameter", "nmae -> name"),
                ("unknown-filter", "uper -> upper"),
                ("step-reference", "fetsh -> fetch"),
                ("undeclared-secret", "tokn -> token"),
                ("unknown-global", "rnage -> range"),
                ("step-output-reference", "entitty -> entity"),
            ]
        );
        // The quoted action keeps its quotes: the edit starts after the opening one.
        assert_eq!(edits[3].2, (16, 16, 30));
        assert!(result
            .diagnostics
            .iter()
            .all(|d| d.suggestion.is_none() || d.hint.as_deref().is_some_and(|h| h.starts_with("did you mean"))));
    }

    #[test]
    fn replacements_keep_quotes_and_never_make_a_subtraction() {
        let source = "${{ steps['fetsh'].output.x }} ${{ steps.fetsh }}";
        let quoted = (source.find('\'').unwrap(), source.find(']').unwrap());
        assert_eq!(super::name_range(source, quoted, "fetch-base"), Some((quoted.0 + 1, quoted.1 - 1)));
        let dotted = (source.rfind("fetsh").unwrap(), source.rfind("fetsh").unwrap() + 5);
        assert_eq!(super::name_range(source, dotted, "fetch"), Some(dotted));
        assert_eq!(super::name_range(source, dotted, "fetch-base"), None);
    }
}
