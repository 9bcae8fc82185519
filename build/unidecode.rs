// Packs text-unidecode 1.3's transliteration table (python-slugify's fallback, which
// cookiecutter's `slugify` filter uses) for src/cookiecutter/slugify.rs.
//
// The strings come from the `unidecode` crate, which carries the same Text::Unidecode data;
// `TEXT_UNIDECODE_DIFFERS` lists the code points where text-unidecode 1.3 says otherwise
// (found by comparing the two over the whole Basic Multilingual Plane; the cookiecutter
// differential test in plugin-wrapper/test/cookiecutter-slugify.test.cjs holds the packed
// table against the real text-unidecode again).
//
// Layout of `$OUT_DIR/unidecode.bin`: a length byte per BMP code point outside U+4E00–U+9FFF
// and the Hangul syllables (those ranges are ruled by code; 255 and 254
// stand for `[?]` and `[?] `, 253 for a Hangul syllable, spelled from its jamo's entries, 252 for
// a CJK ideograph of U+4E00–U+9FFF, whose string is in the dictionary; none of these take
// text), 256 little-endian u32 offsets (where each block of 256 code points starts in the text),
// the text, then the dictionary: a u16 count N, N + 1 u16 offsets into its text, the text, and
// one 10-bit dictionary index per code point of U+4E00–U+9FFF, packed most significant bit first.

use std::io::Write;

/// (code point, text-unidecode 1.3's string) where the `unidecode` crate differs.
const TEXT_UNIDECODE_DIFFERS: &[(u32, &str)] = &[
    (0x0080, ""),
    (0x0082, ""),
    (0x0083, ""),
    (0x0084, ""),
    (0x0085, ""),
    (0x0086, ""),
    (0x0087, ""),
    (0x0088, ""),
    (0x0089, ""),
    (0x008A, ""),
    (0x008B, ""),
    (0x008C, ""),
    (0x008E, ""),
    (0x0091, ""),
    (0x0092, ""),
    (0x0093, ""),
    (0x0094, ""),
    (0x0095, ""),
    (0x0096, ""),
    (0x0097, ""),
    (0x0098, ""),
    (0x0099, ""),
    (0x009A, ""),
    (0x009B, ""),
    (0x009C, ""),
    (0x009E, ""),
    (0x009F, ""),
    (0x02E5, ""),
    (0x02E6, ""),
    (0x02E7, ""),
    (0x02E8, ""),
    (0x02E9, ""),
    (0x02EA, ""),
    (0x02EB, ""),
    (0x02EF, "[?]"),
    (0x02F0, "[?]"),
    (0x02F1, "[?]"),
    (0x02F2, "[?]"),
    (0x02F3, "[?]"),
    (0x02F4, "[?]"),
    (0x02F5, "[?]"),
    (0x02F6, "[?]"),
    (0x02F7, "[?]"),
    (0x02F8, "[?]"),
    (0x02F9, "[?]"),
    (0x02FA, "[?]"),
    (0x02FB, "[?]"),
    (0x02FC, "[?]"),
    (0x02FD, "[?]"),
    (0x02FE, "[?]"),
    (0x02FF, "[?] "),
    (0x03F4, "[?]"),
    (0x03F5, "[?]"),
    (0x03F6, "[?]"),
    (0x03F7, "[?]"),
    (0x03F8, "[?]"),
    (0x03F9, "[?]"),
    (0x03FC, "[?]"),
    (0x03FD, "[?]"),
    (0x03FE, "[?]"),
    (0x03FF, "[?] "),
    (0x04FF, "[?] "),
    (0x05FF, "[?] "),
    (0x06FF, "[?] "),
    (0x07FF, "[?] "),
    (0x09FF, "[?] "),
    (0x0AF0, "[?]"),
    (0x0AF1, "[?]"),
    (0x0AF9, "[?]"),
    (0x0AFF, "[?] "),
    (0x0BFF, "[?] "),
    (0x0CFF, "[?] "),
    (0x0DFF, "[?] "),
    (0x0EFF, "[?] "),
    (0x0FFF, "[?] "),
    (0x10FF, "[?] "),
    (0x11FF, "[?] "),
    (0x13F5, "[?]"),
    (0x13F8, "[?]"),
    (0x13F9, "[?]"),
    (0x13FA, "[?]"),
    (0x13FB, "[?]"),
    (0x13FC, "[?]"),
    (0x13FD, "[?]"),
    (0x13FF, "[?] "),
    (0x16FF, "[?] "),
    (0x17FF, "[?] "),
    (0x18FF, "[?] "),
    (0x1EFA, "[?]"),
    (0x1EFB, "[?]"),
    (0x1EFC, "[?]"),
    (0x1EFD, "[?]"),
    (0x1EFE, "[?]"),
    (0x1EFF, "[?] "),
    (0x1FFF, "[?] "),
    (0x20FF, "[?] "),
    (0x21FF, "[?] "),
    (0x22FF, "[?] "),
    (0x23FF, "[?] "),
    (0x24FF, "[?] "),
    (0x25F4, "#"),
    (0x25F5, "#"),
    (0x25F6, "#"),
    (0x25F7, "#"),
    (0x25F8, "[?]"),
    (0x25F9, "[?]"),
    (0x25FA, "[?]"),
    (0x25FB, "[?]"),
    (0x25FC, "[?]"),
    (0x25FD, "[?]"),
    (0x25FE, "[?]"),
    (0x25FF, "[?] "),
    (0x26FF, "[?] "),
    (0x27FF, "[?] "),
    (0x2EFF, "[?] "),
    (0x2FFF, "[?] "),
    (0x30FF, "[?] "),
    (0x31FF, "[?] "),
    (0x32FF, "[?] "),
    (0x33FF, "[?] "),
    (0x4DFF, "[?] "),
    (0x9FFF, "[?] "),
    (0xA4FF, "[?] "),
    (0xD7FF, "[?] "),
    (0xFAFF, "[?] "),
    (0xFDF0, ""),
    (0xFDF1, ""),
    (0xFDF2, ""),
    (0xFDF3, ""),
    (0xFDF4, ""),
    (0xFDF5, ""),
    (0xFDF6, ""),
    (0xFDF7, ""),
    (0xFDF8, ""),
    (0xFDF9, ""),
    (0xFDFA, ""),
    (0xFDFB, ""),
    (0xFDFC, "[?]"),
    (0xFDFD, "[?]"),
    (0xFDFF, "[?] "),
];

/// The string text-unidecode 1.3 has for a code point.
fn entry(code: u32) -> &'static str {
    let Some(c) = char::from_u32(code) else { return "" };
    match TEXT_UNIDECODE_DIFFERS.iter().find(|(at, _)| *at == code) {
        Some((_, s)) => s,
        None if code == 0 => "\0",
        None => unidecode::unidecode_char(c),
    }
}

const HANGUL: std::ops::Range<u32> = 0xAC00..0xAC00 + 11172;
const CJK: std::ops::Range<u32> = 0x4E00..0xA000;

/// A Hangul syllable's string from its jamo's (initial U+1100.., vowel U+1161.., final U+11A8..).
fn hangul(code: u32) -> String {
    let s = code - HANGUL.start;
    let (l, v, t) = (s / 588, (s % 588) / 28, s % 28);
    let mut out = format!("{}{}", entry(0x1100 + l), entry(0x1161 + v));
    if t > 0 {
        out.push_str(entry(0x11A7 + t));
    }
    out
}

pub fn write() {
    let mut lengths = vec![0u8; 0x10000];
    let mut offsets = Vec::with_capacity(256 * 4);
    let mut text = Vec::new();
    let mut dictionary: Vec<&str> = Vec::new();
    let mut indices: Vec<u16> = Vec::new();
    for code in 0u32..0x10000 {
        if code % 256 == 0 {
            offsets.extend_from_slice(&(text.len() as u32).to_le_bytes());
        }
        let s = entry(code);
        lengths[code as usize] = match s {
            // Every ideograph goes through the dictionary ("[?] " included): its length byte is implied.
            _ if CJK.contains(&code) => {
                let index = dictionary.iter().position(|d| *d == s).unwrap_or_else(|| {
                    dictionary.push(s);
                    dictionary.len() - 1
                });
                indices.push(index as u16);
                252
            }
            _ if HANGUL.contains(&code) => {
                assert_eq!(hangul(code), s, "U+{code:04X} is not spelled from its jamo");
                253
            }
            "[?]" => 255,
            "[?] " => 254,
            _ => {
                assert!(s.len() < 252, "transliteration of U+{code:04X} too long");
                text.extend_from_slice(s.as_bytes());
                s.len() as u8
            }
        };
    }
    assert!(dictionary.len() <= 1024, "CJK dictionary indices take 10 bits");
    let mut packed = vec![0u8; (indices.len() * 10).div_ceil(8)];
    for (i, index) in indices.iter().enumerate() {
        for bit in 0..10 {
            if index >> (9 - bit) & 1 == 1 {
                let at = i * 10 + bit;
                packed[at / 8] |= 0x80 >> (at % 8);
            }
        }
    }
    let mut dict_offsets = Vec::new();
    let mut dict_text = Vec::new();
    for s in &dictionary {
        dict_offsets.extend_from_slice(&(dict_text.len() as u16).to_le_bytes());
        dict_text.extend_from_slice(s.as_bytes());
    }
    dict_offsets.extend_from_slice(&(dict_text.len() as u16).to_le_bytes());
    let out = std::path::PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("unidecode.bin");
    let mut file = std::fs::File::create(out).unwrap();
    // U+4E00–U+9FFF are the dictionary's and the Hangul syllables are spelled from their jamo:
    // their length bytes are implied.
    let lengths: Vec<u8> = lengths
        .iter()
        .enumerate()
        .filter(|(c, _)| !CJK.contains(&(*c as u32)) && !HANGUL.contains(&(*c as u32)))
        .map(|(_, l)| *l)
        .collect();
    for part in [
        &lengths,
        &offsets,
        &text,
        &(dictionary.len() as u16).to_le_bytes().to_vec(),
        &dict_offsets,
        &dict_text,
        &packed,
    ] {
        file.write_all(part).unwrap();
    }
}
