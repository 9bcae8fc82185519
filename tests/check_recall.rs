//! Recall of `trellis check` on real templates: five kinds of mistake are seeded, one at a time,
//! into the Template documents of `../shared/corpus` (read in place, changed in memory only) at
//! places where Backstage would really be handed that mistake: up to 8 per file and kind, evenly
//! spread (`TRELLIS_RECALL_ALL=1`: every site). A seed is caught when the check of the changed
//! file reports a new error (one the unchanged file does not have) of the kind's rule, starting
//! on the seeded line. The test prints the rate per kind and every miss, and holds each kind at
//! 97 % or more. Strings that hold `{% raw %}` or do not parse as written are left out: Backstage
//! fails them whatever else is wrong.
//!
//! The places are the strings Backstage renders (steps' `input`, `if` and `each`, and
//! `spec.output`) and steps' `action`. Sites are found by a scan of the text written here, not
//! by the engine's own reference finder, so a reference the checker overlooks is a miss rather
//! than a site never seeded. The kinds:
//! 1. `parameter`: `parameters.x` / `parameters['x']` inside `${{ }}` or `{% %}` renamed to a name
//!    no form page declares (no `properties` key nor `required` name anywhere under
//!    `spec.parameters`). Templates with a page that takes any field (`additionalProperties`) are
//!    left out: the form can fill in an undeclared name there.
//! 2. `step`: `steps.x` / `steps['x']` renamed to no step's id.
//! 3. `action`: a step's `action` naming a built-in or known-module action, one letter dropped.
//! 4. `expression`: `${{ x }}` made `${{ x | }}` (a filter without a name), or, every other
//!    time, left unclosed (`${{ x`).
//! 5. `filter`: a built-in filter's name with a letter dropped; an expression without a filter
//!    gets `| uppr`.
//!
//! A seed whose changed text does not read back from the YAML as exactly the intended string
//! (an escape or an alias in the way) is not counted; how many is printed, and more than 3 % of
//! a kind fails the test.

mod common;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use serde_json::Value;
use trellis::check::{check_source, CheckOptions};
use trellis::diagnostics::{Diagnostic, Severity};
use trellis::engine::builtins::{BACKSTAGE_FILTERS, FILTERS};
use trellis::manifest::Manifest;
use trellis::yaml::{parse_documents, Document};

/// Most seeds of one kind taken from one file (see [`sample`]).
const PER_FILE_AND_KIND: usize = 8;

/// The share of each kind's seeds that must be caught.
const REQUIRED_RATE: f64 = 0.97;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Kind {
    Parameter,
    Step,
    Action,
    Expression,
    Filter,
}

impl Kind {
    const ALL: [Kind; 5] = [Kind::Parameter, Kind::Step, Kind::Action, Kind::Expression, Kind::Filter];

    fn name(self) -> &'static str {
        match self {
            Kind::Parameter => "renamed parameter",
            Kind::Step => "step that does not exist",
            Kind::Action => "action id typo",
            Kind::Expression => "broken expression",
            Kind::Filter => "unknown filter",
        }
    }

    /// The rule that reports this kind of mistake.
    fn rule(self) -> &'static str {
        match self {
            Kind::Parameter => "undeclared-parameter",
            Kind::Step => "step-reference",
            Kind::Action => "unknown-action",
            Kind::Expression => "expression-syntax",
            Kind::Filter => "unknown-filter",
        }
    }
}

/// One mistake: replace bytes `start..end` of the string at `pointer` (of document `document`)
/// with `replacement`.
#[derive(Debug, Clone)]
struct Seed {
    kind: Kind,
    file: usize,
    document: usize,
    pointer: String,
    start: usize,
    end: usize,
    replacement: String,
    /// Where the mistake starts (an unclosed expression: at its `${{`): a finding that starts on
    /// a line from here to the change is on the seeded line.
    region_start: usize,
}

/// A template file of the corpus with its unchanged findings.
struct Corpus {
    path: String,
    source: String,
    documents: Vec<Document>,
    baseline: Vec<Diagnostic>,
}

/// The template files `INDEX.tsv` lists as loadable (`status` ok), each once.
fn template_files(root: &Path) -> Vec<String> {
    let index = fs::read_to_string(root.join("INDEX.tsv")).expect("the corpus' INDEX.tsv");
    let mut lines = index.lines();
    let header: Vec<&str> = lines.next().expect("INDEX.tsv header").split('\t').collect();
    let column = |name: &str| header.iter().position(|h| *h == name).unwrap_or_else(|| panic!("INDEX.tsv: {name}"));
    let (repo, path, status) = (column("repo"), column("path"), column("status"));
    let mut files: Vec<String> = lines
        .map(|line| line.split('\t').collect::<Vec<_>>())
        .filter(|row| row.get(status) == Some(&"ok"))
        .map(|row| format!("{}/{}", row[repo].replace('/', "__"), row[path]))
        .collect();
    files.sort();
    files.dedup();
    files
}

fn check(path: &str, source: &str) -> Vec<Diagnostic> {
    let options = CheckOptions { path: Some(path.to_string()), manifest: None, ignore: Vec::new() };
    check_source(source, &options).diagnostics
}

/// `${{ … }}` (an expression) or `{% … %}` (a tag) in a rendered string: byte ranges of the
/// whole region and of the code inside its delimiters.
struct Region {
    start: usize,
    end: usize,
    code: (usize, usize),
    expression: bool,
}

/// The end of the string literal starting at `at` (a quote), past its closing quote.
fn skip_string(text: &[u8], at: usize) -> usize {
    let quote = text[at];
    let mut i = at + 1;
    while i < text.len() {
        match text[i] {
            b'\\' => i += 2,
            c if c == quote => return i + 1,
            _ => i += 1,
        }
    }
    text.len()
}

/// The regions of `text`, or `None` when one is left open (a string already broken).
fn regions(text: &str) -> Option<Vec<Region>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let (open, close, expression) = if bytes[i..].starts_with(b"${{") {
            (3, "}}", true)
        } else if bytes[i..].starts_with(b"{%") {
            (2, "%}", false)
        } else if bytes[i..].starts_with(b"{#") {
            i = bytes[i..].windows(2).position(|w| w == b"#}").map(|at| i + at + 2)?;
            continue;
        } else {
            i += 1;
            continue;
        };
        let start = i;
        let mut j = i + open;
        loop {
            if j >= bytes.len() {
                return None;
            }
            if bytes[j] == b'\'' || bytes[j] == b'"' {
                j = skip_string(bytes, j);
            } else if bytes[j..].starts_with(close.as_bytes()) {
                break;
            } else {
                j += 1;
            }
        }
        let code_end = if bytes[j - 1] == b'-' && j - 1 > start + open { j - 1 } else { j };
        out.push(Region { start, end: j + 2, code: (start + open, code_end), expression });
        i = j + 2;
    }
    Some(out)
}

/// A token of code: an identifier or one punctuation character, strings skipped.
#[derive(Debug)]
enum Token {
    Name(usize, usize),
    Punct(u8),
    Str(usize, usize),
}

fn tokens(text: &str, (from, to): (usize, usize)) -> Vec<Token> {
    let bytes = text.as_bytes();
    let ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c == b'$';
    let mut out = Vec::new();
    let mut i = from;
    while i < to {
        let c = bytes[i];
        if c.is_ascii_whitespace() {
            i += 1;
        } else if c == b'\'' || c == b'"' {
            let end = skip_string(bytes, i).min(to);
            out.push(Token::Str(i, end));
            i = end;
        } else if ident(c) {
            let start = i;
            while i < to && ident(bytes[i]) {
                i += 1;
            }
            out.push(Token::Name(start, i));
        } else {
            out.push(Token::Punct(c));
            i += 1;
            while i < to && !text.is_char_boundary(i) {
                i += 1;
            }
        }
    }
    out
}

/// A read of `root.name` or `root['name']` in code: the byte range of the name (inside the
/// quotes for a subscript) and whether it is dotted.
fn reads_of(text: &str, region: &Region, root: &str) -> Vec<(usize, usize, bool)> {
    let tokens = tokens(text, region.code);
    let mut out = Vec::new();
    for (i, token) in tokens.iter().enumerate() {
        let Token::Name(s, e) = *token else { continue };
        if &text[s..e] != root || matches!(i.checked_sub(1).map(|p| &tokens[p]), Some(Token::Punct(b'.'))) {
            continue;
        }
        match (tokens.get(i + 1), tokens.get(i + 2), tokens.get(i + 3)) {
            (Some(Token::Punct(b'.')), Some(Token::Name(ns, ne)), next) => {
                // `steps.fetch-base`: Backstage reads a subtraction; already wrong, not a site.
                if !matches!(next, Some(Token::Punct(b'-'))) && !text.as_bytes()[*ns].is_ascii_digit() {
                    out.push((*ns, *ne, true));
                }
            }
            (Some(Token::Punct(b'[')), Some(Token::Str(ss, se)), Some(Token::Punct(b']'))) if se - ss >= 3 => {
                out.push((ss + 1, se - 1, false));
            }
            _ => {}
        }
    }
    out
}

/// Known filters called in an expression: byte ranges of their names; and whether any filter is.
fn filters_in(text: &str, region: &Region, known: &HashSet<&str>) -> (Vec<(usize, usize)>, bool) {
    let tokens = tokens(text, region.code);
    let mut out = Vec::new();
    let mut any = false;
    for (i, token) in tokens.iter().enumerate() {
        let Token::Punct(b'|') = token else { continue };
        if let Some(Token::Name(s, e)) = tokens.get(i + 1) {
            any = true;
            if known.contains(&text[*s..*e]) {
                out.push((*s, *e));
            }
        }
    }
    (out, any)
}

/// A deterministic rename of `name` to one for which `free` holds: the `n`-th of three ways
/// first (a letter dropped, two letters swapped, a suffix), so the seeds vary.
fn renamed(name: &str, n: usize, dotted: bool, free: &dyn Fn(&str) -> bool) -> Option<String> {
    let chars: Vec<char> = name.chars().collect();
    let mid = chars.len() / 2;
    let ways = [
        (chars.len() >= 3).then(|| chars.iter().enumerate().filter(|(i, _)| *i != mid).map(|(_, c)| c).collect()),
        (chars.len() >= 2 && chars[mid - 1] != chars[mid]).then(|| {
            let mut swapped = chars.clone();
            swapped.swap(mid - 1, mid);
            swapped.into_iter().collect()
        }),
        Some(format!("{name}Old")),
    ];
    (0..3)
        .map(|k| &ways[(n + k) % 3])
        .flatten()
        .find(|candidate: &&String| {
            let identifier = candidate.chars().next().is_some_and(|c| !c.is_ascii_digit());
            candidate.as_str() != name && (!dotted || identifier) && free(candidate)
        })
        .cloned()
}

/// `name` with the `n`-th droppable character (not `:`) dropped, if that is not `taken`.
fn dropped(name: &str, n: usize, taken: &dyn Fn(&str) -> bool) -> Option<String> {
    let chars: Vec<char> = name.chars().collect();
    let positions: Vec<usize> = (0..chars.len()).filter(|i| chars[*i] != ':').collect();
    (0..positions.len()).map(|k| positions[(n + k) % positions.len()]).find_map(|skip| {
        let candidate: String = chars.iter().enumerate().filter(|(i, _)| *i != skip).map(|(_, c)| c).collect();
        (!candidate.is_empty() && !taken(&candidate)).then_some(candidate)
    })
}

/// Calls `f` with the pointer and text of every string Backstage renders: steps' `input`, `if`
/// and `each`, and `spec.output`.
fn rendered_strings(entity: &Value, f: &mut dyn FnMut(String, &str)) {
    fn walk(value: &Value, pointer: String, f: &mut dyn FnMut(String, &str)) {
        match value {
            Value::String(text) => f(pointer, text),
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    walk(item, format!("{pointer}/{i}"), f);
                }
            }
            Value::Object(members) => {
                for (key, item) in members {
                    walk(item, format!("{pointer}/{}", trellis::yaml::escape_pointer_segment(key)), f);
                }
            }
            _ => {}
        }
    }
    let steps = entity.pointer("/spec/steps").and_then(Value::as_array).map_or(&[][..], Vec::as_slice);
    for (index, step) in steps.iter().enumerate() {
        for key in ["input", "if", "each"] {
            if let Some(value) = step.get(key) {
                walk(value, format!("/spec/steps/{index}/{key}"), f);
            }
        }
    }
    if let Some(output) = entity.pointer("/spec/output") {
        walk(output, "/spec/output".into(), f);
    }
}

/// Every property name and `required` name anywhere under `value`.
fn declared_names(value: &Value, out: &mut HashSet<String>) {
    match value {
        Value::Object(members) => {
            if let Some(Value::Object(properties)) = members.get("properties") {
                out.extend(properties.keys().cloned());
            }
            if let Some(Value::Array(required)) = members.get("required") {
                out.extend(required.iter().filter_map(Value::as_str).map(str::to_string));
            }
            members.values().for_each(|v| declared_names(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| declared_names(v, out)),
        _ => {}
    }
}

/// What was left out of the seeding, for the printout.
#[derive(Default)]
struct LeftOut {
    /// Templates with a page taking any field: no `parameter` seeds.
    open_forms: usize,
    /// Templated strings with `{% raw %}` or a syntax error as written.
    strings: usize,
}

/// The seeds of every kind in one Template document.
fn seeds_of(
    file: usize,
    document: usize,
    entity: &Value,
    broken: &dyn Fn(&str) -> bool,
    counter: &mut usize,
    left_out: &mut LeftOut,
    out: &mut Vec<Seed>,
) {
    let known_filters: HashSet<&str> = FILTERS.iter().chain(BACKSTAGE_FILTERS).copied().collect();
    let manifest = Manifest::builtin_and_modules();
    let pages: Vec<&Value> = match entity.pointer("/spec/parameters") {
        Some(Value::Array(pages)) => pages.iter().collect(),
        Some(page) => vec![page],
        None => Vec::new(),
    };
    let open_form =
        pages.iter().any(|p| p.get("additionalProperties").is_some_and(|a| a == &Value::Bool(true) || a.is_object()));
    left_out.open_forms += usize::from(open_form);
    let mut declared = HashSet::new();
    declared_names(entity.pointer("/spec/parameters").unwrap_or(&Value::Null), &mut declared);
    let steps = entity.pointer("/spec/steps").and_then(Value::as_array).map_or(&[][..], Vec::as_slice);
    let step_ids: HashSet<&str> = steps.iter().filter_map(|s| s.get("id").and_then(Value::as_str)).collect();
    let mut push = |kind, pointer: &str, start, end, replacement: String, region_start| {
        out.push(Seed { kind, file, document, pointer: pointer.to_string(), start, end, replacement, region_start });
    };

    for (index, step) in steps.iter().enumerate() {
        let Some(action) = step.get("action").and_then(Value::as_str) else { continue };
        if manifest.action(action).is_none() {
            continue;
        }
        *counter += 1;
        if let Some(typo) = dropped(action, *counter, &|id| manifest.action(id).is_some()) {
            push(Kind::Action, &format!("/spec/steps/{index}/action"), 0, action.len(), typo, 0);
        }
    }

    rendered_strings(entity, &mut |pointer, text| {
        let raw = text.contains("{% raw") || text.contains("{%raw") || text.contains("{%- raw");
        if raw || broken(&pointer) {
            left_out.strings += usize::from(text.contains("${{") || text.contains("{%"));
            return;
        }
        let Some(regions) = regions(text) else { return };
        for region in &regions {
            if !open_form {
                for (s, e, dotted) in reads_of(text, region, "parameters") {
                    *counter += 1;
                    if let Some(new) = renamed(&text[s..e], *counter, dotted, &|n| !declared.contains(n)) {
                        push(Kind::Parameter, &pointer, s, e, new, s);
                    }
                }
            }
            for (s, e, dotted) in reads_of(text, region, "steps") {
                *counter += 1;
                if let Some(new) = renamed(&text[s..e], *counter, dotted, &|n| !step_ids.contains(n)) {
                    push(Kind::Step, &pointer, s, e, new, s);
                }
            }
            if !region.expression {
                continue;
            }
            *counter += 1;
            let code_end = region.code.1;
            if *counter % 2 == 1 {
                // Unclosed: the closing delimiter and the blanks before it removed.
                let trimmed = text[..code_end].trim_end().len().max(region.code.0);
                push(Kind::Expression, &pointer, trimmed, region.end, String::new(), region.start);
            } else {
                let pipe = if text[..code_end].ends_with(char::is_whitespace) { "| " } else { " | " };
                push(Kind::Expression, &pointer, code_end, code_end, pipe.to_string(), region.start);
            }
            let (filters, any) = filters_in(text, region, &known_filters);
            for (s, e) in filters {
                *counter += 1;
                if let Some(typo) = dropped(&text[s..e], *counter, &|n| known_filters.contains(n)) {
                    push(Kind::Filter, &pointer, s, e, typo, s);
                }
            }
            if !any {
                let pipe = if text[..code_end].ends_with(char::is_whitespace) { "| uppr " } else { " | uppr" };
                push(Kind::Filter, &pointer, code_end, code_end, pipe.to_string(), code_end);
            }
        }
    });
}

/// The file text with `seed` applied, and the byte offsets in it of the seeded region's start and
/// of the change; `None` when the changed file does not read back as the intended string.
fn apply(corpus: &Corpus, seed: &Seed) -> Option<(String, usize, usize)> {
    let document = &corpus.documents[seed.document];
    let value = document.value.pointer(&seed.pointer)?.as_str()?;
    let mut expected = value.to_string();
    expected.replace_range(seed.start..seed.end, &seed.replacement);
    // Where the value is written: its anchor (the region holding the seed, or the whole value)
    // found in the raw scalar as often as in the value, the same occurrence taken.
    let node = document.map.get(&seed.pointer)?;
    let byte_of = |chars: usize| corpus.source.char_indices().nth(chars).map_or(corpus.source.len(), |(b, _)| b);
    let (raw_start, raw_end) = (byte_of(node.chars.0), byte_of(node.chars.1));
    let raw = &corpus.source[raw_start..raw_end];
    let (anchor_start, anchor_end) = regions(value)
        .and_then(|all| all.into_iter().find(|r| r.start <= seed.region_start && seed.region_start < r.end))
        .map_or((0, value.len()), |r| (r.start, r.end));
    let anchor = &value[anchor_start..anchor_end.max(seed.end)];
    let in_value: Vec<usize> = value.match_indices(anchor).map(|(at, _)| at).collect();
    let in_raw: Vec<usize> = raw.match_indices(anchor).map(|(at, _)| at).collect();
    if in_value.len() != in_raw.len() {
        return None;
    }
    let nth = in_value.iter().position(|at| *at == anchor_start)?;
    let at = raw_start + in_raw[nth];
    let (start, end) = (at + seed.start - anchor_start, at + seed.end - anchor_start);
    let mut source = corpus.source.clone();
    source.replace_range(start..end, &seed.replacement);
    // The changed file must hold the same documents, but for exactly this string.
    let mut wanted: Vec<Value> = corpus.documents.iter().map(|d| d.value.clone()).collect();
    *wanted[seed.document].pointer_mut(&seed.pointer)? = Value::String(expected);
    let reread: Vec<Value> = parse_documents(&source, None).ok()?.into_iter().map(|d| d.value).collect();
    (reread == wanted).then_some((source, at + seed.region_start - anchor_start, start))
}

/// The changed expression (or value) of a seed, for the list of misses.
fn excerpt(corpus: &Corpus, seed: &Seed) -> String {
    let value = corpus.documents[seed.document].value.pointer(&seed.pointer).and_then(Value::as_str).unwrap_or("");
    let (from, to) = regions(value)
        .and_then(|all| all.into_iter().find(|r| r.start <= seed.region_start && seed.region_start < r.end))
        .map_or((0, value.len()), |r| (r.start, r.end));
    let changed = format!("{}{}{}", &value[from..seed.start], seed.replacement, &value[seed.end..to]);
    let short: String = changed.chars().take(160).collect();
    format!("{short:?}")
}

/// At most [`PER_FILE_AND_KIND`] seeds of each kind per file, evenly spaced through it, so that
/// the few templates with hundreds of expressions do not outweigh the rest (and a run stays
/// within a minute).
fn sample(seeds: Vec<Seed>) -> Vec<Seed> {
    let mut groups: BTreeMap<(usize, Kind), Vec<Seed>> = BTreeMap::new();
    for seed in seeds {
        groups.entry((seed.file, seed.kind)).or_default().push(seed);
    }
    let mut out = Vec::new();
    for (_, group) in groups {
        let n = group.len();
        let take = n.min(PER_FILE_AND_KIND);
        let picks: HashSet<usize> = (0..take).map(|k| k * n / take).collect();
        out.extend(group.into_iter().enumerate().filter(|(i, _)| picks.contains(i)).map(|(_, seed)| seed));
    }
    out
}

fn line_of(text: &str, byte: usize) -> u32 {
    text[..byte].bytes().filter(|b| *b == b'\n').count() as u32 + 1
}

/// Whether the check of `source` finds a new error of the seed's rule starting on lines `lines`.
fn caught(corpus: &Corpus, seed: &Seed, source: &str, lines: (u32, u32)) -> bool {
    let key = |d: &Diagnostic| (d.rule, d.line, d.message.clone());
    let mut before: HashMap<_, usize> = HashMap::new();
    for d in corpus.baseline.iter().filter(|d| d.severity == Severity::Error) {
        *before.entry(key(d)).or_default() += 1;
    }
    check(&corpus.path, source).iter().filter(|d| d.severity == Severity::Error).any(|d| {
        let old = before.get_mut(&key(d)).filter(|n| **n > 0).map(|n| *n -= 1).is_some();
        !old && d.rule == seed.kind.rule() && d.file == corpus.path && d.line >= lines.0 && d.line <= lines.1
    })
}

#[test]
fn seeded_mistakes_are_caught_on_their_lines() {
    let root = common::corpus_root();
    let mut corpus = Vec::new();
    let mut refused = Vec::new();
    for path in template_files(&root) {
        let source = fs::read_to_string(root.join(&path)).unwrap_or_else(|e| panic!("{path}: {e}"));
        // A file the catalog refuses (redhat-ai-dev's `skeleton/template.yaml` is YAML only once its
        // scripts fill it in) is no template Backstage runs.
        let Ok(documents) = parse_documents(&source, Some(&path)) else {
            refused.push(path);
            continue;
        };
        let baseline = check(&path, &source);
        corpus.push(Corpus { path, source, documents, baseline });
    }
    let mut seeds = Vec::new();
    let mut counter = 0;
    let mut left_out = LeftOut::default();
    for (file, template) in corpus.iter().enumerate() {
        for (document, parsed) in template.documents.iter().enumerate() {
            // A string Backstage cannot parse as written (the check's `expression-syntax` error on
            // one of its lines) shows no second mistake: Backstage fails it either way.
            let broken = |pointer: &str| {
                parsed.map.get(pointer).is_some_and(|node| {
                    template.baseline.iter().any(|d| {
                        d.rule == "expression-syntax" && d.line >= node.value.line && d.line <= node.value.end_line
                    })
                })
            };
            if parsed.value.get("kind").and_then(Value::as_str) == Some("Template") {
                seeds_of(file, document, &parsed.value, &broken, &mut counter, &mut left_out, &mut seeds);
            }
        }
    }

    // TRELLIS_RECALL_ALL=1 seeds every site (about 8,000 checks, minutes in a debug build).
    let all = seeds.len();
    let seeds = if std::env::var_os("TRELLIS_RECALL_ALL").is_some() { seeds } else { sample(seeds) };

    // Each seed is one check of one changed file: spread over the machine's cores.
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<(usize, Option<(String, bool)>)>> = Mutex::new(Vec::new());
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(4);
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(seed) = seeds.get(i) else { break };
                let template = &corpus[seed.file];
                let outcome = apply(template, seed).map(|(source, region, change)| {
                    let lines = (line_of(&source, region), line_of(&source, change));
                    let place = format!("{}:{}", template.path, lines.1);
                    (place, caught(template, seed, &source, lines))
                });
                results.lock().unwrap().push((i, outcome));
            });
        }
    });
    let mut results = results.into_inner().unwrap();
    results.sort_by_key(|(i, _)| *i);

    let mut tally: BTreeMap<Kind, (usize, usize, usize)> = BTreeMap::new();
    let mut misses = Vec::new();
    for (i, outcome) in &results {
        let seed = &seeds[*i];
        let entry = tally.entry(seed.kind).or_default();
        match outcome {
            None => entry.2 += 1,
            Some((place, hit)) => {
                entry.1 += 1;
                if *hit {
                    entry.0 += 1;
                } else {
                    misses.push(format!("  {place} [{}] {}", seed.kind.name(), excerpt(&corpus[seed.file], seed)));
                }
            }
        }
    }
    println!(
        "check recall: {} template files ({} refused as YAML: {}), seeds caught by an error of their rule on their line",
        corpus.len(),
        refused.len(),
        refused.join(", ")
    );
    println!(
        "  {} of {all} sites seeded; left out: {} templated strings with `{{% raw %}}` or already a syntax error, \
         the parameters of {} templates whose form takes any field",
        seeds.len(),
        left_out.strings,
        left_out.open_forms
    );
    let mut low = Vec::new();
    for kind in Kind::ALL {
        let (hit, seeded, unreadable) = tally.get(&kind).copied().unwrap_or_default();
        let rate = if seeded == 0 { 0.0 } else { hit as f64 / seeded as f64 };
        println!(
            "  {:26} {hit:5}/{seeded:<5} {:6.2} %  ({}; {unreadable} seeds not read back as written, not counted)",
            kind.name(),
            rate * 100.0,
            kind.rule()
        );
        // Seeds the harness could not place must stay rare, or the rate would hide where they are.
        if rate < REQUIRED_RATE || seeded < 50 || unreadable * 100 > (seeded + unreadable) * 3 {
            low.push(format!("{}: {hit}/{seeded}", kind.name()));
        }
    }
    println!("missed ({}):\n{}", misses.len(), misses.join("\n"));
    assert!(
        low.is_empty(),
        "recall below {} % (or under 50 seeds, or over 3 % not read back): {}",
        REQUIRED_RATE * 100.0,
        low.join(", ")
    );
}
