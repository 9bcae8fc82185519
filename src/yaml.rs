//! YAML 1.2 text into JSON values, keeping where every node came from.
//!
//! Backstage loads templates with the npm `yaml` package (YAML 1.2 core schema); `saphyr`
//! follows the same schema (`yes` stays a string, `0o14` is a number) and gives every node a
//! span, so later stages can point diagnostics at the exact key or value in the file.

use std::collections::HashMap;

use saphyr::{MarkedYaml, Scalar, ScanError, YamlData, YamlLoader};
use saphyr_parser::{Event, Parser, SpannedEventReceiver};
use serde_json::{Map, Number, Value};

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

/// JSON pointer → source span, for one document.
#[derive(Debug, Default, Clone)]
pub struct SourceMap {
    nodes: HashMap<String, NodeSpan>,
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

/// YAML text to saphyr nodes: the event parser driven in a loop (its own `load` recurses per
/// level) into saphyr's loader (which bounds alias expansion: billion laughs fail), refusing
/// nesting deeper than [`MAX_DEPTH`].
fn load(source: &str) -> Result<Vec<MarkedYaml<'_>>, ScanError> {
    let mut loader: YamlLoader<'_, MarkedYaml<'_>> = YamlLoader::default();
    let mut depth = 0usize;
    for event in Parser::new_from_str(source) {
        let (event, span) = event?;
        match event {
            Event::SequenceStart(..) | Event::MappingStart(..) => {
                depth += 1;
                if depth > MAX_DEPTH {
                    let message = format!("the YAML nests deeper than {MAX_DEPTH} levels");
                    return Err(ScanError::new(span.start, message));
                }
            }
            Event::SequenceEnd | Event::MappingEnd => depth = depth.saturating_sub(1),
            _ => {}
        }
        loader.on_event(event, span);
        if let Some(error) = loader.error() {
            return Err(error.clone());
        }
    }
    Ok(loader.into_documents())
}

/// Largest YAML text read, in bytes (the renderer's source limit is the same 4 Mi). Templates
/// are a few KB; checking takes about a second per MB, so a bigger file is refused up front.
pub const MAX_SOURCE_BYTES: usize = 4 * 1024 * 1024;

/// Parses every document in `source`. `file` only labels error messages.
pub fn parse_documents(source: &str, file: Option<&str>) -> Result<Vec<Document>, TrellisError> {
    if source.len() > MAX_SOURCE_BYTES {
        let message = format!(
            "the file is {:.1} MB, more than the {} MB Trellis reads",
            source.len() as f64 / (1024.0 * 1024.0),
            MAX_SOURCE_BYTES / (1024 * 1024)
        );
        return Err(TrellisError::new("yaml-syntax", message).at(Some(Span::point(1, 1))).in_file(file));
    }
    let nodes = load(source).map_err(|error| {
        let marker = error.marker();
        TrellisError::new("yaml-syntax", format!("YAML syntax error: {}", error.info()))
            .at(Some(Span::point(marker.line() as u32, marker.col() as u32 + 1)))
            .in_file(file)
    })?;
    nodes
        .iter()
        .map(|node| {
            let mut map = SourceMap::default();
            let value = convert(node, String::new(), None, &mut map, file)?;
            Ok(Document { value, map })
        })
        .collect()
}

fn span_of(node: &MarkedYaml) -> Span {
    let start = node.span.start;
    let end = node.span.end;
    Span {
        line: start.line() as u32,
        column: start.col() as u32 + 1,
        end_line: end.line() as u32,
        end_column: end.col() as u32 + 1,
    }
}

fn convert(
    node: &MarkedYaml,
    pointer: String,
    key: Option<Span>,
    map: &mut SourceMap,
    file: Option<&str>,
) -> Result<Value, TrellisError> {
    let here = span_of(node);
    let chars = (node.span.start.index(), node.span.end.index());
    let value = match &node.data {
        YamlData::Value(scalar) => scalar_to_json(scalar),
        YamlData::Representation(text, _, _) => Value::String(text.to_string()),
        YamlData::Sequence(items) => {
            let mut out = Vec::with_capacity(items.len());
            for (index, item) in items.iter().enumerate() {
                out.push(convert(item, format!("{pointer}/{index}"), None, map, file)?);
            }
            Value::Array(out)
        }
        YamlData::Mapping(entries) => {
            let mut out = Map::with_capacity(entries.len());
            for (key_node, value_node) in entries {
                let name = key_to_string(key_node).ok_or_else(|| {
                    TrellisError::new(
                        "yaml-syntax",
                        "a mapping key must be a plain value (string, number, boolean or null)",
                    )
                    .at(Some(span_of(key_node)))
                    .in_file(file)
                })?;
                let child = format!("{pointer}/{}", escape_pointer_segment(&name));
                let converted = convert(value_node, child, Some(span_of(key_node)), map, file)?;
                out.insert(name, converted);
            }
            Value::Object(out)
        }
        YamlData::Tagged(_, inner) => return convert(inner, pointer, key, map, file),
        YamlData::Alias(_) | YamlData::BadValue => {
            return Err(TrellisError::new(
                "yaml-syntax",
                "this YAML node could not be read (an unresolved alias or an invalid value)",
            )
            .at(Some(here))
            .in_file(file))
        }
    };
    map.nodes.insert(pointer, NodeSpan { key, value: here, chars });
    Ok(value)
}

fn scalar_to_json(scalar: &Scalar) -> Value {
    match scalar {
        Scalar::Null => Value::Null,
        Scalar::Boolean(b) => Value::Bool(*b),
        Scalar::Integer(i) => Value::Number((*i).into()),
        // JSON has no NaN or infinity; JSON.stringify turns them into null as well.
        Scalar::FloatingPoint(f) => Number::from_f64(f.into_inner()).map_or(Value::Null, Value::Number),
        Scalar::String(s) => Value::String(s.to_string()),
    }
}

/// Mapping keys as JavaScript sees them after `yaml` parses them into an object.
fn key_to_string(node: &MarkedYaml) -> Option<String> {
    match &node.data {
        YamlData::Value(Scalar::String(s)) => Some(s.to_string()),
        YamlData::Value(Scalar::Integer(i)) => Some(i.to_string()),
        YamlData::Value(Scalar::FloatingPoint(f)) => Some(crate::jsfmt::number(f.into_inner())),
        YamlData::Value(Scalar::Boolean(b)) => Some(b.to_string()),
        YamlData::Value(Scalar::Null) => Some("null".to_string()),
        YamlData::Representation(text, _, _) => Some(text.to_string()),
        YamlData::Tagged(_, inner) => key_to_string(inner),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_nesting_and_alias_bombs_are_errors() {
        let deep = format!("{}x\n", "- ".repeat(10_000));
        let error = parse_documents(&deep, Some("t.yaml")).unwrap_err();
        assert_eq!(error.rule, "yaml-syntax");
        assert!(error.message.contains("nests deeper than 128 levels"), "{}", error.message);
        assert_eq!(error.span.map(|s| s.line), Some(1));
        assert!(parse_documents(&format!("{}x\n", "- ".repeat(MAX_DEPTH)), None).is_ok());

        let mut bomb = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for level in 1..10 {
            let refs = vec![format!("*a{}", level - 1); 9].join(", ");
            bomb.push_str(&format!("a{level}: &a{level} [{refs}]\n"));
        }
        let error = parse_documents(&bomb, None).unwrap_err();
        assert!(error.message.contains("alias expansion exceeded"), "{}", error.message);

        let huge = format!("a: '{}'\n", "x".repeat(MAX_SOURCE_BYTES));
        let error = parse_documents(&huge, None).unwrap_err();
        assert_eq!(error.message, "the file is 4.0 MB, more than the 4 MB Trellis reads");
    }

    #[test]
    fn keeps_yaml_1_2_scalars_and_spans() {
        let docs = parse_documents("a: yes\nb: 0o14\nc:\n  - x\n", None).unwrap();
        let doc = &docs[0];
        assert_eq!(doc.value, serde_json::json!({"a": "yes", "b": 12, "c": ["x"]}));
        let c0 = doc.map.get("/c/0").unwrap();
        assert_eq!((c0.value.line, c0.value.column), (4, 5));
        let b = doc.map.get("/b").unwrap();
        assert_eq!((b.key.unwrap().line, b.key.unwrap().column), (2, 1));
    }

    #[test]
    fn spans_count_characters_not_bytes() {
        let source = "é: ñ\nb: |\n  x ${{ y }}\n";
        let docs = parse_documents(source, None).unwrap();
        let b = docs[0].map.get("/b").unwrap();
        let chars: Vec<char> = source.chars().collect();
        let raw: String = chars[b.chars.0..b.chars.1].iter().collect();
        // Block scalars span their content, quoted ones include the quotes.
        assert_eq!(raw, "x ${{ y }}\n");
        let e = docs[0].map.get("/é").unwrap();
        assert_eq!((e.value.line, e.value.column), (1, 4));
    }

    #[test]
    fn syntax_error_has_line_and_column() {
        let error = parse_documents("a: [1, 2\nb: c\n", Some("t.yaml")).unwrap_err();
        assert_eq!(error.rule, "yaml-syntax");
        assert!(error.span.is_some());
        assert!(error.to_string().starts_with("t.yaml:"), "{error}");
    }

    #[test]
    fn locate_falls_back_to_the_closest_ancestor() {
        let docs = parse_documents("a:\n  b: 1\n", None).unwrap();
        let found = docs[0].map.locate("/a/b/c/d").unwrap();
        assert_eq!(found.value.line, 2);
    }
}
