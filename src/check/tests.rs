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

/// Templates whose size grows with `n` in the ways a check could be quadratic.
fn shapes() -> Vec<(&'static str, Box<dyn Fn(usize) -> String>)> {
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
