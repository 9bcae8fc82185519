//! Rendering templated values the way Backstage's scaffolder does (docs/backstage-behaviour.md,
//! "Template engine").
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
use std::hash::BuildHasherDefault;
use std::rc::Rc;

use serde_json::Value as Json;

use crate::engine::eval::{ErrorKind, EvalError, EvalOptions, Evaluator, Extensions, Limits, Output};
use crate::engine::value::{utf16_len, Entries, Value};
use crate::engine::{ast, methods, walk, ParseOptions};

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
    /// Values never to show in an error message, besides the context's `secrets` ([`secrets`]).
    pub secrets: Vec<String>,
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
        match &Value::from_json(json) {
            Value::Object(entries) => Context { entries: (**entries).clone() },
            _ => Context::default(),
        }
    }

    /// The top-level names of JSON text (an object; anything else gives an empty context).
    pub fn from_json_text(text: &str) -> Result<Context, String> {
        match crate::engine::json::parse(text).as_mut() {
            Ok(Value::Object(entries)) => {
                let entries = std::mem::take(entries);
                Ok(Context { entries: Rc::try_unwrap(entries).unwrap_or_else(|shared| (*shared).clone()) })
            }
            Ok(_) => Ok(Context::default()),
            Err(e) => Err(crate::engine::json::read_error("the context", e)),
        }
    }

    /// A copy with `path` (dot-separated) set to `value`, like Nunjitsu's `withValue`.
    pub fn with_value(&self, path: &[&str], value: &Json) -> Context {
        let mut entries = self.entries.clone();
        set_path(&mut entries, path, Value::from_json(value));
        Context { entries }
    }

    /// [`with_value`](Context::with_value) in place: the records on `path` are changed where this
    /// context is their only owner, so a dry-run adding one step output after another does not
    /// copy every earlier output each time. Returns false when a record was shared with another
    /// context and had to be copied.
    pub fn set_value(&mut self, path: &[&str], value: &Json) -> bool {
        set_path_in_place(&mut self.entries, path, Value::from_json(value), true)
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
        _ => Entries::default(),
    };
    set_path(&mut inner, rest, value);
    entries.insert((*first).into(), Value::object(inner));
}

/// `set_path` without copying records this context owns alone. Records below the top keep
/// JavaScript's key order, as [`Value::object`] gives them: only a new array-index key moves others.
fn set_path_in_place(entries: &mut Entries, path: &[&str], value: Value, top: bool) -> bool {
    let Some((first, rest)) = path.split_first() else { return true };
    let added_index_key = !top && !entries.contains_key(*first) && crate::engine::value::array_index(first).is_some();
    let in_place = match entries.get_mut(*first) {
        Some(Value::Object(existing)) if !rest.is_empty() => {
            let unshared = Rc::get_mut(existing).is_some();
            set_path_in_place(Rc::make_mut(existing), rest, value, false) && unshared
        }
        _ if rest.is_empty() => {
            entries.insert((*first).into(), value);
            true
        }
        _ => {
            let mut inner = Entries::default();
            set_path(&mut inner, rest, value);
            entries.insert((*first).into(), Value::object(inner));
            true
        }
    };
    if added_index_key {
        *entries = crate::engine::value::js_key_order(std::mem::take(entries));
    }
    in_place
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
    entries: HashMap<Box<str>, [Option<Rc<Parsed>>; 8], BuildHasherDefault<crate::engine::value::Fnv>>,
}

/// A parsed template and whether it calls a mutating method (then it renders on its own copy
/// of the context).
struct Parsed {
    template: ast::Template,
    mutates: bool,
}

const CACHED_SOURCE_BYTES: usize = 16 * 1024;
const CACHED_TEMPLATES: usize = 4096;

thread_local! {
    static PARSED: RefCell<ParseCache> = RefCell::new(ParseCache { entries: HashMap::default() });
}

fn parse_key(options: &RenderOptions) -> u8 {
    u8::from(options.cookiecutter_compat) | u8::from(options.trim_blocks) << 1 | u8::from(options.lstrip_blocks) << 2
}

/// Text without any tag opener or `#}`: it renders to itself (no need to parse it).
fn is_plain(source: &str) -> bool {
    let bytes = source.as_bytes();
    !bytes.iter().enumerate().any(|(i, b)| *b == b'{' || (*b == b'#' && bytes.get(i + 1) == Some(&b'}')))
}

/// Parses `source` with the options' delimiters and whitespace rules (cached), within the
/// options' source-length limit.
fn parse(source: &str, options: &RenderOptions) -> Result<Rc<Parsed>, RenderError> {
    // Before the cache: a template cached for a renderer with a larger limit is still refused.
    check_source_length(source, options)?;
    parse_any_length(source, options)
}

/// [`parse`] without the source-length limit (compiled inputs check it when they render).
fn parse_any_length(source: &str, options: &RenderOptions) -> Result<Rc<Parsed>, RenderError> {
    let cacheable = source.len() <= CACHED_SOURCE_BYTES;
    let key = parse_key(options);
    if cacheable {
        let hit = PARSED.with(|cache| cache.borrow().entries.get(source).and_then(|slots| slots[key as usize].clone()));
        if let Some(template) = hit {
            return Ok(template);
        }
    }
    let template = Rc::new(Parsed { template: parse_uncached(source, options)?, mutates: may_mutate(source) });
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

/// Runs `run` with an evaluator of `source`, parsed, over `context`: the context's own copy when
/// the template mutates arrays. Errors are located in `source`.
fn with_evaluator<T>(
    parsed: &Parsed,
    source: &str,
    context: &Context,
    options: &RenderOptions,
    extensions: &Extensions,
    run: impl for<'t, 'e> FnOnce(&mut Evaluator<'t, 'e>, &'t [ast::Node]) -> Result<T, EvalError>,
) -> Result<T, RenderError> {
    let isolated;
    let context = if parsed.mutates {
        isolated = context.isolated();
        &isolated
    } else {
        context
    };
    let eval_options = eval_options(options);
    let _walks = walk::Metered::start();
    let mut evaluator = Evaluator::new(&context.entries, &eval_options, extensions);
    run(&mut evaluator, &parsed.template.body).map_err(|e| {
        let mut error = located(e, source);
        error.message = secrets::redact(&error.message, context.entries.get("secrets"), &options.secrets);
        error
    })
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
    with_evaluator(&*parse(source, options)?, source, context, options, extensions, |evaluator, body| {
        let mut out = Output { text: String::new(), json: None };
        evaluator.render(body, &mut out)?;
        Ok(out.text)
    })
}

/// Nunjitsu's `renderValue(source, context, {coercion: 'json'})`; `None` is `undefined`.
pub fn render_value(
    source: &str,
    context: &Context,
    options: &RenderOptions,
    extensions: &Extensions,
) -> Result<Option<Json>, RenderError> {
    Ok(render_value_raw(source, context, options, extensions)?.and_then(|v| v.to_json()))
}

/// [`render_value`] as a template value: what `JSON.parse(JSON.stringify(result))` gives is
/// the value's JSON form (`filters::write_json`, `Value::to_json`); `None` is `undefined`.
pub fn render_value_raw(
    source: &str,
    context: &Context,
    options: &RenderOptions,
    extensions: &Extensions,
) -> Result<Option<Value>, RenderError> {
    if is_plain(source) {
        check_source_length(source, options)?;
        return Ok((!source.is_empty()).then(|| Value::str(source)));
    }
    value_of_parsed(&*parse(source, options)?, source, context, options, extensions)
}

/// [`render_value_raw`] of a template already parsed.
fn value_of_parsed(
    parsed: &Parsed,
    source: &str,
    context: &Context,
    options: &RenderOptions,
    extensions: &Extensions,
) -> Result<Option<Value>, RenderError> {
    with_evaluator(parsed, source, context, options, extensions, |evaluator, body| {
        // A lone `${{ expr }}`: the value itself, without JSON text in between.
        if let [ast::Node { kind: ast::NodeKind::Output(expr), range }] = body {
            let value = evaluator.eval_top(expr)?;
            evaluator.check_printable(&value).map_err(|e| EvalError { range: *range, ..e })?;
            return Ok((!value.is_undefined()).then_some(value));
        }
        // One root node that is not plain text: outputs are also collected JSON-encoded.
        let json_mode = body.len() == 1 && !matches!(body[0].kind, ast::NodeKind::Data(_));
        let mut out = Output { text: String::new(), json: json_mode.then(String::new) };
        evaluator.render(body, &mut out)?;
        let Output { text, json } = out;
        if let Some(encoded) = json {
            if encoded.is_empty() {
                return Ok(None);
            }
            if let Ok(decoded) = crate::engine::json::parse(&encoded) {
                return Ok(Some(decoded));
            }
        }
        Ok(if text.is_empty() { None } else { Some(Value::str(text)) })
    })
}

/// [`render_input`] from and to JSON text, without building JSON trees: the input compiled
/// once per text (`compiled.rs`: templates parsed, the rest kept as the JSON it is written
/// as), then each template evaluated and the output written as it goes. `Ok(None)` is an
/// input that renders to `undefined`.
pub fn render_input_text(
    input_json: &str,
    context: &Context,
    options: &RenderOptions,
    extensions: &Extensions,
) -> Result<Option<String>, RenderError> {
    compiled::render_input_text(input_json, context, options, extensions)
}

/// Nunjitsu's `renderValue` without coercion: a lone `${{ expr }}` gives the expression's value
/// (as a template value, for truthiness tests such as `when`); anything else renders to text.
pub fn render_native(
    source: &str,
    context: &Context,
    options: &RenderOptions,
    extensions: &Extensions,
) -> Result<Value, RenderError> {
    with_evaluator(&*parse(source, options)?, source, context, options, extensions, |evaluator, body| {
        if let [ast::Node { kind: ast::NodeKind::Output(expr), range }] = body {
            let value = evaluator.eval_top(expr)?;
            evaluator.check_walkable(&value).map_err(|e| EvalError { range: *range, ..e })?;
            // The value leaves the renderer as plain data: a safe string is a string again.
            return match &value {
                Value::Safe(text) => Ok(Value::Str(text.clone())),
                _ => Ok(value),
            };
        }
        let mut out = Output { text: String::new(), json: None };
        evaluator.render(body, &mut out)?;
        Ok(Value::str(out.text))
    })
}

/// Renders every string leaf of a step input (`None` when the whole input is `undefined`): the
/// JSON-text walk of [`render_input_text`], for callers holding a JSON tree.
pub fn render_input(
    input: &Json,
    context: &Context,
    options: &RenderOptions,
    extensions: &Extensions,
) -> Result<Option<Json>, RenderError> {
    let rendered = render_input_text(&input.to_string(), context, options, extensions)?;
    // The walk writes valid JSON; reading it back cannot fail.
    Ok(rendered.and_then(|text| serde_json::from_str(&text).ok()))
}

#[doc(hidden)]
pub mod bench;
mod compiled;
pub mod secrets;

pub use compiled::cached_inputs;

#[cfg(test)]
mod tests;
