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
