//! `skeleton-ci-expression`: a rendered skeleton file holds a CI expression such as
//! `${{ github.ref }}` (GitHub Actions, Gitea, Forgejo) outside `{% raw %}`. Backstage renders
//! it with its own context, where those names do not exist, so the workflow gets what the
//! expression gives with them undefined (usually an empty string; `false` for a comparison).

use crate::check::branches::render_output;
use crate::check::context::diagnostic_in;
use crate::check::skeleton::{span_in, Content, Entry, Skeleton};
use crate::check::{Context, Rule, RuleInfo, Visitor};
use crate::diagnostics::{Diagnostic, Severity};
use crate::engine::eval::{EvalOptions, Extensions};

pub const RULE: Rule = Rule {
    info: RuleInfo {
        id: "skeleton-ci-expression",
        description: "CI expressions such as ${{ github.* }} in skeleton files must be inside {% raw %}",
        default_severity: Severity::Error,
    },
    visitor: |_| {
        Box::new(SkeletonCiExpression {
            filters: crate::render::skeleton::fetch_template_extensions(
                crate::engine::backstage::default_integrations(),
            ),
        })
    },
};

/// The contexts of GitHub Actions expressions.
const CI_ROOTS: &[&str] = &["github", "secrets", "matrix", "env", "inputs", "steps", "needs", "runner", "vars", "job"];

struct SkeletonCiExpression {
    /// The filters `fetch:template` renders with.
    filters: Extensions,
}

impl Visitor for SkeletonCiExpression {
    fn skeleton_entry(&mut self, _: &Context, skeleton: &Skeleton, entry: &Entry, out: &mut Vec<Diagnostic>) {
        let Content::Rendered { text, parsed } = &entry.content else { return };
        for reference in parsed.references() {
            if !CI_ROOTS.contains(&reference.root.as_str()) {
                continue;
            }
            let (start, end) = reference.range;
            let expression = text.get(start..end).unwrap_or(&reference.root);
            let effect = parsed.template.as_ref().ok().and_then(|template| {
                let undefined = |_: &str| Some(None);
                let options = EvalOptions::default();
                let rendered = render_output(
                    &template.body,
                    reference.range,
                    &reference.root,
                    &undefined,
                    false,
                    &options,
                    &self.filters,
                )?;
                Some(rendered.phrase(text, "file"))
            });
            out.push(diagnostic_in(
                skeleton.file_of(entry),
                RULE.info.id,
                Severity::Error,
                span_in(text, start, end),
                format!(
                    "`{expression}` is rendered by Backstage (step `{}`), where `{}` does not exist: {}",
                    skeleton.step_id,
                    reference.root,
                    effect.unwrap_or_else(|| "it is undefined there".into())
                ),
                Some("wrap the CI expression in `{% raw %}…{% endraw %}` so it reaches the CI as written".into()),
            ));
        }
    }
}
