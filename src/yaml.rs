//! YAML text into JSON values as Backstage's catalog reads it, keeping where every node came from.
//!
//! The catalog reads entity files with npm `yaml` 2.9.1: `parseAllDocuments(text, { merge:
//! false })`, refusing a document with errors and converting the others with `toJSON()`
//! (docs/backstage-behaviour.md, "YAML as the catalog reads it"). This module gives the same
//! JSON: `saphyr-parser` reads the YAML 1.2 syntax into events ([`compose`] builds a tree from
//! them, bounding size and nesting before anything recursive runs), and the conversion follows
//! `yaml`'s rules: core-schema scalars and explicit tags ([`schema`]), anchors and aliases with
//! its alias limits, duplicate keys refused, `<<` an ordinary key, collection keys stringified
//! ([`key_text`]), JavaScript property order ([`to_json`]). What `yaml` accepts but a template
//! author would not expect is kept as an [`Oddity`] for the `yaml-oddity` rule.

mod checks;
mod compose;
mod flow_keys;
mod key_text;
mod schema;
mod stand_ins;
mod to_json;

pub(crate) use to_json::js_property_order;

use std::collections::HashMap;

use serde_json::Value;

use crate::error::{Span, TrellisError};

/// Where one node sits in the source: the key that introduced it (for mapping entries) and the
/// value itself.
#[derive(Debug, Clone, Copy)]
pub struct NodeSpan {
    pub key: Option<Span>,
    pub value: Span,
    /// Character offsets of the value in the source (`start..end`), for mapping positions
    /// inside a scalar back to the file.
    pub chars: (usize, usize),
}

/// Something the catalog reads without complaint that is probably not what the author meant
/// (a collection used as a key, an unknown tag, a `<<` key, …), with where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Oddity {
    pub span: Span,
    pub message: String,
    pub hint: String,
}

/// JSON pointer → source span, for one document, and the oddities found in it.
#[derive(Debug, Default, Clone)]
pub struct SourceMap {
    nodes: HashMap<String, NodeSpan>,
    oddities: Vec<Oddity>,
    /// The files placeholders included into the document (src/placeholders.rs): a span with
    /// `file == k` is in `included[k - 1]`.
    included: Vec<IncludedFile>,
}

/// A file whose content stands in a document in place of a catalog placeholder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncludedFile {
    /// The path, `/`-separated and relative like the template's.
    pub path: String,
    /// `$text`: the value is the file's text as it is, so its characters map one to one onto the
    /// file's (there is no YAML quoting to undo).
    pub verbatim: bool,
}

impl SourceMap {
    /// The span of the node at `pointer`, or of its closest ancestor that has one.
    pub fn locate(&self, pointer: &str) -> Option<NodeSpan> {
        let mut current = pointer;
        loop {
            if let Some(found) = self.nodes.get(current) {
                return Some(*found);
            }
            match current.rfind('/') {
                Some(cut) => current = &current[..cut],
                None => return None,
            }
        }
    }

    /// Every node with its pointer, in no particular order.
    pub fn nodes(&self) -> impl Iterator<Item = (&String, &NodeSpan)> {
        self.nodes.iter()
    }

    /// The span of exactly this node, if it exists.
    pub fn get(&self, pointer: &str) -> Option<NodeSpan> {
        self.nodes.get(pointer).copied()
    }

    /// The key span of a mapping entry, else its value span; searched upwards like [`locate`].
    ///
    /// [`locate`]: SourceMap::locate
    pub fn locate_key(&self, pointer: &str) -> Option<Span> {
        self.locate(pointer).map(|node| node.key.unwrap_or(node.value))
    }

    /// What the catalog reads in this document but the author probably did not mean, in
    /// source order (those of included files carry their file in `span.file`).
    pub fn oddities(&self) -> &[Oddity] {
        &self.oddities
    }

    /// The included file a span is in (`None`: the document's own file).
    pub fn included_file(&self, span: &Span) -> Option<&IncludedFile> {
        (span.file as usize).checked_sub(1).and_then(|index| self.included.get(index))
    }

    /// The path of the file a span is in, `own` for the document's own file.
    pub fn file_name<'s>(&'s self, span: &Span, own: &'s str) -> &'s str {
        self.included_file(span).map_or(own, |file| file.path.as_str())
    }

    /// Every included file, in the order of their ids (id = index + 1).
    pub fn included(&self) -> &[IncludedFile] {
        &self.included
    }

    /// The id spans of `file` get (registering it on first use).
    pub fn file_id(&mut self, file: IncludedFile) -> u32 {
        let index = match self.included.iter().position(|known| *known == file) {
            Some(index) => index,
            None => {
                self.included.push(file);
                self.included.len() - 1
            }
        };
        index as u32 + 1
    }

    /// Puts the map of an included value at `pointer` in place of what was there: the nodes
    /// at and below `pointer` are dropped, `other`'s nodes (and its oddities) moved below it with
    /// their spans in file `file`. The node at `pointer` keeps its key span (the key is written
    /// in this document) unless it had none.
    pub fn graft(&mut self, pointer: &str, other: SourceMap, file: u32) {
        let key = self.nodes.get(pointer).and_then(|node| node.key);
        let below = format!("{pointer}/");
        self.nodes.retain(|at, _| at != pointer && !at.starts_with(&below));
        for (at, node) in other.nodes {
            let node = NodeSpan {
                key: if at.is_empty() { key } else { node.key.map(|span| span.in_file(file)) },
                value: node.value.in_file(file),
                chars: node.chars,
            };
            self.nodes.insert(format!("{pointer}{at}"), node);
        }
        self.oddities.extend(other.oddities.into_iter().map(|odd| Oddity { span: odd.span.in_file(file), ..odd }));
    }

    /// Records `span` (with character range `chars` in its file) as the value at `pointer`,
    /// dropping what was mapped at and below it (see [`SourceMap::graft`]).
    pub fn graft_value(&mut self, pointer: &str, span: Span, chars: (usize, usize)) {
        let key = self.nodes.get(pointer).and_then(|node| node.key);
        let below = format!("{pointer}/");
        self.nodes.retain(|at, _| at != pointer && !at.starts_with(&below));
        self.nodes.insert(pointer.to_string(), NodeSpan { key, value: span, chars });
    }
}

/// One YAML document as JSON plus its source map.
#[derive(Debug, Clone)]
pub struct Document {
    pub value: Value,
    pub map: SourceMap,
}

/// Escapes one JSON pointer segment (RFC 6901).
pub fn escape_pointer_segment(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// Deepest nesting of sequences and mappings accepted (serde_json's limit for JSON text is the
/// same). Converting, checking and dropping a tree recurse per level, and on wasm32 the stack
/// is 1 MB with no guard page, so depth is refused while parsing, before any of that runs.
/// Templates nest about 15 levels deep.
pub const MAX_DEPTH: usize = 128;

/// Largest YAML text read, in bytes (the renderer's source limit is the same 4 Mi). Templates
/// are a few KB; checking takes about a second per MB, so a bigger file is refused up front.
pub const MAX_SOURCE_BYTES: usize = 4 * 1024 * 1024;

/// Most nodes that aliases may copy in one file. npm `yaml` refuses an anchor used so often
/// that uses × nested aliases exceeds 100, but a large anchor used 99 times still copies 99
/// times its size: this bounds the total, so alias bombs fail fast whatever their shape.
pub const MAX_ALIAS_NODES: usize = 100_000;

/// Parses every document in `source` as the catalog reads it. `file` only labels error
/// messages. A document the catalog refuses refuses the file (`yaml-syntax`).
pub fn parse_documents(source: &str, file: Option<&str>) -> Result<Vec<Document>, TrellisError> {
    let syntax_error =
        |span: Span, message: String| TrellisError::new("yaml-syntax", message).at(Some(span)).in_file(file);
    if source.len() > MAX_SOURCE_BYTES {
        let message = format!(
            "the file is {:.1} MB, more than the {} MB Trellis reads",
            source.len() as f64 / (1024.0 * 1024.0),
            MAX_SOURCE_BYTES / (1024 * 1024)
        );
        return Err(syntax_error(Span::point(1, 1), message));
    }
    let stand_ins = stand_ins::StandIns::find(source);
    let mut prepared = stand_ins.hide(source);
    let mut retries = 0;
    let stream = loop {
        match compose::compose(&prepared) {
            Ok(stream) => break stream,
            // Read `key:<tab>value` as `key: value`, as `yaml` does (a few times: each is a
            // new parse).
            Err(compose::Stop::TabAfterColon(at)) if retries < MAX_TAB_RETRIES => {
                retries += 1;
                let byte = prepared.char_indices().nth(at).map_or(0, |(byte, _)| byte);
                prepared.to_mut().replace_range(byte..byte + 1, " ");
            }
            Err(compose::Stop::TabAfterColon(at)) => {
                let span = Span::point(1, 1);
                let message = format!(
                    "more than {MAX_TAB_RETRIES} tabs after `:` (character {at}); Trellis reads only that many"
                );
                return Err(syntax_error(span, message));
            }
            Err(compose::Stop::Refused(error)) => {
                // A file with lone CRs as line breaks is one long line to the catalog: say why.
                let message = if stand_ins.lone_carriage_returns() {
                    format!("{} {}", error.message, stand_ins::LONE_CR_EXPLANATION)
                } else {
                    error.message
                };
                return Err(syntax_error(error.span, message));
            }
        }
    };
    let mut budget = MAX_ALIAS_NODES;
    stream
        .documents
        .iter()
        .map(|tree| {
            let (value, map) = to_json::convert(tree, &stand_ins, &mut budget)
                .map_err(|error| syntax_error(error.span, error.message))?;
            Ok(Document { value, map })
        })
        .collect()
}

/// Tabs after `:` read as spaces in one file (each costs a parse of the file).
const MAX_TAB_RETRIES: usize = 64;

/// A problem that makes the catalog refuse the file, before it becomes a [`TrellisError`].
#[derive(Debug)]
struct Refusal {
    span: Span,
    message: String,
}

#[cfg(test)]
mod tests;
