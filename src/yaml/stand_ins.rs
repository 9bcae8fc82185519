//! Characters that npm `yaml` 2, the catalog's reader, takes as ordinary text but saphyr would
//! not: a carriage return that no line feed follows ("lone CR", old Mac line endings) and NUL.
//!
//! YAML 1.2 counts a lone CR as a line break, but `yaml`'s lexer ends lines at `\n` only (a CR
//! counts only as part of CRLF), so to the catalog a lone CR is a character of the text and a
//! file saved with CR line endings is one long line. saphyr takes NUL as the end of the input;
//! `yaml` keeps it in the text. Before parsing, each such character is swapped for a character
//! of the Unicode private use area that the text does not use (one character for one, so every
//! position stays the same), and swapped back in the values afterwards. Trellis' own line
//! numbers count `\n` only, like the catalog's.

use std::borrow::Cow;

/// Appended to a syntax error in a file with lone CRs: most such files fail because of them.
pub(super) const LONE_CR_EXPLANATION: &str = "(the file holds carriage returns without a line feed \
     (old Mac line endings), which the catalog's YAML reader does not take as line breaks: save the file \
     with LF or CRLF line endings)";

/// The characters tried as stand-ins: the private use area, which YAML reads as an ordinary
/// printable character.
const STAND_INS: std::ops::RangeInclusive<u32> = 0xE000..=0xF8FF;

/// The characters of one text that are hidden from the parser, with their stand-ins.
pub(super) struct StandIns {
    /// (stand-in, original); at most two.
    pairs: Vec<(char, char)>,
}

fn is_lone_cr(bytes: &[u8], at: usize) -> bool {
    bytes[at] == b'\r' && bytes.get(at + 1) != Some(&b'\n')
}

impl StandIns {
    pub(super) fn find(source: &str) -> StandIns {
        let bytes = source.as_bytes();
        let lone_cr = (0..bytes.len()).any(|at| is_lone_cr(bytes, at));
        let nul = bytes.contains(&0);
        if !lone_cr && !nul {
            return StandIns { pairs: Vec::new() };
        }
        let mut used = vec![false; STAND_INS.clone().count()];
        for c in source.chars() {
            if STAND_INS.contains(&(c as u32)) {
                used[(c as u32 - STAND_INS.start()) as usize] = true;
            }
        }
        // A text using all 6,400 of them keeps these characters (and saphyr's reading of them).
        let mut free = used
            .iter()
            .enumerate()
            .filter(|(_, u)| !**u)
            .filter_map(|(i, _)| char::from_u32(STAND_INS.start() + i as u32));
        let mut pairs = Vec::new();
        for (present, original) in [(lone_cr, '\r'), (nul, '\0')] {
            if let Some(stand_in) = present.then(|| free.next()).flatten() {
                pairs.push((stand_in, original));
            }
        }
        StandIns { pairs }
    }

    /// Does the text have lone CRs (hidden from the parser)?
    pub(super) fn lone_carriage_returns(&self) -> bool {
        self.pairs.iter().any(|(_, original)| *original == '\r')
    }

    fn stand_in_for(&self, original: char) -> Option<char> {
        self.pairs.iter().find(|(_, o)| *o == original).map(|(s, _)| *s)
    }

    /// The text with every hidden character replaced by its stand-in.
    pub(super) fn hide<'s>(&self, source: &'s str) -> Cow<'s, str> {
        if self.pairs.is_empty() {
            return Cow::Borrowed(source);
        }
        let (cr, nul) = (self.stand_in_for('\r'), self.stand_in_for('\0'));
        let bytes = source.as_bytes();
        let mut out = String::with_capacity(source.len() + 8);
        for (at, c) in source.char_indices() {
            let stand_in = match c {
                '\r' if is_lone_cr(bytes, at) => cr,
                '\0' => nul,
                _ => None,
            };
            out.push(stand_in.unwrap_or(c));
        }
        Cow::Owned(out)
    }

    /// A value read from the hidden text with its characters back; `None` when it has none.
    pub(super) fn restore(&self, text: &str) -> Option<String> {
        if !self.pairs.iter().any(|(stand_in, _)| text.contains(*stand_in)) {
            return None;
        }
        Some(
            text.chars()
                .map(|c| self.pairs.iter().find(|(s, _)| *s == c).map_or(c, |(_, original)| *original))
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lone_carriage_returns_and_nul_are_hidden_and_restored() {
        let text = "a: 1\r\nb: x\ry\0\r";
        let stand_ins = StandIns::find(text);
        assert!(stand_ins.lone_carriage_returns());
        let hidden = stand_ins.hide(text);
        assert_eq!(hidden.chars().count(), text.chars().count());
        assert_eq!(hidden.matches('\r').count(), 1, "only the CR of CRLF stays");
        assert!(!hidden.contains('\0'));
        assert_eq!(stand_ins.restore(&hidden).as_deref(), Some(text));
        assert!(StandIns::find("a: 1\r\nb: 2\r\n").pairs.is_empty());
    }

    #[test]
    fn stand_ins_are_characters_the_text_does_not_use() {
        let text = "a: \u{E000}\u{E001}\rb";
        assert_eq!(StandIns::find(text).hide(text), "a: \u{E000}\u{E001}\u{E002}b");
    }
}
