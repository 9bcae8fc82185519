//! Which parts of a template no known input reaches, and what an output renders when what it
//! reads is known: both by running the engine on the template's own expressions, so the answer
//! is Backstage's (Nunjucks' `==`, `===`, `in`, `not`, `and`/`or`, filters and tests as the
//! engine evaluates them), never a re-implementation of them.
//!
//! An expression is evaluated only when everything it reads is known: names other than the
//! context root (`values`) or a built-in global are template variables (loop targets, `set`,
//! macro parameters) whose value is not, and a template that binds the root name itself is left
//! alone. A branch is unreachable only when, for every combination of the values its guards
//! read ([`choices`](super::choices)), the engine takes another branch; any evaluation that fails
//! counts as reaching it. `random` is never evaluated.

use std::collections::HashMap;

use serde_json::Value as Json;

use super::choices::{combinations, Choice, Choices};
use crate::engine::ast::{Expr, ExprKind, Literal, Node, NodeKind, Range, Template};
use crate::engine::builtins::GLOBALS;
use crate::engine::eval::{EvalOptions, Evaluator, Extensions, Output};
use crate::engine::value::{Entries, Value};

/// What the template's context root holds, per key ([`Known::of`]).
pub struct Known<'a> {
    /// `values` (or `cookiecutter`, `parameters`, …).
    root: &'a str,
    /// What each key given can be; any other key is undefined.
    values: &'a HashMap<String, Choice>,
    undefined: Choice,
    options: &'a EvalOptions,
    extensions: &'a Extensions,
}

/// A branch no combination of known values reaches.
#[derive(Debug, Clone, PartialEq)]
pub struct Unreachable {
    /// The branch's body.
    pub range: Range,
    /// The conditions that keep it from rendering (the earlier ones of an `if` chain too).
    pub guards: Vec<Range>,
    /// The keys of the root those conditions read, in order.
    pub keys: Vec<String>,
}

/// The keys of `root` that `expr` reads, or `None` when it reads something else that is not
/// known here (another name, the whole root, a computed key) or calls `random`.
pub fn keys_read(expr: &Expr, root: &str) -> Option<Vec<String>> {
    let mut keys = Vec::new();
    collect_keys(expr, root, &mut keys).then_some(keys)
}

fn collect_keys(expr: &Expr, root: &str, keys: &mut Vec<String>) -> bool {
    let mut push = |key: &str| {
        if !keys.iter().any(|k| k == key) {
            keys.push(key.to_string());
        }
        true
    };
    match &expr.kind {
        // A template variable, or the whole root: not known here.
        ExprKind::Name(_) => false,
        ExprKind::Attr { object, name } if matches!(&object.kind, ExprKind::Name(n) if n == root) => push(name),
        ExprKind::Index { object, index } if matches!(&object.kind, ExprKind::Name(n) if n == root) => {
            match &index.kind {
                ExprKind::Literal(Literal::Str(key)) => push(key),
                _ => false,
            }
        }
        ExprKind::Call { callee, args } => {
            let callee_known = match &callee.kind {
                ExprKind::Name(name) => GLOBALS.contains(&name.as_str()),
                _ => collect_keys(callee, root, keys),
            };
            callee_known
                && args
                    .positional
                    .iter()
                    .chain(args.keyword.iter().map(|(_, e)| e))
                    .all(|a| collect_keys(a, root, keys))
        }
        ExprKind::Filter { name, .. } if name == "random" => false,
        ExprKind::Test { value, test, .. } => {
            // The test is named, not read: `is defined`, `is divisibleby(3)`.
            let test_args = match &test.kind {
                ExprKind::Name(_) => true,
                ExprKind::Call { callee, args } if matches!(callee.kind, ExprKind::Name(_)) => args
                    .positional
                    .iter()
                    .chain(args.keyword.iter().map(|(_, e)| e))
                    .all(|a| collect_keys(a, root, keys)),
                _ => false,
            };
            test_args && collect_keys(value, root, keys)
        }
        ExprKind::Object(pairs) => pairs.iter().all(|(key, value)| {
            let key_known =
                matches!(key.kind, ExprKind::Name(_) | ExprKind::Literal(_)) || collect_keys(key, root, keys);
            key_known && collect_keys(value, root, keys)
        }),
        _ => {
            let mut known = true;
            expr.for_each_child(&mut |child| known = known && collect_keys(child, root, keys));
            known
        }
    }
}

/// Whether the template binds `root` itself (`set`, `for`, macro names and parameters), so its
/// reads of `root` are not always the context's.
pub fn binds(nodes: &[Node], root: &str) -> bool {
    fn among<'n>(mut names: impl Iterator<Item = &'n String>, root: &str) -> bool {
        names.any(|n| n == root)
    }
    nodes.iter().any(|node| match &node.kind {
        NodeKind::Data(_) | NodeKind::Output(_) => false,
        NodeKind::Set { targets, .. } => among(targets.iter(), root),
        NodeKind::SetBlock { targets, body } => among(targets.iter(), root) || binds(body, root),
        NodeKind::For { targets, body, otherwise, .. } => {
            among(targets.iter(), root) || binds(body, root) || binds(otherwise.as_deref().unwrap_or_default(), root)
        }
        NodeKind::Macro { name, params, body } => {
            name == root || among(params.iter().map(|p| &p.name), root) || binds(body, root)
        }
        NodeKind::CallBlock { caller_params, body, .. } => {
            among(caller_params.iter().map(|p| &p.name), root) || binds(body, root)
        }
        NodeKind::If { branches, otherwise } => {
            branches.iter().any(|(_, body)| binds(body, root)) || binds(otherwise.as_deref().unwrap_or_default(), root)
        }
        NodeKind::Switch { cases, default, .. } => {
            cases.iter().any(|(_, body)| binds(body, root)) || binds(default.as_deref().unwrap_or_default(), root)
        }
        NodeKind::Block { body, .. } | NodeKind::FilterBlock { body, .. } => binds(body, root),
    })
}

/// A context `{root: {key: value}}` for one combination (undefined keys left out).
fn context_of(root: &str, keys: &[String], combination: &[&Option<Json>]) -> Entries {
    let values: serde_json::Map<String, Json> =
        keys.iter().zip(combination).filter_map(|(key, value)| Some((key.clone(), (*value).clone()?))).collect();
    let mut entries = Entries::default();
    entries.insert(root.into(), Value::from_json(&Json::Object(values)));
    entries
}

impl<'a> Known<'a> {
    pub fn of(
        root: &'a str,
        values: &'a HashMap<String, Choice>,
        options: &'a EvalOptions,
        extensions: &'a Extensions,
    ) -> Known<'a> {
        let undefined = Choice { choices: Choices::Of(vec![None]), fields: Vec::new() };
        Known { root, values, undefined, options, extensions }
    }

    /// What `root.<key>` can be.
    pub fn get(&self, key: &str) -> &Choice {
        self.values.get(key).unwrap_or(&self.undefined)
    }

    /// Every combination of the values of `keys`, when all are known and few enough.
    fn combinations(&self, keys: &[String]) -> Option<Vec<Vec<&Option<Json>>>> {
        let names: Vec<&str> = keys.iter().map(String::as_str).collect();
        combinations(&names, |key| &self.get(key).choices)
    }

    /// Whether `expr` is truthy in the context of one combination; `None` when it fails.
    fn truthy(&self, expr: &Expr, context: &Entries) -> Option<bool> {
        let mut evaluator = Evaluator::new(context, self.options, self.extensions);
        evaluator.eval_top(expr).ok().map(|value| value.truthy())
    }

    /// The branches of `template` no combination of known values reaches, outermost first.
    pub fn unreachable(&self, template: &Template) -> Vec<Unreachable> {
        let mut out = Vec::new();
        if !binds(&template.body, self.root) {
            self.nodes(&template.body, &mut out);
        }
        out
    }

    fn nodes(&self, nodes: &[Node], out: &mut Vec<Unreachable>) {
        for node in nodes {
            match &node.kind {
                NodeKind::Data(_) => {}
                NodeKind::Output(expr) | NodeKind::Set { value: expr, .. } => self.expr(expr, out),
                NodeKind::If { branches, otherwise } => self.chain(branches, otherwise.as_deref(), out),
                NodeKind::For { iterable, body, otherwise, .. } => {
                    self.expr(iterable, out);
                    self.nodes(body, out);
                    self.nodes(otherwise.as_deref().unwrap_or_default(), out);
                }
                NodeKind::Switch { subject, cases, default } => {
                    self.expr(subject, out);
                    cases.iter().for_each(|(_, body)| self.nodes(body, out));
                    self.nodes(default.as_deref().unwrap_or_default(), out);
                }
                NodeKind::CallBlock { call, body, .. } => {
                    self.expr(call, out);
                    self.nodes(body, out);
                }
                NodeKind::SetBlock { body, .. }
                | NodeKind::Block { body, .. }
                | NodeKind::Macro { body, .. }
                | NodeKind::FilterBlock { body, .. } => self.nodes(body, out),
            }
        }
    }

    /// An `if`/`elif`/`else` chain: which branch each combination takes.
    fn chain(&self, branches: &[(Expr, Vec<Node>)], otherwise: Option<&[Node]>, out: &mut Vec<Unreachable>) {
        // The conditions that can be evaluated, from the first on, and the keys they read.
        let mut keys: Vec<String> = Vec::new();
        let mut evaluable = 0;
        for (cond, _) in branches {
            let Some(read) = keys_read(cond, self.root) else { break };
            let mut with = keys.clone();
            with.extend(read.into_iter().filter(|k| !keys.contains(k)));
            if self.combinations(&with).is_none() {
                break;
            }
            keys = with;
            evaluable += 1;
        }
        let mut reached = vec![evaluable == 0; branches.len() + 1];
        if evaluable > 0 {
            for combination in &self.combinations(&keys).unwrap_or_default() {
                let context = context_of(self.root, &keys, combination);
                let mut taken = None;
                for (index, (cond, _)) in branches[..evaluable].iter().enumerate() {
                    match self.truthy(cond, &context) {
                        Some(false) => continue,
                        // A failed evaluation counts as reaching this branch and every later one.
                        outcome => {
                            taken = Some((index, outcome.is_none()));
                            break;
                        }
                    }
                }
                let from = match taken {
                    Some((index, false)) => {
                        reached[index] = true;
                        continue;
                    }
                    Some((index, true)) => index,
                    // Past the conditions evaluated: the rest may be taken.
                    None => evaluable,
                };
                reached[from..].iter_mut().for_each(|r| *r = true);
            }
        }
        for (cond, _) in branches {
            self.expr(cond, out);
        }
        let bodies = branches.iter().map(|(_, body)| body.as_slice()).chain([otherwise.unwrap_or_default()]);
        for (index, body) in bodies.enumerate() {
            if reached[index] {
                self.nodes(body, out);
                continue;
            }
            let (Some(first), Some(last)) = (body.first(), body.last()) else { continue };
            let guards = branches[..(index + 1).min(branches.len())].iter().map(|(cond, _)| cond.range).collect();
            out.push(Unreachable { range: (first.range.0, last.range.1), guards, keys: keys.clone() });
        }
    }

    /// Inline `a if cond else b`, `a and b`, `a or b`: the side no combination evaluates.
    fn expr(&self, expr: &Expr, out: &mut Vec<Unreachable>) {
        let decided = |cond: &Expr| -> Option<(bool, Vec<String>)> {
            let keys = keys_read(cond, self.root)?;
            let combinations = self.combinations(&keys)?;
            let mut seen = (false, false);
            for combination in &combinations {
                match self.truthy(cond, &context_of(self.root, &keys, combination))? {
                    true => seen.0 = true,
                    false => seen.1 = true,
                }
            }
            (seen.0 != seen.1).then_some((seen.0, keys))
        };
        let (never, guard) = match &expr.kind {
            ExprKind::InlineIf { cond, then, otherwise } => match decided(cond) {
                Some((true, keys)) => (otherwise.as_deref().map(|o| (o, keys)), cond),
                Some((false, keys)) => (Some((then.as_ref(), keys)), cond),
                None => (None, cond),
            },
            ExprKind::Binary { op: crate::engine::ast::BinaryOp::And, left, right } => match decided(left) {
                Some((false, keys)) => (Some((right.as_ref(), keys)), left),
                _ => (None, left),
            },
            ExprKind::Binary { op: crate::engine::ast::BinaryOp::Or, left, right } => match decided(left) {
                Some((true, keys)) => (Some((right.as_ref(), keys)), left),
                _ => (None, left),
            },
            _ => {
                expr.for_each_child(&mut |child| self.expr(child, out));
                return;
            }
        };
        if let Some((part, keys)) = &never {
            out.push(Unreachable { range: part.range, guards: vec![guard.range], keys: keys.clone() });
        }
        expr.for_each_child(&mut |child| {
            if !matches!(&never, Some((part, _)) if part.range == child.range) {
                self.expr(child, out);
            }
        });
    }
}

/// What the output `${{ … }}` around a read renders to ([`render_output`]).
pub struct Rendered {
    /// The output's bytes in the source.
    pub range: Range,
    /// The text; `None` when the output is a whole step value that evaluates to `undefined`
    /// (Backstage then drops the input); the engine's message when it fails.
    pub outcome: Result<Option<String>, String>,
}

impl Rendered {
    /// What a message says about it: "it renders as empty", "`${{ a + b }}` renders as
    /// `undefined/undefined`", "rendering this file fails: …", "it is undefined".
    pub fn phrase(&self, source: &str, what: &str) -> String {
        match &self.outcome {
            Ok(None) => format!("the {what} is `undefined`"),
            Ok(Some(text)) if text.is_empty() => "it renders as empty".into(),
            Ok(Some(text)) => format!(
                "`{}` renders as `{}`",
                cut(source.get(self.range.0..self.range.1).unwrap_or_default(), 80),
                cut(text, 80)
            ),
            Err(error) => format!("rendering this {what} fails: {error}"),
        }
    }
}

/// `text` shortened to `max` characters for a message.
pub fn cut(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}

/// What the output `${{ … }}` around bytes `read` renders to, when everything it reads from
/// `root` is known (`value(key)`: `Some(None)` for undefined, `None` when not known). With
/// `whole_value`, a lone `${{ }}` is a step value (Nunjitsu's `renderValue`: its value, not its
/// text).
pub fn render_output(
    nodes: &[Node],
    read: Range,
    root: &str,
    value: &dyn Fn(&str) -> Option<Option<Json>>,
    whole_value: bool,
    options: &EvalOptions,
    extensions: &Extensions,
) -> Option<Rendered> {
    let node = output_around(nodes, read)?;
    let NodeKind::Output(expr) = &node.kind else { return None };
    let keys = keys_read(expr, root)?;
    let values: Vec<Option<Json>> = keys.iter().map(|key| value(key)).collect::<Option<_>>()?;
    let combination: Vec<&Option<Json>> = values.iter().collect();
    let context = context_of(root, &keys, &combination);
    let mut evaluator = Evaluator::new(&context, options, extensions);
    let outcome = if whole_value && nodes.len() == 1 {
        evaluator.eval_top(expr).and_then(|v| {
            if v.is_undefined() {
                Ok(None)
            } else {
                evaluator.render_value(&v).map(Some)
            }
        })
    } else {
        let mut out = Output { text: String::new(), json: None };
        evaluator.render(std::slice::from_ref(node), &mut out).map(|_| Some(out.text))
    };
    Some(Rendered { range: node.range, outcome: outcome.map_err(|e| e.message) })
}

/// For a rule about a step string reading `root.<key>` where `undefined_key(key)` (a name
/// nothing defines): what the `${{ }}` around `read` gives, when the engine can tell.
pub fn undefined_effect(
    string: &crate::check::TemplatedString,
    read: &crate::engine::refs::Reference,
    root: &str,
    undefined_key: &dyn Fn(&str) -> bool,
    filters: &Extensions,
) -> Option<String> {
    let template = string.parsed.template.as_ref().ok()?;
    let value = |key: &str| undefined_key(key).then_some(None);
    let options = EvalOptions::default();
    let rendered = render_output(&template.body, read.range, root, &value, true, &options, filters)?;
    Some(rendered.phrase(&string.source, "value"))
}

/// The output node whose expression holds bytes `read`.
fn output_around(nodes: &[Node], read: Range) -> Option<&Node> {
    let node = nodes.iter().find(|node| node.range.0 <= read.0 && read.1 <= node.range.1)?;
    let children: Vec<&[Node]> = match &node.kind {
        NodeKind::Output(_) => return Some(node),
        NodeKind::Data(_) | NodeKind::Set { .. } => return None,
        NodeKind::If { branches, otherwise } => {
            branches.iter().map(|(_, body)| body.as_slice()).chain(otherwise.as_deref()).collect()
        }
        NodeKind::For { body, otherwise, .. } => {
            [Some(body.as_slice()), otherwise.as_deref()].into_iter().flatten().collect()
        }
        NodeKind::Switch { cases, default, .. } => {
            cases.iter().map(|(_, body)| body.as_slice()).chain(default.as_deref()).collect()
        }
        NodeKind::SetBlock { body, .. }
        | NodeKind::Block { body, .. }
        | NodeKind::Macro { body, .. }
        | NodeKind::CallBlock { body, .. }
        | NodeKind::FilterBlock { body, .. } => vec![body.as_slice()],
    };
    children.into_iter().find_map(|body| output_around(body, read))
}
