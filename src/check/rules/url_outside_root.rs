//! `url-outside-root`: a fetch step's `url` leads out of the repository root (`..` past it, a
//! `file:` URL, or a symbolic link the reader resolved). Trellis reads nothing there: on a fork's pull request the template is untrusted,
//! and a code frame of `/etc/passwd` in a public log is a leak (src/confine.rs decides).

use crate::check::skeleton::{Found, Skeleton};
use crate::check::{Context, Rule, RuleInfo, Visitor};
use crate::diagnostics::{Diagnostic, Severity};

pub const RULE: Rule = Rule {
    info: RuleInfo {
        id: "url-outside-root",
        description: "a fetch step's url must stay inside the repository root (nothing outside it is read)",
        default_severity: Severity::Error,
    },
    visitor: |_| Box::new(UrlOutsideRoot),
};

struct UrlOutsideRoot;

impl Visitor for UrlOutsideRoot {
    fn skeleton(&mut self, context: &Context, skeleton: &Skeleton, out: &mut Vec<Diagnostic>) {
        let Found::OutsideRoot { root, escape } = &skeleton.found else { return };
        let (message, hint) = crate::confine::outside_root_message(&skeleton.url, &skeleton.path, root, *escape);
        out.push(context.diagnostic(
            RULE.info.id,
            Severity::Error,
            context.node_span(&skeleton.url_pointer, false),
            message,
            Some(hint),
        ));
    }
}
