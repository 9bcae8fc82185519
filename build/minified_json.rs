// Embeds the JSON files the core includes as text (the entity schemas in
// src/check/rules/entity_structure.rs, the built-in manifest and Trellis' action schemas in
// src/manifest.rs) without their pretty-printing, at `$OUT_DIR/<same path>`: the core parses
// them with serde_json, so only the wasm module's bytes change (issue 18 item 5). Key order is
// kept (serde_json's `preserve_order`); the files hold no number whose text would change.

use std::path::Path;

use serde_json::Value;

const FILES: &[&str] = &[
    "schemas/entity/Entity.schema.json",
    "schemas/entity/EntityEnvelope.schema.json",
    "schemas/entity/EntityMeta.schema.json",
    "schemas/entity/common.schema.json",
    "schemas/entity/Template.v1beta3.schema.json",
    "schemas/manifest/backstage-scaffolder-4.3.0.json",
    "schemas/actions/trellis-fetch-template.input.json",
    "schemas/actions/trellis-fetch-cookiecutter.input.json",
    "schemas/actions/trellis-fetch-cookiecutter.output.json",
    "schemas/actions/trellis-parameters-validate.input.json",
    "schemas/actions/trellis-parameters-validate.output.json",
    "schemas/actions/trellis-template-check.input.json",
    "schemas/actions/trellis-template-check.output.json",
];

pub fn write() {
    let out_dir = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    for file in FILES {
        println!("cargo:rerun-if-changed={file}");
        let text = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{file}: {e}"));
        let value: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{file}: {e}"));
        let out = Path::new(&out_dir).join(file);
        std::fs::create_dir_all(out.parent().expect("a file in a folder"))
            .unwrap_or_else(|e| panic!("{}: {e}", out.display()));
        std::fs::write(&out, value.to_string()).unwrap_or_else(|e| panic!("{}: {e}", out.display()));
    }
}
