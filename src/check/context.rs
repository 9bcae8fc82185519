//! One Template document prepared for the rules: values, spans and parsed templated strings.

use serde_json::Value;

use super::locate::{span_in_value, LineIndex, RawScalar};
use super::skeleton::{Skeleton, SkeletonSource};
use crate::diagnostics::{Diagnostic, Severity};
use crate::engine::{self, ast, ParseOptions, SyntaxError};
use crate::error::Span;
use crate::yaml::{escape_pointer_segment, Document, SourceMap};

/// A string in the template that Backstage renders (step `input`/`if`/`each`, `output`,
/// page `when`), with its parse result.
pub struct TemplatedString {
    /// JSON pointer of the string in the document.
    pub pointer: String,
    pub value: String,
    /// The text handed to the engine (for `when`: trimmed and wrapped in `${{ }}`).
    pub source: String,
    /// Byte offset in `value` = byte offset in the engine's source + `shift`: Backstage trims
    /// `when` conditions and wraps them in `${{ }}`, which this undoes.
    pub shift: isize,
    pub parsed: Result<ast::Template, SyntaxError>,
    /// Which part of the template: `input`, `if`, `each`, `output`, `when`.
    pub place: Place,
    /// For step strings, the index of the step.
    pub step: Option<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    Input,
    If,
    Each,
    Output,
    When,
}

/// What every rule gets.
pub struct Context<'a> {
    pub file: &'a str,
    /// Actions, filters and globals known for this run.
    pub manifest: &'a crate::manifest::Manifest,
    pub source: &'a str,
    pub entity: Value,
    pub map: SourceMap,
    pub strings: Vec<TemplatedString>,
    /// The skeletons of fetch steps, read when the check was given a [`SkeletonSource`].
    pub skeletons: Vec<Skeleton>,
    chars: Vec<char>,
    lines: LineIndex,
}

/// Does this string go through the template engine at all?
fn is_templated(text: &str) -> bool {
    text.contains("${{") || text.contains("{%") || text.contains("{#")
}

impl<'a> Context<'a> {
    pub fn new(
        file: &'a str,
        source: &'a str,
        document: Document,
        manifest: &'a crate::manifest::Manifest,
        skeleton_source: Option<&dyn SkeletonSource>,
    ) -> Context<'a> {
        let mut context = Context {
            file,
            manifest,
            source,
            entity: document.value,
            map: document.map,
            strings: Vec::new(),
            skeletons: Vec::new(),
            chars: source.chars().collect(),
            lines: LineIndex::new(source),
        };
        context.strings = context.collect_strings();
        if let Some(source) = skeleton_source {
            context.skeletons = super::skeleton::collect(context.steps(), file, source);
        }
        context
    }

    pub fn steps(&self) -> &[Value] {
        self.entity.pointer("/spec/steps").and_then(Value::as_array).map_or(&[], Vec::as_slice)
    }

    fn collect_strings(&self) -> Vec<TemplatedString> {
        let mut out = Vec::new();
        for (index, step) in self.steps().iter().enumerate() {
            let base = format!("/spec/steps/{index}");
            if let Some(input) = step.get("input") {
                walk_strings(input, &format!("{base}/input"), &mut |pointer, text| {
                    out.push(self.templated(pointer, text, Place::Input, Some(index)));
                });
            }
            for (key, place) in [("if", Place::If), ("each", Place::Each)] {
                if let Some(value) = step.get(key) {
                    walk_strings(value, &format!("{base}/{key}"), &mut |pointer, text| {
                        out.push(self.templated(pointer, text, place, Some(index)));
                    });
                }
            }
        }
        if let Some(output) = self.entity.pointer("/spec/output") {
            walk_strings(output, "/spec/output", &mut |pointer, text| {
                out.push(self.templated(pointer, text, Place::Output, None))
            });
        }
        for (pointer, page) in super::schema_walk::pages(&self.entity) {
            if let Some(Value::String(when)) = page.get("when") {
                out.push(self.when_condition(&format!("{pointer}/when"), when));
            }
        }
        out.retain(|s| is_templated(&s.value) || s.place == Place::When);
        out
    }

    fn templated(&self, pointer: String, text: &str, place: Place, step: Option<usize>) -> TemplatedString {
        let parsed = engine::parse(text, &ParseOptions::default());
        TemplatedString { pointer, value: text.to_string(), source: text.to_string(), shift: 0, parsed, place, step }
    }

    /// `when` is an expression that Backstage trims and wraps in `${{ }}` unless it already
    /// starts with `${{`.
    fn when_condition(&self, pointer: &str, text: &str) -> TemplatedString {
        let leading = (text.len() - text.trim_start().len()) as isize;
        let expression = text.trim();
        let (source, shift) = if expression.starts_with("${{") || expression.is_empty() {
            (expression.to_string(), leading)
        } else {
            (format!("${{{{ {expression} }}}}"), leading - 4)
        };
        let parsed = engine::parse(&source, &ParseOptions::default());
        TemplatedString {
            pointer: pointer.to_string(),
            value: text.to_string(),
            source,
            shift,
            parsed,
            place: Place::When,
            step: None,
        }
    }

    /// The span of a whole node (its value; or its key when `key` is true).
    pub fn node_span(&self, pointer: &str, key: bool) -> Span {
        match self.map.locate(pointer) {
            Some(node) if key => node.key.unwrap_or(node.value),
            Some(node) => node.value,
            None => Span::point(1, 1),
        }
    }

    /// The file span of bytes `start..end` of a templated string's engine source.
    pub fn span_in_string(&self, string: &TemplatedString, start: usize, end: usize) -> Span {
        self.span_in_text(&string.pointer, &string.value, string.shift, start, end)
    }

    /// The file span of bytes `start + shift .. end + shift` of the string `value` at `pointer`.
    pub fn span_in_text(&self, pointer: &str, value: &str, shift: isize, start: usize, end: usize) -> Span {
        let fallback = self.node_span(pointer, false);
        let Some(node) = self.map.get(pointer) else { return fallback };
        let (raw_start, raw_end) = node.chars;
        let Some(raw) = self.chars.get(raw_start..raw_end) else { return fallback };
        let map = RawScalar { chars: raw, start: raw_start }.map(value);
        let to_chars = |byte: usize| {
            let byte = (byte as isize + shift).clamp(0, value.len() as isize) as usize;
            let byte = (0..=byte).rev().find(|b| value.is_char_boundary(*b)).unwrap_or(0);
            value[..byte].chars().count()
        };
        span_in_value(&map, to_chars(start), to_chars(end.max(start + 1)), &self.lines, fallback)
    }

    /// Builds a diagnostic in this file.
    pub fn diagnostic(
        &self,
        rule: &'static str,
        severity: Severity,
        span: Span,
        message: String,
        hint: Option<String>,
    ) -> Diagnostic {
        diagnostic_in(self.file.to_string(), rule, severity, span, message, hint)
    }
}

/// Builds a diagnostic in `file` (a skeleton file, for the `skeleton-*` rules).
pub fn diagnostic_in(
    file: String,
    rule: &'static str,
    severity: Severity,
    span: Span,
    message: String,
    hint: Option<String>,
) -> Diagnostic {
    Diagnostic {
        file,
        line: span.line,
        column: span.column,
        end_line: span.end_line,
        end_column: span.end_column,
        severity,
        rule,
        message,
        hint,
        suggestion: None,
    }
}

/// Calls `f` with the pointer and text of every string under `value`.
pub fn walk_strings(value: &Value, pointer: &str, f: &mut dyn FnMut(String, &str)) {
    match value {
        Value::String(s) => f(pointer.to_string(), s),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                walk_strings(item, &format!("{pointer}/{i}"), f);
            }
        }
        Value::Object(map) => {
            for (key, item) in map {
                walk_strings(item, &format!("{pointer}/{}", escape_pointer_segment(key)), f);
            }
        }
        _ => {}
    }
}
