//! `trellis check --baseline FILE`: the findings a repository already has, recorded once
//! (`--update-baseline`), so that a check reports only new ones (docs/cli.md).
//!
//! A finding is recorded by its rule, its file and the text it flags (whitespace runs folded to
//! one space), not by its line: lines move when code above them changes. Findings with the
//! same rule, file and text are counted, and the first `count` of them (in report order) are
//! the recorded ones, so a second copy of a recorded mistake is new.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::diagnostics::Diagnostic;

/// The file's format version.
pub const VERSION: u32 = 1;

/// Flagged texts longer than this are cut (the start of a text tells findings apart).
const MAX_TEXT_CHARS: usize = 200;

/// A baseline file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    pub version: u32,
    pub findings: Vec<Recorded>,
}

/// Findings with one fingerprint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Recorded {
    pub rule: String,
    pub file: String,
    pub text: String,
    #[serde(default = "one", skip_serializing_if = "is_one")]
    pub count: usize,
}

fn one() -> usize {
    1
}

fn is_one(count: &usize) -> bool {
    *count == 1
}

/// What a finding is recognised by: rule, file, flagged text.
type Fingerprint = (String, String, String);

/// The text a finding flags in its file (`text_of(file)`), whitespace folded and cut; the
/// whole line when the span is a single point, empty when the file is not known.
fn flagged_text(diagnostic: &Diagnostic, text_of: &dyn Fn(&str) -> Option<String>) -> String {
    let Some(source) = text_of(&diagnostic.file) else { return String::new() };
    let lines: Vec<&str> = source.split('\n').collect();
    let line_of = |line: u32| lines.get((line as usize).saturating_sub(1)).copied().unwrap_or_default();
    let (start, end) = ((diagnostic.line, diagnostic.column), (diagnostic.end_line, diagnostic.end_column));
    let text = if start >= end {
        line_of(diagnostic.line).to_string()
    } else {
        let mut out = String::new();
        for line in start.0..=end.0 {
            let chars = line_of(line).chars();
            let from = if line == start.0 { start.1 as usize - 1 } else { 0 };
            let text: String = match line == end.0 {
                true => chars.skip(from).take((end.1 as usize).saturating_sub(from + 1)).collect(),
                false => chars.skip(from).collect(),
            };
            if line > start.0 {
                out.push('\n');
            }
            out.push_str(&text);
        }
        out
    };
    text.split_whitespace().collect::<Vec<_>>().join(" ").chars().take(MAX_TEXT_CHARS).collect()
}

fn fingerprint(diagnostic: &Diagnostic, text_of: &dyn Fn(&str) -> Option<String>) -> Fingerprint {
    (diagnostic.rule.to_string(), diagnostic.file.clone(), flagged_text(diagnostic, text_of))
}

impl Baseline {
    /// Reads a baseline file's text; the error says what is wrong with it.
    pub fn parse(text: &str) -> Result<Baseline, String> {
        let baseline: Baseline = serde_json::from_str(text).map_err(|e| format!("not a Trellis baseline: {e}"))?;
        if baseline.version != VERSION {
            return Err(format!(
                "baseline version {} is not supported (this Trellis writes {VERSION})",
                baseline.version
            ));
        }
        Ok(baseline)
    }

    /// The baseline of `diagnostics`, in a stable order (by file, rule, text).
    pub fn record(diagnostics: &[Diagnostic], text_of: &dyn Fn(&str) -> Option<String>) -> Baseline {
        let mut counts: HashMap<Fingerprint, usize> = HashMap::new();
        for diagnostic in diagnostics {
            *counts.entry(fingerprint(diagnostic, text_of)).or_default() += 1;
        }
        let mut findings: Vec<Recorded> =
            counts.into_iter().map(|((rule, file, text), count)| Recorded { rule, file, text, count }).collect();
        crate::sort::sort_by(&mut findings, |a, b| (&a.file, &a.rule, &a.text).cmp(&(&b.file, &b.rule, &b.text)));
        Baseline { version: VERSION, findings }
    }

    /// The file's text: pretty JSON, one finding per entry, ending in a newline.
    pub fn to_text(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).expect("a baseline is strings and numbers");
        text.push('\n');
        text
    }

    /// `diagnostics` without the recorded ones, and how many were left out.
    pub fn filter(
        &self,
        diagnostics: Vec<Diagnostic>,
        text_of: &dyn Fn(&str) -> Option<String>,
    ) -> (Vec<Diagnostic>, usize) {
        let mut left: HashMap<Fingerprint, usize> = HashMap::new();
        for recorded in &self.findings {
            *left.entry((recorded.rule.clone(), recorded.file.clone(), recorded.text.clone())).or_default() +=
                recorded.count;
        }
        let mut known = 0;
        let kept = diagnostics
            .into_iter()
            .filter(|diagnostic| match left.get_mut(&fingerprint(diagnostic, text_of)) {
                Some(count) if *count > 0 => {
                    *count -= 1;
                    known += 1;
                    false
                }
                _ => true,
            })
            .collect();
        (kept, known)
    }
}

/// The text report's line about findings the baseline left out.
pub fn note(known: usize) -> String {
    match known {
        1 => "1 finding recorded in the baseline is not shown\n".into(),
        n => format!("{n} findings recorded in the baseline are not shown\n"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Severity;

    fn finding(rule: &'static str, line: u32, column: u32, end_column: u32) -> Diagnostic {
        Diagnostic {
            file: "t.yaml".into(),
            line,
            column,
            end_line: line,
            end_column,
            severity: Severity::Error,
            rule,
            message: "m".into(),
            hint: None,
            suggestion: None,
        }
    }

    #[test]
    fn findings_are_known_by_their_text_wherever_they_move() {
        let before = "a: ${{ parameters.ownr }}\nb: ${{ parameters.ownr }}\n";
        let text_of = |_: &str| Some(before.to_string());
        let found = [finding("undeclared-parameter", 1, 19, 23), finding("undeclared-parameter", 2, 19, 23)];
        let baseline = Baseline::record(&found, &text_of);
        assert_eq!(baseline.findings.len(), 1);
        assert_eq!((baseline.findings[0].text.as_str(), baseline.findings[0].count), ("ownr", 2));
        assert_eq!(Baseline::parse(&baseline.to_text()).unwrap(), baseline);

        // Two lines added above, and a third copy of the same mistake: only the copy is new.
        let after = "x: 1\ny: 2\na: ${{ parameters.ownr }}\nb: ${{ parameters.ownr }}\nc:  ${{ parameters.ownr }}\n";
        let text_of = |_: &str| Some(after.to_string());
        let moved = vec![
            finding("undeclared-parameter", 3, 19, 23),
            finding("undeclared-parameter", 4, 19, 23),
            finding("undeclared-parameter", 5, 20, 24),
            finding("expression-syntax", 3, 19, 23),
        ];
        let (kept, known) = baseline.filter(moved, &text_of);
        assert_eq!(known, 2);
        let kept: Vec<(u32, &str)> = kept.iter().map(|d| (d.line, d.rule)).collect();
        assert_eq!(kept, [(5, "undeclared-parameter"), (3, "expression-syntax")]);
    }

    #[test]
    fn a_point_finding_is_known_by_its_line() {
        let text_of = |_: &str| Some("first\n  second   line \n".to_string());
        assert_eq!(flagged_text(&finding("r", 2, 1, 1), &text_of), "second line");
        let mut span = finding("r", 1, 2, 1);
        span.end_line = 2;
        span.end_column = 4;
        assert_eq!(flagged_text(&span, &text_of), "irst s");
    }

    #[test]
    fn bad_files_are_refused_with_a_reason() {
        assert!(Baseline::parse("[]").unwrap_err().starts_with("not a Trellis baseline"));
        assert!(Baseline::parse(r#"{"version": 2, "findings": []}"#).unwrap_err().contains("version 2"));
        assert!(Baseline::parse(r#"{"version": 1, "findings": [{"rule": "r", "file": "f"}]}"#).is_err());
    }
}
