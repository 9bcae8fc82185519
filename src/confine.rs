//! Reads confined to the repository root.
//!
//! A template is untrusted input: a fork's pull request may point a fetch step's `url` at
//! `../../../../etc/passwd`, and `trellis check` / `trellis render` would then print the file in
//! a code frame or copy it into the output. So every path the core derives from a template is
//! resolved here against the root a [`SkeletonSource`](crate::check::SkeletonSource) names
//! (`SkeletonSource::root`: the nearest folder above the template holding `.git`, or the
//! CLI's `--root`), and one that leaves it is refused before anything is read. The reader refuses
//! such paths too, with symbolic links resolved (plugin-wrapper/src/skeletonReader.ts); this is
//! the decision that gives the located error.
//!
//! Paths are `/`-separated and relative to the reader's base, like the template's path (they may
//! start with `..`); the check is lexical (`.` and `..` resolved as text, as `join` does).

use crate::check::skeleton::{join, local_url, parent};

/// Where a fetch step's `url` points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchUrl {
    /// A path inside the root (relative like the template's path).
    Local(String),
    /// Read from elsewhere by Backstage (an absolute URL, a host-first URL, a templated value):
    /// nothing to read offline.
    Remote,
    /// A path that leaves the root, or a `file:` URL (a place on this machine, never in the
    /// repository): refused, nothing read.
    OutsideRoot(String),
}

/// Resolves a fetch `url` of the template at `template_path`. A relative url is resolved from
/// the template's folder; a url starting with `/` from the root, as Backstage's SCM integrations
/// resolve it (`defaultScmResolveUrl`: "an absolute path, relative to the repo root"). Without a
/// root (`None`: a reader without a bound), nothing is refused and neither a `/` url nor a
/// `file:` URL is read (as before roots existed).
pub fn fetch_url(url: &str, template_path: &str, root: Option<&str>) -> FetchUrl {
    if is_file_url(url) {
        return if root.is_some() { FetchUrl::OutsideRoot(url.to_string()) } else { FetchUrl::Remote };
    }
    let resolved = match (local_url(url), root) {
        (Some(local), _) => join(parent(template_path), local),
        (None, Some(root)) if url.starts_with('/') && !url.starts_with("//") && !url.contains("${{") => join(root, url),
        _ => return FetchUrl::Remote,
    };
    match root {
        Some(root) if !within_root(root, &resolved) => FetchUrl::OutsideRoot(resolved),
        _ => FetchUrl::Local(resolved),
    }
}

/// `file:` URLs (any case, as `new URL` reads the scheme).
fn is_file_url(url: &str) -> bool {
    url.get(..5).is_some_and(|scheme| scheme.eq_ignore_ascii_case("file:"))
}

/// Whether `path` is `root` or inside it. Both are resolved lexically against the same base;
/// a relative and an absolute path are never inside one another (fail closed).
pub fn within_root(root: &str, path: &str) -> bool {
    if root.starts_with('/') != path.starts_with('/') {
        return false;
    }
    // Leading `..` climb above the base; a base deep enough that neither reaches past its top
    // keeps the comparison exact (`..` and `x` are both under `..`; `../../x` is not).
    let climbs = |p: &str| join(".", p).split('/').take_while(|s| *s == "..").count();
    let depth = climbs(root).max(climbs(path));
    let base: String =
        if root.starts_with('/') { "/".into() } else { (0..depth).map(|i| format!("/{i}")).collect::<String>() + "/" };
    let root = join(&base, root);
    let path = join(&base, path);
    root == "/" || path == root || path.strip_prefix(root.as_str()).is_some_and(|rest| rest.starts_with('/'))
}

/// What a reader's refusal says (plugin-wrapper/src/root.ts `OutsideRootError` writes it): the
/// path is inside the root as text but a symbolic link on the way leads out of it.
pub const REFUSED_BY_READER: &str = "is outside the repository root";

/// Whether a reader's error is its refusal of a path outside the root.
pub fn refused_by_reader(reason: &str) -> bool {
    reason.contains(REFUSED_BY_READER)
}

/// How a url leaves the root.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Escape {
    /// As text: `..` past the root, or a `file:` URL.
    Path,
    /// Through a symbolic link the reader resolved.
    Link,
}

/// The message and hint of a url that leaves the root (check's `url-outside-root` and the
/// dry-run's error say the same).
pub fn outside_root_message(url: &str, resolved: &str, root: &str, escape: Escape) -> (String, String) {
    let message = if is_file_url(url) {
        format!("`{url}` names a file on this machine, not in the repository; Trellis reads only inside the repository root `{root}`")
    } else if escape == Escape::Link {
        format!("`{url}` leads to `{resolved}`, which a symbolic link takes outside the repository root `{root}`; nothing was read")
    } else {
        format!("`{url}` leads to `{resolved}`, outside the repository root `{root}`; nothing was read")
    };
    let hint = "point the url at a skeleton inside the repository (relative to the template file), \
                or pass --root DIR if the repository really is larger"
        .to_string();
    (message, hint)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexical_containment() {
        for (root, path) in [
            (".", "a/b"),
            (".", "."),
            ("..", "x"),
            ("..", "../x"),
            ("../..", "../x"),
            ("repo", "repo/t/skel"),
            ("repo", "repo"),
            ("/r", "/r/x"),
            ("/", "/etc"),
            ("a/./b", "a/b/c/../d"),
        ] {
            assert!(within_root(root, path), "{path} is inside {root}");
        }
        for (root, path) in [
            (".", ".."),
            (".", "../x"),
            (".", "a/../../x"),
            ("..", "../../x"),
            ("repo", "repository/x"),
            ("repo", "repo/../etc"),
            ("repo", "."),
            ("/r", "/rx"),
            ("/r", "/r/../etc/passwd"),
            ("/r", "r/x"),
            (".", "/etc/passwd"),
        ] {
            assert!(!within_root(root, path), "{path} is outside {root}");
        }
    }

    #[test]
    fn fetch_urls_resolve_from_the_template_or_the_root() {
        let t = "repo/templates/a/template.yaml";
        let root = Some("repo");
        assert_eq!(fetch_url("./skeleton", t, root), FetchUrl::Local("repo/templates/a/skeleton".into()));
        assert_eq!(fetch_url("../../skeletons/x/", t, root), FetchUrl::Local("repo/skeletons/x".into()));
        assert_eq!(fetch_url("/skeletons/x", t, root), FetchUrl::Local("repo/skeletons/x".into()));
        assert_eq!(
            fetch_url("../../../../../../etc/passwd", t, root),
            FetchUrl::OutsideRoot("../../../etc/passwd".into())
        );
        assert_eq!(fetch_url("../../../secret.txt", t, root), FetchUrl::OutsideRoot("secret.txt".into()));
        assert_eq!(fetch_url("/../etc/passwd", t, root), FetchUrl::OutsideRoot("etc/passwd".into()));
        for url in ["file:///etc/passwd", "FILE:/etc/passwd", "file:secret"] {
            assert_eq!(fetch_url(url, t, root), FetchUrl::OutsideRoot(url.into()), "{url}");
        }
        for url in ["https://github.com/o/r/tree/main/x", "github.com/o/r/x", "${{ parameters.url }}", "//host/x", ""] {
            assert_eq!(fetch_url(url, t, root), FetchUrl::Remote, "{url}");
        }
    }

    #[test]
    fn without_a_root_nothing_is_refused() {
        let t = "a/template.yaml";
        assert_eq!(fetch_url("../../x", t, None), FetchUrl::Local("../x".into()));
        assert_eq!(fetch_url("/etc/passwd", t, None), FetchUrl::Remote);
        assert_eq!(fetch_url("file:///etc/passwd", t, None), FetchUrl::Remote);
    }

    #[test]
    fn the_message_names_url_target_and_root() {
        let (message, hint) = outside_root_message("../../etc/passwd", "../etc/passwd", ".", Escape::Path);
        assert_eq!(
            message,
            "`../../etc/passwd` leads to `../etc/passwd`, outside the repository root `.`; nothing was read"
        );
        assert!(hint.contains("--root DIR"));
        let (message, _) = outside_root_message("./link/x", "t/link/x", ".", Escape::Link);
        assert_eq!(message, "`./link/x` leads to `t/link/x`, which a symbolic link takes outside the repository root `.`; nothing was read");
        assert!(refused_by_reader("t/link/x is outside the repository root .; nothing was read"));
    }
}
