//! Positions inside YAML scalars: where character N of a parsed string value sits in the file.
//!
//! A scalar's text in the file differs from its value: quotes, `''` and `\n` escapes,
//! indentation of block scalars, folded line breaks. Walking both side by side (each value
//! character is found at the next matching place in the raw text) recovers the position of
//! every character, which is what lets a finding inside `${{ … }}` point at the exact column,
//! whatever the scalar style.

use super::analysis::work;
use crate::error::Span;

/// Character index → 1-based (line, column) for one source text.
pub struct LineIndex {
    /// Character index where each line starts.
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(source: &str) -> LineIndex {
        let mut starts = vec![0];
        for (i, c) in source.chars().enumerate() {
            if c == '\n' {
                starts.push(i + 1);
            }
        }
        LineIndex { starts }
    }

    pub fn position(&self, char_index: usize) -> (u32, u32) {
        let line = self.starts.partition_point(|&s| s <= char_index).max(1);
        let column = char_index - self.starts[line - 1] + 1;
        (line as u32, column as u32)
    }

    /// The character index of 1-based `line` and `column` (the inverse of [`position`]), when
    /// the line exists; a column past the end of the line is taken as its end.
    ///
    /// [`position`]: LineIndex::position
    pub fn offset(&self, line: u32, column: u32, total_chars: usize) -> Option<usize> {
        let start = *self.starts.get((line as usize).checked_sub(1)?)?;
        let end = self.starts.get(line as usize).map_or(total_chars, |next| next - 1);
        Some((start + (column.max(1) as usize - 1)).min(end))
    }
}

/// The raw characters of a scalar (as in the file) and where they start.
pub struct RawScalar<'a> {
    pub chars: &'a [char],
    pub start: usize,
}

impl RawScalar<'_> {
    /// For each character of `value`, its character index in the file (`None` where the raw
    /// text has no counterpart, e.g. a folded line break).
    ///
    /// A value character with no counterpart sends the search to the end of the raw text and
    /// back; the search is bounded (a few times the raw length) so that a scalar full of such
    /// characters stays linear. Past the bound the remaining characters are unlocated, and a
    /// finding there points at the whole scalar.
    pub fn map(&self, value: &str) -> Vec<Option<usize>> {
        let raw = self.chars;
        let mut ri = usize::from(matches!(raw.first(), Some('\'') | Some('"')));
        let double_quoted = raw.first() == Some(&'"');
        let mut out = Vec::with_capacity(value.len());
        let mut probes_left = 8 * raw.len() + 1024;
        // A block scalar's text starts at its first content line: the line breaks of the blank
        // lines above it (`|` then an empty line) begin the value but have no counterpart here.
        // Searching for them would match later line breaks and lose every position after them.
        let leading_blank_lines = match raw.first() {
            Some('\'' | '"' | '\n') | None => 0,
            Some(_) => value.chars().take_while(|c| *c == '\n').count(),
        };
        out.extend(std::iter::repeat_n(None, leading_blank_lines));
        for c in value.chars().skip(leading_blank_lines) {
            let mut probe = ri;
            let mut found = None;
            while probe < raw.len() && probes_left > 0 {
                probes_left -= 1;
                let r = raw[probe];
                if double_quoted && r == '\\' {
                    // An escape sequence stands for one value character.
                    let len = escape_len(&raw[probe..]);
                    if escaped_char(&raw[probe..]) == Some(c) {
                        found = Some((probe, probe + len));
                        break;
                    }
                    probe += len;
                    continue;
                }
                if r == c || (c == ' ' && r == '\n') {
                    found = Some((probe, probe + 1));
                    break;
                }
                probe += 1;
            }
            work::count((probe - ri) as u64 + 1);
            match found {
                Some((at, next)) => {
                    out.push(Some(self.start + at));
                    ri = next;
                }
                None => out.push(None),
            }
        }
        out
    }
}

fn escape_len(raw: &[char]) -> usize {
    match raw.get(1) {
        Some('x') => 4,
        Some('u') => 6,
        Some('U') => 10,
        Some(_) => 2,
        None => 1,
    }
}

fn escaped_char(raw: &[char]) -> Option<char> {
    let hex = |n: usize| -> Option<char> {
        let digits: String = raw.get(2..2 + n)?.iter().collect();
        char::from_u32(u32::from_str_radix(&digits, 16).ok()?)
    };
    Some(match raw.get(1)? {
        'n' => '\n',
        't' => '\t',
        'a' => '\u{7}',
        'b' => '\u{8}',
        'e' => '\u{1b}',
        'f' => '\u{c}',
        'v' => '\u{b}',
        'N' => '\u{85}',
        '_' => '\u{a0}',
        'L' => '\u{2028}',
        'P' => '\u{2029}',
        'r' => '\r',
        '0' => '\0',
        ' ' => ' ',
        '"' => '"',
        '/' => '/',
        '\\' => '\\',
        'x' => return hex(2),
        'u' => return hex(4),
        'U' => return hex(8),
        other => *other,
    })
}

/// The file span of characters `start..end` (character indexes into `value`), falling back to
/// `fallback` when the mapping has no position for them.
pub fn span_in_value(map: &[Option<usize>], start: usize, end: usize, lines: &LineIndex, fallback: Span) -> Span {
    let first = map.get(start).copied().flatten();
    let last = map.get(end.saturating_sub(1).max(start)).copied().flatten();
    match (first, last) {
        (Some(a), Some(b)) => {
            let (line, column) = lines.position(a);
            let (end_line, end_column) = lines.position(b + 1);
            Span::new(line, column, end_line, end_column).in_file(fallback.file)
        }
        (Some(a), None) => {
            let (line, column) = lines.position(a);
            Span::new(line, column, line, column + 1).in_file(fallback.file)
        }
        _ => fallback,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn locate(source: &str, raw_start: usize, raw_len: usize, value: &str, needle: &str) -> (u32, u32) {
        let chars: Vec<char> = source.chars().collect();
        let raw = RawScalar { chars: &chars[raw_start..raw_start + raw_len], start: raw_start };
        let map = raw.map(value);
        let at = value.find(needle).unwrap();
        let char_at = value[..at].chars().count();
        LineIndex::new(source).position(map[char_at].unwrap())
    }

    #[test]
    fn plain_quoted_and_block_scalars() {
        let src = "a: 'it''s ${{ x }}'\n";
        assert_eq!(locate(src, 3, 16, "it's ${{ x }}", "x }"), (1, 15));
        let src = "a: \"\\t${{ y }}\"\n";
        assert_eq!(locate(src, 3, 12, "\t${{ y }}", "y"), (1, 11));
        let src = "a: |\n  one\n  two ${{ z }}\n";
        assert_eq!(locate(src, 5, 20, "one\ntwo ${{ z }}\n", "z"), (3, 11));
        let src = "a: folded\n  ${{ w }}\n";
        assert_eq!(locate(src, 3, 18, "folded ${{ w }}", "w"), (2, 7));
    }

    #[test]
    fn block_scalars_starting_with_blank_lines() {
        // The raw text starts at `---` (line 3); the value's first line break is the blank line.
        let src = "a: |\n\n  ---\n  x ${{ y }}\n";
        assert_eq!(locate(src, 8, 17, "\n---\nx ${{ y }}\n", "y"), (4, 9));
        let src = "a: >\n\n\n  b\n  c ${{ z }}\n";
        assert_eq!(locate(src, 9, 15, "\n\nb c ${{ z }}\n", "z"), (5, 9));
    }
}
