//! Where a dry-run failure is in the template file: the YAML node of a step field, or the
//! character inside a templated string where rendering failed.

use crate::check::locate::{span_in_value, LineIndex, RawScalar};
use crate::error::{Span, TrellisError};
use crate::render::RenderError;
use crate::template::Template;

/// The template's text and source map, for locating errors (and the texts of the files its
/// placeholders included: an error in an included node is in that file).
pub struct Locator<'a> {
    pub template: &'a Template,
    pub file: &'a str,
    /// Characters and line starts of the template (index 0) and of each included file.
    texts: Vec<(Vec<char>, LineIndex)>,
}

impl<'a> Locator<'a> {
    pub fn new(template: &'a Template, source: &str, file: &'a str) -> Locator<'a> {
        let texts = std::iter::once(source)
            .chain(template.included.iter().map(String::as_str))
            .map(|text| (text.chars().collect(), LineIndex::new(text)))
            .collect();
        Locator { template, file, texts }
    }

    /// The file a span of the template's map is in.
    pub fn file_of(&self, span: Option<Span>) -> &'a str {
        span.map_or(self.file, |span| self.template.map.file_name(&span, self.file))
    }

    /// The span of the node at `pointer` (or its closest ancestor).
    pub fn node(&self, pointer: &str) -> Option<Span> {
        self.template.map.locate(pointer).map(|n| n.value)
    }

    /// An error at the node at `pointer`.
    pub fn error(&self, rule: &'static str, pointer: &str, message: impl Into<String>) -> TrellisError {
        let span = self.node(pointer);
        TrellisError::new(rule, message).at(span).in_file(Some(self.file_of(span)))
    }

    /// The file span of a render error in the string at `pointer` (its 1-based line and
    /// column count inside the string).
    pub fn render_span(&self, pointer: &str, error: &RenderError) -> Option<Span> {
        let fallback = self.node(pointer)?;
        let Some(serde_json::Value::String(value)) = self.template.entity.pointer(pointer) else {
            return Some(fallback);
        };
        let Some(node) = self.template.map.get(pointer) else { return Some(fallback) };
        let Some((chars, lines)) = self.texts.get(node.value.file as usize) else { return Some(fallback) };
        let Some(raw) = chars.get(node.chars.0..node.chars.1) else { return Some(fallback) };
        let map = match self.template.map.included_file(&node.value) {
            // `$text`: the value is the file's text itself.
            Some(file) if file.verbatim => (node.chars.0..node.chars.0 + value.chars().count()).map(Some).collect(),
            _ => RawScalar { chars: raw, start: node.chars.0 }.map(value),
        };
        let index = char_index(value, error.line, error.column);
        let end = char_index(value, error.end_line, error.end_column).max(index + 1);
        Some(span_in_value(&map, index, end, lines, fallback))
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
