//! Whole step inputs ([`render_input_text`](super::render_input_text)), compiled once per JSON
//! text.
//!
//! A scaffolder backend renders the same step inputs for every task of a template, with a new
//! context each time. Compiling an input once — its JSON read, every string with template syntax
//! parsed, everything else (keys, scalars, plain strings, whole subtrees without templates)
//! turned into the JSON text it is written as — leaves a render only the templates to evaluate
//! and text to copy. Compiled inputs are kept by their text and reading options in a bounded
//! cache that forgets the least recently used half when it is full ([`CACHED_INPUTS`],
//! [`CACHED_INPUT_BYTES`]; an input longer than [`CACHED_INPUT_LEN`] is not kept).

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use super::{
    parse_any_length, parse_key, render_value_raw, value_of_parsed, Context, Parsed, RenderError, RenderOptions,
    CACHED_SOURCE_BYTES,
};
use crate::engine::eval::{ErrorKind, Extensions};
use crate::engine::filters::{write_json, write_json_string};
use crate::engine::json::Input;
use crate::engine::value::Value;

/// Compiled inputs kept at most (all reading options together).
pub const CACHED_INPUTS: usize = 2048;
/// Bytes of input text kept at most; the compiled forms take a small multiple of it.
pub const CACHED_INPUT_BYTES: usize = 4 * 1024 * 1024;
/// Longer inputs are rendered without being kept.
pub const CACHED_INPUT_LEN: usize = 64 * 1024;

/// Renders a step input from JSON text to JSON text; `Ok(None)` when it renders to `undefined`.
pub(super) fn render_input_text(
    input_json: &str,
    context: &Context,
    options: &RenderOptions,
    extensions: &Extensions,
) -> Result<Option<String>, RenderError> {
    let compiled = compiled(input_json, options)?;
    let leaf_by_leaf;
    let input = if compiled.longest_leaf <= options.limits.source_code_units {
        &*compiled
    } else {
        // A string longer than the source limit: each string rendered on its own, so each is
        // checked against the limit (and refused) as a render of it alone would be.
        leaf_by_leaf = CompiledInput::compile(&read(input_json)?, options, Strings::LeafByLeaf);
        &leaf_by_leaf
    };
    let mut out = String::with_capacity(input_json.len());
    let written = render_part(&input.root, context, options, extensions, &mut Vec::new(), &mut out)?;
    Ok(written.then_some(out))
}

fn read(input_json: &str) -> Result<Input, RenderError> {
    serde_json::from_str(input_json).map_err(|e| RenderError {
        kind: if crate::engine::json::is_too_deep(&e) { ErrorKind::Limit } else { ErrorKind::Evaluation },
        message: crate::engine::json::read_error("the input", &e),
        line: 1,
        column: 1,
        end_line: 1,
        end_column: 1,
        pointer: None,
    })
}

/// A step input ready to render.
struct CompiledInput {
    root: Part,
    /// Bytes of the longest string leaf: a renderer whose source limit is below it renders the
    /// input [`Strings::LeafByLeaf`], which checks every string against the limit.
    longest_leaf: usize,
}

/// How strings are compiled.
#[derive(Clone, Copy, PartialEq)]
enum Strings {
    /// Plain strings as their JSON text, templates parsed.
    Compiled,
    /// Every string rendered on its own with [`render_value_raw`] (source limit included).
    LeafByLeaf,
}

enum Part {
    /// JSON text written as is: a scalar, a string without template syntax, or an array or
    /// object with no template inside.
    Json(Box<str>),
    /// A string with template syntax: its source and its parsed form (or why it does not parse).
    /// Sources longer than the parse cache keeps are parsed when rendered (`None`).
    Template(Box<str>, Option<Result<Rc<Parsed>, RenderError>>),
    Array(Vec<Part>),
    /// Entries: the key (for error pointers), `"key":` as JSON, the value.
    Object(Vec<(Box<str>, Box<str>, Part)>),
}

impl CompiledInput {
    fn compile(input: &Input, options: &RenderOptions, strings: Strings) -> CompiledInput {
        let mut longest_leaf = 0;
        let root = compile_part(input, options, strings, &mut longest_leaf);
        CompiledInput { root, longest_leaf }
    }
}

fn compile_part(input: &Input, options: &RenderOptions, strings: Strings, longest_leaf: &mut usize) -> Part {
    match input {
        Input::Scalar(text) => Part::Json(text.as_str().into()),
        Input::Str(source) if strings == Strings::LeafByLeaf => Part::Template(source.as_str().into(), None),
        Input::Str(source) => {
            *longest_leaf = (*longest_leaf).max(source.len());
            // An empty string renders to `undefined` in Backstage (nunjitsu's `renderValue` with
            // JSON coercion), so it is not kept as written.
            if !source.is_empty() && super::is_plain(source) {
                let mut json = String::with_capacity(source.len() + 2);
                write_json_string(source, &mut json);
                return Part::Json(json.into());
            }
            let parsed = (source.len() <= CACHED_SOURCE_BYTES).then(|| parse_any_length(source, options));
            Part::Template(source.as_str().into(), parsed)
        }
        Input::Array(items) => {
            let parts: Vec<Part> =
                items.iter().map(|item| compile_part(item, options, strings, longest_leaf)).collect();
            if parts.iter().all(|part| matches!(part, Part::Json(_))) {
                let mut json = String::from("[");
                for (i, part) in parts.iter().enumerate() {
                    if i > 0 {
                        json.push(',');
                    }
                    json.push_str(json_of(part));
                }
                json.push(']');
                return Part::Json(json.into());
            }
            Part::Array(parts)
        }
        Input::Object(entries) => {
            let parts: Vec<(Box<str>, Box<str>, Part)> = entries
                .iter()
                .map(|(key, item)| {
                    let mut json_key = String::with_capacity(key.len() + 3);
                    write_json_string(key, &mut json_key);
                    json_key.push(':');
                    (key.as_str().into(), json_key.into(), compile_part(item, options, strings, longest_leaf))
                })
                .collect();
            if parts.iter().all(|(_, _, part)| matches!(part, Part::Json(_))) {
                let mut json = String::from("{");
                for (i, (_, key, part)) in parts.iter().enumerate() {
                    if i > 0 {
                        json.push(',');
                    }
                    json.push_str(key);
                    json.push_str(json_of(part));
                }
                json.push('}');
                return Part::Json(json.into());
            }
            Part::Object(parts)
        }
    }
}

fn json_of(part: &Part) -> &str {
    match part {
        Part::Json(json) => json,
        _ => unreachable!("only called on JSON parts"),
    }
}

fn render_part<'a>(
    part: &'a Part,
    context: &Context,
    options: &RenderOptions,
    extensions: &Extensions,
    path: &mut Vec<Step<'a>>,
    out: &mut String,
) -> Result<bool, RenderError> {
    match part {
        Part::Json(json) => {
            out.push_str(json);
            Ok(true)
        }
        Part::Template(source, parsed) => {
            let value = match parsed {
                Some(Ok(parsed)) => value_of_parsed(parsed, source, context, options, extensions),
                Some(Err(error)) => Err(error.clone()),
                None => render_value_raw(source, context, options, extensions),
            };
            write_leaf(value, source, options, path, out)
        }
        Part::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                path.push(Step::Index(i));
                // An `undefined` item leaves a hole, which JSON writes as null.
                if !render_part(item, context, options, extensions, path, out)? {
                    out.push_str("null");
                }
                path.pop();
            }
            out.push(']');
            Ok(true)
        }
        Part::Object(entries) => {
            out.push('{');
            let mut first = true;
            for (key, json_key, item) in entries {
                let mark = out.len();
                if !first {
                    out.push(',');
                }
                out.push_str(json_key);
                path.push(Step::Key(key));
                let written = render_part(item, context, options, extensions, path, out)?;
                path.pop();
                if written {
                    first = false;
                } else {
                    // `undefined` deletes the key.
                    out.truncate(mark);
                }
            }
            out.push('}');
            Ok(true)
        }
    }
}

/// Writes a rendered string leaf as JSON; false (nothing written) for `undefined`. A failure
/// keeps the raw string under `backstage_compat`, else it is the error, at the leaf's pointer.
fn write_leaf(
    rendered: Result<Option<Value>, RenderError>,
    source: &str,
    options: &RenderOptions,
    path: &[Step],
    out: &mut String,
) -> Result<bool, RenderError> {
    match rendered {
        Ok(Some(value)) => Ok(write_json(&value, "", 0, out)),
        Ok(None) => Ok(false),
        Err(_) if options.backstage_compat => {
            write_json_string(source, out);
            Ok(true)
        }
        Err(mut error) => {
            error.pointer = Some(pointer(path));
            Err(error)
        }
    }
}

/// One step from a container to a child, kept cheap; the JSON pointer is built on error only.
enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

fn pointer(path: &[Step]) -> String {
    if path.is_empty() {
        return "/".into();
    }
    let mut out = String::new();
    for step in path {
        out.push('/');
        match step {
            Step::Key(key) => out.push_str(&key.replace('~', "~0").replace('/', "~1")),
            Step::Index(i) => out.push_str(&i.to_string()),
        }
    }
    out
}

/// The compiled inputs, per reading options ([`parse_key`]), by JSON text.
#[derive(Default)]
struct InputCache {
    maps: [HashMap<Box<str>, Entry, foldhash::fast::RandomState>; 8],
    entries: usize,
    bytes: usize,
    /// Counts lookups; an entry remembers the count of its last use.
    clock: u64,
}

struct Entry {
    input: Rc<CompiledInput>,
    used: u64,
}

impl InputCache {
    /// Forgets the least recently used half of the entries.
    fn evict(&mut self) {
        let mut uses: Vec<u64> = self.maps.iter().flat_map(|map| map.values().map(|entry| entry.used)).collect();
        if uses.is_empty() {
            return;
        }
        let middle = uses.len() / 2;
        let (_, threshold, _) = uses.select_nth_unstable(middle);
        let threshold = *threshold;
        let (mut entries, mut bytes) = (0, 0);
        for map in &mut self.maps {
            map.retain(|_, entry| entry.used > threshold);
            entries += map.len();
            bytes += map.keys().map(|text| text.len()).sum::<usize>();
        }
        self.entries = entries;
        self.bytes = bytes;
    }
}

thread_local! {
    static INPUTS: RefCell<InputCache> = RefCell::new(InputCache::default());
}

/// The compiled form of `input_json` for `options`' reading of templates, from the cache or
/// compiled now.
fn compiled(input_json: &str, options: &RenderOptions) -> Result<Rc<CompiledInput>, RenderError> {
    let key = parse_key(options) as usize;
    let hit = INPUTS.with(|cache| {
        let mut cache = cache.borrow_mut();
        cache.clock += 1;
        let clock = cache.clock;
        cache.maps[key].get_mut(input_json).map(|entry| {
            entry.used = clock;
            entry.input.clone()
        })
    });
    if let Some(hit) = hit {
        return Ok(hit);
    }
    let compiled = Rc::new(CompiledInput::compile(&read(input_json)?, options, Strings::Compiled));
    if input_json.len() <= CACHED_INPUT_LEN {
        INPUTS.with(|cache| {
            let mut cache = cache.borrow_mut();
            while cache.entries > 0
                && (cache.entries >= CACHED_INPUTS || cache.bytes + input_json.len() > CACHED_INPUT_BYTES)
            {
                cache.evict();
            }
            let used = cache.clock;
            cache.maps[key].insert(input_json.into(), Entry { input: compiled.clone(), used });
            cache.entries += 1;
            cache.bytes += input_json.len();
        });
    }
    Ok(compiled)
}

/// How many compiled inputs are kept and their bytes of JSON text (for tests and the soak).
pub fn cached_inputs() -> (usize, usize) {
    INPUTS.with(|cache| {
        let cache = cache.borrow();
        (cache.entries, cache.bytes)
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::{render_string, Context, RenderOptions};
    use super::*;
    use crate::engine::backstage;

    /// Every string rendered on its own with `render_value_raw`, as before inputs were compiled.
    fn leaf_by_leaf(
        input: &str,
        context: &Context,
        options: &RenderOptions,
        extensions: &Extensions,
    ) -> Result<Option<String>, RenderError> {
        let input = CompiledInput::compile(&read(input)?, options, Strings::LeafByLeaf);
        let mut out = String::new();
        Ok(render_part(&input.root, context, options, extensions, &mut Vec::new(), &mut out)?.then_some(out))
    }

    fn both(input: &str, context: &Context, options: &RenderOptions) -> Result<Option<String>, RenderError> {
        let extensions = backstage::extensions(backstage::default_integrations());
        let walked = leaf_by_leaf(input, context, options, &extensions);
        // Twice: compiled now, then from the cache.
        for _ in 0..2 {
            assert_eq!(render_input_text(input, context, options, &extensions), walked, "{input}");
        }
        walked
    }

    /// The compiled form renders exactly as every string rendered on its own: kept JSON, types, `undefined`
    /// deleting keys and leaving holes, failures with their pointer or kept raw in compat mode.
    #[test]
    fn compiled_inputs_render_as_the_walk_does() {
        let context = Context::from_json(&json!({
            "parameters": {"name": "svc", "n": 3, "tags": ["a", "b"], "repoUrl": "github.com?owner=o&repo=r"},
            "steps": {"s": {"output": {"url": "https://x"}}},
        }));
        let inputs = [
            json!("${{ parameters.name }}"),
            json!("plain \"quoted\" \\ text\n"),
            json!({"a": 1, "b": [true, null, 1.5, "x"], "c": {"d": "e"}, "k\u{e9}": {}}),
            json!({"name": "${{ parameters.name }}", "n": "${{ parameters.n }}", "fixed": {"x": [1, 2]}}),
            json!({"gone": "${{ parameters.missing }}", "kept": "x", "also": "${{ parameters.missing }}"}),
            json!(["${{ parameters.missing }}", "${{ parameters.tags }}", "{% if true %}{\"a\": 1}{% endif %}"]),
            json!({"repo": "${{ parameters.repoUrl | parseRepoUrl }}", "url": "${{ steps.s.output.url }}/x"}),
            json!({"bad": {"deep": ["ok", "${{ parameters.name | nosuchfilter }}"]}}),
            json!({"syntax": "${{ parameters.name", "after": "${{ parameters.n }}"}),
            json!({"a/b~c": "${{ 1 + }}"}),
            json!(42),
            json!(null),
            json!("${{ parameters.missing }}"),
            json!(""),
            json!({"empty": "", "list": ["", "x"], "kept": "y"}),
        ];
        let strict = RenderOptions::default();
        let compat = RenderOptions { backstage_compat: true, ..RenderOptions::default() };
        for input in &inputs {
            both(&input.to_string(), &context, &strict).ok();
            both(&input.to_string(), &context, &compat).unwrap();
        }
        let error = both(r#"{"bad": {"deep": ["ok", "${{ 1 + }}"]}}"#, &context, &strict).unwrap_err();
        assert_eq!(error.pointer.as_deref(), Some("/bad/deep/1"));
        let error = both(r#"{"a/b~c": "${{ x | nosuchfilter }}"}"#, &context, &strict).unwrap_err();
        assert_eq!(error.pointer.as_deref(), Some("/a~1b~0c"));
        // An empty string is `undefined`: a deleted key, a hole, nothing at the top.
        let rendered = both(r#"{"empty": "", "list": ["", "x"], "kept": "y"}"#, &context, &strict).unwrap();
        assert_eq!(rendered.as_deref(), Some(r#"{"list":[null,"x"],"kept":"y"}"#));
        assert_eq!(both("\"\"", &context, &strict).unwrap(), None);
        // Duplicate keys: the last value at the first place, as JSON.parse.
        let rendered =
            both(r#"{"a": "1", "b": "${{ parameters.n }}", "a": "${{ parameters.name }}"}"#, &context, &strict);
        assert_eq!(rendered.unwrap().as_deref(), Some(r#"{"a":"svc","b":3}"#));
        // Not JSON: the walk's error.
        let error = both("{", &context, &strict).unwrap_err();
        assert!(error.message.contains("not valid JSON"), "{}", error.message);
    }

    /// A compiled input whose strings are longer than another renderer's source limit is refused
    /// by that renderer, as the uncompiled walk refuses it, with the leaf's pointer.
    #[test]
    fn the_source_limit_holds_for_compiled_inputs() {
        let context = Context::from_json(&json!({"x": "y"}));
        let input = r#"{"long": "${{ x }} and some more text", "plain": "short"}"#;
        let extensions = Extensions::default();
        let roomy = RenderOptions::default();
        assert!(render_input_text(input, &context, &roomy, &extensions).is_ok());
        let mut tight = RenderOptions::default();
        tight.limits.source_code_units = 10;
        let error = render_input_text(input, &context, &tight, &extensions).unwrap_err();
        assert_eq!((error.kind, error.pointer.as_deref()), (crate::engine::eval::ErrorKind::Limit, Some("/long")));
    }

    /// A template parsed for a renderer with a large source limit is still refused by one with
    /// a smaller limit (the parse cache used to answer before the limit was checked).
    #[test]
    fn the_parse_cache_does_not_bypass_the_source_limit() {
        let context = Context::from_json(&json!({"x": "y"}));
        let source = "${{ x }} is longer than ten";
        let extensions = Extensions::default();
        assert!(render_string(source, &context, &RenderOptions::default(), &extensions).is_ok());
        let mut tight = RenderOptions::default();
        tight.limits.source_code_units = 10;
        let error = render_string(source, &context, &tight, &extensions).unwrap_err();
        assert_eq!(error.kind, crate::engine::eval::ErrorKind::Limit);
    }

    /// However many distinct inputs are rendered, the cache keeps at most its bounds, and the
    /// most recently used inputs stay.
    #[test]
    fn the_cache_stays_within_its_bounds() {
        let context = Context::from_json(&json!({"n": 1}));
        let extensions = Extensions::default();
        let options = RenderOptions::default();
        let padding = "p".repeat(3000);
        let hot = r#"{"hot": "${{ n }}"}"#;
        for i in 0..(CACHED_INPUTS * 2) {
            let input = format!(r#"{{"i": "${{{{ n + {i} }}}}", "pad": "{padding}"}}"#);
            render_input_text(&input, &context, &options, &extensions).unwrap();
            render_input_text(hot, &context, &options, &extensions).unwrap();
            let (entries, bytes) = cached_inputs();
            assert!(entries <= CACHED_INPUTS && bytes <= CACHED_INPUT_BYTES, "{entries} entries, {bytes} bytes");
        }
        let found = INPUTS.with(|cache| cache.borrow().maps[parse_key(&options) as usize].contains_key(hot));
        assert!(found, "the input used most recently is kept");
        // Inputs over the length bound are rendered, not kept.
        let before = cached_inputs();
        let big = format!(r#"{{"big": "{}${{{{ n }}}}"}}"#, "b".repeat(CACHED_INPUT_LEN));
        assert!(render_input_text(&big, &context, &options, &extensions).unwrap().is_some());
        assert_eq!(cached_inputs().0, before.0);
    }
}
