//! `resolvePlaceholders(source, optionsJson, reader?)`: a template's catalog placeholders
//! resolved on their own (src/placeholders.rs), for the differential test against the catalog's
//! `PlaceholderProcessor` (plugin-wrapper/test/placeholders-differential.test.cjs) and for
//! editors: the entity the scaffolder gets, which file each included node comes from, and what
//! could not be resolved.

use serde::Deserialize;
use serde_json::{json, Map, Value};
use wasm_bindgen::prelude::*;

use super::error::{js_error, JsResult};
use super::options::parse_options;
use super::reader::JsSource;
use crate::check::SkeletonSource;
use crate::placeholders::{self, Gravity};
use crate::template::{SourceFormat, Template};
use crate::yaml::Document;

#[derive(Deserialize, Default)]
#[serde(default)]
struct ResolveOptions {
    path: Option<String>,
}

/// JSON `{entity, included: [path], nodes: {pointer: {file, line, column}}, problems: [{rule,
/// severity, file, line, column, message}]}` for the template's `kind: Template` document;
/// `nodes` lists the nodes that come from included files. A template that cannot be read at all
/// (bad YAML, no Template document) throws.
#[wasm_bindgen(js_name = resolvePlaceholders)]
pub fn resolve_placeholders(
    source: &str,
    options_json: &str,
    #[wasm_bindgen(unchecked_param_type = "SkeletonReader | undefined")] reader: JsValue,
) -> JsResult<String> {
    let options: ResolveOptions = parse_options(options_json)?;
    let path = options.path.unwrap_or_else(|| "template.yaml".into());
    let template = Template::parse(source, SourceFormat::Yaml, Some(&path)).map_err(js_error)?;
    let files = JsSource::optional(reader);
    let document = Document { value: template.entity, map: template.map };
    let resolved = placeholders::resolve(document, &path, files.as_ref().map(|f| f as &dyn SkeletonSource));
    let map = &resolved.document.map;
    let nodes: Map<String, Value> = map
        .nodes()
        .filter(|(_, node)| node.value.file != 0)
        .map(|(pointer, node)| {
            let file = map.file_name(&node.value, &path);
            (pointer.clone(), json!({"file": file, "line": node.value.line, "column": node.value.column}))
        })
        .collect();
    let problems: Vec<Value> = resolved
        .problems
        .iter()
        .map(|problem| {
            json!({
                "rule": problem.rule,
                "severity": if problem.gravity == Gravity::Error { "error" } else { "warning" },
                "file": map.file_name(&problem.span, &path),
                "line": problem.span.line,
                "column": problem.span.column,
                "message": problem.message,
            })
        })
        .collect();
    let included: Vec<&str> = map.included().iter().map(|file| file.path.as_str()).collect();
    Ok(json!({"entity": resolved.document.value, "included": included, "nodes": nodes, "problems": problems})
        .to_string())
}
