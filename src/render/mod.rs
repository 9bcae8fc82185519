//! Rendering templated values the way Backstage's scaffolder does (spec §3.3).
//!
//! * [`render_string`]: a template to text.
//! * [`render_value`]: Nunjitsu's `renderValue(…, {coercion: 'json'})`: a lone `${{ }}` keeps its
//!   type, a lone block is JSON-decoded when its output is JSON, anything else is text, and an
//!   empty result is `undefined` (`None`).
//! * [`render_input`]: a whole step input: every string leaf rendered with `render_value`,
//!   `undefined` deleting its key. Where Backstage silently keeps a string whose rendering failed,
//!   Trellis reports the error with its position, unless [`RenderOptions::backstage_compat`].

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use serde_json::Value as Json;

use crate::engine::eval::{ErrorKind, EvalError, EvalOptions, Evaluator, Extensions, Limits, Output};
use crate::engine::value::{utf16_len, Entries, Value};
use crate::engine::{ast, methods, ParseOptions};

/// How templates are read and run.
#[derive(Clone, Default)]
pub struct RenderOptions {
    pub cookiecutter_compat: bool,
    pub trim_blocks: bool,
    pub lstrip_blocks: bool,
    /// Undefined names and lookups on undefined are errors.
    pub strict: bool,
    pub limits: Limits,
    /// `renderInput` keeps a string whose rendering failed, as Backstage does, instead of failing.
    pub backstage_compat: bool,
    /// Refuse regular-expression execution (Nunjitsu's default renderer, used for `when`).
    pub no_regex_execution: bool,
}

/// A render failure located in the template text (1-based line and column).
#[derive(Debug, Clone, PartialEq)]
pub struct RenderError {
    pub kind: ErrorKind,
    pub message: String,
    pub line: u32,
    pub column: u32,
    pub end_line: u32,
    pub end_column: u32,
    /// For `render_input`: the JSON pointer of the failing string in the input.
    pub pointer: Option<String>,
}

impl std::fmt::Display for RenderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let at = match &self.pointer {
            Some(p) => format!("{p}: "),
            None => String::new(),
        };
        write!(f, "{at}{} at line {}, column {}", self.message, self.line, self.column)
    }
}

/// A render context converted once and reused for many renders (Nunjitsu's `prepareContext`).
#[derive(Clone, Default)]
pub struct Context {
    entries: Entries,
}

impl Context {
    /// The top-level names of a JSON object (anything else gives an empty context).
    pub fn from_json(json: &Json) -> Context {
        match Value::from_json(json) {
            Value::Object(entries) => Context { entries: (*entries).clone() },
            _ => Context::default(),
        }
    }

    /// A copy with `path` (dot-separated) set to `value`, like Nunjitsu's `withValue`.
    pub fn with_value(&self, path: &[&str], value: &Json) -> Context {
        let mut entries = self.entries.clone();
        set_path(&mut entries, path, Value::from_json(value));
        Context { entries }
    }

    /// Deep copy of arrays, so a template calling `push`/`pop` cannot change a shared context.
    fn isolated(&self) -> Context {
        Context { entries: self.entries.iter().map(|(k, v)| (k.clone(), deep_copy(v))).collect() }
    }
}

fn set_path(entries: &mut Entries, path: &[&str], value: Value) {
    let Some((first, rest)) = path.split_first() else { return };
    if rest.is_empty() {
        entries.insert((*first).into(), value);
        return;
    }
    let mut inner = match entries.get(*first) {
        Some(Value::Object(existing)) => (**existing).clone(),
        _ => Entries::new(),
    };
    set_path(&mut inner, rest, value);
    entries.insert((*first).into(), Value::object(inner));
}

fn deep_copy(value: &Value) -> Value {
    match value {
        Value::Array(items) => Value::array(items.borrow().iter().map(deep_copy).collect()),
        Value::Object(entries) => Value::object(entries.iter().map(|(k, v)| (k.clone(), deep_copy(v))).collect()),
        other => other.clone(),
    }
}

/// Parsed templates by source and reading options. A scaffolder renders the same template
/// strings for every task of a template, so each is parsed once per process, not per task.
/// Bounded: only sources up to 16 KiB are kept, and the cache starts over at 4096 entries.
struct ParseCache {
    /// Source → template per reading-options combination (`parse_key`).
    entries: HashMap<Box<str>, [Option<Rc<ast::Template>>; 8]>,
}

const CACHED_SOURCE_BYTES: usize = 16 * 1024;
const CACHED_TEMPLATES: usize = 4096;

thread_local! {
    static PARSED: RefCell<ParseCache> = RefCell::new(ParseCache { entries: HashMap::new() });
}

fn parse_key(options: &RenderOptions) -> u8 {
    u8::from(options.cookiecutter_compat) | u8::from(options.trim_blocks) << 1 | u8::from(options.lstrip_blocks) << 2
}

/// Text without any tag opener or `#}`: it renders to itself (no need to parse it).
fn is_plain(source: &str) -> bool {
    !source.contains('{') && !source.contains("#}")
}

/// Parses `source` with the options' delimiters and whitespace rules (cached).
fn parse(source: &str, options: &RenderOptions) -> Result<Rc<ast::Template>, RenderError> {
    let cacheable = source.len() <= CACHED_SOURCE_BYTES;
    let key = parse_key(options);
    if cacheable {
        let hit = PARSED.with(|cache| cache.borrow().entries.get(source).and_then(|slots| slots[key as usize].clone()));
        if let Some(template) = hit {
            return Ok(template);
        }
    }
    let template = Rc::new(parse_uncached(source, options)?);
    if cacheable {
        PARSED.with(|cache| {
            let mut cache = cache.borrow_mut();
            if cache.entries.len() >= CACHED_TEMPLATES {
                cache.entries.clear();
            }
            cache.entries.entry(Box::from(source)).or_default()[key as usize] = Some(template.clone());
        });
    }
    Ok(template)
}

fn check_source_length(source: &str, options: &RenderOptions) -> Result<(), RenderError> {
    // Bytes bound UTF-16 code units from above, so short sources skip the count.
    if source.len() <= options.limits.source_code_units {
        return Ok(());
    }
    let units = utf16_len(source);
    if units > options.limits.source_code_units {
        return Err(RenderError {
            kind: ErrorKind::Limit,
            message: format!(
                "the template is {units} characters long; the limit is {}",
                options.limits.source_code_units
            ),
            line: 1,
            column: 1,
            end_line: 1,
            end_column: 1,
            pointer: None,
        });
    }
    Ok(())
}

fn parse_uncached(source: &str, options: &RenderOptions) -> Result<ast::Template, RenderError> {
    check_source_length(source, options)?;
    let parse_options = ParseOptions {
        cookiecutter_compat: options.cookiecutter_compat,
        trim_blocks: options.trim_blocks,
        lstrip_blocks: options.lstrip_blocks,
    };
    crate::engine::parse(source, &parse_options).map_err(|e| {
        let span = e.locate(source);
        RenderError {
            kind: ErrorKind::Syntax,
            message: format!("template syntax error: {}", e.message),
            line: span.line,
            column: span.column,
            end_line: span.end_line,
            end_column: span.end_column,
            pointer: None,
        }
    })
}

fn located(error: EvalError, source: &str) -> RenderError {
    let (start, end) = if error.range.0 == usize::MAX { (0, 0) } else { error.range };
    let (line, column) = crate::engine::position(source, start);
    let (end_line, end_column) = crate::engine::position(source, end.max(start));
    RenderError { kind: error.kind, message: error.message, line, column, end_line, end_column, pointer: None }
}

/// Whether a template may change arrays it reads (then it gets its own copy of the context):
/// a call of a mutating method, `.push(`, anywhere in the source. One pass over the dots.
fn may_mutate(source: &str) -> bool {
    source.match_indices('.').any(|(at, _)| {
        let rest = &source[at + 1..];
        let name_len = rest.bytes().take_while(|b| b.is_ascii_alphabetic()).count();
        methods::MUTATING.contains(&&rest[..name_len]) && rest[name_len..].trim_start().starts_with('(')
    })
}

fn eval_options(options: &RenderOptions) -> EvalOptions {
    EvalOptions {
        cookiecutter_compat: options.cookiecutter_compat,
        strict: options.strict,
        no_regex_execution: options.no_regex_execution,
        limits: options.limits,
    }
}

/// Renders `source` to text.
pub fn render_string(
    source: &str,
    context: &Context,
    options: &RenderOptions,
    extensions: &Extensions,
) -> Result<String, RenderError> {
    if is_plain(source) {
        check_source_length(source, options)?;
        return Ok(source.to_string());
    }
    let template = parse(source, options)?;
    let isolated;
    let context = if may_mutate(source) {
        isolated = context.isolated();
        &isolated
    } else {
        context
    };
    let eval_options = eval_options(options);
    let mut evaluator = Evaluator::new(&context.entries, &eval_options, extensions);
    let mut out = Output { text: String::new(), json: None };
    evaluator.render(&template.body, &mut out).map_err(|e| located(e, source))?;
    Ok(out.text)
}

/// Nunjitsu's `renderValue(source, context, {coercion: 'json'})`; `None` is `undefined`.
pub fn render_value(
    source: &str,
    context: &Context,
    options: &RenderOptions,
    extensions: &Extensions,
) -> Result<Option<Json>, RenderError> {
    if is_plain(source) {
        check_source_length(source, options)?;
        return Ok((!source.is_empty()).then(|| Json::String(source.to_string())));
    }
    let template = parse(source, options)?;
    let isolated;
    let context = if may_mutate(source) {
        isolated = context.isolated();
        &isolated
    } else {
        context
    };
    let eval_options = eval_options(options);
    let mut evaluator = Evaluator::new(&context.entries, &eval_options, extensions);
    // A lone `${{ expr }}`: JSON.parse(JSON.stringify(value)) without the text in between.
    if let [ast::Node { kind: ast::NodeKind::Output(expr), range }] = template.body.as_slice() {
        let value = evaluator.eval_top(expr).map_err(|e| located(e, source))?;
        evaluator.render_value(&value).map_err(|e| located(EvalError { range: *range, ..e }, source))?;
        return Ok(value.to_json());
    }
    // One root node that is not plain text: outputs are also collected JSON-encoded.
    let json_mode = template.body.len() == 1 && !matches!(template.body[0].kind, ast::NodeKind::Data(_));
    let mut out = Output { text: String::new(), json: json_mode.then(String::new) };
    evaluator.render(&template.body, &mut out).map_err(|e| located(e, source))?;
    let Output { text, json } = out;
    if let Some(encoded) = json {
        if encoded.is_empty() {
            return Ok(None);
        }
        if let Ok(decoded) = serde_json::from_str::<Json>(&encoded) {
            // Through JavaScript numbers: `1.0` is `1`.
            return Ok(Value::from_json(&decoded).to_json());
        }
    }
    Ok(if text.is_empty() { None } else { Some(Json::String(text)) })
}

/// Nunjitsu's `renderValue` without coercion: a lone `${{ expr }}` gives the expression's value
/// (as a template value, for truthiness tests such as `when`); anything else renders to text.
pub fn render_native(
    source: &str,
    context: &Context,
    options: &RenderOptions,
    extensions: &Extensions,
) -> Result<Value, RenderError> {
    let template = parse(source, options)?;
    let isolated;
    let context = if may_mutate(source) {
        isolated = context.isolated();
        &isolated
    } else {
        context
    };
    let eval_options = eval_options(options);
    let mut evaluator = Evaluator::new(&context.entries, &eval_options, extensions);
    if let [ast::Node { kind: ast::NodeKind::Output(expr), .. }] = template.body.as_slice() {
        // The value leaves the renderer as plain data: a safe string is a string again.
        return match evaluator.eval_top(expr).map_err(|e| located(e, source))? {
            Value::Safe(text) => Ok(Value::Str(text)),
            other => Ok(other),
        };
    }
    let mut out = Output { text: String::new(), json: None };
    evaluator.render(&template.body, &mut out).map_err(|e| located(e, source))?;
    Ok(Value::str(out.text))
}

/// Renders every string leaf of a step input (`None` when the whole input is `undefined`).
pub fn render_input(
    input: &Json,
    context: &Context,
    options: &RenderOptions,
    extensions: &Extensions,
) -> Result<Option<Json>, RenderError> {
    let mut pointer = String::new();
    walk(input, context, options, extensions, &mut pointer)
}

fn walk(
    input: &Json,
    context: &Context,
    options: &RenderOptions,
    extensions: &Extensions,
    pointer: &mut String,
) -> Result<Option<Json>, RenderError> {
    Ok(match input {
        Json::String(source) => match render_value(source, context, options, extensions) {
            Ok(value) => value,
            Err(_) if options.backstage_compat => Some(input.clone()),
            Err(mut error) => {
                error.pointer = Some(if pointer.is_empty() { "/".into() } else { pointer.clone() });
                return Err(error);
            }
        },
        Json::Array(items) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                let len = pointer.len();
                pointer.push_str(&format!("/{i}"));
                out.push(walk(item, context, options, extensions, pointer)?.unwrap_or(Json::Null));
                pointer.truncate(len);
            }
            Some(Json::Array(out))
        }
        Json::Object(map) => {
            let mut out = serde_json::Map::with_capacity(map.len());
            for (key, item) in map {
                let len = pointer.len();
                pointer.push('/');
                pointer.push_str(&key.replace('~', "~0").replace('/', "~1"));
                if let Some(value) = walk(item, context, options, extensions, pointer)? {
                    out.insert(key.clone(), value);
                }
                pointer.truncate(len);
            }
            Some(Json::Object(out))
        }
        other => Some(other.clone()),
    })
}

#[cfg(test)]
mod tests;
