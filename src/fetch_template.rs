//! The decisions Backstage's `fetch:template` makes about a skeleton (scaffolder-backend 4.3.0,
//! docs/backstage-behaviour.md), in one place for the checker (`check::skeleton`) and the renderer
//! (`render::skeleton`): which option combinations are refused, which files are binary
//! (isbinaryfile v5), which paths `copyWithoutTemplating` covers (globby), which files are
//! templates in extension mode (Node's `path.extname`) and which rendered paths are skipped.

use serde_json::Value;

/// `templateFileExtension` as `fetch:template` reads it: `true` is `.njk`, a leading `.` is
/// added, falsy values (`false`, `""`, absent) mean no extension mode. Anything else (a number…)
/// is refused, as the action's input schema refuses it.
pub fn template_extension(value: Option<&Value>) -> Result<Option<String>, String> {
    match value {
        None | Some(Value::Null) | Some(Value::Bool(false)) => Ok(None),
        Some(Value::Bool(true)) => Ok(Some(".njk".into())),
        Some(Value::String(s)) if s.is_empty() => Ok(None),
        Some(Value::String(s)) => Ok(Some(if s.starts_with('.') { s.clone() } else { format!(".{s}") })),
        Some(other) => Err(format!("templateFileExtension must be a string or a boolean, not {other}")),
    }
}

/// Backstage's `InputError`: extension mode excludes `copyWithoutTemplating` (any array, even an
/// empty one: JavaScript arrays are truthy) and `cookiecutterCompat`.
pub const EXTENSION_CONFLICT: &str =
    "templateFileExtension cannot be combined with copyWithoutTemplating or cookiecutterCompat";

/// What to do about [`EXTENSION_CONFLICT`].
pub const EXTENSION_CONFLICT_HINT: &str =
    "in extension mode only files ending in the extension are rendered; drop one of the options";

/// `fetch:template`'s inputs that decide how a skeleton renders, as it reads them.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TemplateInputs {
    /// `copyWithoutTemplating` when given (an array of globby patterns, maybe empty).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub copy_without_templating: Option<Vec<String>>,
    /// The extension of extension mode, normalised by [`template_extension`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub template_file_extension: Option<String>,
}

/// Why `fetch:template` refuses its inputs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputProblem {
    /// The input at fault.
    pub field: &'static str,
    /// Trellis' sentence (checks, skeleton renders, dry-runs).
    pub message: String,
    pub hint: &'static str,
    /// The text of the `InputError` `fetch:template` raises itself, before fetching anything
    /// (scaffolder-backend 4.3.0), where it raises one; `trellis:fetch:template` raises the same.
    pub backstage_message: Option<&'static str>,
}

/// `fetch:template`'s checks of its inputs, in its order (docs/backstage-behaviour.md): a
/// `copyWithoutTemplating` that is not an array, then extension mode with `copyWithoutTemplating`
/// or `cookiecutterCompat`; besides, what its input schema refuses (patterns that are not strings,
/// an extension that is neither a string nor a boolean).
pub fn template_inputs(
    copy_without_templating: Option<&Value>,
    template_file_extension: Option<&Value>,
    cookiecutter_compat: bool,
) -> Result<TemplateInputs, InputProblem> {
    let copy_without_templating = match copy_without_templating {
        None | Some(Value::Null) => None,
        Some(Value::Array(items)) => {
            let patterns = items.iter().map(|item| item.as_str().map(str::to_string)).collect::<Option<Vec<_>>>();
            Some(patterns.ok_or_else(|| InputProblem {
                field: "copyWithoutTemplating",
                message: "copyWithoutTemplating must be an array of strings".into(),
                hint: "list glob patterns as strings",
                backstage_message: None,
            })?)
        }
        Some(_) => {
            return Err(InputProblem {
                field: "copyWithoutTemplating",
                message: "copyWithoutTemplating must be an array".into(),
                hint: "write it as a list, e.g. `copyWithoutTemplating: ['static/**']`",
                backstage_message: Some("Fetch action input copyWithoutTemplating must be an Array"),
            })
        }
    };
    let template_file_extension = template_extension(template_file_extension).map_err(|message| InputProblem {
        field: "templateFileExtension",
        message,
        hint: "use `true` (for .njk) or an extension such as `.tmpl`",
        backstage_message: None,
    })?;
    if template_file_extension.is_some() && (copy_without_templating.is_some() || cookiecutter_compat) {
        return Err(InputProblem {
            field: "templateFileExtension",
            message: EXTENSION_CONFLICT.into(),
            hint: EXTENSION_CONFLICT_HINT,
            backstage_message: Some(
                "Fetch action input extension incompatible with copyWithoutTemplating and cookiecutterCompat",
            ),
        });
    }
    Ok(TemplateInputs { copy_without_templating, template_file_extension })
}

/// Backstage's skip rule (`containsSkippedContent`): a rendered path that is empty, starts with
/// `/` or contains `//` is left out. This is how optional files are written
/// (`{% if values.x %}name{% endif %}`), and a directory whose name renders empty takes its
/// children with it, since their paths then hold `//` too.
pub fn is_skipped_path(rendered: &str) -> bool {
    rendered.is_empty() || rendered.starts_with('/') || rendered.contains("//")
}

/// Node's `path.posix.extname`: from the last `.` of the last segment (trailing `/` ignored),
/// empty when that dot starts the name (`.njk`) or the name is `..`.
pub fn extname(path: &str) -> &str {
    let trimmed = path.trim_end_matches('/');
    let start = trimmed.rfind('/').map_or(0, |at| at + 1);
    let name = &trimmed[start..];
    if name == ".." {
        return "";
    }
    match name.rfind('.') {
        // A name's leading dot starts no extension (`.njk`), but `..njk` has one.
        Some(0) | None => "",
        Some(at) => &name[at..],
    }
}

/// isbinaryfile 5.0.7's `isBinaryFile(buffer)`: what `fetch:template` copies unrendered. It
/// looks at the first 512 bytes (plus 3 to finish a UTF-8 sequence): text BOMs are text,
/// `%PDF-` is binary, a NUL byte is binary, more than 10% bytes that are neither printable
/// ASCII nor well-formed UTF-8 are binary, and with two or more such bytes a buffer that reads
/// as protobuf messages is binary. Ported step by step, including how the scan skips bytes.
pub fn is_binary(bytes: &[u8]) -> bool {
    const MAX_BYTES: usize = 512;
    const UTF8_BOUNDARY_RESERVE: usize = 3;
    if bytes.is_empty() {
        return false;
    }
    let total = bytes.len().min(MAX_BYTES + UTF8_BOUNDARY_RESERVE);
    let scan = total.min(MAX_BYTES);
    let text_boms: [&[u8]; 4] = [b"\xef\xbb\xbf", b"\x00\x00\xfe\xff", b"\xff\xfe\x00\x00", b"\x84\x31\x95\x33"];
    if text_boms.iter().any(|bom| bytes.starts_with(bom)) {
        return false;
    }
    if bytes.starts_with(b"%PDF-") {
        return true;
    }
    if bytes.starts_with(b"\xfe\xff") || bytes.starts_with(b"\xff\xfe") {
        return false;
    }
    let continuation = |i: usize| bytes.get(i).is_some_and(|b| (0x80..=0xbf).contains(b));
    // `suspicious * 100 / scan > 10` in JavaScript numbers, exactly.
    let too_many = |suspicious: usize| suspicious * 100 > 10 * scan;
    let mut suspicious = 0usize;
    let mut i = 0;
    while i < scan {
        let b = bytes[i];
        if b == 0 {
            return true;
        }
        if (b < 7 || b > 14) && (b < 32 || b > 127) {
            // A lead byte with room for its sequence: the scan moves onto the first
            // continuation byte whether or not the sequence turns out well-formed.
            if (0xc0..=0xdf).contains(&b) && i + 1 < total {
                i += 1;
                if continuation(i) {
                    i += 1;
                    continue;
                }
            } else if (0xe0..=0xef).contains(&b) && i + 2 < total {
                i += 1;
                if continuation(i) && continuation(i + 1) {
                    i += 2;
                    continue;
                }
            } else if (0xf0..=0xf7).contains(&b) && i + 3 < total {
                i += 1;
                if continuation(i) && continuation(i + 1) && continuation(i + 2) {
                    i += 3;
                    continue;
                }
            }
            suspicious += 1;
            if i >= 32 && too_many(suspicious) {
                return true;
            }
        }
        i += 1;
    }
    too_many(suspicious) || (suspicious > 1 && is_binary_proto(&bytes[..scan]))
}

/// isbinaryfile's protobuf taster over `bytes`: whole messages (varint tag with wire type 0,
/// 1, 2 or 5 and its payload) until the bytes run out; binary when at least one message read
/// completely. Varints are built as JavaScript does (`|` and `<<` on 32-bit integers).
fn is_binary_proto(bytes: &[u8]) -> bool {
    struct Reader<'a> {
        bytes: &'a [u8],
        offset: usize,
        error: bool,
    }
    impl Reader<'_> {
        fn next_byte(&mut self) -> u8 {
            if self.offset == self.bytes.len() || self.error {
                self.error = true;
                return 0xff;
            }
            self.offset += 1;
            self.bytes[self.offset - 1]
        }
        fn skip(&mut self, len: i32) {
            for _ in 0..len.max(0) {
                if self.error {
                    return;
                }
                self.next_byte();
            }
        }
        fn varint(&mut self) -> i32 {
            let mut value: i32 = 0;
            let mut index: u32 = 0;
            while !self.error {
                let b = self.next_byte();
                value |= i32::from(b & 0x7f).wrapping_shl((7 * index) % 32);
                if b & 0x80 == 0 {
                    break;
                }
                if index >= 10 {
                    self.error = true;
                    break;
                }
                index += 1;
            }
            value
        }
        fn message(&mut self) -> bool {
            match self.varint() & 0x7 {
                0 => {
                    self.varint();
                }
                1 => self.skip(8),
                2 => {
                    let len = self.varint();
                    self.skip(len);
                }
                5 => self.skip(4),
                _ => return false,
            }
            true
        }
    }
    let mut reader = Reader { bytes, offset: 0, error: false };
    let mut messages = 0usize;
    loop {
        if !reader.message() && !reader.error {
            return false;
        }
        if reader.error {
            break;
        }
        messages += 1;
    }
    messages > 0
}

/// One `copyWithoutTemplating` pattern, read as globby reads it (`!` negates; `*` and `?` stay
/// inside a path segment; dotfiles match).
pub struct CopyPattern {
    /// The pattern as written.
    pub text: String,
    pub negated: bool,
    pub matcher: Result<globset::GlobMatcher, String>,
}

impl CopyPattern {
    pub fn new(text: &str) -> CopyPattern {
        let negated = text.starts_with('!');
        let mut pattern = CopyPattern { text: text.to_string(), negated, matcher: Err(String::new()) };
        pattern.matcher = segment_glob(pattern.glob_text());
        pattern
    }

    /// The glob part (without `!` and a leading `./` or trailing `/`).
    pub fn glob_text(&self) -> &str {
        let text = self.text.strip_prefix('!').unwrap_or(&self.text);
        text.strip_prefix("./").unwrap_or(text).trim_end_matches('/')
    }

    /// Whether the pattern matches `path` itself, or (globby's `expandDirectories`: a pattern
    /// naming a directory is read as `dir/**`) lies inside it.
    pub fn covers(&self, path: &str, is_dir: &dyn Fn(&str) -> bool) -> bool {
        if self.matcher.as_ref().is_ok_and(|m| m.is_match(path)) {
            return true;
        }
        let glob = self.glob_text();
        !has_magic(glob) && path.strip_prefix(glob).is_some_and(|rest| rest.starts_with('/')) && is_dir(glob)
    }
}

/// Whether globby lists `path` for these patterns: some pattern covers it and no `!` pattern
/// does (globby takes negations as exclusions from all the others, whatever their order).
pub fn copied_without_templating<'a>(
    patterns: impl Iterator<Item = &'a CopyPattern> + Clone,
    path: &str,
    is_dir: &dyn Fn(&str) -> bool,
) -> bool {
    patterns.clone().any(|p| !p.negated && p.covers(path, is_dir))
        && !patterns.into_iter().any(|p| p.negated && p.covers(path, is_dir))
}

/// Whether `fetch:template` renders the content of the (text) file at `path`: in extension mode
/// iff its extension is the template extension, otherwise iff `copyWithoutTemplating` does not
/// cover it. (Binary files and symlinks are copied whatever this says.)
pub fn renders_content<'a>(
    path: &str,
    extension: Option<&str>,
    patterns: impl Iterator<Item = &'a CopyPattern> + Clone,
    is_dir: &dyn Fn(&str) -> bool,
) -> bool {
    match extension {
        Some(ext) => extname(path) == ext,
        None => !copied_without_templating(patterns, path, is_dir),
    }
}

/// A glob as fast-glob (under globby) reads it: `*` and `?` stay inside one path segment, a backslash
/// escapes. Shared by `copyWithoutTemplating`, the dry-run's `fs:delete` and the CLI's path
/// patterns; the error is globset's reason.
pub fn segment_glob(glob: &str) -> Result<globset::GlobMatcher, String> {
    globset::GlobBuilder::new(glob)
        .literal_separator(true)
        .backslash_escape(true)
        .build()
        .map(|g| g.compile_matcher())
        .map_err(|e| e.kind().to_string())
}

fn has_magic(glob: &str) -> bool {
    glob.contains(['*', '?', '[', '{', '(', '!'])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binary_like_isbinaryfile() {
        assert!(!is_binary(b""));
        assert!(!is_binary("name: ${{ values.name }}\n".as_bytes()));
        assert!(!is_binary("caf\u{e9} \u{1f600} \u{4e2d}\u{6587}\n".repeat(40).as_bytes()));
        assert!(is_binary(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"));
        assert!(is_binary(b"%PDF-1.4"));
        assert!(!is_binary(b"\xef\xbb\xbfwith a BOM\x00"));
        assert!(!is_binary(b"\xff\xfeU\x00T\x00F\x00"));
        // Mostly invalid UTF-8 without NUL: suspicious bytes over 10%.
        assert!(is_binary(&[0x80u8; 64]));
        // A few stray bytes in a long text stay text.
        let mut text = b"a".repeat(200);
        text.push(0x80);
        assert!(!is_binary(&text));
    }

    #[test]
    fn binary_scan_skips_bytes_as_isbinaryfile_does() {
        // A broken two-byte sequence: isbinaryfile steps over the byte after the lead, so
        // `C3 C3 A9` counts two suspicious bytes (a fresh decoder would count one).
        let mut sample = b"o".repeat(40);
        sample.extend_from_slice(&[0xc3, 0xc3, 0xa9].repeat(3));
        // 6 suspicious of 49 bytes is over 10%; counting 3 would not be.
        assert!(is_binary(&sample));
        // 10.5% is over 10% (JavaScript division, not integer division).
        let mut sample = b"x".repeat(179);
        sample.extend_from_slice(&[0x80; 21]);
        assert!(is_binary(&sample));
        // Exactly 10% is not over it… unless the bytes taste like protobuf: `x` (0x78) reads as
        // a varint field, `o` (0x6f, wire type 7) cannot.
        let mut sample = b"o".repeat(180);
        sample.extend_from_slice(&[0x80; 20]);
        assert!(!is_binary(&sample));
        let mut sample = b"x".repeat(180);
        sample.extend_from_slice(&[0x80; 20]);
        assert!(is_binary(&sample));
    }

    #[test]
    fn protobuf_looking_bytes_are_binary() {
        // Two suspicious bytes, under 10%, in what reads as protobuf messages: field 1 varint
        // (0x08 0x96 0x01), field 2 bytes of length 3.
        let mut proto = vec![0x08, 0x96, 0x01, 0x12, 0x03, b'a', b'b', b'c'];
        proto.extend(b"\x1a\x14abcdefghijklmnopqrst");
        proto.extend_from_slice(&[0x08, 0x80, 0x01]);
        assert!(is_binary(&proto));
        // The same suspicious bytes in text that is no protobuf (wire type 7 first).
        let mut text = b"\x0f plain text with two odd bytes ".to_vec();
        text.extend_from_slice(&[0x80, b' ', 0x81]);
        assert!(!is_binary(&text));
    }

    #[test]
    fn extname_like_node() {
        for (path, ext) in [
            ("a.yaml.njk", ".njk"),
            (".njk", ""),
            ("Makefile", ""),
            ("x.njk/", ".njk"),
            ("a/b.c/d", ""),
            ("..njk", ".njk"),
            ("..", ""),
            ("a.", "."),
            ("dir/.env", ""),
        ] {
            assert_eq!(extname(path), ext, "{path}");
        }
    }

    #[test]
    fn skip_rule() {
        for skipped in ["", "/", "/x", "a//b", "a//"] {
            assert!(is_skipped_path(skipped), "{skipped}");
        }
        for kept in ["a", "a/", ".txt", "a/b"] {
            assert!(!is_skipped_path(kept), "{kept}");
        }
    }

    #[test]
    fn template_inputs_refuse_what_fetch_template_refuses_with_its_messages() {
        use serde_json::json;
        let inputs = template_inputs(Some(&json!(["static/**"])), None, false).unwrap();
        assert_eq!(inputs.copy_without_templating, Some(vec!["static/**".to_string()]));
        assert_eq!(
            template_inputs(None, Some(&json!(true)), false).unwrap().template_file_extension.as_deref(),
            Some(".njk")
        );
        assert_eq!(
            template_inputs(None, Some(&json!("tmpl")), false).unwrap().template_file_extension.as_deref(),
            Some(".tmpl")
        );
        // Any array counts, even an empty one (truthy in JavaScript); `cookiecutterCompat` too.
        for (patterns, cookiecutter) in [(Some(json!([])), false), (None, true)] {
            let problem = template_inputs(patterns.as_ref(), Some(&json!(".njk")), cookiecutter).unwrap_err();
            assert_eq!(problem.message, EXTENSION_CONFLICT);
            assert_eq!(
                problem.backstage_message,
                Some("Fetch action input extension incompatible with copyWithoutTemplating and cookiecutterCompat")
            );
        }
        // The array check comes first, as in fetch:template.
        let problem = template_inputs(Some(&json!("static")), Some(&json!(true)), true).unwrap_err();
        assert_eq!(problem.backstage_message, Some("Fetch action input copyWithoutTemplating must be an Array"));
        // What only the input schema refuses has no InputError of fetch:template's.
        assert_eq!(template_inputs(Some(&json!([1])), None, false).unwrap_err().backstage_message, None);
        assert_eq!(template_inputs(None, Some(&json!(3)), false).unwrap_err().field, "templateFileExtension");
    }
}
