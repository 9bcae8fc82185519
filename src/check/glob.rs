//! Path patterns given to `trellis check` (`'templates/**/template.yaml'`, quoted so no shell
//! expands them): the files they name, found by walking from the pattern's literal leading
//! directories through a [`SkeletonSource`] (the CLI's file reader) and matched with globset as
//! fast-glob reads patterns (`*`, `?` and `[…]` inside one path segment, `**` across segments,
//! `{a,b}` alternatives).

use super::skeleton::{join, EntryKind, SkeletonSource};
use crate::read_limits::READ_LIMITS;
/// Directories a pattern only enters when it names them (as the directory search skips them).
const SKIPPED: [&str; 4] = ["node_modules", ".git", "dist", "target"];

/// What a pattern names.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Expansion {
    /// Matching files (and symbolic links), `/`-separated, sorted.
    pub files: Vec<String>,
    /// The walk stopped at [`READ_LIMITS`]' entries: more files may match.
    pub truncated: bool,
}

/// Whether `path` has glob syntax at all.
pub fn is_pattern(path: &str) -> bool {
    path.contains(['*', '?', '[', '{'])
}

/// The files `pattern` names under the walk's limits; an error for a pattern globset refuses.
pub fn expand(pattern: &str, source: &dyn SkeletonSource) -> Result<Expansion, String> {
    let pattern = pattern.strip_prefix("./").unwrap_or(pattern);
    let matcher = crate::fetch_template::segment_glob(pattern)
        .map_err(|reason| format!("`{pattern}` is not a valid glob: {reason}"))?;
    // The walk starts at the segments before the first one with glob syntax.
    let segments: Vec<&str> = pattern.split('/').collect();
    let literal = segments.iter().take_while(|s| !is_pattern(s)).count().min(segments.len() - 1);
    let base = match segments[..literal].join("/") {
        base if base.is_empty() && pattern.starts_with('/') => "/".to_string(),
        base if base.is_empty() => ".".to_string(),
        base => base,
    };
    let mut expansion = Expansion::default();
    let mut seen = 0usize;
    let mut pending = vec![(base, 0usize)];
    while let Some((dir, depth)) = pending.pop() {
        let Ok(listing) = source.list(&dir) else { continue };
        for (name, kind) in listing {
            if name.is_empty() || name == "." || name == ".." || name.contains('/') {
                continue;
            }
            seen += 1;
            if seen > READ_LIMITS.max_entries {
                expansion.truncated = true;
                pending.clear();
                break;
            }
            let path = join(&dir, &name);
            match kind {
                EntryKind::Directory
                    if depth + 1 < READ_LIMITS.max_depth
                        && (!SKIPPED.contains(&name.as_str()) || pattern.contains(name.as_str())) =>
                {
                    pending.push((path, depth + 1));
                }
                EntryKind::File | EntryKind::Symlink if matcher.is_match(&path) => expansion.files.push(path),
                _ => {}
            }
        }
    }
    crate::sort::sort(&mut expansion.files);
    Ok(expansion)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::skeleton::ReadError;

    /// A small tree: `t/a/template.yaml`, `t/b/c/template.yaml`, `t/b/other.yaml`,
    /// `t/node_modules/x/template.yaml`.
    struct Tree;

    impl SkeletonSource for Tree {
        fn kind(&self, _: &str) -> Result<Option<EntryKind>, String> {
            Ok(None)
        }
        fn list(&self, path: &str) -> Result<Vec<(String, EntryKind)>, String> {
            let (d, f) = (EntryKind::Directory, EntryKind::File);
            Ok(match path {
                "." => vec![("t".into(), d), ("README.md".into(), f)],
                "t" => vec![("a".into(), d), ("b".into(), d), ("node_modules".into(), d)],
                "t/a" => vec![("template.yaml".into(), f)],
                "t/b" => vec![("c".into(), d), ("other.yaml".into(), f)],
                "t/b/c" => vec![("template.yaml".into(), f)],
                "t/node_modules" => vec![("x".into(), d)],
                "t/node_modules/x" => vec![("template.yaml".into(), f)],
                other => return Err(format!("no {other}")),
            })
        }
        fn read(&self, _: &str, _: u64) -> Result<Vec<u8>, ReadError> {
            Err(ReadError::Failed("not read".into()))
        }
    }

    fn files(pattern: &str) -> Vec<String> {
        expand(pattern, &Tree).expect("valid pattern").files
    }

    #[test]
    fn double_star_crosses_directories_and_star_stays_in_one() {
        assert_eq!(files("t/**/template.yaml"), ["t/a/template.yaml", "t/b/c/template.yaml"]);
        assert_eq!(files("./t/*/template.yaml"), ["t/a/template.yaml"]);
        assert_eq!(files("t/b/*.yaml"), ["t/b/other.yaml"]);
        assert_eq!(files("**/*.{yaml,md}").len(), 4);
        assert!(files("t/*/nothing.yaml").is_empty());
        assert!(files("missing/**/x").is_empty());
    }

    #[test]
    fn skipped_directories_only_when_named() {
        assert!(!files("**/template.yaml").iter().any(|f| f.contains("node_modules")));
        assert_eq!(files("t/node_modules/*/template.yaml"), ["t/node_modules/x/template.yaml"]);
    }

    #[test]
    fn invalid_patterns_are_errors() {
        assert!(expand("t/[a", &Tree).unwrap_err().contains("not a valid glob"));
        assert!(is_pattern("a/*.yaml") && !is_pattern("a/b.yaml"));
    }
}
