//! `{% for %}`: what a loop iterates (arrays, records, strings as Nunjucks reads them), the
//! `loop` record, destructuring into several targets, and `{% else %}` for an empty loop.

use std::rc::Rc;

use super::*;

impl<'t, 'e> Evaluator<'t, 'e> {
    #[allow(clippy::too_many_arguments)]
    pub(super) fn for_loop(
        &mut self,
        targets: &[String],
        iterable: &'t Expr,
        body: &'t [Node],
        otherwise: Option<&'t [Node]>,
        scope: Scope,
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
}

fn destructure(entry: &Value, index: usize) -> Result<Value> {
    if entry.is_nullish() {
        return fail("cannot unpack a null or undefined loop item");
    }
    Ok(entry.own_property(&index.to_string()).unwrap_or(Value::Undefined))
}
