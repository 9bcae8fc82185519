//! `trellis render --check`: a rendered tree against a golden tree, as one unified diff per
//! differing file plus the files only one side has. Directories are not compared (git does not
//! keep empty ones); files by content, symlinks by link text, and the executable bit.

use std::collections::BTreeMap;

use serde::Serialize;
use similar::TextDiff;

use crate::render::skeleton::{EntryKind, SkeletonEntry};

/// The verdict of a comparison.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TreeDiff {
    pub equal: bool,
    /// Paths whose content, link or executable bit differ.
    pub changed: Vec<String>,
    /// In the golden tree, not rendered.
    pub missing: Vec<String>,
    /// Rendered, not in the golden tree.
    pub extra: Vec<String>,
    /// Unified diffs (`--- golden/PATH`, `+++ rendered/PATH`) of every difference.
    pub text: String,
}

impl TreeDiff {
    /// The diff as printed, with every secret form hidden in its paths and text (the verdict
    /// stays that of the real contents): a rendered file may hold a secret the template wrote.
    pub fn redacted(self, redactor: &super::Redactor) -> TreeDiff {
        let hide = |text: &str| super::redact::redact_text(text, redactor);
        let hide_all = |paths: Vec<String>| paths.iter().map(|p| hide(p)).collect();
        TreeDiff {
            equal: self.equal,
            changed: hide_all(self.changed),
            missing: hide_all(self.missing),
            extra: hide_all(self.extra),
            text: hide(&self.text),
        }
    }
}

fn comparable(files: &[SkeletonEntry]) -> BTreeMap<&str, &SkeletonEntry> {
    // Inserted one by one (later entries win, as with `collect()`): `collect()` into a B-tree
    // compiles a copy of the stable sort for this type.
    let mut comparable = BTreeMap::new();
    comparable.extend(files.iter().filter(|f| f.kind != EntryKind::Directory).map(|f| (f.path.as_str(), f)));
    comparable
}

fn executable(file: &SkeletonEntry) -> bool {
    file.kind == EntryKind::File && file.mode & 0o111 != 0
}

/// What a file shows in a diff: its text, its link, or a note for binary content.
fn shown(file: &SkeletonEntry) -> Result<String, ()> {
    match file.kind {
        EntryKind::Symlink => Ok(format!("symlink -> {}\n", file.link_target.as_deref().unwrap_or(""))),
        _ if crate::check::skeleton::is_binary(&file.content) => Err(()),
        _ => Ok(String::from_utf8_lossy(&file.content).into_owned()),
    }
}

fn unified(old: &str, new: &str, old_label: &str, new_label: &str, out: &mut String) {
    let diff = TextDiff::from_lines(old, new);
    let text = diff.unified_diff().context_radius(3).header(old_label, new_label).to_string();
    out.push_str(&text);
    if !text.is_empty() && !text.ends_with('\n') {
        out.push('\n');
    }
}

/// Compares `rendered` with `golden` (both with paths relative to their roots).
pub fn compare(golden: &[SkeletonEntry], rendered: &[SkeletonEntry]) -> TreeDiff {
    let expected = comparable(golden);
    let actual = comparable(rendered);
    let mut diff = TreeDiff::default();
    let mut paths: Vec<&str> = expected.keys().chain(actual.keys()).copied().collect();
    crate::sort::sort(&mut paths);
    paths.dedup();
    for path in paths {
        let old_label = format!("golden/{path}");
        let new_label = format!("rendered/{path}");
        match (expected.get(path), actual.get(path)) {
            (Some(old), Some(new)) => {
                let same_content =
                    old.kind == new.kind && old.content == new.content && old.link_target == new.link_target;
                let same_mode = executable(old) == executable(new);
                if same_content && same_mode {
                    continue;
                }
                diff.changed.push(path.to_string());
                if !same_mode {
                    let mode = |f: &SkeletonEntry| if executable(f) { "executable" } else { "not executable" };
                    diff.text.push_str(&format!("mode of {path}: golden {}, rendered {}\n", mode(old), mode(new)));
                }
                if !same_content {
                    match (shown(old), shown(new)) {
                        (Ok(a), Ok(b)) => unified(&a, &b, &old_label, &new_label, &mut diff.text),
                        _ => diff.text.push_str(&format!("Binary files {old_label} and {new_label} differ\n")),
                    }
                }
            }
            (Some(old), None) => {
                diff.missing.push(path.to_string());
                diff.text.push_str(&format!("only in golden: {path}\n"));
                if let Ok(text) = shown(old) {
                    unified(&text, "", &old_label, "/dev/null", &mut diff.text);
                }
            }
            (None, Some(new)) => {
                diff.extra.push(path.to_string());
                diff.text.push_str(&format!("only in rendered: {path}\n"));
                if let Ok(text) = shown(new) {
                    unified("", &text, "/dev/null", &new_label, &mut diff.text);
                }
            }
            (None, None) => {}
        }
    }
    diff.equal = diff.changed.is_empty() && diff.missing.is_empty() && diff.extra.is_empty();
    diff
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, text: &str, mode: u32) -> SkeletonEntry {
        SkeletonEntry {
            path: path.into(),
            kind: EntryKind::File,
            content: text.as_bytes().to_vec(),
            mode,
            link_target: None,
        }
    }

    #[test]
    fn equal_trees_have_no_diff() {
        let tree = vec![file("a.txt", "a\n", 0o644), file("b/c.txt", "c\n", 0o755)];
        let diff = compare(&tree, &tree);
        assert!(diff.equal);
        assert_eq!(diff.text, "");
    }

    #[test]
    fn differences_read_as_unified_diffs() {
        let golden = vec![
            file("a.txt", "one\ntwo\nthree\n", 0o644),
            file("gone.txt", "old\n", 0o644),
            file("run.sh", "x\n", 0o755),
        ];
        let rendered = vec![
            file("a.txt", "one\n2\nthree\n", 0o644),
            file("new.txt", "fresh\n", 0o644),
            file("run.sh", "x\n", 0o644),
        ];
        let diff = compare(&golden, &rendered);
        assert!(!diff.equal);
        assert_eq!(diff.changed, vec!["a.txt", "run.sh"]);
        assert_eq!(diff.missing, vec!["gone.txt"]);
        assert_eq!(diff.extra, vec!["new.txt"]);
        assert_eq!(
            diff.text,
            "--- golden/a.txt\n+++ rendered/a.txt\n@@ -1,3 +1,3 @@\n one\n-two\n+2\n three\n\
             only in golden: gone.txt\n--- golden/gone.txt\n+++ /dev/null\n@@ -1 +0,0 @@\n-old\n\
             only in rendered: new.txt\n--- /dev/null\n+++ rendered/new.txt\n@@ -0,0 +1 @@\n+fresh\n\
             mode of run.sh: golden executable, rendered not executable\n"
        );
        let binary = compare(&[file("x.bin", "\0a", 0)], &[file("x.bin", "\0b", 0)]);
        assert_eq!(binary.text, "Binary files golden/x.bin and rendered/x.bin differ\n");
    }
}
