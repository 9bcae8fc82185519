//! JavaScript's way of turning values into text, where users will compare Trellis' output
//! with what Backstage (JavaScript) printed.

/// A number as `String(n)` prints it: `3` not `3.0`, `0.5`, `1e+21`, `1e-7`.
pub fn number(n: f64) -> String {
    crate::engine::value::number_to_string(n)
}

/// A JSON value as `String(v)` prints it for scalars, and as compact JSON for the rest.
pub fn value(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Number(n) => n.as_f64().map(number).unwrap_or_else(|| n.to_string()),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn numbers_print_like_javascript() {
        assert_eq!(super::number(3.0), "3");
        assert_eq!(super::number(0.5), "0.5");
        assert_eq!(super::number(-12.0), "-12");
        assert_eq!(super::number(f64::NAN), "NaN");
    }
}
