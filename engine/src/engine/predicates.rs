//! The built-in tests (`x is defined`, `n is divisibleby(3)`), with their fixed arities.

use std::cmp::Ordering;

use super::eval::{err, EvalError};
use super::value::Value;

/// Every test and how many arguments it takes.
pub const TESTS: &[(&str, usize)] = &[
    ("callable", 0),
    ("defined", 0),
    ("divisibleby", 1),
    ("escaped", 0),
    ("eq", 1),
    ("equalto", 1),
    ("even", 0),
    ("falsy", 0),
    ("ge", 1),
    ("greaterthan", 1),
    ("gt", 1),
    ("iterable", 0),
    ("le", 1),
    ("lessthan", 1),
    ("lower", 0),
    ("lt", 1),
    ("mapping", 0),
    ("ne", 1),
    ("null", 0),
    ("number", 0),
    ("odd", 0),
    ("sameas", 1),
    ("string", 0),
    ("truthy", 0),
    ("undefined", 0),
    ("upper", 0),
];

/// How many arguments test `name` takes, when it exists.
pub fn arity(name: &str) -> Option<usize> {
    TESTS.iter().find(|(n, _)| *n == name).map(|(_, a)| *a)
}

pub fn apply(name: &str, input: &Value, args: &[Value]) -> Result<bool, EvalError> {
    let Some((_, arity)) = TESTS.iter().find(|(n, _)| *n == name) else {
        return Err(err(format!("unknown test `{name}`")));
    };
    if args.len() != *arity {
        return Err(err(format!("test `{name}` takes {arity} argument(s), got {}", args.len())));
    }
    let other = args.first().cloned().unwrap_or(Value::Undefined);
    let order = || input.compare(&other);
    let text = || match input {
        Value::Str(s) => Ok(s.clone()),
        _ => Err(err(format!("test `{name}` needs a string"))),
    };
    Ok(match name {
        "callable" => matches!(input, Value::Callable(_)),
        "defined" => !input.is_undefined(),
        "divisibleby" => super::eval::js_remainder(input.to_number(), other.to_number()) == 0.0,
        "escaped" => matches!(input, Value::Safe(_)),
        "eq" | "equalto" | "sameas" => input.strict_equals(&other),
        "ne" => !input.strict_equals(&other),
        "even" => super::eval::js_remainder(input.to_number(), 2.0) == 0.0,
        "odd" => super::eval::js_remainder(input.to_number(), 2.0) == 1.0,
        "falsy" => !input.truthy(),
        "truthy" => input.truthy(),
        "ge" => matches!(order(), Some(Ordering::Greater | Ordering::Equal)),
        "gt" | "greaterthan" => order() == Some(Ordering::Greater),
        "le" => matches!(order(), Some(Ordering::Less | Ordering::Equal)),
        "lt" | "lessthan" => order() == Some(Ordering::Less),
        "iterable" => match input {
            Value::Undefined | Value::Null => return Err(err("test `iterable` needs a value")),
            other => matches!(other, Value::Str(_) | Value::Safe(_) | Value::Array(_)),
        },
        "lower" => {
            !matches!(input, Value::Safe(_)) && {
                let t = text()?;
                t.to_lowercase() == *t
            }
        }
        "upper" => {
            !matches!(input, Value::Safe(_)) && {
                let t = text()?;
                t.to_uppercase() == *t
            }
        }
        "mapping" => matches!(input, Value::Object(_) | Value::Safe(_) | Value::Regex(_)),
        "null" => matches!(input, Value::Null),
        "number" => matches!(input, Value::Number(_)),
        "string" => matches!(input, Value::Str(_)),
        "undefined" => input.is_undefined(),
        _ => return Err(err(format!("unknown test `{name}`"))),
    })
}
