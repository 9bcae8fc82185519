//! Inputs that once crashed, hung or exhausted memory under `cargo fuzz` (see README "Fuzzing"),
//! and a small set the fuzzers' corpora were minimised to (`cargo fuzz cmin`/`tmin`), replayed
//! through the same code the fuzz targets run (`fuzz/harness.rs`) by plain `cargo test`. A new
//! finding goes to `tests/fixtures/fuzz/<target>/<name>` together with its fix in `src/`. Every
//! target's folder must hold inputs: an empty one would make its test pass without running.

#[path = "../fuzz/harness.rs"]
mod harness;

use std::path::Path;
use std::time::{Duration, Instant};

/// Far above what any of these inputs takes once fixed; a hang shows up as a failure here.
const TIME_PER_INPUT: Duration = Duration::from_secs(20);

fn replay(target: &str, run: fn(&[u8])) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz").join(target);
    let mut inputs: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_file() && path.file_name().is_some_and(|n| n != ".gitkeep"))
        .collect();
    inputs.sort();
    assert!(!inputs.is_empty(), "{} holds no inputs: this test would replay nothing", dir.display());
    for path in inputs {
        let data = std::fs::read(&path).unwrap();
        let started = Instant::now();
        run(&data);
        let took = started.elapsed();
        assert!(took < TIME_PER_INPUT, "{} took {took:?}", path.display());
    }
}

#[test]
fn yaml_model_regressions() {
    replay("yaml_model", harness::yaml_model);
}

#[test]
fn check_regressions() {
    replay("check", harness::check);
}

#[test]
fn engine_regressions() {
    replay("engine", harness::engine);
}

#[test]
fn chains_regressions() {
    replay("chains", harness::chains);
}

#[test]
fn skeleton_paths_regressions() {
    replay("skeleton_paths", harness::skeleton_paths);
}

#[test]
fn placeholders_regressions() {
    replay("placeholders", harness::placeholders);
}
