//! `skeleton-values`: a skeleton reads `values.X` (`cookiecutter.X` with cookiecutterCompat)
//! but the step's `values` mapping has no `X`. Backstage renders it as empty.
//!
//! Skeletons shared by several templates read optional values on purpose, so reads that show
//! the author expects absence are not reported: `{% if %}`/`for`/inline-`if` conditions, tests
//! (`is defined`), `| default(…)`, the left side of `or`, and the branch a condition on a value
//! the step does not pass may keep from rendering (its `else` still renders, and is checked).

use crate::check::context::diagnostic_in;
use crate::check::skeleton::{span_in, Content, Entry, Skeleton};
use crate::check::{Context, Rule, RuleInfo, Visitor};
use crate::diagnostics::{Diagnostic, Severity};
use crate::engine::ast::{BinaryOp, Expr, ExprKind, Node, NodeKind, Range};
use crate::engine::refs::Reference;
use crate::error::Span;

pub const RULE: Rule = Rule {
    info: RuleInfo {
        id: "skeleton-values",
        description: "values.<name> read in a skeleton must be passed in the step's values",
        default_severity: Severity::Error,
    },
    visitor: |_| Box::new(SkeletonValues),
};

struct SkeletonValues;

impl Visitor for SkeletonValues {
    fn skeleton_entry(&mut self, context: &Context, skeleton: &Skeleton, entry: &Entry, out: &mut Vec<Diagnostic>) {
        let Some(render) = &skeleton.render else { return };
        // Values given as one expression (`${{ parameters }}`) cannot be checked.
        let Some(passed) = &render.values else { return };
        let name = entry.path.rsplit('/').next().unwrap_or_default();
        let sources = [
            entry.name.as_ref().map(|parsed| (parsed, None)),
            match &entry.content {
                Content::Rendered { text, parsed } => Some((parsed, Some(text.as_str()))),
                _ => None,
            },
        ];
        for (parsed, text) in sources.into_iter().flatten() {
            let Ok(template) = &parsed.template else { continue };
            let all = parsed.references();
            let mut optional = Optional { root: render.root, passed, references: all, ranges: Vec::new() };
            optional.nodes(&template.body);
            for reference in all {
                let Some(key) = reference.path.first() else { continue };
                if reference.root != render.root || passed.contains(key) || optional.covers(reference.range) {
                    continue;
                }
                let (span, place) = match text {
                    Some(text) => (span_in(text, reference.range.0, reference.range.1), String::new()),
                    None => (Span::point(1, 1), format!(" (in the name `{name}`)")),
                };
                let near = context.closest(key, passed);
                let hint = match near {
                    Some(near) => format!("did you mean `{}.{near}`?", render.root),
                    None => format!(
                        "add `{key}` to the `values` of step `{}` (e.g. `{key}: ${{{{ parameters.{key} }}}}`)",
                        skeleton.step_id
                    ),
                };
                let diagnostic = diagnostic_in(
                    skeleton.file_of(entry),
                    RULE.info.id,
                    Severity::Error,
                    span,
                    format!(
                        "`{}.{key}`{place} is not passed by step `{}` of {}, so it renders as empty",
                        render.root, skeleton.step_id, context.file
                    ),
                    Some(hint),
                );
                // In a file's text (not its name), the name itself is replaced.
                let at = text.zip(near).and_then(|(text, near)| {
                    let (start, end) = crate::check::suggest::name_range(text, reference.segment_ranges[0], near)?;
                    Some((span_in(text, start, end), near))
                });
                out.push(match at {
                    Some((span, near)) => diagnostic.with_suggestion(span, near),
                    None => diagnostic,
                });
            }
        }
    }
}

/// Byte ranges whose reads are optional by design (see the module docs).
struct Optional<'a> {
    root: &'a str,
    passed: &'a [String],
    references: &'a [Reference],
    ranges: Vec<Range>,
}

/// The range from the first to the last of `nodes`.
fn span_of(nodes: &[Node]) -> Option<Range> {
    Some((nodes.first()?.range.0, nodes.last()?.range.1))
}

impl Optional<'_> {
    fn covers(&self, range: Range) -> bool {
        self.ranges.iter().any(|r| r.0 <= range.0 && range.1 <= r.1)
    }

    /// Marks `guard` as optional; and `scope` (the guarded branch) too when the guard reads a
    /// value not passed.
    fn guard(&mut self, guard: &Expr, scope: Option<Range>) {
        self.ranges.push(guard.range);
        let unpassed = self.references.iter().any(|r| {
            r.root == self.root
                && guard.range.0 <= r.range.0
                && r.range.1 <= guard.range.1
                && r.path.first().is_some_and(|key| !self.passed.contains(key))
        });
        if let Some(scope) = scope.filter(|_| unpassed) {
            self.ranges.push(scope);
        }
    }

    fn nodes(&mut self, nodes: &[Node]) {
        for node in nodes {
            match &node.kind {
                NodeKind::Data(_) => {}
                NodeKind::Output(e) | NodeKind::Set { value: e, .. } => self.expr(e),
                NodeKind::If { branches, otherwise } => {
                    for (cond, body) in branches {
                        self.guard(cond, span_of(body));
                        self.expr(cond);
                        self.nodes(body);
                    }
                    self.nodes(otherwise.as_deref().unwrap_or_default());
                }
                NodeKind::For { iterable, body, otherwise, .. } => {
                    self.guard(iterable, span_of(body));
                    self.expr(iterable);
                    self.nodes(body);
                    self.nodes(otherwise.as_deref().unwrap_or_default());
                }
                NodeKind::Switch { subject, cases, default } => {
                    self.expr(subject);
                    for (value, body) in cases {
                        self.expr(value);
                        self.nodes(body);
                    }
                    self.nodes(default.as_deref().unwrap_or_default());
                }
                NodeKind::CallBlock { call, body, .. } => {
                    self.expr(call);
                    self.nodes(body);
                }
                NodeKind::SetBlock { body, .. }
                | NodeKind::Block { body, .. }
                | NodeKind::Macro { body, .. }
                | NodeKind::FilterBlock { body, .. } => self.nodes(body),
            }
        }
    }

    fn expr(&mut self, expr: &Expr) {
        expr.walk(|expr| match &expr.kind {
            ExprKind::Filter { value, name, .. } if name == "default" || name == "d" => self.ranges.push(value.range),
            ExprKind::Test { value, .. } => self.ranges.push(value.range),
            ExprKind::Binary { op: BinaryOp::Or, left, .. } => self.ranges.push(left.range),
            ExprKind::InlineIf { cond, then, .. } => self.guard(cond, Some(then.range)),
            _ => {}
        });
    }
}
