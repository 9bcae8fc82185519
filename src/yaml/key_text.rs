//! A mapping key that is not a plain value, as the string key the catalog makes of it.
//!
//! JavaScript object keys are strings, so npm `yaml`'s `toJSON()` prints a collection key back
//! as YAML, in flow style (`[ a, b ]`, `{ host }` for the `{{ host }}` placeholder), with a
//! warning, and an alias of a collection as `*name`. The printing follows `yaml` 2.9.1's
//! stringifier with its default options: each scalar in its source style when it can be
//! (plain, quoted, numbers as written: `0x1f`, `1.50`, `1e+3`), flow collections on one line up
//! to 80 columns and one item per line beyond, long scalars folded at 80 columns. Comments and
//! blank lines inside such a key, which `yaml` would print too, are left out.

use saphyr_parser::ScalarStyle;

use super::compose::{Kind, NodeId, Tree};
use super::schema::{self, NumberFormat, Scalar, CORE_TAG};
use super::stand_ins::StandIns;
use crate::engine::value::{number_to_string, string_to_number, utf16_len};

const LINE_WIDTH: usize = 80;
const MIN_CONTENT_WIDTH: usize = 20;
const INDENT_STEP: &str = "  ";
/// Shorter double-quoted strings keep `\n` escapes; longer ones break lines there.
const DOUBLE_QUOTED_MIN_MULTILINE: usize = 40;

/// The string key of node `id` (a collection, an alias or a date).
pub(super) fn key_text(tree: &Tree, stand_ins: &StandIns, id: NodeId) -> String {
    let printer = Printer { tree, stand_ins };
    match &tree.node(id).kind {
        Kind::Alias(_) => printer.alias(id),
        Kind::Scalar { .. } => match printer.scalar_value(id).0 {
            // `String(date)`, which is in the server's time zone: Trellis assumes UTC.
            Scalar::Timestamp(ms) => ms.map_or_else(|| "Invalid Date".to_string(), utc_date_string),
            _ => printer.scalar(id, &mut Context::default()),
        },
        Kind::Sequence(_) | Kind::Mapping(_) => printer.collection(id, &Context::default()),
    }
}

/// A tag as `yaml` writes it: `!!str` for the core tags, local tags as they are, others verbatim.
pub(super) fn tag_text(tag: &str) -> String {
    if let Some(suffix) = tag.strip_prefix(CORE_TAG) {
        let mut out = String::from("!!");
        for c in suffix.chars() {
            match c {
                '!' => out.push_str("%21"),
                ',' => out.push_str("%2C"),
                '[' => out.push_str("%5B"),
                ']' => out.push_str("%5D"),
                '{' => out.push_str("%7B"),
                '}' => out.push_str("%7D"),
                _ => out.push(c),
            }
        }
        return out;
    }
    if tag.starts_with('!') {
        tag.to_string()
    } else {
        format!("!<{tag}>")
    }
}

/// The printer's state as `yaml` passes it down (copied where `yaml` copies it, shared where
/// it mutates it in place).
#[derive(Clone, Default)]
struct Context {
    indent: String,
    implicit_key: bool,
    all_null_values: bool,
    /// Columns already used on the current line (for folding).
    indent_at_start: Option<usize>,
}

struct Printer<'t, 'a> {
    tree: &'t Tree<'a>,
    stand_ins: &'t StandIns,
}

/// How a scalar is quoted.
#[derive(Clone, Copy, PartialEq)]
enum Quoting {
    Plain,
    Single,
    Double,
    Block,
}

#[derive(Clone, Copy, PartialEq)]
enum Fold {
    Flow,
    Quoted,
}

impl Printer<'_, '_> {
    fn alias(&self, id: NodeId) -> String {
        let node = self.tree.node(id);
        format!("*{}", self.tree.text.slice(node.start.index() + 1..node.end.index()))
    }

    fn collection(&self, id: NodeId, context: &Context) -> String {
        let tree = self.tree;
        match &tree.node(id).kind {
            Kind::Mapping(range) => {
                let children = tree.children(range);
                let mut context = context.clone();
                if !context.all_null_values && children.chunks_exact(2).all(|pair| self.absent_value(pair[0], pair[1]))
                {
                    context.all_null_values = true;
                }
                let item_indent = context.indent.clone();
                self.flow(children, true, &context, ('{', '}'), &item_indent)
            }
            Kind::Sequence(range) => {
                let item_indent = format!("{}{INDENT_STEP}", context.indent);
                self.flow(tree.children(range), false, context, ('[', ']'), &item_indent)
            }
            _ => String::new(),
        }
    }

    /// Is the mapping value `value` absent (no `:` after the key), as in `{ host }`?
    fn absent_value(&self, key: NodeId, value: NodeId) -> bool {
        let node = self.tree.node(value);
        let empty = matches!(&node.kind, Kind::Scalar { value, style: ScalarStyle::Plain } if value.is_empty());
        if !empty || node.anchor > 0 || node.tag.is_some() {
            return false;
        }
        let between = self.tree.text.slice(self.tree.node(key).end.index()..node.start.index() + 1);
        let mut in_comment = false;
        for c in between.chars() {
            match c {
                '#' => in_comment = true,
                '\n' => in_comment = false,
                ':' if !in_comment => return false,
                _ => {}
            }
        }
        true
    }

    fn flow(
        &self,
        children: &[NodeId],
        pairs: bool,
        context: &Context,
        brackets: (char, char),
        item_indent: &str,
    ) -> String {
        let mut item_context = Context { indent: format!("{item_indent}{INDENT_STEP}"), ..context.clone() };
        let count = if pairs { children.len() / 2 } else { children.len() };
        let mut lines = Vec::with_capacity(count);
        let mut multiline = false;
        for index in 0..count {
            let mut text = if pairs {
                self.pair(children[2 * index], children[2 * index + 1], &mut item_context)
            } else {
                self.node(children[index], &mut item_context)
            };
            multiline |= text.contains('\n');
            if index + 1 < count {
                text.push(',');
            }
            lines.push(text);
        }
        let (start, end) = brackets;
        if lines.is_empty() {
            return format!("{start}{end}");
        }
        if !multiline {
            let width = lines.iter().map(|line| utf16_len(line) + 2).sum::<usize>() + 2;
            multiline = width > LINE_WIDTH;
        }
        if !multiline {
            return format!("{start} {} {end}", lines.join(" "));
        }
        let mut out = start.to_string();
        for line in &lines {
            out.push('\n');
            if !line.is_empty() {
                out.push_str(INDENT_STEP);
                out.push_str(&context.indent);
                out.push_str(line);
            }
        }
        format!("{out}\n{}{end}", context.indent)
    }

    fn pair(&self, key: NodeId, value: NodeId, context: &mut Context) -> String {
        let tree = self.tree;
        let key_node = tree.node(key);
        let explicit = match &key_node.kind {
            Kind::Scalar { style, .. } => matches!(style, ScalarStyle::Literal | ScalarStyle::Folded),
            // Collections and aliases (objects, to `yaml`) are written as `? key`.
            _ => true,
        };
        let mut key_context = Context {
            indent: format!("{}{INDENT_STEP}", context.indent),
            implicit_key: !explicit && !context.all_null_values,
            all_null_values: false,
            indent_at_start: context.indent_at_start,
        };
        let mut text = self.node(key, &mut key_context);
        if context.all_null_values || self.absent_value(key, value) {
            return if text.is_empty() {
                "?".into()
            } else if explicit {
                format!("? {text}")
            } else {
                text
            };
        }
        if explicit {
            text = format!("? {text}\n{}:", context.indent);
        } else {
            text.push(':');
        }
        let value_node = tree.node(value);
        key_context.implicit_key = false;
        if !explicit && matches!(value_node.kind, Kind::Scalar { .. }) {
            key_context.indent_at_start = Some(utf16_len(&text) + 1);
        }
        let value_text = self.node(value, &mut key_context);
        let collection = matches!(value_node.kind, Kind::Sequence(_) | Kind::Mapping(_));
        let gap = if !explicit && collection {
            if value_text.contains('\n') && !props_on_own_line(&value_text) {
                format!("\n{}", key_context.indent)
            } else {
                " ".into()
            }
        } else if value_text.is_empty() || value_text.starts_with('\n') {
            String::new()
        } else {
            " ".into()
        };
        format!("{text}{gap}{value_text}")
    }

    /// A node with its `&anchor` and `!tag`.
    fn node(&self, id: NodeId, context: &mut Context) -> String {
        let tree = self.tree;
        let node = tree.node(id);
        if let Kind::Alias(_) = node.kind {
            let text = self.alias(id);
            return if context.implicit_key { format!("{text} ") } else { text };
        }
        let mut props = Vec::new();
        if let Some(anchor) = tree.props(id).anchor.filter(|_| node.anchor > 0) {
            props.push(format!("&{anchor}"));
        }
        let tag = match (&node.kind, node.tag.as_deref()) {
            // `!` and the matching core tag both name the collection's own type.
            (Kind::Mapping(_), Some(t)) if t == "!" || t == "tag:yaml.org,2002:map" => Some("tag:yaml.org,2002:map"),
            (Kind::Sequence(_), Some(t)) if t == "!" || t == "tag:yaml.org,2002:seq" => Some("tag:yaml.org,2002:seq"),
            (_, tag) => tag,
        };
        if let Some(tag) = tag {
            props.push(tag_text(tag));
        }
        let props = props.join(" ");
        if !props.is_empty() {
            context.indent_at_start = Some(context.indent_at_start.unwrap_or(0) + utf16_len(&props) + 1);
        }
        // A collection with a scalar's core tag is printed by that tag's printer, which finds no
        // value in it: `!!null null`, `!!bool false`, `!!int .nan`, `!!str undefined`.
        let scalar_tag = match (&node.kind, tag.and_then(|t| t.strip_prefix(CORE_TAG))) {
            (Kind::Sequence(_) | Kind::Mapping(_), Some(name @ ("null" | "bool" | "int" | "float" | "str"))) => {
                Some(name)
            }
            _ => None,
        };
        let body = match (&node.kind, scalar_tag) {
            (_, Some("null")) => "null".to_string(),
            (_, Some("bool")) => "false".to_string(),
            (_, Some("int" | "float")) => ".nan".to_string(),
            (_, Some(_)) => self.string("undefined", ScalarStyle::Plain, context, true),
            (Kind::Scalar { .. }, None) => self.scalar(id, context),
            _ => self.collection(id, context),
        };
        if props.is_empty() {
            body
        } else if matches!(node.kind, Kind::Scalar { .. }) || body.starts_with(['{', '[']) {
            format!("{props} {body}")
        } else {
            format!("{props}\n{}{body}", context.indent)
        }
    }

    /// The scalar's resolved value and text (lone CRs restored).
    fn scalar_value(&self, id: NodeId) -> (Scalar, String, Option<String>) {
        let node = self.tree.node(id);
        let Kind::Scalar { value, style } = &node.kind else { return (Scalar::Null, String::new(), None) };
        let text = self.stand_ins.restore(value).unwrap_or_else(|| value.to_string());
        let resolved = schema::resolve(&text, *style == ScalarStyle::Plain, node.tag.as_deref());
        match resolved {
            Ok(resolved) => (resolved.scalar, text, resolved.unresolved_tag),
            Err(_) => (Scalar::Text, text, None),
        }
    }

    fn scalar(&self, id: NodeId, context: &mut Context) -> String {
        let (scalar, text, unresolved) = self.scalar_value(id);
        let Kind::Scalar { style, .. } = &self.tree.node(id).kind else { return text };
        if let Some(tag) = unresolved {
            // The tag's own printer runs on the string value.
            match tag.strip_prefix(CORE_TAG) {
                Some("int" | "float") => {
                    let n = string_to_number(&text);
                    return if n.is_finite() { serde_json::Value::String(text).to_string() } else { special_number(n) };
                }
                Some("bool") => return (!text.is_empty()).to_string(),
                Some("null") => return "null".into(),
                // A collection tag on a scalar: printed without the check that keeps
                // number-like strings quoted.
                Some("map" | "seq") => return self.string(&text, *style, context, false),
                _ => {}
            }
        }
        match scalar {
            Scalar::Null => {
                if matches!(text.as_str(), "" | "~" | "null" | "Null" | "NULL") {
                    text
                } else {
                    "null".into()
                }
            }
            Scalar::Bool(b) => {
                if schema::by_pattern(&text) == Scalar::Bool(b) {
                    text
                } else {
                    b.to_string()
                }
            }
            Scalar::Number(n, format) => number_text(n, format),
            Scalar::Text => self.string(&text, *style, context, true),
            Scalar::Binary => {
                // Re-encoded, in lines of the width left (joined by spaces unless in a block).
                let encoded = base64_text(&schema::base64_bytes(&text));
                let width = LINE_WIDTH.saturating_sub(utf16_len(&context.indent)).max(MIN_CONTENT_WIDTH);
                let value = if *style == ScalarStyle::DoubleQuoted {
                    encoded
                } else {
                    let lines: Vec<&str> =
                        encoded.as_bytes().chunks(width).map(|c| std::str::from_utf8(c).unwrap_or("")).collect();
                    lines.join(if *style == ScalarStyle::Literal { "\n" } else { " " })
                };
                self.string(&value, *style, context, false)
            }
            Scalar::Timestamp(ms) => {
                let iso = ms.map(schema::iso_date).unwrap_or_default();
                let short = iso.strip_suffix("T00:00:00.000Z").or_else(|| iso.strip_suffix(".000Z"));
                short.map_or(iso.clone(), str::to_string)
            }
        }
    }

    /// A string scalar: its source style when that can hold it, else quoted.
    fn string(&self, value: &str, style: ScalarStyle, context: &mut Context, actual_string: bool) -> String {
        let mut quoting = match style {
            ScalarStyle::Plain => Quoting::Plain,
            ScalarStyle::SingleQuoted => Quoting::Single,
            ScalarStyle::DoubleQuoted => Quoting::Double,
            ScalarStyle::Literal | ScalarStyle::Folded => Quoting::Block,
        };
        if quoting != Quoting::Double && value.chars().any(needs_escape) {
            quoting = Quoting::Double;
        }
        match quoting {
            // Block scalars cannot stand inside a flow collection.
            Quoting::Block => quoted(value, context),
            Quoting::Double => double_quoted(value, context),
            Quoting::Single => single_quoted(value, context),
            Quoting::Plain => plain(value, context, actual_string),
        }
    }
}

/// `&a\n…` or `!tag\n…`: the value's properties end its first line.
fn props_on_own_line(text: &str) -> bool {
    let Some(newline) = text.find('\n') else { return false };
    if !text.starts_with(['&', '!']) {
        return false;
    }
    let mut space = text.find(' ');
    if text.starts_with('&') {
        if let Some(at) = space.filter(|&at| at < newline && text[at + 1..].starts_with('!')) {
            space = text[at + 1..].find(' ').map(|rel| at + 1 + rel);
        }
    }
    space.is_none_or(|at| newline < at)
}

/// Control characters (and C1 controls) force double quotes.
fn needs_escape(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{b}'..='\u{1f}' | '\u{7f}'..='\u{9f}')
}

fn contains_document_marker(value: &str) -> bool {
    value.split('\n').any(|line| line.starts_with('%') || line.starts_with("---") || line.starts_with("..."))
}

/// Could this string be written plain without reading back differently?
fn unsafe_plain(value: &str) -> bool {
    let chars: Vec<char> = value.chars().collect();
    let Some(&first) = chars.first() else { return false };
    if "\n\t ,[]{}#&*!|>'\"%@`".contains(first) {
        return true;
    }
    if (first == '?' || first == '-') && (chars.len() == 1 || matches!(chars[1], ' ' | '\t')) {
        return true;
    }
    let last = chars[chars.len() - 1];
    if matches!(last, '\n' | '\t' | ' ' | ':') {
        return true;
    }
    chars.windows(2).any(|w| {
        (matches!(w[0], '\n' | ':') && matches!(w[1], ' ' | '\t'))
            || (matches!(w[0], ' ' | '\t') && w[1] == '\n')
            || (matches!(w[0], '\n' | '\t' | ' ') && w[1] == '#')
    })
}

/// Each run of line breaks gets one more, and the indent (how plain and single-quoted
/// scalars keep their line breaks when folded back).
fn double_line_breaks(value: &str, indent: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(c);
        if c == '\n' && chars.peek() != Some(&'\n') {
            out.push('\n');
            out.push_str(indent);
        }
    }
    out
}

fn plain(value: &str, context: &Context, actual_string: bool) -> String {
    if (context.implicit_key && value.contains('\n')) || value.contains(['[', ']', '{', '}', ',']) {
        return quoted(value, context);
    }
    if unsafe_plain(value) {
        return quoted(value, context);
    }
    if contains_document_marker(value) && context.implicit_key && context.indent == INDENT_STEP {
        return quoted(value, context);
    }
    let text = double_line_breaks(value, &context.indent);
    // A string that would read back as a number, boolean or null is quoted.
    if actual_string && schema::by_pattern(&text) != Scalar::Text {
        return quoted(value, context);
    }
    if context.implicit_key {
        text
    } else {
        fold(&text, &context.indent, Fold::Flow, context.indent_at_start)
    }
}

fn quoted(value: &str, context: &Context) -> String {
    if value.contains('"') && !value.contains('\'') {
        single_quoted(value, context)
    } else {
        double_quoted(value, context)
    }
}

fn block_indent(value: &str, context: &Context) -> String {
    if !context.indent.is_empty() {
        context.indent.clone()
    } else if contains_document_marker(value) {
        INDENT_STEP.into()
    } else {
        String::new()
    }
}

fn single_quoted(value: &str, context: &Context) -> String {
    let blank_around_break =
        value.contains(" \n") || value.contains("\t\n") || value.contains("\n ") || value.contains("\n\t");
    if (context.implicit_key && value.contains('\n')) || blank_around_break {
        return double_quoted(value, context);
    }
    let indent = block_indent(value, context);
    let text = format!("'{}'", double_line_breaks(&value.replace('\'', "''"), &indent));
    if context.implicit_key {
        text
    } else {
        fold(&text, &indent, Fold::Flow, context.indent_at_start)
    }
}

/// `JSON.stringify` of a string.
fn json_string(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn double_quoted(value: &str, context: &Context) -> String {
    let json: Vec<char> = json_string(value).chars().collect();
    let json_len = utf16_len(&json_string(value));
    let indent = block_indent(value, context);
    let at = |i: usize| json.get(i).copied();
    let slice = |from: usize, to: usize| json[from..to.min(json.len())].iter().collect::<String>();
    let mut out = String::new();
    let mut start = 0;
    let mut i = 0;
    while i < json.len() {
        let mut c = json[i];
        if c == ' ' && at(i + 1) == Some('\\') && at(i + 2) == Some('n') {
            // A space before a line break is escaped, or folding would eat it.
            out.push_str(&slice(start, i));
            out.push_str("\\ ");
            i += 1;
            start = i;
            c = '\\';
        }
        if c == '\\' {
            match at(i + 1) {
                Some('u') => {
                    out.push_str(&slice(start, i));
                    let code = slice(i + 2, i + 6);
                    match code.as_str() {
                        "0000" => out.push_str("\\0"),
                        "0007" => out.push_str("\\a"),
                        "000b" => out.push_str("\\v"),
                        "001b" => out.push_str("\\e"),
                        "0085" => out.push_str("\\N"),
                        "00a0" => out.push_str("\\_"),
                        "2028" => out.push_str("\\L"),
                        "2029" => out.push_str("\\P"),
                        _ if code.starts_with("00") => out.push_str(&format!("\\x{}", &code[2..])),
                        _ => out.push_str(&slice(i, i + 6)),
                    }
                    i += 5;
                    start = i + 1;
                }
                Some('n') => {
                    if context.implicit_key || at(i + 2) == Some('"') || json_len < DOUBLE_QUOTED_MIN_MULTILINE {
                        i += 1;
                    } else {
                        // Real line breaks (folding eats the first), the indent, and an escaped
                        // space when the next line starts with one.
                        out.push_str(&slice(start, i));
                        out.push_str("\n\n");
                        while at(i + 2) == Some('\\') && at(i + 3) == Some('n') && at(i + 4) != Some('"') {
                            out.push('\n');
                            i += 2;
                        }
                        out.push_str(&indent);
                        if at(i + 2) == Some(' ') {
                            out.push('\\');
                        }
                        i += 1;
                        start = i + 1;
                    }
                }
                _ => i += 1,
            }
        }
        i += 1;
    }
    let text = if start > 0 { out + &slice(start, json.len()) } else { json.iter().collect() };
    if context.implicit_key {
        text
    } else {
        fold(&text, &indent, Fold::Quoted, context.indent_at_start)
    }
}

/// Breaks `text` into lines of at most 80 columns where `yaml` would: at a space between two
/// non-blank characters or, in double quotes, anywhere (with an escaped line break). Counts
/// UTF-16 units, as JavaScript does.
fn fold(text: &str, indent: &str, mode: Fold, indent_at_start: Option<usize>) -> String {
    let units: Vec<u16> = text.encode_utf16().collect();
    let indent_len = utf16_len(indent) as i64;
    let width = LINE_WIDTH as i64;
    let min_content = MIN_CONTENT_WIDTH as i64;
    let end_step = (1 + min_content).max(1 + width - indent_len);
    if units.len() as i64 <= end_step {
        return text.to_string();
    }
    let unit = |i: i64| -> Option<u16> { (i >= 0).then(|| units.get(i as usize).copied()).flatten() };
    let is = |u: Option<u16>, c: char| u == Some(c as u16);
    let mut folds: Vec<i64> = Vec::new();
    let mut escaped_folds: Vec<i64> = Vec::new();
    let mut end = width - indent_len;
    if let Some(start) = indent_at_start {
        if start as i64 > width - min_content.max(2) {
            folds.push(0);
        } else {
            end = width - start as i64;
        }
    }
    let mut split: Option<i64> = None;
    let mut prev: Option<u16> = None;
    let mut i: i64 = -1;
    let (mut escape_start, mut escape_end) = (-1i64, -1i64);
    loop {
        i += 1;
        let Some(mut c) = unit(i) else { break };
        if mode == Fold::Quoted && c == b'\\' as u16 {
            escape_start = i;
            i += match unit(i + 1).map(|u| u as u8 as char) {
                Some('x') => 3,
                Some('u') => 5,
                Some('U') => 9,
                _ => 1,
            };
            escape_end = i;
        }
        if c == b'\n' as u16 {
            end = i + indent_len + end_step;
            split = None;
        } else {
            let blank = |u: Option<u16>| is(u, ' ') || is(u, '\n') || is(u, '\t');
            if c == b' ' as u16 && prev.is_some() && !blank(prev) {
                let next = unit(i + 1);
                if next.is_some() && !blank(next) {
                    split = Some(i);
                }
            }
            if i >= end {
                if let Some(at) = split.take() {
                    folds.push(at);
                    end = at + end_step;
                } else if mode == Fold::Quoted {
                    // Blanks collected at the end may stretch past the width.
                    let mut current = Some(c);
                    while is(prev, ' ') || is(prev, '\t') {
                        prev = current;
                        i += 1;
                        current = unit(i);
                    }
                    let j = if i > escape_end + 1 { i - 2 } else { escape_start - 1 };
                    if escaped_folds.contains(&j) {
                        return text.to_string();
                    }
                    folds.push(j);
                    escaped_folds.push(j);
                    end = j + end_step;
                    match current {
                        Some(u) => c = u,
                        None => break,
                    }
                }
            }
        }
        prev = Some(c);
    }
    if folds.is_empty() {
        return text.to_string();
    }
    let piece = |from: i64, to: i64| {
        String::from_utf16_lossy(&units[from.max(0) as usize..(to.max(0) as usize).min(units.len())])
    };
    let mut out = piece(0, folds[0]);
    for (k, &at) in folds.iter().enumerate() {
        let next = folds.get(k + 1).copied().unwrap_or(units.len() as i64);
        if at == 0 {
            out = format!("\n{indent}{}", piece(0, next));
        } else {
            if mode == Fold::Quoted && escaped_folds.contains(&at) {
                out.push_str(&piece(at, at + 1));
                out.push('\\');
            }
            out.push('\n');
            out.push_str(indent);
            out.push_str(&piece(at + 1, next));
        }
    }
    out
}

/// Standard base64 with padding (`buffer.toString('base64')`).
fn base64_text(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |acc, (i, b)| acc | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// A number as `yaml` prints it in the format it was written in.
fn number_text(n: f64, format: NumberFormat) -> String {
    match format {
        NumberFormat::Hex if n >= 0.0 && n == n.trunc() && n.is_finite() => format!("0x{}", radix_text(n, 4)),
        NumberFormat::Octal if n >= 0.0 && n == n.trunc() && n.is_finite() => format!("0o{}", radix_text(n, 3)),
        NumberFormat::Exponential if n.is_finite() => {
            // `toExponential()`: the shortest digits, a signed exponent.
            let text = format!("{n:e}");
            match text.split_once('e') {
                Some((mantissa, exponent)) if !exponent.starts_with('-') => format!("{mantissa}e+{exponent}"),
                _ => text,
            }
        }
        NumberFormat::Fraction { min_digits } => decimal_text(n, min_digits),
        _ => decimal_text(n, 0),
    }
}

fn special_number(n: f64) -> String {
    if n.is_nan() {
        ".nan".into()
    } else if n < 0.0 {
        "-.inf".into()
    } else {
        ".inf".into()
    }
}

/// `JSON.stringify(n)` (`-0` kept), padded to `min_digits` after the point.
fn decimal_text(n: f64, min_digits: usize) -> String {
    if !n.is_finite() {
        return special_number(n);
    }
    let mut text = if n == 0.0 && n.is_sign_negative() { "-0".to_string() } else { number_to_string(n) };
    if min_digits > 0 && !text.contains('e') {
        let point = match text.find('.') {
            Some(at) => at,
            None => {
                text.push('.');
                text.len() - 1
            }
        };
        let have = text.len() - point - 1;
        text.push_str(&"0".repeat(min_digits.saturating_sub(have)));
    }
    text
}

/// A non-negative integral double in base 2^`bits` (16 or 8), every digit exact.
fn radix_text(n: f64, bits: u32) -> String {
    let digits = "0123456789abcdef".as_bytes();
    if n < 18_446_744_073_709_551_616.0 {
        let mut value = n as u64;
        if value == 0 {
            return "0".into();
        }
        let mut out = Vec::new();
        while value > 0 {
            out.push(digits[(value & ((1 << bits) - 1)) as usize]);
            value >>= bits;
        }
        out.reverse();
        return String::from_utf8(out).unwrap_or_default();
    }
    // Mantissa bits followed by zeros.
    let raw = n.to_bits();
    let exponent = ((raw >> 52) & 0x7ff) as i64 - 1075;
    let mantissa = (raw & ((1 << 52) - 1)) | (1 << 52);
    let mut binary: Vec<u8> = format!("{mantissa:b}").into_bytes();
    binary.extend(std::iter::repeat_n(b'0', exponent.max(0) as usize));
    let pad = (bits as usize - binary.len() % bits as usize) % bits as usize;
    let mut padded = vec![b'0'; pad];
    padded.extend(binary);
    padded
        .chunks(bits as usize)
        .map(|chunk| digits[chunk.iter().fold(0usize, |acc, b| acc * 2 + usize::from(*b == b'1'))] as char)
        .collect()
}

/// `Date.prototype.toString` in UTC: `Fri Dec 14 2001 00:00:00 GMT+0000 (Coordinated Universal Time)`.
fn utc_date_string(ms: f64) -> String {
    let iso = schema::iso_date(ms);
    let days = (ms / 86_400_000.0).floor() as i64;
    let weekday = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][days.rem_euclid(7) as usize];
    let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let (date, time) = iso.split_once('T').unwrap_or((&iso, ""));
    let mut parts = date.rsplitn(3, '-');
    let day = parts.next().unwrap_or("01");
    let month = parts.next().and_then(|m| m.parse::<usize>().ok()).unwrap_or(1);
    let year = parts.next().unwrap_or("1970");
    let year = year.trim_start_matches('+');
    let year = match year.strip_prefix('-') {
        Some(digits) => format!("-{:0>6}", digits.trim_start_matches('0')),
        None => format!("{:0>4}", year.trim_start_matches('0')),
    };
    format!(
        "{weekday} {} {day} {year} {} GMT+0000 (Coordinated Universal Time)",
        months[month - 1],
        &time[..8.min(time.len())]
    )
}
