//! `skeleton-ci-expression`: a rendered skeleton file holds a CI expression such as
//! `${{ github.ref }}` (GitHub Actions, Gitea, Forgejo) outside `{% raw %}`. Backstage renders
//! it with its own context, where those names do not exist, so the workflow gets empty strings.

use crate::check::context::diagnostic_in;
use crate::check::skeleton::{span_in, Content};
use crate::check::{Context, Rule, RuleInfo};
use crate::diagnostics::{Diagnostic, Severity};
use crate::engine::refs::references;

pub const RULE: Rule = Rule {
    info: RuleInfo {
        id: "skeleton-ci-expression",
        description: "CI expressions such as ${{ github.* }} in skeleton files must be inside {% raw %}",
        default_severity: Severity::Error,
    },
    run,
};

/// The contexts of GitHub Actions expressions.
const CI_ROOTS: &[&str] = &["github", "secrets", "matrix", "env", "inputs", "steps", "needs", "runner", "vars", "job"];

fn run(context: &Context, out: &mut Vec<Diagnostic>) {
    for skeleton in &context.skeletons {
        for entry in skeleton.entries() {
            let Content::Rendered { text, parsed: Ok(template) } = &entry.content else { continue };
            for reference in references(template) {
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
                        "`{expression}` is rendered by Backstage (step `{}`), where `{}` does not exist: it becomes \
                         an empty string",
                        skeleton.step_id, reference.root
                    ),
                    Some("wrap the CI expression in `{% raw %}…{% endraw %}` so it reaches the CI as written".into()),
                ));
            }
        }
    }
}
