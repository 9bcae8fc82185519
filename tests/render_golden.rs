//! Golden tests for the offline dry-run (`trellis render`): each folder under
//! `tests/fixtures/render/` holds `case.json` (`template`: a path from the repository root,
//! default the folder's `template.yaml`; `values`, `secrets`: objects or paths; `manifest`: a
//! path from the folder; `now`, `seed`: cookiecutter's clock and random seed), and the expected
//! results: `expected/` (the rendered tree; absent = empty) and `report.json`. Skeletons are read in place through `FsSource`.
//! `TRELLIS_BLESS=1` rewrites the expectations; review the diff.

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::{json, Value};
use trellis::check::FsSource;
use trellis::dryrun::{self, diff, DryRunOptions};
use trellis::manifest::Manifest;
use trellis::render::skeleton::{EntryKind, SkeletonEntry};
use trellis::template::{SourceFormat, Template};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// An object given inline or as a JSON file path (from the repository root).
fn object(value: Option<&Value>) -> Value {
    match value {
        Some(Value::String(path)) => {
            serde_json::from_str(&fs::read_to_string(repo().join(path)).expect("file")).expect("JSON")
        }
        Some(other) => other.clone(),
        None => json!({}),
    }
}

/// A tree on disk as skeleton entries (directories left out: they are not compared).
fn read_tree(root: &Path) -> Vec<SkeletonEntry> {
    let mut out = Vec::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = fs::read_dir(&dir) else { continue };
        for entry in entries {
            let path = entry.expect("entry").path();
            let relative = path.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/");
            let metadata = fs::symlink_metadata(&path).expect("metadata");
            if metadata.is_dir() {
                pending.push(path);
                continue;
            }
            #[cfg(unix)]
            let mode = std::os::unix::fs::PermissionsExt::mode(&metadata.permissions()) & 0o7777;
            #[cfg(not(unix))]
            let mode = 0o644;
            let (kind, content, link_target) = if metadata.file_type().is_symlink() {
                (EntryKind::Symlink, Vec::new(), fs::read_link(&path).ok().map(|t| t.to_string_lossy().into_owned()))
            } else {
                (EntryKind::File, fs::read(&path).expect("read"), None)
            };
            out.push(SkeletonEntry { path: relative, kind, content, mode, link_target });
        }
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

fn write_tree(root: &Path, files: &[SkeletonEntry]) {
    let _ = fs::remove_dir_all(root);
    for file in files.iter().filter(|f| f.kind == EntryKind::File) {
        let path = root.join(&file.path);
        fs::create_dir_all(path.parent().unwrap()).expect("mkdir");
        fs::write(&path, &file.content).expect("write");
        #[cfg(unix)]
        fs::set_permissions(
            &path,
            std::os::unix::fs::PermissionsExt::from_mode(if file.mode == 0 { 0o644 } else { file.mode & 0o777 }),
        )
        .expect("chmod");
    }
}

/// Runs one case: the rendered tree and the report (or the error that stopped the run).
fn run_case(dir: &Path) -> (Vec<SkeletonEntry>, Value) {
    let case: Value =
        serde_json::from_str(&fs::read_to_string(dir.join("case.json")).expect("case.json")).expect("case JSON");
    let folder = dir.strip_prefix(repo()).unwrap().to_string_lossy().replace('\\', "/");
    let template_path = case["template"].as_str().map_or_else(|| format!("{folder}/template.yaml"), str::to_string);
    let source = fs::read_to_string(repo().join(&template_path)).expect("template");
    let manifest = match case["manifest"].as_str() {
        Some(path) => Manifest::builtin_merged_with(
            &Manifest::parse(&fs::read_to_string(dir.join(path)).expect("manifest")).expect("manifest JSON"),
        ),
        None => Manifest::builtin_and_modules().clone(),
    };
    let options = DryRunOptions {
        template_path: template_path.clone(),
        values: object(case.get("values")),
        secrets: object(case.get("secrets")),
        manifest,
        now: case["now"].as_str().map(str::to_string),
        seed: case["seed"].as_u64(),
        ..DryRunOptions::default()
    };
    let outcome = Template::parse(&source, SourceFormat::Yaml, Some(&template_path))
        .and_then(|template| dryrun::run(&template, &source, &options, &FsSource::new(repo())));
    match outcome {
        Ok(result) => (result.files, serde_json::to_value(&result.report).expect("report serialises")),
        Err(error) => (Vec::new(), json!({"error": error.to_string(), "rule": error.rule})),
    }
}

#[test]
fn golden_dry_runs() {
    let root = repo().join("tests/fixtures/render");
    let bless = std::env::var_os("TRELLIS_BLESS").is_some();
    let mut dirs: Vec<_> = fs::read_dir(&root).expect("fixtures dir").map(|e| e.expect("entry").path()).collect();
    dirs.sort();
    assert!(dirs.len() >= 3, "expected the golden fixtures in {}", root.display());
    let mut failures = Vec::new();
    for dir in &dirs {
        let (files, report) = run_case(dir);
        if bless {
            write_tree(&dir.join("expected"), &files);
            fs::write(dir.join("report.json"), serde_json::to_string_pretty(&report).unwrap() + "\n")
                .expect("write report");
            continue;
        }
        let tree = diff::compare(&read_tree(&dir.join("expected")), &files);
        if !tree.equal {
            failures.push(format!("{}: the rendered tree differs from expected/\n{}", dir.display(), tree.text));
        }
        let expected: Value = fs::read_to_string(dir.join("report.json"))
            .map(|t| serde_json::from_str(&t).expect("report.json is JSON"))
            .unwrap_or(Value::Null);
        if report != expected {
            failures.push(format!(
                "{}: report.json differs\n--- expected\n{}\n--- actual\n{}",
                dir.display(),
                serde_json::to_string_pretty(&expected).unwrap(),
                serde_json::to_string_pretty(&report).unwrap()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
