//! One Template document prepared for the rules: values, spans, every templated string parsed
//! with what it reads (once), the step ids, the skeletons of fetch steps, and the means to place
//! and word findings (spans inside scalars, did-you-mean suggestions).

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use serde_json::Value;

use super::analysis::{Parsed, StepIds};
use super::locate::{span_in_value, LineIndex, RawScalar};
use super::skeleton::{Skeleton, SkeletonSource};
use super::suggest::Suggestions;
use crate::diagnostics::{Diagnostic, Severity};
use crate::engine::ParseOptions;
use crate::error::Span;
use crate::placeholders::{Gravity, Problem, Resolved};
use crate::yaml::{escape_pointer_segment, SourceMap};

/// A string in the template that Backstage renders (step `input`/`if`/`each`, `output`,
/// page `when`) and that holds template syntax, parsed with what it reads and calls.
pub struct TemplatedString {
    /// JSON pointer of the string in the document.
    pub pointer: String,
    pub value: String,
    /// The text handed to the engine (for `when`: trimmed and wrapped in `${{ }}`).
    pub source: String,
    /// Byte offset in `value` = byte offset in the engine's source + `shift`: Backstage trims
    /// `when` conditions and wraps them in `${{ }}`, which this undoes.
    pub shift: isize,
    pub parsed: Parsed,
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
    /// The document with the catalog's placeholders resolved: nodes from included files carry
    /// their file in their spans (`Span::file`).
    pub entity: Value,
    pub map: SourceMap,
    /// The files placeholders included, by file id − 1 (`SourceMap::included` names them).
    pub included: Vec<IncludedText>,
    /// Placeholders that were not resolved (read by the `placeholder-*` rules).
    pub placeholder_problems: Vec<Problem>,
    pub strings: Vec<TemplatedString>,
    /// The skeletons of fetch steps, read when the check was given a [`SkeletonSource`].
    pub skeletons: Vec<Skeleton>,
    /// The step ids, in order, with their lookups.
    pub step_ids: StepIds,
    /// Did-you-mean suggestions, bounded in work for the whole document.
    pub suggestions: Suggestions,
    chars: Vec<char>,
    lines: LineIndex,
    /// Where the characters of scalars sit in the file, by pointer, made on first use: a long
    /// string with many findings is mapped once, not once per finding.
    scalars: RefCell<HashMap<String, Rc<ScalarPositions>>>,
}

/// The text of an included file, with what locating positions in it needs.
pub struct IncludedText {
    pub text: String,
    chars: Vec<char>,
    lines: LineIndex,
}

/// The characters of one scalar value: where each sits in the file, and where each starts in
/// the value's UTF-8 text.
struct ScalarPositions {
    in_file: Vec<Option<usize>>,
    byte_starts: Vec<usize>,
}

impl ScalarPositions {
    /// The number of characters before byte `byte` of the value (moved back to a character
    /// boundary).
    fn chars_before(&self, byte: usize) -> usize {
        self.byte_starts.partition_point(|&start| start < byte)
    }
}

/// What [`Context::each_rendered_string`] calls: pointer, text, place, step.
pub type RenderedStringVisit<'f> = dyn FnMut(String, &str, Place, Option<usize>) + 'f;

/// Does this string go through the template engine at all?
fn is_templated(text: &str) -> bool {
    text.contains("${{") || text.contains("{%") || text.contains("{#")
}

impl<'a> Context<'a> {
    pub fn new(
        file: &'a str,
        source: &'a str,
        resolved: Resolved,
        manifest: &'a crate::manifest::Manifest,
        skeleton_source: Option<&dyn SkeletonSource>,
    ) -> Context<'a> {
        let included = resolved
            .texts
            .into_iter()
            .map(|text| IncludedText { chars: text.chars().collect(), lines: LineIndex::new(&text), text })
            .collect();
        let mut context = Context {
            file,
            manifest,
            source,
            entity: resolved.document.value,
            map: resolved.document.map,
            included,
            placeholder_problems: resolved.problems,
            strings: Vec::new(),
            skeletons: Vec::new(),
            step_ids: StepIds::of(&[]),
            suggestions: Suggestions::for_document(source.len()),
            chars: source.chars().collect(),
            lines: LineIndex::new(source),
            scalars: RefCell::new(HashMap::new()),
        };
        context.step_ids = StepIds::of(context.steps());
        context.strings = context.collect_strings();
        if let Some(source) = skeleton_source {
            context.skeletons = super::skeleton::collect(context.steps(), file, source);
        }
        context
    }

    pub fn steps(&self) -> &[Value] {
        self.entity.pointer("/spec/steps").and_then(Value::as_array).map_or(&[], Vec::as_slice)
    }

    /// The form pages with their pointers (`[spec.parameters].flat()`).
    pub fn pages(&self) -> Vec<(String, &Value)> {
        super::schema_walk::pages(&self.entity)
    }

    /// Calls `f` with the pointer and text of every string Backstage renders in the steps (`input`,
    /// `if`, `each`) and in `output`, whether or not it holds template syntax, with its place and
    /// step, in document order.
    pub fn each_rendered_string(&self, f: &mut RenderedStringVisit<'_>) {
        for (index, step) in self.steps().iter().enumerate() {
            for (key, place) in [("input", Place::Input), ("if", Place::If), ("each", Place::Each)] {
                if let Some(value) = step.get(key) {
                    walk_strings(value, &format!("/spec/steps/{index}/{key}"), &mut |pointer, text| {
                        f(pointer, text, place, Some(index))
                    });
                }
            }
        }
        if let Some(output) = self.entity.pointer("/spec/output") {
            walk_strings(output, "/spec/output", &mut |pointer, text| f(pointer, text, Place::Output, None));
        }
    }

    fn collect_strings(&self) -> Vec<TemplatedString> {
        let mut out = Vec::new();
        self.each_rendered_string(&mut |pointer, text, place, step| {
            if is_templated(text) {
                out.push(self.templated(pointer, text, place, step));
            }
        });
        for (pointer, page) in self.pages() {
            if let Some(Value::String(when)) = page.get("when") {
                out.push(self.when_condition(&format!("{pointer}/when"), when));
            }
        }
        out
    }

    fn templated(&self, pointer: String, text: &str, place: Place, step: Option<usize>) -> TemplatedString {
        let parsed = Parsed::new(text, &ParseOptions::default());
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
        let parsed = Parsed::new(&source, &ParseOptions::default());
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
        let Some(positions) = self.scalar_positions(pointer, value) else { return fallback };
        let to_chars = |byte: usize| {
            let byte = (byte as isize + shift).clamp(0, value.len() as isize) as usize;
            let byte = (0..=byte).rev().find(|b| value.is_char_boundary(*b)).unwrap_or(0);
            positions.chars_before(byte)
        };
        let (_, lines) = self.text_of(&fallback);
        span_in_value(&positions.in_file, to_chars(start), to_chars(end.max(start + 1)), lines, fallback)
    }

    /// The positions of the characters of the string `value` at `pointer` (mapped once).
    fn scalar_positions(&self, pointer: &str, value: &str) -> Option<Rc<ScalarPositions>> {
        if let Some(known) = self.scalars.borrow().get(pointer) {
            return Some(known.clone());
        }
        let node = self.map.get(pointer)?;
        let (raw_start, raw_end) = node.chars;
        let (chars, _) = self.text_of(&node.value);
        let raw = chars.get(raw_start..raw_end)?;
        let in_file = match self.map.included_file(&node.value) {
            // `$text`: the value is the file's text itself.
            Some(file) if file.verbatim => (raw_start..raw_start + value.chars().count()).map(Some).collect(),
            _ => RawScalar { chars: raw, start: raw_start }.map(value),
        };
        let positions =
            Rc::new(ScalarPositions { in_file, byte_starts: value.char_indices().map(|(at, _)| at).collect() });
        self.scalars.borrow_mut().insert(pointer.to_string(), positions.clone());
        Some(positions)
    }

    /// The characters and line starts of the file `span` is in.
    fn text_of(&self, span: &Span) -> (&[char], &LineIndex) {
        match (span.file as usize).checked_sub(1).and_then(|index| self.included.get(index)) {
            Some(included) => (&included.chars, &included.lines),
            None => (&self.chars, &self.lines),
        }
    }

    /// The path of the file `span` is in (the template's, or an included file's).
    pub fn file_of(&self, span: &Span) -> &str {
        self.map.file_name(span, self.file)
    }

    /// The suggestion for `name` among `candidates` (see [`Suggestions::closest`]).
    pub fn closest<'c>(&self, name: &str, candidates: &'c [String]) -> Option<&'c String> {
        self.suggestions.closest(name, candidates)
    }

    /// The findings of rule `rule` among the placeholders that were not resolved (in the
    /// template, or in the included file they are in); one Trellis could not read is a warning.
    pub fn placeholder_findings(&self, rule: &super::RuleInfo) -> Vec<Diagnostic> {
        self.placeholder_problems
            .iter()
            .filter(|problem| problem.rule == rule.id)
            .map(|problem| {
                let severity = match problem.gravity {
                    Gravity::Error => rule.default_severity,
                    Gravity::NotRead => Severity::Warning,
                };
                self.diagnostic(rule.id, severity, problem.span, problem.message.clone(), Some(problem.hint.clone()))
            })
            .collect()
    }

    /// Builds a diagnostic in the file `span` is in: this template, or a file one of its
    /// placeholders included.
    pub fn diagnostic(
        &self,
        rule: &'static str,
        severity: Severity,
        span: Span,
        message: String,
        hint: Option<String>,
    ) -> Diagnostic {
        diagnostic_in(self.file_of(&span).to_string(), rule, severity, span, message, hint)
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
fn walk_strings(value: &Value, pointer: &str, f: &mut dyn FnMut(String, &str)) {
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
