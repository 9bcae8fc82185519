//! The task workspace of an offline dry-run, in memory: path → entry, with the scaffolder's
//! `resolveSafeChildPath` rule (nothing may leave the workspace).

use std::collections::BTreeMap;

use crate::render::skeleton::{EntryKind, SkeletonEntry};

/// Files, directories and symlinks by their `/`-separated path inside the workspace.
#[derive(Debug, Default, Clone)]
pub struct Workspace {
    entries: BTreeMap<String, SkeletonEntry>,
}

/// `relative` inside `base` (both workspace paths), normalised; `Err` when it leaves the
/// workspace, as `resolveSafeChildPath` refuses it (absolute paths, `..` above the root,
/// backslashes, NUL and drive letters, which could mean something else on another system).
pub fn resolve_safe(base: &str, relative: &str) -> Result<String, String> {
    let refuse = || format!("`{relative}`: Relative path is not allowed to refer to a directory outside its parent");
    let drive = relative.len() >= 2 && relative.as_bytes()[1] == b':' && relative.as_bytes()[0].is_ascii_alphabetic();
    if relative.starts_with('/') || relative.contains('\\') || relative.contains('\0') || drive {
        return Err(refuse());
    }
    let mut parts: Vec<&str> = base.split('/').filter(|s| !s.is_empty() && *s != ".").collect();
    for segment in relative.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                parts.pop().ok_or_else(refuse)?;
            }
            other => parts.push(other),
        }
    }
    Ok(parts.join("/"))
}

fn is_under(path: &str, dir: &str) -> bool {
    dir.is_empty() || path == dir || path.strip_prefix(dir).is_some_and(|rest| rest.starts_with('/'))
}

impl Workspace {
    pub fn get(&self, path: &str) -> Option<&SkeletonEntry> {
        self.entries.get(path)
    }

    pub fn exists(&self, path: &str) -> bool {
        path.is_empty() || self.entries.contains_key(path)
    }

    /// Creates `path` and its parents as directories (`ensureDir`).
    pub fn ensure_dir(&mut self, path: &str) {
        let mut at = String::new();
        for segment in path.split('/').filter(|s| !s.is_empty()) {
            if !at.is_empty() {
                at.push('/');
            }
            at.push_str(segment);
            self.entries.entry(at.clone()).or_insert_with(|| SkeletonEntry {
                path: at.clone(),
                kind: EntryKind::Directory,
                content: Vec::new(),
                mode: 0o755,
                link_target: None,
            });
        }
    }

    /// Writes `entry` (its path already inside the workspace), creating the parent directories;
    /// an existing file is kept unless `replace` (false is returned then).
    pub fn put(&mut self, entry: SkeletonEntry, replace: bool) -> bool {
        if entry.kind == EntryKind::Directory {
            self.ensure_dir(&entry.path);
            return true;
        }
        if self.entries.contains_key(&entry.path) && !replace {
            return false;
        }
        if let Some(at) = entry.path.rfind('/') {
            self.ensure_dir(&entry.path[..at]);
        }
        self.entries.insert(entry.path.clone(), entry);
        true
    }

    /// Removes `path` and everything under it (`fs.remove`); the number of entries removed.
    pub fn remove(&mut self, path: &str) -> usize {
        let before = self.entries.len();
        self.entries.retain(|p, _| !is_under(p, path));
        before - self.entries.len()
    }

    /// The files (not directories) matched by a glob as `globby(pattern, {dot: true})` lists
    /// them: a pattern naming a directory stands for the files under it.
    pub fn glob_files(&self, pattern: &str) -> Result<Vec<String>, String> {
        if let Some(entry) = self.entries.get(pattern) {
            return Ok(match entry.kind {
                EntryKind::Directory => self
                    .entries
                    .values()
                    .filter(|e| e.kind != EntryKind::Directory && is_under(&e.path, pattern))
                    .map(|e| e.path.clone())
                    .collect(),
                _ => vec![pattern.to_string()],
            });
        }
        let matcher = crate::fetch_template::segment_glob(pattern)
            .map_err(|reason| format!("`{pattern}` is not a glob: {reason}"))?;
        Ok(self
            .entries
            .values()
            .filter(|e| e.kind != EntryKind::Directory && matcher.is_match(&e.path))
            .map(|e| e.path.clone())
            .collect())
    }

    /// `fs.move(from, to, {overwrite})`: moves an entry and everything under it.
    pub fn rename(&mut self, from: &str, to: &str, overwrite: bool) -> Result<(), String> {
        if from.is_empty() || !self.entries.contains_key(from) {
            return Err(format!("ENOENT: no such file or directory, `{from}`"));
        }
        if to.is_empty() || is_under(to, from) {
            return Err(format!("Cannot move `{from}` to a subdirectory of itself, `{to}`."));
        }
        if self.exists(to) {
            if !overwrite {
                return Err("dest already exists.".into());
            }
            self.remove(to);
        }
        let moved: Vec<String> = self.entries.keys().filter(|p| is_under(p, from)).cloned().collect();
        if let Some(at) = to.rfind('/') {
            self.ensure_dir(&to[..at]);
        }
        for old in moved {
            let Some(mut entry) = self.entries.remove(&old) else { continue };
            entry.path = format!("{to}{}", &old[from.len()..]);
            self.entries.insert(entry.path.clone(), entry);
        }
        Ok(())
    }

    /// Every entry, sorted by path.
    pub fn into_entries(self) -> Vec<SkeletonEntry> {
        self.entries.into_values().collect()
    }

    pub fn file_paths(&self) -> Vec<String> {
        self.entries.values().filter(|e| e.kind != EntryKind::Directory).map(|e| e.path.clone()).collect()
    }

    /// The entries directly in directory `dir` (`""`: the workspace), sorted by name; `None`
    /// when `dir` is not a directory.
    pub fn children(&self, dir: &str) -> Option<Vec<&SkeletonEntry>> {
        if !dir.is_empty() && self.entries.get(dir)?.kind != EntryKind::Directory {
            return None;
        }
        let prefix = if dir.is_empty() { String::new() } else { format!("{dir}/") };
        Some(
            self.entries
                .range(prefix.clone()..)
                .take_while(|(path, _)| path.starts_with(&prefix))
                .filter(|(path, _)| !path[prefix.len()..].contains('/'))
                .map(|(_, entry)| entry)
                .collect(),
        )
    }
}

/// A workspace path as the template check's reader takes it: relative, `/`-separated; one that
/// leaves the workspace is refused (the action's reader is confined to it, and the core then
/// leaves that skeleton unchecked).
fn inside(path: &str) -> Result<String, String> {
    resolve_safe("", path).map_err(|_| format!("{path} is outside the task workspace"))
}

/// The workspace as `trellis:template:check` reads it (plugin-wrapper/src/actions/templateCheck.ts:
/// `fileSkeletonReader(workspace, {confine: true})`).
impl crate::check::SkeletonSource for Workspace {
    fn kind(&self, path: &str) -> Result<Option<EntryKind>, String> {
        let path = inside(path)?;
        if path.is_empty() {
            return Ok(Some(EntryKind::Directory));
        }
        Ok(self.entries.get(&path).map(|entry| entry.kind))
    }

    fn list(&self, path: &str) -> Result<Vec<(String, EntryKind)>, String> {
        let path = inside(path)?;
        let children = self.children(&path).ok_or_else(|| format!("ENOTDIR: not a directory, scandir '{path}'"))?;
        Ok(children
            .into_iter()
            .map(|entry| (entry.path.rsplit('/').next().unwrap_or_default().to_string(), entry.kind))
            .collect())
    }

    fn read(&self, path: &str, max: u64) -> Result<Vec<u8>, crate::check::skeleton::ReadError> {
        use crate::check::skeleton::ReadError;
        let path = inside(path).map_err(ReadError::Failed)?;
        match self.entries.get(&path) {
            Some(entry) if entry.kind == EntryKind::File => {
                let size = entry.content.len() as u64;
                if size > max {
                    return Err(ReadError::TooLarge(size));
                }
                Ok(entry.content.clone())
            }
            Some(_) => Err(ReadError::Failed(format!("EISDIR: illegal operation on a directory, read '{path}'"))),
            None => Err(ReadError::Failed(format!("ENOENT: no such file or directory, open '{path}'"))),
        }
    }

    fn mode(&self, path: &str) -> u32 {
        inside(path).ok().and_then(|p| self.entries.get(&p)).map_or(0, |e| e.mode)
    }

    fn link_target(&self, path: &str) -> Option<String> {
        inside(path).ok().and_then(|p| self.entries.get(&p)).and_then(|e| e.link_target.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, text: &str) -> SkeletonEntry {
        SkeletonEntry {
            path: path.into(),
            kind: EntryKind::File,
            content: text.as_bytes().to_vec(),
            mode: 0o644,
            link_target: None,
        }
    }

    #[test]
    fn safe_paths_stay_inside() {
        assert_eq!(resolve_safe("", "./a/../b/c").unwrap(), "b/c");
        assert_eq!(resolve_safe("out", "x").unwrap(), "out/x");
        assert_eq!(resolve_safe("", "./").unwrap(), "");
        for bad in ["../x", "/etc/passwd", "a/../../x", "C:/x", "a\\b", "a\0"] {
            assert!(resolve_safe("", bad).is_err(), "{bad:?}");
        }
        assert!(resolve_safe("a", "../../x").is_err());
    }

    #[test]
    fn put_keeps_existing_unless_replace_and_makes_parents() {
        let mut ws = Workspace::default();
        assert!(ws.put(file("a/b/c.txt", "1"), false));
        assert_eq!(ws.get("a").unwrap().kind, EntryKind::Directory);
        assert!(!ws.put(file("a/b/c.txt", "2"), false));
        assert_eq!(ws.get("a/b/c.txt").unwrap().content, b"1");
        assert!(ws.put(file("a/b/c.txt", "2"), true));
        assert_eq!(ws.get("a/b/c.txt").unwrap().content, b"2");
    }

    #[test]
    fn rename_moves_subtrees_and_refuses_to_overwrite() {
        let mut ws = Workspace::default();
        ws.put(file("src/a.txt", "a"), false);
        ws.put(file("src/sub/b.txt", "b"), false);
        ws.put(file("other.txt", "o"), false);
        ws.rename("src", "lib/code", false).unwrap();
        assert_eq!(ws.file_paths(), vec!["lib/code/a.txt", "lib/code/sub/b.txt", "other.txt"]);
        assert_eq!(ws.rename("other.txt", "lib/code/a.txt", false).unwrap_err(), "dest already exists.");
        ws.rename("other.txt", "lib/code/a.txt", true).unwrap();
        assert_eq!(ws.get("lib/code/a.txt").unwrap().content, b"o");
        assert!(ws.rename("missing", "x", false).unwrap_err().contains("ENOENT"));
    }

    #[test]
    fn glob_lists_files_like_globby() {
        let mut ws = Workspace::default();
        ws.put(file("docs/a.md", ""), false);
        ws.put(file("docs/deep/b.md", ""), false);
        ws.put(file(".hidden.md", ""), false);
        assert_eq!(ws.glob_files("docs").unwrap(), vec!["docs/a.md", "docs/deep/b.md"]);
        assert_eq!(ws.glob_files("*.md").unwrap(), vec![".hidden.md"]);
        assert_eq!(ws.glob_files("**/*.md").unwrap().len(), 3);
        assert!(ws.glob_files("nothing").unwrap().is_empty());
    }
}
