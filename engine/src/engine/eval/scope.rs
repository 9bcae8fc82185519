//! Scopes as Nunjitsu (and so Nunjucks 3.2.4) keeps them: the context is read-only; the
//! template's top level, macro bodies and `{% block %}` bodies isolate their writes; a `for` loop
//! opens one scope whose `set` updates an enclosing variable when one exists.

use std::rc::Rc;

use super::*;

struct Binding {
    name: Rc<str>,
    value: Value,
    writable: bool,
}

/// A scope: the variables bound in it, by its place in the evaluator's table of scopes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Scope(usize);

impl Scope {
    /// The render context: read-only, its names read from the context itself.
    pub(super) const CONTEXT: Scope = Scope(0);
    /// What the top level exports (its `set`s and macros), where macro bodies hang.
    pub(super) const EXPORTS: Scope = Scope(1);
    /// The template's top level.
    pub(super) const TOP_LEVEL: Scope = Scope(2);
}

/// The variables of one scope.
pub(super) struct Frame {
    vars: Vec<Binding>,
    parent: Option<Scope>,
    /// Writes stay in this scope (the top level, macro and `{% block %}` bodies).
    isolate: bool,
}

/// The scopes a render starts with: the context's (left empty: its names are read from the
/// context, never written), the exports, and the top level.
pub(super) fn initial_frames() -> Vec<Frame> {
    vec![
        Frame { vars: Vec::new(), parent: None, isolate: false },
        Frame { vars: Vec::new(), parent: Some(Scope::CONTEXT), isolate: true },
        Frame { vars: Vec::new(), parent: Some(Scope::EXPORTS), isolate: true },
    ]
}

impl<'t, 'e> Evaluator<'t, 'e> {
    pub(super) fn child(&mut self, parent: Scope, isolate: bool) -> Scope {
        self.frames.push(Frame { vars: Vec::new(), parent: Some(parent), isolate });
        Scope(self.frames.len() - 1)
    }

    pub(super) fn lookup(&self, mut scope: Scope, name: &str) -> Option<&Value> {
        loop {
            if scope == Scope::CONTEXT {
                return self.context.get(name);
            }
            let s = &self.frames[scope.0];
            if let Some(b) = s.vars.iter().rev().find(|b| &*b.name == name) {
                return Some(&b.value);
            }
            scope = s.parent?;
        }
    }

    pub(super) fn set_local(&mut self, scope: Scope, name: &str, value: Value) {
        let vars = &mut self.frames[scope.0].vars;
        match vars.iter_mut().find(|b| &*b.name == name) {
            Some(b) => {
                b.value = value;
                b.writable = true;
            }
            None => vars.push(Binding { name: name.into(), value, writable: true }),
        }
    }

    fn can_assign(&self, scope: Scope, name: &str) -> bool {
        if scope == Scope::CONTEXT {
            // Context names are read-only; unknown names are not assignable there either.
            return false;
        }
        let s = &self.frames[scope.0];
        if let Some(b) = s.vars.iter().find(|b| &*b.name == name) {
            return b.writable;
        }
        if s.isolate {
            return false;
        }
        s.parent.is_some_and(|p| self.can_assign(p, name))
    }

    pub(super) fn assign(&mut self, scope: Scope, name: &str, value: Value) {
        let s = &self.frames[scope.0];
        if !s.isolate {
            if let Some(i) = s.vars.iter().position(|b| &*b.name == name && b.writable) {
                self.frames[scope.0].vars[i].value = value;
                return;
            }
            if let Some(parent) = s.parent.filter(|p| self.can_assign(*p, name)) {
                return self.assign(parent, name, value);
            }
        }
        self.set_local(scope, name, value);
    }

    pub(super) fn name(&mut self, name: &str, scope: Scope) -> Result<Value> {
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
        } else if let Some(builtin) = crate::engine::builtins::GLOBALS.iter().copied().find(|b| *b == name) {
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
}
