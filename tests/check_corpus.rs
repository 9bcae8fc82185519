//! `check` over every template in the shared corpus (read in place, skeletons too): nothing may
//! crash, the findings per rule are printed, the official examples (backstage/software-templates,
//! which run in real Backstage) must come out without errors other than the real mistakes
//! listed in `OFFICIAL_KNOWN`, and the real mistakes the corpus README lists must be reported,
//! each by file, line and rule (`MISSING_SKELETONS`, `KNOWN_MISTAKES`).
//!
//! Of the README's kinds of mistake, this sample holds missing skeleton directories, references
//! to steps that do not exist and undeclared parameters. It holds no duplicated step id, no
//! v1beta2 `{{ parameters.x }}` and no plain-string `if:` in a template Backstage can load (the
//! one `if: ${CLEANUP_DB}` sits in redhat-ai-dev's `skeleton/template.yaml`, a file its scripts
//! fill in with `sed` before it is YAML): `duplicate-step-id`, `v1beta2-syntax` and
//! `if-plain-string` are covered by their golden fixtures, and must find nothing here.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use trellis::check::{check_source_with, CheckOptions, Checked, FsSource, SourceFile};
use trellis::diagnostics::Severity;

/// Errors in the official examples that are real (checked by hand against Backstage 4.3.0's
/// `fetch:template` and the GitHub module's `publish:github`): `file:line rule`.
const OFFICIAL_KNOWN: &[&str] = &[
    // `${{ github.head_ref }}` and `${{ secrets.GITHUB_TOKEN }}` outside `{% raw %}`: rendered empty.
    "backstage__software-templates/scaffolder-templates/clean-architecture-app/skeleton/.github/workflows/gradle.yml:24 skeleton-ci-expression",
    "backstage__software-templates/scaffolder-templates/clean-architecture-app/skeleton/.github/workflows/gradle.yml:38 skeleton-ci-expression",
    // The step passes no `destination`, so the project-slug annotation renders without a repo.
    "backstage__software-templates/scaffolder-templates/clean-architecture-app/skeleton/catalog-info.yaml:6 skeleton-values",
    // The step passes `component_id`, not `name`: the docs page title renders empty.
    "backstage__software-templates/scaffolder-templates/create-react-app/skeleton/docs/index.md:1 skeleton-values",
    // `allowedHosts` is a RepoUrlPicker option, not a `publish:github` input; the GitHub module's
    // schema (schemas/manifest/module-actions.json) refuses extra inputs, so the step fails with
    // "instance is not allowed to have the additional property" (fixed upstream in
    // backstage/software-templates#57 and #58, after this corpus was taken).
    "backstage__software-templates/scaffolder-templates/clean-architecture-app/template.yaml:114 action-input",
    "backstage__software-templates/scaffolder-templates/create-react-app/template.yaml:65 action-input",
    "backstage__software-templates/scaffolder-templates/docs-template/template.yaml:70 action-input",
    "backstage__software-templates/scaffolder-templates/docs-template-cookiecutter/template.yaml:73 action-input",
    "backstage__software-templates/scaffolder-templates/rails-demo/template.yaml:150 action-input",
    "backstage__software-templates/scaffolder-templates/react-ssr-template/template.yaml:65 action-input",
    "backstage__software-templates/scaffolder-templates/springboot-grpc-template/template.yaml:76 action-input",
];

/// Fetch urls that do not exist in the corpus (its README: "skeleton directories that do not
/// exist"): `template file:line`.
const MISSING_SKELETONS: &[&str] = &[
    "q-shift__software-templates/templates/github/obc/template.yaml:76",
    "q-shift__software-templates/templates/github/sdlc-app/template.yaml:86",
    "redhat-developer__red-hat-developer-hub-software-templates/templates/github/obc/template.yaml:76",
    "redhat-developer__red-hat-developer-hub-software-templates/templates/github/sdlc-app/template.yaml:86",
];

/// Steps and parameters the corpus' templates use but never define (checked by hand: the step
/// ids appear in no `id:`, the names on no form page): `file:line rule`, every one of them.
/// redhat-ai-dev's templates read `steps['fetch-model-from-catalog']` and
/// `steps['fetch-model-server-from-catalog']`, steps that exist only in other variants of the
/// template, and `parameters.modelName`; the others are renamed or forgotten form fields.
const KNOWN_MISTAKES: &[&str] = &[
    "glroland__ai-backstage-templates/instruct-llm/template.yaml:73 undeclared-parameter",
    "glroland__ai-backstage-templates/python-lit-ml/template.yaml:75 undeclared-parameter",
    "glroland__ai-backstage-templates/python-rest-ml/template.yaml:73 undeclared-parameter",
    "q-shift__software-templates/templates/github/obc/template.yaml:91 undeclared-parameter",
    "redhat-ai-dev__ai-lab-template/templates/audio-to-text/template.yaml:333 step-reference",
    "redhat-ai-dev__ai-lab-template/templates/audio-to-text/template.yaml:333 undeclared-parameter",
    "redhat-ai-dev__ai-lab-template/templates/audio-to-text/template.yaml:430 step-reference",
    "redhat-ai-dev__ai-lab-template/templates/audio-to-text/template.yaml:453 undeclared-parameter",
    "redhat-ai-dev__ai-lab-template/templates/chatbot/template.yaml:365 step-reference",
    "redhat-ai-dev__ai-lab-template/templates/chatbot/template.yaml:464 step-reference",
    "redhat-ai-dev__ai-lab-template/templates/chatbot/template.yaml:470 step-reference",
    "redhat-ai-dev__ai-lab-template/templates/codegen/template.yaml:365 step-reference",
    "redhat-ai-dev__ai-lab-template/templates/codegen/template.yaml:464 step-reference",
    "redhat-ai-dev__ai-lab-template/templates/codegen/template.yaml:470 step-reference",
    "redhat-ai-dev__ai-lab-template/templates/model-server/template.yaml:251 step-reference",
    "redhat-ai-dev__ai-lab-template/templates/model-server/template.yaml:251 undeclared-parameter",
    "redhat-ai-dev__ai-lab-template/templates/model-server/template.yaml:262 undeclared-parameter",
    "redhat-ai-dev__ai-lab-template/templates/model-server/template.yaml:263 undeclared-parameter",
    "redhat-ai-dev__ai-lab-template/templates/model-server/template.yaml:264 undeclared-parameter",
    "redhat-ai-dev__ai-lab-template/templates/model-server/template.yaml:270 undeclared-parameter",
    "redhat-ai-dev__ai-lab-template/templates/model-server/template.yaml:283 undeclared-parameter",
    "redhat-ai-dev__ai-lab-template/templates/object-detection/template.yaml:333 step-reference",
    "redhat-ai-dev__ai-lab-template/templates/object-detection/template.yaml:333 undeclared-parameter",
    "redhat-ai-dev__ai-lab-template/templates/object-detection/template.yaml:430 step-reference",
    "redhat-ai-dev__ai-lab-template/templates/object-detection/template.yaml:453 undeclared-parameter",
    "redhat-ai-dev__ai-lab-template/templates/rag/template.yaml:365 step-reference",
    "redhat-ai-dev__ai-lab-template/templates/rag/template.yaml:464 step-reference",
    "redhat-ai-dev__ai-lab-template/templates/rag/template.yaml:470 step-reference",
    "redhat-developer__red-hat-developer-hub-software-templates/templates/github/launch-ansible-job/template.yaml:119 undeclared-parameter",
    "redhat-developer__red-hat-developer-hub-software-templates/templates/github/obc/template.yaml:91 undeclared-parameter",
    "rhdhorchestrator__workflow-software-templates/scaffolder-templates/github-workflows/convert-workflow-to-template/template.yaml:86 undeclared-parameter",
    "rhdhorchestrator__workflow-software-templates/scaffolder-templates/gitlab-workflows/convert-workflow-to-template/template.yaml:86 undeclared-parameter",
];

/// Rules for kinds of mistake this sample does not contain: any finding is a false one.
const ABSENT_HERE: &[&str] = &["duplicate-step-id", "v1beta2-syntax", "if-plain-string"];

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
    let root = common::corpus_root();
    let mut files = Vec::new();
    yaml_files(&root, &mut files);
    let mut per_rule: BTreeMap<String, usize> = BTreeMap::new();
    let mut templates = 0;
    let mut official_errors = Vec::new();
    let mut missing = Vec::new();
    let mut mistakes = Vec::new();
    let mut absent = Vec::new();
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
            if matches!(d.rule, "step-reference" | "undeclared-parameter") {
                mistakes.push(format!("{}:{} {}", d.file, d.line, d.rule));
            }
            if ABSENT_HERE.contains(&d.rule) {
                absent.push(format!("{}:{}:{} [{}] {}", d.file, d.line, d.column, d.rule, d.message));
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
    mistakes.sort();
    mistakes.dedup();
    assert_eq!(mistakes, KNOWN_MISTAKES, "step-reference/undeclared-parameter findings differ from the known mistakes");
    assert!(absent.is_empty(), "findings of rules this corpus gives no reason for:\n{}", absent.join("\n"));
}

// Precision as a test: every error-severity finding on the corpus (read in place, skeletons and
// includes too, the corpus as the repository root) is listed in
// `tests/check_corpus_expectations.tsv`, reviewed by hand against what Backstage 4.3.0 really
// does: `file`, `line`, `rule`, `TRUE` (a real mistake that fails or misbehaves in Backstage) or
// `FALSE`, and one line why. The test fails on a finding nobody reviewed, on a finding labelled
// FALSE, and on a listed finding no longer found (so the list stays the truth); it prints the
// errors per rule. The files are checked together as
// `trellis check ../shared/corpus --root ../shared/corpus` does ([`Checked::of`]), so a file
// another template renders counts as its skeleton. `TRELLIS_DUMP=1` prints unreviewed findings
// as rows to fill in.

const EXPECTATIONS: &str = include_str!("check_corpus_expectations.tsv");

/// Whether a YAML text holds a Template document, as the CLI's directory walk decides.
fn is_template(text: &str) -> bool {
    text.lines()
        .any(|line| line.strip_prefix("kind:").is_some_and(|kind| kind.trim().trim_matches(['"', '\'']) == "Template"))
}

/// One reviewed finding: `(file, line, rule)` → verdict.
struct Row {
    key: (String, u32, String),
    verdict: bool,
    why: String,
}

fn expectations() -> Vec<Row> {
    EXPECTATIONS
        .lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty() && !line.starts_with('#'))
        .map(|(index, line)| {
            let cells: Vec<&str> = line.split('\t').collect();
            let at = || format!("tests/check_corpus_expectations.tsv:{}", index + 1);
            assert_eq!(cells.len(), 5, "{}: expected file, line, rule, TRUE|FALSE, why", at());
            let verdict = match cells[3] {
                "TRUE" => true,
                "FALSE" => false,
                other => panic!("{}: verdict must be TRUE or FALSE, got {other}", at()),
            };
            assert!(!cells[4].trim().is_empty(), "{}: say why", at());
            let line_number = cells[1].parse().unwrap_or_else(|_| panic!("{}: bad line number", at()));
            Row { key: (cells[0].into(), line_number, cells[2].into()), verdict, why: cells[4].into() }
        })
        .collect()
}

#[test]
fn every_corpus_error_is_reviewed_and_true() {
    let root = common::corpus_root();
    let mut paths = Vec::new();
    yaml_files(&root, &mut paths);
    let files: Vec<SourceFile> = paths
        .iter()
        .filter_map(|path| {
            let text = fs::read_to_string(path).ok().filter(|text| is_template(text))?;
            Some(SourceFile { path: path.strip_prefix(&root).unwrap_or(path).display().to_string(), text })
        })
        .collect();
    let checked = Checked::of(&files, &[], None, &[], Some(&FsSource::new(&root)));

    let mut rows = expectations();
    let mut used = vec![false; rows.len()];
    let mut per_rule: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let (mut unreviewed, mut false_ones) = (Vec::new(), Vec::new());
    for d in checked.diagnostics.iter().filter(|d| d.severity == Severity::Error) {
        let key = (d.file.clone(), d.line, d.rule.to_string());
        let shown = format!("{}:{}:{} [{}] {}", d.file, d.line, d.column, d.rule, d.message);
        let counts = per_rule.entry(d.rule).or_default();
        counts.0 += 1;
        match rows.iter().enumerate().position(|(i, row)| !used[i] && row.key == key) {
            None => unreviewed.push((key, shown)),
            Some(i) => {
                used[i] = true;
                if rows[i].verdict {
                    counts.1 += 1;
                } else {
                    false_ones.push(format!("{shown}\n    reviewed FALSE: {}", rows[i].why));
                }
            }
        }
    }
    println!("corpus errors per rule (found, reviewed TRUE), {} files:", files.len());
    for (rule, (found, true_ones)) in &per_rule {
        println!("  {found:5} {true_ones:5}  {rule}");
    }
    if std::env::var_os("TRELLIS_DUMP").is_some() {
        for ((file, line, rule), shown) in &unreviewed {
            println!("{file}\t{line}\t{rule}\t?\t{shown}");
        }
    }
    let stale: Vec<String> = rows
        .drain(..)
        .zip(used)
        .filter(|(_, used)| !used)
        .map(|(row, _)| format!("{}:{} {}", row.key.0, row.key.1, row.key.2))
        .collect();
    let unreviewed: Vec<String> = unreviewed.into_iter().map(|(_, shown)| shown).collect();
    assert!(unreviewed.is_empty(), "errors nobody reviewed (add them to the expectations):\n{}", unreviewed.join("\n"));
    assert!(false_ones.is_empty(), "errors reviewed as FALSE are reported:\n{}", false_ones.join("\n"));
    assert!(stale.is_empty(), "reviewed errors no longer found (remove them):\n{}", stale.join("\n"));
}
