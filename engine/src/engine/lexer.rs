//! Splits template source into tokens, the way the Nunjucks 3.2.4 lexer does.
//!
//! Outside tags the source is data; `${{ … }}` (or `{{ … }}` in cookiecutter mode), `{% … %}`
//! and `{# … #}` switch into code. Every token keeps its byte range, so the parser and every
//! later diagnostic can point at line and column. `{% raw %}`/`{% verbatim %}` bodies are
//! data; whitespace control (`-`) and `trimBlocks`/`lstripBlocks` are applied here, before
//! the parser sees the data.

use super::{Delimiters, SyntaxError};

/// What a token is.
#[derive(Debug, Clone, PartialEq)]
pub enum TokenKind {
    /// Literal text between tags.
    Data(String),
    VariableStart,
    VariableEnd,
    BlockStart,
    BlockEnd,
    /// A quoted string, escapes resolved.
    Str(String),
    Int(f64),
    Float(f64),
    /// Identifiers and keywords (`and`, `if`, `true`, …).
    Name(String),
    /// `r/pattern/flags`.
    Regex {
        pattern: String,
        flags: String,
    },
    /// Operators and punctuation.
    Op(&'static str),
    Eof,
}

/// A token and its byte range in the source.
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    pub kind: TokenKind,
    pub start: usize,
    pub end: usize,
}

/// Whitespace options that change data tokens.
#[derive(Debug, Clone, Copy, Default)]
pub struct WhitespaceOptions {
    /// Drop the first newline after a block or comment tag.
    pub trim_blocks: bool,
    /// Strip spaces and tabs from the start of a line up to a block or comment tag.
    pub lstrip_blocks: bool,
}

/// Longest first, so `===` wins over `==` and `**` over `*`.
const OPERATORS: &[&str] = &[
    "===", "!==", "==", "!=", "<=", ">=", "**", "//", "(", ")", "[", "]", "{", "}", ",", ":", "~", "|", ".", "+", "-",
    "*", "/", "%", "<", ">", "=", "!", "?",
];

/// Tokenizes a whole template.
pub fn tokenize(source: &str, delimiters: &Delimiters, ws: WhitespaceOptions) -> Result<Vec<Token>, SyntaxError> {
    Lexer { src: source, pos: 0, delimiters, ws, tokens: Vec::new(), trim_next_data: false, after_block: false }.run()
}

struct Lexer<'a> {
    src: &'a str,
    pos: usize,
    delimiters: &'a Delimiters,
    ws: WhitespaceOptions,
    tokens: Vec<Token>,
    /// The previous tag ended with `-`: strip leading whitespace of the next data.
    trim_next_data: bool,
    /// The previous tag was a block or comment (for `trimBlocks`).
    after_block: bool,
}

#[derive(Clone, Copy, PartialEq)]
enum Opener {
    Variable,
    Block,
    Comment,
}

impl<'a> Lexer<'a> {
    fn run(mut self) -> Result<Vec<Token>, SyntaxError> {
        while self.pos < self.src.len() {
            let (data_end, opener) = self.next_opener();
            self.push_data(self.pos, data_end, opener)?;
            self.pos = data_end;
            match opener {
                None => break,
                Some((Opener::Comment, len)) => self.comment(len)?,
                Some((Opener::Variable, len)) => self.code(len, Opener::Variable)?,
                Some((Opener::Block, len)) => {
                    if !self.raw_block(len)? {
                        self.code(len, Opener::Block)?;
                    }
                }
            }
        }
        let end = self.src.len();
        self.tokens.push(Token { kind: TokenKind::Eof, start: end, end });
        Ok(self.tokens)
    }

    /// The next tag opener at or after `pos`: one left-to-right scan (a longer marker wins at the
    /// same place, so `${{` beats `{{`), linear in the source as a whole. Skeleton files are
    /// mostly data, so the scan jumps between bytes that can start a marker.
    fn next_opener(&self) -> (usize, Option<(Opener, usize)>) {
        let candidates = [
            (self.delimiters.variable_start.as_bytes(), Opener::Variable),
            (self.delimiters.block_start.as_bytes(), Opener::Block),
            (self.delimiters.comment_start.as_bytes(), Opener::Comment),
        ];
        // Delimiters are never empty (`Delimiters::backstage`/`cookiecutter`).
        let [a, b, c] = candidates.map(|(marker, _)| marker.first().copied().unwrap_or(b'{'));
        let bytes = self.src.as_bytes();
        let mut at = self.pos;
        while let Some(found) = memchr::memchr3(a, b, c, &bytes[at..]) {
            at += found;
            let mut best: Option<(Opener, usize)> = None;
            for (marker, kind) in candidates {
                if bytes[at..].starts_with(marker) && best.is_none_or(|(_, len)| marker.len() > len) {
                    best = Some((kind, marker.len()));
                }
            }
            if best.is_some() {
                return (at, best);
            }
            at += 1;
        }
        (self.src.len(), None)
    }

    fn push_data(&mut self, start: usize, end: usize, next: Option<(Opener, usize)>) -> Result<(), SyntaxError> {
        if let Some(found) =
            memchr::memmem::find(&self.src.as_bytes()[start..end], self.delimiters.comment_end.as_bytes())
        {
            let at = start + found;
            return Err(SyntaxError::new("unexpected `#}`: a comment end without `{#`", at, at + 2));
        }
        let mut text = &self.src[start..end];
        let mut data_start = start;
        if std::mem::take(&mut self.trim_next_data) {
            let trimmed = text.trim_start();
            data_start += text.len() - trimmed.len();
            text = trimmed;
        } else if std::mem::take(&mut self.after_block) && self.ws.trim_blocks {
            if let Some(stripped) = text.strip_prefix("\r\n").or_else(|| text.strip_prefix('\n')) {
                data_start += text.len() - stripped.len();
                text = stripped;
            }
        }
        self.after_block = false;
        if let Some((opener, len)) = next {
            let after = &self.src[end + len..];
            if after.starts_with('-') {
                text = text.trim_end();
            } else if opener != Opener::Variable && self.ws.lstrip_blocks && !after.starts_with('+') {
                // Only when the tag is the first non-blank thing on its line.
                let line_start = text.rfind('\n').map_or(0, |i| i + 1);
                let tail = &text[line_start..];
                if tail.chars().all(|c| c == ' ' || c == '\t')
                    && (line_start > 0 || start == 0 || self.src[..start].ends_with('\n'))
                {
                    text = &text[..line_start];
                }
            }
        }
        if !text.is_empty() {
            let end = data_start + text.len();
            self.tokens.push(Token { kind: TokenKind::Data(text.to_string()), start: data_start, end });
        }
        Ok(())
    }

    fn comment(&mut self, open_len: usize) -> Result<(), SyntaxError> {
        let start = self.pos;
        let body_start = start + open_len;
        let close = &self.delimiters.comment_end;
        let Some(found) = self.src[body_start..].find(close.as_str()) else {
            return Err(SyntaxError::new("unclosed comment: expected `#}`", start, self.src.len()));
        };
        let close_at = body_start + found;
        self.trim_next_data = self.src[..close_at].ends_with('-') && close_at > body_start;
        self.after_block = true;
        self.pos = close_at + close.len();
        Ok(())
    }

    /// `{% raw %}` and `{% verbatim %}`: the body is data, nested pairs counted.
    fn raw_block(&mut self, open_len: usize) -> Result<bool, SyntaxError> {
        let start = self.pos;
        let Some((name, tag_end, trim_after)) = self.peek_simple_tag(start, open_len) else { return Ok(false) };
        if name != "raw" && name != "verbatim" {
            return Ok(false);
        }
        let end_name = format!("end{name}");
        let mut depth = 1;
        let mut cursor = tag_end;
        loop {
            let Some(found) = self.src[cursor..].find(self.delimiters.block_start.as_str()) else {
                return Err(SyntaxError::new(
                    format!("unclosed `{{% {name} %}}`: expected `{{% {end_name} %}}`"),
                    start,
                    tag_end,
                ));
            };
            let at = cursor + found;
            // Inside the body only an exact `{% raw %}` / `{% endraw %}` (no `-`) counts.
            match self.peek_simple_tag(at, self.delimiters.block_start.len()) {
                Some((inner, inner_end, false)) if (inner == name || inner == end_name) && !self.has_dash(at) => {
                    if inner == name {
                        depth += 1;
                    } else {
                        depth -= 1;
                    }
                    if depth == 0 {
                        let mut body = &self.src[tag_end..at];
                        // `{% raw -%}` does not trim the raw body (Nunjitsu keeps it verbatim).
                        let _ = trim_after;
                        if self.ws.trim_blocks {
                            body = body.strip_prefix("\r\n").or_else(|| body.strip_prefix('\n')).unwrap_or(body);
                        }
                        if !body.is_empty() {
                            let body_start = body.as_ptr() as usize - self.src.as_ptr() as usize;
                            self.tokens.push(Token {
                                kind: TokenKind::Data(body.to_string()),
                                start: body_start,
                                end: at,
                            });
                        }
                        self.after_block = true;
                        self.pos = inner_end;
                        return Ok(true);
                    }
                    cursor = inner_end;
                }
                _ => cursor = at + self.delimiters.block_start.len(),
            }
        }
    }

    /// Whether the tag opening at `at` starts with whitespace control (`{%-`).
    fn has_dash(&self, at: usize) -> bool {
        self.src[at + self.delimiters.block_start.len()..].starts_with('-')
    }

    /// A tag holding a single word (`{% raw %}`, `{%- endraw -%}`): its name, where it ends,
    /// and whether it trims the following whitespace.
    fn peek_simple_tag(&self, at: usize, open_len: usize) -> Option<(String, usize, bool)> {
        let mut i = at + open_len;
        let bytes = self.src.as_bytes();
        if bytes.get(i) == Some(&b'-') {
            i += 1;
        }
        let rest = &self.src[i..];
        let word_start = i + (rest.len() - rest.trim_start().len());
        let word_len = self.src[word_start..].bytes().take_while(|b| b.is_ascii_alphanumeric() || *b == b'_').count();
        let word = &self.src[word_start..word_start + word_len];
        let after = &self.src[word_start + word_len..];
        let close_at = word_start + word_len + (after.len() - after.trim_start().len());
        let close = self.delimiters.block_end.as_str();
        let tail = &self.src[close_at..];
        if let Some(rest) = tail.strip_prefix('-') {
            if rest.starts_with(close) {
                return Some((word.to_string(), close_at + 1 + close.len(), true));
            }
        }
        tail.starts_with(close).then(|| (word.to_string(), close_at + close.len(), false))
    }

    fn code(&mut self, open_len: usize, opener: Opener) -> Result<(), SyntaxError> {
        let start = self.pos;
        let (start_kind, end_kind, close) = match opener {
            Opener::Variable => {
                (TokenKind::VariableStart, TokenKind::VariableEnd, self.delimiters.variable_end.clone())
            }
            _ => (TokenKind::BlockStart, TokenKind::BlockEnd, self.delimiters.block_end.clone()),
        };
        let mut i = start + open_len;
        if self.src.as_bytes().get(i) == Some(&b'-') {
            i += 1;
        }
        self.tokens.push(Token { kind: start_kind, start, end: i });
        let what = if opener == Opener::Variable { "expression" } else { "tag" };
        let unclosed = |end: usize| SyntaxError::new(format!("unclosed {what}: expected `{close}`"), start, end);
        // Nesting of brackets, so `}}` inside `{ {a: 1}}` closes only at depth 0.
        let mut depth = 0usize;
        loop {
            i += self.src[i..].len() - self.src[i..].trim_start().len();
            if i >= self.src.len() {
                return Err(unclosed(self.src.len()));
            }
            let rest = &self.src[i..];
            if depth == 0 {
                let trimmed_close = rest.strip_prefix('-').filter(|r| r.starts_with(close.as_str()));
                if trimmed_close.is_some() || rest.starts_with(close.as_str()) {
                    let len = close.len() + usize::from(trimmed_close.is_some());
                    self.tokens.push(Token { kind: end_kind, start: i, end: i + len });
                    self.trim_next_data = trimmed_close.is_some();
                    self.after_block = opener == Opener::Block;
                    self.pos = i + len;
                    return Ok(());
                }
            }
            // When the next opener comes before any closing delimiter (`${{ a**` then prose and
            // `${{ b }}`), or no closing delimiter follows at all, the text after this opener was
            // never meant as code: the opener left open is the mistake, not what the tokens trip
            // on. Looked for only on this error path, so lexing stays linear.
            let (kind, len) = self.code_token(i).map_err(|error| {
                let after = start + open_len;
                let find = |text: &str| self.src[after..].find(text).map(|at| after + at);
                let next_opener = [&self.delimiters.variable_start, &self.delimiters.block_start]
                    .iter()
                    .filter_map(|opener| find(opener.as_str()))
                    .min();
                match (next_opener, find(close.as_str())) {
                    (Some(opener), Some(closer)) if opener < closer => unclosed(opener),
                    (_, None) => unclosed(self.src.len()),
                    _ => error,
                }
            })?;
            match kind {
                TokenKind::Op("(") | TokenKind::Op("[") | TokenKind::Op("{") => depth += 1,
                TokenKind::Op(")") | TokenKind::Op("]") | TokenKind::Op("}") => depth = depth.saturating_sub(1),
                _ => {}
            }
            self.tokens.push(Token { kind, start: i, end: i + len });
            i += len;
        }
    }

    fn code_token(&self, at: usize) -> Result<(TokenKind, usize), SyntaxError> {
        let rest = &self.src[at..];
        let first = rest.chars().next().unwrap_or('\0');
        if first == '"' || first == '\'' {
            return self.string(at, first);
        }
        if first.is_ascii_digit() {
            let int_len = rest.bytes().take_while(u8::is_ascii_digit).count();
            let after = &rest[int_len..];
            if after.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
                // `x.1y`: a name after `.` (the parser refuses it anywhere else).
                let len = int_len + after.bytes().take_while(|b| b.is_ascii_alphanumeric() || *b == b'_').count();
                return Ok((TokenKind::Name(rest[..len].to_string()), len));
            }
            if let Some(fraction) = after.strip_prefix('.') {
                let frac = fraction.bytes().take_while(u8::is_ascii_digit).count();
                if fraction[frac..].starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
                    return Err(SyntaxError::new("invalid numeric literal", at, at + int_len + 1 + frac + 1));
                }
                let len = int_len + 1 + frac;
                return Ok((TokenKind::Float(rest[..len].trim_end_matches('.').parse().unwrap_or(f64::NAN)), len));
            }
            return Ok((TokenKind::Int(rest[..int_len].parse().unwrap_or(f64::NAN)), int_len));
        }
        if first == 'r' && rest[1..].starts_with('/') {
            return self.regex(at);
        }
        if first.is_ascii_alphabetic() || first == '_' {
            let len = rest.bytes().take_while(|b| b.is_ascii_alphanumeric() || *b == b'_').count();
            return Ok((TokenKind::Name(rest[..len].to_string()), len));
        }
        for (js, word) in [("&&", "and"), ("||", "or")] {
            if rest.starts_with(js) {
                return Err(SyntaxError::new(
                    format!("`{js}` is JavaScript, not Nunjucks: write `{word}`"),
                    at,
                    at + 2,
                ));
            }
        }
        for op in OPERATORS {
            if rest.starts_with(op) {
                return Ok((TokenKind::Op(op), op.len()));
            }
        }
        Err(SyntaxError::new(format!("unexpected character `{first}`"), at, at + first.len_utf8()))
    }

    fn string(&self, at: usize, quote: char) -> Result<(TokenKind, usize), SyntaxError> {
        let mut out = String::new();
        let mut chars = self.src[at + 1..].char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '\\' => match chars.next() {
                    Some((_, 'n')) => out.push('\n'),
                    Some((_, 't')) => out.push('\t'),
                    Some((_, 'r')) => out.push('\r'),
                    Some((_, other)) => out.push(other),
                    None => break,
                },
                c if c == quote => return Ok((TokenKind::Str(out), i + 2)),
                c => out.push(c),
            }
        }
        Err(SyntaxError::new("unterminated string", at, self.src.len()))
    }

    fn regex(&self, at: usize) -> Result<(TokenKind, usize), SyntaxError> {
        let body_start = at + 2;
        let mut pattern = String::new();
        let mut chars = self.src[body_start..].char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '\\' => {
                    pattern.push('\\');
                    if let Some((_, next)) = chars.next() {
                        pattern.push(next);
                    }
                }
                '/' => {
                    let flags_start = body_start + i + 1;
                    let flags: String =
                        self.src[flags_start..].chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
                    let len = flags_start + flags.len() - at;
                    for (index, flag) in flags.char_indices() {
                        let here = flags_start + index;
                        if !"gimy".contains(flag) {
                            let message =
                                format!("unsupported regular-expression flag `{flag}` (Nunjucks allows g, i, m, y)");
                            return Err(SyntaxError::new(message, here, here + 1));
                        }
                        if flags[..index].contains(flag) {
                            return Err(SyntaxError::new(
                                format!("duplicate regular-expression flag `{flag}`"),
                                here,
                                here + 1,
                            ));
                        }
                    }
                    if let Err(reason) = crate::jsregex::check(&pattern) {
                        return Err(SyntaxError::new(format!("invalid regular expression: {reason}"), at, at + len));
                    }
                    return Ok((TokenKind::Regex { pattern, flags }, len));
                }
                '\n' => break,
                c => pattern.push(c),
            }
        }
        Err(SyntaxError::new("unterminated regular expression literal", at, self.src.len()))
    }
}
