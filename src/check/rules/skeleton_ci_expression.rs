//! `skeleton-ci-expression`: a rendered skeleton file holds a CI expression such as
//! `${{ github.ref }}` (GitHub Actions, Gitea, Forgejo) outside `{% raw %}`. Backstage renders
//! it with its own context, where those names do not exist, so the workflow gets empty strings.

use crate::check::context::diagnostic_in;
use crate::check::skeleton::{span_in, Content, Entry, Skeleton};
use crate::check::{Context, Rule, RuleInfo, Visitor};
use crate::diagnostics::{Diagnostic, Severity};

pub const RULE: Rule = Rule {
    info: RuleInfo {
        id: "skeleton-ci-expression",
        description: "CI expressions such as ${{ github.* }} in skeleton files must be inside {% raw %}",
        default_severity: Severity::Error,
    },
    visitor: |_| Box::new(SkeletonCiExpression),
};

/// The contexts of GitHub Actions expressions.
const CI_ROOTS: &[&str] = &["github", "secrets", "matrix", "env", "inputs", "steps", "needs", "runner", "vars", "job"];

struct SkeletonCiExpression;

impl Visitor for SkeletonCiExpression {
    fn skeleton_entry(&mut self, _: &Context, skeleton: &Skeleton, entry: &Entry, out: &mut Vec<Diagnostic>) {
        let Content::Rendered { text, parsed } = &entry.content else { return };
        for reference in parsed.references() {
            if !CI_ROOTS.contains(&reference.root.as_str()) {
                continue;
            }
            let (start, end) = reference.range;
            let expression = text.get(start..end).unwrap_or(&reference.root);
            out.push(diagnostic_in(
                skeleton.file_of(entry),
                RULE.info.id,
                Severity::Error,
                span_in(text, start, end),
                format!(
                    "`{expression}` is rendered by Backstage (step `{}`), where `{}` does not exist: it becomes an \
                     empty string",
                    skeleton.step_id, reference.root
                ),
                Some("wrap the CI expression in `{% raw %}…{% endraw %}` so it reaches the CI as written".into()),
            ));
        }
    }
}
