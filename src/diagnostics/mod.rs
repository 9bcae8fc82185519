//! Findings about a template, and how they are printed.
//!
//! A [`Diagnostic`] says what is wrong, where (file, 1-based line and column, end position),
//! how bad it is, which rule found it and how to fix it. The formatters print a list of them
//! for people (`text`, code frames like rustc), for programs (`json`), for code-scanning tools
//! (`sarif`, SARIF 2.1.0) and for GitHub Actions (`github`, workflow commands). `parameters`
//! prints `trellis params`' verdict on parameter values the same way.
//!
//! Every formatter is a pure function from data to a `String` (no I/O, no clock), so it runs the
//! same natively and in WebAssembly. Diagnostics are printed in the order given (sort them first
//! if order matters). Non-empty output ends with a newline, ready to be written out as it is.

use serde::Serialize;

pub mod github;
pub mod json;
pub mod parameters;
pub mod sarif;
pub mod text;

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Diagnostic {
    pub file: String,
    pub line: u32,
    pub column: u32,
    pub end_line: u32,
    pub end_column: u32,
    pub severity: Severity,
    /// Stable rule id, e.g. `expression-syntax`.
    pub rule: &'static str,
    /// What is wrong, in one sentence.
    pub message: String,
    /// How to fix it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    /// The edit a did-you-mean hint proposes, for editors' quick fixes (`trellis lsp`); not part
    /// of any printed report.
    #[serde(skip)]
    pub suggestion: Option<Suggestion>,
}

/// Replace the text at `span` (in the diagnostic's file) with `replacement`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    pub span: crate::error::Span,
    pub replacement: String,
}

impl Diagnostic {
    /// The diagnostic with the edit its did-you-mean hint proposes.
    pub fn with_suggestion(mut self, span: crate::error::Span, replacement: impl Into<String>) -> Diagnostic {
        self.suggestion = Some(Suggestion { span, replacement: replacement.into() });
        self
    }
}

/// The most characters a message or a hint keeps. A longer one (a message quoting a 200 KB value
/// from the template) keeps its start and its end around a note saying how much was left out, so
/// that every format stays bounded.
pub const MAX_TEXT_CHARS: usize = 1000;

impl Diagnostic {
    /// Cuts the message and the hint to [`MAX_TEXT_CHARS`].
    pub fn bound_texts(&mut self) {
        bound_text(&mut self.message);
        if let Some(hint) = &mut self.hint {
            bound_text(hint);
        }
    }
}

fn bound_text(text: &mut String) {
    let count = text.chars().count();
    if count <= MAX_TEXT_CHARS {
        return;
    }
    let (head, tail) = (MAX_TEXT_CHARS * 6 / 10, MAX_TEXT_CHARS * 3 / 10);
    let head_end = text.char_indices().nth(head).map_or(text.len(), |(at, _)| at);
    let tail_start = text.char_indices().nth(count - tail).map_or(text.len(), |(at, _)| at);
    *text =
        format!("{} ... ({} characters left out) ... {}", &text[..head_end], count - head - tail, &text[tail_start..]);
}

/// Counts per severity.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub files: usize,
}

impl Summary {
    pub fn of(diagnostics: &[Diagnostic], files: usize) -> Summary {
        let count = |s| diagnostics.iter().filter(|d| d.severity == s).count();
        Summary {
            errors: count(Severity::Error),
            warnings: count(Severity::Warning),
            infos: count(Severity::Info),
            files,
        }
    }
}

impl Summary {
    /// Counts per severity, with `files` = the number of distinct files the diagnostics are in
    /// (for callers that do not know how many files were checked in all).
    pub fn of_files_in(diagnostics: &[Diagnostic]) -> Summary {
        let mut files: Vec<&str> = diagnostics.iter().map(|d| d.file.as_str()).collect();
        crate::sort::sort(&mut files);
        files.dedup();
        Summary::of(diagnostics, files.len())
    }
}

/// An output format of `trellis check --format …`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// Code frames for people ([`text`]).
    Text,
    /// `{diagnostics, summary}` ([`json`]).
    Json,
    /// A SARIF 2.1.0 log ([`sarif`]).
    Sarif,
    /// GitHub Actions workflow commands ([`github`]).
    Github,
}

impl Format {
    /// Every format, in the order the CLI lists them.
    pub const ALL: [Format; 4] = [Format::Text, Format::Json, Format::Sarif, Format::Github];

    /// The name `--format` takes.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Github => "github",
        }
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A `--format` value that names no [`Format`]; its message lists the choices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownFormat(pub String);

impl std::fmt::Display for UnknownFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let choices: Vec<&str> = Format::ALL.iter().map(|format| format.as_str()).collect();
        write!(f, "unknown format `{}`: expected one of {}", self.0, choices.join(", "))
    }
}

impl std::error::Error for UnknownFormat {}

impl std::str::FromStr for Format {
    type Err = UnknownFormat;

    /// Exact, lower-case names: `text`, `json`, `sarif`, `github`.
    fn from_str(name: &str) -> Result<Format, UnknownFormat> {
        Format::ALL.into_iter().find(|format| format.as_str() == name).ok_or_else(|| UnknownFormat(name.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_names_round_trip() {
        for format in Format::ALL {
            assert_eq!(format.as_str().parse::<Format>(), Ok(format));
            assert_eq!(format.to_string(), format.as_str());
        }
    }

    #[test]
    fn unknown_format_lists_the_choices() {
        let error = "xml".parse::<Format>().unwrap_err();
        assert_eq!(error.to_string(), "unknown format `xml`: expected one of text, json, sarif, github");
        assert!("JSON".parse::<Format>().is_err(), "names are case-sensitive");
    }

    #[test]
    fn long_texts_keep_their_start_and_end() {
        let mut d = Diagnostic {
            file: "t.yaml".into(),
            line: 1,
            column: 1,
            end_line: 1,
            end_column: 2,
            severity: Severity::Error,
            rule: "r",
            message: format!("`steps.{}é` refers to no step", "x".repeat(200_000)),
            hint: Some("short".into()),
            suggestion: None,
        };
        d.bound_texts();
        assert_eq!(d.hint.as_deref(), Some("short"));
        assert!(d.message.starts_with(&format!("`steps.{} ... (199127 characters left out) ... ", "x".repeat(593))));
        assert!(d.message.ends_with(&format!("{}é` refers to no step", "x".repeat(280))), "{}", d.message);
        assert!(d.message.chars().count() < MAX_TEXT_CHARS + 50);
        let mut exact = d.clone();
        exact.message = "y".repeat(MAX_TEXT_CHARS);
        exact.bound_texts();
        assert_eq!(exact.message.len(), MAX_TEXT_CHARS);
    }

    #[test]
    fn summary_counts_distinct_files() {
        let at = |file: &str, severity| Diagnostic {
            file: file.into(),
            line: 1,
            column: 1,
            end_line: 1,
            end_column: 2,
            severity,
            rule: "r",
            message: "m".into(),
            hint: None,
            suggestion: None,
        };
        let diagnostics =
            [at("a.yaml", Severity::Error), at("b.yaml", Severity::Warning), at("a.yaml", Severity::Error)];
        assert_eq!(Summary::of_files_in(&diagnostics), Summary { errors: 2, warnings: 1, infos: 0, files: 2 });
    }
}
