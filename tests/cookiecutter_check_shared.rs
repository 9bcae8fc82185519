//! No false alarms from the `cookiecutter-*` rules: every template in `../shared/cookiecutter`
//! (real, working cookiecutter templates) is checked in place, read through the same confined
//! `FsSource` the checker uses, as the `cookiecutter` CLI renders it (plain mode) and as
//! fetch:cookiecutter renders its project template folder with cookiecutter.json as `values`
//! (Backstage mode). No finding may be an error; counts per rule are printed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use trellis::check::skeleton::read_folder;
use trellis::check::FsSource;
use trellis::cookiecutter::check::{check_template, CheckInput, Concern, Finding, Runner};
use trellis::cookiecutter::{EntryKind, Mode};

fn shared_templates() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/cookiecutter");
    assert!(
        root.is_dir(),
        "{} is missing: these tests read the shared cookiecutter templates in place (clone them beside the repository)",
        root.display()
    );
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("list ../shared/cookiecutter")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.join("cookiecutter.json").is_file())
        .collect();
    dirs.sort();
    assert!(dirs.len() >= 4, "expected the shared cookiecutter templates, found {dirs:?}");
    dirs
}

fn rule(concern: Concern) -> &'static str {
    match concern {
        Concern::Syntax => "cookiecutter-syntax",
        Concern::Undefined => "cookiecutter-undefined",
        Concern::Extension => "cookiecutter-extension",
        Concern::CopyGlob => "cookiecutter-copy-glob",
    }
}

fn tally(label: &str, findings: &[Finding], counts: &mut BTreeMap<(&'static str, &'static str), usize>) {
    for finding in findings {
        let severity = if finding.error { "error" } else { "warning" };
        *counts.entry((rule(finding.concern), severity)).or_default() += 1;
        println!("{label}: {} {severity} {:?}: {}", rule(finding.concern), finding.place, finding.message);
    }
}

#[test]
fn shared_cookiecutter_templates_have_no_error_findings() {
    let mut counts = BTreeMap::new();
    let mut errors = Vec::new();
    for dir in shared_templates() {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let source = FsSource::new(&dir);
        let mut notes = Vec::new();
        let files = read_folder(".", &source, &mut notes);
        assert!(notes.is_empty(), "{name}: {:?}", notes.iter().map(|n| &n.message).collect::<Vec<_>>());
        let analysis = check_template(&files, &CheckInput::plain());
        tally(&format!("{name} (plain)"), &analysis.findings, &mut counts);
        errors.extend(analysis.findings.iter().filter(|f| f.error).map(|f| format!("{name} (plain): {f:?}")));

        // fetch:cookiecutter pointed at the project template folder, the template's variables
        // passed as `values` and its lists as the step's inputs.
        let config: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.join("cookiecutter.json")).unwrap()).unwrap();
        let config = config.as_object().unwrap();
        let inner = files
            .iter()
            .find(|f| f.kind == EntryKind::Directory && !f.path.contains('/') && f.path.contains("cookiecutter"))
            .unwrap_or_else(|| panic!("{name}: no project template folder"))
            .path
            .clone();
        let prefix = format!("{inner}/");
        let folder: Vec<_> = files
            .iter()
            .filter_map(|f| {
                let path = f.path.strip_prefix(&prefix)?;
                Some(trellis::cookiecutter::SkeletonEntry { path: path.to_string(), ..f.clone() })
            })
            .collect();
        let list = |key: &str| {
            config
                .get(key)
                .and_then(|v| v.as_array())
                .map(|items| items.iter().filter_map(|i| i.as_str().map(str::to_string)).collect::<Vec<_>>())
        };
        // Everything but the two lists, which fetch:cookiecutter takes as inputs.
        let lists = ["_copy_without_render", "_extensions"];
        let values: serde_json::Map<_, _> =
            config.iter().filter(|(k, _)| !lists.contains(&k.as_str())).map(|(k, v)| (k.clone(), v.clone())).collect();
        let backstage = CheckInput {
            mode: Mode::Backstage,
            runner: Runner::Python,
            values: Some(&values),
            copy_without_render: list("_copy_without_render"),
            extensions: list("_extensions"),
        };
        let analysis = check_template(&folder, &backstage);
        tally(&format!("{name} (fetch:cookiecutter)"), &analysis.findings, &mut counts);
        errors.extend(
            analysis.findings.iter().filter(|f| f.error).map(|f| format!("{name} (fetch:cookiecutter): {f:?}")),
        );
    }
    println!("findings per rule and severity over ../shared/cookiecutter: {counts:?}");
    assert!(errors.is_empty(), "error findings on working templates:\n{}", errors.join("\n"));
}

/// The checker finds what it is meant to in a shared template once it is broken (so the test
/// above is not passing because nothing is read).
#[test]
fn a_broken_shared_template_is_found() {
    let dir = &shared_templates()[0];
    let source = FsSource::new(dir);
    let mut files = read_folder(".", &source, &mut Vec::new());
    let inner = files.iter().find(|f| f.kind == EntryKind::File && f.path.contains("}}/")).unwrap().path.clone();
    let at = files.iter().position(|f| f.path == inner).unwrap();
    files[at].content = b"{{ cookiecutter.no_such_variable }}\n{% if %}\n".to_vec();
    let input = CheckInput::plain();
    let analysis = check_template(&files, &input);
    let concerns: Vec<Concern> = analysis.findings.iter().filter(|f| f.error).map(|f| f.concern).collect();
    assert!(concerns.contains(&Concern::Syntax), "{:?}", analysis.findings);
    files[at].content = b"{{ cookiecutter.no_such_variable }}\n".to_vec();
    let analysis = check_template(&files, &input);
    assert!(analysis.findings.iter().any(|f| f.error && f.concern == Concern::Undefined), "{:?}", analysis.findings);
}
