//! The check stays linear in the number of steps (issue #13: 12,500 / 25,000 / 50,000 steps took
//! 2.8 / 8.2 / 27 s). Speed is measured in bench/steps.cjs; here the work is counted
//! ([`super::analysis::work`]: step-id lookups, scalar position probes, suppression lookups), and
//! four times the steps may cost at most five times the work. Suggestions are bounded apart, by
//! a work allowance per document that grows with its size (`suggest.rs`).

use super::analysis::work;
use super::{check_source, CheckOptions, CheckResult};

const HEADER: &str = "apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata: {name: t}\nspec:\n  \
                      type: service\n  owner: me\n  parameters:\n    properties:\n      name: {type: string}\n  steps:\n";

/// A template of `n` steps, each written by `step(i)`.
fn template(n: usize, step: impl Fn(usize) -> String) -> String {
    let mut text = HEADER.to_string();
    for i in 0..n {
        text.push_str(&step(i));
    }
    text
}

/// A kind of template (its name) and how to write one of `n` steps.
type Shape = (&'static str, Box<dyn Fn(usize) -> String>);

/// Templates whose size grows with `n` in the ways a check could be quadratic.
fn shapes() -> Vec<Shape> {
    vec![
        ("plain steps", Box::new(|n| template(n, |i| format!("    - id: s{i}\n      action: debug:log\n")))),
        (
            "references to earlier steps",
            Box::new(|n| {
                template(n, |i| {
                    format!(
                        "    - id: s{i}\n      action: debug:log\n      input: {{message: '${{{{ parameters.name }}}} \
                         ${{{{ steps.s{}.output.x }}}}'}}\n",
                        i.saturating_sub(1)
                    )
                })
            }),
        ),
        (
            "dashed ids read with a dot",
            Box::new(|n| {
                template(n, |i| {
                    format!(
                        "    - id: fetch-x{i}\n      action: debug:log\n      input: {{message: '${{{{ \
                         steps.fetch-x{}.output }}}}'}}\n",
                        i.saturating_sub(1)
                    )
                })
            }),
        ),
        (
            "references to steps that do not exist",
            Box::new(|n| {
                template(n, |i| {
                    format!("    - id: step{i:06}\n      action: debug:log\n      input: {{message: '${{{{ steps.stap{i:06}.output }}}}'}}\n")
                })
            }),
        ),
        (
            "references to steps with no near name",
            Box::new(|n| {
                template(n, |i| {
                    format!("    - id: s{i}\n      action: debug:log\n      input: {{message: '${{{{ steps.unknown.output }}}}'}}\n")
                })
            }),
        ),
        ("one id for every step", Box::new(|n| template(n, |_| "    - id: same\n      action: debug:log\n".into()))),
        (
            "suppressed findings",
            Box::new(|n| {
                template(n, |i| {
                    format!("    - id: s{i}\n      # trellis-ignore if-plain-string\n      if: 'false'\n      action: debug:log\n")
                })
            }),
        ),
        (
            "one string with many findings",
            Box::new(|n| {
                let references = "${{ steps.missing.output }} ".repeat(n);
                template(1, |_| {
                    format!("    - id: one\n      action: debug:log\n      input:\n        message: \"{references}\"\n")
                })
            }),
        ),
    ]
}

fn check(text: &str) -> CheckResult {
    check_source(text, &CheckOptions::default())
}

#[test]
fn four_times_the_steps_is_at_most_five_times_the_work() {
    for (shape, make) in shapes() {
        let (small, large) = (make(400), make(1600));
        let mut findings = (0, 0);
        let small_work = work::of(|| findings.0 = check(&small).diagnostics.len());
        let large_work = work::of(|| findings.1 = check(&large).diagnostics.len());
        assert!(
            large_work <= 5 * small_work.max(1),
            "{shape}: {small_work} units of work for 400 steps, {large_work} for 1,600"
        );
        assert!(findings.1 >= findings.0, "{shape}: {findings:?}");
    }
}

#[test]
fn findings_do_not_grow_with_the_steps() {
    // The hint of a reference to a missing step listed every earlier step: 1,600 steps made
    // 1,600 findings of 10 KB each.
    for (shape, make) in shapes() {
        let result = check(&make(1600));
        let largest = result.diagnostics.iter().map(|d| d.message.len() + d.hint.as_ref().map_or(0, String::len)).max();
        assert!(largest.unwrap_or(0) <= 1000, "{shape}: a finding of {largest:?} bytes");
    }
}

#[test]
fn the_shapes_find_what_they_hold() {
    let count = |shape: &str, rule: &str| {
        let (_, make) = shapes().into_iter().find(|(name, _)| *name == shape).unwrap();
        check(&make(30)).diagnostics.iter().filter(|d| d.rule == rule).count()
    };
    assert_eq!(count("plain steps", "step-reference"), 0);
    assert_eq!(count("references to earlier steps", "step-reference"), 1, "step 0 reads itself");
    assert_eq!(count("dashed ids read with a dot", "step-id-dot-dash"), 30);
    assert_eq!(count("references to steps that do not exist", "step-reference"), 30);
    assert_eq!(count("one id for every step", "duplicate-step-id"), 29);
    assert_eq!(count("references to steps with no near name", "step-reference"), 30);
    assert_eq!(count("suppressed findings", "if-plain-string"), 0);
    assert_eq!(count("one string with many findings", "step-reference"), 30);
}

/// Reads skeletons from nowhere, and panics for `boom/`: a stand-in for any failure inside.
struct Exploding;

impl super::SkeletonSource for Exploding {
    fn kind(&self, path: &str) -> Result<Option<super::skeleton::EntryKind>, String> {
        assert!(!path.ends_with("boom"), "the reader broke on {path}");
        Ok(None)
    }
    fn list(&self, _: &str) -> Result<Vec<(String, super::skeleton::EntryKind)>, String> {
        Ok(Vec::new())
    }
    fn read(&self, _: &str, _: u64) -> Result<Vec<u8>, super::skeleton::ReadError> {
        Err(super::skeleton::ReadError::Failed("no files".into()))
    }
}

#[test]
fn a_file_the_check_fails_on_is_that_files_finding() {
    use crate::diagnostics::Format;
    let fetch =
        |url: &str| template(1, |_| format!("    - id: f\n      action: fetch:plain\n      input: {{url: ./{url}}}\n"));
    let files = [
        super::SourceFile { path: "a/template.yaml".into(), text: fetch("boom") },
        super::SourceFile { path: "b/template.yaml".into(), text: fetch("missing") },
        super::SourceFile { path: "c/template.yaml".into(), text: "- not an entity\n".into() },
    ];
    let (diagnostics, summary, report) =
        super::check_files(&files, &[], None, &[], Format::Text, false, Some(&Exploding));
    let found: Vec<String> =
        diagnostics.iter().map(|d| format!("{}:{}:{} {}", d.file, d.line, d.column, d.rule)).collect();
    assert_eq!(
        found,
        [
            "a/template.yaml:1:1 internal-error",
            "b/template.yaml:13:20 skeleton-missing",
            "c/template.yaml:1:1 entity-structure"
        ]
    );
    assert!(diagnostics[0].message.contains("the reader broke on a/boom"), "{}", diagnostics[0].message);
    assert_eq!((summary.errors, summary.files), (3, 3));
    assert!(
        report.contains(
            "error[internal-error]: Trellis failed on this file with an internal error, so it was not checked"
        ),
        "{report}"
    );

    // A failure the caller met (on wasm32 a panic ends the whole call) is reported the same way.
    let failures = [None, Some("the core trapped".to_string()), None];
    let (diagnostics, _, _) = super::check_files(&files[..], &failures, None, &[], Format::Json, false, None);
    let found: Vec<String> = diagnostics.iter().map(|d| format!("{} {}", d.file, d.rule)).collect();
    assert_eq!(
        found,
        ["b/template.yaml internal-error", "c/template.yaml entity-structure"],
        "a is not read without a reader"
    );
    assert!(diagnostics[0].message.ends_with("so it was not checked: the core trapped"));
}

#[test]
fn texts_from_long_values_are_bounded_in_every_format() {
    use crate::diagnostics::Format;
    // A 200 KB step id read with a dot: the message quotes it, the code frame shows its line.
    let id = format!("a-{}", "b".repeat(200_000));
    let text = template(1, |_| {
        format!("    - id: {id}\n      action: debug:log\n      input: {{message: '${{{{ steps.{id}.output }}}}'}}\n")
    });
    let files = [super::SourceFile { path: "t.yaml".into(), text }];
    for format in [Format::Text, Format::Json, Format::Sarif, Format::Github] {
        let (diagnostics, _, report) = super::check_files(&files, &[], None, &[], format, false, None);
        assert!(!diagnostics.is_empty());
        assert!(
            report.len() < 8_000 * diagnostics.len(),
            "{format}: {} bytes for {} findings",
            report.len(),
            diagnostics.len()
        );
    }
}

#[test]
fn rules_never_use_one_another() {
    // Shared analysis lives beside the context (context.rs, analysis.rs), never in a rule.
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/check/rules");
    let names: Vec<String> = super::rules::ALL.iter().map(|rule| rule.info.id.replace('-', "_")).collect();
    for name in &names {
        let text = std::fs::read_to_string(dir.join(format!("{name}.rs"))).expect("one file per rule, named by its id");
        for other in names.iter().filter(|other| *other != name) {
            for path in [format!("super::{other}"), format!("rules::{other}")] {
                assert!(!text.contains(&path), "{name}.rs uses {path}");
            }
        }
    }
}
