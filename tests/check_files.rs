//! `trellis check` over several files at once ([`Checked::of`], what the CLI runs): a file that a
//! template's fetch step renders is checked as that template's skeleton, not as a template.

use std::path::Path;

use trellis::check::{Checked, FsSource, SourceFile};

const FIXTURE: &str = "tests/fixtures/check_files/template-of-templates";
const SKELETON_FILE: &str = "skeleton/${{ values.name }}.yaml";

fn source(path: &str) -> SourceFile {
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(FIXTURE).join(path)).expect("fixture file");
    SourceFile { path: path.into(), text }
}

fn findings(files: &[SourceFile]) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(FIXTURE);
    let checked = Checked::of(files, &[], None, &[], Some(&FsSource::new(root)));
    checked.diagnostics.iter().map(|d| format!("{}:{} {}", d.file, d.line, d.rule)).collect()
}

#[test]
fn a_skeleton_file_holding_a_template_is_read_as_the_skeleton_it_is() {
    // Alone, the file is a template whose `{% raw %}` is not YAML.
    assert_eq!(findings(&[source(SKELETON_FILE)]), [format!("{SKELETON_FILE}:12 yaml-syntax")]);
    // With the template that renders it (as a directory walk finds both), Backstage never reads
    // it as it is: only what its rendering step gets wrong is reported.
    let both = [source("template.yaml"), source(SKELETON_FILE)];
    assert_eq!(findings(&both), [format!("{SKELETON_FILE}:13 skeleton-values")]);
}
