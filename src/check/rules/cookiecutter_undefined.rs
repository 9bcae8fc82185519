//! `cookiecutter-undefined`: a file or name of a cookiecutter step's folder reads `cookiecutter.X`
//! that neither the folder's cookiecutter.json nor the step's `values` define. cookiecutter's
//! Jinja2 is strict: an error where the read always runs, a warning inside a branch, loop or
//! macro (it fails when that part runs). Reads the template tests (`is defined`, `default`, `in`)
//! are left alone.

use crate::check::skeleton::Skeleton;
use crate::check::{Context, Rule, RuleInfo, Visitor};
use crate::cookiecutter::check::Concern;
use crate::diagnostics::{Diagnostic, Severity};

pub const RULE: Rule = Rule {
    info: RuleInfo {
        id: "cookiecutter-undefined",
        description: "cookiecutter.X read by a cookiecutter step's folder must be defined by its cookiecutter.json or the step's values",
        default_severity: Severity::Error,
    },
    visitor: |_| Box::new(Check),
};

struct Check;

impl Visitor for Check {
    fn skeleton(&mut self, context: &Context, skeleton: &Skeleton, out: &mut Vec<Diagnostic>) {
        out.extend(skeleton.cookiecutter_findings(context, &RULE.info, Concern::Undefined));
    }
}
