//! `skeleton-glob-unmatched`: a `copyWithoutTemplating` pattern that matches nothing in the
//! skeleton, or a `templateFileExtension` no skeleton file has. Usually a path that moved or
//! a typo, and the files it meant to protect are rendered (or none is).

use crate::check::skeleton::{extname, EntryKind, FetchKind, Skeleton};
use crate::check::{Context, Rule, RuleInfo, Visitor};
use crate::diagnostics::{Diagnostic, Severity};

pub const RULE: Rule = Rule {
    info: RuleInfo {
        id: "skeleton-glob-unmatched",
        description: "copyWithoutTemplating patterns and templateFileExtension must match skeleton files",
        default_severity: Severity::Warning,
    },
    visitor: |_| Box::new(SkeletonGlobUnmatched),
};

struct SkeletonGlobUnmatched;

impl Visitor for SkeletonGlobUnmatched {
    fn skeleton(&mut self, context: &Context, skeleton: &Skeleton, out: &mut Vec<Diagnostic>) {
        let Some(render) = &skeleton.render else { return };
        let entries = skeleton.entries();
        // Only a fully listed skeleton tells that nothing matches.
        if skeleton.kind != FetchKind::Template || entries.is_empty() || !skeleton.notes.is_empty() {
            return;
        }
        for pattern in &render.copy_without_templating {
            let message = match &pattern.matcher {
                Err(error) => format!("`{}` is not a valid glob: {error}", pattern.text),
                Ok(_) if pattern.negated => continue,
                Ok(_) if entries.iter().any(|e| pattern.covers(&e.path, &|_| false)) => continue,
                Ok(_) => format!("`{}` matches nothing in `{}`", pattern.text, skeleton.url),
            };
            out.push(context.diagnostic(
                RULE.info.id,
                Severity::Warning,
                context.node_span(&pattern.pointer, false),
                message,
                Some("patterns are relative to the skeleton directory; fix or remove the pattern".into()),
            ));
        }
        if let Some((extension, pointer)) = &render.extension {
            if !entries.iter().any(|e| e.kind == EntryKind::File && extname(&e.path) == extension) {
                out.push(context.diagnostic(
                    RULE.info.id,
                    Severity::Warning,
                    context.node_span(pointer, false),
                    format!(
                        "no file in `{}` ends with `{extension}`, so with templateFileExtension nothing is rendered",
                        skeleton.url
                    ),
                    Some("rename the files to render with this extension, or drop templateFileExtension".into()),
                ));
            }
        }
    }
}
