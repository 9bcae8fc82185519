//! The one decision `unknown-action`, `unknown-filter` and `unknown-global` share: how sure an
//! unknown name is to be a mistake. Only the instance knows its modules' actions, filters and
//! globals, so without its manifest a name near a known one is a typo (an error) and any other
//! name may be the instance's own (a warning, once per name and file, so that a template using a
//! custom action at every step gets one finding, not one per step). docs/manifest.md says so
//! to users.

use std::collections::{HashMap, HashSet};

use super::suggest::Suggestions;
use crate::diagnostics::Diagnostic;

pub enum Verdict<'a> {
    /// Within a typo of this known name: an error with did-you-mean.
    Typo(&'a String),
    /// Not listed by the instance manifest given with `--manifest`: an error.
    NotInInstance,
    /// No manifest, and not near a known name: a warning.
    Unlisted,
}

/// `known`: every name that exists for this run; `complete`: they are the whole instance's.
pub fn verdict<'a>(name: &str, known: &'a [String], complete: bool, suggestions: &Suggestions) -> Verdict<'a> {
    match suggestions.typo_of(name, known) {
        Some(near) => Verdict::Typo(near),
        None if complete => Verdict::NotInInstance,
        None => Verdict::Unlisted,
    }
}

/// The messages of `rule` that `out` already holds for `file` (from an earlier Template document
/// of the same file): a rule reads them once per document, then adds the ones it reports, so a
/// once-per-file warning is a set lookup, not a search of every finding.
pub fn reported_in_file(out: &[Diagnostic], rule: &str, file: &str) -> HashSet<String> {
    out.iter().filter(|d| d.rule == rule && d.file == file).map(|d| d.message.clone()).collect()
}

/// How many times each name occurs in `names`, for the once-per-file warning's hint.
pub fn use_counts<'n>(names: impl IntoIterator<Item = &'n str>) -> HashMap<&'n str, usize> {
    let mut counts = HashMap::new();
    for name in names {
        *counts.entry(name).or_insert(0) += 1;
    }
    counts
}

/// The end of a once-per-file warning's hint: how many uses it stands for, when more than one.
pub fn once_note(uses: usize) -> String {
    if uses > 1 {
        format!("; reported once for its {uses} uses in this file")
    } else {
        String::new()
    }
}
