//! What a Backstage instance offers templates: actions with their input/output JSON Schemas,
//! filters and globals. The built-in manifest is a snapshot of scaffolder-backend 4.3.0 taken
//! from a real backend (`scripts/snapshot-manifest.cjs`); an instance's own (from
//! `trellis manifest --url …`) is merged on top with `--manifest`.

use std::sync::OnceLock;

use serde::Deserialize;
use serde_json::Value;

/// One action the scaffolder can run.
#[derive(Debug, Clone, Deserialize)]
pub struct Action {
    pub id: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub schema: ActionSchema,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ActionSchema {
    #[serde(default)]
    pub input: Option<Value>,
    #[serde(default)]
    pub output: Option<Value>,
}

/// A named filter or global.
#[derive(Debug, Clone, Deserialize)]
pub struct Named {
    pub name: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Globals {
    #[serde(default)]
    pub functions: Vec<Named>,
    #[serde(default)]
    pub values: Vec<Named>,
}

/// Actions, filters and globals of one Backstage instance.
#[derive(Debug, Clone, Default, Deserialize)]
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
    /// action missing from it is certainly unknown.
    #[serde(skip)]
    pub complete: bool,
}

const BUILTIN_JSON: &str = include_str!("../schemas/manifest/backstage-scaffolder-4.3.0.json");

impl Manifest {
    /// scaffolder-backend 4.3.0 with no modules installed.
    pub fn builtin() -> &'static Manifest {
        static BUILTIN: OnceLock<Manifest> = OnceLock::new();
        BUILTIN.get_or_init(|| serde_json::from_str(BUILTIN_JSON).expect("the built-in manifest is valid"))
    }

    /// Parses an instance manifest (`trellis manifest` output).
    pub fn parse(text: &str) -> Result<Manifest, String> {
        serde_json::from_str(text).map_err(|e| format!("not a Trellis manifest: {e}"))
    }

    /// The built-in manifest plus `extra` (an instance's own wins for the same id or name).
    pub fn with(extra: &Manifest) -> Manifest {
        let mut merged = Manifest::builtin().clone();
        for action in &extra.actions {
            merged.actions.retain(|a| a.id != action.id);
            merged.actions.push(action.clone());
        }
        for filter in &extra.filters {
            if !merged.filters.iter().any(|f| f.name == filter.name) {
                merged.filters.push(filter.clone());
            }
        }
        for field in &extra.fields {
            if !merged.fields.iter().any(|f| f.name == field.name) {
                merged.fields.push(field.clone());
            }
        }
        merged.globals.functions.extend(extra.globals.functions.iter().cloned());
        merged.globals.values.extend(extra.globals.values.iter().cloned());
        merged.complete = true;
        merged
    }

    pub fn action(&self, id: &str) -> Option<&Action> {
        self.actions.iter().find(|a| a.id == id)
    }

    pub fn action_ids(&self) -> Vec<String> {
        self.actions.iter().map(|a| a.id.clone()).collect()
    }
}
