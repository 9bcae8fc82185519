//! Values that can be called from a template: macros, `caller`, the built-in globals
//! (`range`, `cycler`, `joiner`), host globals and methods bound to their receiver
//! (`name.split`). They live only inside one render and never cross into JSON.

use std::cell::{Cell, RefCell};

use super::value::Value;

#[derive(Debug)]
pub enum Callable {
    /// A macro or a call block's `caller`, by index in the render's macro table.
    Macro(usize),
    /// `range`, `cycler` or `joiner`.
    Builtin(&'static str),
    /// A function global given by the host (Backstage's `always`, a module's globals).
    Host(String),
    /// A JavaScript method of a string, number, array, record or regex, bound to its receiver.
    Method { receiver: Value, name: String },
    /// What `cycler(…)` returns: `next()`, `reset()`, `current`.
    Cycler { items: Vec<Value>, index: Cell<isize>, current: RefCell<Value> },
    /// What `joiner(sep)` returns: "" on the first call, `sep` after.
    Joiner { separator: Value, used: Cell<bool> },
}

impl Callable {
    /// Calls `f` with each value this callable holds.
    pub(crate) fn for_each_value(&self, f: &mut dyn FnMut(&Value)) {
        match self {
            Callable::Method { receiver, .. } => f(receiver),
            Callable::Cycler { items, current, .. } => {
                items.iter().for_each(&mut *f);
                f(&current.borrow());
            }
            Callable::Joiner { separator, .. } => f(separator),
            Callable::Macro(_) | Callable::Builtin(_) | Callable::Host(_) => {}
        }
    }

    /// Moves the values this callable holds into `out` (for dropping deep values without
    /// recursion: see `Value`'s `Drop`).
    pub(crate) fn move_values_to(&mut self, out: &mut Vec<Value>) {
        match self {
            Callable::Method { receiver, .. } => out.push(std::mem::replace(receiver, Value::Undefined)),
            Callable::Cycler { items, current, .. } => {
                out.append(items);
                out.push(current.replace(Value::Undefined));
            }
            Callable::Joiner { separator, .. } => out.push(std::mem::replace(separator, Value::Undefined)),
            Callable::Macro(_) | Callable::Builtin(_) | Callable::Host(_) => {}
        }
    }
}
