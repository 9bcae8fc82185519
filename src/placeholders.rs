//! The catalog's placeholders: `$yaml`, `$json` and `$text`, resolved as
//! `@backstage/plugin-catalog-backend` 4.0.5's `PlaceholderProcessor` resolves them when it
//! ingests a template, before the scaffolder ever sees it (docs/backstage-behaviour.md, "Catalog
//! placeholders", has the facts and their sources).
//!
//! What is a placeholder: a mapping whose only key is `$yaml`, `$json` or `$text`. The processor
//! walks the entity from its root; a mapping with a `$…` key beside others (a JSON Schema with
//! `$schema` and `properties`) is left as it is, *with everything below it*, and the value an
//! include brings is not walked again: a placeholder inside an included file reaches the
//! scaffolder as the mapping it is written as. Trellis does the same and reports such a mapping
//! (`placeholder-nested`), since the author meant it to be resolved.
//!
//! Where: a relative path is resolved as a URL against the template's own URL (so from the
//! template's folder, `..` climbing, `/…` from the repository root, `?query` dropped, `''` the
//! template itself); every read goes through the [`SkeletonSource`] the caller gives, confined to
//! its root (src/confine.rs): a path that leaves the repository is an error, nothing is read.
//! An absolute URL is read by the catalog from elsewhere: Trellis does not, and says so.
//!
//! Spans: the included value's nodes keep their own file, line and column (`Span::file`, named
//! by `SourceMap::included`), so a finding inside an included file names that file.

use std::collections::HashMap;

use serde_json::Value;

use crate::check::skeleton::{join, parent, ReadError};
use crate::check::SkeletonSource;
use crate::confine::{self, Escape};
use crate::engine::value::json_number;
use crate::error::{Span, TrellisError};
use crate::read_limits::{MAX_INCLUDED_BYTES, READ_LIMITS};
use crate::yaml::{self, escape_pointer_segment, Document, IncludedFile, SourceMap};

/// The rule id of an include that could not be resolved (src/check/rules/placeholder_include.rs).
pub const INCLUDE_RULE: &str = "placeholder-include";
/// The rule id of a placeholder inside an included file (src/check/rules/placeholder_nested.rs).
pub const NESTED_RULE: &str = "placeholder-nested";

/// The resolvers the catalog registers by default (`CatalogBuilder`): `$yaml`, `$json`, `$text`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Resolver {
    Yaml,
    Json,
    Text,
}

impl Resolver {
    fn of(key: &str) -> Option<Resolver> {
        match key {
            "$yaml" => Some(Resolver::Yaml),
            "$json" => Some(Resolver::Json),
            "$text" => Some(Resolver::Text),
            _ => None,
        }
    }

    fn key(self) -> &'static str {
        match self {
            Resolver::Yaml => "$yaml",
            Resolver::Json => "$json",
            Resolver::Text => "$text",
        }
    }
}

/// The names every JavaScript object inherits from `Object.prototype`, as `$` keys. The
/// catalog's resolvers are a plain object (`CatalogBuilder`: `{json, yaml, text}`), so
/// `resolvers["constructor"]` is `Object`, `resolvers["toString"]` is `Object.prototype.toString`…:
/// a mapping whose only key is one of these is "resolved" by calling that function.
const INHERITED_KEYS: [&str; 12] = [
    "$constructor",
    "$__defineGetter__",
    "$__defineSetter__",
    "$hasOwnProperty",
    "$__lookupGetter__",
    "$__lookupSetter__",
    "$isPrototypeOf",
    "$propertyIsEnumerable",
    "$toString",
    "$valueOf",
    "$__proto__",
    "$toLocaleString",
];

/// What the processor's walk finds at a mapping whose only key starts with `$`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Found {
    Placeholder(Resolver),
    /// A key in [`INHERITED_KEYS`]: no placeholder, but the catalog treats it as one.
    Inherited(&'static str),
}

impl Found {
    fn key(self) -> &'static str {
        match self {
            Found::Placeholder(resolver) => resolver.key(),
            Found::Inherited(key) => key,
        }
    }
}

/// Whether a problem stops the catalog (it refuses the whole entity) or only stops Trellis from
/// seeing the content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gravity {
    /// The catalog refuses the template (or, for a nested placeholder, passes it on unresolved).
    Error,
    /// Trellis could not read what the catalog would (a remote URL, no reader): not checked.
    NotRead,
}

/// A placeholder that was not resolved, located at its `$…` key (or, for bad YAML or JSON inside
/// an included file, at the mistake in that file: `span.file`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub rule: &'static str,
    pub gravity: Gravity,
    pub span: Span,
    pub message: String,
    pub hint: String,
    /// JSON pointer of the placeholder mapping, which stays in the value as written.
    pub pointer: String,
}

/// A document with its placeholders resolved.
#[derive(Debug, Clone)]
pub struct Resolved {
    /// The value with every resolved placeholder replaced, and its map: included nodes in their
    /// own files (`SourceMap::included`).
    pub document: Document,
    /// The text of every included file, by file id − 1 (for code frames and positions).
    pub texts: Vec<String>,
    pub problems: Vec<Problem>,
}

impl Resolved {
    /// The text of the file `span` is in: `own` for the document's own file.
    pub fn text_of<'r>(&'r self, span: &Span, own: &'r str) -> &'r str {
        (span.file as usize).checked_sub(1).and_then(|index| self.texts.get(index)).map_or(own, String::as_str)
    }

    /// The first problem as an error (for the APIs that stop at the first: `validateParameters`,
    /// the dry-run), in the file it names; `own` names the template.
    pub fn first_error(&self, own: &str) -> Option<TrellisError> {
        let problem = self.problems.iter().find(|p| p.gravity == Gravity::Error)?;
        let file = self.document.map.file_name(&problem.span, own).to_string();
        Some(
            TrellisError::new(problem.rule, problem.message.clone())
                .with_hint(problem.hint.clone())
                .at(Some(Span { file: 0, ..problem.span }))
                .in_file(Some(&file)),
        )
    }
}

/// Resolves the placeholders of `document`, the template at `template_path` (relative like the
/// reader's paths). Without a reader nothing is read: each placeholder is a [`Gravity::NotRead`]
/// problem and stays as written.
pub fn resolve(document: Document, template_path: &str, reader: Option<&dyn SkeletonSource>) -> Resolved {
    let mut placeholders = Vec::new();
    find(&document.value, String::new(), &mut placeholders);
    let mut resolved = Resolved { document, texts: Vec::new(), problems: Vec::new() };
    if placeholders.is_empty() {
        return resolved;
    }
    let mut session = Session {
        template_path,
        reader,
        root: reader.and_then(|r| r.root(template_path)),
        cache: HashMap::new(),
        total_bytes: 0,
        count: 0,
    };
    for (pointer, found) in placeholders {
        let key_pointer = format!("{pointer}/{}", escape_pointer_segment(found.key()));
        let at = resolved.document.map.locate_key(&key_pointer).unwrap_or(Span::point(1, 1));
        let argument = resolved.document.value.pointer(&key_pointer).cloned().unwrap_or(Value::Null);
        let resolver = match found {
            Found::Placeholder(resolver) => resolver,
            Found::Inherited(key) => {
                resolved.problems.push(inherited_problem(key, at, pointer));
                continue;
            }
        };
        match session.include(resolver, &argument, &mut resolved) {
            Ok((value, map, file)) => {
                let mut nested = Vec::new();
                find(&value, String::new(), &mut nested);
                // Only real placeholders: an inherited key in an included file is not looked up.
                for (inner, inner_resolver) in nested.into_iter().filter_map(|(inner, found)| match found {
                    Found::Placeholder(resolver) => Some((inner, resolver)),
                    Found::Inherited(_) => None,
                }) {
                    let inner_key = format!("{inner}/{}", escape_pointer_segment(inner_resolver.key()));
                    let span = map.locate_key(&inner_key).unwrap_or(Span::point(1, 1)).in_file(file);
                    resolved.problems.push(nested_problem(inner_resolver.key(), &argument, span, &pointer, inner));
                }
                if let Some(slot) = resolved.document.value.pointer_mut(&pointer) {
                    *slot = value;
                }
                resolved.document.map.graft(&pointer, map, file);
            }
            Err(failure) => resolved.problems.push(failure.into_problem(resolver, &argument, at, pointer)),
        }
    }
    resolved
}

/// Every placeholder under `value`, in document order, as the processor's walk finds them.
fn find(value: &Value, pointer: String, out: &mut Vec<(String, Found)>) {
    match value {
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                find(item, format!("{pointer}/{index}"), out);
            }
        }
        Value::Object(entries) if !entries.keys().any(|key| key.starts_with('$')) => {
            for (key, item) in entries {
                find(item, format!("{pointer}/{}", escape_pointer_segment(key)), out);
            }
        }
        Value::Object(entries) if entries.len() == 1 => {
            let Some(key) = entries.keys().next() else { return };
            if let Some(resolver) = Resolver::of(key) {
                out.push((pointer, Found::Placeholder(resolver)));
            } else if let Some(inherited) = INHERITED_KEYS.iter().find(|inherited| *inherited == key) {
                out.push((pointer, Found::Inherited(inherited)));
            }
        }
        _ => {}
    }
}

/// Why one include failed.
enum Failure {
    NotAString(&'static str),
    Remote(String),
    NoReader,
    Outside {
        resolved: String,
        root: String,
        escape: Escape,
    },
    BadPath(String),
    Missing(String),
    Directory(String),
    Unreadable(String, String),
    TooLarge(String, u64),
    TooMuch(String),
    TooMany,
    /// A syntax error inside the included file, already located there.
    Syntax(Problem),
}

impl Failure {
    fn into_problem(self, resolver: Resolver, argument: &Value, at: Span, pointer: String) -> Problem {
        let written = match argument {
            Value::String(text) => format!("`{}: {text}`", resolver.key()),
            _ => format!("`{}`", resolver.key()),
        };
        let key = resolver.key();
        let check_path = "the path is relative to this file's folder (`/…` starts at the repository root)";
        let (gravity, message, hint) = match self {
            Failure::Syntax(problem) => {
                let message = format!(
                    "{}, in the file that {written} on line {} of the template includes; the catalog refuses the template",
                    problem.message, at.line
                );
                return Problem { pointer, message, ..problem };
            }
            Failure::NotAString(kind) => (
                Gravity::Error,
                format!("`{key}` takes a path or URL as a string, found {kind}; the catalog refuses the template"),
                format!("write `{key}: ./file` with the path of the file to include"),
            ),
            Failure::Remote(url) => (
                Gravity::NotRead,
                format!("{written} is read by the catalog from `{url}`; Trellis reads only the repository, so what it includes is not checked"),
                "include a file of the repository by its path (relative to this file) to have it checked".into(),
            ),
            Failure::NoReader => (
                Gravity::NotRead,
                format!("{written} was not resolved: Trellis was given the template's text without a way to read the files next to it, so what it includes is not checked"),
                "check the template file itself (`trellis check FILE`), or pass a reader".into(),
            ),
            Failure::Outside { resolved, root, escape } => {
                let text = argument.as_str().unwrap_or_default();
                let (message, _) = confine::outside_root_message(text, &resolved, &root, escape);
                (
                    Gravity::Error,
                    format!("`{key}`: {message}"),
                    "include a file inside the repository (the catalog reads only the template's own repository), or pass --root DIR if the repository really is larger".into(),
                )
            }
            Failure::BadPath(why) => (Gravity::Error, format!("{written}: {why}"), check_path.into()),
            Failure::Missing(path) => (
                Gravity::Error,
                format!("{written}: there is no file `{path}`; the catalog refuses the template (it cannot read the location)"),
                check_path.into(),
            ),
            Failure::Directory(path) => (
                Gravity::Error,
                format!("{written}: `{path}` is a directory, not a file; the catalog refuses the template"),
                check_path.into(),
            ),
            Failure::Unreadable(path, why) => (
                Gravity::Error,
                format!("{written}: `{path}` could not be read ({why}); the catalog refuses the template if it cannot read it either"),
                check_path.into(),
            ),
            Failure::TooLarge(path, size) => (
                Gravity::Error,
                format!(
                    "{written}: `{path}` is {:.1} MB, more than the {} MB Trellis reads of one included file",
                    size as f64 / (1024.0 * 1024.0),
                    yaml::MAX_SOURCE_BYTES / (1024 * 1024)
                ),
                "include a smaller file: a template's parts are a few KB".into(),
            ),
            Failure::TooMuch(path) => (
                Gravity::Error,
                format!(
                    "{written}: including `{path}` takes this template's included files past {} MB in all, more than Trellis reads",
                    MAX_INCLUDED_BYTES / (1024 * 1024)
                ),
                "include fewer or smaller files".into(),
            ),
            Failure::TooMany => (
                Gravity::Error,
                format!("{written}: this template has more than {} placeholders, more than Trellis resolves", READ_LIMITS.max_entries),
                "include fewer files".into(),
            ),
        };
        Problem { rule: INCLUDE_RULE, gravity, span: at, message, hint, pointer }
    }
}

/// A mapping whose only key the catalog finds on `Object.prototype` (see [`INHERITED_KEYS`]).
fn inherited_problem(key: &'static str, at: Span, pointer: String) -> Problem {
    let name = &key[1..];
    let what = match name {
        "constructor" => "finds `Object`, which every JavaScript object inherits, and calls it: the mapping is replaced with the resolver's own arguments (`key`, `value`, `baseUrl`) instead of a file's content".to_string(),
        "toString" => "finds `Object.prototype.toString` and calls it: the mapping is replaced with the text `[object Undefined]`".to_string(),
        _ => format!("finds `Object.prototype.{name}`, which is no resolver, and calling it fails (a TypeError): the catalog refuses the template"),
    };
    Problem {
        rule: INCLUDE_RULE,
        gravity: Gravity::Error,
        span: at,
        message: format!("`{key}` is no placeholder, but the catalog looks `{name}` up among its placeholder resolvers (a plain JavaScript object) and {what}"),
        hint: "rename the key (a mapping whose only key starts with `$` is taken for a placeholder), or include a file with `$yaml`, `$json` or `$text`".into(),
        pointer,
    }
}

/// A placeholder found inside the value an include brought in.
fn nested_problem(
    inner_key: &str,
    outer_argument: &Value,
    span: Span,
    pointer: &str,
    inner_pointer: String,
) -> Problem {
    let outer = outer_argument.as_str().unwrap_or_default();
    Problem {
        rule: NESTED_RULE,
        gravity: Gravity::Error,
        span,
        message: format!(
            "`{inner_key}` inside a file that a placeholder includes (`{outer}`) is not resolved: the catalog resolves placeholders of the template file only, so the scaffolder gets this mapping as it is written"
        ),
        hint: format!(
            "move this `{inner_key}` into the template file itself, or put the content of the file it names here"
        ),
        pointer: format!("{pointer}{inner_pointer}"),
    }
}

/// One resolution's reads: the root, what was read (each file once), the running totals.
struct Session<'a> {
    template_path: &'a str,
    reader: Option<&'a dyn SkeletonSource>,
    root: Option<String>,
    /// path and resolver → the parsed value and map (or the failure's problem, re-located).
    cache: HashMap<(String, Resolver), Result<(Value, SourceMap, u32), Problem>>,
    total_bytes: u64,
    count: usize,
}

impl Session<'_> {
    /// The value, map and file id of one include.
    fn include(
        &mut self,
        resolver: Resolver,
        argument: &Value,
        resolved: &mut Resolved,
    ) -> Result<(Value, SourceMap, u32), Failure> {
        let text = match argument {
            Value::String(text) => text,
            Value::Null => return Err(Failure::NotAString("null")),
            Value::Bool(_) => return Err(Failure::NotAString("a boolean")),
            Value::Number(_) => return Err(Failure::NotAString("a number")),
            Value::Array(_) => return Err(Failure::NotAString("a list")),
            Value::Object(_) => return Err(Failure::NotAString("a mapping")),
        };
        let path = match target(text, self.template_path, self.root.as_deref()) {
            Target::Local(path) => path,
            Target::Remote(url) => return Err(Failure::Remote(url)),
            Target::Outside(resolved) => {
                let root = self.root.clone().unwrap_or_default();
                return Err(Failure::Outside { resolved, root, escape: Escape::Path });
            }
            Target::Invalid(why) => return Err(Failure::BadPath(why)),
        };
        let Some(reader) = self.reader else { return Err(Failure::NoReader) };
        self.count += 1;
        if self.count > READ_LIMITS.max_entries {
            return Err(Failure::TooMany);
        }
        if let Some(known) = self.cache.get(&(path.clone(), resolver)) {
            let (value, map, file) = known.clone().map_err(Failure::Syntax)?;
            self.spend(&path, resolved.texts[file as usize - 1].len() as u64)?;
            return Ok((value, map, file));
        }
        let bytes = self.read(reader, &path)?;
        self.spend(&path, bytes.len() as u64)?;
        // Node's `buffer.toString('utf-8')`: invalid sequences become U+FFFD, a BOM is kept.
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let included = IncludedFile { path: path.clone(), verbatim: resolver == Resolver::Text };
        let file = resolved.document.map.file_id(included);
        if resolved.texts.len() < file as usize {
            resolved.texts.push(text.clone());
        }
        let parsed = parse(resolver, &text, &path, file);
        self.cache.insert((path, resolver), parsed.clone());
        parsed.map_err(Failure::Syntax)
    }

    /// Counts `bytes` more of included text, failing past the bound.
    fn spend(&mut self, path: &str, bytes: u64) -> Result<(), Failure> {
        self.total_bytes += bytes;
        if self.total_bytes > MAX_INCLUDED_BYTES {
            return Err(Failure::TooMuch(path.to_string()));
        }
        Ok(())
    }

    fn read(&self, reader: &dyn SkeletonSource, path: &str) -> Result<Vec<u8>, Failure> {
        let outside = |why: &str| {
            confine::refused_by_reader(why).then(|| Failure::Outside {
                resolved: path.to_string(),
                root: self.root.clone().unwrap_or_default(),
                escape: Escape::Link,
            })
        };
        match reader.kind(path) {
            Ok(None) => return Err(Failure::Missing(path.to_string())),
            Ok(Some(crate::check::skeleton::EntryKind::Directory)) => return Err(Failure::Directory(path.to_string())),
            Ok(Some(_)) => {}
            Err(why) => return Err(outside(&why).unwrap_or_else(|| Failure::Unreadable(path.to_string(), why))),
        }
        match reader.read(path, yaml::MAX_SOURCE_BYTES as u64) {
            Ok(bytes) => Ok(bytes),
            Err(ReadError::TooLarge(size)) => Err(Failure::TooLarge(path.to_string(), size)),
            Err(ReadError::Failed(why)) => {
                Err(outside(&why).unwrap_or_else(|| Failure::Unreadable(path.to_string(), why)))
            }
        }
    }
}

/// The included text as the resolver reads it: the value, its map (spans not yet in `file`),
/// or the syntax problem located in the included file.
fn parse(resolver: Resolver, text: &str, path: &str, file: u32) -> Result<(Value, SourceMap, u32), Problem> {
    let syntax = |span: Span, message: String, hint: &str| Problem {
        rule: INCLUDE_RULE,
        gravity: Gravity::Error,
        span: span.in_file(file),
        message,
        hint: hint.to_string(),
        pointer: String::new(),
    };
    match resolver {
        Resolver::Text => {
            let mut map = SourceMap::default();
            let end = crate::engine::position(text, text.len());
            map.graft_value("", Span::new(1, 1, end.0, end.1), (0, text.chars().count()));
            Ok((Value::String(text.to_string()), map, file))
        }
        Resolver::Yaml => {
            let mut documents = yaml::parse_documents(text, Some(path)).map_err(|error| {
                syntax(error.span.unwrap_or(Span::point(1, 1)), error.message, "fix the YAML of the included file")
            })?;
            if documents.len() != 1 {
                return Err(syntax(
                    Span::point(1, 1),
                    format!("`{path}` holds {} YAML documents where `$yaml` expects exactly one", documents.len()),
                    "put exactly one YAML document in a file that `$yaml` includes",
                ));
            }
            let document = documents.pop().expect("one document");
            Ok((document.value, document.map, file))
        }
        Resolver::Json => {
            let value: Value = serde_json::from_str(text).map_err(|error| {
                syntax(
                    Span::point(error.line().max(1) as u32, error.column().max(1) as u32),
                    format!("JSON syntax error: {}", without_position(&error.to_string())),
                    "fix the JSON of the included file (JSON.parse reads it: no comments, no trailing commas)",
                )
            })?;
            let value = as_javascript(value);
            Ok((value.clone(), json_map(text, &value), file))
        }
    }
}

/// serde_json's message without its " at line L column C" (the span says where).
fn without_position(message: &str) -> &str {
    message.rfind(" at line ").map_or(message, |at| &message[..at])
}

/// `JSON.parse`'s value: every number a double, array-index keys first.
fn as_javascript(value: Value) -> Value {
    match value {
        Value::Number(n) => n.as_f64().map_or(Value::Null, json_number),
        Value::Array(items) => Value::Array(items.into_iter().map(as_javascript).collect()),
        Value::Object(entries) => Value::Object(yaml::js_property_order(
            entries.into_iter().map(|(key, item)| (key, as_javascript(item))).collect(),
        )),
        other => other,
    }
}

/// Where the nodes of a JSON text are. JSON is YAML 1.2, so the YAML reader finds them; when it
/// reads the text otherwise (a duplicate key, which YAML refuses and JSON.parse keeps the last
/// of; a key past YAML's 1,024 characters) only the whole text is located.
fn json_map(text: &str, value: &Value) -> SourceMap {
    match yaml::parse_documents(text, None) {
        Ok(mut documents) if documents.len() == 1 && documents[0].value == *value => {
            documents.pop().expect("one document").map
        }
        _ => {
            let mut map = SourceMap::default();
            let end = crate::engine::position(text, text.len());
            map.graft_value("", Span::new(1, 1, end.0, end.1), (0, text.chars().count()));
            map
        }
    }
}

/// Where a placeholder's path points.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Target {
    /// A file in the repository, relative like the template's path.
    Local(String),
    /// An absolute URL: the catalog reads it from elsewhere.
    Remote(String),
    /// A path that leaves the repository root (or a `file:` URL), resolved.
    Outside(String),
    /// A path that names no file (an encoded `/` inside a segment, a NUL).
    Invalid(String),
}

/// Resolves a placeholder's path as `new URL(path, templateUrl)` would, onto the repository: the
/// query is dropped (the integrations keep the template URL's), the fragment is no part of the
/// file, `\` is `/`, `%2e` is a dot in `.`/`..` segments and other escapes are decoded.
fn target(path: &str, template_path: &str, root: Option<&str>) -> Target {
    let scheme = path.bytes().take_while(|b| b.is_ascii_alphanumeric() || b"+.-".contains(b)).count();
    if scheme > 0 && path.as_bytes()[0].is_ascii_alphabetic() && path[scheme..].starts_with(':') {
        return if path[..scheme].eq_ignore_ascii_case("file") {
            Target::Outside(path.to_string())
        } else {
            Target::Remote(path.to_string())
        };
    }
    let path = path.split('#').next().unwrap_or_default();
    let path = path.split('?').next().unwrap_or_default().replace('\\', "/");
    let mut segments = Vec::new();
    for segment in path.split('/') {
        let lower = segment.to_ascii_lowercase();
        let dots = lower.replace("%2e", ".");
        if dots == "." || dots == ".." {
            segments.push(dots);
            continue;
        }
        match percent_decode(segment) {
            Some(decoded) if decoded.contains(['/', '\\', '\0']) => {
                return Target::Invalid(format!(
                    "`{segment}` decodes to a name with `/`, `\\` or NUL in it, which names no file"
                ));
            }
            Some(decoded) => segments.push(decoded),
            None => segments.push(segment.to_string()),
        }
    }
    let relative = segments.join("/");
    let resolved = if path.is_empty() {
        template_path.to_string()
    } else if path.starts_with('/') {
        match root {
            Some(root) => join(root, &relative),
            // Without a root there is no repository to start from.
            None => return Target::Remote(path),
        }
    } else {
        join(parent(template_path), &relative)
    };
    match root {
        Some(root) if !confine::within_root(root, &resolved) => Target::Outside(resolved),
        _ => Target::Local(resolved),
    }
}

/// `%XX` escapes decoded (as UTF-8, lossily, like a URL reader's path); `None` when there are none.
fn percent_decode(segment: &str) -> Option<String> {
    if !segment.contains('%') {
        return None;
    }
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (bytes[at], bytes.get(at + 1).copied().and_then(hex), bytes.get(at + 2).copied().and_then(hex)) {
            (b'%', Some(high), Some(low)) => {
                out.push((high * 16 + low) as u8);
                at += 3;
            }
            (byte, _, _) => {
                out.push(byte);
                at += 1;
            }
        }
    }
    Some(String::from_utf8_lossy(&out).into_owned())
}

#[cfg(test)]
mod tests;
