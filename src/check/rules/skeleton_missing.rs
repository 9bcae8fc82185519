//! `skeleton-missing`: the local `url` of a fetch step names nothing next to the template (or
//! a file where the action needs a directory, or the reverse). Backstage fails the step at run
//! time, after the form has been filled in.

use crate::check::skeleton::{EntryKind, Found, Skeleton};
use crate::check::{Context, Rule, RuleInfo, Visitor};
use crate::diagnostics::{Diagnostic, Severity};

pub const RULE: Rule = Rule {
    info: RuleInfo {
        id: "skeleton-missing",
        description: "a fetch step's local url must name an existing skeleton directory (or file)",
        default_severity: Severity::Error,
    },
    visitor: |_| Box::new(SkeletonMissing),
};

struct SkeletonMissing;

impl Visitor for SkeletonMissing {
    fn skeleton(&mut self, context: &Context, skeleton: &Skeleton, out: &mut Vec<Diagnostic>) {
        let wanted = if skeleton.kind.wants_file() { "file" } else { "directory" };
        let (message, hint) = match &skeleton.found {
            Found::Entries(_) | Found::OutsideRoot { .. } => return,
            Found::Missing => (
                format!(
                    "`{}` does not exist (looked for `{}`); the step fails at run time",
                    skeleton.url, skeleton.path
                ),
                match context.closest(last_segment(&skeleton.path), &skeleton.siblings) {
                    Some(near) => format!("did you mean `{}`?", with_last_segment(&skeleton.url, near)),
                    None => format!("create the {wanted} or fix the url (relative to the template file)"),
                },
            ),
            Found::WrongKind(kind) => (
                format!(
                    "`{}` is {}, but `{}` reads a {wanted}",
                    skeleton.url,
                    match kind {
                        EntryKind::File => "a file",
                        EntryKind::Directory => "a directory",
                        EntryKind::Symlink => "a symbolic link",
                        EntryKind::Other => "not a regular file",
                    },
                    skeleton.action
                ),
                "point the url at the skeleton itself".to_string(),
            ),
        };
        out.push(context.diagnostic(
            RULE.info.id,
            Severity::Error,
            context.node_span(&skeleton.url_pointer, false),
            message,
            Some(hint),
        ));
    }
}

fn last_segment(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// `url` with its last segment replaced, keeping the author's `./` and trailing `/`.
fn with_last_segment(url: &str, name: &str) -> String {
    let body = url.trim_end_matches('/');
    let slash = &url[body.len()..];
    match body.rfind('/') {
        Some(at) => format!("{}{name}{slash}", &body[..=at]),
        None => format!("{name}{slash}"),
    }
}
