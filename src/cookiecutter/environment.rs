//! The Jinja2 environment cookiecutter 2.7.1 renders with (`StrictEnvironment`:
//! `StrictUndefined`, `keep_trailing_newline=True`, `_jinja2_env_vars`, its built-in extensions
//! and the template's `_extensions`), on minijinja: auto-escaping off, Python's float printing,
//! `tojson` with sorted keys, `jsonify`, `slugify`, `random_ascii_string`, `uuid4`, `{% now %}`,
//! `%`, and bounds on every render.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use minijinja::machinery::{tokenize, Token};
use minijinja::syntax::SyntaxConfig;
use minijinja::value::{Kwargs, Rest, Value};
use minijinja::{AutoEscape, Environment, Error, ErrorKind, UndefinedBehavior};
use serde_json::{Map, Value as Json};

use super::preprocess::{self, Allowed, SourceMap};
use super::{clock, python, slugify, Options};

/// Why a template did not render, located in its original text.
#[derive(Debug)]
pub(super) struct Failure {
    /// The template the error is in (a file's name below the template directory) when it is not
    /// the string being rendered.
    pub template: Option<String>,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub code: &'static str,
    pub message: String,
    pub hint: Option<String>,
}

/// The extensions cookiecutter loads anyway, and the Jinja2 ones Trellis can honour.
pub const BUILT_IN_EXTENSIONS: &[&str] = &[
    "cookiecutter.extensions.JsonifyExtension",
    "cookiecutter.extensions.RandomStringExtension",
    "cookiecutter.extensions.SlugifyExtension",
    "cookiecutter.extensions.TimeExtension",
    "cookiecutter.extensions.UUIDExtension",
    // cookiecutter's TimeExtension is this package's, unchanged.
    "jinja2_time.TimeExtension",
    "jinja2.ext.loopcontrols",
    "jinja2.ext.do",
];

/// Template files by name: the template directory (`.`) first, then `../templates`.
pub(super) struct Sources {
    pub search: Vec<HashMap<String, Vec<u8>>>,
}

struct Loaded {
    original: String,
    map: SourceMap,
}

pub(super) struct Jinja {
    env: Environment<'static>,
    syntax: SyntaxConfig,
    allowed: Allowed,
    loaded: Arc<Mutex<HashMap<String, Loaded>>>,
}

/// splitmix64: random_ascii_string and uuid4 when seeded (renders reproducible for tests).
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        // Rejection keeps the choice uniform.
        let zone = u64::MAX - u64::MAX % n;
        loop {
            let x = self.next();
            if x < zone {
                return x % n;
            }
        }
    }
}

fn invalid(message: impl Into<String>) -> Error {
    Error::new(ErrorKind::InvalidOperation, message.into())
}

/// The Jinja2 settings `_jinja2_env_vars` may change, and the extensions `_extensions` lists.
fn settings(config: &Map<String, Json>) -> Result<(SyntaxConfig, Allowed), String> {
    let mut builder = SyntaxConfig::builder();
    let mut allowed = Allowed::default();
    let mut delimiters: HashMap<&str, String> = HashMap::new();
    if let Some(vars) = config.get("_jinja2_env_vars") {
        let vars = vars.as_object().ok_or("`_jinja2_env_vars` must be an object of Jinja2 Environment settings")?;
        for (key, value) in vars {
            let text =
                || value.as_str().map(str::to_string).ok_or(format!("`_jinja2_env_vars.{key}` must be a string"));
            match key.as_str() {
                "trim_blocks" => allowed.trim_blocks = truthy(value),
                "lstrip_blocks" => allowed.lstrip_blocks = truthy(value),
                "block_start_string" | "block_end_string" | "variable_start_string" | "variable_end_string"
                | "comment_start_string" | "comment_end_string" => {
                    delimiters.insert(key.as_str(), text()?);
                }
                "line_statement_prefix" => {
                    if !value.is_null() {
                        builder.line_statement_prefix(text()?);
                    }
                }
                "line_comment_prefix" => {
                    if !value.is_null() {
                        builder.line_comment_prefix(text()?);
                    }
                }
                "newline_sequence" if value.as_str() == Some("\n") => {}
                "autoescape" if !truthy(value) => {}
                "optimized" | "cache_size" | "auto_reload" | "enable_async" => {}
                "keep_trailing_newline" => {
                    return Err("__init__() got multiple values for keyword argument 'keep_trailing_newline' (cookiecutter sets it already)".into())
                }
                other => return Err(format!("`_jinja2_env_vars.{other}` is not supported by Trellis")),
            }
        }
    }
    let get = |key: &str, default: &str| delimiters.get(key).cloned().unwrap_or_else(|| default.to_string());
    builder.block_delimiters(get("block_start_string", "{%"), get("block_end_string", "%}"));
    builder.variable_delimiters(get("variable_start_string", "{{"), get("variable_end_string", "}}"));
    builder.comment_delimiters(get("comment_start_string", "{#"), get("comment_end_string", "#}"));
    builder.trim_blocks(allowed.trim_blocks).lstrip_blocks(allowed.lstrip_blocks).keep_trailing_newline(true);
    if let Some(extensions) = config.get("_extensions").and_then(Json::as_array) {
        for extension in extensions {
            let name = match extension {
                Json::String(s) => s.clone(),
                other => other.to_string(),
            };
            match name.as_str() {
                "jinja2.ext.loopcontrols" => allowed.loop_controls = true,
                "jinja2.ext.do" => allowed.do_statement = true,
                _ if BUILT_IN_EXTENSIONS.contains(&name.as_str()) => {}
                _ => {
                    return Err(format!(
                        "Unable to load extension: `{name}` is not supported: Trellis runs no Python, so a template's own Jinja2 extensions cannot load"
                    ))
                }
            }
        }
    }
    let syntax = builder.build().map_err(|e| format!("invalid `_jinja2_env_vars` delimiters: {e}"))?;
    Ok((syntax, allowed))
}

fn truthy(value: &Json) -> bool {
    match value {
        Json::Bool(b) => *b,
        Json::Null => false,
        Json::Number(n) => n.as_f64() != Some(0.0),
        Json::String(s) => !s.is_empty(),
        Json::Array(a) => !a.is_empty(),
        Json::Object(o) => !o.is_empty(),
    }
}

/// Jinja2's `split_template_path`: `.` and empty segments dropped, `..` refused.
fn template_key(name: &str) -> Option<String> {
    let mut parts = Vec::new();
    for part in name.split('/') {
        match part {
            "" | "." => {}
            ".." => return None,
            part => parts.push(part),
        }
    }
    Some(parts.join("/"))
}

impl Jinja {
    /// The environment for one render; an unsupported extension or setting is an error naming it.
    pub fn new(config: &Map<String, Json>, sources: Sources, options: &Options) -> Result<Jinja, String> {
        let (syntax, allowed) = settings(config)?;
        let clock = clock::parse_now(&options.now)?;
        let mut env = Environment::new();
        env.set_syntax(syntax.clone());
        // Spans are kept either way; debug mode would also copy sources and contexts into errors.
        env.set_debug(false);
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_auto_escape_callback(|_| AutoEscape::None);
        env.set_fuel(Some(options.limits.fuel));
        env.set_recursion_limit(options.limits.recursion);
        env.set_formatter(|out, state, value| match value.as_str() {
            None if value.kind() == minijinja::value::ValueKind::Number && !value.is_integer() => {
                write!(out, "{}", python::py_str(value)).map_err(|_| Error::from(ErrorKind::WriteFailure))
            }
            _ => minijinja::escape_formatter(out, state, value),
        });
        env.set_unknown_method_callback(python::unknown_method);

        let loaded: Arc<Mutex<HashMap<String, Loaded>>> = Arc::default();
        let loader_loaded = loaded.clone();
        let loader_syntax = syntax.clone();
        env.set_loader(move |name| {
            let Some(key) = template_key(name) else { return Ok(None) };
            let Some(bytes) = sources.search.iter().find_map(|dir| dir.get(&key)) else { return Ok(None) };
            let original = String::from_utf8(bytes.clone()).map_err(|e| {
                invalid(format!(
                    "'utf-8' codec can't decode the template `{name}`: {e} (Jinja2 reads templates as UTF-8)"
                ))
            })?;
            let (text, map) = preprocess::rewrite(&original, &loader_syntax, allowed).map_err(|refused| {
                Error::new(ErrorKind::SyntaxError, format!("{} (hint: {})", refused.message, refused.hint))
            })?;
            refuse_long_tags(&text, &loader_syntax).map_err(|(offset, message)| {
                let (line, column) = line_column(&original, map.to_original(offset));
                Error::new(
                    ErrorKind::InvalidOperation,
                    format!("{name}:{line}:{column}: {message} (hint: {LONG_TAG_HINT})"),
                )
            })?;
            if let Ok(mut loaded) = loader_loaded.lock() {
                loaded.insert(name.to_string(), Loaded { original, map });
            }
            Ok(Some(text))
        });

        // Every filter takes (value, positional, keyword) and every function (positional,
        // keyword), read by name or place as Jinja2 passes them.
        env.add_filter("jsonify", |value: Value, args: Rest<Value>, kwargs: Kwargs| -> Result<Value, Error> {
            let indent = int_arg(&args, &kwargs, 0, "indent", 4)?;
            let dumps = python::Dumps { indent: Some(indent.max(0) as usize), sort_keys: true, ensure_ascii: true };
            done(&kwargs, python::json_dumps(&value, &dumps)?)
        });
        env.add_filter("tojson", |value: Value, args: Rest<Value>, kwargs: Kwargs| -> Result<Value, Error> {
            let indent = match arg(&args, &kwargs, 0, "indent")? {
                Some(v) => Some(usize::try_from(v)?),
                None => None,
            };
            done(&kwargs, python::tojson(&value, indent)?)
        });
        env.add_filter("slugify", slugify_filter);
        env.add_filter("wordwrap", |value: Value, args: Rest<Value>, kwargs: Kwargs| -> Result<Value, Error> {
            let width = int_arg(&args, &kwargs, 0, "width", 79)?.max(0) as usize;
            let break_long = bool_arg(&args, &kwargs, 1, "break_long_words", true)?;
            let wrap = str_arg(&args, &kwargs, 2, "wrapstring")?.unwrap_or_else(|| "\n".into());
            let hyphens = bool_arg(&args, &kwargs, 3, "break_on_hyphens", true)?;
            done(&kwargs, python::wordwrap(&text(&value), width, break_long, &wrap, hyphens))
        });
        env.add_filter("center", |value: Value, args: Rest<Value>, kwargs: Kwargs| -> Result<Value, Error> {
            let width = int_arg(&args, &kwargs, 0, "width", 80)?.max(0) as usize;
            done(&kwargs, python::center(&text(&value), width, ' '))
        });

        let random = Arc::new(Mutex::new(Random(match options.seed {
            Some(seed) => seed,
            None => {
                let mut bytes = [0u8; 8];
                getrandom::fill(&mut bytes).map_err(|e| format!("no source of randomness: {e}"))?;
                u64::from_le_bytes(bytes)
            }
        })));
        let rng = random.clone();
        env.add_function("random_ascii_string", move |args: Rest<Value>, kwargs: Kwargs| -> Result<Value, Error> {
            const LETTERS: &str = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
            const PUNCTUATION: &str = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";
            let length = arg(&args, &kwargs, 0, "length")?.ok_or_else(|| Error::from(ErrorKind::MissingArgument))?;
            let length = i64::try_from(length)?;
            let corpus: Vec<char> = if bool_arg(&args, &kwargs, 1, "punctuation", false)? {
                LETTERS.chars().chain(PUNCTUATION.chars()).collect()
            } else {
                LETTERS.chars().collect()
            };
            if length > 1_000_000 {
                return Err(invalid("random_ascii_string: length above 1,000,000"));
            }
            let mut rng = rng.lock().map_err(|_| invalid("randomness unavailable"))?;
            let out: String = (0..length.max(0)).map(|_| corpus[rng.below(corpus.len() as u64) as usize]).collect();
            done(&kwargs, out)
        });
        let rng = random;
        env.add_function("uuid4", move |_args: Rest<Value>, kwargs: Kwargs| -> Result<Value, Error> {
            let mut rng = rng.lock().map_err(|_| invalid("randomness unavailable"))?;
            let mut bytes = [0u8; 16];
            bytes[..8].copy_from_slice(&rng.next().to_le_bytes());
            bytes[8..].copy_from_slice(&rng.next().to_le_bytes());
            bytes[6] = (bytes[6] & 0x0f) | 0x40;
            bytes[8] = (bytes[8] & 0x3f) | 0x80;
            let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
            done(&kwargs, format!("{}-{}-{}-{}-{}", &hex[..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..]))
        });
        env.add_function("__trellis_now", move |args: Rest<Value>, kwargs: Kwargs| -> Result<Value, Error> {
            // (zone, format) or, for `zone ± shift`, (zone, sign, shift, format).
            let texts: Vec<Option<String>> =
                (0..args.len()).map(|i| str_arg(&args, &kwargs, i, "")).collect::<Result<_, _>>()?;
            let zone = texts.first().cloned().flatten().unwrap_or_default();
            let mut moment = clock::now_in(clock, &zone).map_err(invalid)?;
            let format = if texts.len() == 4 {
                let sign = texts[1].clone().unwrap_or_default();
                moment = clock::shift(moment, &sign, texts[2].as_deref().unwrap_or_default()).map_err(invalid)?;
                texts[3].clone()
            } else {
                texts.get(1).cloned().flatten()
            };
            done(&kwargs, clock::strftime(moment, format.as_deref().unwrap_or("%Y-%m-%d")))
        });
        env.add_function("__trellis_mod", |args: Rest<Value>, kwargs: Kwargs| -> Result<Value, Error> {
            let (Some(left), Some(right)) = (args.first(), args.get(1)) else {
                return Err(Error::from(ErrorKind::MissingArgument));
            };
            kwargs.assert_all_used()?;
            python::python_mod(left, right)
        });

        Ok(Jinja { env, syntax, allowed, loaded })
    }

    /// `source` as every render hands it to minijinja (the rewrites of `preprocess.rs`), with the
    /// map back to `source`, and the syntax it is parsed with: what the checker parses.
    pub fn prepare(&self, source: &str) -> Result<(String, SourceMap, &SyntaxConfig), preprocess::Refused> {
        let (text, map) = preprocess::rewrite(source, &self.syntax, self.allowed)?;
        Ok((text, map, &self.syntax))
    }

    /// Renders a string (a path, a default in cookiecutter.json) named `label` in errors.
    pub fn render_string(&self, label: &str, source: &str, context: &Value) -> Result<String, Failure> {
        let (text, map) = preprocess::rewrite(source, &self.syntax, self.allowed).map_err(|refused| {
            let (line, column) = line_column(source, refused.offset);
            Failure {
                template: None,
                line: Some(line),
                column: Some(column),
                code: "syntax_error",
                message: refused.message,
                hint: Some(refused.hint),
            }
        })?;
        refuse_long_tags(&text, &self.syntax).map_err(|(offset, message)| {
            let (line, column) = line_column(source, map.to_original(offset));
            Failure {
                template: None,
                line: Some(line),
                column: Some(column),
                code: "limit_error",
                message,
                hint: Some(LONG_TAG_HINT.into()),
            }
        })?;
        self.env
            .render_named_str(label, &text, context.clone())
            .map_err(|e| self.failure(e, Some((label, source, &map))))
    }

    /// Renders a file of the template directory by name (what `env.get_template(name)` finds).
    pub fn render_file(&self, name: &str, context: &Value) -> Result<String, Failure> {
        let template = self.env.get_template(name).map_err(|e| self.failure(e, None))?;
        template.render(context.clone()).map_err(|e| self.failure(e, None))
    }

    fn failure(&self, error: Error, string: Option<(&str, &str, &SourceMap)>) -> Failure {
        let name = error.name().map(str::to_string);
        let loaded = self.loaded.lock().ok();
        let place: Option<(String, SourceMap)> = match (&name, string) {
            (Some(n), Some((label, source, map))) if n == label => Some((source.to_string(), map.clone())),
            (Some(n), _) => loaded.as_ref().and_then(|l| l.get(n)).map(|l| (l.original.clone(), l.map.clone())),
            _ => None,
        };
        let (mut line, mut column, mut snippet) = (error.line(), None, None);
        if let (Some((original, map)), Some(range)) = (&place, error.range()) {
            let start = map.to_original(range.start).min(original.len());
            let end = map.to_original(range.end).clamp(start, original.len());
            let (l, c) = line_column(original, start);
            line = Some(l);
            column = Some(c);
            snippet = original.get(start..end).map(str::to_string);
        }
        let (code, message, hint) = describe(&error, snippet.as_deref());
        let template = match (&name, string) {
            (Some(n), Some((label, _, _))) if n == label => None,
            _ => name,
        };
        Failure { template, line, column, code, message, hint }
    }
}

/// The error's code, message and hint.
fn describe(error: &Error, snippet: Option<&str>) -> (&'static str, String, Option<String>) {
    let detail = error.detail().map(str::to_string);
    match error.kind() {
        ErrorKind::UndefinedError => (
            "render_error",
            match snippet.filter(|s| !s.trim().is_empty()) {
                Some(s) => format!("`{}` is undefined", s.trim()),
                None => "undefined value".into(),
            },
            Some("define it in cookiecutter.json or pass it in the values; `x | default('…')` or `x is defined` test for it".into()),
        ),
        ErrorKind::SyntaxError | ErrorKind::InvalidDelimiter => (
            "syntax_error",
            format!("syntax error: {}", detail.unwrap_or_default()),
            None,
        ),
        ErrorKind::OutOfFuel => (
            "limit_error",
            "the template did too much work (fuel exhausted)".into(),
            Some("raise limits.fuel if this template is really this heavy".into()),
        ),
        ErrorKind::TemplateNotFound => (
            "render_error",
            format!("template not found: {}", detail.unwrap_or_default()),
            Some("include/extends look in the template directory, then in `templates/` beside cookiecutter.json".into()),
        ),
        kind => {
            let text = detail.unwrap_or_else(|| kind.to_string());
            let code = if text.contains("recursion limit") { "limit_error" } else { "render_error" };
            (code, format!("{kind}: {text}"), None)
        }
    }
}

/// Argument `index`, or keyword `name`; `None` when absent or None.
fn arg(args: &[Value], kwargs: &Kwargs, index: usize, name: &str) -> Result<Option<Value>, Error> {
    let by_name = if name.is_empty() || !kwargs.has(name) { None } else { kwargs.get::<Option<Value>>(name)? };
    Ok(by_name.or_else(|| args.get(index).cloned()).filter(|v| !v.is_none() && !v.is_undefined()))
}

fn int_arg(args: &[Value], kwargs: &Kwargs, index: usize, name: &str, default: i64) -> Result<i64, Error> {
    arg(args, kwargs, index, name)?.map_or(Ok(default), i64::try_from)
}

fn bool_arg(args: &[Value], kwargs: &Kwargs, index: usize, name: &str, default: bool) -> Result<bool, Error> {
    Ok(arg(args, kwargs, index, name)?.map_or(default, |v| v.is_true()))
}

fn str_arg(args: &[Value], kwargs: &Kwargs, index: usize, name: &str) -> Result<Option<String>, Error> {
    Ok(arg(args, kwargs, index, name)?.map(|v| text(&v)))
}

/// A value as Python's `str()` gives it.
fn text(value: &Value) -> String {
    value.as_str().map_or_else(|| python::py_str(value), str::to_string)
}

/// The result, once every keyword argument was used.
fn done(kwargs: &Kwargs, result: impl Into<Value>) -> Result<Value, Error> {
    kwargs.assert_all_used()?;
    Ok(result.into())
}

/// A JSON value as a minijinja value (objects keep their key order).
pub(super) fn to_value(json: &Json) -> Value {
    match json {
        Json::Null => Value::from(()),
        Json::Bool(b) => Value::from(*b),
        Json::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => Value::from(i),
            (None, Some(u)) => Value::from(u),
            _ => Value::from(n.as_f64().unwrap_or(f64::NAN)),
        },
        Json::String(s) => Value::from(s.as_str()),
        Json::Array(items) => items.iter().map(to_value).collect(),
        Json::Object(map) => Value::from_pairs(map.iter().map(|(k, v)| (Value::from(k.as_str()), to_value(v)))),
    }
}

/// Tokens in one tag (`{{ … }}`, `{% … %}`) Trellis hands to minijinja at most, when rendering
/// and when checking: minijinja reads a chain such as `a + b + …` in a loop, but the tree it
/// builds, compiles, walks and drops recurses once per operand, and wasm's 1 MB stack has no
/// guard page (a 20,000-term `{{ a + a + … }}` overflowed it). Real templates stay far below.
pub const MAX_TAG_TOKENS: usize = 1_000;

/// The most tokens in one tag of `text` and the byte offset where that tag starts, counted up
/// to the first lexing error (which the parser then reports).
pub(super) fn longest_tag(text: &str, syntax: &SyntaxConfig) -> (usize, usize) {
    let (mut longest, mut longest_start) = (0, 0);
    let (mut current, mut start) = (0, 0);
    for item in tokenize(text, false, syntax.clone()) {
        let Ok((token, span)) = item else { break };
        match token {
            Token::VariableStart | Token::BlockStart => {
                current = 0;
                start = span.start_offset as usize;
            }
            Token::TemplateData(_) | Token::VariableEnd | Token::BlockEnd => {}
            _ => {
                current += 1;
                if current > longest {
                    (longest, longest_start) = (current, start);
                }
            }
        }
    }
    (longest, longest_start)
}

/// `text` (as rewritten by `preprocess.rs`) refused when a tag is longer than
/// [`MAX_TAG_TOKENS`]: the tag's offset in `text` and the message.
fn refuse_long_tags(text: &str, syntax: &SyntaxConfig) -> Result<(), (usize, String)> {
    let (longest, start) = longest_tag(text, syntax);
    if longest <= MAX_TAG_TOKENS {
        return Ok(());
    }
    Err((start, format!("a tag of {longest} tokens is over the {MAX_TAG_TOKENS} Trellis renders in one tag")))
}

/// What to do about a tag [`refuse_long_tags`] refused.
const LONG_TAG_HINT: &str = "split the expression: `{% set %}` its parts first, then combine them";

/// 1-based line and column (in characters) of a byte offset; `\r\n`, `\r` and `\n` end lines.
pub(super) fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let mut line = 1;
    let mut line_start = 0;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < offset {
        match bytes[i] {
            b'\n' => {
                line += 1;
                line_start = i + 1;
            }
            b'\r' => {
                if bytes.get(i + 1) == Some(&b'\n') && i + 1 < offset {
                    i += 1;
                }
                line += 1;
                line_start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    let column = text.get(line_start..offset).map_or(1, |s| s.chars().count() + 1);
    (line, column)
}

/// cookiecutter's `slugify` filter: python-slugify's arguments, positional or by keyword.
fn slugify_filter(value: Value, args: Rest<Value>, kwargs: Kwargs) -> Result<Value, Error> {
    const NAMES: [&str; 12] = [
        "entities",
        "decimal",
        "hexadecimal",
        "max_length",
        "word_boundary",
        "separator",
        "save_order",
        "stopwords",
        "regex_pattern",
        "lowercase",
        "replacements",
        "allow_unicode",
    ];
    if args.len() > NAMES.len() {
        return Err(Error::from(ErrorKind::TooManyArguments));
    }
    let mut given: HashMap<&str, Value> = NAMES.iter().copied().zip(args.iter().cloned()).collect();
    for name in NAMES {
        if kwargs.has(name) {
            given.insert(name, kwargs.get(name)?);
        }
    }
    kwargs.assert_all_used()?;
    let flag = |name: &str, default: bool| given.get(name).map_or(default, Value::is_true);
    let strings = |v: &Value| -> Result<Vec<String>, Error> {
        v.try_iter()?.map(|item| Ok(item.as_str().map(str::to_string).unwrap_or_else(|| item.to_string()))).collect()
    };
    let options = slugify::SlugifyOptions {
        entities: flag("entities", true),
        decimal: flag("decimal", true),
        hexadecimal: flag("hexadecimal", true),
        max_length: given.get("max_length").map(|v| i64::try_from(v.clone())).transpose()?.unwrap_or(0),
        word_boundary: flag("word_boundary", false),
        separator: given
            .get("separator")
            .map_or_else(|| "-".to_string(), |v| v.as_str().map_or_else(|| v.to_string(), str::to_string)),
        save_order: flag("save_order", false),
        stopwords: given.get("stopwords").map(strings).transpose()?.unwrap_or_default(),
        regex_pattern: given.get("regex_pattern").filter(|v| !v.is_none()).and_then(|v| v.as_str().map(str::to_string)),
        lowercase: flag("lowercase", true),
        replacements: match given.get("replacements") {
            Some(list) => list
                .try_iter()?
                .map(|pair| {
                    let pair = strings(&pair)?;
                    match pair.as_slice() {
                        [old, new] => Ok((old.clone(), new.clone())),
                        _ => Err(invalid("slugify: each replacement is a pair [old, new]")),
                    }
                })
                .collect::<Result<Vec<_>, Error>>()?,
            None => Vec::new(),
        },
        allow_unicode: flag("allow_unicode", false),
    };
    slugify::slugify(&text(&value), &options).map(Value::from).map_err(invalid)
}
