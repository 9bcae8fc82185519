//! Where the cursor is in a template file: the YAML node under it, the step it belongs to, the
//! templated string and the expression around it.
//!
//! Complete expressions (hover, definition) are parsed by the engine and looked up through
//! [`crate::engine::refs`]; half-typed ones (completion: `${{ parameters.` does not parse) are
//! read backwards from the cursor as a chain of names. A file that does not parse while a line
//! is being typed is parsed again with the cursor's line blanked, so the rest of the template
//! still gives its structure.

use serde::Deserialize;
use serde_json::Value;

use crate::check::locate::{LineIndex, RawScalar};
use crate::engine::{self, ast, ParseOptions};
use crate::error::Span;
use crate::template::Template;
use crate::yaml::{self, escape_pointer_segment, NodeSpan};

/// A position as the core counts: 1-based line, 1-based column in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub struct Position {
    pub line: u32,
    pub column: u32,
}

/// One node of the template with its place in the text (character offsets).
pub struct Node {
    pub pointer: String,
    pub span: NodeSpan,
    /// Character offsets of the key, for mapping entries.
    pub key: Option<(usize, usize)>,
}

/// Where the text being typed sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// In step `n` (0-based): its input, `if` or `each`.
    Step(usize),
    /// In `spec.output`: every step has run.
    Output,
    /// In a page's `when`: only `parameters` exist.
    Condition,
    Elsewhere,
}

/// What is being typed in an open `${{ … }}` or `{% … %}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Typed {
    /// A filter name after `|`.
    Filter,
    /// A name after `root.seg1.seg2.` (`path` empty: a root name or a global).
    Path(Vec<String>),
}

/// The name under the cursor in a complete expression.
pub enum Target {
    /// Segment `segment` (0-based, after the root) of a context reference.
    Reference {
        root: String,
        path: Vec<String>,
        segment: usize,
    },
    Filter(String),
    Function(String),
}

/// One template text, parsed, with the cursor placed in it.
pub struct Cursor<'s> {
    pub source: &'s str,
    pub chars: Vec<char>,
    lines: LineIndex,
    /// The Template document the cursor is in (`entity`, `map`).
    pub template: Template,
    pub nodes: Vec<Node>,
    /// The cursor as a character offset into `source`.
    pub offset: usize,
    pub position: Position,
}

/// `source` with the characters of 1-based `line` replaced by spaces (same offsets).
fn blank_line(source: &str, line: u32) -> String {
    let mut current = 1;
    source
        .chars()
        .map(|c| match c {
            '\n' => {
                current += 1;
                c
            }
            '\r' => c,
            _ if current == line => ' ',
            _ => c,
        })
        .collect()
}

fn identifier_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '$'
}

/// Whether `name` can follow a dot in an expression.
pub fn is_identifier(name: &str) -> bool {
    name.chars().next().is_some_and(|c| c.is_alphabetic() || c == '_' || c == '$') && name.chars().all(identifier_char)
}

impl<'s> Cursor<'s> {
    /// The Template document at `position` of `source`, or `None` when there is none (not a
    /// template, or YAML that does not parse even without the cursor's line).
    pub fn new(source: &'s str, position: Position) -> Option<Cursor<'s>> {
        let chars: Vec<char> = source.chars().collect();
        let lines = LineIndex::new(source);
        let offset = lines.offset(position.line, position.column, chars.len())?;
        let documents = yaml::parse_documents(source, None)
            .or_else(|_| yaml::parse_documents(&blank_line(source, position.line), None))
            .ok()?;
        let templates =
            documents.into_iter().filter(|d| d.value.get("kind").and_then(Value::as_str) == Some("Template"));
        // The last Template document starting before the cursor (or the first one).
        let mut chosen = None;
        for document in templates {
            let starts_before = document.map.get("").is_some_and(|root| root.chars.0 <= offset);
            if chosen.is_none() || starts_before {
                chosen = Some(document);
            }
            if !starts_before {
                break;
            }
        }
        let document = chosen?;
        let mut cursor = Cursor {
            source,
            chars,
            lines,
            template: Template { entity: document.value, map: document.map, included: Vec::new() },
            nodes: Vec::new(),
            offset,
            position,
        };
        let mut nodes = Vec::new();
        cursor.collect_nodes(&cursor.template.entity, String::new(), &mut nodes);
        cursor.nodes = nodes;
        Some(cursor)
    }

    fn collect_nodes(&self, value: &Value, pointer: String, out: &mut Vec<Node>) {
        match value {
            Value::Array(items) => {
                for (index, item) in items.iter().enumerate() {
                    self.collect_nodes(item, format!("{pointer}/{index}"), out);
                }
            }
            Value::Object(entries) => {
                for (key, item) in entries {
                    self.collect_nodes(item, format!("{pointer}/{}", escape_pointer_segment(key)), out);
                }
            }
            _ => {}
        }
        if let Some(span) = self.template.map.get(&pointer) {
            let key = span
                .key
                .and_then(|k| Some((self.offset_of(k.line, k.column)?, self.offset_of(k.end_line, k.end_column)?)));
            out.push(Node { pointer, span, key });
        }
    }

    /// The character offset of a 1-based line and column.
    pub fn offset_of(&self, line: u32, column: u32) -> Option<usize> {
        self.lines.offset(line, column, self.chars.len())
    }

    /// The 1-based span of character offsets `start..end`.
    pub fn span(&self, start: usize, end: usize) -> Span {
        let (line, column) = self.lines.position(start);
        let (end_line, end_column) = self.lines.position(end);
        Span::new(line, column, end_line, end_column)
    }

    /// The text of 1-based `line`, without its line break.
    fn line_text(&self, line: u32) -> Option<String> {
        let start = self.offset_of(line, 1)?;
        let text: String = self.chars[start..].iter().take_while(|c| **c != '\n').collect();
        Some(text.trim_end_matches('\r').to_string())
    }

    pub fn value(&self, pointer: &str) -> Option<&Value> {
        self.template.entity.pointer(pointer)
    }

    /// The span of the node at `pointer` (its key's when `key`), as the source map has it.
    pub fn node_span(&self, pointer: &str, key: bool) -> Option<Span> {
        let node = self.template.map.get(pointer)?;
        Some(if key { node.key.unwrap_or(node.value) } else { node.value })
    }

    pub fn steps(&self) -> &[Value] {
        self.value("/spec/steps").and_then(Value::as_array).map_or(&[], Vec::as_slice)
    }

    /// Step ids in order, with Backstage's `step-<n>` for steps without one.
    pub fn step_ids(&self) -> Vec<String> {
        let id = |(i, step): (usize, &Value)| {
            step.get("id").and_then(Value::as_str).map_or_else(|| format!("step-{}", i + 1), str::to_string)
        };
        self.steps().iter().enumerate().map(id).collect()
    }

    /// The smallest node whose value contains the cursor (end included: the cursor may sit just
    /// after the last character).
    pub fn value_node(&self) -> Option<&Node> {
        self.nodes
            .iter()
            .filter(|n| n.span.chars.0 <= self.offset && self.offset <= n.span.chars.1)
            .min_by_key(|n| n.span.chars.1 - n.span.chars.0)
    }

    /// The mapping entry whose key contains the cursor.
    pub fn key_node(&self) -> Option<&Node> {
        self.nodes.iter().find(|n| n.key.is_some_and(|(start, end)| start <= self.offset && self.offset <= end))
    }

    /// The mapping entry whose key starts at character offset `at`.
    fn key_starting_at(&self, at: usize) -> Option<&Node> {
        self.nodes.iter().find(|n| n.key.is_some_and(|(start, _)| start == at))
    }

    /// Which part of the template the cursor is in.
    pub fn place(&self) -> Place {
        let start_of = |pointer: &str| self.template.map.get(pointer).map(|n| n.key.map_or(n.value.line, |k| k.line));
        let line = self.position.line;
        // Lines from the `steps:` key to the next key of `spec` after it belong to the steps.
        let spec_keys: Vec<u32> = self
            .value("/spec")
            .and_then(Value::as_object)
            .map(|spec| spec.keys().filter_map(|k| start_of(&format!("/spec/{}", escape_pointer_segment(k)))).collect())
            .unwrap_or_default();
        let section_end = |start: u32| spec_keys.iter().copied().filter(|l| *l > start).min().unwrap_or(u32::MAX);
        if let Some(steps_start) = start_of("/spec/steps") {
            if line >= steps_start && line < section_end(steps_start) {
                let index = (0..self.steps().len())
                    .rev()
                    .find(|i| start_of(&format!("/spec/steps/{i}")).is_some_and(|start| start <= line));
                return index.map_or(Place::Elsewhere, Place::Step);
            }
        }
        if let Some(output_start) = start_of("/spec/output") {
            if line >= output_start && line < section_end(output_start) {
                return Place::Output;
            }
        }
        match self.value_node() {
            Some(node) if node.pointer.starts_with("/spec/parameters") && node.pointer.ends_with("/when") => {
                Place::Condition
            }
            _ => Place::Elsewhere,
        }
    }

    /// The half-typed expression before the cursor, if the cursor is inside `${{ … }}` or
    /// `{% … %}`, and the character offset where the name being typed starts.
    pub fn typed(&self) -> Option<(Typed, usize)> {
        // Expressions are short; looking back a few thousand characters is plenty.
        let window_start = self.offset.saturating_sub(4000);
        let before: String = self.chars[window_start..self.offset].iter().collect();
        let opener =
            [before.rfind("${{").map(|at| at + 3), before.rfind("{%").map(|at| at + 2)].into_iter().flatten().max()?;
        let expression = &before[opener..];
        if expression.contains("}}") || expression.contains("%}") {
            return None;
        }
        let chars: Vec<char> = expression.chars().collect();
        let mut at = chars.len();
        while at > 0 && identifier_char(chars[at - 1]) {
            at -= 1;
        }
        let partial_start = self.offset - (chars.len() - at);
        let mut path = Vec::new();
        // Segments before the name, read backwards: `name.`, `['name'].`, `name['x'].`.
        let mut end = match at > 0 && chars[at - 1] == '.' {
            true => Some(at - 1),
            false => None,
        };
        while let Some(segment_end) = end {
            let mut start = segment_end;
            while start > 0 && identifier_char(chars[start - 1]) {
                start -= 1;
            }
            let bracket = start == segment_end;
            if bracket {
                let quote = segment_end.checked_sub(2).map(|q| chars[q]).filter(|q| matches!(q, '\'' | '"'));
                let quoted = quote.is_some() && chars[segment_end - 1] == ']';
                let open = quote.filter(|_| quoted).and_then(|q| (0..segment_end - 2).rev().find(|&i| chars[i] == q));
                match open {
                    Some(open) if open >= 1 && chars[open - 1] == '[' => {
                        path.push(chars[open + 1..segment_end - 2].iter().collect::<String>());
                        start = open - 1;
                    }
                    _ => return None,
                }
            } else {
                path.push(chars[start..segment_end].iter().collect::<String>());
            }
            at = start;
            end = match start.checked_sub(1).map(|i| chars[i]) {
                Some('.') => Some(start - 1),
                // A subscript follows its object directly: `steps['x']`, `a['b']['c']`.
                Some(c) if bracket && (identifier_char(c) || c == ']') => Some(start),
                _ => None,
            };
        }
        path.reverse();
        if path.is_empty() {
            let previous = chars[..at].iter().rev().find(|c| !c.is_whitespace());
            if previous == Some(&'|') {
                return Some((Typed::Filter, partial_start));
            }
            // A name right after another name or a literal is not a new name.
            if previous.is_some_and(|c| identifier_char(*c) || *c == '\'' || *c == '"') {
                let word: String = chars[..at].iter().collect();
                let last_word = word.split_whitespace().last().unwrap_or_default();
                if !["and", "or", "not", "in", "if", "else", "is", "for", "elif", "set"].contains(&last_word) {
                    return None;
                }
            }
        }
        Some((Typed::Path(path), partial_start))
    }

    /// The name under the cursor in the templated string there, parsed by the engine, with the
    /// file span of that name.
    pub fn target(&self) -> Option<(Target, Span)> {
        let node = self
            .nodes
            .iter()
            .filter(|n| n.span.chars.0 <= self.offset && self.offset <= n.span.chars.1)
            .find(|n| self.value(&n.pointer).is_some_and(Value::is_string))?;
        let value = self.value(&node.pointer)?.as_str()?;
        let (raw_start, raw_end) = node.span.chars;
        let map = RawScalar { chars: self.chars.get(raw_start..raw_end)?, start: raw_start }.map(value);
        // The value character at the cursor: the first whose place in the file is not before it.
        let at_char = map.iter().position(|m| m.is_some_and(|at| at >= self.offset)).unwrap_or(map.len());
        let at_byte = value.char_indices().nth(at_char).map_or(value.len(), |(byte, _)| byte);
        // Backstage trims a page's `when` and wraps it in `${{ }}` (src/check/context.rs).
        let is_condition = node.pointer.starts_with("/spec/parameters") && node.pointer.ends_with("/when");
        let (source, shift) = if is_condition && !value.trim_start().starts_with("${{") {
            let leading = (value.len() - value.trim_start().len()) as isize;
            (format!("${{{{ {} }}}}", value.trim()), leading - 4)
        } else {
            (value.to_string(), 0)
        };
        let parsed: ast::Template = engine::parse(&source, &ParseOptions::default()).ok()?;
        let at = (at_byte as isize - shift).max(0) as usize;
        let within = |range: (usize, usize)| range.0 <= at && at <= range.1;
        let analysis = engine::refs::analyze(&parsed);
        // A file span for engine bytes `start..end`, through the value's characters.
        let file_span = |start: usize, end: usize| {
            let to_char = |byte: usize| {
                let byte = (byte as isize + shift).clamp(0, value.len() as isize) as usize;
                value.get(..byte).map_or(0, |before| before.chars().count())
            };
            let first = map.get(to_char(start)).copied().flatten()?;
            let last = map.get(to_char(end).saturating_sub(1)).copied().flatten()?;
            Some(self.span(first, last + 1))
        };
        for reference in &analysis.references {
            for (segment, range) in reference.segment_ranges.iter().enumerate() {
                if within(*range) {
                    let target =
                        Target::Reference { root: reference.root.clone(), path: reference.path.clone(), segment };
                    return Some((target, file_span(range.0, range.1)?));
                }
            }
        }
        for usage in &analysis.filters {
            if within(usage.range) {
                return Some((Target::Filter(usage.name.clone()), file_span(usage.range.0, usage.range.1)?));
            }
        }
        for usage in &analysis.functions {
            if within(usage.range) {
                return Some((Target::Function(usage.name.clone()), file_span(usage.range.0, usage.range.1)?));
            }
        }
        None
    }

    /// When the cursor's line holds only indentation and a partly typed name: the pointer of the
    /// mapping that name would be a new key of (found from the lines above by indentation), and
    /// where the name starts.
    pub fn new_key(&self) -> Option<(String, usize)> {
        let line_start = self.offset_of(self.position.line, 1)?;
        let before: String = self.chars[line_start..self.offset].iter().collect();
        let indent = before.len() - before.trim_start_matches(' ').len();
        let partial = &before[indent..];
        if !partial.chars().all(|c| identifier_char(c) || c == '-') || partial.starts_with('-') {
            return None;
        }
        let partial_start = line_start + indent;
        for line in (1..self.position.line).rev() {
            let text = self.line_text(line)?;
            let trimmed = text.trim_start();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            // The column of the key: after the indentation and any `- ` of sequence items.
            let mut rest = trimmed;
            while let Some(after) = rest.strip_prefix("- ") {
                rest = after.trim_start();
            }
            let key_column = text.chars().count() - rest.chars().count();
            if key_column > indent {
                continue;
            }
            let node = self.key_starting_at(self.offset_of(line, key_column as u32 + 1)?)?;
            if key_column == indent {
                // A sibling: the new key belongs to the same mapping.
                return Some((node.pointer.rsplit_once('/')?.0.to_string(), partial_start));
            }
            // A parent: only a key whose value is a block below it (or nothing yet).
            let holds_block = matches!(self.value(&node.pointer), Some(Value::Object(_)) | Some(Value::Null))
                || self.value(&node.pointer).is_some_and(|v| v.is_string() && node.span.value.line > line);
            return holds_block.then(|| (node.pointer.clone(), partial_start));
        }
        None
    }

    /// When the cursor is on the value of a step's `action:`: the step index and where the
    /// value starts.
    pub fn action_value(&self) -> Option<(usize, usize)> {
        let line_start = self.offset_of(self.position.line, 1)?;
        let before: String = self.chars[line_start..self.offset].iter().collect();
        let mut rest = before.trim_start();
        while let Some(after) = rest.strip_prefix("- ") {
            rest = after.trim_start();
        }
        let value = rest.strip_prefix("action:")?;
        let typed = value.trim_start().trim_start_matches(['"', '\'']);
        if typed.contains(char::is_whitespace) {
            return None;
        }
        let Place::Step(step) = self.place() else { return None };
        Some((step, self.offset - typed.chars().count()))
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// The cursor at the `‸` marker of `text` (removed).
    pub(crate) fn at_marker(text: &str) -> (String, Position) {
        let at = text.find('‸').expect("a ‸ marks the cursor");
        let before = &text[..at];
        let line = before.matches('\n').count() as u32 + 1;
        let column = before.rsplit('\n').next().unwrap().chars().count() as u32 + 1;
        (format!("{}{}", before, &text['‸'.len_utf8() + at..]), Position { line, column })
    }

    const HEAD: &str = "apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata: { name: t }\nspec:\n";

    fn cursor_in(body: &str, f: impl FnOnce(&Cursor)) {
        let (text, position) = at_marker(&format!("{HEAD}{body}"));
        let cursor = Cursor::new(&text, position).expect("a template");
        f(&cursor);
    }

    #[test]
    fn typed_chains_filters_and_subscripts() {
        let steps = "  steps:\n    - id: a\n      action: debug:log\n      input:\n        message: ";
        cursor_in(&format!("{steps}\"${{{{ parameters.ow‸\"\n"), |c| {
            assert_eq!(c.typed().unwrap().0, Typed::Path(vec!["parameters".into()]));
            assert_eq!(c.place(), Place::Step(0));
        });
        cursor_in(&format!("{steps}${{{{ steps['fetch-x'].output.‸\n"), |c| {
            assert_eq!(c.typed().unwrap().0, Typed::Path(vec!["steps".into(), "fetch-x".into(), "output".into()]));
        });
        cursor_in(&format!("{steps}${{{{ parameters.name | lo‸\n"), |c| {
            let (typed, start) = c.typed().unwrap();
            assert_eq!(typed, Typed::Filter);
            assert_eq!(c.chars[start..c.offset].iter().collect::<String>(), "lo");
        });
        cursor_in(&format!("{steps}${{{{ parameters.name }}}} para‸\n"), |c| assert_eq!(c.typed(), None));
        cursor_in(&format!("{steps}${{{{ 'x' if par‸\n"), |c| assert_eq!(c.typed().unwrap().0, Typed::Path(vec![])));
    }

    #[test]
    fn new_keys_find_their_mapping_by_indentation() {
        let body = "  steps:\n    - id: a\n      action: fetch:template\n      input:\n        url: ./x\n        ta‸\n";
        // `ta` alone after a mapping entry does not parse: the line is blanked and parsed again.
        cursor_in(body, |c| assert_eq!(c.new_key().map(|k| k.0), Some("/spec/steps/0/input".into())));
        let body = "  steps:\n    - id: a\n      action: fetch:template\n      input:\n        ‸\n  output: {}\n";
        cursor_in(body, |c| assert_eq!(c.new_key().map(|k| k.0), Some("/spec/steps/0/input".into())));
        let body = "  steps:\n    - id: a\n      ‸\n";
        cursor_in(body, |c| assert_eq!(c.new_key().map(|k| k.0), Some("/spec/steps/0".into())));
    }

    #[test]
    fn targets_are_found_through_quotes_escapes_and_conditions() {
        let body = "  parameters:\n    - properties: { a: { type: string } }\n      when: \"parameters.a == 'x'\"\n    - when: parameters.MARKa\n  steps:\n    - id: s\n      action: debug:log\n      input:\n        message: \"\\t${{ parameters.a | upFILTERper }}\"\n";
        cursor_in(&body.replace("MARK", "‸").replace("FILTER", ""), |c| match c.target() {
            Some((Target::Reference { root, path, segment }, span)) => {
                assert_eq!((root.as_str(), path, segment), ("parameters", vec!["a".to_string()], 0));
                assert_eq!((span.line, span.column, span.end_column), (8, 24, 25));
            }
            _ => panic!("parameters.a in the condition"),
        });
        cursor_in(&body.replace("MARK", "").replace("FILTER", "‸"), |c| match c.target() {
            Some((Target::Filter(name), span)) => {
                assert_eq!(name, "upper");
                assert_eq!((span.line, span.column, span.end_column), (13, 40, 45));
            }
            _ => panic!("the filter"),
        });
    }
}
