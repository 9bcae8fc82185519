//! One document's tree into JSON as npm `yaml`'s `toJSON()` builds it, with a JSON pointer →
//! span map and the oddities found on the way.
//!
//! What follows `yaml` 2.9.1 (docs/backstage-behaviour.md has the sources): scalars by the
//! core schema ([`super::schema`]); keys as `String(key)` (null is `""`), collection keys and
//! aliases of collections as `yaml` prints them ([`super::key_text`]); two keys with the same
//! scalar value refuse the document, two that only print alike (`1`, `"1"`) keep the first
//! place and the last value; `<<` is an ordinary key (the catalog turns merge keys off); array
//! index keys come first, as JavaScript orders properties. Aliases copy their anchor's value;
//! `yaml` refuses an anchor whose uses × nested aliases exceed 100, and Trellis also bounds the
//! nodes copied in a file ([`MAX_ALIAS_NODES`](super::MAX_ALIAS_NODES)).

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt::Write;
use std::ops::Range;

use saphyr_parser::ScalarStyle;
use serde_json::{json, Map, Value};

use super::compose::{Kind, NodeId, Tree};
use super::schema::{self, Scalar};
use super::stand_ins::StandIns;
use super::{escape_pointer_segment, key_text, NodeSpan, Oddity, Refusal, SourceMap, MAX_ALIAS_NODES};
use crate::engine::value::{array_index, json_number, number_to_string};
use crate::error::Span;

/// `yaml`'s `maxAliasCount` default: uses of one anchor × the aliases inside it.
const MAX_ALIAS_COUNT: u64 = 100;

/// Converts one document: its value (null when empty) and source map.
pub(super) fn convert(tree: &Tree, stand_ins: &StandIns, budget: &mut usize) -> Result<(Value, SourceMap), Refusal> {
    let mut converter = Converter {
        tree,
        stand_ins,
        budget,
        entries: Vec::new(),
        anchors: HashMap::new(),
        oddities: Vec::new(),
        pointer: String::new(),
        key_of_column: None,
    };
    let value = match tree.root {
        Some(root) => converter.node(root, None, true)?,
        None => Value::Null,
    };
    let mut oddities = converter.oddities;
    if tree.yaml_1_1 {
        // Not reproduced: the corpus has no such document.
        oddities.push(Oddity {
            span: super::compose::span_between(tree.start, tree.start),
            message: "this document is marked `%YAML 1.1`: the catalog reads it with YAML 1.1's types (`yes` and `on` are true, `0777` is octal, `<<` merges), Trellis with YAML 1.2's".into(),
            hint: "remove the `%YAML 1.1` line, and write the values YAML 1.2 reads as you mean".into(),
        });
    }
    crate::sort::sort_by_key(&mut oddities, |o| (o.span.line, o.span.column));
    let nodes = converter.entries.into_iter().collect();
    Ok((value, SourceMap { nodes, oddities, included: Vec::new() }))
}

/// What `yaml` keeps for an anchored node while converting (its `anchors` map).
struct Anchored {
    /// 1 for the node itself, plus one per alias resolved so far.
    count: u64,
    /// Aliases nested inside (0 until an alias asks; recomputed while 0, as `yaml` does).
    alias_count: u64,
    /// The converted value; `None` while the node itself is being converted.
    value: Option<Value>,
    /// JSON nodes in `value`, charged to the alias budget per copy.
    size: usize,
    /// Its source-map entries (a range of `entries`) and the pointer they start with.
    entries: Range<usize>,
    pointer: String,
}

struct Converter<'t, 'a> {
    tree: &'t Tree<'a>,
    stand_ins: &'t StandIns,
    budget: &'t mut usize,
    /// Source map entries in conversion order (an anchored node's are contiguous).
    entries: Vec<(String, NodeSpan)>,
    anchors: HashMap<NodeId, Anchored>,
    oddities: Vec<Oddity>,
    /// JSON pointer of the node being converted.
    pointer: String,
    /// While converting a collection used as a key: its mapping's column.
    key_of_column: Option<usize>,
}

/// A mapping key's identity for `yaml`'s duplicate check: equal scalar values (`===`).
#[derive(PartialEq, Eq, Hash)]
enum KeyIdentity<'t> {
    Null,
    Bool(bool),
    /// The number's bits, `-0` as `0`; NaN equals nothing and is never recorded.
    Number(u64),
    Text(Cow<'t, str>),
}

impl<'t, 'a> Converter<'t, 'a> {
    /// Converts node `id` at `self.pointer`; `record` adds it to the source map (keys are not).
    fn node(&mut self, id: NodeId, key: Option<Span>, record: bool) -> Result<Value, Refusal> {
        let tree = self.tree;
        let node = tree.node(id);
        if let Kind::Alias(target) = node.kind {
            return self.alias(id, target, key, record);
        }
        let entry = self.entries.len();
        if record {
            let span = self.value_span(id);
            let chars = (tree.props(id).content, node.end.index());
            self.entries.push((self.pointer.clone(), NodeSpan { key, value: span, chars }));
        }
        if node.anchor > 0 {
            let anchored = Anchored {
                count: 1,
                alias_count: 0,
                value: None,
                size: 0,
                entries: entry..entry,
                pointer: self.pointer.clone(),
            };
            self.anchors.insert(id, anchored);
        }
        let special = special_collection(node);
        if let (Some(tag), Kind::Sequence(_) | Kind::Mapping(_)) = (node.tag.as_deref(), &node.kind) {
            let own =
                if matches!(node.kind, Kind::Mapping(_)) { "tag:yaml.org,2002:map" } else { "tag:yaml.org,2002:seq" };
            if tag != "!" && tag != own && special.is_none() {
                self.unresolved_tag(id, tag, "");
            }
        }
        let value = match &node.kind {
            Kind::Scalar { .. } => self.scalar(id)?,
            Kind::Sequence(range) => {
                let items = tree.children(range);
                let mut out = Vec::with_capacity(items.len());
                for (index, &item) in items.iter().enumerate() {
                    let len = self.pointer.len();
                    let _ = write!(self.pointer, "/{index}");
                    out.push(self.node(item, None, record)?);
                    self.pointer.truncate(len);
                }
                Value::Array(out)
            }
            Kind::Mapping(range) => self.mapping(id, range.clone(), record)?,
            Kind::Alias(_) => unreachable!("handled above"),
        };
        let value = match special {
            Some(special) => self.special_collection(id, special, value)?,
            None => value,
        };
        if let Some(anchored) = self.anchors.get_mut(&id) {
            anchored.size = json_size(&value);
            anchored.value = Some(value.clone());
            anchored.entries.end = self.entries.len();
        }
        Ok(value)
    }

    /// The node's span, from its content (after `&anchor !tag`).
    fn value_span(&self, id: NodeId) -> Span {
        let node = self.tree.node(id);
        let mut span = self.tree.span(id);
        let content = self.tree.props(id).content;
        if content != node.start.index() {
            let skipped = self.tree.text.slice(node.start.index()..content);
            let lines = skipped.matches('\n').count() as u32;
            span.line += lines;
            span.column = match skipped.rfind('\n') {
                Some(at) => skipped[at + 1..].chars().count() as u32 + 1,
                None => span.column + skipped.chars().count() as u32,
            };
        }
        span
    }

    fn scalar(&mut self, id: NodeId) -> Result<Value, Refusal> {
        let (scalar, text, unresolved) = self.resolve_scalar(id)?;
        if let Cow::Owned(_) = text {
            {
                let (message, hint) = if text.contains('\0') {
                    ("this value holds a NUL character, which the catalog's YAML reader keeps in the text", "remove it")
                } else {
                    (
                        "this value holds a carriage return without a line feed, which the catalog's YAML reader keeps as a character of the text, not as a line break",
                        "save the file with LF or CRLF line endings",
                    )
                };
                self.oddity(id, message.into(), hint);
            }
        }
        if let Some(tag) = &unresolved {
            self.unresolved_tag(id, tag, &text);
        }
        Ok(scalar_json(scalar, text))
    }

    fn unresolved_tag(&mut self, id: NodeId, tag: &str, text: &str) {
        let shown = key_text::tag_text(tag);
        let core = tag.strip_prefix(schema::CORE_TAG).is_some_and(|t| matches!(t, "null" | "bool" | "int" | "float"));
        let message = match self.tree.node(id).kind {
            Kind::Scalar { .. } if core => format!(
                "`{shown}` does not fit {} in YAML 1.2's core schema: the catalog's YAML reader keeps it as the string {0}",
                Value::String(text.to_string())
            ),
            Kind::Scalar { .. } => format!(
                "the catalog's YAML reader does not know the tag `{shown}`: it keeps the value as the string {}",
                Value::String(text.to_string())
            ),
            Kind::Mapping(_) => format!("the catalog's YAML reader ignores the tag `{shown}` on this mapping"),
            _ => format!("the catalog's YAML reader ignores the tag `{shown}` on this sequence"),
        };
        let hint = "remove the tag, or write the value so that it has the type you want without one";
        // At the tag, which is where the node starts.
        let at = self.tree.node(id).start;
        let span = super::compose::span_between(at, at);
        let tag_end = Span { end_column: span.column + shown.chars().count() as u32, ..span };
        self.oddities.push(Oddity { span: tag_end, message, hint: hint.to_string() });
    }

    fn mapping(&mut self, id: NodeId, range: Range<u32>, record: bool) -> Result<Value, Refusal> {
        let tree = self.tree;
        let children = tree.children(&range);
        let mut out = Map::with_capacity(children.len() / 2);
        let mut seen: HashMap<KeyIdentity, u32> = HashMap::new();
        let mut unplaceable = None;
        for (index, pair) in children.chunks_exact(2).enumerate() {
            let (key_id, value_id) = (pair[0], pair[1]);
            let key_span = self.value_span(key_id);
            // (An explicit key of an indented mapping is parsed otherwise: `yaml` reads it.)
            let in_indented_key = self.key_of_column.is_some_and(|column| column > 0);
            if index > 0 && !in_indented_key && self.unplaceable_flow_key(id, children, index) {
                // Reported after the entries, at the last such key, as `yaml` does.
                unplaceable = Some(key_span);
            }
            let name = self.key(key_id, tree.node(id).column, &mut seen)?;
            if out.contains_key(&name) {
                self.oddity(
                    key_id,
                    format!("the key {} is already in this mapping as the catalog reads keys; this later value replaces the earlier one", serde_json::Value::String(name.clone())),
                    "give every key a distinct name",
                );
            }
            let len = self.pointer.len();
            self.pointer.push('/');
            if name.contains(['~', '/']) {
                self.pointer.push_str(&escape_pointer_segment(&name));
            } else {
                self.pointer.push_str(&name);
            }
            let value = self.node(value_id, Some(key_span), record)?;
            self.pointer.truncate(len);
            // Like a JavaScript property set twice: the first place, the last value.
            out.insert(name, value);
        }
        if let Some(span) = unplaceable {
            let message = "the catalog's YAML reader (npm yaml 2.9.1) cannot read this `[…]`/`{…}` key: in an indented mapping, a flow collection written as a key must be the mapping's first key or follow a key with no value (npm yaml reports \"Map comment with trailing content\"); write it as an explicit key (`? [a, b]`, then `: value` on the next line)".to_string();
            return Err(Refusal { span, message });
        }
        if out.keys().any(|k| array_index(k).is_some()) {
            out = js_property_order(out);
        }
        Ok(Value::Object(out))
    }

    /// Entry `index` of block mapping `mapping` has a key `yaml` 2.9.1's parser cannot place
    /// (see [`super::flow_keys`]).
    fn unplaceable_flow_key(&self, mapping: NodeId, children: &[NodeId], index: usize) -> bool {
        super::flow_keys::unplaceable(self.tree, mapping, children, index)
    }

    /// The key's string, as `yaml`'s `toJSON()` makes it; refuses a duplicate scalar key.
    fn key(&mut self, id: NodeId, column: usize, seen: &mut HashMap<KeyIdentity<'t>, u32>) -> Result<String, Refusal> {
        let tree = self.tree;
        let node = tree.node(id);
        let span = self.value_span(id);
        match &node.kind {
            Kind::Scalar { style, .. } => {
                let (scalar, text) = if node.anchor > 0 {
                    // An anchored key is converted like any node (an alias may copy it).
                    self.node(id, None, false)?;
                    self.scalar_key(id)?
                } else {
                    let (scalar, text, unresolved) = self.resolve_scalar(id)?;
                    if let Some(tag) = unresolved {
                        self.unresolved_tag(id, &tag, &text);
                    }
                    (scalar, text)
                };
                if let Some(identity) = identity(scalar, text.clone()) {
                    if let Some(first) = seen.get(&identity) {
                        let message = format!(
                            "the key {} is already in this mapping (line {first}); the catalog refuses a mapping with duplicate keys",
                            Value::String(text.into_owned())
                        );
                        return Err(Refusal { span, message });
                    }
                    seen.insert(identity, span.line);
                }
                if scalar == Scalar::Null {
                    let message = "this key is null, which the catalog reads as the empty string key \"\"".into();
                    self.oddity(id, message, "write the key you mean");
                }
                if text == "<<" && *style == ScalarStyle::Plain && node.tag.is_none() {
                    self.oddity(
                        id,
                        "`<<` is not a merge key here: the catalog reads YAML with merge keys turned off, so this mapping gets a key named \"<<\"".into(),
                        "write the keys out instead of merging them in",
                    );
                }
                Ok(self.scalar_key_name(id, scalar, text))
            }
            Kind::Alias(target) => {
                let value = self.alias(id, *target, None, false)?;
                match target.map(|t| &tree.node(t).kind) {
                    Some(Kind::Scalar { .. }) => {
                        let (scalar, text) = self.scalar_key(target.unwrap_or(id))?;
                        Ok(self.scalar_key_name(id, scalar, text))
                    }
                    _ => {
                        drop(value);
                        let printed = key_text::key_text(tree, self.stand_ins, id);
                        self.collection_key(id, &printed);
                        Ok(printed)
                    }
                }
            }
            Kind::Sequence(_) | Kind::Mapping(_) => {
                // Converted first, as `yaml` does, for its anchors and alias counts.
                let outer = self.key_of_column.replace(column);
                let converted = self.node(id, None, false);
                self.key_of_column = outer;
                converted?;
                let printed = key_text::key_text(tree, self.stand_ins, id);
                self.collection_key(id, &printed);
                Ok(printed)
            }
        }
    }

    /// A scalar node's value and text (lone CRs restored), and the tag it could not apply.
    fn resolve_scalar(&self, id: NodeId) -> Result<(Scalar, Cow<'t, str>, Option<String>), Refusal> {
        let tree: &'t Tree<'a> = self.tree;
        let node = tree.node(id);
        let Kind::Scalar { value, style } = &node.kind else { return Ok((Scalar::Null, Cow::Borrowed(""), None)) };
        let text = match self.stand_ins.restore(value) {
            Some(restored) => Cow::Owned(restored),
            None => Cow::Borrowed(value.as_ref()),
        };
        let resolved = schema::resolve(&text, *style == ScalarStyle::Plain, node.tag.as_deref())
            .map_err(|message| Refusal { span: self.value_span(id), message })?;
        Ok((resolved.scalar, text, resolved.unresolved_tag))
    }

    fn scalar_key(&self, id: NodeId) -> Result<(Scalar, Cow<'t, str>), Refusal> {
        self.resolve_scalar(id).map(|(scalar, text, _)| (scalar, text))
    }

    /// `String(value)` of a scalar key (null is `""`); a date is printed (an object to `yaml`).
    fn scalar_key_name(&mut self, id: NodeId, scalar: Scalar, text: Cow<'t, str>) -> String {
        match scalar {
            Scalar::Null => String::new(),
            Scalar::Bool(b) => b.to_string(),
            Scalar::Number(n, _) => number_to_string(n),
            Scalar::Text => text.into_owned(),
            // `String(buffer)`: its bytes as UTF-8.
            Scalar::Binary => String::from_utf8_lossy(&schema::base64_bytes(&text)).into_owned(),
            Scalar::Timestamp(_) => {
                let printed = key_text::key_text(self.tree, self.stand_ins, id);
                let message = format!(
                    "this key is a date (`!!timestamp`); the catalog turns it into the string key {} (JavaScript's text for a date, in the server's time zone: Trellis assumes UTC)",
                    Value::String(printed.clone())
                );
                self.oddity(id, message, "write the key as a plain string");
                printed
            }
        }
    }

    fn collection_key(&mut self, id: NodeId, printed: &str) {
        if self.key_of_column.is_some() {
            // Part of a key that is itself printed: one oddity, for the outer key.
            return;
        }
        let placeholder = matches!(self.tree.node(id).kind, Kind::Mapping(_)) && printed.starts_with("{ ");
        let message = format!(
            "this mapping key is a collection, not a plain value; the catalog turns it into the string key {}",
            serde_json::Value::String(printed.to_string())
        );
        let hint = if placeholder {
            "`{{ … }}` reads as a YAML mapping: quote the value (`'{{ … }}'`) if it is text for a later templating step"
        } else {
            "use a plain string key"
        };
        self.oddity(id, message, hint);
    }

    fn alias(&mut self, id: NodeId, target: Option<NodeId>, key: Option<Span>, record: bool) -> Result<Value, Refusal> {
        let tree = self.tree;
        let span = tree.span(id);
        let name = tree.text.slice(tree.node(id).start.index() + 1..tree.node(id).end.index()).to_string();
        let unresolved = || Refusal {
            span,
            message: format!(
                "the alias `*{name}` names no anchor set before it in this document; the catalog cannot read it"
            ),
        };
        let target = target.ok_or_else(unresolved)?;
        let alias_count = match self.anchors.get(&target) {
            None => return Err(unresolved()),
            Some(anchored) if anchored.value.is_none() => {
                let message = format!(
                    "the alias `*{name}` is inside the node its anchor names: the catalog cannot store such a circular value"
                );
                return Err(Refusal { span, message });
            }
            Some(anchored) if anchored.alias_count == 0 => self.alias_count(target),
            Some(anchored) => anchored.alias_count,
        };
        let Some(anchored) = self.anchors.get_mut(&target) else { return Err(unresolved()) };
        anchored.count += 1;
        anchored.alias_count = alias_count;
        if anchored.count * anchored.alias_count > MAX_ALIAS_COUNT {
            let message = format!(
                "the anchor `&{name}` is used too often: the catalog's YAML reader refuses more than {MAX_ALIAS_COUNT} alias expansions of one anchor (uses × aliases inside it), its guard against alias bombs"
            );
            return Err(Refusal { span, message });
        }
        if anchored.size > *self.budget {
            let message = format!("the aliases in this file copy more than {MAX_ALIAS_NODES} nodes; Trellis stops there (alias expansion is bounded against alias bombs)");
            return Err(Refusal { span, message });
        }
        *self.budget -= anchored.size;
        let value = anchored.value.clone().unwrap_or(Value::Null);
        if record {
            let (entries, from) = (anchored.entries.clone(), anchored.pointer.len());
            let chars = (tree.node(id).start.index(), tree.node(id).end.index());
            self.entries.push((self.pointer.clone(), NodeSpan { key, value: span, chars }));
            // The copy's inner nodes point into the anchored node, where they are written.
            for index in entries.start + 1..entries.end {
                let (pointer, node_span) = &self.entries[index];
                let copied = format!("{}{}", self.pointer, &pointer[from..]);
                let node_span = *node_span;
                self.entries.push((copied, node_span));
            }
        }
        Ok(value)
    }

    /// `yaml`'s alias count of a node: an alias counts its anchor's uses × aliases, a
    /// collection its largest item, a scalar 1 (an empty collection 0).
    fn alias_count(&self, id: NodeId) -> u64 {
        let tree = self.tree;
        match &tree.node(id).kind {
            Kind::Alias(target) => {
                target.and_then(|t| self.anchors.get(&t)).map_or(0, |anchored| anchored.count * anchored.alias_count)
            }
            Kind::Sequence(range) | Kind::Mapping(range) => {
                tree.children(range).iter().map(|&child| self.alias_count(child)).max().unwrap_or(0)
            }
            Kind::Scalar { .. } => 1,
        }
    }

    /// A `!!set` mapping or an `!!omap`/`!!pairs` sequence, as `yaml` builds it from the plain
    /// `value` (YAML 1.1 types it knows by name): a Set and a Map are stored as `{}`, pairs as
    /// one-key objects.
    fn special_collection(&mut self, id: NodeId, special: Special, value: Value) -> Result<Value, Refusal> {
        let tree = self.tree;
        let span = self.value_span(id);
        let refuse = |message: &str| Err(Refusal { span, message: message.to_string() });
        let children = match &tree.node(id).kind {
            Kind::Sequence(range) | Kind::Mapping(range) => tree.children(range),
            _ => &[],
        };
        let value = match special {
            Special::Set => {
                for pair in children.chunks_exact(2) {
                    let value_node = tree.node(pair[1]);
                    let scalar = matches!(value_node.kind, Kind::Scalar { .. });
                    if !scalar || value_node.tag.is_some() || self.resolve_scalar(pair[1])?.0 != Scalar::Null {
                        return refuse("`!!set` items must all have null values; the catalog refuses this set");
                    }
                }
                Value::Object(Map::new())
            }
            Special::Omap | Special::Pairs => {
                let Value::Array(items) = value else { return Ok(value) };
                let mut pairs = Vec::with_capacity(items.len());
                let mut seen: Vec<Value> = Vec::new();
                for (&item, item_value) in children.iter().zip(items) {
                    let (key, pair) = match &tree.node(item).kind {
                        Kind::Mapping(range) if range.len() > 2 => {
                            return refuse(
                                "each pair of `!!omap` or `!!pairs` must have its own `-`; the catalog refuses this",
                            );
                        }
                        Kind::Mapping(range) if range.is_empty() => (None, json!({"": null})),
                        Kind::Mapping(range) => (Some(tree.children(range)[0]), item_value),
                        _ => {
                            let name = self.printed_key(item)?;
                            // A pair's key in a plain object (`!!pairs`) is stringified; an
                            // `!!omap` is a Map, which keeps it.
                            let collection = matches!(tree.node(item).kind, Kind::Sequence(_) | Kind::Mapping(_));
                            if special == Special::Pairs && collection {
                                self.collection_key(item, &name);
                            }
                            (Some(item), Value::Object(Map::from_iter([(name, Value::Null)])))
                        }
                    };
                    let scalar_key = key.filter(|&k| matches!(tree.node(k).kind, Kind::Scalar { .. }));
                    if let (Special::Omap, Some(key)) = (special, scalar_key) {
                        let (scalar, text, _) = self.resolve_scalar(key)?;
                        let key_value = scalar_json(scalar, text);
                        if seen.contains(&key_value) {
                            return refuse("`!!omap` must not include duplicate keys; the catalog refuses it");
                        }
                        seen.push(key_value);
                    }
                    pairs.push(pair);
                }
                match special {
                    Special::Omap => Value::Object(Map::new()),
                    _ => Value::Array(pairs),
                }
            }
        };
        let message = match special {
            Special::Set => "the catalog reads `!!set` as a JavaScript Set, which it stores as {}",
            Special::Omap => "the catalog reads `!!omap` as a JavaScript Map, which it stores as {}",
            Special::Pairs => "the catalog reads each item of this `!!pairs` sequence as a one-key mapping",
        };
        self.oddity(id, message.to_string(), "remove the tag");
        Ok(value)
    }

    /// `String(key)` of a node already converted (no oddities, no counting).
    fn printed_key(&mut self, id: NodeId) -> Result<String, Refusal> {
        let tree = self.tree;
        Ok(match &tree.node(id).kind {
            Kind::Scalar { .. } => {
                let (scalar, text, _) = self.resolve_scalar(id)?;
                self.scalar_key_name(id, scalar, text)
            }
            Kind::Alias(Some(target)) if matches!(tree.node(*target).kind, Kind::Scalar { .. }) => {
                let (scalar, text, _) = self.resolve_scalar(*target)?;
                self.scalar_key_name(*target, scalar, text)
            }
            _ => key_text::key_text(tree, self.stand_ins, id),
        })
    }

    fn oddity(&mut self, id: NodeId, message: String, hint: &str) {
        let mut span = self.value_span(id);
        // A flow collection ends at its closing bracket: include it.
        if matches!(self.tree.node(id).kind, Kind::Sequence(_) | Kind::Mapping(_)) {
            let end = self.tree.node(id).end.index();
            if matches!(self.tree.text.slice(end..end + 1), "]" | "}") {
                span.end_column += 1;
            }
        }
        self.oddities.push(Oddity { span, message, hint: hint.to_string() });
    }
}

/// The YAML 1.1 collection types `yaml` builds when tagged so (and only on the right kind).
#[derive(Clone, Copy, PartialEq)]
enum Special {
    Set,
    Omap,
    Pairs,
}

fn special_collection(node: &super::compose::Node) -> Option<Special> {
    let tag = node.tag.as_deref()?.strip_prefix(schema::CORE_TAG)?;
    match (tag, &node.kind) {
        ("set", Kind::Mapping(_)) => Some(Special::Set),
        ("omap", Kind::Sequence(_)) => Some(Special::Omap),
        ("pairs", Kind::Sequence(_)) => Some(Special::Pairs),
        _ => None,
    }
}

/// A scalar's JSON: numbers as JavaScript has them (integral values as integers; NaN and
/// infinities null, as `JSON.stringify` writes them), dates as `toJSON()` writes them.
fn scalar_json(scalar: Scalar, text: Cow<str>) -> Value {
    match scalar {
        Scalar::Null => Value::Null,
        Scalar::Bool(b) => Value::Bool(b),
        Scalar::Number(n, _) => json_number(n),
        Scalar::Text => Value::String(text.into_owned()),
        Scalar::Timestamp(Some(ms)) => Value::String(schema::iso_date(ms)),
        Scalar::Timestamp(None) => Value::Null,
        // A Buffer's `toJSON()`.
        Scalar::Binary => json!({"type": "Buffer", "data": schema::base64_bytes(&text)}),
    }
}

/// The identity `yaml` compares keys by, for the scalars that can be equal.
fn identity(scalar: Scalar, text: Cow<'_, str>) -> Option<KeyIdentity<'_>> {
    match scalar {
        Scalar::Null => Some(KeyIdentity::Null),
        Scalar::Bool(b) => Some(KeyIdentity::Bool(b)),
        Scalar::Number(n, _) if n.is_nan() => None,
        Scalar::Number(n, _) => Some(KeyIdentity::Number(if n == 0.0 { 0 } else { n.to_bits() })),
        Scalar::Text => Some(KeyIdentity::Text(text)),
        // Dates and buffers are objects: never equal.
        Scalar::Timestamp(_) | Scalar::Binary => None,
    }
}

/// JSON nodes in a value.
fn json_size(value: &Value) -> usize {
    match value {
        Value::Array(items) => 1 + items.iter().map(json_size).sum::<usize>(),
        Value::Object(entries) => 1 + entries.values().map(json_size).sum::<usize>(),
        _ => 1,
    }
}

/// Canonical array indices first, ascending, then the other keys in insertion order.
pub(crate) fn js_property_order(entries: Map<String, Value>) -> Map<String, Value> {
    let mut indexed = Vec::new();
    let mut named = Vec::new();
    for (key, value) in entries {
        match array_index(&key) {
            Some(index) => indexed.push((index, key, value)),
            None => named.push((key, value)),
        }
    }
    crate::sort::sort_by_key(&mut indexed, |(index, _, _)| *index);
    indexed.into_iter().map(|(_, key, value)| (key, value)).chain(named).collect()
}
