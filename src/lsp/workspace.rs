//! The server's state: open documents, the last check of each template, what was published.
//!
//! Paths are absolute and `/`-separated (the TypeScript side turns URIs into them), so the
//! skeleton paths a check derives from a template's path are absolute too and name the files the
//! editor has open. Which templates a document concerns follows from the checks themselves:
//! each check records every path its reader was asked about, and a change to one of those (or a
//! new file in a listed directory) re-checks that template.

use std::collections::{BTreeMap, BTreeSet};

use super::overlay::{inside, Overlay};
use super::{cursor::Cursor, CodeAction, CompletionItem, FileDiagnostics, Hover, Location, Position};
use crate::check::skeleton::parent;
use crate::check::{CheckOptions, SkeletonSource};
use crate::diagnostics::Diagnostic;
use crate::error::Span;
use crate::manifest::Manifest;

/// The last check of one template file.
struct TemplateCheck {
    diagnostics: Vec<Diagnostic>,
    /// Every path the check read, listed or looked for (the template itself included).
    touched: BTreeSet<String>,
}

pub struct Workspace {
    roots: Vec<String>,
    /// An instance's manifest (`--manifest`, or the workspace's), as `trellis check --manifest`.
    instance: Option<Manifest>,
    /// The built-in manifest merged with `instance`, for completion and hover.
    manifest: Manifest,
    documents: BTreeMap<String, String>,
    /// Paths opened, changed or closed since the last [`Workspace::diagnose`].
    dirty: BTreeSet<String>,
    /// Template files found on disk in the workspace, checked once when a document no known
    /// template covers is opened (it may be one of their skeleton files).
    on_disk: Vec<String>,
    on_disk_checked: bool,
    checks: BTreeMap<String, TemplateCheck>,
    published: BTreeMap<String, Vec<Diagnostic>>,
}

/// Whether a text holds a Template entity: a document declaring `kind: Template` at its top
/// level (plugin-wrapper/src/commands/files.ts asks the same of files on disk).
pub fn looks_like_template(text: &str) -> bool {
    text.lines().any(|line| {
        let Some(rest) = line.strip_prefix("kind:") else { return false };
        matches!(rest.trim(), "Template" | "\"Template\"" | "'Template'")
    })
}

impl Workspace {
    /// A workspace over `roots` (absolute directories: nothing outside them is read).
    pub fn new(roots: Vec<String>, instance: Option<Manifest>) -> Workspace {
        let manifest =
            instance.as_ref().map_or_else(|| Manifest::builtin_and_modules().clone(), Manifest::builtin_merged_with);
        Workspace {
            roots: roots.into_iter().map(|r| r.trim_end_matches('/').to_string()).collect(),
            instance,
            manifest,
            documents: BTreeMap::new(),
            dirty: BTreeSet::new(),
            on_disk: Vec::new(),
            on_disk_checked: false,
            checks: BTreeMap::new(),
            published: BTreeMap::new(),
        }
    }

    /// Replaces the instance manifest; every template is checked again.
    pub fn set_manifest(&mut self, instance: Option<Manifest>) {
        self.manifest =
            instance.as_ref().map_or_else(|| Manifest::builtin_and_modules().clone(), Manifest::builtin_merged_with);
        self.instance = instance;
        self.dirty.extend(self.checks.keys().cloned());
    }

    /// A document opened or changed: its whole text.
    pub fn set_document(&mut self, path: &str, text: &str) {
        self.documents.insert(path.to_string(), text.to_string());
        self.dirty.insert(path.to_string());
    }

    /// A document closed: the disk's version counts again.
    pub fn close_document(&mut self, path: &str) {
        self.documents.remove(path);
        self.dirty.insert(path.to_string());
    }

    /// The template files on disk (found by the caller), for documents no open template covers.
    pub fn set_templates_on_disk(&mut self, paths: Vec<String>) {
        self.on_disk = paths;
        self.on_disk_checked = false;
    }

    pub fn document(&self, path: &str) -> Option<&str> {
        self.documents.get(path).map(String::as_str)
    }

    fn covers(check: &TemplateCheck, path: &str) -> bool {
        check.touched.contains(path) || check.touched.contains(parent(path))
    }

    /// Checks what the changes since the last call concern, and returns the diagnostics of every
    /// file whose list changed (empty lists clear a file). `disk` reads the file system.
    pub fn diagnose(&mut self, disk: &dyn SkeletonSource) -> Vec<FileDiagnostics> {
        let dirty = std::mem::take(&mut self.dirty);
        let mut to_check = BTreeSet::new();
        let mut scan = false;
        for path in &dirty {
            let open = self.documents.get(path);
            if open.is_some_and(|text| looks_like_template(text)) || self.checks.contains_key(path) {
                to_check.insert(path.clone());
            }
            to_check.extend(self.checks.iter().filter(|(_, c)| Self::covers(c, path)).map(|(t, _)| t.clone()));
            let covered = self.checks.values().any(|c| Self::covers(c, path));
            scan |= open.is_some_and(|text| !looks_like_template(text)) && !covered;
        }
        if scan && !self.on_disk_checked {
            self.on_disk_checked = true;
            to_check.extend(self.on_disk.iter().filter(|t| !self.checks.contains_key(*t)).cloned());
        }
        let overlay = Overlay::new(&self.documents, &self.roots, disk);
        // Built by inserting: `collect()` into a B-tree sorts first, a copy of the sort per type.
        let mut checked = BTreeSet::new();
        checked.extend(to_check.iter().filter(|t| self.documents.contains_key(*t)).cloned());
        let results: Vec<(String, Option<TemplateCheck>)> = to_check
            .into_iter()
            .map(|template| (self.check(&template, &overlay), template))
            .map(|(c, t)| (t, c))
            .collect();
        for (template, result) in results {
            match result {
                Some(check) => self.checks.insert(template, check),
                None => self.checks.remove(&template),
            };
        }
        self.publish(&checked)
    }

    /// Checks one template file (open or on disk); `None` when it no longer holds a template.
    fn check(&self, template: &str, overlay: &Overlay) -> Option<TemplateCheck> {
        overlay.take_touched();
        // An open template is checked whatever its size (the check says when it is too big); one
        // on disk is read only up to what the check reads.
        let text = match self.documents.get(template) {
            Some(text) => text.clone(),
            None => overlay.text(template, crate::yaml::MAX_SOURCE_BYTES as u64).ok()?,
        };
        if !looks_like_template(&text) || !inside(&self.roots, template) {
            return None;
        }
        let options =
            CheckOptions { path: Some(template.to_string()), manifest: self.instance.clone(), ignore: Vec::new() };
        let result = crate::check::check_source_with(&text, &options, Some(overlay));
        let mut touched = overlay.take_touched();
        touched.insert(template.to_string());
        Some(TemplateCheck { diagnostics: result.diagnostics, touched })
    }

    /// The diagnostics of the templates that concern an open document (open themselves, or
    /// reading one), per file: for files whose list changed, and for the open templates just
    /// checked (so an editor sees each check of the file it edits, findings or not).
    fn publish(&mut self, checked: &BTreeSet<String>) -> Vec<FileDiagnostics> {
        let mut now: BTreeMap<String, Vec<Diagnostic>> = BTreeMap::new();
        for (template, check) in &self.checks {
            let active =
                self.documents.contains_key(template) || self.documents.keys().any(|doc| check.touched.contains(doc));
            if !active {
                continue;
            }
            for diagnostic in &check.diagnostics {
                let list = now.entry(diagnostic.file.clone()).or_default();
                if !list.contains(diagnostic) {
                    list.push(diagnostic.clone());
                }
            }
        }
        let mut changed = Vec::new();
        let mut files: BTreeSet<String> = BTreeSet::new();
        files.extend(now.keys().chain(self.published.keys()).chain(checked).cloned());
        for path in files {
            let diagnostics = now.get(&path).cloned().unwrap_or_default();
            let same = self.published.get(&path).map_or(diagnostics.is_empty(), |before| *before == diagnostics);
            if same && !checked.contains(&path) {
                continue;
            }
            changed.push(FileDiagnostics { path, diagnostics });
        }
        self.published = now;
        changed
    }

    /// The diagnostics last published for `path`.
    pub fn published(&self, path: &str) -> &[Diagnostic] {
        self.published.get(path).map_or(&[], Vec::as_slice)
    }

    fn cursor(&self, path: &str, position: Position) -> Option<Cursor<'_>> {
        Cursor::new(self.documents.get(path)?, position)
    }

    pub fn complete(&self, path: &str, position: Position) -> Vec<CompletionItem> {
        self.cursor(path, position).map_or_else(Vec::new, |cursor| super::complete::complete(&cursor, &self.manifest))
    }

    pub fn hover(&self, path: &str, position: Position) -> Option<Hover> {
        super::hover::hover(&self.cursor(path, position)?, &self.manifest)
    }

    pub fn definition(&self, path: &str, position: Position) -> Vec<Location> {
        self.cursor(path, position).map_or_else(Vec::new, |cursor| super::definition::definition(&cursor, path))
    }

    /// Quick fixes for the published diagnostics of `path` that touch `range`.
    pub fn code_actions(&self, path: &str, range: Span) -> Vec<CodeAction> {
        let Some(text) = self.documents.get(path) else { return Vec::new() };
        super::actions::code_actions(path, text, self.published(path), range)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::FsSource;

    const TEMPLATE: &str = "apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata: { name: t }
spec:
  type: service
  owner: team
  parameters:
    - properties:
        name: { type: string }
  steps:
    - id: fetch
      action: fetch:template
      input:
        url: ./skeleton
        values:
          name: ${{ parameters.name }}
";

    fn workspace(dir: &std::path::Path) -> (Workspace, FsSource, String) {
        let root = dir.to_string_lossy().replace('\\', "/");
        (Workspace::new(vec![root.clone()], None), FsSource::new("/"), root)
    }

    fn summary(published: &[FileDiagnostics], root: &str) -> Vec<String> {
        published
            .iter()
            .map(|file| {
                let rules: Vec<String> = file.diagnostics.iter().map(|d| format!("{}@{}", d.rule, d.line)).collect();
                format!("{}: {}", file.path.strip_prefix(root).unwrap(), rules.join(" "))
            })
            .collect()
    }

    #[test]
    fn skeleton_documents_get_their_findings_from_unsaved_text_and_lose_them_when_fixed() {
        let dir = tempdir("skeleton");
        std::fs::create_dir_all(dir.join("skeleton")).unwrap();
        std::fs::write(dir.join("template.yaml"), TEMPLATE).unwrap();
        std::fs::write(dir.join("skeleton/README.md"), "# ${{ values.name }}\n").unwrap();
        let (mut ws, disk, root) = workspace(&dir);
        ws.set_templates_on_disk(vec![format!("{root}/template.yaml")]);

        // Only the skeleton file is open, with an unsaved mistake: the template on disk is found
        // and checked, its finding lands in the open buffer's file.
        let readme = format!("{root}/skeleton/README.md");
        ws.set_document(&readme, "# ${{ values.name }}\n${{ values.nmae }}\n");
        assert_eq!(summary(&ws.diagnose(&disk), &root), ["/skeleton/README.md: skeleton-values@2"]);
        let fixes = ws.code_actions(&readme, Span::new(2, 1, 2, 100));
        let fixes: Vec<(&str, (u32, u32, u32))> =
            fixes.iter().map(|f| (f.title.as_str(), (f.range.line, f.range.column, f.range.end_column))).collect();
        assert_eq!(fixes, [("Change `nmae` to `name`", (2, 12, 16))], "the quick fix is in the skeleton file");

        ws.set_document(&readme, "# ${{ values.name }}\n");
        assert_eq!(summary(&ws.diagnose(&disk), &root), ["/skeleton/README.md: "], "cleared");
        assert!(ws.diagnose(&disk).is_empty(), "nothing changed, nothing published");
        ws.set_document(&readme, "# ${{ values.name }}!\n");
        assert!(ws.diagnose(&disk).is_empty(), "a skeleton file whose findings stay the same is not published again");

        // The template opened with a typo: its own finding; closing it restores the disk's text.
        let template = format!("{root}/template.yaml");
        ws.set_document(&template, &TEMPLATE.replace("parameters.name", "parameters.nmae"));
        assert_eq!(summary(&ws.diagnose(&disk), &root), ["/template.yaml: undeclared-parameter@16"]);
        ws.set_document(
            &template,
            &TEMPLATE.replace("parameters.name", "parameters.nmae").replace("id: fetch", "id: fetch2"),
        );
        let again = summary(&ws.diagnose(&disk), &root);
        assert_eq!(
            again,
            ["/template.yaml: undeclared-parameter@16"],
            "the edited template is published after each check"
        );
        ws.close_document(&template);
        assert_eq!(summary(&ws.diagnose(&disk), &root), ["/template.yaml: "]);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn nothing_outside_the_roots_is_read() {
        let dir = tempdir("outside");
        std::fs::create_dir_all(dir.join("inner/skeleton")).unwrap();
        std::fs::write(dir.join("inner/skeleton/x.txt"), "${{ values.nmae }}\n").unwrap();
        let outside = TEMPLATE.replace("./skeleton", "../inner/skeleton");
        std::fs::create_dir_all(dir.join("root")).unwrap();
        // With the whole folder as the root, the skeleton's mistake is found…
        let (mut ws, disk, root) = workspace(&dir);
        ws.set_document(&format!("{root}/root/template.yaml"), &outside);
        assert_eq!(
            summary(&ws.diagnose(&disk), &root),
            ["/inner/skeleton/x.txt: skeleton-values@1", "/root/template.yaml: "]
        );
        // …with only `root/`, the skeleton outside it is not read at all (so nothing is said).
        let (mut ws, disk, root) = workspace(&dir.join("root"));
        ws.set_document(&format!("{root}/template.yaml"), &outside);
        assert_eq!(summary(&ws.diagnose(&disk), &root), ["/template.yaml: "]);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    pub(crate) fn tempdir(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("trellis-lsp-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn template_detection_reads_top_level_kind_only() {
        assert!(looks_like_template("a: 1\nkind: Template\n"));
        assert!(looks_like_template("kind: 'Template'  \n"));
        assert!(!looks_like_template("  kind: Template\n"));
        assert!(!looks_like_template("kind: Component\n"));
    }
}
