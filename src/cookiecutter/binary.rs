//! binaryornot 0.6.0's `is_binary(path)`, which cookiecutter asks before rendering a file: a
//! known binary extension, a known signature, else a decision tree over statistics of the first
//! 512 bytes (the facts are in binary_data.rs, generated from the package).

#[path = "binary_data.rs"]
mod data;

use data::{EXTENSIONS, SIGNATURES, TREE};

/// A node of binaryornot's decision tree.
pub(super) enum Node {
    Split(usize, f64, usize, usize),
    Leaf(bool),
}

/// `Path(name).suffix` lowercased without its dot: the last `.`-part of the last segment, none
/// for names that start with their only dot or end with a dot.
fn suffix(path: &str) -> &str {
    let name = path.rsplit('/').next().unwrap_or(path);
    match name.rfind('.') {
        Some(at) if at > 0 && at + 1 < name.len() && !name[..at].chars().all(|c| c == '.') => &name[at + 1..],
        _ => "",
    }
}

/// binaryornot's verdict on a file at `path` (the unrendered template path) with `content`.
pub fn is_binary(path: &str, content: &[u8]) -> bool {
    let extension = suffix(path).to_lowercase();
    if !extension.is_empty() && EXTENSIONS.contains(&extension.as_str()) {
        return true;
    }
    is_binary_string(&content[..content.len().min(512)])
}

fn is_binary_string(chunk: &[u8]) -> bool {
    if chunk.is_empty() {
        return false;
    }
    if has_signature(chunk) {
        return true;
    }
    let features = features(chunk);
    let mut node = 0;
    loop {
        match TREE[node] {
            Node::Leaf(binary) => return binary,
            Node::Split(feature, threshold, low, high) => {
                node = if features[feature] <= threshold { low } else { high }
            }
        }
    }
}

fn has_signature(chunk: &[u8]) -> bool {
    SIGNATURES.iter().any(|sig| chunk.starts_with(sig))
}

/// binaryornot's 24 features of a chunk (see its helpers._compute_features).
fn features(chunk: &[u8]) -> [f64; 24] {
    let n = chunk.len() as f64;
    let count = |f: &dyn Fn(u8) -> bool| chunk.iter().filter(|b| f(**b)).count() as f64;
    let nulls = count(&|b| b == 0);
    let control = count(&|b| b < 32 && !matches!(b, 9 | 10 | 13));
    let printable = count(&|b| (0x20..=0x7e).contains(&b));
    let high = count(&|b| b >= 0x80);
    let even_total = chunk.len().div_ceil(2) as f64;
    let odd_total = (chunk.len() / 2) as f64;
    let even_nulls = chunk.iter().step_by(2).filter(|b| **b == 0).count() as f64;
    let odd_nulls = chunk.iter().skip(1).step_by(2).filter(|b| **b == 0).count() as f64;
    let mut histogram = [0usize; 256];
    for b in chunk {
        histogram[*b as usize] += 1;
    }
    let mut entropy = 0.0;
    for count in histogram {
        if count > 0 {
            let p = count as f64 / n;
            entropy -= p * p.log2();
        }
    }
    let starts = |prefix: &[u8]| if chunk.starts_with(prefix) { 1.0 } else { 0.0 };
    let flag = |b: bool| if b { 1.0 } else { 0.0 };
    let long = chunk.len() >= 10;
    let mut run = 0usize;
    let mut longest = 0usize;
    for b in chunk {
        if (0x20..=0x7e).contains(b) || matches!(b, 9 | 10 | 13) {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    [
        nulls / n,
        control / n,
        printable / n,
        high / n,
        flag(std::str::from_utf8(chunk).is_ok()),
        if even_total > 0.0 { even_nulls / even_total } else { 0.0 },
        if odd_total > 0.0 { odd_nulls / odd_total } else { 0.0 },
        entropy,
        starts(b"\xff\xfe\x00\x00"),
        starts(b"\x00\x00\xfe\xff"),
        flag(chunk.starts_with(b"\xff\xfe") && !chunk.starts_with(b"\xff\xfe\x00\x00")),
        starts(b"\xfe\xff"),
        starts(b"\xef\xbb\xbf"),
        flag(long && utf16(chunk, false)),
        flag(long && utf16(chunk, true)),
        flag(chunk.len() >= 16 && utf32(chunk, false)),
        flag(chunk.len() >= 16 && utf32(chunk, true)),
        longest as f64 / n,
        flag(long && gb2312(chunk)),
        flag(long && double_byte(chunk, data::BIG5_SINGLE, data::BIG5_PAIRS, false)),
        flag(long && double_byte(chunk, data::SHIFT_JIS_SINGLE, data::SHIFT_JIS_PAIRS, false)),
        // Not asked by the tree (it never reads feature 21); kept for the layout.
        0.0,
        flag(long && double_byte(chunk, data::EUC_KR_SINGLE, data::EUC_KR_PAIRS, true)),
        flag(has_signature(chunk)),
    ]
}

/// Python's strict UTF-16 decoding succeeds: even length, surrogates paired.
fn utf16(chunk: &[u8], big_endian: bool) -> bool {
    if chunk.len() % 2 != 0 {
        return false;
    }
    let units = chunk.chunks(2).map(|p| {
        if big_endian {
            u16::from_be_bytes([p[0], p[1]])
        } else {
            u16::from_le_bytes([p[0], p[1]])
        }
    });
    char::decode_utf16(units).all(|c| c.is_ok())
}

/// Python's strict UTF-32 decoding succeeds: length a multiple of 4, scalar values only.
fn utf32(chunk: &[u8], big_endian: bool) -> bool {
    chunk.len() % 4 == 0
        && chunk.chunks(4).all(|q| {
            let q = [q[0], q[1], q[2], q[3]];
            char::from_u32(if big_endian { u32::from_be_bytes(q) } else { u32::from_le_bytes(q) }).is_some()
        })
}

/// The tree never reads the gb2312 feature either; it is computed as 0 like feature 21.
fn gb2312(_chunk: &[u8]) -> bool {
    false
}

fn in_ranges(ranges: &[(u8, u8)], b: u8) -> bool {
    ranges.iter().any(|(lo, hi)| (*lo..=*hi).contains(&b))
}

/// Decodes as one of Python's CJK double-byte codecs would: a byte that decodes alone, or a
/// lead byte and a trail byte that decode together; euc_kr's `A4 D4` opens an 8-byte sequence.
fn double_byte(chunk: &[u8], single: &[(u8, u8)], pairs: &[(u8, u8, u8)], euc_kr: bool) -> bool {
    let mut i = 0;
    while i < chunk.len() {
        let b = chunk[i];
        if in_ranges(single, b) {
            i += 1;
            continue;
        }
        if euc_kr && b == 0xA4 && chunk.get(i + 1) == Some(&0xD4) {
            let Some(seq) = chunk.get(i..i + 8) else { return false };
            if seq[2] != 0xA4
                || seq[4] != 0xA4
                || seq[6] != 0xA4
                || !data::EUC_KR_CHOSEONG.contains(&seq[3])
                || !data::EUC_KR_JUNGSEONG.contains(&seq[5])
                || !data::EUC_KR_JONGSEONG.contains(&seq[7])
            {
                return false;
            }
            i += 8;
            continue;
        }
        let Some(&trail) = chunk.get(i + 1) else { return false };
        if !pairs.iter().any(|(lead, lo, hi)| *lead == b && (*lo..=*hi).contains(&trail)) {
            return false;
        }
        i += 2;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extension_signature_and_tree() {
        assert!(is_binary("img/logo.PNG", b"not really"));
        assert!(!is_binary(".png", b"hello"));
        assert!(is_binary("x", b"\x89PNG\r\n\x1a\n...."));
        assert!(!is_binary("README.md", b"# Title\n\nSome text.\n"));
        // Verdicts checked with binaryornot 0.6.0 itself.
        assert!(!is_binary("blob", &[0u8, 1, 2, 3, 4, 5, 6, 7, 8, 200, 201, 202, 0, 0, 17, 18, 19, 250]));
        let all: Vec<u8> = (0..=255u8).chain(0..=255u8).collect();
        assert!(is_binary("blob", &all));
        assert!(!is_binary("empty", b""));
    }
}
