//! A flow collection written as a key at the start of a line (`[a, b]: x`, `{{ host }}: x`) in
//! a block mapping, after another entry: npm `yaml` 2.9.1's parser sometimes leaves an empty
//! entry behind there, and its composer then refuses the mapping ("Map comment with trailing
//! content"), so the catalog refuses the file. This module predicts when, from the parser's
//! rules for the blank and comment lines between the previous value and the key:
//!
//! - after a value that ends with a scalar, an alias or a flow collection, each blank or
//!   comment line (and, in an indented mapping, the key line's indentation) opens an empty
//!   entry, unless a comment indented past its collection joins the previous value;
//! - after a block scalar, only the lines that end it early (a comment less indented than its
//!   text, trailing blank lines it does not keep) do;
//! - after an empty value, nothing does;
//! - an empty entry left in a nested collection moves up to the mapping when that collection
//!   closes, unless it holds a comment indented as far as that collection.
//!
//! The cases come from running `yaml` 2.9.1 (plugin-wrapper/test/yaml-differential.test.cjs
//! generates thousands of them and compares).

use saphyr_parser::ScalarStyle;

use super::compose::{Kind, NodeId, Tree};

/// Is entry `index` (> 0) of block mapping `mapping` one that `yaml` refuses?
pub(super) fn unplaceable(tree: &Tree, mapping: NodeId, children: &[NodeId], index: usize) -> bool {
    let text = &tree.text;
    if is_flow(tree, mapping) {
        return false;
    }
    let column = tree.node(mapping).column;
    let key = children[2 * index];
    if !is_flow(tree, key) {
        return false;
    }
    let key_node = tree.node(key);
    let start = key_node.start.index();
    let line_start = start - key_node.start.col().min(start);
    if !text.slice(line_start..start).chars().all(|c| c == ' ') {
        return false;
    }
    let previous = children[2 * index - 1];
    // An explicit key (`? [a]`): the `?` sits between the previous value and the key.
    let between = text.slice(tree.node(previous).end.index().min(start)..start);
    if between.lines().any(|line| line.trim_start().starts_with("? ") || line.trim() == "?") {
        return false;
    }
    // The collections the lines after the previous value go to: the innermost block
    // collection holding its last leaf, and those around it up to (not including) `mapping`.
    let mut chain = Vec::new();
    let mut leaf = previous;
    let mut in_sequence = false;
    while let Some(last) = last_child(tree, leaf) {
        chain.push(tree.node(leaf).column);
        in_sequence = matches!(tree.node(leaf).kind, Kind::Sequence(_));
        leaf = last;
    }
    let leaf_node = tree.node(leaf);
    let key_line = key_node.start.line();
    // The lines from the leaf's to the key's (not from the top: that would be quadratic).
    let first = leaf_node.start;
    let lines: Vec<&str> = text.slice(first.index() - first.col().min(first.index())..start).split('\n').collect();
    // 1-based line `n`'s text.
    let line = |n: usize| lines.get(n.wrapping_sub(first.line())).copied().unwrap_or("");
    let innermost = chain.last().copied().unwrap_or(column);
    let lines = Lines { key_line, innermost, line: &line };
    let leftover = match &leaf_node.kind {
        Kind::Scalar { value, style: ScalarStyle::Plain } if value.is_empty() => return false,
        Kind::Scalar { style: ScalarStyle::Literal | ScalarStyle::Folded, .. } => {
            // The header (`|+`): after the properties, or on the line before the text where
            // saphyr's span starts when there are none.
            let content = tree.props(leaf).content;
            let after_props = text.slice(content..leaf_node.end.index());
            let before = text.slice(leaf_node.start.index().saturating_sub(256)..leaf_node.start.index());
            let has_props = leaf_node.anchor > 0 || leaf_node.tag.is_some();
            let header = if has_props && after_props.starts_with(['|', '>']) {
                after_props.lines().next().unwrap_or("")
            } else {
                before.rfind(['|', '>']).map_or("", |at| before[at..].lines().next().unwrap_or(""))
            };
            let keep = header.contains('+');
            // In a sequence, the key line's indentation opens an entry too.
            let indentation_opens = column > 0 && in_sequence;
            // An empty block scalar takes the blank lines after it.
            let empty = matches!(&leaf_node.kind, Kind::Scalar { value, .. } if value.is_empty());
            after_block_scalar(leaf_node.start.line(), keep || empty, indentation_opens, &lines)
        }
        _ => after_value(leaf_node.end.line(), column, &lines),
    };
    let Some(comments) = leftover else { return false };
    // Each nested collection closes before the key: the entry moves up unless it holds a
    // comment indented as far as that collection.
    chain.iter().all(|&col| col == 0 || comments.iter().all(|&indent| indent < col))
}

fn is_flow(tree: &Tree, id: NodeId) -> bool {
    tree.node(id).flow
}

/// The last child of a non-empty block collection (a mapping's last value).
fn last_child(tree: &Tree, id: NodeId) -> Option<NodeId> {
    match &tree.node(id).kind {
        Kind::Sequence(range) | Kind::Mapping(range) if !is_flow(tree, id) => tree.children(range).last().copied(),
        _ => None,
    }
}

/// Blank or comment line: `Some(indent)` of its `#` (`None` for blank), `Err` for content.
fn filler(line: &str) -> Result<Option<usize>, ()> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    let rest = line[indent..].trim_start_matches(['\t', ' ']).trim_end_matches('\r');
    if rest.is_empty() {
        Ok(None)
    } else if rest.starts_with('#') {
        Ok(Some(indent))
    } else {
        Err(())
    }
}

/// The lines before the key and the column of the collection they go to.
#[derive(Clone, Copy)]
struct Lines<'l> {
    key_line: usize,
    innermost: usize,
    /// 1-based line `n`'s text.
    line: &'l dyn Fn(usize) -> &'l str,
}

/// After a value ending on line `end` with a scalar, alias or flow collection: the comment
/// indents of the empty entry left before the key line, if one is.
fn after_value(end: usize, column: usize, lines: &Lines) -> Option<Vec<usize>> {
    let Lines { key_line, innermost, line } = *lines;
    // The empty entry: whether it holds only blanks so far, and its comments' indents.
    let mut entry: Option<(bool, Vec<usize>)> = None;
    let mut value_ends_with_comment = false;
    for n in end + 1..key_line {
        let Ok(comment) = filler(line(n)) else { return None };
        let indent = line(n).len() - line(n).trim_start_matches(' ').len();
        if indent > 0 || line(n).starts_with('\t') {
            // A blank token.
            entry.get_or_insert((true, Vec::new()));
        }
        if let Some(at) = comment {
            match &mut entry {
                None => entry = Some((false, vec![at])),
                // A comment indented past the collection joins the previous value.
                Some((true, _)) if at > innermost => {
                    entry = None;
                    value_ends_with_comment = true;
                }
                Some((only_blank, comments)) => {
                    *only_blank = false;
                    comments.push(at);
                }
            }
        }
        // The line break.
        if entry.is_none() {
            if value_ends_with_comment {
                value_ends_with_comment = false;
            } else {
                entry = Some((true, Vec::new()));
            }
        }
    }
    if column > 0 {
        // The key line's indentation.
        entry.get_or_insert((true, Vec::new()));
    }
    entry.map(|(_, comments)| comments)
}

/// After a block scalar starting on line `start`: the comment indents of the empty entry left
/// before the key line, if lines end the scalar early.
fn after_block_scalar(start: usize, keep: bool, indentation_opens: bool, lines: &Lines) -> Option<Vec<usize>> {
    let Lines { key_line, innermost, line } = *lines;
    // The scalar's text: lines indented past the collection, up to the last non-blank one.
    let mut last_text = start;
    let mut n = start + 1;
    while n < key_line {
        match filler(line(n)) {
            Ok(None) => {}
            _ if line(n).len() - line(n).trim_start_matches(' ').len() > innermost => last_text = n,
            _ => break,
        }
        n += 1;
    }
    let mut comments = Vec::new();
    let mut any = false;
    let mut kept_blanks = keep;
    for n in last_text + 1..key_line {
        match filler(line(n)) {
            Ok(None) if kept_blanks => {}
            Ok(None) => any = true,
            Ok(Some(at)) => {
                kept_blanks = false;
                any = true;
                comments.push(at);
            }
            Err(()) => return None,
        }
    }
    (any || indentation_opens).then_some(comments)
}
