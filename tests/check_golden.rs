//! Golden tests for `trellis check`: each folder under `tests/fixtures/check/` holds a
//! `template.yaml` with known mistakes and `expected.txt`, the exact diagnostics, one per line:
//! `line:column-endLine:endColumn severity[rule] message (hint: …)`. Run with `TRELLIS_BLESS=1`
//! to rewrite the expectations after an intended change, then review the diff.
//!
//! A fixture with subdirectories (skeletons) is checked with its skeletons read from disk, and
//! findings in other files than `template.yaml` start with that file's path. A fixture with a
//! `manifest.json` is checked with it as the instance manifest (`--manifest`).

use std::fs;
use std::path::Path;

use trellis::check::{check_source_with, CheckOptions, FsSource, SkeletonSource};
use trellis::manifest::Manifest;

fn render(dir: &Path) -> String {
    let source = fs::read_to_string(dir.join("template.yaml")).expect("template.yaml");
    let has_skeleton = fs::read_dir(dir).expect("fixture dir").any(|e| e.is_ok_and(|e| e.path().is_dir()));
    let skeletons = FsSource::new(dir);
    // An instance manifest (`--manifest`) when the fixture has one.
    let manifest = fs::read_to_string(dir.join("manifest.json"))
        .ok()
        .map(|text| Manifest::parse(&text).unwrap_or_else(|e| panic!("{}/manifest.json: {e}", dir.display())));
    let result = check_source_with(
        &source,
        &CheckOptions { path: Some("template.yaml".into()), manifest, ignore: Vec::new() },
        has_skeleton.then_some(&skeletons as &dyn SkeletonSource),
    );
    result
        .diagnostics
        .iter()
        .map(|d| {
            let hint = d.hint.as_ref().map(|h| format!(" (hint: {h})")).unwrap_or_default();
            let file = if d.file == "template.yaml" { String::new() } else { format!("{}:", d.file) };
            format!(
                "{file}{}:{}-{}:{} {}[{}] {}{hint}\n",
                d.line,
                d.column,
                d.end_line,
                d.end_column,
                d.severity.as_str(),
                d.rule,
                d.message
            )
        })
        .collect()
}

#[test]
fn golden_check_results() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/check");
    let bless = std::env::var_os("TRELLIS_BLESS").is_some();
    let mut dirs: Vec<_> = fs::read_dir(&root).expect("fixtures dir").map(|e| e.expect("entry").path()).collect();
    dirs.sort();
    let mut failures = Vec::new();
    for dir in &dirs {
        let actual = render(dir);
        let expected_path = dir.join("expected.txt");
        if bless {
            fs::write(&expected_path, &actual).expect("write expected.txt");
            continue;
        }
        match fs::read_to_string(&expected_path) {
            Ok(expected) if expected == actual => {}
            Ok(expected) => failures.push(format!("{}:\n--- expected\n{expected}--- actual\n{actual}", dir.display())),
            Err(_) => {
                failures.push(format!("{}: no expected.txt (run with TRELLIS_BLESS=1 and review it)", dir.display()))
            }
        }
    }
    assert!(failures.is_empty(), "{} golden case(s) differ:\n{}", failures.len(), failures.join("\n"));
}

/// Every rule has a fixture named after it that triggers it.
#[test]
fn every_rule_has_a_triggering_fixture() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/check");
    for rule in trellis::check::rules::ALL {
        let id = rule.info.id;
        let expected = fs::read_to_string(root.join(id).join("expected.txt")).unwrap_or_default();
        assert!(expected.contains(&format!("[{id}]")), "fixture {id}/ does not trigger rule {id}");
    }
    let clean = fs::read_to_string(root.join("clean/expected.txt")).unwrap_or_else(|_| "missing".into());
    assert_eq!(clean, "", "the clean fixture must produce no diagnostics");
}
