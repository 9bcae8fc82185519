//! `skeleton-values`: a skeleton reads `values.X` (`cookiecutter.X` with cookiecutterCompat)
//! but the step's `values` mapping has no `X`. Backstage renders it as `undefined`: the message
//! says what the `${{ }}` around it renders to when the engine can tell (empty,
//! `undefined/undefined`, a failure).
//!
//! Skeletons shared by several templates read optional values on purpose, so reads that show
//! the author expects absence are not reported: `{% if %}`/`for`/inline-`if` conditions, tests
//! (`is defined`), `| default(…)`, the left side of `or`, and the branch a condition on a value
//! the step does not pass may keep from rendering (its `else` still renders, and is checked).
//! A branch that no answer the form allows reaches (`{% if values.ciType == 'azure' %}` where
//! `ciType` comes from an enum without `azure`; `branches.rs`, `choices.rs`) is no error either:
//! a warning says why.

use std::collections::HashMap;

use serde_json::Value;

use crate::check::branches::{self, cut, Known, Unreachable};
use crate::check::choices::{self, Choice, Choices, FormChoices};
use crate::check::context::diagnostic_in;
use crate::check::skeleton::{span_in, Content, Entry, Skeleton};
use crate::check::{Context, Rule, RuleInfo, Visitor};
use crate::diagnostics::{Diagnostic, Severity};
use crate::engine::ast::{BinaryOp, Expr, ExprKind, Node, NodeKind, Range};
use crate::engine::eval::{EvalOptions, Extensions};
use crate::engine::refs::Reference;
use crate::error::Span;

pub const RULE: Rule = Rule {
    info: RuleInfo {
        id: "skeleton-values",
        description: "values.<name> read in a skeleton must be passed in the step's values",
        default_severity: Severity::Error,
    },
    visitor: |context| Box::new(SkeletonValues::new(context)),
};

struct SkeletonValues {
    form: FormChoices,
    /// The filters `fetch:template` renders skeletons with, and those of step inputs.
    skeleton_filters: Extensions,
    input_filters: Extensions,
    /// Per fetch step: what each key of its `values` mapping can be.
    values: HashMap<usize, HashMap<String, Choice>>,
}

impl SkeletonValues {
    fn new(context: &Context) -> SkeletonValues {
        let integrations = crate::engine::backstage::default_integrations;
        SkeletonValues {
            form: FormChoices::of(&context.pages()),
            skeleton_filters: crate::render::skeleton::fetch_template_extensions(integrations()),
            input_filters: crate::engine::backstage::extensions(integrations()),
            values: HashMap::new(),
        }
    }
}

impl Visitor for SkeletonValues {
    fn skeleton(&mut self, context: &Context, skeleton: &Skeleton, _: &mut Vec<Diagnostic>) {
        let Some(step) = context.steps().get(skeleton.step) else { return };
        let Some(Value::Object(values)) = step.pointer("/input/values") else { return };
        let known = values
            .iter()
            .map(|(key, value)| (key.clone(), choices::step_value(value, &self.form, &self.input_filters)));
        self.values.insert(skeleton.step, known.collect());
    }

    fn skeleton_entry(&mut self, context: &Context, skeleton: &Skeleton, entry: &Entry, out: &mut Vec<Diagnostic>) {
        let Some(render) = &skeleton.render else { return };
        // Values given as one expression (`${{ parameters }}`) cannot be checked.
        let Some(passed) = &render.values else { return };
        let no_values = HashMap::new();
        let step_values = self.values.get(&skeleton.step).unwrap_or(&no_values);
        let options = EvalOptions { cookiecutter_compat: render.parse.cookiecutter_compat, ..EvalOptions::default() };
        let known = Known::of(render.root, step_values, &options, &self.skeleton_filters);
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
            let unreachable = known.unreachable(template);
            let mut warned: Vec<Range> = Vec::new();
            let source = text.unwrap_or(name);
            for reference in all {
                let Some(key) = reference.path.first() else { continue };
                if reference.root != render.root || passed.contains(key) || optional.covers(reference.range) {
                    continue;
                }
                let (span, place) = match text {
                    Some(text) => (span_in(text, reference.range.0, reference.range.1), String::new()),
                    None => (Span::point(1, 1), format!(" (in the name `{name}`)")),
                };
                let not_passed = format!(
                    "`{}.{key}`{place} is not passed by step `{}` of {}",
                    render.root, skeleton.step_id, context.file
                );
                let inside = |u: &&Unreachable| u.range.0 <= reference.range.0 && reference.range.1 <= u.range.1;
                if let Some(branch) = unreachable.iter().find(inside) {
                    // One warning per branch no answer reaches.
                    if !warned.contains(&branch.range) {
                        warned.push(branch.range);
                        out.push(unreached(skeleton, entry, span, not_passed, key, branch, source, &known));
                    }
                    continue;
                }
                let value_of = |key: &str| match known.get(key) {
                    Choice { choices: Choices::Of(values), .. } if values.len() == 1 => Some(values[0].clone()),
                    _ => None,
                };
                let what = if text.is_some() { "file" } else { "name" };
                let rendered = branches::render_output(
                    &template.body,
                    reference.range,
                    render.root,
                    &value_of,
                    false,
                    &options,
                    &self.skeleton_filters,
                );
                let effect = match rendered {
                    Some(rendered) => rendered.phrase(source, what),
                    None => "it is undefined where it is read".to_string(),
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
                    format!("{not_passed}, so {effect}"),
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

/// The warning for a value read only in a branch no answer the form allows reaches.
#[allow(clippy::too_many_arguments)]
fn unreached(
    skeleton: &Skeleton,
    entry: &Entry,
    span: Span,
    not_passed: String,
    key: &str,
    branch: &Unreachable,
    source: &str,
    known: &Known,
) -> Diagnostic {
    let guards: Vec<String> = branch
        .guards
        .iter()
        .map(|g| format!("`{}`", cut(source.get(g.0..g.1).unwrap_or_default().trim(), 60)))
        .collect();
    let why: Vec<String> = branch
        .keys
        .iter()
        .map(|read| {
            let choice = known.get(read);
            let from = match choice.fields.as_slice() {
                [] if choice.choices == Choices::Of(vec![None]) => " (not passed)".to_string(),
                [] => " (the step's literal value)".to_string(),
                fields => format!(" (from `{}`)", fields.join("`, `")),
            };
            format!("`{}.{read}` is {}{from}", skeleton_root(skeleton), choice.describe())
        })
        .collect();
    diagnostic_in(
        skeleton.file_of(entry),
        RULE.info.id,
        Severity::Warning,
        span,
        format!(
            "{not_passed}, but it is read only in a branch that no answer the form allows reaches (conditions {}): \
             {}",
            guards.join(", "),
            why.join("; ")
        ),
        Some(format!(
            "if that branch is meant for this template, let the form offer what its condition needs and pass `{key}` \
             in the step's values; otherwise nothing needs to change"
        )),
    )
}

fn skeleton_root(skeleton: &Skeleton) -> &'static str {
    skeleton.render.as_ref().map_or("values", |r| r.root)
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
