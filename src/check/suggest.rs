//! "Did you mean …?" for names that are almost right.

use std::cell::Cell;

use crate::check::{Context, TemplatedString};
use crate::diagnostics::Diagnostic;

/// Edit-distance work (table cells, plus one per candidate) allowed per checked document: a base,
/// and more per byte of the document, up to a maximum. A template with 100,000 steps each naming
/// a step that does not exist would otherwise compare every name with every earlier step id
/// (quadratic); past this much work the remaining findings come without a suggestion. Tens of
/// thousands of comparisons of ordinary names even for a small file: far more than a real
/// template needs.
const BASE_WORK: u64 = 1_000_000;
const WORK_PER_BYTE: u64 = 64;
const MAX_WORK: u64 = 20_000_000;

/// Suggestions for one document, sharing one bound on the work they do.
pub struct Suggestions {
    left: Cell<u64>,
}

impl Suggestions {
    /// Suggestions for a document of `bytes` bytes.
    pub fn for_document(bytes: usize) -> Suggestions {
        let work = BASE_WORK.saturating_add(WORK_PER_BYTE.saturating_mul(bytes as u64)).min(MAX_WORK);
        Suggestions { left: Cell::new(work) }
    }

    /// The candidate nearest to `name` (case-insensitive edit distance at most a third of its
    /// length, at least 1; the first of equally near ones), if any. `None` as well once the
    /// document's suggestion work is spent.
    pub fn closest<'a>(&self, name: &str, candidates: &'a [String]) -> Option<&'a String> {
        self.closest_within(name, candidates, (name.chars().count() / 3).max(1))
    }

    /// The nearest name that is a likely typo of `name`: at most two edits (and at most a third
    /// of its length). A name further away is more likely a different, instance-specific name
    /// (`github:repo:update` is three edits from `github:repo:create`), so only this nearness
    /// turns an unknown action, filter or global into an error.
    pub fn typo_of<'a>(&self, name: &str, candidates: &'a [String]) -> Option<&'a String> {
        self.closest_within(name, candidates, (name.chars().count() / 3).clamp(1, 2))
    }

    fn closest_within<'a>(&self, name: &str, candidates: &'a [String], limit: usize) -> Option<&'a String> {
        let name: Vec<char> = name.to_lowercase().chars().collect();
        let mut best: Option<(usize, &String)> = None;
        for candidate in candidates {
            let lower: Vec<char> = candidate.to_lowercase().chars().collect();
            // The distance is at least the difference in length: nothing to compute beyond it.
            let too_far = name.len().abs_diff(lower.len()) > limit;
            if !self.spend(if too_far { 1 } else { 1 + (name.len() * lower.len()) as u64 }) {
                return None;
            }
            if too_far {
                continue;
            }
            let distance = edit_distance(&name, &lower);
            if distance <= limit && best.is_none_or(|(nearest, _)| distance < nearest) {
                best = Some((distance, candidate));
            }
        }
        best.map(|(_, c)| c)
    }

    /// Takes `cost` from what is left; false (and nothing left) when it is more than that.
    fn spend(&self, cost: u64) -> bool {
        match self.left.get().checked_sub(cost) {
            Some(left) => {
                self.left.set(left);
                true
            }
            None => {
                self.left.set(0);
                false
            }
        }
    }
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
/// string alignment), so `rnage` is one step from `range`. Three rows of the table are kept.
fn edit_distance(a: &[char], b: &[char]) -> usize {
    let mut before: Vec<usize> = vec![0; b.len() + 1];
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current: Vec<usize> = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        current[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            current[j] = (previous[j] + 1).min(current[j - 1] + 1).min(previous[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                current[j] = current[j].min(before[j - 2] + 1);
            }
        }
        std::mem::swap(&mut before, &mut previous);
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_names_only() {
        let suggestions = Suggestions::for_document(0);
        let names = vec!["owner".to_string(), "name".to_string()];
        assert_eq!(suggestions.closest("ownr", &names), Some(&names[0]));
        assert_eq!(suggestions.closest("description", &names), None);
        let globals = vec!["range".to_string()];
        assert_eq!(suggestions.closest("rnage", &globals), Some(&globals[0]));
        let tied = vec!["abcd".to_string(), "abce".to_string(), "Abcf".to_string()];
        assert_eq!(suggestions.closest("ABCX", &tied), Some(&tied[0]));
    }

    #[test]
    fn typos_are_at_most_two_edits() {
        let suggestions = Suggestions::for_document(0);
        let actions = vec!["github:repo:create".to_string(), "publish:github".to_string()];
        assert_eq!(suggestions.typo_of("publish:gihtub", &actions), Some(&actions[1]));
        assert_eq!(suggestions.typo_of("publsh:githb", &actions), Some(&actions[1]));
        assert_eq!(suggestions.closest("github:repo:update", &actions), Some(&actions[0]));
        assert_eq!(suggestions.typo_of("github:repo:update", &actions), None);
    }

    #[test]
    fn distances() {
        let d = |a: &str, b: &str| edit_distance(&a.chars().collect::<Vec<_>>(), &b.chars().collect::<Vec<_>>());
        assert_eq!(d("", ""), 0);
        assert_eq!(d("abc", ""), 3);
        assert_eq!(d("", "ab"), 2);
        assert_eq!(d("kitten", "sitting"), 3);
        assert_eq!(d("rnage", "range"), 1);
        assert_eq!(d("ca", "abc"), 3);
    }

    #[test]
    fn work_is_bounded_per_document() {
        // 1,000 names near 100,000 ids: every comparison computed would be 10 billion table cells.
        let ids: Vec<String> = (0..100_000).map(|i| format!("step{i:06}")).collect();
        let suggestions = Suggestions::for_document(usize::MAX);
        let found = (0..1_000).filter(|i| suggestions.closest(&format!("stap{i:06}"), &ids).is_some()).count();
        assert_eq!(suggestions.left.get(), 0);
        assert_eq!(found, 1, "the second search runs out of work");
        assert_eq!(suggestions.closest("step000001", &ids), None, "the work is spent");
        assert_eq!(Suggestions::for_document(10_000_000).closest("step000001", &ids), Some(&ids[1]));
        // The allowance grows with the document, up to the maximum.
        assert_eq!(Suggestions::for_document(1_000).left.get(), BASE_WORK + 64_000);
        assert_eq!(Suggestions::for_document(1 << 30).left.get(), MAX_WORK);
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
