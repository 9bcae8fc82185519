//! The JavaScript skeleton reader (`SkeletonReader` in the generated d.ts) as a
//! [`SkeletonSource`], and the read limits every walker shares.
//!
//! A callback rather than files collected by JavaScript beforehand: which directories to read
//! follows from the template (urls, `..`, limits, binary files, globs), and that stays in Rust;
//! one call per directory and per rendered file costs microseconds next to the file I/O.

use wasm_bindgen::prelude::*;

use super::error::{invalid_argument, to_object, JsResult};
use super::panic::propagate_fault;
use crate::check::skeleton::{EntryKind, ReadError};
use crate::check::SkeletonSource;

/// `{kind(path), list(path), read(path, maxBytes), mode?(path), readlink?(path)}`: `kind` →
/// `"file" | "dir" | "symlink" | "other"` or null (nothing there), throwing when it cannot tell;
/// `list` → `[name, kind][]`; `read` → `Uint8Array`, or the size (a number) when it exceeds
/// `maxBytes`; failures throw.
pub struct JsSource {
    reader: js_sys::Object,
}

impl JsSource {
    /// The reader argument: `undefined`/`null` means skeletons are not read.
    pub fn optional(reader: JsValue) -> Option<JsSource> {
        reader.dyn_into::<js_sys::Object>().ok().map(|reader| JsSource { reader })
    }

    /// A reader the export cannot do without (`what` names the export).
    pub fn required(reader: JsValue, what: &str) -> JsResult<JsSource> {
        JsSource::optional(reader).ok_or_else(|| invalid_argument(format!("{what} needs a skeleton reader")))
    }

    fn call(&self, method: &str, args: &[JsValue]) -> Result<JsValue, String> {
        let function: js_sys::Function = js_sys::Reflect::get(&self.reader, &JsValue::from_str(method))
            .ok()
            .and_then(|f| f.dyn_into().ok())
            .ok_or_else(|| format!("the skeleton reader has no `{method}` function"))?;
        let result = match args {
            [a] => function.call1(&self.reader, a),
            [a, b] => function.call2(&self.reader, a, b),
            _ => function.call0(&self.reader),
        };
        result.map_err(|e| {
            propagate_fault(&e);
            e.dyn_ref::<js_sys::Error>().map_or_else(|| format!("{e:?}"), |e| String::from(e.message()))
        })
    }

    fn has(&self, method: &str) -> bool {
        js_sys::Reflect::get(&self.reader, &JsValue::from_str(method)).is_ok_and(|f| f.is_function())
    }
}

fn entry_kind(value: &JsValue) -> Option<EntryKind> {
    Some(match value.as_string()?.as_str() {
        "file" => EntryKind::File,
        "dir" => EntryKind::Directory,
        "symlink" => EntryKind::Symlink,
        _ => EntryKind::Other,
    })
}

impl SkeletonSource for JsSource {
    fn kind(&self, path: &str) -> Result<Option<EntryKind>, String> {
        Ok(entry_kind(&self.call("kind", &[JsValue::from_str(path)])?))
    }

    fn list(&self, path: &str) -> Result<Vec<(String, EntryKind)>, String> {
        let listing = self.call("list", &[JsValue::from_str(path)])?;
        let listing: js_sys::Array = listing.dyn_into().map_err(|_| "`list` did not return an array".to_string())?;
        Ok(listing
            .iter()
            .filter_map(|pair| {
                let pair: js_sys::Array = pair.dyn_into().ok()?;
                Some((pair.get(0).as_string()?, entry_kind(&pair.get(1))?))
            })
            .collect())
    }

    fn read(&self, path: &str, max: u64) -> Result<Vec<u8>, ReadError> {
        let bytes =
            self.call("read", &[JsValue::from_str(path), JsValue::from_f64(max as f64)]).map_err(ReadError::Failed)?;
        if let Some(size) = bytes.as_f64() {
            return Err(ReadError::TooLarge(size as u64));
        }
        let bytes: js_sys::Uint8Array =
            bytes.dyn_into().map_err(|_| ReadError::Failed("`read` did not return a Uint8Array".into()))?;
        if u64::from(bytes.length()) > max {
            return Err(ReadError::TooLarge(u64::from(bytes.length())));
        }
        Ok(bytes.to_vec())
    }

    /// The reader's optional `mode(path)` (permission bits).
    fn mode(&self, path: &str) -> u32 {
        self.call_optional("mode", path).and_then(|m| m.as_f64()).map_or(0, |m| m as u32)
    }

    /// The reader's optional `readlink(path)`.
    fn link_target(&self, path: &str) -> Option<String> {
        self.call_optional("readlink", path).and_then(|t| t.as_string())
    }

    /// The reader's optional `root(templatePath)`: the folder reads are confined to.
    fn root(&self, template_path: &str) -> Option<String> {
        self.call_optional("root", template_path).and_then(|t| t.as_string())
    }
}

impl JsSource {
    /// Calls the reader's optional `method` with one path; `None` when it has no such method or
    /// the call fails.
    fn call_optional(&self, method: &str, path: &str) -> Option<JsValue> {
        if !self.has(method) {
            return None;
        }
        self.call(method, &[JsValue::from_str(path)]).ok()
    }
}

/// `readLimits()`: the one set of read limits every walker uses (`crate::read_limits`), as an
/// object `{maxEntries, maxDepth, maxBytes}`, for the wrapper's own walk (`readSkeletonDir`).
#[wasm_bindgen(
    js_name = readLimits,
    unchecked_return_type = "{ maxEntries: number; maxDepth: number; maxBytes: number }"
)]
pub fn read_limits() -> JsResult<JsValue> {
    to_object(&crate::read_limits::READ_LIMITS)
}
