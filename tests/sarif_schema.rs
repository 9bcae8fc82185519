//! The SARIF logs Trellis writes validate against the official SARIF 2.1.0 JSON Schema, vendored
//! in `schemas/sarif/` (see its README for where it comes from), so this runs offline.

use serde_json::Value;
use trellis::diagnostics::{sarif, Diagnostic, Severity};

const SCHEMA: &str = include_str!("../schemas/sarif/sarif-2.1.0.json");

const RULES: &[(&str, &str, Severity)] = &[
    ("yaml-syntax", "The file is not valid YAML.", Severity::Error),
    ("expression-syntax", "A ${{ }} expression does not parse as Nunjucks.", Severity::Error),
    ("unknown-action", "A step uses an action the Backstage instance does not have.", Severity::Warning),
    ("unused-parameter", "A parameter is never referenced.", Severity::Info),
];

fn diagnostic(
    file: &str,
    (line, column, end_line, end_column): (u32, u32, u32, u32),
    severity: Severity,
    rule: &'static str,
    hint: Option<&str>,
) -> Diagnostic {
    Diagnostic {
        file: file.into(),
        line,
        column,
        end_line,
        end_column,
        severity,
        rule,
        message: format!("{rule} at {line}:{column}"),
        hint: hint.map(String::from),
        suggestion: None,
    }
}

fn validator() -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(SCHEMA).expect("the vendored schema is JSON");
    assert_eq!(schema["title"], "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema");
    // The schema also constrains `format` (uri, uri-reference, date-time…): assert it too.
    jsonschema::options().should_validate_formats(true).build(&schema).expect("the vendored schema compiles")
}

fn assert_valid(validator: &jsonschema::Validator, log: &str) {
    let instance: Value = serde_json::from_str(log).expect("the log is JSON");
    let errors: Vec<String> =
        validator.iter_errors(&instance).map(|e| format!("{} at {}", e, e.instance_path())).collect();
    assert!(errors.is_empty(), "SARIF log does not match the 2.1.0 schema:\n{}\n{log}", errors.join("\n"));
}

#[test]
fn logs_validate_against_the_sarif_2_1_0_schema() {
    let validator = validator();
    let diagnostics = vec![
        diagnostic(
            "templates/app/template.yaml",
            (42, 28, 42, 30),
            Severity::Error,
            "expression-syntax",
            Some("write `and`"),
        ),
        diagnostic("templates/app/template.yaml", (7, 5, 9, 1), Severity::Info, "unused-parameter", None),
        diagnostic(
            "templates/other dir/ä%.yaml",
            (3, 9, 3, 9),
            Severity::Warning,
            "unknown-action",
            Some("did you mean `fetch:template`?"),
        ),
        diagnostic("templates\\win\\template.yaml", (1, 1, 1, 2), Severity::Error, "yaml-syntax", None),
        diagnostic("C:\\work\\template.yaml", (2, 1, 2, 5), Severity::Error, "yaml-syntax", None),
        diagnostic("a:b/template.yaml", (2, 1, 2, 5), Severity::Warning, "not-in-the-catalogue", None),
        // Unknown or odd positions must still give a valid log.
        diagnostic("templates/app/template.yaml", (0, 0, 0, 0), Severity::Error, "yaml-syntax", None),
        diagnostic("templates/app/template.yaml", (5, 0, 5, 0), Severity::Error, "yaml-syntax", None),
        diagnostic("templates/app/template.yaml", (5, 9, 4, 2), Severity::Error, "yaml-syntax", None),
    ];
    assert_valid(&validator, &sarif::render(&diagnostics, "0.1.0", RULES));
    assert_valid(&validator, &sarif::render(&[], "0.1.0", RULES));
    assert_valid(&validator, &sarif::render(&diagnostics[..1], "0.1.0-dev+abc", &[]));
}

#[test]
fn the_schema_rejects_a_broken_log() {
    // Guards against a validator that accepts everything (e.g. a schema that failed to load).
    let validator = validator();
    let log =
        sarif::render(&[diagnostic("t.yaml", (1, 1, 1, 2), Severity::Error, "yaml-syntax", None)], "0.1.0", RULES);
    let mut instance: Value = serde_json::from_str(&log).unwrap();
    instance["runs"][0]["results"][0]["level"] = "fatal".into();
    assert!(!validator.is_valid(&instance), "an unknown level must be rejected");
    let mut instance: Value = serde_json::from_str(&log).unwrap();
    instance["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0.into();
    assert!(!validator.is_valid(&instance), "a line 0 must be rejected");
    let mut instance: Value = serde_json::from_str(&log).unwrap();
    instance["runs"][0]["tool"]["driver"].as_object_mut().unwrap().remove("name");
    assert!(!validator.is_valid(&instance), "a driver without a name must be rejected");
    let mut instance: Value = serde_json::from_str(&log).unwrap();
    instance["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] =
        "a dir/t.yaml".into();
    assert!(!validator.is_valid(&instance), "formats are asserted: a space is no URI reference");
}
