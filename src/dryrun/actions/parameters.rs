//! `trellis:parameters:validate` offline, as plugin-wrapper/src/actions/parametersValidate.ts
//! runs it: the step's schema as the pages of an inline template, validated with
//! `compat: 'backstage'` (a keyword npm `jsonschema` reads leniently gets Backstage's verdict and
//! a warning), the same outputs and the same log lines; each warning also goes into the report,
//! at the keyword when the template writes the schema literally.

use serde_json::{json, Value};

use super::{Call, Outputs};
use crate::error::TrellisError;
use crate::params::{self, Compat, ParameterOptions, Scope};

const ACTION: &str = "trellis:parameters:validate";

/// Where an error or warning is: `page 2 "Title"`, or the scope for secrets (the action's `where`).
fn place(scope: Scope, page: Option<usize>, title: Option<&str>) -> String {
    match page {
        None => match scope {
            Scope::Parameters => "parameters".into(),
            Scope::Secrets => "secrets".into(),
        },
        Some(index) => {
            let title = title.filter(|t| !t.is_empty()).map(|t| format!(" \"{t}\"")).unwrap_or_default();
            format!("page {}{title}", index + 1)
        }
    }
}

fn plural(count: usize, word: &str) -> String {
    format!("{count} {word}{}", if count == 1 { "" } else { "s" })
}

impl Call<'_, '_> {
    pub(super) fn validate_parameters(&mut self) -> Result<Outputs, TrellisError> {
        let schema = self.input.get("schema").cloned().unwrap_or(Value::Null);
        let inline = json!({
            "apiVersion": "scaffolder.backstage.io/v1beta3", "kind": "Template", "metadata": {"name": "inline"},
            "spec": {"type": "inline", "steps": [], "parameters": schema}
        });
        let template = crate::template::Template { entity: inline, map: Default::default(), included: Vec::new() };
        let values = self.input.get("values").cloned().unwrap_or_else(|| json!({}));
        let options = ParameterOptions { compat: Compat::Backstage, ..ParameterOptions::default() };
        let result = params::validate_parameters(&template, &values, &options)
            .map_err(|e| self.error("invalid-action-input", "schema", format!("Invalid input to {ACTION}: {e}")))?;
        let errors: Vec<Value> = result
            .errors
            .iter()
            .map(|e| {
                json!({"scope": e.scope, "page": e.page, "pageTitle": e.page_title, "path": e.path, "keyword": e.keyword,
                    "message": e.message, "schemaPath": e.schema_path})
            })
            .collect();
        for warning in &result.warnings {
            let line = format!(
                "{} ({}, keyword {})",
                warning.message,
                place(warning.scope, warning.page, warning.page_title.as_deref()),
                warning.keyword
            );
            self.log(line.clone());
            // The keyword's node: pages are `[schema].flat()`, so an object is page 0 itself.
            let page = match (&schema, warning.page) {
                (Value::Array(_), Some(index)) => format!("/{index}"),
                _ => String::new(),
            };
            let at = format!("{}/input/schema{page}{}", self.pointer, warning.schema_path);
            let report = self.runner.warning(&at, format!("{ACTION}: {line}"));
            let known = self
                .runner
                .warnings
                .iter()
                .any(|w| (&w.message, w.line, w.column) == (&report.message, report.line, report.column));
            if !known {
                self.runner.warnings.push(report);
            }
        }
        let outputs = vec![("valid".into(), Value::Bool(result.valid)), ("errors".into(), Value::Array(errors))];
        if result.valid {
            let visible = result.visible_pages.iter().filter(|v| **v).count();
            let hidden = result.visible_pages.len() - visible;
            let pages =
                if visible == 1 { "the only visible page".to_string() } else { format!("all {visible} visible pages") };
            self.log(format!("Values are valid for {pages} ({hidden} hidden)"));
            return Ok(outputs);
        }
        for error in &result.errors {
            let at = place(error.scope, error.page, error.page_title.as_deref());
            self.log(format!("{} ({at}, keyword {})", error.message, error.keyword));
        }
        let summary = format!(
            "Parameter validation failed with {}: {}",
            plural(result.errors.len(), "error"),
            result.errors.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join("; ")
        );
        if self.input.get("failOnError") != Some(&Value::Bool(false)) {
            return Err(self.error("invalid-values", "values", summary));
        }
        self.log(format!("{summary} (failOnError is false: the step succeeds)"));
        Ok(outputs)
    }
}
