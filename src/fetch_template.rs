//! The decisions Backstage's `fetch:template` makes about a skeleton (scaffolder-backend 4.3.0,
//! spec §4), in one place for the checker (`check::skeleton`) and the renderer
//! (`render::skeleton`): which option combinations are refused, which files are binary
//! (isbinaryfile v5), which paths `copyWithoutTemplating` covers (globby), which files are
//! templates in extension mode (Node's `path.extname`) and which rendered paths are skipped.

use serde_json::Value;

/// `templateFileExtension` as `fetch:template` reads it: `true` is `.njk`, a leading `.` is
/// added, falsy values (`false`, `""`, absent) mean no extension mode. Anything else (a number…)
/// is refused, as the action's input schema refuses it.
pub fn template_extension(value: Option<&Value>) -> Result<Option<String>, String> {
    match value {
        None | Some(Value::Null) | Some(Value::Bool(false)) => Ok(None),
        Some(Value::Bool(true)) => Ok(Some(".njk".into())),
        Some(Value::String(s)) if s.is_empty() => Ok(None),
        Some(Value::String(s)) => Ok(Some(if s.starts_with('.') { s.clone() } else { format!(".{s}") })),
        Some(other) => Err(format!("templateFileExtension must be a string or a boolean, not {other}")),
    }
}

/// Backstage's `InputError`: extension mode excludes `copyWithoutTemplating` (any array, even an
/// empty one: JavaScript arrays are truthy) and `cookiecutterCompat`.
pub const EXTENSION_CONFLICT: &str =
    "templateFileExtension cannot be combined with copyWithoutTemplating or cookiecutterCompat";
