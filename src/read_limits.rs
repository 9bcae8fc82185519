//! The bounds on reading a tree: one set for every walker, so a skeleton that
//! `trellis:fetch:template` renders in a backend is never one that `trellis check` only partly
//! checks or `trellis render` refuses. The walkers: the checker's skeletons
//! (`check::skeleton`), the CLI's path patterns (`check::glob`), the dry-run's fetch steps
//! (`dryrun::actions`) and the wrapper's `readSkeletonDir` (`trellis:fetch:template`,
//! `trellis render --check`), which takes them from the core (`readLimits`).
//!
//! Why these values (they were 5,000 / 32 levels in the checker and the dry-run, 50,000 / 64 /
//! 256 MiB in `readSkeletonDir`, 100,000 / 64 in the path patterns):
//! - 50,000 entries: the largest template repository of the test corpus (14 repositories) holds
//!   470 files and directories in all, so this is two orders of magnitude of room; it is what
//!   `trellis:fetch:template` already accepted, so nothing that rendered stops rendering, and a
//!   listing this long stays a few MB. Path patterns skip `node_modules`, `.git`, `dist` and
//!   `target`, so 50,000 entries are a large monorepo's sources (and a cut walk says so).
//! - 64 directory levels: the corpus' deepest tree has 11; the checker's 32 was the odd one out.
//! - 256 MiB of file content: the bound on a rendered skeleton's output
//!   (`render::skeleton::DEFAULT_MAX_TOTAL_OUTPUT`), since reading more than can be written serves
//!   nothing; the corpus' largest repository is 10 MB. The checker parses less of it
//!   (`check::skeleton::MAX_TOTAL_BYTES`), because it keeps every parsed file for its rules.

/// How much of a tree a walker reads before it stops with an error or a note naming the bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReadLimits {
    /// Files, directories and links together.
    pub max_entries: usize,
    /// Directory levels below the root of the walk.
    pub max_depth: usize,
    /// The sum of the files' sizes, in bytes.
    pub max_bytes: u64,
}

/// The one set of read limits (see the module documentation for why these values).
pub const READ_LIMITS: ReadLimits = ReadLimits { max_entries: 50_000, max_depth: 64, max_bytes: 256 * 1024 * 1024 };

/// The catalog placeholders of one template (src/placeholders.rs) read at most this much text in
/// all, each inclusion counted (the resolved template holds a copy per placeholder). One included
/// file is bounded like a template file (`yaml::MAX_SOURCE_BYTES`, 4 MiB) and their number by
/// [`READ_LIMITS`]' entries; this is four such files, since checking takes about a second per MB
/// and the value of parsed YAML is several times its text.
pub const MAX_INCLUDED_BYTES: u64 = 16 * 1024 * 1024;
