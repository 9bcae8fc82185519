//! Build-time data for the core, each part in its own file under build/:
//! `module_actions` trims the module-actions snapshot before it is embedded (src/manifest.rs),
//! `unidecode` packs text-unidecode's table for cookiecutter's `slugify` (src/cookiecutter/slugify.rs),
//! `minified_json` writes the other embedded JSON files without their pretty-printing.

#[path = "build/minified_json.rs"]
mod minified_json;
#[path = "build/module_actions.rs"]
mod module_actions;
#[path = "build/unidecode.rs"]
mod unidecode;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=build");
    minified_json::write();
    module_actions::write();
    unidecode::write();
}
