//! Compiled JSON Schema validators, remembered for the rest of the run. Compiling a schema costs
//! far more than validating with it, and the rules compile the same schemas again and again: a
//! form field's own schema for its `default`, `const` and every `enum` entry, a page for its
//! verdict, an action's input property (`publish:github`'s `repoUrl`) in every template, and the
//! same pages in templates copied between repositories. Keyed by the schema's JSON text, so an
//! entry is only reused for an identical schema.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use jsonschema::Validator;
use serde_json::Value;

use crate::params::npm_compat::SchemaProblem;

/// How a schema is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dialect {
    /// A form page or field, as Backstage's npm `jsonschema` reads it (`params::build`).
    Form,
    /// An action's input schema: strict draft-07, as the scaffolder validates step input.
    Draft7,
}

type Compiled = Rc<Result<Validator, SchemaProblem>>;

/// Entries kept before the memo starts over (a long-lived process checking many files).
const CAPACITY: usize = 4096;

thread_local! {
    static MEMO: RefCell<HashMap<(Dialect, String), Compiled>> = RefCell::new(HashMap::new());
}

/// `schema` compiled in `dialect` (or why it cannot be), from the memo when seen before.
pub fn compiled(dialect: Dialect, schema: &Value) -> Compiled {
    let key = (dialect, schema.to_string());
    if let Some(found) = MEMO.with(|memo| memo.borrow().get(&key).cloned()) {
        return found;
    }
    let result = Rc::new(match dialect {
        Dialect::Form => crate::params::build(schema),
        Dialect::Draft7 => jsonschema::draft7::new(schema)
            .map_err(|error| SchemaProblem { pointer: String::new(), message: error.to_string() }),
    });
    MEMO.with(|memo| {
        let mut memo = memo.borrow_mut();
        if memo.len() >= CAPACITY {
            memo.clear();
        }
        memo.insert(key, result.clone());
    });
    result
}

/// Why Backstage cannot use `schema` as a form page (see `params::page_schema_problem`).
pub fn page_problem(schema: &Value) -> Option<SchemaProblem> {
    compiled(Dialect::Form, schema).as_ref().as_ref().err().cloned()
}

/// The first reason `value` fails `schema` (`None` when the schema is unusable): for form
/// fields in the words `trellis params` uses, for action inputs as jsonschema words it.
pub fn first_violation(dialect: Dialect, schema: &Value, value: &Value) -> Option<Result<(), String>> {
    let compiled = compiled(dialect, schema);
    let validator = compiled.as_ref().as_ref().ok()?;
    let first = validator.iter_errors(value).next().map(|error| match dialect {
        Dialect::Form => crate::params::messages::describe(error.kind()),
        Dialect::Draft7 => error.to_string(),
    });
    Some(first.map_or(Ok(()), Err))
}
