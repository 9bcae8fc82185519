//! Expressions with JavaScript value semantics: chains walked in loops (see [`Evaluator::expr`]),
//! lookups, slices, operators and comparisons.

use std::rc::Rc;

use super::*;

impl<'t, 'e> Evaluator<'t, 'e> {
    /// Evaluates `expr`. A flat chain (`a + b + c`, `x | f | g`, `a.b.c`: each node's
    /// `chain_operand` is the chain before it) is walked down in a loop and its operators applied
    /// on the way back up, so its length costs no stack. Work units, nesting depth and error
    /// locations are exactly those of evaluating each operand recursively: a node at depth `d`
    /// has its operand at `d + 1`, and an error without a location takes the range of the node
    /// it happened in (for a limit hit on entering a node: its parent's).
    pub(super) fn expr(&mut self, expr: &'t Expr, scope: Scope, depth: usize) -> Result<Value> {
        let base = self.chains.len();
        let result = self.chain(expr, scope, depth, base);
        self.chains.truncate(base);
        result
    }

    fn chain(&mut self, expr: &'t Expr, scope: Scope, depth: usize, base: usize) -> Result<Value> {
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
    fn apply_to_operand(&mut self, expr: &'t Expr, operand: Value, scope: Scope, depth: usize) -> Result<Value> {
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
    fn expr_inner(&mut self, expr: &'t Expr, scope: Scope, depth: usize) -> Result<Value> {
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
}

fn unreachable_operator() -> Result<Value> {
    fail("internal: short-circuit operator evaluated eagerly")
}

/// Whether a function is inside `value` (walked within the bounds of [`walk`]).
pub(super) fn contains_callable(value: &Value) -> bool {
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

pub(super) fn reserved_message(key: &str, computed: bool) -> String {
    if computed {
        "a computed property name is reserved (`__proto__`, `constructor` or `prototype`)".to_string()
    } else {
        format!("the name `{key}` is reserved")
    }
}

pub(super) fn describe(value: &Value) -> &'static str {
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
        ExprKind::Literal(Literal::Number(n)) => crate::engine::value::number_to_string(*n),
        ExprKind::Literal(Literal::Bool(b)) => b.to_string(),
        ExprKind::Literal(Literal::Null) => "null".into(),
        ExprKind::Regex { pattern, flags } => format!("/{pattern}/{flags}"),
        _ => "undefined".into(),
    }
}

/// `a.b.c` for a name path, for messages.
pub(super) fn callable_path(expr: &Expr) -> Option<String> {
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
