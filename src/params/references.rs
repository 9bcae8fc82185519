//! Local `$ref`s of a form page, as npm `jsonschema` follows them (docs/backstage-behaviour.md):
//! a pointer is resolved against the page as written, so it may reach a member that is not a
//! keyword (`$ref: '#/myregion/operation'` beside `properties`); and a cycle of references that
//! never reads into the value (`a → b → a`, or through `allOf`, `not`, …) overflows its stack.
//!
//! `npm_compat::translate` keeps only keywords at their pointers, so [`keep_targets`] copies each
//! such target (translated) back to its pointer, and [`in_place_cycle`] finds cycles in the result.

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::npm_compat::{is_keyword, SchemaProblem};

/// The JSON pointer a `$ref` names inside its own page (`#`, `#/a/b`, percent-decoded; still
/// `~`-escaped like every pointer here); `None` for any other reference.
pub fn local_pointer(reference: &str) -> Option<String> {
    let fragment = reference.strip_prefix('#')?;
    if !(fragment.is_empty() || fragment.starts_with('/')) {
        return None;
    }
    Some(percent_decode(fragment))
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (bytes[i], bytes.get(i + 1).copied().and_then(hex), bytes.get(i + 2).copied().and_then(hex)) {
            (b'%', Some(high), Some(low)) => {
                out.push((high * 16 + low) as u8);
                i += 3;
            }
            (byte, _, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Every local pointer a `$ref` string anywhere in `page` names.
fn targets(page: &Value, out: &mut Vec<String>) {
    match page {
        Value::Object(map) => {
            if let Some(pointer) = map.get("$ref").and_then(Value::as_str).and_then(local_pointer) {
                out.push(pointer);
            }
            map.values().for_each(|child| targets(child, out));
        }
        Value::Array(items) => items.iter().for_each(|child| targets(child, out)),
        _ => {}
    }
}

fn unescape(segment: &str) -> String {
    segment.replace("~1", "/").replace("~0", "~")
}

/// Copies into `translated` every `$ref` target of `page` the translation left out because it
/// sits under a member that is not a keyword: the target translated with `translate`, under
/// plain objects named like the page's members (which a validator ignores, as npm does).
pub fn keep_targets(
    page: &Value,
    translated: &mut Value,
    translate: impl Fn(&Value, &str) -> Result<Value, SchemaProblem>,
) -> Result<(), SchemaProblem> {
    let mut wanted = Vec::new();
    targets(page, &mut wanted);
    crate::sort::sort(&mut wanted);
    wanted.dedup();
    for pointer in wanted {
        if translated.pointer(&pointer).is_some() {
            continue;
        }
        let Some(raw) = page.pointer(&pointer) else { continue };
        let segments: Vec<String> = pointer.split('/').skip(1).map(unescape).collect();
        let mut node = &mut *translated;
        let mut written = String::new();
        for (depth, segment) in segments.iter().enumerate() {
            let Value::Object(map) = node else { break };
            written = format!("{written}/{}", crate::yaml::escape_pointer_segment(segment));
            let last = depth + 1 == segments.len();
            if !map.contains_key(segment.as_str()) {
                // A keyword the translation rewrote (`not`, `type`…) is not recreated: it would
                // apply twice, or differently.
                if is_keyword(segment) {
                    break;
                }
                let value = if last { translate(raw, &written)? } else { Value::Object(Map::new()) };
                map.insert(segment.clone(), value);
            }
            node = map.get_mut(segment.as_str()).expect("present or just inserted");
        }
    }
    Ok(())
}

/// The keywords whose subschemas apply to the same value (an in-place step), and those that
/// apply to a part of it (a step into the value, which ends every recursion on a finite value).
const IN_PLACE_SINGLE: &[&str] = &["not", "if", "then", "else"];
const IN_PLACE_LISTS: &[&str] = &["allOf", "anyOf", "oneOf"];
const INTO_SINGLE: &[&str] = &["additionalProperties", "additionalItems", "contains", "propertyNames", "items"];
const INTO_MAPS: &[&str] = &["properties", "patternProperties"];

/// The subschemas of the schema at `at`: `(in place, into the value)`, as pointers.
fn edges(schema: &Value, at: &str) -> (Vec<String>, Vec<String>) {
    let (mut in_place, mut into) = (Vec::new(), Vec::new());
    let Value::Object(map) = schema else { return (in_place, into) };
    let child = |key: &str| format!("{at}/{}", crate::yaml::escape_pointer_segment(key));
    if let Some(pointer) = map.get("$ref").and_then(Value::as_str).and_then(local_pointer) {
        in_place.push(pointer);
    }
    for key in IN_PLACE_SINGLE.iter().filter(|k| map.contains_key(**k)) {
        in_place.push(child(key));
    }
    for key in IN_PLACE_LISTS {
        if let Some(Value::Array(items)) = map.get(*key) {
            in_place.extend((0..items.len()).map(|i| format!("{}/{i}", child(key))));
        }
    }
    if let Some(Value::Object(dependencies)) = map.get("dependencies") {
        let base = child("dependencies");
        for (name, dependency) in dependencies {
            if dependency.is_object() {
                in_place.push(format!("{base}/{}", crate::yaml::escape_pointer_segment(name)));
            }
        }
    }
    for key in INTO_SINGLE {
        match map.get(*key) {
            Some(Value::Array(items)) => into.extend((0..items.len()).map(|i| format!("{}/{i}", child(key)))),
            Some(_) => into.push(child(key)),
            None => {}
        }
    }
    for key in INTO_MAPS {
        if let Some(Value::Object(entries)) = map.get(*key) {
            let base = child(key);
            into.extend(entries.keys().map(|name| format!("{base}/{}", crate::yaml::escape_pointer_segment(name))));
        }
    }
    (in_place, into)
}

#[derive(Clone, Copy, PartialEq)]
enum Mark {
    /// On the current chain of in-place steps.
    Open,
    /// Fully explored: no cycle through it.
    Done,
}

/// A cycle of in-place steps reachable from the page root of `translated`: the problem names the
/// `$ref` that closes it and the chain. Iterative, so a deep page cannot overflow the stack.
pub fn in_place_cycle(translated: &Value) -> Option<SchemaProblem> {
    let mut marks: HashMap<String, Mark> = HashMap::new();
    let mut roots = vec![String::new()];
    let mut seen_roots = std::collections::HashSet::new();
    while let Some(root) = roots.pop() {
        if !seen_roots.insert(root.clone()) {
            continue;
        }
        // Depth-first over in-place steps from `root`: (pointer, its in-place steps, next index).
        let mut chain: Vec<(String, Vec<String>, usize)> = Vec::new();
        if marks.get(&root).is_none() {
            let Some(schema) = translated.pointer(&root) else { continue };
            let (in_place, into) = edges(schema, &root);
            roots.extend(into);
            marks.insert(root.clone(), Mark::Open);
            chain.push((root, in_place, 0));
        }
        while let Some((pointer, steps, next)) = chain.last_mut() {
            let Some(step) = steps.get(*next).cloned() else {
                marks.insert(pointer.clone(), Mark::Done);
                chain.pop();
                continue;
            };
            *next += 1;
            match marks.get(&step) {
                Some(Mark::Done) => {}
                Some(Mark::Open) => return Some(cycle_problem(translated, &chain, &step)),
                None => {
                    let Some(schema) = translated.pointer(&step) else { continue };
                    let (in_place, into) = edges(schema, &step);
                    roots.extend(into);
                    marks.insert(step.clone(), Mark::Open);
                    chain.push((step, in_place, 0));
                }
            }
        }
    }
    None
}

fn cycle_problem(translated: &Value, chain: &[(String, Vec<String>, usize)], back_to: &str) -> SchemaProblem {
    let start = chain.iter().position(|(p, _, _)| p == back_to).unwrap_or(0);
    let members: Vec<&str> = chain[start..].iter().map(|(p, _, _)| p.as_str()).collect();
    // The first member that is a `$ref` (every cycle has one: without references a schema is a tree).
    let referring = members
        .iter()
        .find(|p| translated.pointer(p).and_then(|s| s.get("$ref")).is_some())
        .copied()
        .unwrap_or(members[0]);
    let shown: Vec<String> = members.iter().chain([&back_to]).map(|p| format!("#{p}")).collect();
    SchemaProblem {
        pointer: format!("{referring}/$ref"),
        message: format!(
            "these references go round in a cycle that never reads into the value ({}); npm jsonschema \
             fails with \"Maximum call stack size exceeded\" and Backstage with it",
            shown.join(" → ")
        ),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn local_pointers() {
        assert_eq!(local_pointer("#").as_deref(), Some(""));
        assert_eq!(local_pointer("#/definitions/a%20b").as_deref(), Some("/definitions/a b"));
        assert_eq!(local_pointer("#anchor"), None);
        assert_eq!(local_pointer("other.json#/a"), None);
    }

    #[test]
    fn cycles_through_references_and_in_place_keywords() {
        let pure = json!({"properties": {"x": {"$ref": "#/definitions/a"}},
            "definitions": {"a": {"$ref": "#/definitions/b"}, "b": {"$ref": "#/definitions/a"}}});
        let problem = in_place_cycle(&pure).expect("a → b → a");
        assert_eq!(problem.pointer, "/definitions/a/$ref");
        assert!(problem.message.contains("#/definitions/a → #/definitions/b → #/definitions/a"), "{}", problem.message);

        let through_all_of = json!({"properties": {"x": {"$ref": "#/definitions/a"}},
            "definitions": {"a": {"allOf": [{"$ref": "#/definitions/a"}]}}});
        assert_eq!(in_place_cycle(&through_all_of).expect("cycle").pointer, "/definitions/a/allOf/0/$ref");

        let recursion_into_the_value = json!({"properties": {"child": {"$ref": "#"}}});
        assert!(in_place_cycle(&recursion_into_the_value).is_none());
        let unreachable = json!({"definitions": {"a": {"$ref": "#/definitions/b"}, "b": {"$ref": "#/definitions/a"}}});
        assert!(in_place_cycle(&unreachable).is_none(), "npm never follows references nothing uses");
    }
}
