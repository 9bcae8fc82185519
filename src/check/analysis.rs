//! Analysis of a Template document that several rules share, computed once per document when
//! the [`Context`](super::Context) is built: every templated text parsed with what it reads and
//! calls ([`Parsed`]), and the step ids with their order ([`StepIds`]). Rules read it; none
//! computes it again or asks another rule for it.
//!
//! Every lookup here takes time independent of the number of steps (hash maps and a trie), so a
//! check stays linear in the size of the template; [`work`] counts the lookups for the tests that
//! hold it to that.

use std::collections::{HashMap, HashSet};

use serde_json::Value;

use crate::engine::refs::{analyze, Analysis, Reference};
use crate::engine::{self, ast, ParseOptions, SyntaxError};

/// A template text parsed once, with what it reads and calls.
pub struct Parsed {
    pub template: Result<ast::Template, SyntaxError>,
    /// The context paths it reads and the filters, functions and tests it calls, each in source
    /// order; empty when the text does not parse.
    pub uses: Analysis,
}

impl Parsed {
    pub fn new(text: &str, options: &ParseOptions) -> Parsed {
        let template = engine::parse(text, options);
        let uses = template.as_ref().map(analyze).unwrap_or_default();
        Parsed { template, uses }
    }

    /// The context paths the text reads (`parameters.name`, `steps.x.output.y`), in source order.
    pub fn references(&self) -> &[Reference] {
        &self.uses.references
    }
}

/// The first path segment a reference reads under `root`: `name` of `parameters.name.x`.
pub fn segment_under<'r>(read: &'r Reference, root: &str) -> Option<&'r String> {
    (read.root == root).then(|| read.path.first()).flatten()
}

/// Names a template may use (declared fields, secrets, known filters): in order, for suggestions
/// and listings, and looked up by hash.
pub struct Names {
    in_order: Vec<String>,
    set: HashSet<String>,
}

impl Names {
    pub fn new(in_order: Vec<String>) -> Names {
        let set = in_order.iter().cloned().collect();
        Names { in_order, set }
    }

    pub fn contains(&self, name: &str) -> bool {
        work::count(1);
        self.set.contains(name)
    }

    /// Every name, in the order given.
    pub fn all(&self) -> &[String] {
        &self.in_order
    }
}

/// The step ids in order, with Backstage's default `step-<n>` for a step without one (the
/// dry-run endpoint and the task runner name them so).
pub struct StepIds {
    ids: Vec<String>,
    /// Id → the index of the first step with it.
    first: HashMap<String, usize>,
    dashed: DashedIds,
}

impl StepIds {
    pub fn of(steps: &[Value]) -> StepIds {
        let ids: Vec<String> = steps
            .iter()
            .enumerate()
            .map(|(i, step)| {
                step.get("id").and_then(Value::as_str).map_or_else(|| format!("step-{}", i + 1), str::to_string)
            })
            .collect();
        let mut first = HashMap::with_capacity(ids.len());
        for (index, id) in ids.iter().enumerate() {
            first.entry(id.clone()).or_insert(index);
        }
        let dashed = DashedIds::of(&ids);
        StepIds { ids, first, dashed }
    }

    /// Every id, in step order.
    pub fn all(&self) -> &[String] {
        &self.ids
    }

    /// The index of the first step with `id`.
    pub fn first_index(&self, id: &str) -> Option<usize> {
        work::count(1);
        self.first.get(id).copied()
    }

    /// Whether a step with `id` runs before step `step` (so its output exists there).
    pub fn runs_before(&self, id: &str, step: usize) -> bool {
        self.first_index(id).is_some_and(|index| index < step)
    }

    /// The dashed step id that `reference` (a `steps.<prefix>` read in `source`) starts to spell:
    /// `steps.publish-github` reads `steps.publish`, then subtracts `github`. The longest id
    /// containing `-` that the source text spells from the reference's first segment on.
    pub fn dashed_id_at(&self, source: &str, reference: &Reference) -> Option<&String> {
        let (start, _) = *reference.segment_ranges.first()?;
        let prefix = reference.path.first()?;
        let from = source.get(start..)?;
        if !from.starts_with(prefix.as_str()) {
            return None;
        }
        self.dashed.longest_prefix_of(from, prefix.len()).map(|index| &self.ids[index])
    }
}

/// The ids containing `-` in a trie, so the ids a text starts with are found by walking the text
/// once, whatever the number of steps.
struct DashedIds {
    /// (node, next character) → child node; node 0 is the root.
    edges: HashMap<(u32, char), u32>,
    /// Per node, the index (in step order) of the first step whose id ends there.
    ends: Vec<Option<usize>>,
}

impl DashedIds {
    fn of(ids: &[String]) -> DashedIds {
        let mut trie = DashedIds { edges: HashMap::new(), ends: vec![None] };
        for (index, id) in ids.iter().enumerate().filter(|(_, id)| id.contains('-')) {
            let mut node = 0u32;
            for c in id.chars() {
                let next = trie.ends.len() as u32;
                node = *trie.edges.entry((node, c)).or_insert_with(|| next);
                if node == next {
                    trie.ends.push(None);
                }
            }
            trie.ends[node as usize].get_or_insert(index);
        }
        trie
    }

    /// The step index of the longest id that `text` starts with and that is at least
    /// `min_bytes` long.
    fn longest_prefix_of(&self, text: &str, min_bytes: usize) -> Option<usize> {
        let mut node = 0u32;
        let mut found = None;
        for (at, c) in text.char_indices() {
            work::count(1);
            let Some(&next) = self.edges.get(&(node, c)) else { break };
            node = next;
            let length = at + c.len_utf8();
            if length >= min_bytes {
                found = self.ends[node as usize].or(found);
            }
        }
        found
    }
}

/// A count of the lookups and comparisons the check's shared analysis, suggestions and
/// location mapping make, for tests that hold them linear in the size of the template (speed is
/// measured in bench/, never in tests). Counting is compiled into test builds only.
pub mod work {
    #[cfg(test)]
    thread_local! {
        static DONE: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
    }

    /// Adds `n` units of work.
    #[inline]
    pub fn count(n: u64) {
        #[cfg(test)]
        DONE.with(|done| done.set(done.get() + n));
        #[cfg(not(test))]
        let _ = n;
    }

    /// The work `f` does.
    #[cfg(test)]
    pub fn of(f: impl FnOnce()) -> u64 {
        let before = DONE.with(std::cell::Cell::get);
        f();
        DONE.with(std::cell::Cell::get) - before
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::engine::{self, refs::references, ParseOptions};

    fn ids(steps: serde_json::Value) -> StepIds {
        StepIds::of(steps.as_array().unwrap())
    }

    #[test]
    fn default_ids_and_first_steps() {
        let steps = ids(json!([{"id": "a"}, {}, {"id": "a"}, {"id": "step-2"}]));
        assert_eq!(steps.all(), ["a", "step-2", "a", "step-2"]);
        assert_eq!(steps.first_index("a"), Some(0));
        assert_eq!(steps.first_index("step-2"), Some(1));
        assert!(steps.runs_before("a", 1) && !steps.runs_before("a", 0) && !steps.runs_before("b", 4));
    }

    #[test]
    fn dashed_ids_spelled_after_steps_dot() {
        let steps = ids(json!([{"id": "publish-github"}, {"id": "publish-github-pages"}, {"id": "publish"}]));
        let source =
            "${{ steps.publish-github-pages.output.x }} ${{ steps.publish-gitlab.output }} ${{ steps.publish.x }}";
        let parsed = engine::parse(source, &ParseOptions::default()).unwrap();
        let found: Vec<Option<&String>> =
            references(&parsed).iter().filter(|r| r.root == "steps").map(|r| steps.dashed_id_at(source, r)).collect();
        assert_eq!(found, [Some(&"publish-github-pages".to_string()), None, None]);
    }
}
