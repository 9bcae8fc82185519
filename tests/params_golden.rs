//! Golden tests for parameter validation: each folder under `tests/fixtures/params/` holds a
//! `template.yaml`, the `values.json` to check, optionally `options.json`
//! (`{"applyDefaults": bool, "secrets": {...}, "compat": "backstage"}`), and `expected.json`, the exact result (or
//! error) Trellis must produce. Run with `TRELLIS_BLESS=1` to rewrite the expectations after an
//! intended change, then review the diff.

use std::fs;
use std::path::Path;

use serde_json::{json, Value};
use trellis::params::{validate_parameters, Compat, ParameterOptions};
use trellis::template::{SourceFormat, Template};

fn run_case(dir: &Path) -> Value {
    let source = fs::read_to_string(dir.join("template.yaml")).expect("template.yaml");
    let values: Value =
        serde_json::from_str(&fs::read_to_string(dir.join("values.json")).expect("values.json")).expect("values JSON");
    let options: Value = fs::read_to_string(dir.join("options.json"))
        .map(|t| serde_json::from_str(&t).expect("options JSON"))
        .unwrap_or(json!({}));
    let options = ParameterOptions {
        apply_defaults: options["applyDefaults"].as_bool().unwrap_or(false),
        secrets: options.get("secrets").cloned(),
        file: Some("template.yaml".into()),
        compat: Compat::parse(options["compat"].as_str()).expect("compat in options.json"),
    };
    let outcome = Template::parse(&source, SourceFormat::Yaml, options.file.as_deref())
        .and_then(|template| validate_parameters(&template, &values, &options));
    match outcome {
        Ok(result) => serde_json::to_value(result).expect("result serialises"),
        Err(error) => json!({"error": error.to_string(), "rule": error.rule, "span": error.span}),
    }
}

#[test]
fn golden_parameter_results() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/params");
    let bless = std::env::var_os("TRELLIS_BLESS").is_some();
    let mut dirs: Vec<_> = fs::read_dir(&root).expect("fixtures dir").map(|e| e.expect("entry").path()).collect();
    dirs.sort();
    assert!(dirs.len() >= 5, "expected the golden fixtures in {}", root.display());
    let mut failures = Vec::new();
    for dir in &dirs {
        let actual = run_case(dir);
        let expected_path = dir.join("expected.json");
        if bless {
            fs::write(&expected_path, serde_json::to_string_pretty(&actual).unwrap() + "\n")
                .expect("write expected.json");
            continue;
        }
        let expected: Value = match fs::read_to_string(&expected_path) {
            Ok(text) => serde_json::from_str(&text).expect("expected.json is JSON"),
            Err(_) => {
                failures.push(format!("{}: no expected.json (run with TRELLIS_BLESS=1 and review it)", dir.display()));
                continue;
            }
        };
        if actual != expected {
            failures.push(format!(
                "{}:\n--- expected\n{}\n--- actual\n{}",
                dir.display(),
                serde_json::to_string_pretty(&expected).unwrap(),
                serde_json::to_string_pretty(&actual).unwrap()
            ));
        }
    }
    assert!(failures.is_empty(), "{} golden case(s) differ:\n{}", failures.len(), failures.join("\n\n"));
}
