//! What the integration tests that read `../shared/corpus` share (`mod common;` in each).

use std::path::{Path, PathBuf};

/// The corpus of real templates, read in place: `TRELLIS_CORPUS`, else `../shared/corpus` beside
/// this repository. A clone without it fails here, saying where it looked.
pub fn corpus_root() -> PathBuf {
    let root = std::env::var_os("TRELLIS_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"));
    assert!(
        root.is_dir(),
        "corpus not found at {}: clone this repository next to shared/ or set TRELLIS_CORPUS",
        root.display()
    );
    root
}
