//! `cookiecutter-extension`: `extensions` (or `_extensions` in cookiecutter.json) names a Jinja2
//! extension the renderer cannot load. An error for `trellis:fetch:cookiecutter`, which loads only
//! what src/cookiecutter/environment.rs implements; a warning for Backstage's `fetch:cookiecutter`,
//! whose Python cookiecutter may have it installed. Also warns when fetch:cookiecutter drops the
//! folder's own `_extensions` (no `extensions` input).

use crate::check::skeleton::Skeleton;
use crate::check::{Context, Rule, RuleInfo, Visitor};
use crate::cookiecutter::check::Concern;
use crate::diagnostics::{Diagnostic, Severity};

pub const RULE: Rule = Rule {
    info: RuleInfo {
        id: "cookiecutter-extension",
        description: "Jinja2 extensions a cookiecutter step lists must be ones its renderer can load",
        default_severity: Severity::Error,
    },
    visitor: |_| Box::new(Check),
};

struct Check;

impl Visitor for Check {
    fn skeleton(&mut self, context: &Context, skeleton: &Skeleton, out: &mut Vec<Diagnostic>) {
        out.extend(skeleton.cookiecutter_findings(context, &RULE.info, Concern::Extension));
    }
}
