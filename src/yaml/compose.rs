//! saphyr-parser's events into one tree per document, without recursion (the parser's own
//! loader recurses per level): nesting past [`MAX_DEPTH`] is refused here, before any
//! recursive step sees the tree. Aliases point at the node they name, and only within their
//! document, as in npm `yaml` (an anchor set in an earlier document is unknown there).

use std::borrow::Cow;
use std::cell::Cell;
use std::collections::HashMap;
use std::ops::Range;
use std::rc::Rc;

use saphyr_parser::{Event, Marker, Parser, ScalarStyle, Span as MarkerSpan};

use super::{checks, Refusal, MAX_DEPTH};
use crate::error::Span;

/// Index of a node in its [`Tree`].
pub(super) type NodeId = u32;

/// One node, with where it is (saphyr markers: character index, 1-based line, 0-based column).
pub(super) struct Node<'a> {
    pub kind: Kind<'a>,
    pub start: Marker,
    pub end: Marker,
    /// The parser's anchor id (0: none); the name is in the source at `start`.
    pub anchor: usize,
    /// The full tag name (`tag:yaml.org,2002:str`, `!custom`, `!` for the non-specific tag).
    pub tag: Option<String>,
    /// A block collection's item column (its first key's, or its first `-`'s); for other nodes
    /// the start column.
    pub column: usize,
    /// A flow collection (`[…]`, `{…}`).
    pub flow: bool,
}

pub(super) enum Kind<'a> {
    Scalar {
        value: Cow<'a, str>,
        style: ScalarStyle,
    },
    /// Children are `Tree::children[range]`.
    Sequence(Range<u32>),
    /// Children are key, value, key, value… in `Tree::children[range]`.
    Mapping(Range<u32>),
    /// The node the alias names; `None` when its anchor is in another document.
    Alias(Option<NodeId>),
}

/// One document's nodes; the root is the last node added (none for an empty document).
pub(super) struct Tree<'a> {
    /// Where the document starts (its `---`, if it has one).
    pub start: Marker,
    /// The document is marked `%YAML 1.1`, which npm `yaml` reads with YAML 1.1's types.
    pub yaml_1_1: bool,
    /// The source, shared by the documents of a stream.
    pub text: Rc<CharText<'a>>,
    pub nodes: Vec<Node<'a>>,
    pub children: Vec<NodeId>,
    pub root: Option<NodeId>,
}

impl<'a> Tree<'a> {
    pub(super) fn node(&self, id: NodeId) -> &Node<'a> {
        &self.nodes[id as usize]
    }

    pub(super) fn children(&self, range: &Range<u32>) -> &[NodeId] {
        &self.children[range.start as usize..range.end as usize]
    }

    /// The node's span as Trellis reports it (1-based line and column).
    pub(super) fn span(&self, id: NodeId) -> Span {
        let node = self.node(id);
        span_between(node.start, node.end)
    }
}

pub(super) fn span_between(start: Marker, end: Marker) -> Span {
    Span::new(start.line() as u32, column(start), end.line() as u32, column(end))
}

/// A marker's 1-based column, counted in characters like Trellis' other positions: saphyr does
/// not count a byte order mark on line 1, npm `yaml` and Trellis do.
fn column(at: Marker) -> u32 {
    if at.line() == 1 {
        at.index() as u32 + 1
    } else {
        at.col() as u32 + 1
    }
}

/// Every document of the stream.
pub(super) struct Stream<'a> {
    pub documents: Vec<Tree<'a>>,
}

/// A collection being read.
pub(super) struct Open {
    pub id: NodeId,
    /// Where its children start in the pending list.
    first_child: usize,
    pub mapping: bool,
    /// The column of a block collection's items (a sequence's dash), `None` for a flow one.
    pub block_column: Option<usize>,
    /// Children read so far.
    pub children: usize,
}

/// Why [`compose`] stopped.
pub(super) enum Stop {
    Refused(Refusal),
    /// saphyr refuses a tab after a `:` indicator, which YAML 1.2 and npm `yaml` allow: the
    /// tab's character offset, to be read as a space.
    TabAfterColon(usize),
}

impl From<Refusal> for Stop {
    fn from(refusal: Refusal) -> Stop {
        Stop::Refused(refusal)
    }
}

/// Reads `source` into trees; the first syntax error (or nesting past [`MAX_DEPTH`]) refuses it.
pub(super) fn compose(source: &str) -> Result<Stream<'_>, Stop> {
    let mut documents = Vec::new();
    let mut tree: Option<Tree> = None;
    let mut open: Vec<Open> = Vec::new();
    let mut pending: Vec<NodeId> = Vec::new();
    // Anchor id → (document index, node); ids are unique per definition, names map to the latest.
    let mut anchors: HashMap<usize, (usize, NodeId)> = HashMap::new();
    let text = Rc::new(CharText::new(source));
    let indents = checks::LineIndents::of(source);
    for event in Parser::new_from_str(source) {
        let (event, span): (Event, MarkerSpan) = event.map_err(|error| {
            let mark = *error.marker();
            let tab = mark
                .index()
                .checked_sub(1)
                .filter(|&at| CharText::new(source).slice(at.saturating_sub(1)..at + 1) == ":\t");
            match tab {
                Some(at) if error.info().contains("':' must be followed by") => Stop::TabAfterColon(at),
                _ => Stop::Refused(Refusal {
                    span: span_between(key_start(source, mark, error.info()), mark),
                    message: format!("YAML syntax error: {}", error.info()),
                }),
            }
        })?;
        let doc_index = documents.len();
        match event {
            Event::DocumentStart(explicit) => {
                // Its directives are the `%` lines just above its `---`.
                let before = text.slice(0..span.start.index());
                let yaml_1_1 = explicit
                    && before
                        .lines()
                        .rev()
                        .take_while(|line| line.starts_with('%') || line.trim().is_empty() || line.starts_with('#'))
                        .any(|line| line.split_whitespace().collect::<Vec<_>>() == ["%YAML", "1.1"]);
                tree = Some(Tree {
                    start: span.start,
                    yaml_1_1,
                    text: Rc::clone(&text),
                    nodes: Vec::new(),
                    children: Vec::new(),
                    root: None,
                });
            }
            Event::DocumentEnd => {
                if let Some(mut done) = tree.take() {
                    done.root = pending.pop();
                    if doc_index == 0 {
                        checks::byte_order_mark(&done)?;
                    }
                    documents.push(done);
                }
                pending.clear();
            }
            Event::Scalar(value, style, anchor, tag) => {
                let Some(tree) = tree.as_mut() else { continue };
                let plain = style == ScalarStyle::Plain;
                let kind = Kind::Scalar { value, style };
                let id = push(tree, &mut open, kind, span, anchor, tag.map(|t| format!("{}{}", t.handle, t.suffix)))?;
                checks::tab_indentation(tree, &open, id, &indents)?;
                if !matches!(style, ScalarStyle::Literal | ScalarStyle::Folded) {
                    checks::continuation(&tree.text, span.start, span.end, continuation_column(&open))?;
                }
                if plain && open.last().is_some_and(|o| o.block_column.is_none()) {
                    checks::plain_in_flow(tree, id)?;
                }
                if anchor > 0 {
                    anchors.insert(anchor, (doc_index, id));
                }
                pending.push(id);
            }
            Event::SequenceStart(anchor, ref tag) | Event::MappingStart(anchor, ref tag) => {
                let Some(tree) = tree.as_mut() else { continue };
                if open.len() >= MAX_DEPTH {
                    let message = format!("the YAML nests deeper than {MAX_DEPTH} levels");
                    return Err(Refusal { span: span_between(span.start, span.start), message }.into());
                }
                let mapping = matches!(event, Event::MappingStart(..));
                let kind = if mapping { Kind::Mapping(0..0) } else { Kind::Sequence(0..0) };
                // A flow collection's start covers its bracket; a block one's is empty (or its
                // properties). Inside a flow collection everything is flow (saphyr starts a
                // one-pair mapping in `[a: b]` with an empty span).
                let in_flow = open.last().is_some_and(|o| o.block_column.is_none());
                let flow =
                    in_flow || tree.text.slice(span.start.index()..span.end.index()).trim_end().ends_with(['[', '{']);
                let id = push(
                    tree,
                    &mut open,
                    kind,
                    span,
                    anchor,
                    tag.as_ref().map(|t| format!("{}{}", t.handle, t.suffix)),
                )?;
                tree.nodes[id as usize].flow = flow;
                checks::tab_indentation(tree, &open, id, &indents)?;
                // A mapping's column is its first key's (where its start is); a sequence's is
                // its first dash's, found when its first item comes.
                let block_column =
                    (!flow)
                        .then(|| if mapping { span.end.col() } else { checks::sequence_column(&tree.text, span.end) });
                if let Some(column) = block_column {
                    tree.nodes[id as usize].column = column;
                }
                if anchor > 0 {
                    anchors.insert(anchor, (doc_index, id));
                }
                open.push(Open { id, first_child: pending.len(), mapping, block_column, children: 0 });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (Some(tree), Some(closed)) = (tree.as_mut(), open.pop()) else { continue };
                if closed.block_column.is_none() {
                    let start = tree.nodes[closed.id as usize].start;
                    checks::continuation(&tree.text, start, span.end, continuation_column(&open))?;
                }
                let from = tree.children.len() as u32;
                tree.children.extend(pending.drain(closed.first_child..));
                let range = from..tree.children.len() as u32;
                let node = &mut tree.nodes[closed.id as usize];
                // Like saphyr's loader: a collection ends where its end event starts.
                node.end = span.start;
                match &mut node.kind {
                    Kind::Sequence(children) | Kind::Mapping(children) => *children = range,
                    _ => {}
                }
                pending.push(closed.id);
            }
            Event::Alias(anchor) => {
                let Some(tree) = tree.as_mut() else { continue };
                let target = anchors.get(&anchor).filter(|(doc, _)| *doc == doc_index).map(|(_, id)| *id);
                let id = push(tree, &mut open, Kind::Alias(target), span, 0, None)?;
                checks::tab_indentation(tree, &open, id, &indents)?;
                pending.push(id);
            }
            Event::StreamStart | Event::StreamEnd | Event::Nothing => {}
        }
    }
    Ok(Stream { documents })
}

/// Where to report saphyr's error: for a key that runs over a line ("simple key expect ':'"),
/// where the key starts (the last line with content above), as npm `yaml` reports it.
fn key_start(source: &str, mark: Marker, info: &str) -> Marker {
    if info != "simple key expect ':'" || mark.line() < 2 {
        return mark;
    }
    let before = CharText::new(source).slice(0..mark.index());
    let mut lines = before.split('\n').rev();
    lines.next();
    for (back, line) in lines.enumerate() {
        let content = line.trim_start_matches(' ');
        if !content.trim().is_empty() && !content.starts_with('#') {
            return Marker::new(0, mark.line() - 1 - back, line.len() - content.len());
        }
    }
    mark
}

/// The column lines continuing a flow scalar or collection must be indented past: the
/// innermost open block collection's (`None` at the top level or inside a flow collection,
/// whose own lines are checked as a whole).
fn continuation_column(open: &[Open]) -> Option<usize> {
    open.last().and_then(|o| o.block_column)
}

/// Adds a node as the next child of the innermost open collection.
fn push<'a>(
    tree: &mut Tree<'a>,
    open: &mut [Open],
    kind: Kind<'a>,
    span: MarkerSpan,
    anchor: usize,
    tag: Option<String>,
) -> Result<NodeId, Refusal> {
    let id = tree.nodes.len() as NodeId;
    let (start, end) = (span.start, span.end);
    tree.nodes.push(Node { kind, start, end, anchor, tag, column: start.col(), flow: false });
    if let Some(parent) = open.last_mut() {
        if parent.children == 0 && !parent.mapping {
            if let Some(column) = parent.block_column.as_mut() {
                *column = checks::dash_column(&tree.text, start).unwrap_or(*column);
                tree.nodes[parent.id as usize].column = *column;
            }
        }
        parent.children += 1;
    }
    Ok(id)
}

/// The source by saphyr's character offsets, for the few looks back at it (anchor names, what
/// precedes a value): a cursor that walks from the last place asked for, so looks in source
/// order cost linear time in all.
pub(super) struct CharText<'a> {
    source: &'a str,
    ascii: bool,
    /// (character offset, byte offset) of the last look.
    cursor: Cell<(usize, usize)>,
}

impl<'a> CharText<'a> {
    fn new(source: &'a str) -> CharText<'a> {
        CharText { source, ascii: source.is_ascii(), cursor: Cell::new((0, 0)) }
    }

    fn byte(&self, char_index: usize) -> usize {
        if self.ascii {
            return char_index.min(self.source.len());
        }
        if char_index == 0 {
            // Without moving the cursor: slices from the top would otherwise restart its walk.
            return 0;
        }
        let (mut chars, mut bytes) = self.cursor.get();
        if char_index < chars / 2 {
            (chars, bytes) = (0, 0);
        }
        while chars < char_index && bytes < self.source.len() {
            bytes += self.source[bytes..].chars().next().map_or(1, char::len_utf8);
            chars += 1;
        }
        while chars > char_index {
            bytes -= self.source[..bytes].chars().next_back().map_or(1, char::len_utf8);
            chars -= 1;
        }
        self.cursor.set((chars, bytes));
        bytes
    }

    /// The text between two character offsets.
    pub(super) fn slice(&self, chars: Range<usize>) -> &'a str {
        let start = self.byte(chars.start);
        let end = self.byte(chars.end.max(chars.start));
        &self.source[start..end]
    }

    /// The text from a character offset to the end.
    pub(super) fn rest(&self, char_index: usize) -> &'a str {
        &self.source[self.byte(char_index)..]
    }
}

/// A node's properties as written before it: its anchor's name and where its content starts.
pub(super) struct Props<'a> {
    pub anchor: Option<&'a str>,
    /// Character offset of the content (the node's start when it has no properties).
    pub content: usize,
}

impl<'a> Tree<'a> {
    /// Reads `&anchor` and `!tag` at the node's start (saphyr's spans include them).
    pub(super) fn props(&self, id: NodeId) -> Props<'a> {
        let node = self.node(id);
        let start = node.start.index();
        if node.anchor == 0 && node.tag.is_none() {
            return Props { anchor: None, content: start };
        }
        let text = self.text.rest(start);
        let mut anchor = None;
        let mut at = 0; // bytes into `text`
        let mut chars = 0; // characters into `text`
        loop {
            let rest = &text[at..];
            let Some(first) = rest.chars().next().filter(|c| *c == '&' || *c == '!') else { break };
            let verbatim = rest.starts_with("!<");
            let len = rest
                .char_indices()
                .skip(1)
                .find(|&(i, c)| {
                    if verbatim {
                        i > 0 && rest[..i].ends_with('>')
                    } else {
                        c.is_whitespace() || matches!(c, ',' | '[' | ']' | '{' | '}')
                    }
                })
                .map_or(rest.len(), |(i, _)| i);
            if first == '&' {
                anchor = Some(&rest[1..len]);
            }
            chars += rest[..len].chars().count();
            at += len;
            // Blanks, line breaks and comments between the properties and the content.
            let mut in_comment = false;
            for (i, c) in text[at..].char_indices() {
                match c {
                    '\n' => in_comment = false,
                    '#' => in_comment = true,
                    _ if in_comment || c == ' ' || c == '\t' || c == '\r' => {}
                    _ => {
                        at += i;
                        break;
                    }
                }
                chars += 1;
            }
        }
        Props { anchor, content: (start + chars).min(node.end.index().max(start)) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn char_offsets_map_to_bytes_with_a_cursor_that_a_look_at_the_top_keeps() {
        let source = "é: 1\nß: [ä, ö]\n";
        let text = CharText::new(source);
        assert_eq!(text.slice(8..14), "[ä, ö]");
        assert_eq!(text.cursor.get(), (14, 18));
        // A slice from the top must not send the cursor back there: with many documents, each
        // looking at the text before its `---`, that made reading quadratic.
        assert_eq!(text.byte(0), 0);
        assert_eq!(text.cursor.get(), (14, 18));
        assert_eq!(text.slice(0..8), "é: 1\nß: ");
        assert_eq!(text.rest(12), "ö]\n");
    }
}
