//! cookiecutter's `slugify` filter: python-slugify 9.2's default ("legacy") pipeline, with
//! text-unidecode 1.3 transliterating (the fallback python-slugify imports when Unidecode is not
//! installed, as with a plain `pip install cookiecutter`). The rules, step by step, as
//! python-slugify applies them; the transliteration table is packed by build.rs.

use unicode_normalization::UnicodeNormalization;

/// python-slugify's arguments, with its defaults.
#[derive(Debug, Clone)]
pub struct SlugifyOptions {
    pub entities: bool,
    pub decimal: bool,
    pub hexadecimal: bool,
    pub max_length: i64,
    pub word_boundary: bool,
    pub separator: String,
    pub save_order: bool,
    pub stopwords: Vec<String>,
    pub regex_pattern: Option<String>,
    pub lowercase: bool,
    pub replacements: Vec<(String, String)>,
    pub allow_unicode: bool,
}

impl Default for SlugifyOptions {
    fn default() -> SlugifyOptions {
        SlugifyOptions {
            entities: true,
            decimal: true,
            hexadecimal: true,
            max_length: 0,
            word_boundary: false,
            separator: "-".into(),
            save_order: false,
            stopwords: Vec::new(),
            regex_pattern: None,
            lowercase: true,
            replacements: Vec::new(),
            allow_unicode: false,
        }
    }
}

/// HTML 4's named character references (Python's `html.entities.name2codepoint`), sorted.
const ENTITIES: &[(&str, u32)] = &[
    ("AElig", 0xC6),
    ("Aacute", 0xC1),
    ("Acirc", 0xC2),
    ("Agrave", 0xC0),
    ("Alpha", 0x391),
    ("Aring", 0xC5),
    ("Atilde", 0xC3),
    ("Auml", 0xC4),
    ("Beta", 0x392),
    ("Ccedil", 0xC7),
    ("Chi", 0x3A7),
    ("Dagger", 0x2021),
    ("Delta", 0x394),
    ("ETH", 0xD0),
    ("Eacute", 0xC9),
    ("Ecirc", 0xCA),
    ("Egrave", 0xC8),
    ("Epsilon", 0x395),
    ("Eta", 0x397),
    ("Euml", 0xCB),
    ("Gamma", 0x393),
    ("Iacute", 0xCD),
    ("Icirc", 0xCE),
    ("Igrave", 0xCC),
    ("Iota", 0x399),
    ("Iuml", 0xCF),
    ("Kappa", 0x39A),
    ("Lambda", 0x39B),
    ("Mu", 0x39C),
    ("Ntilde", 0xD1),
    ("Nu", 0x39D),
    ("OElig", 0x152),
    ("Oacute", 0xD3),
    ("Ocirc", 0xD4),
    ("Ograve", 0xD2),
    ("Omega", 0x3A9),
    ("Omicron", 0x39F),
    ("Oslash", 0xD8),
    ("Otilde", 0xD5),
    ("Ouml", 0xD6),
    ("Phi", 0x3A6),
    ("Pi", 0x3A0),
    ("Prime", 0x2033),
    ("Psi", 0x3A8),
    ("Rho", 0x3A1),
    ("Scaron", 0x160),
    ("Sigma", 0x3A3),
    ("THORN", 0xDE),
    ("Tau", 0x3A4),
    ("Theta", 0x398),
    ("Uacute", 0xDA),
    ("Ucirc", 0xDB),
    ("Ugrave", 0xD9),
    ("Upsilon", 0x3A5),
    ("Uuml", 0xDC),
    ("Xi", 0x39E),
    ("Yacute", 0xDD),
    ("Yuml", 0x178),
    ("Zeta", 0x396),
    ("aacute", 0xE1),
    ("acirc", 0xE2),
    ("acute", 0xB4),
    ("aelig", 0xE6),
    ("agrave", 0xE0),
    ("alefsym", 0x2135),
    ("alpha", 0x3B1),
    ("amp", 0x26),
    ("and", 0x2227),
    ("ang", 0x2220),
    ("aring", 0xE5),
    ("asymp", 0x2248),
    ("atilde", 0xE3),
    ("auml", 0xE4),
    ("bdquo", 0x201E),
    ("beta", 0x3B2),
    ("brvbar", 0xA6),
    ("bull", 0x2022),
    ("cap", 0x2229),
    ("ccedil", 0xE7),
    ("cedil", 0xB8),
    ("cent", 0xA2),
    ("chi", 0x3C7),
    ("circ", 0x2C6),
    ("clubs", 0x2663),
    ("cong", 0x2245),
    ("copy", 0xA9),
    ("crarr", 0x21B5),
    ("cup", 0x222A),
    ("curren", 0xA4),
    ("dArr", 0x21D3),
    ("dagger", 0x2020),
    ("darr", 0x2193),
    ("deg", 0xB0),
    ("delta", 0x3B4),
    ("diams", 0x2666),
    ("divide", 0xF7),
    ("eacute", 0xE9),
    ("ecirc", 0xEA),
    ("egrave", 0xE8),
    ("empty", 0x2205),
    ("emsp", 0x2003),
    ("ensp", 0x2002),
    ("epsilon", 0x3B5),
    ("equiv", 0x2261),
    ("eta", 0x3B7),
    ("eth", 0xF0),
    ("euml", 0xEB),
    ("euro", 0x20AC),
    ("exist", 0x2203),
    ("fnof", 0x192),
    ("forall", 0x2200),
    ("frac12", 0xBD),
    ("frac14", 0xBC),
    ("frac34", 0xBE),
    ("frasl", 0x2044),
    ("gamma", 0x3B3),
    ("ge", 0x2265),
    ("gt", 0x3E),
    ("hArr", 0x21D4),
    ("harr", 0x2194),
    ("hearts", 0x2665),
    ("hellip", 0x2026),
    ("iacute", 0xED),
    ("icirc", 0xEE),
    ("iexcl", 0xA1),
    ("igrave", 0xEC),
    ("image", 0x2111),
    ("infin", 0x221E),
    ("int", 0x222B),
    ("iota", 0x3B9),
    ("iquest", 0xBF),
    ("isin", 0x2208),
    ("iuml", 0xEF),
    ("kappa", 0x3BA),
    ("lArr", 0x21D0),
    ("lambda", 0x3BB),
    ("lang", 0x2329),
    ("laquo", 0xAB),
    ("larr", 0x2190),
    ("lceil", 0x2308),
    ("ldquo", 0x201C),
    ("le", 0x2264),
    ("lfloor", 0x230A),
    ("lowast", 0x2217),
    ("loz", 0x25CA),
    ("lrm", 0x200E),
    ("lsaquo", 0x2039),
    ("lsquo", 0x2018),
    ("lt", 0x3C),
    ("macr", 0xAF),
    ("mdash", 0x2014),
    ("micro", 0xB5),
    ("middot", 0xB7),
    ("minus", 0x2212),
    ("mu", 0x3BC),
    ("nabla", 0x2207),
    ("nbsp", 0xA0),
    ("ndash", 0x2013),
    ("ne", 0x2260),
    ("ni", 0x220B),
    ("not", 0xAC),
    ("notin", 0x2209),
    ("nsub", 0x2284),
    ("ntilde", 0xF1),
    ("nu", 0x3BD),
    ("oacute", 0xF3),
    ("ocirc", 0xF4),
    ("oelig", 0x153),
    ("ograve", 0xF2),
    ("oline", 0x203E),
    ("omega", 0x3C9),
    ("omicron", 0x3BF),
    ("oplus", 0x2295),
    ("or", 0x2228),
    ("ordf", 0xAA),
    ("ordm", 0xBA),
    ("oslash", 0xF8),
    ("otilde", 0xF5),
    ("otimes", 0x2297),
    ("ouml", 0xF6),
    ("para", 0xB6),
    ("part", 0x2202),
    ("permil", 0x2030),
    ("perp", 0x22A5),
    ("phi", 0x3C6),
    ("pi", 0x3C0),
    ("piv", 0x3D6),
    ("plusmn", 0xB1),
    ("pound", 0xA3),
    ("prime", 0x2032),
    ("prod", 0x220F),
    ("prop", 0x221D),
    ("psi", 0x3C8),
    ("quot", 0x22),
    ("rArr", 0x21D2),
    ("radic", 0x221A),
    ("rang", 0x232A),
    ("raquo", 0xBB),
    ("rarr", 0x2192),
    ("rceil", 0x2309),
    ("rdquo", 0x201D),
    ("real", 0x211C),
    ("reg", 0xAE),
    ("rfloor", 0x230B),
    ("rho", 0x3C1),
    ("rlm", 0x200F),
    ("rsaquo", 0x203A),
    ("rsquo", 0x2019),
    ("sbquo", 0x201A),
    ("scaron", 0x161),
    ("sdot", 0x22C5),
    ("sect", 0xA7),
    ("shy", 0xAD),
    ("sigma", 0x3C3),
    ("sigmaf", 0x3C2),
    ("sim", 0x223C),
    ("spades", 0x2660),
    ("sub", 0x2282),
    ("sube", 0x2286),
    ("sum", 0x2211),
    ("sup", 0x2283),
    ("sup1", 0xB9),
    ("sup2", 0xB2),
    ("sup3", 0xB3),
    ("supe", 0x2287),
    ("szlig", 0xDF),
    ("tau", 0x3C4),
    ("there4", 0x2234),
    ("theta", 0x3B8),
    ("thetasym", 0x3D1),
    ("thinsp", 0x2009),
    ("thorn", 0xFE),
    ("tilde", 0x2DC),
    ("times", 0xD7),
    ("trade", 0x2122),
    ("uArr", 0x21D1),
    ("uacute", 0xFA),
    ("uarr", 0x2191),
    ("ucirc", 0xFB),
    ("ugrave", 0xF9),
    ("uml", 0xA8),
    ("upsih", 0x3D2),
    ("upsilon", 0x3C5),
    ("uuml", 0xFC),
    ("weierp", 0x2118),
    ("xi", 0x3BE),
    ("yacute", 0xFD),
    ("yen", 0xA5),
    ("yuml", 0xFF),
    ("zeta", 0x3B6),
    ("zwj", 0x200D),
    ("zwnj", 0x200C),
];

static UNIDECODE: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/unidecode.bin"));

/// The packed table (layout in build.rs), split into its parts once.
struct Table {
    lengths: &'static [u8],
    offsets: &'static [u8],
    text: &'static [u8],
    dictionary_offsets: &'static [u8],
    dictionary_text: &'static [u8],
    cjk: &'static [u8],
}

fn table() -> &'static Table {
    static TABLE: std::sync::OnceLock<Table> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let u16_at = |bytes: &[u8], i: usize| u16::from_le_bytes([bytes[i * 2], bytes[i * 2 + 1]]) as usize;
        let (lengths, rest) = UNIDECODE.split_at(0x10000 - (0xA000 - 0x4E00) - HANGUL_COUNT);
        let (offsets, rest) = rest.split_at(256 * 4);
        let text_len: usize = lengths.iter().filter(|l| **l < 252).map(|l| *l as usize).sum();
        let (text, rest) = rest.split_at(text_len);
        let count = u16_at(rest, 0);
        let rest = &rest[2..];
        let (dictionary_offsets, rest) = rest.split_at((count + 1) * 2);
        let dictionary_len = u16_at(dictionary_offsets, count);
        let (dictionary_text, cjk) = rest.split_at(dictionary_len);
        Table { lengths, offsets, text, dictionary_offsets, dictionary_text, cjk }
    })
}

const HANGUL_COUNT: usize = 11172;

/// A code point's length byte (see build.rs): the ranges without one are implied.
fn length(table: &Table, code: usize) -> u8 {
    match code {
        0x4E00..=0x9FFF => 252,
        0xAC00..0xD7A4 => 253,
        0..0x4E00 => table.lengths[code],
        0xA000..0xAC00 => table.lengths[code - (0xA000 - 0x4E00)],
        _ => table.lengths[code - (0xA000 - 0x4E00) - HANGUL_COUNT],
    }
}

fn entry(table: &Table, code: usize, out: &mut String) {
    let u16_at = |bytes: &[u8], i: usize| u16::from_le_bytes([bytes[i * 2], bytes[i * 2 + 1]]) as usize;
    match length(table, code) {
        255 => out.push_str("[?]"),
        254 => out.push_str("[?] "),
        253 => {
            // A Hangul syllable: its initial, vowel and final jamo's strings.
            let s = code - 0xAC00;
            entry(table, 0x1100 + s / 588, out);
            entry(table, 0x1161 + (s % 588) / 28, out);
            if s % 28 > 0 {
                entry(table, 0x11A7 + s % 28, out);
            }
        }
        252 => {
            // 10-bit indices, most significant bit first.
            let at = (code - 0x4E00) * 10;
            let window = u32::from_be_bytes([
                table.cjk[at / 8],
                table.cjk[at / 8 + 1],
                *table.cjk.get(at / 8 + 2).unwrap_or(&0),
                0,
            ]);
            let index = (window >> (32 - 10 - at % 8) & 0x3FF) as usize;
            let (from, to) = (u16_at(table.dictionary_offsets, index), u16_at(table.dictionary_offsets, index + 1));
            out.push_str(std::str::from_utf8(&table.dictionary_text[from..to]).unwrap_or_default());
        }
        n => {
            let block = code >> 8;
            let o = &table.offsets[block * 4..block * 4 + 4];
            let mut at = u32::from_le_bytes([o[0], o[1], o[2], o[3]]) as usize;
            for previous in (block << 8)..code {
                let n = length(table, previous);
                if n < 252 {
                    at += n as usize;
                }
            }
            out.push_str(std::str::from_utf8(&table.text[at..at + n as usize]).unwrap_or_default());
        }
    }
}

/// text-unidecode's `unidecode`: each code point of the Basic Multilingual Plane replaced by its
/// ASCII transliteration, U+0000 kept, code points above U+FFFF dropped.
pub(super) fn transliterate(text: &str) -> String {
    let table = table();
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if (c as u32) <= 0xFFFF {
            entry(table, c as usize, &mut out);
        }
    }
    out
}

/// `re.sub(r"[']+", with, text)`.
fn replace_quotes(text: &str, with: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_run = false;
    for c in text.chars() {
        if c == '\'' {
            if !in_run {
                out.push_str(with);
            }
            in_run = true;
        } else {
            in_run = false;
            out.push(c);
        }
    }
    out
}

/// Python's `\d` for a str pattern (Unicode decimal digits).
fn is_decimal(c: char) -> bool {
    decimal_value(c).is_some()
}

/// The value of a Unicode decimal digit (Nd): digits come in runs of ten from a zero.
fn decimal_value(c: char) -> Option<u32> {
    if c.is_ascii_digit() {
        return c.to_digit(10);
    }
    // Nd blocks start at a code point ending in 0 or 6 (e.g. U+0660, U+06F0, U+0966, U+FF10).
    const ZEROS: &[u32] = &[
        0x660, 0x6F0, 0x7C0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xB66, 0xBE6, 0xC66, 0xCE6, 0xD66, 0xDE6, 0xE50, 0xED0, 0xF20,
        0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90, 0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0,
        0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10,
    ];
    let code = c as u32;
    ZEROS.iter().find(|zero| (**zero..**zero + 10).contains(&code)).map(|zero| code - zero)
}

/// Python's `int(digits, base)` followed by `chr()`, `None` where Python raises.
fn reference(digits: &str, base: u32) -> Option<char> {
    let mut value: u32 = 0;
    for c in digits.chars() {
        let d = if base == 10 { decimal_value(c)? } else { c.to_digit(16)? };
        value = value.checked_mul(base)?.checked_add(d)?;
    }
    if value > 0x10FFFF {
        return None;
    }
    // A lone surrogate is a valid Python str but no Rust char; the disallowed-character step
    // removes it either way.
    Some(char::from_u32(value).unwrap_or('\u{FFFD}'))
}

/// python-slugify's legacy entity decoding: named (`&amp;`), decimal (`&#38;`) and hex
/// (`&#x26;`) references; the numeric kinds all-or-nothing (one invalid reference leaves every
/// reference of its kind as it is).
fn decode_entities(text: &str, options: &SlugifyOptions) -> String {
    let mut text = text.to_string();
    if options.entities {
        text = replace_references(&text, "&", |name| {
            ENTITIES
                .binary_search_by(|(n, _)| (*n).cmp(name))
                .ok()
                .and_then(|i| char::from_u32(ENTITIES[i].1))
                .map(Some)
        })
        .unwrap_or(text);
    }
    if options.decimal {
        text = replace_references(&text, "&#", |digits| {
            if digits.is_empty() || !digits.chars().all(is_decimal) {
                return Some(None);
            }
            reference(digits, 10).map(Some)
        })
        .unwrap_or(text);
    }
    if options.hexadecimal {
        text = replace_references(&text, "&#x", |digits| {
            if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_hexdigit()) {
                return Some(None);
            }
            reference(digits, 16).map(Some)
        })
        .unwrap_or(text);
    }
    text
}

/// Replaces every `{prefix}{name};`: `decide(name)` gives `Some(Some(c))` to replace,
/// `Some(None)` to leave it (no match), `None` to fail the whole substitution.
fn replace_references(text: &str, prefix: &str, decide: impl Fn(&str) -> Option<Option<char>>) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(prefix) {
        out.push_str(&rest[..at]);
        let after = &rest[at + prefix.len()..];
        let name_len = after.find(|c: char| !(c.is_alphanumeric())).unwrap_or(after.len());
        let name = &after[..name_len];
        if after[name_len..].starts_with(';') && !name.is_empty() {
            if let Some(c) = decide(name)? {
                out.push(c);
                rest = &after[name_len + 1..];
                continue;
            }
        }
        out.push_str(&rest[at..at + 1]);
        rest = &rest[at + 1..];
    }
    out.push_str(rest);
    Some(out)
}

/// Python's `str.isalnum()` for one character (letters and numbers, not marks).
fn is_alnum(c: char) -> bool {
    c.is_numeric() || (c.is_alphabetic() && !unicode_normalization::char::is_combining_mark(c))
}

/// Replaces each run of characters `disallowed` says are disallowed with `-`.
fn replace_runs(text: &str, disallowed: impl Fn(char) -> bool) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_run = false;
    for c in text.chars() {
        if disallowed(c) {
            if !in_run {
                out.push('-');
            }
            in_run = true;
        } else {
            in_run = false;
            out.push(c);
        }
    }
    out
}

/// python-slugify's `smart_truncate` (legacy).
fn smart_truncate(text: &str, max_length: usize, word_boundary: bool, separator: &str, save_order: bool) -> String {
    let text = text.trim_matches(|c| separator.contains(c));
    let chars: Vec<char> = text.chars().collect();
    if max_length == 0 || chars.len() < max_length {
        return text.to_string();
    }
    let cut = |n: usize| chars[..n.min(chars.len())].iter().collect::<String>();
    if !word_boundary {
        return cut(max_length).trim_matches(|c| separator.contains(c)).to_string();
    }
    if !text.contains(separator) {
        return cut(max_length);
    }
    let mut truncated = String::new();
    for word in text.split(separator) {
        if word.is_empty() {
            continue;
        }
        let next_len = truncated.chars().count() + word.chars().count();
        if next_len < max_length {
            truncated.push_str(word);
            truncated.push_str(separator);
        } else if next_len == max_length {
            truncated.push_str(word);
            break;
        } else if save_order {
            break;
        }
    }
    if truncated.is_empty() {
        truncated = cut(max_length);
    }
    truncated.trim_matches(|c| separator.contains(c)).to_string()
}

/// python-slugify 9.2's `slugify(text, …)` with `algorithm='legacy'` (its default).
pub fn slugify(text: &str, options: &SlugifyOptions) -> Result<String, String> {
    let mut text = text.to_string();
    for (old, new) in &options.replacements {
        text = text.replace(old.as_str(), new);
    }
    text = replace_quotes(&text, "-");
    text = if options.allow_unicode {
        text.nfkc().collect()
    } else {
        let decomposed: String = text.nfkd().collect();
        if decomposed.is_ascii() {
            decomposed
        } else {
            transliterate(&decomposed)
        }
    };
    text = decode_entities(&text, options);
    text = if options.allow_unicode { text.nfkc().collect() } else { text.nfkd().collect() };
    if options.lowercase {
        text = text.to_lowercase();
    }
    text = replace_quotes(&text, "");
    // (?<=\d),(?=\d): commas between digits go.
    let chars: Vec<char> = text.chars().collect();
    text = chars
        .iter()
        .enumerate()
        .filter(|(i, c)| {
            !(**c == ',' && *i > 0 && is_decimal(chars[i - 1]) && chars.get(i + 1).is_some_and(|n| is_decimal(*n)))
        })
        .map(|(_, c)| *c)
        .collect();
    text = match &options.regex_pattern {
        Some(pattern) => {
            let re = regex::Regex::new(pattern).map_err(|e| format!("slugify: invalid regex_pattern: {e}"))?;
            re.replace_all(&text, "-").into_owned()
        }
        None if options.allow_unicode => replace_runs(&text, |c| !is_alnum(c)),
        None => replace_runs(&text, |c| !(c == '-' || c.is_ascii_alphanumeric())),
    };
    // -{2,} → -, then strip '-'.
    let mut collapsed = String::with_capacity(text.len());
    for c in text.chars() {
        if !(c == '-' && collapsed.ends_with('-')) {
            collapsed.push(c);
        }
    }
    text = collapsed.trim_matches('-').to_string();
    if !options.stopwords.is_empty() {
        let excluded: Vec<String> = if options.lowercase {
            options.stopwords.iter().map(|w| w.to_lowercase()).collect()
        } else {
            options.stopwords.clone()
        };
        text = text.split('-').filter(|w| !excluded.iter().any(|e| e == w)).collect::<Vec<_>>().join("-");
    }
    for (old, new) in &options.replacements {
        text = text.replace(old.as_str(), new);
    }
    if options.max_length > 0 {
        text = smart_truncate(&text, options.max_length as usize, options.word_boundary, "-", options.save_order);
    }
    Ok(if options.separator != "-" { text.replace('-', &options.separator) } else { text })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugifies_like_python_slugify() {
        let s = |t: &str| slugify(t, &SlugifyOptions::default()).unwrap();
        assert_eq!(s("Hello World!"), "hello-world");
        assert_eq!(s("C'est déjà l'été."), "c-est-deja-l-ete");
        assert_eq!(s("影師嗎"), "ying-shi-ma");
        assert_eq!(s("1,000 &amp; more"), "1000-more");
        assert_eq!(s("jaja---lol-méméméoo--a"), "jaja-lol-mememeoo-a");
        let opts = SlugifyOptions { max_length: 9, word_boundary: true, ..SlugifyOptions::default() };
        assert_eq!(slugify("jaja---lol-méméméoo--a", &opts).unwrap(), "jaja-lol");
        let opts = SlugifyOptions { separator: "_".into(), ..SlugifyOptions::default() };
        assert_eq!(slugify("My Project", &opts).unwrap(), "my_project");
    }

    #[test]
    fn transliterates_with_text_unidecode() {
        assert_eq!(transliterate("\u{0080}"), "");
        assert_eq!(transliterate("Ω"), "O");
        assert_eq!(transliterate("\u{1F600}"), "");
    }
}
