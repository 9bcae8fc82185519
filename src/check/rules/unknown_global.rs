//! `unknown-global`: a call of a function that is neither a Nunjitsu or Backstage global nor a
//! macro of the template. Nunjitsu throws ("resolved to undefined and cannot be called";
//! docs/backstage-behaviour.md).
//!
//! In steps and output a module may add global functions, which only the instance knows: as for
//! filters (`unknown-filter`), a typo of a known one is an error, any other name one warning per
//! name and file without `--manifest` and an error with one. Page conditions (`when`) know only
//! Nunjucks' own globals, so an unknown call there is always an error.

use crate::check::context::Place;
use crate::check::unknown_name::{self, Verdict};
use crate::check::{Context, Rule, RuleInfo};
use crate::diagnostics::{Diagnostic, Severity};
use crate::engine::builtins::{BACKSTAGE_WORKFLOW_GLOBALS, GLOBALS};
use crate::engine::refs::analyze;

pub const RULE: Rule = Rule {
    info: RuleInfo {
        id: "unknown-global",
        description: "called functions must be Nunjucks or Backstage globals, or macros",
        default_severity: Severity::Error,
    },
    run,
};

fn run(context: &Context, out: &mut Vec<Diagnostic>) {
    let mut unknown = Vec::new();
    for string in &context.strings {
        let Ok(parsed) = &string.parsed else { continue };
        // `always()`/`failure()` exist in the workflow runner, not in page conditions.
        let workflow: &[&str] = if string.place == Place::When { &[] } else { BACKSTAGE_WORKFLOW_GLOBALS };
        let mut known: Vec<String> = GLOBALS.iter().chain(workflow).map(|s| s.to_string()).collect();
        if string.place != Place::When {
            known.extend(context.manifest.globals.functions.iter().map(|f| f.name.clone()));
        }
        for usage in analyze(parsed).functions {
            if !known.contains(&usage.name) {
                unknown.push((string, usage, known.clone()));
            }
        }
    }
    for (string, usage, known) in &unknown {
        let name = &usage.name;
        let fails = format!("`{name}()` is not a function Backstage provides; the render fails");
        let listing = format!("the functions available here are {}", known.join(", "));
        // Nothing an instance installs reaches a page condition: an unknown call there is certain.
        let complete = context.manifest.complete || string.place == Place::When;
        let (severity, message, hint) = match unknown_name::verdict(name, known, complete) {
            Verdict::Typo(near) => (Severity::Error, fails, format!("did you mean `{near}()`?")),
            Verdict::NotInInstance => (Severity::Error, fails, listing),
            Verdict::Unlisted => {
                let message = format!(
                    "`{name}()` is not a Nunjucks or Backstage function; unless a module of your Backstage registers \
                     it, the render fails"
                );
                if unknown_name::reported_in_file(out, RULE.info.id, context.file, &message) {
                    continue;
                }
                let uses = unknown.iter().filter(|(s, u, _)| u.name == *name && s.place != Place::When).count();
                let hint = format!(
                    "{listing}; run `trellis manifest --url <your Backstage>` and pass the file with `--manifest` to \
                     check against your instance's global functions{}",
                    unknown_name::once_note(uses)
                );
                (Severity::Warning, message, hint)
            }
        };
        let span = context.span_in_string(string, usage.range.0, usage.range.1);
        out.push(context.diagnostic(RULE.info.id, severity, span, message, Some(hint)));
    }
}
