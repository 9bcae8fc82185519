//! Calls: arguments, functions (macros, the built-in globals, host globals, methods of values)
//! and filters (built-in or host), with the limits on host calls and on values built.

use std::rc::Rc;

use super::*;

impl<'t, 'e> Evaluator<'t, 'e> {
    pub(super) fn args(
        &mut self,
        args: &'t Args,
        scope: Scope,
        depth: usize,
    ) -> Result<(Vec<Value>, Vec<(String, Value)>)> {
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
    pub(super) fn call(
        &mut self,
        callee: &'t Expr,
        target: Value,
        args: &'t Args,
        scope: Scope,
        depth: usize,
    ) -> Result<Value> {
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

    pub(super) fn apply_filter(
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
}
