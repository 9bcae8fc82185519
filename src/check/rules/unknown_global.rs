//! `unknown-global`: a call of a function that is neither a Nunjitsu or Backstage global nor a
//! macro of the template. Nunjitsu throws ("resolved to undefined and cannot be called";
//! docs/backstage-behaviour.md).
//!
//! In steps and output a module may add global functions, which only the instance knows: as for
//! filters (`unknown-filter`), a typo of a known one is an error, any other name one warning per
//! name and file without `--manifest` and an error with one. Page conditions (`when`) know only
//! Nunjucks' own globals, so an unknown call there is always an error.

use std::collections::{HashMap, HashSet};

use crate::check::unknown_name::{self, Verdict};
use crate::check::{Context, Place, Rule, RuleInfo, TemplatedString, Visitor};
use crate::diagnostics::{Diagnostic, Severity};
use crate::engine::builtins::{BACKSTAGE_WORKFLOW_GLOBALS, GLOBALS};

pub const RULE: Rule = Rule {
    info: RuleInfo {
        id: "unknown-global",
        description: "called functions must be Nunjucks or Backstage globals, or macros",
        default_severity: Severity::Error,
    },
    visitor: |context| Box::new(UnknownGlobal::new(context)),
};

struct UnknownGlobal<'c> {
    /// The functions known where steps run (with the manifest's) and in page conditions.
    in_steps: Vec<String>,
    in_conditions: Vec<String>,
    /// How many times the document calls each function outside page conditions.
    uses: HashMap<&'c str, usize>,
    /// The once-per-file warnings already given for this file.
    reported: HashSet<String>,
}

impl<'c> UnknownGlobal<'c> {
    fn new(context: &'c Context<'c>) -> UnknownGlobal<'c> {
        let mut in_steps: Vec<String> =
            GLOBALS.iter().chain(BACKSTAGE_WORKFLOW_GLOBALS).map(|s| s.to_string()).collect();
        in_steps.extend(context.manifest.globals.functions.iter().map(|f| f.name.clone()));
        // `always()`/`failure()` exist in the workflow runner, not in page conditions.
        let in_conditions = GLOBALS.iter().map(|s| s.to_string()).collect();
        let calls = context
            .strings
            .iter()
            .filter(|s| s.place != Place::When)
            .flat_map(|s| s.parsed.uses.functions.iter().map(|u| u.name.as_str()));
        UnknownGlobal { in_steps, in_conditions, uses: unknown_name::use_counts(calls), reported: HashSet::new() }
    }
}

impl Visitor for UnknownGlobal<'_> {
    fn document(&mut self, context: &Context, out: &mut Vec<Diagnostic>) {
        self.reported = unknown_name::reported_in_file(out, RULE.info.id, context.file);
    }

    fn string(&mut self, context: &Context, string: &TemplatedString, out: &mut Vec<Diagnostic>) {
        let known = if string.place == Place::When { &self.in_conditions } else { &self.in_steps };
        for usage in &string.parsed.uses.functions {
            let name = &usage.name;
            if known.contains(name) {
                continue;
            }
            let fails = format!("`{name}()` is not a function Backstage provides; the render fails");
            let listing = format!("the functions available here are {}", known.join(", "));
            // Nothing an instance installs reaches a page condition: an unknown call there is certain.
            let complete = context.manifest.complete || string.place == Place::When;
            let verdict = unknown_name::verdict(name, known, complete, &context.suggestions);
            let near = match verdict {
                Verdict::Typo(near) => Some(near),
                _ => None,
            };
            let (severity, message, hint) = match verdict {
                Verdict::Typo(near) => (Severity::Error, fails, format!("did you mean `{near}()`?")),
                Verdict::NotInInstance => (Severity::Error, fails, listing),
                Verdict::Unlisted => {
                    let message = format!(
                        "`{name}()` is not a Nunjucks or Backstage function; unless a module of your Backstage \
                         registers it, the render fails"
                    );
                    if !self.reported.insert(message.clone()) {
                        continue;
                    }
                    let hint = format!(
                        "{listing}; run `trellis manifest --url <your Backstage>` and pass the file with `--manifest` \
                         to check against your instance's global functions{}",
                        unknown_name::once_note(self.uses.get(name.as_str()).copied().unwrap_or(1))
                    );
                    (Severity::Warning, message, hint)
                }
            };
            let span = context.span_in_string(string, usage.range.0, usage.range.1);
            let diagnostic = context.diagnostic(RULE.info.id, severity, span, message, Some(hint));
            out.push(crate::check::suggest::offer(diagnostic, context, string, usage.range, near));
        }
    }
}
