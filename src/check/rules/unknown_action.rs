//! `unknown-action`: a step's `action` that the manifest does not list. Backstage fails the
//! task at that step ("Template action with ID '…' is not registered"; docs/backstage-behaviour.md).
//!
//! Without `--manifest` the checker knows scaffolder-backend's actions, Trellis' and those of the
//! known modules (`Manifest::modules`, checked like built-ins); an id within a typo of one of them
//! is an error with did-you-mean, any other id is a custom action Trellis cannot know: one
//! warning per id and file. With `--manifest` (the whole instance) every unlisted action is an
//! error, and a known module's action names the package the instance lacks.

use std::collections::{HashMap, HashSet};

use serde_json::Value;

use crate::check::unknown_name::{self, Verdict};
use crate::check::{Context, Rule, RuleInfo, Visitor};
use crate::diagnostics::{Diagnostic, Severity};
use crate::manifest::{Action, Manifest};

pub const RULE: Rule = Rule {
    info: RuleInfo {
        id: "unknown-action",
        description: "step actions must be registered in Backstage",
        default_severity: Severity::Warning,
    },
    visitor: |context| Box::new(UnknownAction::new(context)),
};

const MANIFEST_HINT: &str =
    "run `trellis manifest --url <your Backstage>` and pass the file with `--manifest` to check \
                             against the actions your instance really has";

struct UnknownAction<'c> {
    /// Every action Trellis knows, for typos: a typo of a module action the instance lacks still
    /// gets its did-you-mean.
    known: Vec<String>,
    /// How many steps of the document use each action.
    uses: HashMap<&'c str, usize>,
    /// The once-per-file warnings already given for this file.
    reported: HashSet<String>,
}

impl<'c> UnknownAction<'c> {
    fn new(context: &'c Context<'c>) -> UnknownAction<'c> {
        let manifest = context.manifest;
        let mut known = manifest.action_ids();
        known.extend(
            Manifest::modules().actions.iter().filter(|a| manifest.action(&a.id).is_none()).map(|a| a.id.clone()),
        );
        let actions = context.steps().iter().filter_map(|s| s.get("action").and_then(Value::as_str));
        UnknownAction { known, uses: unknown_name::use_counts(actions), reported: HashSet::new() }
    }
}

impl Visitor for UnknownAction<'_> {
    fn document(&mut self, context: &Context, out: &mut Vec<Diagnostic>) {
        self.reported = unknown_name::reported_in_file(out, RULE.info.id, context.file);
    }

    fn step(&mut self, context: &Context, index: usize, step: &Value, out: &mut Vec<Diagnostic>) {
        let manifest = context.manifest;
        let Some(action) = step.get("action").and_then(|a| a.as_str()) else { return };
        if manifest.action(action).is_some() {
            return;
        }
        let pointer = format!("/spec/steps/{index}/action");
        let span = context.node_span(&pointer, false);
        let mut near = None;
        let not_registered = format!("action `{action}` is not registered; the task fails at this step");
        let (severity, message, hint) = match Manifest::module_action(action) {
            // Only with an instance manifest: without one, every module action is known.
            Some(module) => (
                Severity::Error,
                format!("action `{action}` is not registered in the instance the manifest describes; the task fails at this step"),
                format!("it comes from {}, which that instance does not have: {}", package_name(module), install_hint(module)),
            ),
            None => match unknown_name::verdict(action, &self.known, manifest.complete, &context.suggestions) {
                Verdict::Typo(typo_of) => {
                    near = Some(typo_of);
                    (Severity::Error, not_registered, did_you_mean(typo_of, manifest))
                }
                Verdict::NotInInstance => (
                    Severity::Error,
                    not_registered,
                    "the instance manifest given with `--manifest` does not list it: check the action id, or install \
                     the module that provides it and export the manifest again"
                        .into(),
                ),
                Verdict::Unlisted => {
                    let message = format!(
                        "action `{action}` is neither built into scaffolder-backend nor from a module Trellis knows; \
                         it needs a module that provides it"
                    );
                    if !self.reported.insert(message.clone()) {
                        return;
                    }
                    let uses = self.uses.get(action).copied().unwrap_or(1);
                    (Severity::Warning, message, format!("{MANIFEST_HINT}{}", unknown_name::once_note(uses)))
                }
            },
        };
        let diagnostic = context.diagnostic(RULE.info.id, severity, span, message, Some(hint));
        out.push(crate::check::suggest::offer_value(diagnostic, context, &pointer, action, near));
    }
}

fn did_you_mean(near: &str, manifest: &Manifest) -> String {
    match Manifest::module_action(near) {
        Some(module) if !manifest.complete => format!("did you mean `{near}` (from {})?", package_name(module)),
        Some(module) if manifest.action(near).is_none() => {
            format!("did you mean `{near}`? It comes from {}, which the instance does not have", package_name(module))
        }
        _ => format!("did you mean `{near}`?"),
    }
}

/// `@scope/name` of a module action's `@scope/name@version`.
fn package_name(action: &Action) -> &str {
    let package = action.package.as_deref().unwrap_or_default();
    package.rsplit_once('@').map_or(package, |(name, _)| if name.is_empty() { package } else { name })
}

fn install_hint(action: &Action) -> String {
    let name = package_name(action);
    format!("add it to the backend (`yarn --cwd packages/backend add {name}`, then `backend.add(import('{name}'))`)")
}

#[cfg(test)]
mod tests {
    use crate::check::{check_source, CheckOptions};
    use crate::manifest::Manifest;

    fn template(actions: &[&str]) -> String {
        let steps: String =
            actions.iter().enumerate().map(|(i, a)| format!("    - id: s{i}\n      action: {a}\n")).collect();
        format!(
            "apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata: {{name: t}}\nspec:\n  type: service\n  steps:\n{steps}"
        )
    }

    fn findings(actions: &[&str], manifest: Option<Manifest>) -> Vec<(String, u32, String, String)> {
        let options = CheckOptions { path: None, manifest, ignore: Vec::new() };
        check_source(&template(actions), &options)
            .diagnostics
            .into_iter()
            .filter(|d| d.rule == "unknown-action")
            .map(|d| (d.severity.as_str().to_string(), d.line, d.message, d.hint.unwrap_or_default()))
            .collect()
    }

    #[test]
    fn known_module_actions_need_no_manifest() {
        let found = findings(&["publish:github", "publish:gitlab:merge-request", "roadiehq:utils:fs:write"], None);
        assert!(found.is_empty(), "{found:#?}");
    }

    #[test]
    fn a_typo_of_a_module_action_is_an_error_naming_the_package() {
        let found = findings(&["publish:gihtub"], None);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(found[0].0, "error");
        assert_eq!(
            found[0].3,
            "did you mean `publish:github` (from @backstage/plugin-scaffolder-backend-module-github)?"
        );
    }

    #[test]
    fn a_custom_action_is_one_warning_per_id() {
        let found = findings(&["acme:deploy", "debug:log", "acme:deploy", "acme:notify", "acme:deploy"], None);
        let lines: Vec<_> = found.iter().map(|f| (f.0.as_str(), f.1)).collect();
        assert_eq!(lines, [("warning", 8), ("warning", 14)], "{found:#?}");
        assert!(found[0].3.ends_with("; reported once for its 3 uses in this file"), "{}", found[0].3);
        assert!(found[0].3.contains("trellis manifest"), "{}", found[0].3);
        assert!(!found[1].3.contains("uses in this file"), "{}", found[1].3);
    }

    #[test]
    fn an_id_three_edits_from_a_known_one_is_a_custom_action() {
        let found = findings(&["github:repo:update"], None);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, "warning", "{found:#?}");
    }

    #[test]
    fn with_a_manifest_a_missing_module_names_the_package() {
        let instance = Manifest::parse(r#"{"actions": [{"id": "acme:deploy"}]}"#).unwrap();
        let found = findings(&["acme:deploy", "publish:github", "acme:notify", "acme:notify"], Some(instance));
        let summary: Vec<_> = found.iter().map(|f| (f.0.as_str(), f.1)).collect();
        assert_eq!(summary, [("error", 10), ("error", 12), ("error", 14)], "{found:#?}");
        assert!(found[0].2.contains("not registered in the instance the manifest describes"), "{}", found[0].2);
        assert!(found[0].3.contains("@backstage/plugin-scaffolder-backend-module-github,"), "{}", found[0].3);
        assert!(found[0]
            .3
            .contains("yarn --cwd packages/backend add @backstage/plugin-scaffolder-backend-module-github"));
    }

    #[test]
    fn with_a_manifest_that_has_the_module_its_actions_are_known() {
        let instance = Manifest::parse(r#"{"actions": [{"id": "publish:github"}]}"#).unwrap();
        assert!(findings(&["publish:github"], Some(instance.clone())).is_empty());
        let typo = findings(&["publish:githb"], Some(instance));
        assert_eq!(typo[0].3, "did you mean `publish:github`?");
    }
}
