//! Diagnostics as a SARIF 2.1.0 log (OASIS Static Analysis Results Interchange Format), the
//! format code-scanning tools (GitHub code scanning, IDE viewers) read.
//!
//! One run; `tool.driver` names Trellis and describes the rules that occur in the results;
//! `columnKind` is `unicodeCodePoints` because Trellis counts columns in characters. Each result
//! has `ruleId`, `ruleIndex` (into `tool.driver.rules`), `level` (`error`, `warning`, or `note`
//! for infos), `message.text` (the message, then ` (hint: …)` when there is a hint) and one
//! location. Regions follow SARIF: `endColumn` is the column after the span, and members that
//! would be 0 (position unknown) are left out.

use serde_json::{json, Map, Value};

use super::{Diagnostic, Severity};

/// The `$schema` every log names.
pub const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";
/// `tool.driver.informationUri`.
pub const INFORMATION_URI: &str = "https://www.npmjs.com/package/backstage-plugin-scaffolder-backend-module-trellis";

/// The SARIF log, pretty-printed and followed by a newline.
///
/// `version` is Trellis' version (`tool.driver.version`). `rules` is the rule catalogue as
/// `(id, description, default severity)`; the log describes those of them that occur in
/// `diagnostics`, in catalogue order, and after them any rule that occurs but is missing from
/// the catalogue (its id standing in for its description, with no default level).
pub fn render(diagnostics: &[Diagnostic], version: &str, rules: &[(&str, &str, Severity)]) -> String {
    let mut out = serde_json::to_string_pretty(&log(diagnostics, version, rules)).expect("a JSON value serialises");
    out.push('\n');
    out
}

fn log(diagnostics: &[Diagnostic], version: &str, rules: &[(&str, &str, Severity)]) -> Value {
    // Rules that occur: catalogue order first, then unknown ids in order of first use.
    let mut used: Vec<&str> =
        rules.iter().map(|(id, _, _)| *id).filter(|id| diagnostics.iter().any(|d| d.rule == *id)).collect();
    for d in diagnostics {
        if !used.contains(&d.rule) {
            used.push(d.rule);
        }
    }

    let descriptors: Vec<Value> = used
        .iter()
        .map(|id| match rules.iter().find(|(known, _, _)| known == id) {
            Some((_, description, severity)) => json!({
                "id": id,
                "shortDescription": {"text": description},
                "fullDescription": {"text": description},
                "defaultConfiguration": {"level": level(*severity)},
            }),
            None => json!({
                "id": id,
                "shortDescription": {"text": id},
            }),
        })
        .collect();

    let results: Vec<Value> = diagnostics
        .iter()
        .map(|d| {
            let index = used.iter().position(|id| *id == d.rule).expect("every rule that occurs is described");
            let mut text = d.message.clone();
            if let Some(hint) = &d.hint {
                text.push_str(&format!(" (hint: {hint})"));
            }
            let mut physical = Map::new();
            physical.insert("artifactLocation".into(), json!({"uri": artifact_uri(&d.file)}));
            if let Some(region) = region(d) {
                physical.insert("region".into(), region);
            }
            json!({
                "ruleId": d.rule,
                "ruleIndex": index,
                "level": level(d.severity),
                "message": {"text": text},
                "locations": [{"physicalLocation": physical}],
            })
        })
        .collect();

    json!({
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "trellis",
                    "informationUri": INFORMATION_URI,
                    "version": version,
                    "rules": descriptors,
                }
            },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    })
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// `startLine`, `startColumn`, `endLine`, `endColumn`; `None` when the line is unknown (0).
fn region(d: &Diagnostic) -> Option<Value> {
    if d.line == 0 {
        return None;
    }
    let mut region = Map::new();
    region.insert("startLine".into(), json!(d.line));
    if d.column > 0 {
        region.insert("startColumn".into(), json!(d.column));
    }
    let end_line = d.end_line.max(d.line);
    region.insert("endLine".into(), json!(end_line));
    if d.column > 0 && d.end_column > 0 {
        // On one line the end may not come before the start (an empty span is an insertion point).
        let end_column = if end_line == d.line { d.end_column.max(d.column) } else { d.end_column };
        region.insert("endColumn".into(), json!(end_column));
    }
    Some(Value::Object(region))
}

/// The file path as a URI reference: `/` separators, relative paths stay relative, characters a
/// URI cannot hold are percent-encoded. A Windows drive path (`C:\x` or `C:/x`) becomes a
/// `file:///C:/x` URI, since `C:` alone would read as a URI scheme.
pub fn artifact_uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let bytes = path.as_bytes();
    let drive = bytes.len() >= 2
        && bytes[0].is_ascii_alphabetic()
        && bytes[1] == b':'
        && (bytes.len() == 2 || bytes[2] == b'/');
    if drive {
        format!("file:///{}{}", &path[..2], encode_path(&path[2..]))
    } else {
        encode_path(&path)
    }
}

/// Percent-encodes what may not appear in a URI path: all but unreserved characters,
/// sub-delimiters, `@` and `/`. A `:` is encoded too, so that a relative path's first segment
/// cannot read as a scheme.
fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        let keep = byte.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=@/".contains(&byte);
        if keep {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULES: &[(&str, &str, Severity)] = &[
        ("yaml-syntax", "The file is not valid YAML.", Severity::Error),
        ("expression-syntax", "A ${{ }} expression does not parse as Nunjucks.", Severity::Error),
        ("unused-parameter", "A parameter is never referenced.", Severity::Info),
    ];

    fn diagnostics() -> Vec<Diagnostic> {
        vec![
            Diagnostic {
                file: "templates/app/template.yaml".into(),
                line: 42,
                column: 28,
                end_line: 42,
                end_column: 30,
                severity: Severity::Error,
                rule: "expression-syntax",
                message: "`&&` is JavaScript, not Nunjucks: write `and`".into(),
                hint: Some("write `parameters.a and parameters.b`".into()),
                suggestion: None,
            },
            Diagnostic {
                file: "templates\\other dir\\template.yaml".into(),
                line: 7,
                column: 5,
                end_line: 9,
                end_column: 1,
                severity: Severity::Info,
                rule: "unused-parameter",
                message: "parameter `owner` is never used".into(),
                hint: None,
                suggestion: None,
            },
            Diagnostic {
                file: "templates/app/template.yaml".into(),
                line: 3,
                column: 1,
                end_line: 3,
                end_column: 4,
                severity: Severity::Warning,
                rule: "not-in-catalogue",
                message: "something else".into(),
                hint: None,
                suggestion: None,
            },
        ]
    }

    #[test]
    fn golden_log() {
        let out = render(&diagnostics()[..2], "0.1.0", RULES);
        assert_eq!(
            out,
            r#"{
  "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
  "version": "2.1.0",
  "runs": [
    {
      "tool": {
        "driver": {
          "name": "trellis",
          "informationUri": "https://www.npmjs.com/package/backstage-plugin-scaffolder-backend-module-trellis",
          "version": "0.1.0",
          "rules": [
            {
              "id": "expression-syntax",
              "shortDescription": {
                "text": "A ${{ }} expression does not parse as Nunjucks."
              },
              "fullDescription": {
                "text": "A ${{ }} expression does not parse as Nunjucks."
              },
              "defaultConfiguration": {
                "level": "error"
              }
            },
            {
              "id": "unused-parameter",
              "shortDescription": {
                "text": "A parameter is never referenced."
              },
              "fullDescription": {
                "text": "A parameter is never referenced."
              },
              "defaultConfiguration": {
                "level": "note"
              }
            }
          ]
        }
      },
      "columnKind": "unicodeCodePoints",
      "results": [
        {
          "ruleId": "expression-syntax",
          "ruleIndex": 0,
          "level": "error",
          "message": {
            "text": "`&&` is JavaScript, not Nunjucks: write `and` (hint: write `parameters.a and parameters.b`)"
          },
          "locations": [
            {
              "physicalLocation": {
                "artifactLocation": {
                  "uri": "templates/app/template.yaml"
                },
                "region": {
                  "startLine": 42,
                  "startColumn": 28,
                  "endLine": 42,
                  "endColumn": 30
                }
              }
            }
          ]
        },
        {
          "ruleId": "unused-parameter",
          "ruleIndex": 1,
          "level": "note",
          "message": {
            "text": "parameter `owner` is never used"
          },
          "locations": [
            {
              "physicalLocation": {
                "artifactLocation": {
                  "uri": "templates/other%20dir/template.yaml"
                },
                "region": {
                  "startLine": 7,
                  "startColumn": 5,
                  "endLine": 9,
                  "endColumn": 1
                }
              }
            }
          ]
        }
      ]
    }
  ]
}
"#
        );
    }

    #[test]
    fn structure() {
        let log: Value = serde_json::from_str(&render(&diagnostics(), "1.2.3", RULES)).unwrap();
        assert_eq!(log["$schema"], SCHEMA_URI);
        assert_eq!(log["version"], "2.1.0");
        let runs = log["runs"].as_array().unwrap();
        assert_eq!(runs.len(), 1);
        let driver = &runs[0]["tool"]["driver"];
        assert_eq!(driver["name"], "trellis");
        assert_eq!(driver["version"], "1.2.3");
        assert_eq!(driver["informationUri"], INFORMATION_URI);

        // Only rules that occur, catalogue order first, then the unknown one.
        let rules = driver["rules"].as_array().unwrap();
        let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
        assert_eq!(ids, ["expression-syntax", "unused-parameter", "not-in-catalogue"]);
        assert_eq!(rules[2], json!({"id": "not-in-catalogue", "shortDescription": {"text": "not-in-catalogue"}}));

        let results = runs[0]["results"].as_array().unwrap();
        assert_eq!(results.len(), 3);
        for result in results {
            let index = result["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(rules[index]["id"], result["ruleId"], "ruleIndex points at the rule");
            assert!(result["message"]["text"].is_string());
            assert_eq!(result["locations"].as_array().unwrap().len(), 1);
            let physical = &result["locations"][0]["physicalLocation"];
            assert!(physical["artifactLocation"]["uri"].is_string());
            let region = &physical["region"];
            assert!(region["startLine"].as_u64().unwrap() >= 1);
            assert!(region["endLine"].as_u64().unwrap() >= region["startLine"].as_u64().unwrap());
        }
        let levels: Vec<&str> = results.iter().map(|r| r["level"].as_str().unwrap()).collect();
        assert_eq!(levels, ["error", "note", "warning"]);
        assert_eq!(results[2]["ruleIndex"], 2);
    }

    #[test]
    fn no_diagnostics_is_a_run_with_no_results() {
        let log: Value = serde_json::from_str(&render(&[], "0.1.0", RULES)).unwrap();
        assert_eq!(log["runs"][0]["results"], json!([]));
        assert_eq!(log["runs"][0]["tool"]["driver"]["rules"], json!([]));
    }

    #[test]
    fn regions_stay_valid() {
        let mut d = diagnostics().remove(0);
        d.end_column = 10; // before the start on the same line
        assert_eq!(region(&d), Some(json!({"startLine": 42, "startColumn": 28, "endLine": 42, "endColumn": 28})));
        d.column = 0;
        assert_eq!(region(&d), Some(json!({"startLine": 42, "endLine": 42})));
        d.line = 0;
        assert_eq!(region(&d), None);
        let log: Value = serde_json::from_str(&render(&[d], "0.1.0", RULES)).unwrap();
        assert_eq!(
            log["runs"][0]["results"][0]["locations"][0]["physicalLocation"],
            json!({"artifactLocation": {"uri": "templates/app/template.yaml"}})
        );
    }

    #[test]
    fn uris() {
        assert_eq!(artifact_uri("templates/app/template.yaml"), "templates/app/template.yaml");
        assert_eq!(artifact_uri("./a b/ä%.yaml"), "./a%20b/%C3%A4%25.yaml");
        assert_eq!(artifact_uri("templates\\app\\template.yaml"), "templates/app/template.yaml");
        assert_eq!(artifact_uri("/home/me/t.yaml"), "/home/me/t.yaml");
        assert_eq!(artifact_uri("C:\\work\\t.yaml"), "file:///C:/work/t.yaml");
        assert_eq!(artifact_uri("a:b/t.yaml"), "a%3Ab/t.yaml");
    }
}
