//! Macros and call blocks: a macro is a callable kept in the render's macro table, its body run
//! in a scope hanging from the exports; `{% call %}` passes its body as `caller`.

use std::rc::Rc;

use super::*;

pub(super) struct MacroDef<'t> {
    pub(super) params: &'t [Param],
    pub(super) body: &'t [Node],
    /// Where the body's scope hangs: the export scope for macros, the call site for `caller`.
    pub(super) scope: Scope,
}

impl<'t, 'e> Evaluator<'t, 'e> {
    /// `{% macro name(params) %}body{% endmacro %}`: `name` bound in `scope`, and exported
    /// from the top level.
    pub(super) fn define_macro(
        &mut self,
        name: &str,
        params: &'t [Param],
        body: &'t [Node],
        scope: Scope,
        exports: bool,
    ) {
        let id = self.macros.len();
        self.macros.push(MacroDef { params, body, scope: Scope::EXPORTS });
        let handle = Value::Callable(Rc::new(Callable::Macro(id)));
        self.set_local(scope, name, handle.clone());
        if exports && scope == Scope::TOP_LEVEL {
            self.set_local(Scope::EXPORTS, name, handle);
        }
    }

    /// `{% call(caller_params) macro(args) %}body{% endcall %}`: the macro's output, `body`
    /// passed to it as `caller` (a macro whose scope hangs from the call site).
    pub(super) fn call_block(
        &mut self,
        caller_params: &'t [Param],
        call: &'t Expr,
        body: &'t [Node],
        scope: Scope,
        depth: usize,
    ) -> Result<Value> {
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
        self.invoke_macro(id, positional, keyword, depth)
    }

    pub(super) fn invoke_macro(
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
}
