//! The language server's analyses over real templates: one template of each corpus repository
//! (read in place) opened in a `Workspace`, checked, asked for the quick fixes of every finding,
//! then for hover and definition on the names in its expressions and for completion after each
//! `.` and `|` with the rest of the line cut off (as while typing). Nothing may panic; every
//! answer must point inside the file; the findings must be `trellis check`'s.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use trellis::check::{check_source_with, CheckOptions, FsSource};
use trellis::error::Span;
use trellis::lsp::{Position, Workspace};

/// The first template file (sorted) under `dir`.
fn first_template(dir: &Path) -> Option<PathBuf> {
    let mut entries: Vec<PathBuf> = fs::read_dir(dir).ok()?.map(|e| e.expect("entry").path()).collect();
    entries.sort();
    for path in entries {
        let found = if path.is_dir() {
            first_template(&path)
        } else {
            let yaml = matches!(path.extension().and_then(|e| e.to_str()), Some("yaml" | "yml"));
            let text = if yaml { fs::read_to_string(&path).unwrap_or_default() } else { String::new() };
            trellis::lsp::looks_like_template(&text).then_some(path)
        };
        if found.is_some() {
            return found;
        }
    }
    None
}

/// Places asked about per template.
const MAX_PLACES: usize = 60;

fn inside(span: &Span, lines: &[&str]) -> bool {
    let fits = |line: u32, column: u32| {
        line >= 1 && (line as usize) <= lines.len() + 1 && column >= 1 && {
            let length = lines.get(line as usize - 1).map_or(0, |l| l.chars().count());
            column as usize <= length + 2
        }
    };
    fits(span.line, span.column)
        && fits(span.end_line, span.end_column)
        && (span.line, span.column) <= (span.end_line, span.end_column)
}

#[test]
fn expressions_of_a_template_per_repository_answer_without_panicking() {
    let corpus = common::corpus_root().canonicalize().expect("the corpus path resolves");
    let root = corpus.to_string_lossy().replace('\\', "/");
    let mut repositories: Vec<PathBuf> =
        fs::read_dir(&corpus).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_dir()).collect();
    repositories.sort();
    let disk = FsSource::new("/");
    let mut asked = 0;
    let mut answered = 0;
    for repository in repositories {
        let Some(file) = first_template(&repository) else { continue };
        let path = file.to_string_lossy().replace('\\', "/");
        let text = fs::read_to_string(&file).unwrap();
        let mut workspace = Workspace::new(vec![root.clone()], None);
        workspace.set_document(&path, &text);
        let published = workspace.diagnose(&disk);

        // The findings are `trellis check`'s for the same file and skeleton reader.
        let options = CheckOptions { path: Some(path.clone()), ..CheckOptions::default() };
        let expected = check_source_with(&text, &options, Some(&disk)).diagnostics;
        let mut got: Vec<_> = published.iter().flat_map(|f| f.diagnostics.clone()).collect();
        got.sort_by(|a, b| (&a.file, a.line, a.column, a.rule).cmp(&(&b.file, b.line, b.column, b.rule)));
        let mut want = expected.clone();
        want.sort_by(|a, b| (&a.file, a.line, a.column, a.rule).cmp(&(&b.file, b.line, b.column, b.rule)));
        assert_eq!(got, want, "{path}");

        let lines: Vec<&str> = text.lines().collect();
        for diagnostic in workspace.published(&path).to_vec() {
            let at = Span::point(diagnostic.line, diagnostic.column);
            for action in workspace.code_actions(&path, at) {
                assert!(inside(&action.range, &lines), "{path}: {action:?}");
            }
        }
        // Names in expressions: hover and definition on each name after `parameters.`/`steps.`/
        // `secrets.` and each filter, as written; completion right after each `.` and `|`, with
        // the rest of the line not typed yet. At most MAX_PLACES places per template (the
        // analyses parse the whole file per question, slow in a debug build).
        let places: Vec<(usize, u32, char)> = lines
            .iter()
            .enumerate()
            .filter(|(_, line)| line.contains("${{"))
            .flat_map(|(index, line)| {
                let chars: Vec<char> = line.chars().collect();
                let opened = line.find("${{").map_or(0, |at| line[..at].chars().count());
                let marks: Vec<(usize, char)> = chars
                    .iter()
                    .enumerate()
                    .skip(opened)
                    .filter(|(_, c)| matches!(c, '.' | '|'))
                    .map(|(i, c)| (i, *c))
                    .collect();
                marks.into_iter().map(move |(i, c)| (index, i as u32 + 2, c))
            })
            .take(MAX_PLACES)
            .collect();
        for (index, column, after) in places {
            let position = Position { line: index as u32 + 1, column };
            workspace.set_document(&path, &text);
            let hover = workspace.hover(&path, position);
            let definitions = workspace.definition(&path, position);
            if let Some(hover) = &hover {
                assert!(inside(&hover.range, &lines), "{path}:{position:?}: {hover:?}");
            }
            for definition in &definitions {
                assert_eq!(definition.path, path);
                assert!(inside(&definition.range, &lines), "{path}:{position:?}: {definition:?}");
            }
            let cut: String = lines[index].chars().take(column as usize - 1).collect();
            let typing: Vec<&str> =
                lines.iter().enumerate().map(|(i, l)| if i == index { cut.as_str() } else { l }).collect();
            workspace.set_document(&path, &typing.join("\n"));
            let items = workspace.complete(&path, position);
            for item in &items {
                assert!(inside(&item.range, &typing), "{path}:{position:?}: {item:?}");
            }
            asked += 1;
            answered +=
                usize::from(!items.is_empty() || (after == '.' && (hover.is_some() || !definitions.is_empty())));
        }
    }
    println!("{asked} places asked, {answered} with an answer");
    assert!(answered * 2 > asked, "the analyses answer at most places after a `.` or `|` ({answered} of {asked})");
}
