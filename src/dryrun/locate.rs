//! Where a dry-run failure is in the template file: the YAML node of a step field, or the
//! character inside a templated string where rendering failed.

use crate::check::locate::{span_in_value, LineIndex, RawScalar};
use crate::error::{Span, TrellisError};
use crate::render::RenderError;
use crate::template::Template;

/// The template's text and source map, for locating errors.
pub struct Locator<'a> {
    pub template: &'a Template,
    pub file: &'a str,
    chars: Vec<char>,
    lines: LineIndex,
}

impl<'a> Locator<'a> {
    pub fn new(template: &'a Template, source: &str, file: &'a str) -> Locator<'a> {
        Locator { template, file, chars: source.chars().collect(), lines: LineIndex::new(source) }
    }

    /// The span of the node at `pointer` (or its closest ancestor).
    pub fn node(&self, pointer: &str) -> Option<Span> {
        self.template.map.locate(pointer).map(|n| n.value)
    }

    /// An error at the node at `pointer`.
    pub fn error(&self, rule: &'static str, pointer: &str, message: impl Into<String>) -> TrellisError {
        TrellisError::new(rule, message).at(self.node(pointer)).in_file(Some(self.file))
    }

    /// The file span of a render error in the string at `pointer` (its 1-based line and
    /// column count inside the string).
    pub fn render_span(&self, pointer: &str, error: &RenderError) -> Option<Span> {
        let fallback = self.node(pointer)?;
        let Some(serde_json::Value::String(value)) = self.template.entity.pointer(pointer) else {
            return Some(fallback);
        };
        let Some(node) = self.template.map.get(pointer) else { return Some(fallback) };
        let Some(raw) = self.chars.get(node.chars.0..node.chars.1) else { return Some(fallback) };
        let map = RawScalar { chars: raw, start: node.chars.0 }.map(value);
        let index = char_index(value, error.line, error.column);
        let end = char_index(value, error.end_line, error.end_column).max(index + 1);
        Some(span_in_value(&map, index, end, &self.lines, fallback))
    }
}

/// The character index of 1-based `line`/`column` in `text`.
fn char_index(text: &str, line: u32, column: u32) -> usize {
    let mut current = 1;
    let mut index = 0;
    for (i, c) in text.chars().enumerate() {
        if current == line {
            return i + column.saturating_sub(1) as usize;
        }
        if c == '\n' {
            current += 1;
        }
        index = i + 1;
    }
    index
}
