// Embeds `schemas/manifest/module-actions.json` (the known modules' actions, written by
// `scripts/snapshot-module-actions.cjs`) without what the core never reads: the `examples` of
// each entry, the `source` record and the pretty-printing. The checked-in file is 354 KB; what
// the wasm module carries is a third of that (`src/manifest.rs` includes it from `OUT_DIR`).

use std::path::Path;

use serde_json::Value;

const MODULE_ACTIONS: &str = "schemas/manifest/module-actions.json";

fn without_examples(entries: Option<&mut Value>) {
    for entry in entries.and_then(Value::as_array_mut).into_iter().flatten() {
        if let Some(entry) = entry.as_object_mut() {
            entry.remove("examples");
        }
    }
}

pub fn write() {
    println!("cargo:rerun-if-changed={MODULE_ACTIONS}");
    let text = std::fs::read_to_string(MODULE_ACTIONS).unwrap_or_else(|e| panic!("{MODULE_ACTIONS}: {e}"));
    let mut manifest: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{MODULE_ACTIONS}: {e}"));
    if let Some(object) = manifest.as_object_mut() {
        object.remove("source");
    }
    without_examples(manifest.get_mut("actions"));
    without_examples(manifest.get_mut("filters"));
    without_examples(manifest.pointer_mut("/globals/functions"));
    let out = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("module-actions.json");
    std::fs::write(&out, manifest.to_string()).unwrap_or_else(|e| panic!("{}: {e}", out.display()));
}
