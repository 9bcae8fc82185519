//! Source rewrites that give minijinja Jinja2's behaviour where it has none, with a map back to
//! the original text so errors keep their file:line:column:
//! - line endings: Jinja2's lexer turns `\r\n` and `\r` into `\n` everywhere in a template;
//! - `{% now 'tz' [± 'days=1'], 'fmt' %}` (cookiecutter's TimeExtension) becomes an output of
//!   `__trellis_now(zone, format)` / `__trellis_now(zone, sign, shift, format)`, with `trim_blocks`/`lstrip_blocks` applied
//!   by hand since the tag is no longer a block;
//! - `L % R` becomes `__trellis_mod(L, R)` (Python's `%`: string formatting or modulo), found on
//!   minijinja's own AST so operands keep their extent;
//! - `{% break %}`, `{% continue %}` and `{% do %}` are refused unless the template lists the
//!   Jinja2 extension that adds them, as Jinja2 does.

use minijinja::machinery::{ast, parse, tokenize, Span, Token};
use minijinja::syntax::SyntaxConfig;

use super::syntax_walk::{walk, AstVisitor};

/// Output offset → original offset, for one rewritten template: one layer per rewrite, the
/// last applied first.
#[derive(Debug, Clone, Default)]
pub(super) struct SourceMap {
    /// Per layer: (output offset, input offset) where a run of unchanged text starts, ascending.
    layers: Vec<Vec<(usize, usize)>>,
}

impl SourceMap {
    pub fn to_original(&self, offset: usize) -> usize {
        self.layers.iter().rev().fold(offset, |offset, points| {
            match points.partition_point(|(out, _)| *out <= offset) {
                0 => offset,
                i => {
                    let (out, input) = points[i - 1];
                    input + (offset - out)
                }
            }
        })
    }

    fn then(mut self, later: SourceMap) -> SourceMap {
        self.layers.extend(later.layers);
        self
    }

    fn layer(points: Vec<(usize, usize)>) -> SourceMap {
        SourceMap { layers: vec![points] }
    }
}

/// An edit: replace `range` of the input with `text`.
struct Edit {
    start: usize,
    end: usize,
    text: String,
}

fn apply(source: &str, mut edits: Vec<Edit>) -> (String, SourceMap) {
    crate::sort::sort_by_key(&mut edits, |e| (e.start, e.end));
    let mut out = String::with_capacity(source.len() + edits.len() * 16);
    let mut points = vec![(0, 0)];
    let mut at = 0;
    for edit in edits {
        if edit.start < at {
            continue;
        }
        out.push_str(&source[at..edit.start]);
        // Inserted text maps to where it was inserted.
        points.push((out.len(), edit.start));
        out.push_str(&edit.text);
        points.push((out.len(), edit.end));
        at = edit.end;
    }
    out.push_str(&source[at..]);
    (out, SourceMap::layer(points))
}

/// What the Jinja2 extensions a template lists allow.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Allowed {
    pub loop_controls: bool,
    pub do_statement: bool,
    pub trim_blocks: bool,
    pub lstrip_blocks: bool,
}

/// A template that cannot be rewritten: a tag Jinja2 would not know.
#[derive(Debug)]
pub(super) struct Refused {
    pub offset: usize,
    pub message: String,
    pub hint: String,
}

/// Rewrites `source` for minijinja; syntax errors are left for minijinja to report.
pub(super) fn rewrite(source: &str, syntax: &SyntaxConfig, allowed: Allowed) -> Result<(String, SourceMap), Refused> {
    let (text, newlines) = normalise_newlines(source);
    let (text, tags) =
        rewrite_tags(&text, syntax, allowed).map_err(|r| Refused { offset: newlines.to_original(r.offset), ..r })?;
    let map = newlines.clone().then(tags);
    if !text.contains('%') {
        return Ok((text, map));
    }
    let (text, modulo) = rewrite_modulo(&text, syntax);
    Ok((text, map.then(modulo)))
}

fn normalise_newlines(source: &str) -> (String, SourceMap) {
    if !source.contains('\r') {
        return (source.to_string(), SourceMap::default());
    }
    let mut edits = Vec::new();
    let bytes = source.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\r' {
            let end = if bytes.get(i + 1) == Some(&b'\n') { i + 2 } else { i + 1 };
            edits.push(Edit { start: i, end, text: "\n".into() });
            i = end;
        } else {
            i += 1;
        }
    }
    apply(source, edits)
}

type Tokens<'s> = Vec<(Token<'s>, Span)>;

fn rewrite_tags(source: &str, syntax: &SyntaxConfig, allowed: Allowed) -> Result<(String, SourceMap), Refused> {
    let Ok(tokens) = tokenize(source, false, syntax.clone()).collect::<Result<Tokens, _>>() else {
        return Ok((source.to_string(), SourceMap::default()));
    };
    let (var_start, var_end) = syntax.variable_delimiters();
    let (block_start, block_end) = syntax.block_delimiters();
    let mut edits = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        if !matches!(tokens[i].0, Token::BlockStart) {
            i += 1;
            continue;
        }
        let Some((Token::Ident(tag), tag_span)) = tokens.get(i + 1) else {
            i += 1;
            continue;
        };
        let refuse = |extension: &str| {
            Refused {
            offset: tag_span.start_offset as usize,
            message: format!("Encountered unknown tag '{tag}'."),
            hint: format!("Jinja2 knows `{{% {tag} %}}` only with the `{extension}` extension: add it to `_extensions` in cookiecutter.json"),
        }
        };
        match *tag {
            "break" | "continue" if !allowed.loop_controls => return Err(refuse("jinja2.ext.loopcontrols")),
            "do" if !allowed.do_statement => return Err(refuse("jinja2.ext.do")),
            "now" => {}
            _ => {
                i += 1;
                continue;
            }
        }
        let Some(end) = tokens[i..].iter().position(|t| matches!(t.0, Token::BlockEnd)).map(|p| p + i) else { break };
        let start_offset = tokens[i].1.start_offset as usize;
        let end_offset = tokens[end].1.end_offset as usize;
        let tag_text = &source[start_offset..end_offset];
        let marker_after_start = tag_text[block_start.len()..].chars().next();
        let marker_before_end = tag_text[..tag_text.len() - block_end.len()].chars().last();
        let open_ws = if marker_after_start == Some('-') { "-" } else { "" };
        let close_ws = if marker_before_end == Some('-') { "-" } else { "" };
        let args = now_arguments(source, &tokens[i + 2..end]);
        let mut edit_start = start_offset;
        let mut edit_end = end_offset;
        if allowed.lstrip_blocks && marker_after_start != Some('+') {
            let line_start = source[..start_offset].rfind('\n').map_or(0, |p| p + 1);
            if source[line_start..start_offset].bytes().all(|b| b == b' ' || b == b'\t') {
                edit_start = line_start;
            }
        }
        if allowed.trim_blocks && marker_before_end != Some('+') && source[end_offset..].starts_with('\n') {
            edit_end += 1;
        }
        edits.push(Edit {
            start: edit_start,
            end: edit_end,
            text: format!("{var_start}{open_ws} {args} {close_ws}{var_end}"),
        });
        i = end + 1;
    }
    Ok(apply(source, edits))
}

/// The call `{% now … %}` stands for (cookiecutter's TimeExtension.parse): `expr [, fmt]`,
/// where an `expr` whose top operator is `+`/`-` is a time zone and a shift.
fn now_arguments(source: &str, tokens: &[(Token, Span)]) -> String {
    let text = |from: usize, to: usize| -> &str {
        if from >= to {
            return "";
        }
        &source[tokens[from].1.start_offset as usize..tokens[to - 1].1.end_offset as usize]
    };
    let mut depth = 0i32;
    let mut comma = None;
    let mut last_op = None;
    for (index, (token, _)) in tokens.iter().enumerate() {
        match token {
            Token::BracketOpen | Token::ParenOpen | Token::BraceOpen => depth += 1,
            Token::BracketClose | Token::ParenClose | Token::BraceClose => depth -= 1,
            Token::Comma if depth == 0 && comma.is_none() => comma = Some(index),
            Token::Plus | Token::Minus if depth == 0 && comma.is_none() && index > 0 => {
                let binary = !matches!(
                    tokens[index - 1].0,
                    Token::Plus | Token::Minus | Token::Mul | Token::Div | Token::Comma | Token::Pipe | Token::Tilde
                );
                if binary {
                    last_op = Some(index);
                }
            }
            _ => {}
        }
    }
    let expr_end = comma.unwrap_or(tokens.len());
    let format = match comma {
        Some(c) => format!("({})", text(c + 1, tokens.len())),
        None => "none".into(),
    };
    match last_op {
        Some(op) => {
            let sign = if matches!(tokens[op].0, Token::Plus) { "+" } else { "-" };
            format!("__trellis_now(({}), '{sign}', ({}), {format})", text(0, op), text(op + 1, expr_end))
        }
        None => format!("__trellis_now(({}), {format})", text(0, expr_end)),
    }
}

fn rewrite_modulo(source: &str, syntax: &SyntaxConfig) -> (String, SourceMap) {
    let Ok(tokens) = tokenize(source, false, syntax.clone()).collect::<Result<Tokens, _>>() else {
        return (source.to_string(), SourceMap::default());
    };
    if !tokens.iter().any(|t| matches!(t.0, Token::Mod)) {
        return (source.to_string(), SourceMap::default());
    }
    let Ok(tree) = parse(source, "<template>", syntax.clone()) else {
        return (source.to_string(), SourceMap::default());
    };
    let mut spans = ModuloSpans(Vec::new());
    walk(&tree, &mut spans);
    let mut edits = Vec::new();
    for span in spans.0 {
        let (start, end) = (span.start_offset as usize, span.end_offset as usize);
        // The operator is the last `%` at depth 0 inside the expression (left-associative).
        let mut depth = 0i32;
        let mut operator = None;
        for (token, at) in &tokens {
            let offset = at.start_offset as usize;
            if offset < start || offset >= end {
                continue;
            }
            match token {
                Token::BracketOpen | Token::ParenOpen | Token::BraceOpen => depth += 1,
                Token::BracketClose | Token::ParenClose | Token::BraceClose => depth -= 1,
                Token::Mod if depth == 0 => operator = Some((offset, at.end_offset as usize)),
                _ => {}
            }
        }
        let Some((op_start, op_end)) = operator else { continue };
        edits.push(Edit { start, end: start, text: "__trellis_mod(".into() });
        edits.push(Edit { start: op_start, end: op_end, text: ",".into() });
        edits.push(Edit { start: end, end, text: ")".into() });
    }
    apply_inserts(source, edits)
}

/// Like [`apply`], for edits that may share offsets (nested operators insert at one place).
fn apply_inserts(source: &str, mut edits: Vec<Edit>) -> (String, SourceMap) {
    // Closing parentheses of inner operators come first at an offset, openings of outer ones
    // first: a stable sort on (start, is-opening-later) keeps both orders right.
    crate::sort::sort_by(&mut edits, |a, b| {
        a.start.cmp(&b.start).then_with(|| {
            let rank = |e: &Edit| match e.text.as_str() {
                ")" => 0,
                "," => 1,
                _ => 2,
            };
            rank(a).cmp(&rank(b))
        })
    });
    let mut out = String::with_capacity(source.len() + edits.len() * 16);
    let mut points = vec![(0, 0)];
    let mut at = 0;
    for edit in edits {
        out.push_str(&source[at..edit.start.max(at)]);
        points.push((out.len(), edit.start));
        out.push_str(&edit.text);
        at = edit.end.max(at);
        points.push((out.len(), at));
    }
    out.push_str(&source[at..]);
    (out, SourceMap::layer(points))
}

/// The spans of `%` operations, outermost first.
struct ModuloSpans(Vec<Span>);

impl AstVisitor for ModuloSpans {
    fn expr(&mut self, expr: &ast::Expr, _conditional: bool) {
        if let ast::Expr::BinOp(b) = expr {
            if matches!(b.op, ast::BinOpKind::Rem) {
                self.0.push(b.span());
            }
        }
    }
}
