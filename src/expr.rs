//! A small evaluator for Backstage expressions, enough for page `when` conditions.
//!
//! It runs the expression on minijinja with Backstage's delimiters and JavaScript-style
//! comparisons (`===`, `!==`, `null`). The complete Nunjitsu dialect (filters, JS methods,
//! output formatting, limits) replaces this module with the engine-parity work; until then
//! `when` conditions it cannot evaluate count as failures, which Backstage also treats as
//! "page visible".

use minijinja::value::{Value as MjValue, ValueKind};
use minijinja::{syntax::SyntaxConfig, Environment, UndefinedBehavior};
use serde_json::Value;

/// Work budget per evaluation, so a hostile condition cannot spin forever.
const FUEL: u64 = 100_000;

fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    let syntax = SyntaxConfig::builder()
        .block_delimiters("{%", "%}")
        .variable_delimiters("${{", "}}")
        .comment_delimiters("{#", "#}")
        .build()
        .expect("Backstage delimiters are valid");
    env.set_syntax(syntax);
    env.set_undefined_behavior(UndefinedBehavior::Chainable);
    env.set_fuel(Some(FUEL));
    env.set_formatter(|out, _state, value| {
        out.write_str(&js_string(value))?;
        Ok(())
    });
    env
}

/// Rewrites JavaScript spellings the Nunjucks dialect accepts into minijinja's, outside string
/// literals: `===` → `==`, `!==` → `!=`, `null` → `none`.
fn translate(expression: &str) -> String {
    let mut out = String::with_capacity(expression.len());
    let chars: Vec<char> = expression.chars().collect();
    let mut i = 0;
    let mut quote: Option<char> = None;
    while i < chars.len() {
        let c = chars[i];
        if let Some(q) = quote {
            out.push(c);
            if c == '\\' && i + 1 < chars.len() {
                out.push(chars[i + 1]);
                i += 1;
            } else if c == q {
                quote = None;
            }
            i += 1;
            continue;
        }
        let rest: String = chars[i..chars.len().min(i + 4)].iter().collect();
        if c == '\'' || c == '"' {
            quote = Some(c);
            out.push(c);
        } else if rest.starts_with("===") || rest.starts_with("!==") {
            out.push_str(if c == '=' { "==" } else { "!=" });
            i += 3;
            continue;
        } else if rest == "null"
            && (i == 0 || !is_ident(chars[i - 1]))
            && chars.get(i + 4).map_or(true, |n| !is_ident(*n))
        {
            out.push_str("none");
            i += 4;
            continue;
        } else {
            out.push(c);
        }
        i += 1;
    }
    out
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '.'
}

/// The expression inside `source` when `source` is exactly one `${{ … }}`.
fn lone_expression(source: &str) -> Option<&str> {
    let inner = source.strip_prefix("${{")?.strip_suffix("}}")?;
    (!inner.contains("}}") && !inner.contains("${{")).then_some(inner)
}

/// Evaluates `source` like Nunjitsu's `renderValue` without coercion: a lone `${{ expr }}`
/// keeps the expression's type; anything else renders to a string.
pub fn render_value(source: &str, context: &Value) -> Result<MjValue, minijinja::Error> {
    let env = environment();
    let ctx = MjValue::from(minijinja::value::Serde(context));
    match lone_expression(source) {
        Some(expression) => env.compile_expression(&translate(expression))?.eval(ctx),
        None => env.render_str(source, ctx).map(MjValue::from),
    }
}

/// JavaScript truthiness, with Backstage's rule that an empty array is false.
pub fn is_truthy(value: &MjValue) -> bool {
    match value.kind() {
        ValueKind::Undefined | ValueKind::None => false,
        ValueKind::Map => true,
        ValueKind::Seq | ValueKind::Iterable => value.len().map_or(true, |n| n > 0),
        ValueKind::String => value.as_str().is_some_and(|s| !s.is_empty()),
        _ => value.is_true(),
    }
}

/// `String(value)` in JavaScript, for the few places this module prints values.
fn js_string(value: &MjValue) -> String {
    match value.kind() {
        ValueKind::Undefined | ValueKind::None => String::new(),
        ValueKind::Bool => value.is_true().to_string(),
        ValueKind::Number => {
            f64::try_from(value.clone()).map(crate::jsfmt::number).unwrap_or_else(|_| value.to_string())
        }
        ValueKind::Seq | ValueKind::Iterable => value
            .try_iter()
            .map(|items| items.map(|item| js_string(&item)).collect::<Vec<_>>().join(","))
            .unwrap_or_default(),
        ValueKind::Map => "[object Object]".into(),
        _ => value.as_str().map(str::to_string).unwrap_or_else(|| value.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn javascript_comparisons() {
        let ctx = json!({"parameters": {"kind": "b", "n": null}});
        assert!(is_truthy(&render_value("${{ parameters.kind === 'b' }}", &ctx).unwrap()));
        assert!(!is_truthy(&render_value("${{ parameters.kind !== 'b' }}", &ctx).unwrap()));
        assert!(is_truthy(&render_value("${{ parameters.n == null }}", &ctx).unwrap()));
        assert!(is_truthy(&render_value("${{ 'a===b' == 'a===b' }}", &ctx).unwrap()));
    }

    #[test]
    fn undefined_chains_quietly() {
        let value = render_value("${{ parameters.missing.deep }}", &json!({"parameters": {}})).unwrap();
        assert!(!is_truthy(&value));
    }

    #[test]
    fn text_around_an_expression_renders_a_string() {
        let value = render_value("x${{ parameters.a }}", &json!({"parameters": {"a": true}})).unwrap();
        assert_eq!(value.as_str(), Some("xtrue"));
    }
}
