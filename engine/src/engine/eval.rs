//! Evaluation: walks the syntax tree with Nunjitsu's scoping and JavaScript value semantics.
//!
//! Scopes follow Nunjitsu (and so Nunjucks 3.2.4): the context is read-only; the template's top
//! level, macro bodies and `{% block %}` bodies isolate their writes; a `for` loop opens one
//! scope whose `set` updates an enclosing variable when one exists. Top-level `set`s and macros
//! are also exported so macros can see them. Every node evaluated costs one work unit and
//! nesting is bounded, so no template runs unbounded.

use std::collections::HashMap;
use std::rc::Rc;

use super::ast::with_chain_operand;
use super::ast::*;
use super::callable::Callable;
use super::value::{code_units, utf16_len, Entries, Value};
use super::{filters, methods, predicates, walk};
use crate::jsregex::JsRegex;

/// Per-render resource limits; the defaults are Nunjitsu's.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    /// Template source length in UTF-16 code units.
    pub source_code_units: usize,
    /// Nodes and expressions evaluated, loop iterations, items converted.
    pub work_units: u64,
    /// Nested evaluation depth.
    pub nesting_depth: usize,
    /// Rendered output in UTF-16 code units.
    pub output_code_units: usize,
    /// Size of one value built by a filter or method (strings, arrays), in bytes.
    pub scratch_bytes: usize,
    /// Calls of host filters and globals.
    pub capability_calls: u32,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            source_code_units: 4 * 1024 * 1024,
            work_units: 1_000_000,
            nesting_depth: 512,
            output_code_units: 16 * 1024 * 1024,
            scratch_bytes: 64 * 1024 * 1024,
            capability_calls: 4096,
        }
    }
}

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
pub struct EvalOptions {
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
pub struct EvalError {
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

struct Binding {
    name: Rc<str>,
    value: Value,
    writable: bool,
}

struct Scope {
    vars: Vec<Binding>,
    parent: Option<usize>,
    isolate: bool,
}

struct MacroDef<'t> {
    params: &'t [Param],
    body: &'t [Node],
    /// Where the body's scope hangs: the export scope for macros, the call site for `caller`.
    scope: usize,
}

/// Where output goes: the text, and for `renderValue`'s JSON coercion a parallel text in which
/// every interpolation is JSON-encoded.
pub struct Output {
    pub text: String,
    pub json: Option<String>,
}

pub struct Evaluator<'t, 'e> {
    options: &'e EvalOptions,
    /// The render context: the outermost, read-only scope.
    context: &'e Entries,
    extensions: &'e Extensions,
    scopes: Vec<Scope>,
    macros: Vec<MacroDef<'t>>,
    export_scope: usize,
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
    pub fn new(context: &'e Entries, options: &'e EvalOptions, extensions: &'e Extensions) -> Evaluator<'t, 'e> {
        // Scope 0 stands for the context: its names are read from `context`, never written.
        let context_scope = Scope { vars: Vec::new(), parent: None, isolate: false };
        let export = Scope { vars: Vec::new(), parent: Some(0), isolate: true };
        let root = Scope { vars: Vec::new(), parent: Some(1), isolate: true };
        walk::take();
        walk::allow(options.limits.work_units);
        Evaluator {
            options,
            extensions,
            context,
            scopes: vec![context_scope, export, root],
            macros: Vec::new(),
            export_scope: 1,
            handles: HashMap::new(),
            chains: Vec::new(),
            work: 0,
            output_units: 0,
            capability_calls: 0,
        }
    }

    /// Renders a template body at the top level.
    pub fn render(&mut self, body: &'t [Node], out: &mut Output) -> Result<()> {
        self.nodes(body, 2, true, out, 0)
    }

    /// Evaluates the lone expression of `${{ expr }}` at the top level.
    pub fn eval_top(&mut self, expr: &'t Expr) -> Result<Value> {
        self.expr(expr, 2, 0)
    }

    // ----- accounting -----------------------------------------------------------------------

    fn out_of_work(&self) -> EvalError {
        limit(format!("the template needs more than {} work units", self.options.limits.work_units))
    }

    fn charge(&mut self, depth: usize) -> Result<()> {
        self.work += 1;
        if self.work > self.options.limits.work_units {
            return Err(self.out_of_work());
        }
        if depth > self.options.limits.nesting_depth {
            return Err(limit(format!("the template nests deeper than {} levels", self.options.limits.nesting_depth)));
        }
        Ok(())
    }

    /// Charges `n` work units for values expanded at once (range items, converted entries).
    pub(crate) fn charge_many(&mut self, n: usize) -> Result<()> {
        self.work = self.work.saturating_add(n as u64);
        if self.work > self.options.limits.work_units {
            return Err(self.out_of_work());
        }
        Ok(())
    }

    /// Charges the items walks over values visited since the last call (see [`walk`]) and
    /// reports a walk that stopped at a bound.
    fn charge_walks(&mut self) -> Result<()> {
        let (used, stop) = walk::take();
        if used == 0 && stop.is_none() {
            return Ok(());
        }
        self.work = self.work.saturating_add(used);
        walk::allow(self.options.limits.work_units.saturating_sub(self.work));
        match stop {
            Some(walk::Stop::Depth) => {
                Err(limit(format!("a value nests deeper than {} levels", walk::MAX_VALUE_DEPTH)))
            }
            Some(walk::Stop::Work) => Err(self.out_of_work()),
            None if self.work > self.options.limits.work_units => Err(self.out_of_work()),
            None => Ok(()),
        }
    }

    fn append(&mut self, out: &mut Output, text: &str, encoded: Option<&str>) -> Result<()> {
        self.output_units += utf16_len(text);
        if self.output_units > self.options.limits.output_code_units {
            return Err(limit(format!(
                "the output is longer than {} characters",
                self.options.limits.output_code_units
            )));
        }
        out.text.push_str(text);
        if let Some(json) = out.json.as_mut() {
            json.push_str(encoded.unwrap_or(text));
        }
        Ok(())
    }

    /// The largest value a filter or method may build, in bytes.
    pub(crate) fn scratch_limit(&self) -> usize {
        self.options.limits.scratch_bytes
    }

    fn check_scratch(&self, value: &Value) -> Result<()> {
        let size = match value {
            Value::Str(s) | Value::Safe(s) => s.len(),
            Value::Array(items) => items.borrow().len() * 8,
            _ => 0,
        };
        if size > self.options.limits.scratch_bytes {
            return Err(limit(format!("a value is larger than {} bytes", self.options.limits.scratch_bytes)));
        }
        Ok(())
    }

    // ----- scopes -----------------------------------------------------------------------------

    fn child(&mut self, parent: usize, isolate: bool) -> usize {
        self.scopes.push(Scope { vars: Vec::new(), parent: Some(parent), isolate });
        self.scopes.len() - 1
    }

    fn lookup(&self, mut scope: usize, name: &str) -> Option<&Value> {
        loop {
            if scope == 0 {
                return self.context.get(name);
            }
            let s = &self.scopes[scope];
            if let Some(b) = s.vars.iter().rev().find(|b| &*b.name == name) {
                return Some(&b.value);
            }
            scope = s.parent?;
        }
    }

    fn set_local(&mut self, scope: usize, name: &str, value: Value) {
        let vars = &mut self.scopes[scope].vars;
        match vars.iter_mut().find(|b| &*b.name == name) {
            Some(b) => {
                b.value = value;
                b.writable = true;
            }
            None => vars.push(Binding { name: name.into(), value, writable: true }),
        }
    }

    fn can_assign(&self, scope: usize, name: &str) -> bool {
        if scope == 0 {
            // Context names are read-only; unknown names are not assignable there either.
            return false;
        }
        let s = &self.scopes[scope];
        if let Some(b) = s.vars.iter().find(|b| &*b.name == name) {
            return b.writable;
        }
        if s.isolate {
            return false;
        }
        s.parent.is_some_and(|p| self.can_assign(p, name))
    }

    fn assign(&mut self, scope: usize, name: &str, value: Value) {
        let s = &self.scopes[scope];
        if !s.isolate {
            if let Some(i) = s.vars.iter().position(|b| &*b.name == name && b.writable) {
                self.scopes[scope].vars[i].value = value;
                return;
            }
            if let Some(parent) = s.parent.filter(|p| self.can_assign(*p, name)) {
                return self.assign(parent, name, value);
            }
        }
        self.set_local(scope, name, value);
    }

    // ----- statements -------------------------------------------------------------------------

    /// `exports`: top-level (or block-level) assignments are also made visible to macros.
    fn nodes(&mut self, nodes: &'t [Node], scope: usize, exports: bool, out: &mut Output, depth: usize) -> Result<()> {
        for node in nodes {
            let done = self.node(node, scope, exports, out, depth + 1);
            at(done.and_then(|()| self.charge_walks()), node.range)?;
        }
        Ok(())
    }

    fn node(&mut self, node: &'t Node, scope: usize, exports: bool, out: &mut Output, depth: usize) -> Result<()> {
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
                let id = self.macros.len();
                self.macros.push(MacroDef { params, body, scope: self.export_scope });
                let handle = Value::Callable(Rc::new(Callable::Macro(id)));
                self.set_local(scope, name, handle.clone());
                if exports && scope == 2 {
                    let export = self.export_scope;
                    self.set_local(export, name, handle);
                }
                Ok(())
            }
            NodeKind::CallBlock { caller_params, call, body } => {
                let ExprKind::Call { callee, args } = &call.kind else {
                    return fail("a call block needs a macro call");
                };
                let target = self.expr(callee, scope, depth + 1)?;
                let Value::Callable(callable) = &target else {
                    return fail("call blocks can call only template macros");
                };
                let Callable::Macro(id) = **callable else {
                    return fail("call blocks can call only template macros");
                };
                let (positional, mut keyword) = self.args(args, scope, depth)?;
                let caller_id = self.macros.len();
                self.macros.push(MacroDef { params: caller_params, body, scope });
                keyword.push(("caller".into(), Value::Callable(Rc::new(Callable::Macro(caller_id)))));
                let value = self.invoke_macro(id, positional, keyword, depth)?;
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

    fn bind(&mut self, targets: &[String], value: Value, scope: usize, exports: bool) -> Result<()> {
        for target in targets {
            self.assign(scope, target, value.clone());
            if exports {
                let export = self.export_scope;
                self.set_local(export, target, value.clone());
            }
        }
        Ok(())
    }

    fn capture(&mut self, body: &'t [Node], scope: usize, exports: bool, depth: usize) -> Result<String> {
        let mut inner = Output { text: String::new(), json: None };
        self.nodes(body, scope, exports, &mut inner, depth)?;
        Ok(inner.text)
    }

    #[allow(clippy::too_many_arguments)]
    fn for_loop(
        &mut self,
        targets: &[String],
        iterable: &'t Expr,
        body: &'t [Node],
        otherwise: Option<&'t [Node]>,
        scope: usize,
        out: &mut Output,
        depth: usize,
    ) -> Result<()> {
        let value = self.expr(iterable, scope, depth + 1)?;
        let (entries, loop_length) = self.loop_entries(&value, targets.len())?;
        let loop_scope = self.child(scope, false);
        let n = loop_length.to_number();
        for (index, entry) in entries.into_iter().enumerate() {
            self.charge(depth)?;
            if targets.len() == 1 {
                self.set_local(loop_scope, &targets[0], entry);
            } else {
                for (i, target) in targets.iter().enumerate() {
                    let item = destructure(&entry, i)?;
                    self.set_local(loop_scope, target, item);
                }
            }
            let i = index as f64;
            let record: Entries = [
                ("index", Value::Number(i + 1.0)),
                ("index0", Value::Number(i)),
                ("revindex", Value::Number(n - i)),
                ("revindex0", Value::Number(n - i - 1.0)),
                ("first", Value::Bool(index == 0)),
                ("last", Value::Bool(i == n - 1.0)),
                ("length", loop_length.clone()),
            ]
            .into_iter()
            .map(|(k, v)| (Rc::from(k), v))
            .collect();
            self.set_local(loop_scope, "loop", Value::object(record));
            self.nodes(body, loop_scope, false, out, depth)?;
        }
        if !loop_length.truthy() {
            if let Some(body) = otherwise {
                self.nodes(body, loop_scope, false, out, depth)?;
            }
        }
        Ok(())
    }

    /// What a `for` iterates, and the loop's length as Nunjucks computes it: items of an array,
    /// `[key, value]` pairs of a record (two or more targets) or its indexed values (one
    /// target, up to its own `length`), code units of a string (`[index, unit]` pairs with two
    /// targets).
    fn loop_entries(&mut self, value: &Value, targets: usize) -> Result<(Vec<Value>, Value)> {
        let (entries, length) = match value {
            Value::Array(items) => {
                let items = items.borrow().clone();
                let n = items.len();
                (items, Value::Number(n as f64))
            }
            Value::Safe(s) => {
                let units = code_units(s);
                let n = units.len();
                (units, Value::Number(n as f64))
            }
            Value::Str(s) if targets == 1 => {
                let units = code_units(s);
                let n = units.len();
                (units, Value::Number(n as f64))
            }
            Value::Str(s) => {
                let pairs: Vec<Value> = code_units(s)
                    .into_iter()
                    .enumerate()
                    .map(|(i, c)| Value::array(vec![Value::str(i.to_string()), c]))
                    .collect();
                let n = pairs.len();
                (pairs, Value::Number(n as f64))
            }
            Value::Object(entries) if targets == 1 => {
                let length = entries.get("length").cloned().unwrap_or(Value::Undefined);
                let count = length.to_number();
                let mut items = Vec::new();
                let mut i = 0usize;
                while (i as f64) < count {
                    self.charge_many(1)?;
                    items.push(entries.get(i.to_string().as_str()).cloned().unwrap_or(Value::Undefined));
                    i += 1;
                }
                (items, length)
            }
            Value::Object(entries) => {
                let pairs: Vec<Value> =
                    entries.iter().map(|(k, v)| Value::array(vec![Value::Str(k.clone()), v.clone()])).collect();
                let n = pairs.len();
                (pairs, Value::Number(n as f64))
            }
            _ if targets == 1 => (Vec::new(), Value::Undefined),
            _ => (Vec::new(), Value::Number(0.0)),
        };
        self.charge_many(entries.len())?;
        // A falsy iterable leaves the length unset, so the `else` branch runs.
        Ok((entries, if value.truthy() { length } else { Value::Undefined }))
    }

    // ----- expressions ------------------------------------------------------------------------

    /// Evaluates `expr`. A flat chain (`a + b + c`, `x | f | g`, `a.b.c`: each node's
    /// `chain_operand` is the chain before it) is walked down in a loop and its operators applied
    /// on the way back up, so its length costs no stack. Work units, nesting depth and error
    /// locations are exactly those of evaluating each operand recursively: a node at depth `d`
    /// has its operand at `d + 1`, and an error without a location takes the range of the node
    /// it happened in (for a limit hit on entering a node: its parent's).
    pub(crate) fn expr(&mut self, expr: &'t Expr, scope: usize, depth: usize) -> Result<Value> {
        let base = self.chains.len();
        let result = self.chain(expr, scope, depth, base);
        self.chains.truncate(base);
        result
    }

    fn chain(&mut self, expr: &'t Expr, scope: usize, depth: usize, base: usize) -> Result<Value> {
        let mut node = expr;
        let mut depth = depth;
        loop {
            if let Err(e) = self.charge(depth) {
                return match self.chains.last() {
                    Some(parent) if self.chains.len() > base => at(Err(e), parent.range),
                    _ => Err(e),
                };
            }
            match node.chain_operand() {
                Some(operand) => {
                    self.chains.push(node);
                    node = operand;
                    depth += 1;
                }
                None => break,
            }
        }
        let value = self.expr_inner(node, scope, depth + 1);
        let mut value = at(value.and_then(|v| self.charge_walks().map(|()| v)), node.range)?;
        while self.chains.len() > base {
            let Some(parent) = self.chains.pop() else { break };
            depth -= 1;
            let applied = self.apply_to_operand(parent, value, scope, depth + 1);
            value = at(applied.and_then(|v| self.charge_walks().map(|()| v)), parent.range)?;
        }
        Ok(value)
    }

    /// What a chain node does with its operand's value (`chain_operand`, already evaluated).
    fn apply_to_operand(&mut self, expr: &'t Expr, operand: Value, scope: usize, depth: usize) -> Result<Value> {
        Ok(match &expr.kind {
            ExprKind::Attr { name, .. } => self.member(&operand, name, false)?,
            ExprKind::Index { index, .. } => {
                let key = self.expr(index, scope, depth)?;
                self.member(&operand, &key.to_js_string(), !matches!(index.kind, ExprKind::Literal(_)))?
            }
            ExprKind::Slice { start, stop, step, .. } => {
                let mut bound = |e: &'t Option<Box<Expr>>| -> Result<Value> {
                    match e {
                        Some(e) => self.expr(e, scope, depth),
                        None => Ok(Value::Null),
                    }
                };
                let start = bound(start)?;
                let stop = bound(stop)?;
                let step = match bound(step)? {
                    Value::Null => Value::Number(1.0),
                    v => v,
                };
                self.slice(&operand, start, stop, step)?
            }
            ExprKind::Call { callee, args } => self.call(callee, operand, args, scope, depth)?,
            ExprKind::Filter { name, args, name_range, .. } => {
                let (positional, keyword) = self.args(args, scope, depth)?;
                at(self.apply_filter(name, operand, positional, keyword), *name_range)?
            }
            ExprKind::Unary { op, .. } => match op {
                UnaryOp::Not => Value::Bool(!operand.truthy()),
                UnaryOp::Neg => Value::Number(-operand.to_number()),
                UnaryOp::Pos => Value::Number(operand.to_number()),
                UnaryOp::Floor => Value::Number(operand.to_number().floor()),
            },
            ExprKind::Binary { op, right, .. } => match op {
                BinaryOp::Or if operand.truthy() => operand,
                BinaryOp::And if !operand.truthy() => operand,
                BinaryOp::Or | BinaryOp::And => self.expr(right, scope, depth)?,
                _ => {
                    let right_value = self.expr(right, scope, depth)?;
                    self.binary(*op, &operand, &right_value)?
                }
            },
            ExprKind::Compare { rest, .. } => {
                let mut left = operand;
                let mut result = false;
                for (op, right) in rest {
                    let right = self.expr(right, scope, depth)?;
                    result = compare(*op, &left, &right);
                    left = Value::Bool(result);
                }
                Value::Bool(result)
            }
            // Other nodes have no chain operand.
            _ => operand,
        })
    }

    /// One node, its children `depth` deep. `expr` calls this only for nodes without a chain
    /// operand; a chain node evaluates its operand first, as `expr` does.
    fn expr_inner(&mut self, expr: &'t Expr, scope: usize, depth: usize) -> Result<Value> {
        Ok(match &expr.kind {
            with_chain_operand!(operand) => {
                let value = self.expr(operand, scope, depth)?;
                self.apply_to_operand(expr, value, scope, depth)?
            }
            ExprKind::Literal(literal) => match literal {
                Literal::Str(s) => Value::str(s.as_str()),
                Literal::Number(n) => Value::Number(*n),
                Literal::Bool(b) => Value::Bool(*b),
                Literal::Null => Value::Null,
            },
            ExprKind::Regex { pattern, flags } => Value::Regex(Rc::new(JsRegex::new(pattern, flags).map_err(err)?)),
            ExprKind::Name(name) => self.name(name, scope)?,
            ExprKind::Array(items) => {
                let mut values = Vec::with_capacity(items.len());
                for item in items {
                    values.push(self.expr(item, scope, depth)?);
                }
                Value::array(values)
            }
            ExprKind::Group(items) => {
                let mut last = Value::Undefined;
                for (i, item) in items.iter().enumerate() {
                    last = self.expr(item, scope, depth)?;
                    if i + 1 < items.len() && contains_callable(&last) {
                        return fail("a function cannot be used in a comma group");
                    }
                }
                last
            }
            ExprKind::Object(pairs) => {
                let mut entries = Entries::default();
                for (key, value) in pairs {
                    let (key, computed): (Rc<str>, bool) = match &key.kind {
                        ExprKind::Name(name) => (name.as_str().into(), false),
                        _ => (self.expr(key, scope, depth)?.to_js_string().into(), true),
                    };
                    if RESERVED.contains(&&*key) {
                        return fail(reserved_message(&key, computed));
                    }
                    let value = self.expr(value, scope, depth)?;
                    entries.insert(key, value);
                }
                Value::object(entries)
            }
            ExprKind::Test { value, test, negated } => {
                // Nunjitsu reads the test statically: a name, a literal's text, or the name of a
                // call or filter; any other expression names the test `undefined`.
                let (name, args, filter_input): (String, Option<&'t Args>, Option<&'t Expr>) = match &test.kind {
                    ExprKind::Call { callee, args } => (static_test_name(callee), Some(args), None),
                    ExprKind::Filter { value, name, args, .. } => (name.clone(), Some(args), Some(&**value)),
                    _ => (static_test_name(test), None, None),
                };
                if RESERVED.contains(&name.as_str()) {
                    return fail(format!("the test name `{name}` is reserved"));
                }
                let arity = predicates::arity(&name).ok_or_else(|| err(format!("unknown test `{name}`")))?;
                if args.is_some_and(|a| !a.keyword.is_empty()) {
                    return fail(format!("test `{name}` takes positional arguments only"));
                }
                let given = args.map_or(0, |a| a.positional.len()) + usize::from(filter_input.is_some());
                if given != arity {
                    return fail(format!("test `{name}` takes {arity} argument(s), got {given}"));
                }
                let input = self.expr(value, scope, depth)?;
                let mut positional = Vec::new();
                if let Some(first) = filter_input {
                    positional.push(self.expr(first, scope, depth)?);
                }
                if let Some(args) = args {
                    for e in &args.positional {
                        positional.push(self.expr(e, scope, depth)?);
                    }
                }
                let result = predicates::apply(&name, &input, &positional)?;
                Value::Bool(result != *negated)
            }
            ExprKind::InlineIf { cond, then, otherwise } => {
                if self.expr(cond, scope, depth)?.truthy() {
                    self.expr(then, scope, depth)?
                } else {
                    match otherwise {
                        Some(e) => self.expr(e, scope, depth)?,
                        None => Value::str(""),
                    }
                }
            }
        })
    }

    fn name(&mut self, name: &str, scope: usize) -> Result<Value> {
        if RESERVED.contains(&name) {
            return fail(format!("the name `{name}` is reserved"));
        }
        if let Some(value) = self.lookup(scope, name) {
            return Ok(value.clone());
        }
        if self.options.cookiecutter_compat {
            match name {
                "True" => return Ok(Value::Bool(true)),
                "False" => return Ok(Value::Bool(false)),
                "None" => return Ok(Value::Null),
                _ => {}
            }
        }
        if let Some(value) = self.extensions.values.get(name) {
            return Ok(Value::from_json(value));
        }
        if let Some(handle) = self.handles.get(name) {
            return Ok(handle.clone());
        }
        let handle = if self.extensions.functions.contains_key(name) {
            Callable::Host(name.to_string())
        } else if let Some(builtin) = super::builtins::GLOBALS.iter().copied().find(|b| *b == name) {
            Callable::Builtin(builtin)
        } else {
            if self.options.strict {
                return fail(format!("`{name}` is not defined"));
            }
            return Ok(Value::Undefined);
        };
        // One handle per name, so `range === range` holds as in JavaScript.
        let handle = Value::Callable(Rc::new(handle));
        self.handles.insert(name.to_string(), handle.clone());
        Ok(handle)
    }

    /// `target.key` / `target[key]`; `computed`: the key is a value, not source text, so
    /// messages do not quote it (it may be a secret).
    fn member(&mut self, target: &Value, key: &str, computed: bool) -> Result<Value> {
        if RESERVED.contains(&key) {
            return fail(reserved_message(key, computed));
        }
        let own = match target {
            Value::Undefined | Value::Null => {
                if self.options.strict {
                    return fail(format!("cannot read {} of {}", key_text(key, computed), target.type_name()));
                }
                return Ok(Value::Undefined);
            }
            Value::Safe(s) if key == "val" => Some(Value::Str(s.clone())),
            Value::Callable(callable) => match &**callable {
                Callable::Cycler { current, .. } if key == "current" => Some(current.borrow().clone()),
                _ => None,
            },
            other => other.own_property(key),
        };
        if let Some(value) = own {
            return Ok(value);
        }
        if methods::exists(target, key, self.options.cookiecutter_compat) {
            return Ok(Value::Callable(Rc::new(Callable::Method { receiver: target.clone(), name: key.to_string() })));
        }
        if self.options.strict {
            return fail(format!("{} is not defined on this {}", key_text(key, computed), target.type_name()));
        }
        Ok(Value::Undefined)
    }

    /// `target[start:stop:step]` with Nunjucks' loop over JavaScript values (so fractional and
    /// string bounds behave as they do there).
    fn slice(&mut self, target: &Value, start: Value, stop: Value, step: Value) -> Result<Value> {
        use std::cmp::Ordering::*;
        if matches!(target, Value::Callable(_)) {
            return fail("a function cannot be sliced");
        }
        let target = if target.truthy() { target.clone() } else { Value::array(Vec::new()) };
        let length = match &target {
            Value::Array(items) => Value::Number(items.borrow().len() as f64),
            Value::Str(s) | Value::Safe(s) => Value::Number(utf16_len(s) as f64),
            Value::Object(entries) => entries.get("length").cloned().unwrap_or(Value::Undefined),
            _ => Value::Undefined,
        };
        let numeric_step = step.to_number();
        if !numeric_step.is_finite() || numeric_step == 0.0 {
            return fail("the slice step must be a finite non-zero number");
        }
        let zero = Value::Number(0.0);
        let ascending = step.compare(&zero) == Some(Greater);
        let descending = step.compare(&zero) == Some(Less);
        let mut index = match start {
            Value::Null => {
                if descending {
                    Value::Number(length.to_number() - 1.0)
                } else {
                    zero.clone()
                }
            }
            v if v.compare(&zero) == Some(Less) => v.add(&length),
            v => v,
        };
        let stop = match stop {
            Value::Null => {
                if descending {
                    Value::Number(-1.0)
                } else {
                    length.clone()
                }
            }
            v if v.compare(&zero) == Some(Less) => v.add(&length),
            v => v,
        };
        let mut out = Vec::new();
        loop {
            if index.compare(&zero) == Some(Less) || index.compare(&length) == Some(Greater) {
                break;
            }
            let order = index.compare(&stop);
            if (ascending && matches!(order, Some(Greater | Equal)))
                || (descending && matches!(order, Some(Less | Equal)))
            {
                break;
            }
            self.charge_many(1)?;
            out.push(target.own_property(&index.to_js_string()).unwrap_or(Value::Undefined));
            index = index.add(&step);
        }
        Ok(Value::array(out))
    }

    fn binary(&mut self, op: BinaryOp, left: &Value, right: &Value) -> Result<Value> {
        Ok(match op {
            BinaryOp::Add => {
                let value = left.add(right);
                self.check_scratch(&value)?;
                value
            }
            BinaryOp::Concat => {
                let mut text = left.to_js_string();
                text.push_str(&right.to_js_string());
                let value = Value::str(text);
                self.check_scratch(&value)?;
                value
            }
            BinaryOp::Sub => Value::Number(left.to_number() - right.to_number()),
            BinaryOp::Mul => Value::Number(left.to_number() * right.to_number()),
            BinaryOp::Div => Value::Number(left.to_number() / right.to_number()),
            BinaryOp::Mod => Value::Number(js_remainder(left.to_number(), right.to_number())),
            BinaryOp::Pow => Value::Number(js_pow(left.to_number(), right.to_number())),
            BinaryOp::In => Value::Bool(contains(right, left)?),
            BinaryOp::NotIn => Value::Bool(!contains(right, left)?),
            BinaryOp::Or | BinaryOp::And => unreachable_operator()?,
        })
    }

    fn args(&mut self, args: &'t Args, scope: usize, depth: usize) -> Result<(Vec<Value>, Vec<(String, Value)>)> {
        let mut positional = Vec::with_capacity(args.positional.len());
        for e in &args.positional {
            positional.push(self.expr(e, scope, depth)?);
        }
        let mut keyword = Vec::with_capacity(args.keyword.len());
        for (name, e) in &args.keyword {
            if RESERVED.contains(&name.as_str()) {
                return fail(format!("the name `{name}` is reserved"));
            }
            keyword.push((name.clone(), self.expr(e, scope, depth)?));
        }
        Ok((positional, keyword))
    }

    /// Calls `target`, the value of `callee`.
    fn call(&mut self, callee: &'t Expr, target: Value, args: &'t Args, scope: usize, depth: usize) -> Result<Value> {
        let Value::Callable(callable) = &target else {
            let what = callable_path(callee).unwrap_or_else(|| "the expression".into());
            return fail(format!("`{what}` is {} and cannot be called", describe(&target)));
        };
        let (positional, keyword) = self.args(args, scope, depth)?;
        match &**callable {
            Callable::Macro(id) => self.invoke_macro(*id, positional, keyword, depth),
            Callable::Builtin(name) => self.builtin_global(name, positional),
            Callable::Host(name) => {
                if !keyword.is_empty() {
                    return fail(format!("global `{name}` takes positional arguments only"));
                }
                let function = self.extensions.functions.get(name).cloned();
                let Some(function) = function else { return fail(format!("unknown global `{name}`")) };
                self.host_call(&function, None, &positional, name)
            }
            Callable::Method { receiver, name } => {
                if self.options.no_regex_execution
                    && (matches!(receiver, Value::Regex(_)) || positional.iter().any(|v| matches!(v, Value::Regex(_))))
                {
                    return fail("regular-expression execution is disabled here");
                }
                if methods::MUTATING.contains(&name.as_str()) {
                    self.refuse_cycle(receiver, &positional)?;
                }
                let value =
                    methods::call(receiver, name, &positional, self.options.cookiecutter_compat, self.scratch_limit())?;
                self.check_scratch(&value)?;
                Ok(value)
            }
            Callable::Cycler { .. } | Callable::Joiner { .. } => match &**callable {
                Callable::Joiner { separator, used } => {
                    if used.replace(true) {
                        Ok(separator.clone())
                    } else {
                        Ok(Value::str(""))
                    }
                }
                _ => fail("this value cannot be called"),
            },
        }
    }

    /// Refuses to put into `receiver` (an array a method changes) a value that holds it: a
    /// value containing itself has no end to print or compare, and is never freed. Nunjitsu
    /// refuses such values too. Costs a work unit per item searched.
    fn refuse_cycle(&mut self, receiver: &Value, arguments: &[Value]) -> Result<()> {
        let Value::Array(target) = receiver else { return Ok(()) };
        let target = Rc::as_ptr(target) as *const ();
        let mut seen = std::collections::HashSet::new();
        let mut pending: Vec<Value> = arguments.to_vec();
        while let Some(value) = pending.pop() {
            let address = match &value {
                Value::Array(items) => Rc::as_ptr(items) as *const (),
                Value::Object(entries) => Rc::as_ptr(entries) as *const (),
                Value::Callable(callable) => Rc::as_ptr(callable) as *const (),
                _ => continue,
            };
            if address == target {
                return fail("cyclic template values are not supported: the array would contain itself");
            }
            if !seen.insert(address) {
                continue;
            }
            let is_container = |v: &&Value| matches!(v, Value::Array(_) | Value::Object(_) | Value::Callable(_));
            match &value {
                Value::Array(items) => {
                    self.charge_many(items.borrow().len())?;
                    pending.extend(items.borrow().iter().filter(is_container).cloned());
                }
                Value::Object(entries) => {
                    self.charge_many(entries.len())?;
                    pending.extend(entries.values().filter(is_container).cloned());
                }
                Value::Callable(callable) => callable.for_each_value(&mut |v| pending.push(v.clone())),
                _ => {}
            }
        }
        Ok(())
    }

    fn host_call(
        &mut self,
        function: &HostFunction,
        input: Option<&Value>,
        positional: &[Value],
        name: &str,
    ) -> Result<Value> {
        self.capability_calls += 1;
        if self.capability_calls > self.options.limits.capability_calls {
            return Err(limit(format!(
                "the template calls filters and globals more than {} times",
                self.options.limits.capability_calls
            )));
        }
        let mut json = Vec::with_capacity(positional.len() + 1);
        for value in input.into_iter().chain(positional) {
            if matches!(value, Value::Callable(_)) {
                return fail(format!("`{name}` cannot be given a function"));
            }
            // `undefined` arguments reach JavaScript as `undefined`; JSON has only null.
            json.push(value.to_json().unwrap_or(serde_json::Value::Null));
        }
        match function(&json) {
            Ok(Some(value)) => Ok(Value::from_json(&value)),
            Ok(None) => Ok(Value::Undefined),
            Err(message) => fail(message),
        }
    }

    fn builtin_global(&mut self, name: &str, args: Vec<Value>) -> Result<Value> {
        match name {
            "range" => {
                let (mut start, mut stop, mut step) = (
                    args.first().cloned().unwrap_or(Value::Undefined),
                    args.get(1).cloned().unwrap_or(Value::Undefined),
                    args.get(2).cloned().unwrap_or(Value::Undefined),
                );
                if stop.is_undefined() {
                    stop = start;
                    start = Value::Number(0.0);
                    step = Value::Number(1.0);
                } else if !step.truthy() {
                    step = Value::Number(1.0);
                }
                let ascending = step.compare(&Value::Number(0.0)) == Some(std::cmp::Ordering::Greater);
                let mut out = Vec::new();
                let mut value = start;
                loop {
                    let go = match value.compare(&stop) {
                        Some(std::cmp::Ordering::Less) => ascending,
                        Some(std::cmp::Ordering::Greater) => !ascending,
                        _ => false,
                    };
                    if !go {
                        break;
                    }
                    self.charge(0)?;
                    let next = value.add(&step);
                    out.push(value);
                    value = next;
                }
                Ok(Value::array(out))
            }
            "cycler" => Ok(Value::Callable(Rc::new(Callable::Cycler {
                items: args,
                index: (-1).into(),
                current: std::cell::RefCell::new(Value::Null),
            }))),
            _ => {
                let separator = args.into_iter().next().filter(Value::truthy).unwrap_or_else(|| Value::str(","));
                Ok(Value::Callable(Rc::new(Callable::Joiner { separator, used: false.into() })))
            }
        }
    }

    fn invoke_macro(
        &mut self,
        id: usize,
        positional: Vec<Value>,
        keyword: Vec<(String, Value)>,
        depth: usize,
    ) -> Result<Value> {
        let (params, body, parent) = {
            let def = &self.macros[id];
            (def.params, def.body, def.scope)
        };
        let local = self.child(parent, true);
        // Nunjucks binds positional arguments to the parameters without a default, surplus ones
        // to the parameters with a default (in order), and keywords to whatever is left.
        let required: Vec<&Param> = params.iter().filter(|p| p.default.is_none()).collect();
        let optional: Vec<&Param> = params.iter().filter(|p| p.default.is_some()).collect();
        let mut keyword = keyword;
        let set_keyword = |keyword: &mut Vec<(String, Value)>, name: &str, value: Value| {
            keyword.retain(|(k, _)| k != name);
            keyword.push((name.to_string(), value));
        };
        let mut positional = positional;
        if positional.len() > required.len() {
            let surplus = positional.split_off(required.len());
            for (param, value) in optional.iter().zip(surplus) {
                set_keyword(&mut keyword, &param.name, value);
            }
        } else {
            for param in &required[positional.len()..] {
                let value = keyword.iter().position(|(k, _)| *k == param.name).map(|i| keyword.remove(i).1);
                positional.push(value.unwrap_or(Value::Undefined));
            }
        }
        let mut positional = positional.into_iter();
        for param in params {
            let value = if param.default.is_none() {
                positional.next().unwrap_or(Value::Undefined)
            } else {
                match keyword.iter().position(|(k, _)| *k == param.name) {
                    Some(i) => keyword[i].1.clone(),
                    None => match &param.default {
                        Some(default) => self.expr(default, local, depth)?,
                        None => Value::Undefined,
                    },
                }
            };
            self.set_local(local, &param.name, value);
        }
        if let Some(i) = keyword.iter().position(|(k, _)| k == "caller") {
            let caller = keyword.remove(i).1;
            if !params.iter().any(|p| p.name == "caller") {
                self.set_local(local, "caller", caller);
            }
        }
        let text = self.capture(body, local, false, depth + 1)?;
        Ok(Value::Safe(text.into()))
    }

    fn apply_filter(
        &mut self,
        name: &str,
        input: Value,
        positional: Vec<Value>,
        keyword: Vec<(String, Value)>,
    ) -> Result<Value> {
        if let Some(function) = self.extensions.filters.get(name).cloned() {
            if !keyword.is_empty() {
                return fail(format!("filter `{name}` takes positional arguments only"));
            }
            return self.host_call(&function, Some(&input), &positional, name);
        }
        let builtin = if self.options.cookiecutter_compat && name == "jsonify" { "dump" } else { name };
        if self.options.no_regex_execution
            && builtin == "replace"
            && matches!(positional.first(), Some(Value::Regex(_)))
        {
            return fail("regular-expression execution is disabled here");
        }
        if !filters::exists(builtin) {
            return fail(format!("unknown filter `{name}`"));
        }
        let value = filters::apply(builtin, input, positional, keyword, self)
            .map_err(|e| EvalError { message: format!("filter `{name}`: {}", e.message), ..e })?;
        self.check_scratch(&value)?;
        Ok(value)
    }

    /// `${{ value }}` as text; functions cannot be printed.
    pub fn render_value(&mut self, value: &Value) -> Result<String> {
        self.check_printable(value)?;
        Ok(value.render())
    }

    /// What printing `value` checks, without building the text: functions cannot be printed,
    /// and an array costs a work unit per item.
    pub fn check_printable(&mut self, value: &Value) -> Result<()> {
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
    pub fn check_walkable(&mut self, value: &Value) -> Result<()> {
        walk::visit(value);
        self.charge_walks()
    }
}

fn unreachable_operator() -> Result<Value> {
    fail("internal: short-circuit operator evaluated eagerly")
}

/// Text built by a filter or method, refused as soon as it outgrows the scratch limit. Checked
/// before each append, not on the result: repetition (`replace` with a long replacement or `$'`,
/// `join` with a long separator) can ask for far more than memory holds.
pub(crate) struct BoundedText {
    pub text: String,
    max: usize,
}

impl BoundedText {
    pub(crate) fn new(max: usize) -> BoundedText {
        BoundedText { text: String::new(), max }
    }

    pub(crate) fn push(&mut self, part: &str) -> Result<()> {
        if self.text.len().saturating_add(part.len()) > self.max {
            return Err(limit(format!("a value is larger than {} bytes", self.max)));
        }
        self.text.push_str(part);
        Ok(())
    }
}

/// `parts.join(separator)` within `max` bytes.
pub(crate) fn join_bounded(parts: &[String], separator: &str, max: usize) -> Result<String> {
    let mut out = BoundedText::new(max);
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            out.push(separator)?;
        }
        out.push(part)?;
    }
    Ok(out.text)
}

fn limit(message: String) -> EvalError {
    EvalError { kind: ErrorKind::Limit, message, range: (usize::MAX, usize::MAX) }
}

/// Whether a function is inside `value` (walked within the bounds of [`walk`]).
fn contains_callable(value: &Value) -> bool {
    fn within(value: &Value, depth: usize) -> bool {
        let item = |item: &Value| walk::step(depth) && within(item, depth + 1);
        match value {
            Value::Callable(_) => true,
            Value::Array(list) => list.borrow().iter().any(item),
            Value::Object(entries) => entries.values().any(item),
            _ => false,
        }
    }
    within(value, 1)
}

/// A property name for an error message: quoted when it is source text, never when it was
/// computed (error messages quote source text and types, never rendered values).
fn key_text(key: &str, computed: bool) -> String {
    if computed {
        "a computed property name".to_string()
    } else {
        format!("`{key}`")
    }
}

fn reserved_message(key: &str, computed: bool) -> String {
    if computed {
        "a computed property name is reserved (`__proto__`, `constructor` or `prototype`)".to_string()
    } else {
        format!("the name `{key}` is reserved")
    }
}

fn describe(value: &Value) -> &'static str {
    match value {
        Value::Undefined => "undefined",
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::Str(_) | Value::Safe(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
        Value::Regex(_) => "a regular expression",
        Value::Callable(_) => "a function",
    }
}

/// The test a non-call test expression names (`x is "number"` tests `number`).
fn static_test_name(expr: &Expr) -> String {
    match &expr.kind {
        ExprKind::Name(name) => name.clone(),
        ExprKind::Literal(Literal::Str(s)) => s.clone(),
        ExprKind::Literal(Literal::Number(n)) => super::value::number_to_string(*n),
        ExprKind::Literal(Literal::Bool(b)) => b.to_string(),
        ExprKind::Literal(Literal::Null) => "null".into(),
        ExprKind::Regex { pattern, flags } => format!("/{pattern}/{flags}"),
        _ => "undefined".into(),
    }
}

/// `a.b.c` for a name path, for messages.
fn callable_path(expr: &Expr) -> Option<String> {
    let mut names = Vec::new();
    let mut node = expr;
    loop {
        match &node.kind {
            ExprKind::Name(name) => {
                names.push(name.as_str());
                break;
            }
            ExprKind::Attr { object, name } => {
                names.push(name);
                node = object;
            }
            _ => return None,
        }
    }
    names.reverse();
    Some(names.join("."))
}

fn compare(op: CompareOp, left: &Value, right: &Value) -> bool {
    use std::cmp::Ordering::*;
    match op {
        CompareOp::Eq => left.loose_equals(right),
        CompareOp::Ne => !left.loose_equals(right),
        CompareOp::StrictEq => left.strict_equals(right),
        CompareOp::StrictNe => !left.strict_equals(right),
        CompareOp::Lt => left.compare(right) == Some(Less),
        CompareOp::Gt => left.compare(right) == Some(Greater),
        CompareOp::Le => matches!(left.compare(right), Some(Less | Equal)),
        CompareOp::Ge => matches!(left.compare(right), Some(Greater | Equal)),
    }
}

/// `needle in container`.
fn contains(container: &Value, needle: &Value) -> Result<bool> {
    match container {
        Value::Array(items) => Ok(items.borrow().iter().any(|item| item.strict_equals(needle))),
        Value::Str(s) => Ok(s.contains(needle.to_js_string().as_str())),
        // A safe string is an object in JavaScript: `in` asks for its own properties.
        Value::Safe(_) => Ok(matches!(needle.to_js_string().as_str(), "length" | "val")),
        Value::Object(entries) => Ok(entries.contains_key(needle.to_js_string().as_str())),
        _ => fail(format!("cannot use `in` to search for a value in {}", describe(container))),
    }
}

/// JavaScript's `%`: the sign of the dividend.
pub(crate) fn js_remainder(a: f64, b: f64) -> f64 {
    if b.is_infinite() && a.is_finite() {
        return a;
    }
    a % b
}

/// JavaScript's `**` (NaN for `1 ** Infinity`, where Rust gives 1).
pub(crate) fn js_pow(a: f64, b: f64) -> f64 {
    if b.is_nan() || (a.abs() == 1.0 && b.is_infinite()) {
        return f64::NAN;
    }
    a.powf(b)
}

fn destructure(entry: &Value, index: usize) -> Result<Value> {
    if entry.is_nullish() {
        return fail("cannot unpack a null or undefined loop item");
    }
    Ok(entry.own_property(&index.to_string()).unwrap_or(Value::Undefined))
}
