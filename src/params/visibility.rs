//! Which form pages are shown (`when`) and which values survive because of it, as
//! `resolveParameterSteps` in `@backstage/plugin-scaffolder-common` 2.4.0 decides.
//!
//! Pages are resolved in order; each `when` sees only the values that earlier visible pages own.
//! A value is removed from the task's parameters when only hidden pages declare it: every page's
//! schema is walked along the actual values (properties, items, local `$ref`, allOf/oneOf/anyOf,
//! then/else, dependencies) into a tree of owned paths, and values under hidden-only paths go.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::engine::eval::Extensions;
use crate::engine::value::Value as EngineValue;
use crate::render;

/// The paths of the values one or more pages own.
#[derive(Debug, Clone, Default, PartialEq)]
struct Owned {
    /// Owns everything below this point (a leaf field, or `additionalProperties`).
    all: bool,
    children: BTreeMap<String, Owned>,
}

impl Owned {
    fn everything() -> Owned {
        Owned { all: true, children: BTreeMap::new() }
    }

    fn merge(&mut self, other: Owned) {
        self.all |= other.all;
        for (key, paths) in other.children {
            match self.children.get_mut(&key) {
                Some(existing) => existing.merge(paths),
                None => {
                    self.children.insert(key, paths);
                }
            }
        }
    }
}

/// A page's schema with its visibility, as resolved so far.
pub struct ResolvedPage<'a> {
    pub schema: &'a Value,
    pub visible: bool,
}

/// The result of resolving every page.
pub struct Resolution {
    pub visible: Vec<bool>,
    pub values: Value,
}

/// Resolves `when` on every page in order and filters `values` accordingly.
pub fn resolve(values: &Value, pages: &[(&Value, Option<&Value>)]) -> Resolution {
    let mut resolved: Vec<ResolvedPage> = Vec::new();
    for (schema, when) in pages {
        let visible = match when {
            Some(condition) => evaluate_condition(condition, &filter_hidden(values, &resolved)),
            None => true,
        };
        resolved.push(ResolvedPage { schema, visible });
    }
    Resolution { visible: resolved.iter().map(|p| p.visible).collect(), values: filter_hidden(values, &resolved) }
}

/// `when`: booleans as they are; a string is an expression over `parameters` (already wrapped
/// in `${{ }}` or not), rendered as scaffolder-common does (Nunjitsu's default renderer:
/// no Backstage filters, no regex execution, no coercion); arrays count as true when non-empty.
/// Empty, unparsable or failing conditions leave the page visible.
pub fn evaluate_condition(condition: &Value, parameters: &Value) -> bool {
    match condition {
        Value::Bool(b) => *b,
        Value::String(text) => {
            let expression = text.trim();
            if expression.is_empty() {
                return true;
            }
            let source =
                if expression.starts_with("${{") { expression.to_string() } else { format!("${{{{ {expression} }}}}") };
            let context = render::Context::from_json(&serde_json::json!({ "parameters": parameters }));
            let options = render::RenderOptions { no_regex_execution: true, ..Default::default() };
            match render::render_native(&source, &context, &options, &Extensions::default()) {
                Ok(EngineValue::Array(ref items)) => !items.borrow().is_empty(),
                Ok(value) => value.truthy(),
                Err(_) => true,
            }
        }
        _ => true,
    }
}

/// Removes the values that only hidden pages own.
pub fn filter_hidden(values: &Value, pages: &[ResolvedPage]) -> Value {
    if pages.iter().all(|p| p.visible) {
        return values.clone();
    }
    let mut hidden = Owned::default();
    let mut visible = Owned::default();
    for page in pages {
        let paths = match collect(page.schema, Some(values), page.schema, true, !page.visible, &mut Vec::new()) {
            Ok(paths) => paths,
            // A page whose schema cannot be walked keeps everything if shown, claims nothing if hidden.
            Err(()) if !page.visible => continue,
            Err(()) => Owned::everything(),
        };
        if page.visible {
            visible.merge(paths)
        } else {
            hidden.merge(paths)
        }
    }
    filter(values, Some(&hidden), Some(&visible)).unwrap_or_else(|| values.clone())
}

/// The schema itself plus every schema it brings in at the same level.
fn expand<'a>(schema: &'a Value, root: &'a Value, ancestors: &mut Vec<*const Value>) -> Result<Vec<&'a Value>, ()> {
    let identity = schema as *const Value;
    if ancestors.contains(&identity) {
        return Err(()); // circular reference
    }
    ancestors.push(identity);
    let mut out = vec![schema];
    let result = (|| {
        if let Some(Value::String(reference)) = schema.get("$ref") {
            let target = resolve_local_ref(reference, root)?;
            out.extend(expand(target, root, ancestors)?);
        }
        for keyword in ["allOf", "oneOf", "anyOf"] {
            if let Some(Value::Array(entries)) = schema.get(keyword) {
                for entry in entries.iter().filter(|e| e.is_object()) {
                    out.extend(expand(entry, root, ancestors)?);
                }
            }
        }
        let mut conditional: Vec<&Value> = ["then", "else"].iter().filter_map(|k| schema.get(*k)).collect();
        if let Some(Value::Object(dependencies)) = schema.get("dependencies") {
            conditional.extend(dependencies.values());
        }
        for entry in conditional.into_iter().filter(|e| e.is_object()) {
            out.extend(expand(entry, root, ancestors)?);
        }
        Ok(())
    })();
    ancestors.pop();
    result.map(|()| out)
}

/// `#/a/b` inside the page; anything else is unsupported, as in Backstage.
fn resolve_local_ref<'a>(reference: &str, root: &'a Value) -> Result<&'a Value, ()> {
    let pointer = reference.strip_prefix('#').ok_or(())?;
    let pointer = percent_decode(pointer).ok_or(())?;
    if !pointer.is_empty() && !pointer.starts_with('/') {
        return Err(());
    }
    let mut target = root;
    if !pointer.is_empty() {
        for segment in pointer[1..].split('/') {
            let key = segment.replace("~1", "/").replace("~0", "~");
            target = match target {
                Value::Object(map) => map.get(&key).ok_or(())?,
                Value::Array(items) => key.parse::<usize>().ok().and_then(|i| items.get(i)).ok_or(())?,
                _ => return Err(()),
            };
        }
    }
    if target.is_object() {
        Ok(target)
    } else {
        Err(())
    }
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn collect(
    schema: &Value,
    value: Option<&Value>,
    root: &Value,
    is_root: bool,
    hidden: bool,
    ancestors: &mut Vec<*const Value>,
) -> Result<Owned, ()> {
    let (Some(value), true) = (value, schema.is_object()) else {
        return Ok(Owned::everything());
    };
    let mut paths = Owned::default();
    for part in expand(schema, root, ancestors)? {
        let additional = part.get("additionalProperties");
        if !(is_root && hidden) && (additional == Some(&Value::Bool(true)) || additional.is_some_and(Value::is_object))
        {
            paths.all = true;
        }
        if let Some(Value::Object(properties)) = part.get("properties") {
            for (key, property) in properties {
                let child =
                    collect(property, value.as_object().and_then(|v| v.get(key)), root, false, false, ancestors)?;
                add_child(&mut paths, key.clone(), child);
            }
        }
        if let (Value::Array(items), Some(item_schemas)) = (value, part.get("items")) {
            for (index, item) in items.iter().enumerate() {
                let item_schema = match item_schemas {
                    Value::Array(tuple) => tuple.get(index).or_else(|| part.get("additionalItems")),
                    single => Some(single),
                };
                let child = match item_schema {
                    Some(s) => collect(s, Some(item), root, false, false, ancestors)?,
                    None => Owned::everything(),
                };
                add_child(&mut paths, index.to_string(), child);
            }
        }
    }
    if !is_root && paths.children.is_empty() {
        paths.all = true;
    }
    Ok(paths)
}

fn add_child(paths: &mut Owned, key: String, child: Owned) {
    match paths.children.get_mut(&key) {
        Some(existing) => existing.merge(child),
        None => {
            paths.children.insert(key, child);
        }
    }
}

/// `None` means "omit this value".
fn filter(value: &Value, hidden: Option<&Owned>, visible: Option<&Owned>) -> Option<Value> {
    let Some(hidden) = hidden else { return Some(value.clone()) };
    let Some(visible) = visible else { return None };
    if visible.all {
        return Some(value.clone());
    }
    let everything = Owned::everything();
    let hidden_child = |key: &str| if hidden.all { Some(&everything) } else { hidden.children.get(key) };
    match value {
        Value::Array(items) => Some(Value::Array(
            items
                .iter()
                .enumerate()
                .map(|(index, item)| {
                    let key = index.to_string();
                    let shown = visible.children.get(&key).unwrap_or(&everything);
                    filter(item, hidden_child(&key), Some(shown)).unwrap_or_else(|| item.clone())
                })
                .collect(),
        )),
        Value::Object(entries) => {
            let mut out = Map::new();
            for (key, entry) in entries {
                if let Some(kept) = filter(entry, hidden_child(key), visible.children.get(key)) {
                    out.insert(key.clone(), kept);
                }
            }
            Some(Value::Object(out))
        }
        other => Some(other.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pages(list: &[Value]) -> Vec<(&Value, Option<&Value>)> {
        list.iter().map(|p| (p, p.get("when").filter(|w| w.is_string() || w.is_boolean()))).collect()
    }

    #[test]
    fn values_owned_only_by_a_hidden_page_are_removed() {
        let list = vec![
            json!({"properties": {"kind": {"type": "string"}}}),
            json!({"when": "parameters.kind === 'b'", "properties": {"extra": {"type": "string"}}}),
        ];
        let out = resolve(&json!({"kind": "a", "extra": "x"}), &pages(&list));
        assert_eq!(out.visible, vec![true, false]);
        assert_eq!(out.values, json!({"kind": "a"}));
        let out = resolve(&json!({"kind": "b", "extra": "x"}), &pages(&list));
        assert_eq!(out.visible, vec![true, true]);
        assert_eq!(out.values, json!({"kind": "b", "extra": "x"}));
    }

    #[test]
    fn undeclared_values_stay_and_shared_values_stay() {
        let list = vec![
            json!({"properties": {"a": {"type": "object", "properties": {"x": {}}}}}),
            json!({"when": false, "properties": {"a": {"type": "object", "properties": {"y": {}}}, "b": {}}}),
        ];
        let out = resolve(&json!({"a": {"x": 1, "y": 2}, "b": 3, "c": 4}), &pages(&list));
        assert_eq!(out.values, json!({"a": {"x": 1}, "c": 4}));
    }

    #[test]
    fn failing_conditions_keep_the_page_visible() {
        assert!(evaluate_condition(&json!("parameters.x | nosuchfilter"), &json!({})));
        assert!(evaluate_condition(&json!("   "), &json!({})));
        assert!(!evaluate_condition(&json!("${{ parameters.list }}"), &json!({"list": []})));
        assert!(evaluate_condition(&json!("parameters.obj"), &json!({"obj": {}})));
    }
}
