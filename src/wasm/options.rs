//! The one options parser, and the instance manifest that several exports take as an option.

use serde::de::DeserializeOwned;

use super::error::{deserialize, js_error, JsResult};
use crate::error::TrellisError;
use crate::manifest::Manifest;

/// An export's options from JSON text: the text empty means every option's default; an unknown
/// key is ignored, a known one of the wrong type is a `TypeError` (`invalid options: …`).
pub fn parse_options<T: DeserializeOwned + Default>(json: &str) -> JsResult<T> {
    if json.trim().is_empty() {
        return Ok(T::default());
    }
    deserialize(json, "options", "invalid options")
}

/// An instance's manifest (`trellis manifest` output, JSON text), when given.
pub fn instance_manifest(text: Option<&str>) -> JsResult<Option<Manifest>> {
    text.map(|text| Manifest::parse(text).map_err(|e| js_error(TrellisError::new("invalid-manifest", e)))).transpose()
}

/// The built-in manifest with the instance's merged in; without an instance manifest, `otherwise`
/// (dry-runs, like checks, also know the module snapshot: `Manifest::builtin_and_modules`).
pub fn effective_manifest(text: Option<&str>, otherwise: &Manifest) -> JsResult<Manifest> {
    Ok(match instance_manifest(text)? {
        Some(instance) => Manifest::builtin_merged_with(&instance),
        None => otherwise.clone(),
    })
}
