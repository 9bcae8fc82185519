//! Errors that stop an operation, each pointing at the input that caused it.
//!
//! Findings about a template or about parameter values are *results*, not errors; a
//! [`TrellisError`] means Trellis could not do what was asked (unparsable YAML, a form page that
//! is not a JSON Schema, values that are not an object) and says where and why.

use std::fmt;

/// A 1-based position range in a source text (columns count characters, not bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Span {
    pub line: u32,
    pub column: u32,
    pub end_line: u32,
    pub end_column: u32,
    /// Which file the span is in when one value was assembled from several files (the catalog's
    /// `$yaml`/`$json`/`$text` placeholders, src/placeholders.rs): 0 is the file being read,
    /// `k` its `k`-th included file (`SourceMap::file_name` in src/yaml.rs names it).
    #[serde(skip)]
    pub file: u32,
}

impl Span {
    /// A span in the file being read.
    pub fn new(line: u32, column: u32, end_line: u32, end_column: u32) -> Span {
        Span { line, column, end_line, end_column, file: 0 }
    }

    /// A span covering a single position.
    pub fn point(line: u32, column: u32) -> Span {
        Span::new(line, column, line, column)
    }

    /// The same span in file `file` (see [`Span::file`]).
    pub fn in_file(self, file: u32) -> Span {
        Span { file, ..self }
    }
}

/// Why an operation failed, with the rule id a tool can match on and, when known, the file and
/// the span inside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrellisError {
    /// Stable machine-readable id, e.g. `yaml-syntax`, `invalid-page-schema`, `invalid-values`.
    pub rule: &'static str,
    /// What is wrong, in one sentence, without the location prefix.
    pub message: String,
    /// How to fix it, when there is something useful to say.
    pub hint: Option<String>,
    pub file: Option<String>,
    pub span: Option<Span>,
}

impl TrellisError {
    pub fn new(rule: &'static str, message: impl Into<String>) -> TrellisError {
        TrellisError { rule, message: message.into(), hint: None, file: None, span: None }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> TrellisError {
        self.hint = Some(hint.into());
        self
    }

    pub fn at(mut self, span: Option<Span>) -> TrellisError {
        if span.is_some() {
            self.span = span;
        }
        self
    }

    pub fn in_file(mut self, file: Option<&str>) -> TrellisError {
        if let Some(file) = file {
            self.file = Some(file.to_string());
        }
        self
    }
}

impl fmt::Display for TrellisError {
    /// `file:line:column: message (hint)`, the shape editors and CI logs link from.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.file, &self.span) {
            (Some(file), Some(span)) => write!(f, "{file}:{}:{}: ", span.line, span.column)?,
            (Some(file), None) => write!(f, "{file}: ")?,
            (None, Some(span)) => write!(f, "line {}, column {}: ", span.line, span.column)?,
            (None, None) => {}
        }
        f.write_str(&self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, " (hint: {hint})")?;
        }
        Ok(())
    }
}

impl std::error::Error for TrellisError {}
