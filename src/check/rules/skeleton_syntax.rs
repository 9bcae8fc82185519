//! `skeleton-syntax`: a skeleton file that `fetch:template` renders, or a file or directory
//! name (names are always rendered), does not parse. Backstage fails the step at run time.
//! Parts of a skeleton over the read limits are reported here as not checked.

use crate::check::context::diagnostic_in;
use crate::check::skeleton::{span_in, Content, Entry, EntryKind, Skeleton};
use crate::check::{Context, Rule, RuleInfo, Visitor};
use crate::diagnostics::{Diagnostic, Severity};
use crate::error::Span;

pub const RULE: Rule = Rule {
    info: RuleInfo {
        id: "skeleton-syntax",
        description: "skeleton files and names that fetch:template renders must parse",
        default_severity: Severity::Error,
    },
    visitor: |_| Box::new(SkeletonSyntax),
};

struct SkeletonSyntax;

/// How the step renders its skeleton, and what to do about text meant literally.
fn hint(skeleton: &Skeleton) -> Option<String> {
    let delimiters = match skeleton.render.as_ref().is_some_and(|r| r.parse.cookiecutter_compat) {
        true => "`{{ }}` (cookiecutterCompat)",
        false => "`${{ }}`",
    };
    Some(format!(
        "step `{}` renders this with {delimiters}, `{{% %}}` and `{{# #}}`; fix it, or wrap text meant literally in \
         `{{% raw %}}…{{% endraw %}}`",
        skeleton.step_id
    ))
}

impl Visitor for SkeletonSyntax {
    fn skeleton(&mut self, context: &Context, skeleton: &Skeleton, out: &mut Vec<Diagnostic>) {
        for note in &skeleton.notes {
            out.push(context.diagnostic(
                RULE.info.id,
                Severity::Warning,
                context.node_span(&skeleton.url_pointer, false),
                format!("skeleton `{}` only partly checked: {}", skeleton.url, note.message),
                None,
            ));
        }
    }

    fn skeleton_entry(&mut self, _: &Context, skeleton: &Skeleton, entry: &Entry, out: &mut Vec<Diagnostic>) {
        let file = skeleton.file_of(entry);
        if let Some(Err(error)) = entry.name.as_ref().map(|name| &name.template) {
            let what = if entry.kind == EntryKind::Directory { "directory" } else { "file" };
            let name = entry.path.rsplit('/').next().unwrap_or_default();
            out.push(diagnostic_in(
                file.clone(),
                RULE.info.id,
                Severity::Error,
                Span::point(1, 1),
                format!("template syntax error in the {what} name `{name}`: {}", error.message),
                hint(skeleton),
            ));
        }
        if let Content::Rendered { text, parsed } = &entry.content {
            if let Err(error) = &parsed.template {
                out.push(diagnostic_in(
                    file,
                    RULE.info.id,
                    Severity::Error,
                    span_in(text, error.start, error.end),
                    format!("template syntax error: {}", error.message),
                    hint(skeleton),
                ));
            }
        }
    }
}
