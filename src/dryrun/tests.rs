use std::collections::BTreeMap;

use serde_json::json;

use super::*;
use crate::check::skeleton::{EntryKind as SourceKind, ReadError};
use crate::template::SourceFormat;

/// Skeleton files in memory: path → content (directories implied by the paths).
#[derive(Default)]
struct Files(BTreeMap<String, Vec<u8>>);

impl Files {
    fn with(entries: &[(&str, &str)]) -> Files {
        Files(entries.iter().map(|(p, c)| (p.to_string(), c.as_bytes().to_vec())).collect())
    }
}

impl SkeletonSource for Files {
    fn kind(&self, path: &str) -> Result<Option<SourceKind>, String> {
        if self.0.contains_key(path) {
            return Ok(Some(SourceKind::File));
        }
        let prefix = format!("{path}/");
        Ok(self.0.keys().any(|k| k.starts_with(&prefix)).then_some(SourceKind::Directory))
    }
    fn list(&self, path: &str) -> Result<Vec<(String, SourceKind)>, String> {
        let prefix = format!("{path}/");
        let mut out: Vec<(String, SourceKind)> = Vec::new();
        for key in self.0.keys().filter_map(|k| k.strip_prefix(&prefix)) {
            let (name, kind) = match key.split_once('/') {
                Some((dir, _)) => (dir, SourceKind::Directory),
                None => (key, SourceKind::File),
            };
            if !out.iter().any(|(n, _)| n == name) {
                out.push((name.to_string(), kind));
            }
        }
        Ok(out)
    }
    fn read(&self, path: &str, _max: u64) -> Result<Vec<u8>, ReadError> {
        self.0.get(path).cloned().ok_or_else(|| ReadError::Failed("missing".into()))
    }
}

fn template(yaml: &str) -> Template {
    Template::parse(yaml, SourceFormat::Yaml, Some("template.yaml")).unwrap()
}

fn dry_run(yaml: &str, values: Value, secrets: Value, files: &Files) -> DryRunResult {
    let options = DryRunOptions { values, secrets, ..DryRunOptions::default() };
    run(&template(yaml), yaml, &options, files).unwrap()
}

fn statuses(result: &DryRunResult) -> Vec<(String, StepStatus, Option<String>)> {
    result.report.steps.iter().map(|s| (s.id.clone(), s.status, s.reason.clone())).collect()
}

fn file_text(result: &DryRunResult, path: &str) -> String {
    let file = result.files.iter().find(|f| f.path == path).unwrap_or_else(|| panic!("no {path}"));
    String::from_utf8(file.content.clone()).unwrap()
}

const HEADER: &str = "apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata: {name: t}\nspec:\n";

#[test]
fn if_follows_is_truthy_and_string_false_runs() {
    let yaml = format!(
        "{HEADER}  steps:
    - {{id: a, action: debug:log, if: false, input: {{message: a}}}}
    - {{id: b, action: debug:log, if: '${{{{ parameters.flag }}}}', input: {{message: b}}}}
    - {{id: c, action: debug:log, if: 'false', input: {{message: c}}}}
    - {{id: d, action: debug:log, if: '${{{{ [] }}}}', input: {{message: d}}}}
    - {{id: e, action: debug:log, if: '${{{{ {{}} }}}}', input: {{message: e}}}}
    - {{id: f, action: debug:log, if: '${{{{ secrets.token }}}}', input: {{message: f}}}}
"
    );
    let result = dry_run(&yaml, json!({"flag": 0}), json!({"token": "x"}), &Files::default());
    let ran: Vec<(String, StepStatus)> = statuses(&result).into_iter().map(|(id, s, _)| (id, s)).collect();
    use StepStatus::*;
    // `if` has no secrets in scope (f is skipped though the secret is set).
    assert_eq!(
        ran,
        [("a", Skipped), ("b", Skipped), ("c", Ran), ("d", Skipped), ("e", Ran), ("f", Skipped)]
            .map(|(id, s)| (id.to_string(), s))
    );
    assert_eq!(result.report.steps[0].reason.as_deref(), Some("its if condition was false"));
}

#[test]
fn each_iterates_arrays_and_objects_and_collects_outputs() {
    let yaml = format!(
        "{HEADER}  parameters: [{{properties: {{names: {{type: array}}}}}}]
  steps:
    - id: v
      action: trellis:parameters:validate
      each: ${{{{ parameters.names }}}}
      if: ${{{{ each.value !== 'skip' }}}}
      input:
        schema: {{properties: {{n: {{type: string, pattern: '^[a-z]+$'}}}}}}
        values: {{n: '${{{{ each.value }}}}'}}
    - id: o
      action: debug:log
      each: {{first: '${{{{ parameters.names[0] }}}}', second: two}}
      input: {{message: '${{{{ each.key }}}}=${{{{ each.value }}}}'}}
  output:
    valid: ${{{{ steps.v.output.valid }}}}
"
    );
    let result = dry_run(&yaml, json!({"names": ["abc", "skip", "def"]}), json!({}), &Files::default());
    let v = &result.report.steps[0];
    assert_eq!(v.status, StepStatus::Ran);
    let keys: Vec<(&str, bool)> = v.iterations.iter().map(|i| (i.key.as_str(), i.ran)).collect();
    assert_eq!(keys, [("0", true), ("1", false), ("2", true)]);
    assert_eq!(v.output, Some(json!({"valid": [true, true], "errors": [[], []]})));
    assert_eq!(result.report.output, Some(json!({"valid": [true, true]})));
    let o = &result.report.steps[1];
    assert_eq!(
        o.iterations.iter().map(|i| i.input.clone()).collect::<Vec<_>>(),
        [json!({"message": "first=abc"}), json!({"message": "second=two"})]
    );
}

#[test]
fn each_that_is_not_a_collection_fails_with_its_place() {
    let yaml = format!("{HEADER}  steps:\n    - id: x\n      action: debug:log\n      each: ${{{{ parameters.n }}}}\n");
    let result = dry_run(&yaml, json!({"n": 3}), json!({}), &Files::default());
    let error = result.error.unwrap();
    assert_eq!(error.rule, "invalid-each");
    assert_eq!(
        error.to_string(),
        "template.yaml:8:13: Invalid value on action debug:log.each parameter, must resolve to an array or object"
    );
    let missing = dry_run(&yaml, json!({}), json!({}), &Files::default()).error.unwrap();
    assert!(missing.message.contains("cannot be resolved to a value"), "{missing}");
}

#[test]
fn actions_without_dry_run_get_outputs_from_their_schemas() {
    let yaml = format!(
        "{HEADER}  steps:
    - id: reg
      action: catalog:register
      input: {{repoContentsUrl: x}}
    - id: read
      action: fs:readdir
      input: {{paths: [.]}}
    - id: use
      action: debug:log
      input: {{message: '${{{{ steps.read.output.files[0].name }}}}|${{{{ steps.reg.output.entityRef }}}}'}}
  output:
    text:
      - {{title: shown, if: '${{{{ steps.read.output.files.length }}}}', content: a}}
      - {{title: dropped, if: '${{{{ steps.read.output.folders.length > 5 }}}}', content: b}}
"
    );
    let result = dry_run(&yaml, json!({}), json!({}), &Files::default());
    use StepStatus::*;
    assert_eq!(result.report.steps.iter().map(|s| s.status).collect::<Vec<_>>(), [Faked, Faked, Ran]);
    assert_eq!(result.report.steps[0].output, Some(json!({})));
    let read = result.report.steps[1].output.clone().unwrap();
    assert_eq!(read["files"][0]["name"], json!("<example>"));
    assert_eq!(result.report.steps[2].input, Some(json!({"message": "<example>|"})));
    assert_eq!(result.report.output, Some(json!({"text": [{"title": "shown", "content": "a"}]})));
}

#[test]
fn secrets_are_redacted_everywhere_in_the_report() {
    let yaml = format!(
        "{HEADER}  steps:
    - id: pub
      action: publish:github
      input: {{token: '${{{{ secrets.token }}}}', url: 'https://u:${{{{ secrets.token }}}}@host'}}
    - id: log
      action: debug:log
      input: {{message: 'token is ${{{{ secrets.token }}}}'}}
"
    );
    let result = dry_run(&yaml, json!({}), json!({"token": "hunter22"}), &Files::default());
    assert_eq!(result.report.steps[0].input, Some(json!({"token": "***", "url": "https://u:***@host"})));
    let report = serde_json::to_string(&result.report).unwrap();
    assert!(!report.contains("hunter22"), "{report}");
    assert!(result.report.steps[1].log.iter().any(|l| l == "token is ***"));

    // An error quoting the input does not show the secret either.
    let yaml = format!("{HEADER}  steps:\n    - id: f\n      action: fs:delete\n      input: {{files: ['../${{{{ secrets.token }}}}']}}\n");
    let result = dry_run(&yaml, json!({}), json!({"token": "hunter22"}), &Files::default());
    let error = result.error.unwrap();
    assert_eq!(error.rule, "unsafe-path");
    assert!(error.message.contains("`../***`") && !error.message.contains("hunter22"), "{error}");
}

#[test]
fn fetch_and_fs_actions_change_the_workspace() {
    let files = Files::with(&[
        ("skeleton/README.md", "# ${{ values.name }}\n"),
        ("skeleton/${{ values.name }}/main.py", "print('${{ values.name }}')\n"),
        ("skeleton/{% if values.docs %}docs{% endif %}/index.md", "docs\n"),
        ("skeleton/tmp.txt", "delete me\n"),
        ("static/logo.txt", "${{ not rendered }}\n"),
        ("one.txt.njk", "name=${{ values.name }}\n"),
    ]);
    let yaml = format!(
        "{HEADER}  steps:
    - id: fetch
      action: fetch:template
      input: {{url: ./skeleton, values: {{name: svc, docs: false}}}}
    - id: again
      action: fetch:template
      input: {{url: ./skeleton, values: {{name: other}}, targetPath: ./}}
    - id: plain
      action: fetch:plain
      input: {{url: ./static, targetPath: assets}}
    - id: file
      action: fetch:template:file
      input: {{url: ./one.txt.njk, targetPath: conf/one.txt, values: {{name: svc}}}}
    - id: mv
      action: fs:rename
      input: {{files: [{{from: svc, to: app}}]}}
    - id: rm
      action: fs:delete
      input: {{files: [tmp.txt]}}
"
    );
    let result = dry_run(&yaml, json!({}), json!({}), &files);
    assert!(result.error.is_none(), "{:?}", result.error);
    assert_eq!(result.report.files, ["README.md", "app/main.py", "assets/logo.txt", "conf/one.txt", "other/main.py"]);
    assert_eq!(file_text(&result, "README.md"), "# svc\n");
    assert_eq!(file_text(&result, "app/main.py"), "print('svc')\n");
    assert_eq!(file_text(&result, "assets/logo.txt"), "${{ not rendered }}\n");
    assert_eq!(file_text(&result, "conf/one.txt"), "name=svc\n");
    let skipped: Vec<(&str, &str)> = result.report.skipped.iter().map(|s| (s.step.as_str(), s.path.as_str())).collect();
    // The optional docs directory (twice: the directory and its file), then the second fetch
    // keeps what the first wrote.
    assert!(skipped.contains(&("fetch", "skeleton/{% if values.docs %}docs{% endif %}")), "{skipped:?}");
    assert!(skipped.contains(&("again", "skeleton/README.md")), "{skipped:?}");
}

#[test]
fn a_failing_step_is_reported_at_its_place_and_later_steps_skip_unless_always() {
    let files = Files::with(&[("skeleton/a.txt", "${{ values.x | nosuchfilter }}\n")]);
    let yaml = format!(
        "{HEADER}  steps:
    - id: fetch
      action: fetch:template
      input: {{url: ./skeleton}}
    - {{id: next, action: debug:log, input: {{message: no}}}}
    - {{id: cleanup, action: debug:log, if: '${{{{ always() }}}}', input: {{message: yes}}}}
    - {{id: onfail, action: debug:log, if: '${{{{ failure() }}}}', input: {{message: failed}}}}
"
    );
    let result = dry_run(&yaml, json!({}), json!({}), &files);
    let error = result.error.as_ref().unwrap();
    assert_eq!(error.file.as_deref(), Some("skeleton/a.txt"));
    assert_eq!(error.span.map(|s| s.line), Some(1));
    use StepStatus::*;
    let got: Vec<(String, StepStatus)> = statuses(&result).into_iter().map(|(id, s, _)| (id, s)).collect();
    assert_eq!(
        got,
        [("fetch", Failed), ("next", Skipped), ("cleanup", Ran), ("onfail", Ran)].map(|(i, s)| (i.to_string(), s))
    );
    assert!(result.report.output.is_none());
}

#[test]
fn unsafe_targets_and_bad_inputs_are_errors_with_places() {
    let files = Files::with(&[("skeleton/a.txt", "a")]);
    let yaml = format!("{HEADER}  steps:\n    - id: f\n      action: fetch:template\n      input:\n        url: ./skeleton\n        targetPath: ../outside\n");
    let error = dry_run(&yaml, json!({}), json!({}), &files).error.unwrap();
    assert_eq!(error.rule, "unsafe-path");
    assert_eq!(error.span.map(|s| (s.line, s.column)), Some((10, 21)));

    let yaml = format!(
        "{HEADER}  steps:\n    - id: f\n      action: fetch:template\n      input: {{url: ./skeleton, unknown: 1}}\n"
    );
    let error = dry_run(&yaml, json!({}), json!({}), &files).error.unwrap();
    assert_eq!(error.rule, "invalid-action-input");
    assert!(error.message.starts_with("Invalid input passed to action fetch:template, `input`: "), "{error}");

    let yaml = format!("{HEADER}  steps:\n    - id: f\n      action: fetch:template\n      input:\n        url: ./skeleton\n        replace: 'yes'\n");
    let error = dry_run(&yaml, json!({}), json!({}), &files).error.unwrap();
    assert_eq!(
        error.to_string(),
        "template.yaml:10:18: Invalid input passed to action fetch:template, `input.replace`: must be a boolean"
    );

    let yaml = format!(
        "{HEADER}  steps:\n    - id: f\n      action: fetch:template\n      input:\n        url: ./skeleton\n        cookiecutterCompat: true\n        templateFileExtension: true\n"
    );
    let error = dry_run(&yaml, json!({}), json!({}), &files).error.unwrap();
    assert_eq!((error.rule, error.span.map(|s| s.line)), ("invalid-action-input", Some(11)));

    let yaml =
        format!("{HEADER}  steps:\n    - id: f\n      action: fetch:template\n      input: {{url: ./nothing}}\n");
    let error = dry_run(&yaml, json!({}), json!({}), &files).error.unwrap();
    assert_eq!(error.rule, "skeleton-not-found");
}

#[test]
fn a_broken_expression_is_kept_as_backstage_does_with_a_located_warning() {
    let yaml = format!("{HEADER}  steps:\n    - id: l\n      action: debug:log\n      input:\n        message: 'hi ${{{{ parameters.x | nosuch }}}}'\n");
    let result = dry_run(&yaml, json!({}), json!({}), &Files::default());
    assert_eq!(result.report.steps[0].input, Some(json!({"message": "hi ${{ parameters.x | nosuch }}"})));
    let warning = &result.report.warnings[0];
    // Line 9, at the filter inside the quoted scalar.
    assert_eq!((warning.file.as_str(), warning.line, warning.column), ("template.yaml", Some(9), Some(41)));
    assert!(warning.message.contains("nosuch"), "{}", warning.message);

    // Rendered once per iteration, reported once.
    let yaml = format!("{HEADER}  steps:\n    - id: l\n      action: debug:log\n      each: [1, 2, 3]\n      input:\n        message: '${{{{ each.value | nosuch }}}}'\n");
    let result = dry_run(&yaml, json!({}), json!({}), &Files::default());
    assert_eq!(result.report.steps[0].iterations.len(), 3);
    assert_eq!(result.report.warnings.len(), 1, "{:?}", result.report.warnings);
}

#[test]
fn invalid_values_stop_before_any_step() {
    let yaml = format!(
        "{HEADER}  parameters:\n    - required: [name]\n      properties: {{name: {{type: string}}}}\n  steps: []\n"
    );
    let options = DryRunOptions::default();
    let error = run(&template(&yaml), &yaml, &options, &Files::default()).err().unwrap();
    assert_eq!(error.rule, "invalid-values");
    assert!(
        error.to_string().starts_with("template.yaml:7:20: the values are not valid: name: is required"),
        "{error}"
    );
}

#[test]
fn the_context_has_what_the_workflow_runner_gives_each_place() {
    let yaml = format!(
        "{HEADER}  steps:
    - id: show
      action: debug:log
      input:
        message: '${{{{ context.task.id }}}}|${{{{ user.ref }}}}|${{{{ environment.parameters | dump }}}}|${{{{ environment.secrets | dump }}}}|${{{{ secrets.token }}}}'
    - id: check
      action: trellis:template:check
      input: {{path: template.yaml}}
  output:
    secret: ${{{{ secrets.token }}}}
    shown: ${{{{ steps.show.output | dump }}}}
    checked: ${{{{ steps.check.output.errors }}}}
"
    );
    let options = DryRunOptions {
        secrets: json!({"token": "abc123"}),
        user: json!({"ref": "user:default/ada"}),
        ..DryRunOptions::default()
    };
    let result = run(&template(&yaml), &yaml, &options, &Files::default()).unwrap();
    // The secret reached the input (the report shows it redacted).
    assert_eq!(result.report.steps[0].input, Some(json!({"message": "dry-run-trellis|user:default/ada|{}|{}|***"})));
    // spec.output has no secrets: the key renders to undefined and is dropped. An `integer`
    // output (trellis:template:check's counts) is made up as "<unknown>", as Backstage does.
    assert_eq!(result.report.output, Some(json!({"shown": "{}", "checked": "<unknown>"})));
    assert_eq!(result.report.steps[1].status, StepStatus::Faked);
}

#[test]
fn step_outputs_are_added_without_copying_the_earlier_ones() {
    // Copying the `steps` record with every output made `trellis render` quadratic in the number
    // of steps (12,500 steps: 18 s). Local, faked, `each` and skipped steps alike.
    let mut yaml = String::from("apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nspec:\n  steps:\n");
    for i in 0..200 {
        yaml.push_str(&format!("    - id: s{i}\n      action: debug:log\n      input: {{message: 'at {i}'}}\n"));
        yaml.push_str(&format!(
            "    - id: p{i}\n      action: publish:github\n      input: {{repoUrl: 'github.com?repo=r&owner=o'}}\n"
        ));
        yaml.push_str(&format!("    - id: e{i}\n      action: debug:log\n      each: [a, b]\n      input: {{message: '${{{{ each.value }}}}'}}\n"));
        yaml.push_str(&format!("    - id: n{i}\n      if: false\n      action: debug:log\n"));
    }
    yaml.push_str("    - id: last\n      action: debug:log\n      input: {message: '${{ steps.s199.output | dump }} ${{ steps.p0 is defined }} ${{ steps.q0 is defined }}'}\n");
    COPIED_OUTPUTS.with(|copied| copied.set(0));
    let result = dry_run(&yaml, json!({}), json!({}), &Files::default());
    assert!(result.error.is_none(), "{:?}", result.error);
    assert_eq!(result.report.steps.len(), 801);
    assert_eq!(COPIED_OUTPUTS.with(Cell::get), 0, "an output was added by copying the earlier ones");
    let last = result.report.steps.last().unwrap();
    let message = last.input.as_ref().and_then(|i| i.get("message")).and_then(Value::as_str).unwrap();
    assert_eq!(message, "{} true false");
}
