//! `cookiecutter-copy-glob`: a `copyWithoutRender` (or `_copy_without_render`) pattern matches no
//! file or folder of the cookiecutter folder (Python fnmatch on unrendered relative paths), so
//! what it meant to copy verbatim is rendered. Also warns when fetch:cookiecutter drops the
//! folder's own `_copy_without_render` (no `copyWithoutRender` input).

use crate::check::skeleton::Skeleton;
use crate::check::{Context, Rule, RuleInfo, Visitor};
use crate::cookiecutter::check::Concern;
use crate::diagnostics::{Diagnostic, Severity};

pub const RULE: Rule = Rule {
    info: RuleInfo {
        id: "cookiecutter-copy-glob",
        description:
            "copyWithoutRender / _copy_without_render globs of a cookiecutter step must match files of its folder",
        default_severity: Severity::Warning,
    },
    visitor: |_| Box::new(Check),
};

struct Check;

impl Visitor for Check {
    fn skeleton(&mut self, context: &Context, skeleton: &Skeleton, out: &mut Vec<Diagnostic>) {
        out.extend(skeleton.cookiecutter_findings(context, &RULE.info, Concern::CopyGlob));
    }
}
