//! What a Backstage instance offers templates: actions with their input/output JSON Schemas,
//! filters and globals. The built-in manifest is a snapshot of scaffolder-backend 4.3.0 taken
//! from a real backend (`scripts/snapshot-manifest.cjs`); an instance's own (from
//! `trellis manifest --url …`) is merged on top with `--manifest`. A second snapshot lists the
//! actions of the scaffolder modules teams commonly install, each with its package
//! (`scripts/snapshot-module-actions.cjs`): without `--manifest` they are checked like built-ins,
//! with one they name the package an instance lacks (docs/manifest.md).

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One action the scaffolder can run.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Action {
    pub id: String,
    /// The npm package (`name@version`) that registers the action, for the module snapshot's
    /// actions; `None` for scaffolder-backend's own, Trellis' and an instance's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default)]
    pub schema: ActionSchema,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct ActionSchema {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output: Option<Value>,
}

/// A named filter or global.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Named {
    pub name: String,
    /// The npm package (`name@version`) that registers it, for the module snapshot's entries.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package: Option<String>,
    /// What it does, as `/v2/templating-extensions` describes it (shown on hover by
    /// `trellis lsp`); not written back out, so `actionManifest()` is unchanged.
    #[serde(default, skip_serializing)]
    pub description: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct Globals {
    #[serde(default)]
    pub functions: Vec<Named>,
    #[serde(default)]
    pub values: Vec<Named>,
}

/// Actions, filters and globals of one Backstage instance.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct Manifest {
    #[serde(default)]
    pub actions: Vec<Action>,
    #[serde(default)]
    pub filters: Vec<Named>,
    #[serde(default)]
    pub globals: Globals,
    /// Form field extensions (`ui:field` names) the instance's frontend registers besides
    /// Backstage's built-in ones. The backend API does not list them, so they are added by hand.
    #[serde(default)]
    pub fields: Vec<Named>,
    /// Whether this manifest describes a whole instance (given with `--manifest`), so an
    /// action, filter or global missing from it is certainly unknown.
    #[serde(skip)]
    pub complete: bool,
}

const BUILTIN_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/schemas/manifest/backstage-scaffolder-4.3.0.json"));

/// `schemas/manifest/module-actions.json` without its examples (build.rs trims it).
const MODULES_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/module-actions.json"));

/// Trellis' own actions (registered by this package's backend module), with the same JSON
/// Schemas the module serves, so templates using them check without an instance manifest.
const TRELLIS_ACTIONS: &[(&str, &str, Option<&str>)] = &[
    (
        "trellis:fetch:template",
        include_str!(concat!(env!("OUT_DIR"), "/schemas/actions/trellis-fetch-template.input.json")),
        None,
    ),
    (
        "trellis:fetch:cookiecutter",
        include_str!(concat!(env!("OUT_DIR"), "/schemas/actions/trellis-fetch-cookiecutter.input.json")),
        Some(include_str!(concat!(env!("OUT_DIR"), "/schemas/actions/trellis-fetch-cookiecutter.output.json"))),
    ),
    (
        "trellis:parameters:validate",
        include_str!(concat!(env!("OUT_DIR"), "/schemas/actions/trellis-parameters-validate.input.json")),
        Some(include_str!(concat!(env!("OUT_DIR"), "/schemas/actions/trellis-parameters-validate.output.json"))),
    ),
    (
        "trellis:template:check",
        include_str!(concat!(env!("OUT_DIR"), "/schemas/actions/trellis-template-check.input.json")),
        Some(include_str!(concat!(env!("OUT_DIR"), "/schemas/actions/trellis-template-check.output.json"))),
    ),
];

fn trellis_action((id, input, output): &(&str, &str, Option<&str>)) -> Action {
    let schema = |text: &str| serde_json::from_str::<Value>(text).expect("Trellis' action schemas are valid JSON");
    let input = schema(input);
    Action {
        id: (*id).to_string(),
        package: None,
        description: input.get("description").and_then(Value::as_str).map(str::to_string),
        schema: ActionSchema { input: Some(input), output: output.map(schema) },
    }
}

impl Manifest {
    /// scaffolder-backend 4.3.0 with no modules installed, plus Trellis' own actions.
    pub fn builtin() -> &'static Manifest {
        static BUILTIN: OnceLock<Manifest> = OnceLock::new();
        BUILTIN.get_or_init(|| {
            let mut manifest: Manifest = serde_json::from_str(BUILTIN_JSON).expect("the built-in manifest is valid");
            manifest.actions.extend(TRELLIS_ACTIONS.iter().map(trellis_action));
            manifest
        })
    }

    /// The actions (and filters and globals, if any) of the modules in
    /// `scripts/module-actions/package.json`, each with its `package`.
    pub fn modules() -> &'static Manifest {
        static MODULES: OnceLock<Manifest> = OnceLock::new();
        MODULES.get_or_init(|| serde_json::from_str(MODULES_JSON).expect("the module snapshot is valid"))
    }

    /// What `trellis check` knows without `--manifest`: the built-in manifest and the known
    /// modules' actions (not `complete`: an instance may have other modules).
    pub fn builtin_and_modules() -> &'static Manifest {
        static KNOWN: OnceLock<Manifest> = OnceLock::new();
        KNOWN.get_or_init(|| {
            let mut known = Manifest::builtin().clone();
            known.merge(Manifest::modules());
            known
        })
    }

    /// Parses an instance manifest (`trellis manifest` output).
    pub fn parse(text: &str) -> Result<Manifest, String> {
        serde_json::from_str(text).map_err(|e| format!("not a Trellis manifest: {e}"))
    }

    /// The built-in manifest merged with an instance's (`--manifest`; the instance's own wins
    /// for the same id or name). `complete`: the instance has nothing else.
    pub fn builtin_merged_with(instance: &Manifest) -> Manifest {
        let mut merged = Manifest::builtin().clone();
        merged.merge(instance);
        merged.complete = true;
        merged
    }

    /// Adds `extra`'s entries; `extra`'s action wins for the same id.
    fn merge(&mut self, extra: &Manifest) {
        for action in &extra.actions {
            self.actions.retain(|a| a.id != action.id);
            self.actions.push(action.clone());
        }
        for filter in &extra.filters {
            if !self.filters.iter().any(|f| f.name == filter.name) {
                self.filters.push(filter.clone());
            }
        }
        for field in &extra.fields {
            if !self.fields.iter().any(|f| f.name == field.name) {
                self.fields.push(field.clone());
            }
        }
        self.globals.functions.extend(extra.globals.functions.iter().cloned());
        self.globals.values.extend(extra.globals.values.iter().cloned());
    }

    /// The known module action `id`, whether or not this manifest has it.
    pub fn module_action(id: &str) -> Option<&'static Action> {
        Manifest::modules().action(id)
    }

    pub fn action(&self, id: &str) -> Option<&Action> {
        self.actions.iter().find(|a| a.id == id)
    }

    pub fn action_ids(&self) -> Vec<String> {
        self.actions.iter().map(|a| a.id.clone()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::{check_source, CheckOptions};

    #[test]
    fn builtin_lists_trellis_actions_with_the_module_schemas() {
        let manifest = Manifest::builtin();
        for (id, input, output) in TRELLIS_ACTIONS {
            let action = manifest.action(id).unwrap_or_else(|| panic!("{id} is built in"));
            let file: Value = serde_json::from_str(input).unwrap();
            assert_eq!(action.schema.input.as_ref(), Some(&file), "{id} input");
            assert_eq!(action.schema.output.is_some(), output.is_some(), "{id} output");
        }
        assert!(manifest.action("fetch:template").is_some(), "Backstage's own actions stay");
    }

    const USES_TRELLIS_ACTIONS: &str = r#"apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: uses-trellis
spec:
  type: service
  owner: group:default/platform
  parameters:
    - properties:
        size: { type: string, enum: [small, large] }
  steps:
    - id: validate
      name: Validate
      action: trellis:parameters:validate
      input:
        schema: { properties: { size: { type: string } } }
        values: ${{ parameters }}
    - id: fetch
      name: Fetch
      action: trellis:fetch:template
      input:
        url: https://github.com/example/skeletons/tree/main/service
        values:
          size: ${{ parameters.size }}
        strict: true
        limits: { workUnits: 100000 }
    - id: check
      name: Check
      action: trellis:template:check
      input:
        path: template.yaml
        failOn: FAILON
  output:
    valid: ${{ steps.validate.output.valid }}
    errors: ${{ steps.check.output.errors }}
"#;

    #[test]
    fn module_actions_carry_their_package_and_are_checked_without_a_manifest() {
        let modules = Manifest::modules();
        assert!(modules.actions.len() >= 60, "{} module actions", modules.actions.len());
        assert!(modules
            .actions
            .iter()
            .all(|a| a.package.as_deref().is_some_and(|p| p.rfind('@').is_some_and(|at| at > 0))));
        let github = Manifest::module_action("publish:github").expect("the GitHub module's action");
        assert!(github.package.as_deref().unwrap().starts_with("@backstage/plugin-scaffolder-backend-module-github@"));
        assert!(Manifest::builtin().action("publish:github").is_none(), "modules are not built in");
        assert!(Manifest::builtin_and_modules().action("publish:github").is_some());
        assert!(!Manifest::builtin_and_modules().complete);

        let template = r#"apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata: {name: t}
spec:
  type: service
  steps:
    - id: publish
      action: publish:github
      input:
        repoUrl: github.com?owner=o&repo=r
        visibilty: private
  output:
    url: ${{ steps.publish.output.remoteUrl }}
    typo: ${{ steps.publish.output.remoteURL }}
"#;
        let found: Vec<_> = check_source(template, &CheckOptions::default())
            .diagnostics
            .into_iter()
            .map(|d| (d.rule, d.line))
            .collect();
        assert_eq!(found, [("action-input", 11), ("step-output-reference", 14)]);
    }

    #[test]
    fn an_instance_manifest_replaces_the_module_snapshot() {
        let instance = Manifest::parse(r#"{"actions": [{"id": "acme:deploy"}]}"#).unwrap();
        let merged = Manifest::builtin_merged_with(&instance);
        assert!(merged.complete);
        assert!(merged.action("acme:deploy").is_some() && merged.action("fetch:template").is_some());
        assert!(merged.action("publish:github").is_none(), "the instance lacks the GitHub module");
    }

    #[test]
    fn templates_using_trellis_actions_check_clean_without_an_instance_manifest() {
        let clean = check_source(&USES_TRELLIS_ACTIONS.replace("FAILON", "error"), &CheckOptions::default());
        assert!(clean.diagnostics.is_empty(), "{:#?}", clean.diagnostics);

        let wrong = check_source(&USES_TRELLIS_ACTIONS.replace("FAILON", "sometimes"), &CheckOptions::default());
        let rules: Vec<_> = wrong.diagnostics.iter().map(|d| (d.rule, d.line)).collect();
        assert_eq!(rules, [("action-input", 32)], "the input schema is applied");
    }
}
