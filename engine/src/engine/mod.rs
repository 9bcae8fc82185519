//! The template language Backstage uses: Nunjucks 3.2.4 as Nunjitsu implements it, with
//! `${{ }}` variables (or `{{ }}` in cookiecutter mode), `{% %}` blocks and `{# #}` comments.
//!
//! [`lexer`] and [`parser`] turn source text into an [`ast`] with byte ranges, so syntax errors
//! and every later finding point at line and column; [`refs`] lists what a template reads.
//! [`eval`] runs the tree with JavaScript value semantics ([`value`]), the built-in [`filters`],
//! tests ([`predicates`]) and methods ([`methods`]), and Backstage's own filters ([`backstage`]).

pub mod ast;
pub mod backstage;
pub mod builtins;
mod callable;
pub mod eval;
pub mod filters;
pub(crate) mod json;
mod lexer;
pub(crate) mod methods;
mod parser;
mod predicates;
pub mod refs;
pub mod value;
pub(crate) mod walk;

use crate::error::Span;

/// Tag delimiters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Delimiters {
    pub variable_start: String,
    pub variable_end: String,
    pub block_start: String,
    pub block_end: String,
    pub comment_start: String,
    pub comment_end: String,
}

impl Delimiters {
    /// Backstage's: `${{ }}`, `{% %}`, `{# #}`.
    pub(crate) fn backstage() -> Delimiters {
        Delimiters::with_variables("${{", "}}")
    }

    /// `cookiecutterCompat`: `{{ }}` variables.
    pub(crate) fn cookiecutter() -> Delimiters {
        Delimiters::with_variables("{{", "}}")
    }

    fn with_variables(start: &str, end: &str) -> Delimiters {
        Delimiters {
            variable_start: start.into(),
            variable_end: end.into(),
            block_start: "{%".into(),
            block_end: "%}".into(),
            comment_start: "{#".into(),
            comment_end: "#}".into(),
        }
    }
}

/// A template that does not parse: what is wrong and the byte range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub message: String,
    pub start: usize,
    pub end: usize,
}

impl SyntaxError {
    pub(crate) fn new(message: impl Into<String>, start: usize, end: usize) -> SyntaxError {
        SyntaxError { message: message.into(), start, end }
    }

    /// The error with 1-based line/column (in characters) computed from `source`.
    pub fn locate(&self, source: &str) -> Span {
        let (line, column) = position(source, self.start);
        let (end_line, end_column) = position(source, self.end.max(self.start));
        Span::new(line, column, end_line, end_column)
    }
}

/// 1-based line and column of a byte offset.
pub fn position(source: &str, offset: usize) -> (u32, u32) {
    let offset = offset.min(source.len());
    let offset = (0..=offset).rev().find(|i| source.is_char_boundary(*i)).unwrap_or(0);
    let before = &source[..offset];
    let line = before.matches('\n').count() as u32 + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() as u32 + 1;
    (line, column)
}

/// Options that change how source is read.
#[derive(Debug, Clone, Default)]
pub struct ParseOptions {
    pub cookiecutter_compat: bool,
    pub trim_blocks: bool,
    pub lstrip_blocks: bool,
}

/// Parses a whole template.
pub fn parse(source: &str, options: &ParseOptions) -> Result<ast::Template, SyntaxError> {
    let delimiters = if options.cookiecutter_compat { Delimiters::cookiecutter() } else { Delimiters::backstage() };
    let ws = lexer::WhitespaceOptions { trim_blocks: options.trim_blocks, lstrip_blocks: options.lstrip_blocks };
    let tokens = lexer::tokenize(source, &delimiters, ws)?;
    parser::parse(&tokens)
}

#[cfg(test)]
mod tests;
