//! `check` over every template in the shared corpus (read in place, skeletons too): nothing may
//! crash, the findings per rule are printed, the official examples (backstage/software-templates,
//! which run in real Backstage) must come out without errors other than the skeleton mistakes
//! listed in `OFFICIAL_KNOWN`, and the skeleton directories the corpus README lists as missing
//! must be reported.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use trellis::check::{check_source_with, CheckOptions, FsSource};
use trellis::diagnostics::Severity;

/// Errors in the official examples that are real (checked by hand against Backstage 4.3.0's
/// `fetch:template`): `file:line rule`.
const OFFICIAL_KNOWN: &[&str] = &[
    // `${{ github.head_ref }}` and `${{ secrets.GITHUB_TOKEN }}` outside `{% raw %}`: rendered empty.
    "backstage__software-templates/scaffolder-templates/clean-architecture-app/skeleton/.github/workflows/gradle.yml:24 skeleton-ci-expression",
    "backstage__software-templates/scaffolder-templates/clean-architecture-app/skeleton/.github/workflows/gradle.yml:38 skeleton-ci-expression",
    // The step passes no `destination`, so the project-slug annotation renders without a repo.
    "backstage__software-templates/scaffolder-templates/clean-architecture-app/skeleton/catalog-info.yaml:6 skeleton-values",
    // The step passes `component_id`, not `name`: the docs page title renders empty.
    "backstage__software-templates/scaffolder-templates/create-react-app/skeleton/docs/index.md:1 skeleton-values",
];

/// Fetch urls that do not exist in the corpus (its README: "skeleton directories that do not
/// exist"): `template file:line`.
const MISSING_SKELETONS: &[&str] = &[
    "q-shift__software-templates/templates/github/obc/template.yaml:76",
    "q-shift__software-templates/templates/github/sdlc-app/template.yaml:86",
    "redhat-developer__red-hat-developer-hub-software-templates/templates/github/obc/template.yaml:76",
    "redhat-developer__red-hat-developer-hub-software-templates/templates/github/sdlc-app/template.yaml:86",
];

fn corpus_root() -> PathBuf {
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

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> =
        fs::read_dir(dir).expect("readable corpus dir").map(|e| e.expect("entry").path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            yaml_files(&path, out);
        } else if matches!(path.extension().and_then(|e| e.to_str()), Some("yaml" | "yml")) {
            out.push(path);
        }
    }
}

#[test]
fn corpus_checks_without_crashing_and_official_examples_are_clean() {
    let root = corpus_root();
    let mut files = Vec::new();
    yaml_files(&root, &mut files);
    let mut per_rule: BTreeMap<String, usize> = BTreeMap::new();
    let mut templates = 0;
    let mut official_errors = Vec::new();
    let mut missing = Vec::new();
    // Skeletons are read in place, relative to the corpus root like the template paths.
    let skeletons = FsSource::new(&root);
    for path in &files {
        let Ok(source) = fs::read_to_string(path) else { continue };
        if !source.contains("kind: Template") {
            continue;
        }
        templates += 1;
        let relative = path.strip_prefix(&root).unwrap_or(path).display().to_string();
        let options = CheckOptions { path: Some(relative.clone()), manifest: None, ignore: Vec::new() };
        let result = check_source_with(&source, &options, Some(&skeletons));
        for d in &result.diagnostics {
            *per_rule.entry(format!("{} {}", d.severity.as_str(), d.rule)).or_default() += 1;
            // TRELLIS_DUMP=1 prints every finding, for reviewing the rules against real templates.
            if std::env::var_os("TRELLIS_DUMP").is_some() {
                println!("{}:{}:{} {}[{}] {}", d.file, d.line, d.column, d.severity.as_str(), d.rule, d.message);
            }
            if d.rule == "skeleton-missing" {
                missing.push(format!("{}:{}", d.file, d.line));
            }
            let known = OFFICIAL_KNOWN.contains(&format!("{}:{} {}", d.file, d.line, d.rule).as_str());
            if relative.starts_with("backstage__software-templates/") && d.severity == Severity::Error && !known {
                official_errors.push(format!("{}:{}:{} [{}] {}", d.file, d.line, d.column, d.rule, d.message));
            }
        }
    }
    println!("check corpus: {templates} template files");
    for (rule, count) in &per_rule {
        println!("  {count:5} {rule}");
    }
    assert!(templates >= 80, "expected the corpus' template files, found {templates}");
    assert!(official_errors.is_empty(), "errors on backstage/software-templates:\n{}", official_errors.join("\n"));
    missing.sort();
    assert_eq!(missing, MISSING_SKELETONS, "skeleton-missing findings differ from the corpus' missing skeletons");
}
