//! Python's `fnmatch.fnmatch` on POSIX (case-sensitive), which cookiecutter's
//! `_copy_without_render` uses on unrendered relative paths: `*` matches anything, `/`
//! included; `?` one character; `[seq]`/`[!seq]` a set; an unclosed `[` is literal.

enum Piece {
    Char(char),
    Any,
    Star,
    Set { negated: bool, items: Vec<(char, char)> },
}

fn compile(pattern: &str) -> Vec<Piece> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut pieces = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '*' => {
                if !matches!(pieces.last(), Some(Piece::Star)) {
                    pieces.push(Piece::Star);
                }
                i += 1;
            }
            '?' => {
                pieces.push(Piece::Any);
                i += 1;
            }
            '[' => {
                let mut j = i + 1;
                if chars.get(j) == Some(&'!') {
                    j += 1;
                }
                if chars.get(j) == Some(&']') {
                    j += 1;
                }
                while j < chars.len() && chars[j] != ']' {
                    j += 1;
                }
                if j >= chars.len() {
                    pieces.push(Piece::Char('['));
                    i += 1;
                    continue;
                }
                let body = &chars[i + 1..j];
                let (negated, body) = match body.first() {
                    Some('!') => (true, &body[1..]),
                    _ => (false, body),
                };
                let mut items = Vec::new();
                let mut k = 0;
                while k < body.len() {
                    if k + 2 < body.len() && body[k + 1] == '-' {
                        // Python drops a reversed range.
                        if body[k] <= body[k + 2] {
                            items.push((body[k], body[k + 2]));
                        }
                        k += 3;
                    } else {
                        items.push((body[k], body[k]));
                        k += 1;
                    }
                }
                pieces.push(Piece::Set { negated, items });
                i = j + 1;
            }
            c => {
                pieces.push(Piece::Char(c));
                i += 1;
            }
        }
    }
    pieces
}

fn matches_at(pieces: &[Piece], text: &[char]) -> bool {
    // Iterative matching with a single backtrack point per star (the classic wildcard scan).
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        let step = match pieces.get(p) {
            Some(Piece::Star) => {
                star = Some((p, t));
                p += 1;
                continue;
            }
            Some(Piece::Any) => true,
            Some(Piece::Char(c)) => *c == text[t],
            Some(Piece::Set { negated, items }) => {
                items.iter().any(|(lo, hi)| (*lo..=*hi).contains(&text[t])) != *negated
            }
            None => false,
        };
        if step {
            p += 1;
            t += 1;
        } else if let Some((sp, st)) = star {
            p = sp + 1;
            t = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    pieces[p..].iter().all(|piece| matches!(piece, Piece::Star))
}

/// `fnmatch.fnmatch(name, pattern)` on POSIX.
pub(super) fn fnmatch(name: &str, pattern: &str) -> bool {
    let text: Vec<char> = name.chars().collect();
    matches_at(&compile(pattern), &text)
}

#[cfg(test)]
mod tests {
    use super::fnmatch;

    #[test]
    fn star_crosses_slashes() {
        assert!(fnmatch("static/css/site.css", "static/*"));
        assert!(fnmatch("a/b/c.png", "*.png"));
        assert!(!fnmatch("a/b/c.png", "*.jpg"));
        assert!(fnmatch("x.txt", "x.tx?"));
        assert!(fnmatch("b1", "[a-c][!0]"));
        assert!(!fnmatch("b0", "[a-c][!0]"));
        assert!(fnmatch("[x", "[x"));
        assert!(fnmatch("]", "[]]"));
    }
}
