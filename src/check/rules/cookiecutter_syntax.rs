//! `cookiecutter-syntax`: a file or a file/folder name in the folder of a `fetch:cookiecutter`
//! or `trellis:fetch:cookiecutter` step does not parse as Jinja2 (cookiecutter renders every name
//! and every file that is not binary or `copyWithoutRender`), or its cookiecutter.json does not
//! parse. The step fails at run time. Parsed by src/cookiecutter/check.rs with the environment
//! and rewrites a render uses.

use crate::check::skeleton::Skeleton;
use crate::check::{Context, Rule, RuleInfo, Visitor};
use crate::cookiecutter::check::Concern;
use crate::diagnostics::{Diagnostic, Severity};

pub const RULE: Rule = Rule {
    info: RuleInfo {
        id: "cookiecutter-syntax",
        description: "files and names of a cookiecutter step's folder must parse as cookiecutter's Jinja2 renders them",
        default_severity: Severity::Error,
    },
    visitor: |_| Box::new(Check),
};

struct Check;

impl Visitor for Check {
    fn skeleton(&mut self, context: &Context, skeleton: &Skeleton, out: &mut Vec<Diagnostic>) {
        out.extend(skeleton.cookiecutter_findings(context, &RULE.info, Concern::Syntax));
    }
}
