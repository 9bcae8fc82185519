//! What `trellis check` finds in a cookiecutter template folder without rendering it: the folder
//! composed as a render composes it (`compose.rs`, either mode), the Jinja2 environment set up as
//! a render sets it up (`environment.rs`), then every name and every file cookiecutter renders
//! parsed once with minijinja's parser (after the same rewrites), for syntax errors and the
//! `cookiecutter.X` it reads. The `cookiecutter-*` rules (src/check/rules/) report the findings.

use std::collections::HashSet;

use minijinja::machinery::{ast, parse};
use serde_json::{Map, Value as Json};

use super::compose::{self, Template};
use super::environment::{line_column, longest_tag, Jinja, Sources, MAX_TAG_TOKENS};
use super::syntax_walk::{walk, AstVisitor};
use super::{binary, fnmatch, EntryKind, Mode, Options, SkeletonEntry};

/// Which program renders the folder, which decides what an extension can be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Runner {
    /// Trellis (`trellis:fetch:cookiecutter`, `trellis render`): only the extensions
    /// `environment.rs` implements load.
    Trellis,
    /// Python's cookiecutter (the CLI, Backstage's `fetch:cookiecutter`): Jinja2's own
    /// extensions load too, others when their package is installed.
    Python,
}

/// What the folder is checked as.
pub struct CheckInput<'a> {
    pub mode: Mode,
    pub runner: Runner,
    /// Backstage mode: the step's `values` when they are a literal mapping; `None` when they are
    /// computed at run time (then which variables exist is unknown and reads are not checked).
    pub values: Option<&'a Map<String, Json>>,
    /// Backstage mode: the step's `copyWithoutRender` and `extensions` (absent = `None`).
    pub copy_without_render: Option<Vec<String>>,
    pub extensions: Option<Vec<String>>,
}

impl CheckInput<'_> {
    /// A template folder as the `cookiecutter` CLI renders it (`--no-input`).
    pub fn plain() -> CheckInput<'static> {
        CheckInput {
            mode: Mode::Plain,
            runner: Runner::Python,
            values: None,
            copy_without_render: None,
            extensions: None,
        }
    }
}

/// Which rule a finding belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Concern {
    Syntax,
    Undefined,
    Extension,
    CopyGlob,
}

/// Where a finding is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// A file or folder of the template folder (path relative to it), 1-based line and column.
    File { path: String, line: usize, column: usize, end_line: usize, end_column: usize },
    /// Item `index` of the step's input `field` (`extensions`, `copyWithoutRender`).
    Input { field: &'static str, index: usize },
    /// The step's `values.<key>`.
    Value { key: String },
}

#[derive(Debug, Clone)]
pub struct Finding {
    pub concern: Concern,
    /// An error: rendering fails; otherwise a warning.
    pub error: bool,
    pub place: Place,
    pub message: String,
    pub hint: String,
    /// Undefined reads: the variable's name (for did-you-mean among [`Analysis::defined`]).
    pub name: Option<String>,
}

/// Everything found in one folder.
#[derive(Debug, Clone, Default)]
pub struct Analysis {
    pub findings: Vec<Finding>,
    /// The variables the template defines (`cookiecutter.json`, the step's `values`, the keys
    /// cookiecutter adds), in order.
    pub defined: Vec<String>,
}

/// The Jinja2 extensions Trellis implements (`environment.rs` loads these and only these).
pub use super::environment::BUILT_IN_EXTENSIONS as SUPPORTED_EXTENSIONS;

/// Jinja2's own extensions under every name Jinja2 3.1 gives them: Python's cookiecutter loads
/// them, Trellis only those in [`SUPPORTED_EXTENSIONS`].
const JINJA2_EXTENSIONS: &[&str] = &[
    "jinja2.ext.i18n",
    "jinja2.ext.InternationalizationExtension",
    "jinja2.ext.do",
    "jinja2.ext.ExprStmtExtension",
    "jinja2.ext.loopcontrols",
    "jinja2.ext.LoopControlExtension",
    "jinja2.ext.debug",
    "jinja2.ext.DebugExtension",
];

/// Jinja2 2.x extensions that Jinja2 3.1 (what cookiecutter 2.7.1 installs) no longer has:
/// loading one fails with an `AttributeError` (checked with the venv of
/// scripts/cookiecutter-venv.sh).
const REMOVED_JINJA2_EXTENSIONS: &[&str] =
    &["jinja2.ext.with_", "jinja2.ext.WithExtension", "jinja2.ext.autoescape", "jinja2.ext.AutoEscapeExtension"];

/// Trellis implements this one, but cookiecutter 2.7.1 no longer depends on its package.
const JINJA2_TIME: &str = "jinja2_time.TimeExtension";

/// Keys cookiecutter adds to the context after reading cookiecutter.json (`generate.rs`).
const ADDED_KEYS: &[&str] = &["_template", "_output_dir", "_repo_dir", "_checkout"];

/// Python dict attributes: `cookiecutter.items` is the method, never a missing variable.
const DICT_ATTRIBUTES: &[&str] =
    &["clear", "copy", "fromkeys", "get", "items", "keys", "pop", "popitem", "setdefault", "update", "values"];

fn at_start(path: &str) -> Place {
    Place::File { path: path.to_string(), line: 1, column: 1, end_line: 1, end_column: 2 }
}

/// The place of bytes `start..end` of `text` in file `path`.
fn place_in(path: &str, text: &str, start: usize, end: usize) -> Place {
    let (line, column) = line_column(text, start);
    let (end_line, end_column) = line_column(text, end.max(start + 1).min(text.len().max(start + 1)));
    Place::File { path: path.to_string(), line, column, end_line, end_column: end_column.max(column + 1) }
}

/// Checks a cookiecutter template folder (`files` as `readSkeletonDir` gives them; symlinks are
/// left out, as nothing follows them).
pub fn check_template(files: &[SkeletonEntry], input: &CheckInput) -> Analysis {
    let files: Vec<SkeletonEntry> = files.iter().filter(|f| f.kind != EntryKind::Symlink).cloned().collect();
    let options = Options {
        mode: input.mode,
        seed: Some(0),
        copy_without_render: input.copy_without_render.clone(),
        extensions: input.extensions.clone(),
        ..Options::default()
    };
    let mut analysis = Analysis::default();
    let no_values = Map::new();
    let composed = match input.mode {
        Mode::Plain => compose::plain(&files),
        Mode::Backstage => compose::backstage(&files, input.values.unwrap_or(&no_values), &options),
    };
    let template = match composed {
        Ok(template) => template,
        Err(error) => {
            let place = match (error.line, error.column) {
                (Some(line), Some(column)) => {
                    Place::File { path: error.path.clone(), line, column, end_line: line, end_column: column + 1 }
                }
                _ => at_start(&error.path),
            };
            analysis.findings.push(Finding {
                concern: Concern::Syntax,
                error: true,
                place,
                message: error.message,
                hint: error.hint.unwrap_or_default(),
                name: None,
            });
            return analysis;
        }
    };
    let own_config = own_config(&files);
    let mut config = template.config.clone();
    check_extensions(&template, &own_config, input, &mut config, &mut analysis.findings);
    let jinja = match Jinja::new(&config, Sources { search: Vec::new() }, &options) {
        Ok(jinja) => jinja,
        Err(message) => {
            analysis.findings.push(Finding {
                concern: Concern::Syntax,
                error: true,
                place: config_place(&own_config, "_jinja2_env_vars"),
                message,
                hint: "cookiecutter sets up Jinja2 with `_jinja2_env_vars` from cookiecutter.json".into(),
                name: None,
            });
            return analysis;
        }
    };
    let patterns = copy_patterns(&template, &own_config, input, &mut analysis.findings);
    let readable_values = input.mode == Mode::Plain || input.values.is_some();
    analysis.defined = config.keys().cloned().chain(ADDED_KEYS.iter().map(|k| k.to_string())).collect();
    let defined: HashSet<&str> = analysis.defined.iter().map(String::as_str).collect();
    let mut checker = FolderCheck {
        jinja: &jinja,
        template: &template,
        input,
        defined: readable_values.then_some(&defined),
        block_start: jinja
            .prepare("")
            .map(|(_, _, syntax)| syntax.block_delimiters().0.to_string())
            .unwrap_or_default(),
        foreign_extensions: input.runner == Runner::Python
            && strings(template.config.get("_extensions")).iter().any(|e| !SUPPORTED_EXTENSIONS.contains(&e.as_str())),
        findings: Vec::new(),
    };
    checker.check_defaults(&own_config);
    checker.walk_entries(&patterns);
    analysis.findings.extend(checker.findings);
    analysis
}

/// The folder's own `cookiecutter.json` (text and parse), when it has one that parses.
struct OwnConfig {
    text: String,
    map: Map<String, Json>,
}

fn own_config(files: &[SkeletonEntry]) -> Option<OwnConfig> {
    let file = files.iter().find(|f| f.path == "cookiecutter.json" && f.kind == EntryKind::File)?;
    let text = String::from_utf8_lossy(&file.content).into_owned();
    let map = serde_json::from_str::<Json>(text.trim_start_matches('\u{feff}')).ok()?.as_object()?.clone();
    Some(OwnConfig { text, map })
}

/// Where key `key` of the folder's own cookiecutter.json is.
fn config_place(own: &Option<OwnConfig>, key: &str) -> Place {
    let found = own.as_ref().and_then(|own| super::context::locate_key(&own.text, key));
    match found {
        Some((line, column)) => {
            Place::File { path: "cookiecutter.json".into(), line, column, end_line: line, end_column: column + 1 }
        }
        None => at_start("cookiecutter.json"),
    }
}

fn strings(value: Option<&Json>) -> Vec<String> {
    match value {
        Some(Json::Array(items)) => {
            items.iter().map(|item| item.as_str().map_or_else(|| item.to_string(), str::to_string)).collect()
        }
        _ => Vec::new(),
    }
}

/// The places of a list key's items: the step's input in Backstage mode, the folder's own
/// cookiecutter.json in plain mode.
fn item_place(input: &CheckInput, own: &Option<OwnConfig>, field: &'static str, key: &str, index: usize) -> Place {
    match input.mode {
        Mode::Backstage => Place::Input { field, index },
        Mode::Plain => config_place(own, key),
    }
}

/// Backstage mode drops the folder's own list when the step does not give the input.
fn dropped(input: &CheckInput, own: &Option<OwnConfig>, key: &str, given: bool) -> bool {
    input.mode == Mode::Backstage
        && !given
        && own.as_ref().is_some_and(|own| own.map.get(key).and_then(Json::as_array).is_some_and(|a| !a.is_empty()))
}

fn check_extensions(
    template: &Template,
    own: &Option<OwnConfig>,
    input: &CheckInput,
    config: &mut Map<String, Json>,
    out: &mut Vec<Finding>,
) {
    if dropped(input, own, "_extensions", input.extensions.is_some()) {
        out.push(Finding {
            concern: Concern::Extension,
            error: false,
            place: config_place(own, "_extensions"),
            message: "fetch:cookiecutter drops this `_extensions`: the step gives no `extensions` input, and the \
                      action writes its own cookiecutter.json without the key"
                .into(),
            hint: "list these extensions in the step's `extensions` input".into(),
            name: None,
        });
    }
    let listed = strings(template.config.get("_extensions"));
    let supported = SUPPORTED_EXTENSIONS.join("`, `");
    let mut kept = Vec::new();
    for (index, name) in listed.iter().enumerate() {
        let place = || item_place(input, own, "extensions", "_extensions", index);
        if SUPPORTED_EXTENSIONS.contains(&name.as_str()) {
            kept.push(Json::String(name.clone()));
            if name == JINJA2_TIME && input.runner == Runner::Python {
                out.push(Finding {
                    concern: Concern::Extension,
                    error: false,
                    place: place(),
                    message: format!(
                        "`{name}` needs the `jinja2-time` package, which cookiecutter 2.7.1 no longer installs (else \
                         \"Unable to load extension: No module named 'jinja2_time'\")"
                    ),
                    hint: "drop it: cookiecutter's built-in `cookiecutter.extensions.TimeExtension` (always loaded) \
                           gives the same `{% now %}` tag"
                        .into(),
                    name: None,
                });
            }
            continue;
        }
        if REMOVED_JINJA2_EXTENSIONS.contains(&name.as_str()) {
            out.push(Finding {
                concern: Concern::Extension,
                error: true,
                place: place(),
                message: format!(
                    "`{name}` is gone from Jinja2 3.1, which cookiecutter 2.7.1 runs (\"module 'jinja2.ext' has no \
                     attribute …\"): its tags are built into Jinja2 now"
                ),
                hint: "remove it from the list: `{% with %}` and `{% autoescape %}` work without it".into(),
                name: None,
            });
            continue;
        }
        let jinja2 = JINJA2_EXTENSIONS.contains(&name.as_str());
        let (error, message) = match (input.runner, jinja2) {
            (Runner::Trellis, _) => (
                true,
                format!("Trellis cannot load the Jinja2 extension `{name}`: it runs no Python, so rendering fails"),
            ),
            (Runner::Python, true) => (
                false,
                format!(
                    "`{name}` is Jinja2's own extension: Python's cookiecutter loads it, but `trellis render` and \
                     trellis:fetch:cookiecutter do not implement it"
                ),
            ),
            (Runner::Python, false) => (
                false,
                format!(
                    "`{name}` is not a built-in extension: cookiecutter loads it only if its Python module is \
                     importable where it runs (else \"Unable to load extension\"), and Trellis cannot load it"
                ),
            ),
        };
        out.push(Finding {
            concern: Concern::Extension,
            error,
            place: place(),
            message,
            hint: format!("supported: `{supported}`; remove the extension or render with Python's cookiecutter"),
            name: None,
        });
    }
    if config.contains_key("_extensions") {
        config.insert("_extensions".into(), Json::Array(kept));
    }
}

/// The `_copy_without_render` patterns (the step's in Backstage mode), each with its place.
fn copy_patterns(
    template: &Template,
    own: &Option<OwnConfig>,
    input: &CheckInput,
    out: &mut Vec<Finding>,
) -> Vec<(String, Place)> {
    if dropped(input, own, "_copy_without_render", input.copy_without_render.is_some()) {
        out.push(Finding {
            concern: Concern::CopyGlob,
            error: false,
            place: config_place(own, "_copy_without_render"),
            message: "fetch:cookiecutter drops this `_copy_without_render`: the step gives no `copyWithoutRender` \
                      input, so the files it names are rendered"
                .into(),
            hint: "list these patterns in the step's `copyWithoutRender` input".into(),
            name: None,
        });
    }
    strings(template.config.get("_copy_without_render"))
        .into_iter()
        .enumerate()
        .map(|(index, pattern)| {
            let place = item_place(input, own, "copyWithoutRender", "_copy_without_render", index);
            (pattern, place)
        })
        .collect()
}

struct FolderCheck<'a> {
    jinja: &'a Jinja,
    template: &'a Template<'a>,
    input: &'a CheckInput<'a>,
    /// The defined variables, when reads are checked.
    defined: Option<&'a HashSet<&'a str>>,
    /// `{%` or what `_jinja2_env_vars` sets instead.
    block_start: String,
    /// Python's cookiecutter loads an extension Trellis does not implement, which may add tags.
    foreign_extensions: bool,
    findings: Vec<Finding>,
}

impl FolderCheck<'_> {
    /// The variables' defaults, rendered in order as `prompt_for_config` renders them: each sees
    /// only the variables before it (dicts, rendered in a second pass, see all), and none of the
    /// keys cookiecutter adds afterwards.
    fn check_defaults(&mut self, own: &Option<OwnConfig>) {
        if self.defined.is_none() {
            return;
        }
        let config = &self.template.config;
        let from_step =
            |key: &str| self.input.mode == Mode::Backstage && self.input.values.is_some_and(|v| v.contains_key(key));
        let mut known: HashSet<&str> = HashSet::new();
        let mut later: Vec<(&str, &Json)> = Vec::new();
        let mut texts: Vec<(&str, String, HashSet<&str>)> = Vec::new();
        for (key, value) in config {
            if key == "__prompts__" {
                continue;
            }
            let private = key.starts_with('_') && !key.starts_with("__");
            if !private && value.is_object() && !key.starts_with("__") {
                // Dicts are left out of the first pass altogether.
                later.push((key, value));
                continue;
            }
            if !private {
                for text in default_texts(value) {
                    texts.push((key, text, known.clone()));
                }
            }
            known.insert(key);
        }
        for (key, value) in later {
            for text in default_texts(value) {
                texts.push((key, text, known.clone()));
            }
            known.insert(key);
        }
        let mut reported = HashSet::new();
        for (key, text, known) in texts {
            // A step value with `${{ }}` is rendered by Backstage first: what cookiecutter sees is unknown.
            if from_step(key) && text.contains("${{") {
                continue;
            }
            let Ok((rewritten, _, syntax)) = self.jinja.prepare(&text) else { continue };
            if longest_tag(&rewritten, syntax).0 > MAX_TAG_TOKENS {
                continue;
            }
            let Ok(tree) = parse(&rewritten, key, syntax.clone()) else { continue };
            let mut reads = Reads::default();
            walk(&tree, &mut reads);
            if reads.shadowed {
                continue;
            }
            for read in reads.found {
                let name = read.name.as_str();
                if known.contains(name)
                    || reads.guarded_names.contains(name)
                    || !reported.insert((key, read.name.clone()))
                {
                    continue;
                }
                let defined_later = config.contains_key(name);
                let dict = !name.starts_with('_') && config.get(name).is_some_and(Json::is_object);
                let why = if dict {
                    format!("`{name}` is a dict, and cookiecutter renders dicts after every other variable")
                } else if defined_later {
                    format!(
                        "`{name}` is defined after `{key}`, and cookiecutter renders each variable with only the ones \
                         before it"
                    )
                } else {
                    format!("no variable `{name}` is defined when the defaults are rendered")
                };
                let (place, what, file) = if from_step(key) {
                    (Place::Value { key: key.to_string() }, format!("the step's value `{key}`"), "the step's `values`")
                } else {
                    (config_place(own, key), format!("the default of `{key}`"), "cookiecutter.json")
                };
                self.findings.push(Finding {
                    concern: Concern::Undefined,
                    error: !read.conditional,
                    place,
                    message: format!("{what} reads `cookiecutter.{name}`: {why}, so rendering fails"),
                    hint: if dict {
                        format!("read `{name}` from another dict, or make `{key}` a dict")
                    } else if defined_later {
                        format!("move `{name}` before `{key}` in {file}")
                    } else {
                        format!("define `{name}` before `{key}`, or test it with `cookiecutter.{name} is defined`")
                    },
                    name: (!defined_later).then(|| read.name.clone()),
                });
            }
        }
    }

    fn walk_entries(&mut self, patterns: &[(String, Place)]) {
        let template = self.template;
        let copy_only = |relative: &str| patterns.iter().any(|(p, _)| fnmatch::fnmatch(relative, p));
        let mut matched = vec![false; patterns.len()];
        for (index, (pattern, _)) in patterns.iter().enumerate() {
            matched[index] = template.entries.iter().any(|e| fnmatch::fnmatch(&e.relative, pattern));
        }
        if self.input.mode == Mode::Plain {
            // The project folder's own name (Backstage's is fixed).
            let name = template.template_dir.clone();
            self.check_text(&name, &name, 0, false, true);
        }
        // Folders copied as they are: nothing below them is rendered, names included.
        let copied_dirs: Vec<&str> = template
            .entries
            .iter()
            .filter(|e| e.file.kind == EntryKind::Directory && copy_only(&e.relative))
            .map(|e| e.relative.as_str())
            .collect();
        let mut names: std::collections::HashMap<String, bool> = std::collections::HashMap::new();
        for entry in &template.entries {
            let relative = entry.relative.as_str();
            if copied_dirs.iter().any(|dir| relative.starts_with(dir) && relative[dir.len()..].starts_with('/')) {
                continue;
            }
            let shown = format!("{}{relative}", template.input_prefix);
            // A name with a tag (`{% if … %}name{% endif %}`) may render empty: the file is then left out.
            let conditional_name = relative.contains(self.block_start.as_str());
            // cookiecutter renders the whole relative path. Each folder's path is checked once
            // (a folder may only be named by the paths of its files), and a finding belongs to
            // the first path that holds it.
            let mut end = 0;
            while end < relative.len() {
                end = relative[end + 1..].find('/').map_or(relative.len(), |at| end + 1 + at);
                let prefix = &relative[..end];
                if let Some(parses) = names.get(prefix) {
                    if !parses {
                        break;
                    }
                    continue;
                }
                let own_start = prefix.rfind('/').map_or(0, |at| at + 1);
                let shown_prefix = format!("{}{prefix}", template.input_prefix);
                let parses = self.check_text(&shown_prefix, prefix, own_start, conditional_name, true);
                names.insert(prefix.to_string(), parses);
                if !parses {
                    break;
                }
            }
            if entry.file.kind != EntryKind::File
                || copy_only(relative)
                || binary::is_binary(relative, &entry.file.content)
            {
                continue;
            }
            let text = String::from_utf8_lossy(&entry.file.content).into_owned();
            self.check_text(&shown, &text, 0, conditional_name, false);
        }
        for ((pattern, place), matched) in patterns.iter().zip(matched) {
            if matched {
                continue;
            }
            let folder = match self.input.mode {
                Mode::Plain => format!("the project template folder `{}`", template.template_dir),
                Mode::Backstage => "the fetched folder".to_string(),
            };
            self.findings.push(Finding {
                concern: Concern::CopyGlob,
                error: false,
                place: place.clone(),
                message: format!("`{pattern}` matches no file or folder in {folder}, so it copies nothing verbatim"),
                hint: format!(
                    "patterns are Python fnmatch globs on paths relative to {folder} (`*` also crosses `/`); fix or \
                     remove it"
                ),
                name: None,
            });
        }
    }

    /// Parses `source` (a file's text, or a path when `is_name`) as a render would, reporting a
    /// syntax error and the undefined `cookiecutter.X` it reads that start at or after byte
    /// `own_start`. Reads are conditional when `conditional` says the whole text may not render.
    /// Whether it parses.
    fn check_text(&mut self, path: &str, source: &str, own_start: usize, conditional: bool, is_name: bool) -> bool {
        let place = |start: usize, end: usize| {
            if is_name {
                at_start(path)
            } else {
                place_in(path, source, start, end)
            }
        };
        let what = if is_name { format!(" in the name `{}`", &source[own_start..]) } else { String::new() };
        let hint = self.syntax_hint(is_name);
        let (text, map, syntax) = match self.jinja.prepare(source) {
            Ok(prepared) => prepared,
            Err(refused) => {
                self.findings.push(Finding {
                    concern: Concern::Syntax,
                    error: true,
                    place: place(refused.offset, refused.offset + 1),
                    message: format!("template syntax error{what}: {}", refused.message),
                    hint: refused.hint,
                    name: None,
                });
                return false;
            }
        };
        let (longest, _) = longest_tag(&text, syntax);
        if longest > MAX_TAG_TOKENS {
            self.findings.push(Finding {
                concern: Concern::Syntax,
                error: false,
                place: at_start(path),
                message: format!(
                    "not checked: a tag of {longest} tokens, over the {MAX_TAG_TOKENS} Trellis parses in one tag"
                ),
                hint: "split the expression (`{% set %}` the parts) to have it checked".into(),
                name: None,
            });
            return true;
        }
        let tree = match parse(&text, path, syntax.clone()) {
            Ok(tree) => tree,
            Err(error) => {
                let range = error.range().unwrap_or(0..0);
                let start = map.to_original(range.start).min(source.len());
                let end = map.to_original(range.end).clamp(start, source.len());
                let detail = error.detail().unwrap_or("invalid syntax");
                // A tag minijinja does not know may come from an extension Python loads.
                let maybe_extension = self.foreign_extensions && detail.starts_with("unknown statement");
                let unless = if maybe_extension {
                    " (unless an extension the step lists, which Trellis cannot load, defines this tag)"
                } else {
                    ""
                };
                self.findings.push(Finding {
                    concern: Concern::Syntax,
                    error: !maybe_extension,
                    place: place(start, end),
                    message: format!("template syntax error{what}: {detail}{unless}"),
                    hint,
                    name: None,
                });
                return false;
            }
        };
        let Some(defined) = self.defined else { return true };
        let mut reads = Reads::default();
        walk(&tree, &mut reads);
        if reads.shadowed {
            return true;
        }
        let mut reported = HashSet::new();
        for read in reads.found {
            let start = map.to_original(read.start).min(source.len());
            let end = map.to_original(read.end).clamp(start, source.len());
            if start < own_start
                || defined.contains(read.name.as_str())
                || reads.guarded_names.contains(&read.name)
                || !reported.insert(read.name.clone())
            {
                continue;
            }
            let conditional = read.conditional || conditional;
            let defines = match (self.input.mode, self.input.values.is_some()) {
                (Mode::Backstage, true) => "neither the folder's cookiecutter.json nor the step's `values` define it",
                _ => "cookiecutter.json does not define it",
            };
            let fails =
                if conditional { "rendering fails whenever this part runs" } else { "rendering always fails here" };
            let add = match self.input.mode {
                Mode::Backstage => "add it to the step's `values` (or to cookiecutter.json in the fetched folder)",
                Mode::Plain => "add it to cookiecutter.json",
            };
            self.findings.push(Finding {
                concern: Concern::Undefined,
                error: !conditional,
                place: place(start, end),
                message: format!("`cookiecutter.{}`{what} is undefined: {defines}, so {fails}", read.name),
                hint: format!(
                    "{add}, or test it with `cookiecutter.{0} is defined` / `cookiecutter.{0} | default('…')`",
                    read.name
                ),
                name: Some(read.name),
            });
        }
        true
    }

    fn syntax_hint(&self, is_name: bool) -> String {
        let verbatim = match self.input.mode {
            Mode::Backstage => "the step's `copyWithoutRender`",
            Mode::Plain => "`_copy_without_render` in cookiecutter.json",
        };
        if is_name {
            "cookiecutter renders every file and folder name with Jinja2; fix the name".into()
        } else {
            format!(
                "cookiecutter renders this file with Jinja2 (`{{{{ }}}}`, `{{% %}}`, `{{# #}}`); fix it, wrap text \
                 meant literally in `{{% raw %}}…{{% endraw %}}`, or list the file in {verbatim} to copy it verbatim"
            )
        }
    }
}

/// The texts cookiecutter renders in a variable's default: a string, each option of a choice,
/// every key and value inside a dict.
fn default_texts(value: &Json) -> Vec<String> {
    let mut out = Vec::new();
    let mut pending = vec![value];
    while let Some(value) = pending.pop() {
        match value {
            Json::String(text) if text.contains(['{', '%', '#']) => out.push(text.clone()),
            Json::Array(items) => pending.extend(items.iter().rev()),
            Json::Object(map) => {
                for (key, item) in map.iter().rev() {
                    pending.push(item);
                    if key.contains(['{', '%', '#']) {
                        out.push(key.clone());
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// A read of `cookiecutter.<name>` (bytes in the rewritten text).
struct Read {
    name: String,
    start: usize,
    end: usize,
    conditional: bool,
}

#[derive(Default)]
struct Reads {
    found: Vec<Read>,
    /// Spans (start, end) of `cookiecutter.X` called as methods.
    callees: HashSet<(u32, u32)>,
    /// Names the template tests (`is defined`, `| default`, `'x' in cookiecutter`): it expects
    /// them to be missing sometimes.
    guarded_names: HashSet<String>,
    /// `cookiecutter` is assigned somewhere: reads are not about the context's variable.
    shadowed: bool,
}

/// The name `expr` reads from `cookiecutter` (`cookiecutter.x`, `cookiecutter['x']`).
fn cookiecutter_key(expr: &ast::Expr) -> Option<String> {
    let is_root = |e: &ast::Expr| matches!(e, ast::Expr::Var(v) if v.id == "cookiecutter");
    match expr {
        ast::Expr::GetAttr(g) if is_root(&g.expr) => Some(g.name.to_string()),
        ast::Expr::GetItem(g) if is_root(&g.expr) => match &g.subscript_expr {
            ast::Expr::Const(c) => c.value.as_str().map(str::to_string),
            _ => None,
        },
        _ => None,
    }
}

fn key_of(span: minijinja::machinery::Span) -> (u32, u32) {
    (span.start_offset, span.end_offset)
}

impl AstVisitor for Reads {
    fn expr(&mut self, expr: &ast::Expr, conditional: bool) {
        match expr {
            ast::Expr::Test(t) if matches!(t.name, "defined" | "undefined") => {
                self.guarded_names.extend(cookiecutter_key(&t.expr));
            }
            ast::Expr::Filter(f) if matches!(f.name, "default" | "d") => {
                self.guarded_names.extend(f.expr.as_ref().and_then(cookiecutter_key));
            }
            ast::Expr::BinOp(b) if matches!(b.op, ast::BinOpKind::In) => {
                if let (ast::Expr::Const(c), ast::Expr::Var(v)) = (&b.left, &b.right) {
                    if v.id == "cookiecutter" {
                        self.guarded_names.extend(c.value.as_str().map(str::to_string));
                    }
                }
            }
            ast::Expr::Call(call) => {
                self.callees.insert(key_of(call.expr.span()));
            }
            _ => {}
        }
        let Some(name) = cookiecutter_key(expr) else { return };
        let span = expr.span();
        let attribute = matches!(expr, ast::Expr::GetAttr(_));
        if self.callees.contains(&key_of(span)) || (attribute && DICT_ATTRIBUTES.contains(&name.as_str())) {
            return;
        }
        self.found.push(Read { name, start: span.start_offset as usize, end: span.end_offset as usize, conditional });
    }

    fn target(&mut self, target: &ast::Expr) {
        match target {
            ast::Expr::Var(v) if v.id == "cookiecutter" => self.shadowed = true,
            ast::Expr::List(l) => l.items.iter().for_each(|item| self.target(item)),
            ast::Expr::Tuple(t) => t.items.iter().for_each(|item| self.target(item)),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, content: &str) -> SkeletonEntry {
        SkeletonEntry { path: path.into(), kind: EntryKind::File, content: content.into(), mode: 0, link_target: None }
    }

    fn plain(files: &[SkeletonEntry]) -> Vec<Finding> {
        check_template(files, &CheckInput::plain()).findings
    }

    #[test]
    fn reads_the_template_guards_or_rebinds_are_not_reported() {
        let findings = plain(&[
            file("cookiecutter.json", r#"{"name": "x"}"#),
            file(
                "{{cookiecutter.name}}/a.txt",
                "{% if cookiecutter.ci is defined and cookiecutter.ci %}{% endif %}\n\
                 {% if 'docker' in cookiecutter %}{{ cookiecutter.docker }}{% endif %}\n\
                 {{ cookiecutter['name'] }} {{ cookiecutter.keys() }} {{ cookiecutter._template }}\n",
            ),
            file("{{cookiecutter.name}}/b.txt", "{% set cookiecutter = {'y': 1} %}{{ cookiecutter.z }}\n"),
        ]);
        assert!(findings.is_empty(), "{findings:?}");
    }

    #[test]
    fn reads_are_located_and_graded_by_where_they_run() {
        let findings = plain(&[
            file(
                "cookiecutter.json",
                r#"{"name": "x", "_jinja2_env_vars": {"variable_start_string": "<<", "variable_end_string": ">>"}}"#,
            ),
            file("<<cookiecutter.name>>/a.txt", "x\n  << cookiecutter.missing >>\n{{ not a tag }}\n"),
            file(
                "<<cookiecutter.name>>/b.txt",
                "{% macro m() %}<< cookiecutter.later >>{% endmacro %}<< cookiecutter.name and cookiecutter.other >>",
            ),
        ]);
        let summary: Vec<(Concern, bool, Place)> =
            findings.iter().map(|f| (f.concern, f.error, f.place.clone())).collect();
        let at = |path: &str, line, column, end_column| Place::File {
            path: path.into(),
            line,
            column,
            end_line: line,
            end_column,
        };
        assert_eq!(
            summary,
            vec![
                (Concern::Undefined, true, at("<<cookiecutter.name>>/a.txt", 2, 6, 26)),
                (Concern::Undefined, false, at("<<cookiecutter.name>>/b.txt", 1, 19, 37)),
                (Concern::Undefined, false, at("<<cookiecutter.name>>/b.txt", 1, 79, 97)),
            ]
        );
    }

    #[test]
    fn an_unknown_tag_is_a_warning_when_python_loads_an_extension_trellis_cannot() {
        let files = [file("README.md", "{% trans %}hello{% endtrans %}\n")];
        let empty = Map::new();
        let grade = |runner| {
            let input = CheckInput {
                mode: Mode::Backstage,
                runner,
                values: Some(&empty),
                copy_without_render: None,
                extensions: Some(vec!["jinja2.ext.i18n".into()]),
            };
            let findings = check_template(&files, &input).findings;
            findings.iter().filter(|f| f.concern == Concern::Syntax).map(|f| f.error).collect::<Vec<_>>()
        };
        assert_eq!(grade(Runner::Python), vec![false]);
        assert_eq!(grade(Runner::Trellis), vec![true]);
    }

    #[test]
    fn defaults_see_only_the_variables_before_them_and_dicts_see_all() {
        let findings = plain(&[
            file(
                "cookiecutter.json",
                r#"{"d": {"x": "{{ cookiecutter.b }}"}, "b": "{{ cookiecutter.d.x }}", "c": ["{{ cookiecutter.b }}"], "e": "{{ cookiecutter._template }}"}"#,
            ),
            file("{{cookiecutter.b}}/a.txt", "ok"),
        ]);
        let messages: Vec<&str> = findings.iter().map(|f| f.message.as_str()).collect();
        assert_eq!(
            messages,
            vec![
                "the default of `b` reads `cookiecutter.d`: `d` is a dict, and cookiecutter renders dicts after every \
                 other variable, so rendering fails",
                "the default of `e` reads `cookiecutter._template`: no variable `_template` is defined when the \
                 defaults are rendered, so rendering fails",
            ]
        );
    }

    #[test]
    fn a_folder_name_error_is_reported_once() {
        let findings = plain(&[
            file("cookiecutter.json", r#"{"name": "x"}"#),
            file("{{cookiecutter.name}}/{{ bad/a.txt", "ok"),
            file("{{cookiecutter.name}}/{{ bad/b.txt", "ok"),
        ]);
        let syntax: Vec<&Finding> = findings.iter().filter(|f| f.concern == Concern::Syntax).collect();
        assert_eq!(syntax.len(), 1, "{findings:?}");
        assert_eq!(syntax[0].place, at_start("{{cookiecutter.name}}/{{ bad"));
    }
}
#[cfg(test)]
mod deep_tests {
    use super::*;

    /// The findings of a template whose one file reads `cookiecutter.a` `terms` times in one
    /// chain, checked on a 1 MB stack (wasm's).
    fn findings_of_a_chain(terms: usize) -> usize {
        let text = format!("{{{{ cookiecutter.a{} }}}}", " + cookiecutter.a".repeat(terms - 1));
        let file = |path: &str, content: Vec<u8>| SkeletonEntry {
            path: path.into(),
            kind: EntryKind::File,
            content,
            mode: 0,
            link_target: None,
        };
        let files = vec![
            file("cookiecutter.json", br#"{"a": "x"}"#.to_vec()),
            file("{{cookiecutter.a}}/f.txt", text.into_bytes()),
        ];
        let handle = std::thread::Builder::new()
            .stack_size(1024 * 1024)
            .spawn(move || check_template(&files, &CheckInput::plain()).findings.len())
            .unwrap();
        handle.join().unwrap()
    }

    #[test]
    fn long_flat_chains_fit_in_a_small_stack() {
        // Three tokens per read and one per `+`: just under the bound, parsed, walked, dropped.
        assert_eq!(findings_of_a_chain(MAX_TAG_TOKENS / 4), 0);
        // Over it: a `not checked` warning instead of a stack overflow.
        assert_eq!(findings_of_a_chain(20_000), 1);
    }
}
