//! `parseYaml(source)`: the YAML reader on its own, as JSON text, for the differential test
//! against npm `yaml` (plugin-wrapper/test/yaml-differential.test.cjs). Never throws: a file
//! Trellis refuses comes back as `{"error": {rule, message, line, column}}`.

use serde_json::{json, Value};
use wasm_bindgen::prelude::*;

/// `{"documents": [value…], "oddities": [{line, column, message}…]}` or `{"error": {rule,
/// message, line, column}}`.
#[wasm_bindgen(js_name = parseYaml)]
pub fn parse_yaml(source: &str) -> String {
    let result = match crate::yaml::parse_documents(source, None) {
        Ok(documents) => {
            let values: Vec<&Value> = documents.iter().map(|d| &d.value).collect();
            let oddities: Vec<Value> = documents
                .iter()
                .flat_map(|d| d.map.oddities())
                .map(|o| json!({ "line": o.span.line, "column": o.span.column, "message": o.message }))
                .collect();
            json!({ "documents": values, "oddities": oddities })
        }
        Err(error) => json!({ "error": {
            "rule": error.rule,
            "message": error.message,
            "line": error.span.map(|s| s.line),
            "column": error.span.map(|s| s.column),
        }}),
    };
    result.to_string()
}
