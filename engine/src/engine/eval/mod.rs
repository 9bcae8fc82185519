//! Evaluation: walks the syntax tree with Nunjitsu's scoping and JavaScript value semantics.
//!
//! This file holds the [`Evaluator`], its entry points and the statements (tags); beside it:
//! `scope` (Nunjucks' scopes: a `Scope` names a frame of variables), `fuel` (work units and
//! the other limits, so no template runs unbounded), `expr` (expressions), `calls` (functions,
//! methods and filters), `loops` (`for`) and `macros` (macros and call blocks).

use std::collections::HashMap;
use std::rc::Rc;

use super::ast::with_chain_operand;
use super::ast::*;
use super::callable::Callable;
use super::value::{code_units, utf16_len, Entries, Value};
use super::{filters, methods, predicates, walk};
use crate::jsregex::JsRegex;

mod calls;
mod expr;
mod fuel;
mod loops;
mod macros;
mod scope;

use expr::{callable_path, contains_callable, describe};
pub(crate) use expr::{js_pow, js_remainder};
use fuel::limit;
pub use fuel::Limits;
pub(crate) use fuel::{join_bounded, BoundedText};
use macros::MacroDef;
use scope::{Frame, Scope};

/// A host filter or global function: JSON copies in, JSON out (`None` = `undefined`).
pub type HostFunction = Rc<dyn Fn(&[serde_json::Value]) -> std::result::Result<Option<serde_json::Value>, String>>;

/// Filters and globals beyond the built-in ones (Backstage's, a module's, the caller's).
#[derive(Clone, Default)]
pub struct Extensions {
    pub filters: HashMap<String, HostFunction>,
    pub functions: HashMap<String, HostFunction>,
    pub values: HashMap<String, serde_json::Value>,
}

/// How a render runs.
#[derive(Clone, Default)]
pub(crate) struct EvalOptions {
    pub cookiecutter_compat: bool,
    /// Undefined names and lookups on undefined are errors instead of "".
    pub strict: bool,
    /// Refuse to run regular expressions (Nunjitsu's default; Backstage turns execution on).
    pub no_regex_execution: bool,
    pub limits: Limits,
}

/// Why a render stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    Syntax,
    Evaluation,
    Limit,
}

/// A render error with the byte range of the innermost node it happened in.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct EvalError {
    pub kind: ErrorKind,
    pub message: String,
    pub range: Range,
}

type Result<T> = std::result::Result<T, EvalError>;

fn fail<T>(message: impl Into<String>) -> Result<T> {
    Err(EvalError { kind: ErrorKind::Evaluation, message: message.into(), range: (usize::MAX, usize::MAX) })
}

/// Gives an error without a location the range of `range`.
fn at<T>(result: Result<T>, range: Range) -> Result<T> {
    result.map_err(|mut e| {
        if e.range.0 == usize::MAX {
            e.range = range;
        }
        e
    })
}

pub(crate) fn err(message: impl Into<String>) -> EvalError {
    EvalError { kind: ErrorKind::Evaluation, message: message.into(), range: (usize::MAX, usize::MAX) }
}

/// Where output goes: the text, and for `renderValue`'s JSON coercion a parallel text in which
/// every interpolation is JSON-encoded.
pub(crate) struct Output {
    pub text: String,
    pub json: Option<String>,
}

pub(crate) struct Evaluator<'t, 'e> {
    options: &'e EvalOptions,
    /// The render context: the outermost, read-only scope.
    context: &'e Entries,
    extensions: &'e Extensions,
    /// The variables of every scope opened so far, by `Scope`.
    frames: Vec<Frame>,
    macros: Vec<MacroDef<'t>>,
    /// Callable globals handed out so far, by name.
    handles: HashMap<String, Value>,
    /// The nodes of the chains being evaluated (see `expr`), innermost chain last.
    chains: Vec<&'t Expr>,
    work: u64,
    output_units: usize,
    capability_calls: u32,
}

const RESERVED: [&str; 3] = ["constructor", "prototype", "__proto__"];

impl<'t, 'e> Evaluator<'t, 'e> {
    /// An evaluator over `context` (the top-level names).
    pub(crate) fn new(context: &'e Entries, options: &'e EvalOptions, extensions: &'e Extensions) -> Evaluator<'t, 'e> {
        walk::take();
        walk::allow(options.limits.work_units);
        Evaluator {
            options,
            extensions,
            context,
            frames: scope::initial_frames(),
            macros: Vec::new(),
            handles: HashMap::new(),
            chains: Vec::new(),
            work: 0,
            output_units: 0,
            capability_calls: 0,
        }
    }

    /// Renders a template body at the top level.
    pub(crate) fn render(&mut self, body: &'t [Node], out: &mut Output) -> Result<()> {
        self.nodes(body, Scope::TOP_LEVEL, true, out, 0)
    }

    /// Evaluates the lone expression of `${{ expr }}` at the top level.
    pub(crate) fn eval_top(&mut self, expr: &'t Expr) -> Result<Value> {
        self.expr(expr, Scope::TOP_LEVEL, 0)
    }

    /// `exports`: top-level (or block-level) assignments are also made visible to macros.
    fn nodes(&mut self, nodes: &'t [Node], scope: Scope, exports: bool, out: &mut Output, depth: usize) -> Result<()> {
        for node in nodes {
            let done = self.node(node, scope, exports, out, depth + 1);
            at(done.and_then(|()| self.charge_walks()), node.range)?;
        }
        Ok(())
    }

    fn node(&mut self, node: &'t Node, scope: Scope, exports: bool, out: &mut Output, depth: usize) -> Result<()> {
        self.charge(depth)?;
        match &node.kind {
            NodeKind::Data(text) => self.append(out, text, None),
            NodeKind::Output(expr) => {
                let value = self.expr(expr, scope, depth + 1)?;
                let text = self.render_value(&value)?;
                let encoded =
                    if out.json.is_some() { Some(filters::dump(&value, &Value::Undefined)?.render()) } else { None };
                self.append(out, &text, encoded.as_deref())
            }
            NodeKind::If { branches, otherwise } => {
                for (condition, body) in branches {
                    if self.expr(condition, scope, depth + 1)?.truthy() {
                        return self.nodes(body, scope, exports, out, depth);
                    }
                }
                match otherwise {
                    Some(body) => self.nodes(body, scope, exports, out, depth),
                    None => Ok(()),
                }
            }
            NodeKind::For { targets, iterable, body, otherwise } => {
                self.for_loop(targets, iterable, body, otherwise.as_deref(), scope, out, depth)
            }
            NodeKind::Set { targets, value } => {
                let value = self.expr(value, scope, depth + 1)?;
                self.bind(targets, value, scope, exports)
            }
            NodeKind::SetBlock { targets, body } => {
                let text = self.capture(body, scope, false, depth)?;
                self.bind(targets, Value::str(text), scope, exports)
            }
            NodeKind::Block { body, .. } => {
                let inner = self.child(scope, true);
                self.nodes(body, inner, true, out, depth)
            }
            NodeKind::Macro { name, params, body } => {
                self.define_macro(name, params, body, scope, exports);
                Ok(())
            }
            NodeKind::CallBlock { caller_params, call, body } => {
                let value = self.call_block(caller_params, call, body, scope, depth)?;
                let text = self.render_value(&value)?;
                self.append(out, &text, None)
            }
            NodeKind::FilterBlock { name, args, body } => {
                let inner = self.child(scope, false);
                let text = self.capture(body, inner, false, depth)?;
                let (positional, keyword) = self.args(args, scope, depth)?;
                let value = self.apply_filter(name, Value::str(text), positional, keyword)?;
                let text = self.render_value(&value)?;
                self.append(out, &text, None)
            }
            NodeKind::Switch { subject, cases, default } => {
                let value = self.expr(subject, scope, depth + 1)?;
                let mut matched = false;
                for (candidate, body) in cases {
                    if !matched {
                        let case = self.expr(candidate, scope, depth + 1)?;
                        matched = value.strict_equals(&case);
                    }
                    if matched && !body.is_empty() {
                        return self.nodes(body, scope, exports, out, depth);
                    }
                }
                match default {
                    Some(body) => self.nodes(body, scope, exports, out, depth),
                    None => Ok(()),
                }
            }
        }
    }

    fn bind(&mut self, targets: &[String], value: Value, scope: Scope, exports: bool) -> Result<()> {
        for target in targets {
            self.assign(scope, target, value.clone());
            if exports {
                self.set_local(Scope::EXPORTS, target, value.clone());
            }
        }
        Ok(())
    }

    fn capture(&mut self, body: &'t [Node], scope: Scope, exports: bool, depth: usize) -> Result<String> {
        let mut inner = Output { text: String::new(), json: None };
        self.nodes(body, scope, exports, &mut inner, depth)?;
        Ok(inner.text)
    }

    /// `${{ value }}` as text; functions cannot be printed.
    pub(crate) fn render_value(&mut self, value: &Value) -> Result<String> {
        self.check_printable(value)?;
        Ok(value.render())
    }

    /// What printing `value` checks, without building the text: functions cannot be printed,
    /// and an array costs a work unit per item.
    pub(crate) fn check_printable(&mut self, value: &Value) -> Result<()> {
        if let Value::Array(items) = value {
            self.charge_many(items.borrow().len())?;
        }
        let callable = contains_callable(value);
        self.charge_walks()?;
        if callable {
            return fail("a function cannot be printed");
        }
        Ok(())
    }

    /// Walks all of `value`, so a value deeper than walks go cannot leave the render.
    pub(crate) fn check_walkable(&mut self, value: &Value) -> Result<()> {
        walk::visit(value);
        self.charge_walks()
    }
}
