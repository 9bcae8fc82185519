//! What npm `yaml` 2.9.1 refuses but saphyr reads: checked on the tree as it is built, each a
//! `yaml-syntax` refusal at the place `yaml` reports (the catalog refuses these files).
//!
//! - a line continuing a flow scalar or flow collection inside a block collection must be
//!   indented past that collection (YAML 1.2's rule, which saphyr does not check);
//! - tabs do not indent a block node (`yaml`'s rule: a key, a block collection, or a value no
//!   more indented than its parent);
//! - a plain value inside a flow collection cannot start with `|` or `>`;
//! - a byte order mark followed by a block sequence item on the first line (`yaml` counts the
//!   mark as indentation there).

use saphyr_parser::{Marker, ScalarStyle};

use super::compose::{span_between, CharText, Kind, NodeId, Open, Tree};
use super::Refusal;

fn refusal(at: Marker, message: String) -> Refusal {
    Refusal { span: span_between(at, at), message }
}

/// Continuation lines of the value between `start` and `end` must be indented past `column`.
pub(super) fn continuation(text: &CharText, start: Marker, end: Marker, column: Option<usize>) -> Result<(), Refusal> {
    let Some(column) = column else { return Ok(()) };
    if end.line() <= start.line() {
        return Ok(());
    }
    for (offset, line) in text.slice(start.index()..end.index()).split('\n').enumerate().skip(1) {
        let indent = line.len() - line.trim_start_matches(' ').len();
        let content = line[indent..].trim_matches([' ', '\t', '\r']);
        if !content.is_empty() && indent <= column {
            let message = format!(
                "this line continues the value that starts on line {}, but is not indented past column {}, where its mapping or sequence is; the catalog's YAML reader refuses it",
                start.line(),
                column + 1
            );
            return Err(refusal(Marker::new(0, start.line() + offset, indent), message));
        }
    }
    Ok(())
}

/// A plain scalar inside a flow collection starting with a block scalar indicator.
pub(super) fn plain_in_flow(tree: &Tree, id: NodeId) -> Result<(), Refusal> {
    let content = tree.props(id).content;
    let first = tree.text.slice(content..content + 1);
    if first == "|" || first == ">" {
        let message = format!(
            "a plain value inside `[…]` or `{{…}}` cannot start with `{first}`: the catalog's YAML reader refuses it; quote the value"
        );
        return Err(refusal(tree.node(id).start, message));
    }
    Ok(())
}

/// A block sequence's column from its start: saphyr starts an indented sequence at its dash
/// and one at its parent's indentation at the first item (after the dash); refined by
/// [`dash_column`] when the first item comes.
pub(super) fn sequence_column(text: &CharText, start: Marker) -> usize {
    let line_start = start.index() - start.col().min(start.index());
    let at_dash = text.slice(start.index()..start.index() + 1) == "-";
    if at_dash && text.slice(line_start..start.index()).trim().is_empty() {
        return start.col();
    }
    dash_column(text, start).unwrap_or(start.col())
}

/// The column of the `-` before a sequence's first item, when it is on the item's line.
pub(super) fn dash_column(text: &CharText, item: Marker) -> Option<usize> {
    let line_start = item.index() - item.col().min(item.index());
    let before = text.slice(line_start..item.index()).trim_end_matches(' ');
    before.ends_with('-').then(|| before.chars().count() - 1)
}

/// Each line's indentation: how many blanks start it and how many spaces come before its first
/// tab (if a tab is among them). Built only for a text with tabs, in one pass, so that the check
/// below costs no walk back to the start of a (possibly long) line.
pub(super) struct LineIndents {
    /// (blank characters, spaces before the first tab) per line, from line 1.
    lines: Vec<(usize, Option<usize>)>,
}

impl LineIndents {
    pub(super) fn of(source: &str) -> LineIndents {
        if !source.contains('\t') {
            return LineIndents { lines: Vec::new() };
        }
        let lines = source
            .trim_start_matches('\u{feff}')
            .split('\n')
            .map(|line| {
                let blanks = line.chars().take_while(|c| *c == ' ' || *c == '\t').count();
                let tab = line.chars().take(blanks).position(|c| c == '\t');
                (blanks, tab)
            })
            .collect();
        LineIndents { lines }
    }
}

/// Node `id`, just added under the innermost of `open`, must not be indented with a tab.
pub(super) fn tab_indentation(tree: &Tree, open: &[Open], id: NodeId, indents: &LineIndents) -> Result<(), Refusal> {
    let node = tree.node(id);
    let start = node.start;
    // First on its line, after blanks holding a tab?
    let Some(&(blanks, Some(tab))) = indents.lines.get(start.line().wrapping_sub(1)) else { return Ok(()) };
    if start.col() != blanks {
        return Ok(());
    }
    let parent = open.last();
    if parent.is_some_and(|p| p.block_column.is_none()) {
        return Ok(());
    }
    let is_key = parent.is_some_and(|p| p.mapping && p.children % 2 == 1);
    let block_collection = matches!(node.kind, Kind::Sequence(_) | Kind::Mapping(_)) && !node.flow;
    let spaces = tab;
    if is_key || block_collection || spaces <= parent.and_then(|p| p.block_column).unwrap_or(0) {
        let message = "this line is indented with a tab: the catalog's YAML reader does not take tabs as indentation; indent with spaces".to_string();
        return Err(refusal(Marker::new(0, start.line(), spaces), message));
    }
    Ok(())
}

/// The first document of a file starting with a byte order mark must not be a block sequence
/// with an item on line 1.
pub(super) fn byte_order_mark(tree: &Tree) -> Result<(), Refusal> {
    if tree.text.slice(0..1) != "\u{feff}" {
        return Ok(());
    }
    let Some(root) = tree.root else { return Ok(()) };
    let node = tree.node(root);
    let Kind::Sequence(range) = &node.kind else { return Ok(()) };
    let Some(&first) = tree.children(range).first() else { return Ok(()) };
    let item = tree.node(first);
    let empty = matches!(&item.kind, Kind::Scalar { value, style: ScalarStyle::Plain } if value.is_empty());
    // Something after the first dash on line 1 (the item, its properties, a block scalar header).
    let line_one = tree.text.rest(0).split('\n').next().unwrap_or("");
    let after_dash = line_one.trim_start_matches('\u{feff}').trim_start_matches(' ').strip_prefix('-').unwrap_or("");
    let after_dash = after_dash.trim();
    if node.flow || node.start.line() != 1 || empty || after_dash.is_empty() || after_dash.starts_with('#') {
        return Ok(());
    }
    let message = "the file starts with a byte order mark and then a sequence item, which the catalog's YAML reader (npm yaml 2.9.1) refuses: remove the byte order mark or start the sequence on the next line".to_string();
    Err(refusal(item.start, message))
}
