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
      action: catalog:fetch
      input: {{entityRef: 'component:x'}}
    - id: use
      action: debug:log
      input: {{message: '${{{{ steps.read.output.entity }}}}|${{{{ steps.reg.output.entityRef }}}}'}}
  output:
    text:
      - {{title: shown, if: '${{{{ steps.read.output.entity }}}}', content: a}}
      - {{title: dropped, if: '${{{{ steps.read.output.entities.length > 5 }}}}', content: b}}
"
    );
    let result = dry_run(&yaml, json!({}), json!({}), &Files::default());
    use StepStatus::*;
    assert_eq!(result.report.steps.iter().map(|s| s.status).collect::<Vec<_>>(), [Faked, Faked, Ran]);
    assert_eq!(result.report.steps[0].output, Some(json!({})));
    // catalog:fetch reads the catalog: made up from its schema (an untyped `entity`).
    assert_eq!(result.report.steps[1].output, Some(json!({"entity": "<unknown>", "entities": []})));
    assert_eq!(result.report.steps[2].input, Some(json!({"message": "<unknown>|"})));
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
    assert_eq!(
        error.to_string(),
        "template.yaml:8:41: Invalid input passed to action fetch:template, `input.unknown`: is not an input fetch:template declares"
    );

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
    - id: copy
      action: fetch:plain
      input: {{url: ./sub}}
    - id: check
      action: trellis:template:check
      input: {{path: template.yaml, failOn: never}}
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
    let checked = format!("{HEADER}  type: x\n  steps:\n    - {{id: a, action: debug:log, input: {{message: '${{{{ steps.nope.output.x }}}}'}}}}\n");
    let files = Files::with(&[("sub/template.yaml", &checked)]);
    let result = run(&template(&yaml), &yaml, &options, &files).unwrap();
    // The secret reached the input (the report shows it redacted).
    assert_eq!(result.report.steps[0].input, Some(json!({"message": "dry-run-trellis|user:default/ada|{}|{}|***"})));
    // spec.output has no secrets: the key renders to undefined and is dropped. The template
    // check ran on the workspace (its `steps.nope` is an error).
    assert_eq!(result.report.output, Some(json!({"shown": "{}", "checked": 1})));
    let check = &result.report.steps[2];
    assert_eq!(check.status, StepStatus::Ran);
    let output = check.output.as_ref().unwrap();
    assert_eq!(
        (output["errors"].clone(), output["diagnostics"][0]["rule"].clone()),
        (json!(1), json!("step-reference"))
    );
    assert_eq!(output["diagnostics"][0]["file"], json!("template.yaml"));
}

/// [`Files`] confined to a root, recording every path asked about.
struct Rooted<'a> {
    files: &'a Files,
    root: &'static str,
    asked: std::cell::RefCell<Vec<String>>,
}

impl SkeletonSource for Rooted<'_> {
    fn kind(&self, path: &str) -> Result<Option<SourceKind>, String> {
        if path.starts_with("repo/t/link/") {
            // As plugin-wrapper/src/root.ts refuses a path a symbolic link takes out of the root.
            return Err(format!("{path} is outside the repository root repo; nothing was read"));
        }
        self.asked.borrow_mut().push(path.into());
        self.files.kind(path)
    }
    fn list(&self, path: &str) -> Result<Vec<(String, SourceKind)>, String> {
        self.asked.borrow_mut().push(path.into());
        self.files.list(path)
    }
    fn read(&self, path: &str, max: u64) -> Result<Vec<u8>, ReadError> {
        self.asked.borrow_mut().push(path.into());
        self.files.read(path, max)
    }
    fn root(&self, _template_path: &str) -> Option<String> {
        Some(self.root.into())
    }
}

#[test]
fn a_url_leaving_the_root_fails_at_the_url_and_nothing_is_read() {
    let files = Files::with(&[("etc/passwd", "root:x:0:0"), ("repo/skel/a.txt", "a"), ("repo/t/skel/b.txt", "b")]);
    let cases = [
        ("fetch:plain:file", "../../etc/passwd", "`../../etc/passwd` leads to `etc/passwd`"),
        ("fetch:template:file", "../../../../etc/passwd", "`../../../../etc/passwd` leads to `../../etc/passwd`"),
        ("fetch:plain", "../..", "`../..` leads to `.`"),
        ("fetch:template", "/../etc", "`/../etc` leads to `etc`"),
        ("trellis:fetch:template", "file:///etc/passwd", "`file:///etc/passwd` names a file on this machine"),
    ];
    for (action, url, message) in cases {
        let yaml = format!("{HEADER}  steps:\n    - id: s\n      action: {action}\n      input:\n        url: '{url}'\n        targetPath: out\n");
        let source = Rooted { files: &files, root: "repo", asked: Default::default() };
        let options = DryRunOptions { template_path: "repo/t/template.yaml".into(), ..DryRunOptions::default() };
        let result = run(&template(&yaml), &yaml, &options, &source).unwrap();
        let error = result.error.unwrap_or_else(|| panic!("{action} {url}: no error"));
        assert_eq!(error.rule, "url-outside-root", "{action} {url}");
        assert!(error.message.starts_with(message), "{action} {url}: {}", error.message);
        assert!(error.message.contains("outside the repository root `repo`") || url.starts_with("file:"), "{error}");
        assert_eq!(
            (error.span.map(|s| (s.line, s.column)), error.file.as_deref()),
            (Some((9, 14)), Some("repo/t/template.yaml"))
        );
        assert!(error.hint.as_deref().is_some_and(|h| h.contains("--root")));
        assert!(source.asked.borrow().is_empty(), "{action} {url} asked the reader about {:?}", source.asked.borrow());
        assert!(result.files.is_empty());
    }
    // Inside the root as text, but the reader refuses: a symbolic link leads out.
    let yaml = format!("{HEADER}  steps:\n    - id: s\n      action: fetch:plain:file\n      input:\n        url: ./link/passwd\n        targetPath: out\n");
    let source = Rooted { files: &files, root: "repo", asked: Default::default() };
    let options = DryRunOptions { template_path: "repo/t/template.yaml".into(), ..DryRunOptions::default() };
    let error = run(&template(&yaml), &yaml, &options, &source).unwrap().error.unwrap();
    assert_eq!(error.rule, "url-outside-root");
    assert_eq!(
        error.message,
        "`./link/passwd` leads to `repo/t/link/passwd`, which a symbolic link takes outside the repository root `repo`; nothing was read"
    );
    // Inside the root: from the template's folder, and from the root for a `/` url.
    for url in ["./skel", "../skel", "/skel"] {
        let yaml =
            format!("{HEADER}  steps:\n    - id: s\n      action: fetch:plain\n      input:\n        url: '{url}'\n");
        let source = Rooted { files: &files, root: "repo", asked: Default::default() };
        let options = DryRunOptions { template_path: "repo/t/template.yaml".into(), ..DryRunOptions::default() };
        let result = run(&template(&yaml), &yaml, &options, &source).unwrap();
        assert!(result.error.is_none(), "{url}: {:?}", result.error);
        assert_eq!(result.report.files.len(), 1, "{url}");
    }
}

#[test]
fn trellis_fetch_template_and_fs_readdir_output_what_the_backend_outputs() {
    let yaml = format!(
        "{HEADER}  steps:
    - {{id: a, action: trellis:fetch:template, input: {{url: ./skel, targetPath: out, values: {{n: x}}}}}}
    - {{id: b, action: trellis:fetch:template, input: {{url: ./skel, targetPath: out, values: {{n: x}}}}}}
    - {{id: c, action: fetch:template, input: {{url: ./skel, targetPath: other, values: {{n: x}}}}}}
    - {{id: d, action: fs:readdir, input: {{paths: [out], recursive: true}}}}
"
    );
    // `${{ values.n }}-b.txt` sorts after the folder `${{ values.n }}` (JavaScript's order of the
    // unrendered names, parents first), not after `${{ values.n }}/c.txt` as full paths would.
    let files = Files::with(&[
        ("skel/${{ values.n }}/c.txt", "c"),
        ("skel/${{ values.n }}-b.txt", "b"),
        ("skel/${{ values.none }}", "skipped: an empty name"),
        ("skel/z.txt", "z"),
    ]);
    let result = dry_run(&yaml, json!({}), json!({}), &files);
    assert!(result.error.is_none(), "{:?}", result.error);
    let outputs: Vec<Value> = result.report.steps.iter().map(|s| s.output.clone().unwrap()).collect();
    let written = json!(["x/c.txt", "x-b.txt", "z.txt"]);
    let skipped =
        json!([{"path": "${{ values.none }}", "renderedPath": "", "reason": outputs[0]["skipped"][0]["reason"]}]);
    assert_eq!(outputs[0], json!({"written": written, "kept": [], "skipped": skipped}));
    assert_eq!(outputs[1], json!({"written": [], "kept": written, "skipped": skipped}));
    assert_eq!(outputs[2], json!({}));
    let entry = |name: &str, path: &str| json!({"name": name, "path": path, "fullPath": format!("/tmp/dry-run-trellis/{path}")});
    assert_eq!(
        outputs[3],
        json!({"files": [entry("x-b.txt", "out/x-b.txt"), entry("z.txt", "out/z.txt"), entry("c.txt", "out/x/c.txt")],
            "folders": [entry("x", "out/x")]})
    );
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

#[test]
fn cookiecutter_steps_write_what_the_backend_writes_with_its_outputs() {
    let files = Files::with(&[
        ("cc/cookiecutter.json", r#"{"name": "x", "kind": ["lib", "app"]}"#),
        ("cc/README.md", "# {{ cookiecutter.name }} ({{ cookiecutter.kind }})\n"),
        ("cc/{{ cookiecutter.name }}/main.py", "print('{{ cookiecutter.name }}')\n"),
        ("cc/{% if cookiecutter.docs %}docs.md{% endif %}", "docs\n"),
        ("plain/README.md", "# {{ cookiecutter.title }}\n"),
        ("tpl/README.md", "from fetch:template\n"),
    ]);
    let yaml = format!(
        "{HEADER}  steps:
    - {{id: first, action: fetch:template, input: {{url: ./tpl, targetPath: out}}}}
    - id: cc
      action: trellis:fetch:cookiecutter
      input: {{url: ./cc, targetPath: out, values: {{name: shop, docs: false}}, imageName: acme/cc}}
    - id: plain
      action: fetch:cookiecutter
      input: {{url: ./plain, targetPath: plain, values: {{title: Hi}}}}
    - id: log
      action: debug:log
      input: {{message: '${{{{ steps.cc.output.written | join(\",\") }}}}'}}
"
    );
    let result = dry_run(&yaml, json!({}), json!({}), &files);
    assert!(result.error.is_none(), "{:?}", result.error);
    use StepStatus::*;
    assert_eq!(result.report.steps.iter().map(|s| s.status).collect::<Vec<_>>(), [Ran, Ran, Ran, Ran]);
    // Backstage mode: the folder's own cookiecutter.json is a file like any other; a choice is
    // its first item; a file whose name renders empty is left out and reported.
    assert_eq!(
        result.report.steps[1].output,
        Some(json!({
            "written": ["README.md", "cookiecutter.json", "shop/main.py"],
            "skipped": [{"path": "{% if cookiecutter.docs %}docs.md{% endif %}", "renderedPath": "",
                "reason": "the file name renders empty (or to an existing folder), so cookiecutter leaves it out"}]
        }))
    );
    assert_eq!(result.report.steps[2].output, Some(json!({})), "fetch:cookiecutter sets no output");
    assert_eq!(result.report.steps[3].input, Some(json!({"message": "README.md,cookiecutter.json,shop/main.py"})));
    assert!(result.report.steps[1].log.iter().any(|l| l.contains("imageName acme/cc is ignored")));
    // fs-extra's copy replaces what fetch:template wrote.
    assert_eq!(file_text(&result, "out/README.md"), "# shop (lib)\n");
    assert_eq!(file_text(&result, "out/shop/main.py"), "print('shop')\n");
    assert_eq!(file_text(&result, "plain/README.md"), "# Hi\n");
    assert_eq!(result.report.skipped.len(), 1);
}

#[test]
fn cookiecutter_errors_point_at_the_template_file_and_the_step_url() {
    let files = Files::with(&[("cc/README.md", "# ok\n{{ cookiecutter.name | nosuchfilter }}\n")]);
    let yaml = format!(
        "{HEADER}  steps:
    - id: cc
      action: fetch:cookiecutter
      input:
        url: ./cc
        values: {{name: shop}}
"
    );
    let error = dry_run(&yaml, json!({}), json!({}), &files).error.expect("the step fails");
    assert_eq!(error.file.as_deref(), Some("cc/README.md"));
    let span = error.span.expect("a place");
    assert_eq!((span.line, span.column), (2, 24), "{error}");
    assert!(error.message.contains("nosuchfilter"), "{error}");
    let hint = error.hint.unwrap_or_default();
    assert!(hint.contains("the step's url `./cc` at template.yaml:9:14"), "{hint}");

    // A value that does not render is a variable of the composed cookiecutter.json: the error
    // points at the step's value.
    let files = Files::with(&[("cc/README.md", "{{ cookiecutter.name }}\n")]);
    let yaml = format!(
        "{HEADER}  steps:
    - id: cc
      action: trellis:fetch:cookiecutter
      input:
        url: ./cc
        values:
          name: '{{{{ cookiecutter.missing }}}}'
"
    );
    let error = dry_run(&yaml, json!({}), json!({}), &files).error.expect("the step fails");
    assert_eq!(error.file.as_deref(), Some("template.yaml"));
    let span = error.span.expect("a place");
    assert_eq!((span.line, span.column), (11, 17), "{error}");
    assert!(error.message.contains("Unable to render variable 'name'"), "{error}");
}

#[test]
fn the_clock_and_the_seed_make_cookiecutter_renders_reproducible() {
    let files = Files::with(&[("cc/out.txt", "{% now 'local', '%Y-%m-%d %H:%M %z' %} {{ uuid4() }}\n")]);
    let yaml =
        format!("{HEADER}  steps:\n    - {{id: cc, action: fetch:cookiecutter, input: {{url: ./cc, values: {{}}}}}}\n");
    let options = |now: &str, seed| DryRunOptions { now: Some(now.into()), seed, ..DryRunOptions::default() };
    let render = |options: &DryRunOptions| {
        let result = run(&template(&yaml), &yaml, options, &files).unwrap();
        assert!(result.error.is_none(), "{:?}", result.error);
        file_text(&result, "out.txt")
    };
    let first = render(&options("2024-05-01T12:00:00+02:00", Some(7)));
    assert!(first.starts_with("2024-05-01 12:00 +0200 "), "{first}");
    assert_eq!(render(&options("2024-05-01T12:00:00+02:00", Some(7))), first);
    assert_ne!(render(&options("2024-05-01T12:00:00+02:00", Some(8))), first);
    let error = run(&template(&yaml), &yaml, &options("yesterday", None), &files).err().expect("refused");
    assert_eq!(error.rule, "invalid-argument");
    assert!(error.message.contains("RFC 3339"), "{error}");
    // Without a clock: the host's, as a task renders at its own time.
    let now = render(&DryRunOptions::default());
    assert!(now.starts_with("20") && now.contains(" +0000 "), "{now}");
}

#[test]
fn module_actions_get_outputs_from_the_module_snapshot_and_an_instance_decides() {
    let yaml = format!(
        "{HEADER}  steps:
    - id: publish
      action: publish:github
      input: {{repoUrl: 'github.com?owner=o&repo=r'}}
    - id: register
      action: catalog:register
      input: {{repoContentsUrl: '${{{{ steps.publish.output.repoContentsUrl }}}}', catalogInfoPath: /catalog-info.yaml}}
  output:
    remote: ${{{{ steps.publish.output.remoteUrl }}}}
"
    );
    let result = dry_run(&yaml, json!({}), json!({}), &Files::default());
    assert_eq!(result.report.steps[0].status, StepStatus::Faked);
    assert_eq!(
        result.report.steps[0].output,
        Some(json!({"remoteUrl": "<example>", "repoContentsUrl": "<example>", "commitHash": "<example>"}))
    );
    assert_eq!(
        result.report.steps[1].input,
        Some(json!({"repoContentsUrl": "<example>", "catalogInfoPath": "/catalog-info.yaml"}))
    );
    assert_eq!(result.report.output, Some(json!({"remote": "<example>"})));
    assert!(result.report.warnings.is_empty(), "{:?}", result.report.warnings);

    // An instance manifest describes the whole instance: a module it lacks is not there.
    let instance = Manifest::builtin_merged_with(&Manifest::parse(r#"{"actions": []}"#).unwrap());
    for action in ["publish:github", "fetch:cookiecutter"] {
        let yaml =
            format!("{HEADER}  steps:\n    - {{id: s, action: '{action}', input: {{url: ./x, values: {{}}}}}}\n");
        let options = DryRunOptions { manifest: instance.clone(), ..DryRunOptions::default() };
        let error = run(&template(&yaml), &yaml, &options, &Files::default()).unwrap().error.expect("not registered");
        assert_eq!(error.rule, "unknown-action", "{action}");
        assert!(error.message.contains(&format!("Template action with ID '{action}' is not registered")), "{error}");
    }
}

#[test]
fn inputs_of_faked_steps_are_checked_as_warnings_unless_they_read_made_up_outputs() {
    let yaml = format!(
        "{HEADER}  steps:
    - id: publish
      action: publish:github
      input: {{repoUrl: 'github.com?owner=o&repo=r', allowedHosts: [github.com]}}
    - id: made-up
      action: acme:deploy
    - id: register
      action: catalog:register
      input: {{repoContentsUrl: '${{{{ steps[\"made-up\"].output.url }}}}', catalogInfoPath: /c.yaml}}
"
    );
    let result = dry_run(&yaml, json!({}), json!({}), &Files::default());
    assert!(result.error.is_none(), "Backstage's dry-run skips these steps before any input check");
    let found: Vec<(String, Option<u32>)> =
        result.report.warnings.iter().map(|w| (w.message.clone(), w.line)).collect();
    assert_eq!(found.len(), 2, "{found:#?}");
    assert!(
        found[0].0.starts_with("Invalid input passed to action publish:github") && found[0].0.contains("allowedHosts"),
        "{found:#?}"
    );
    assert!(found[0].0.ends_with("(a task fails here; Backstage's dry-run skips this step before checking its input)"));
    assert_eq!(found[0].1, Some(8));
    // acme:deploy is unknown; catalog:register's input reads its made-up output, so it is not checked.
    assert!(found[1].0.contains("`acme:deploy` is neither a built-in action nor one of a known module"), "{found:#?}");
}

#[test]
fn parameters_validate_reads_pages_as_backstage_does_and_logs_its_warnings_as_the_action() {
    let yaml = format!(
        "{HEADER}  steps:
    - id: v
      action: trellis:parameters:validate
      input:
        schema:
          - title: Size
            properties:
              size: {{type: number, minimum: '5'}}
        values: {{size: 3}}
        failOnError: false
"
    );
    let result = dry_run(&yaml, json!({}), json!({}), &Files::default());
    assert!(result.error.is_none(), "{:?}", result.error);
    let step = &result.report.steps[0];
    assert_eq!(step.status, StepStatus::Ran);
    let warning = &result.report.warnings[0];
    assert!(warning.message.starts_with("trellis:parameters:validate: "), "{warning:?}");
    assert!(warning.message.ends_with("(page 1 \"Size\", keyword minimum)"), "{warning:?}");
    assert_eq!((warning.line, warning.column), (Some(12), Some(45)), "at the keyword's value");
    assert_eq!(step.log[0], warning.message.trim_start_matches("trellis:parameters:validate: "));
    assert!(step.log.last().unwrap().ends_with("(failOnError is false: the step succeeds)"), "{:?}", step.log);
}
