//! The text report of `trellis params`: one entry per warning (`compat: 'backstage'` only) and
//! per error, rustc style, then a verdict line.
//!
//! ```text
//! error[required]: name: is required
//!   --> template.yaml:12:9 (page 1 "Service")
//!
//! 1 error in 1 page
//! ```

use crate::params::{ParameterResult, Scope};

/// The report of `result` for the template at `file`.
pub fn parameters_text(result: &ParameterResult, file: &str) -> String {
    let mut lines: Vec<String> = Vec::new();
    // `included`: the file a placeholder included, when the keyword is written there.
    let mut entry = |severity: &str,
                     keyword: &str,
                     message: &str,
                     at: Option<(u32, Option<u32>)>,
                     included: &Option<String>,
                     label: String| {
        let file = included.as_deref().unwrap_or(file);
        lines.push(format!("{severity}[{keyword}]: {message}"));
        match at {
            Some((line, column)) => lines.push(format!("  --> {file}:{line}:{}{label}", column.unwrap_or(1))),
            None => lines.push(format!("  --> {file}{label}")),
        }
        lines.push(String::new());
    };
    for warning in &result.warnings {
        let label = page_label(warning.scope, warning.page, warning.page_title.as_deref());
        entry(
            "warning",
            &warning.keyword,
            &warning.message,
            warning.line.map(|l| (l, warning.column)),
            &warning.file,
            label,
        );
    }
    for error in &result.errors {
        let label = page_label(error.scope, error.page, error.page_title.as_deref());
        entry("error", &error.keyword, &error.message, error.line.map(|l| (l, error.column)), &error.file, label);
    }
    let visible = result.visible_pages.iter().filter(|shown| **shown).count();
    let hidden = result.visible_pages.len() - visible;
    if result.valid {
        let pages =
            if visible == 1 { "the only visible page".to_string() } else { format!("all {visible} visible pages") };
        lines.push(format!("values are valid for {pages} ({hidden} hidden)"));
    } else {
        let mut pages: Vec<usize> = result.errors.iter().filter_map(|e| e.page).collect();
        crate::sort::sort(&mut pages);
        pages.dedup();
        let secrets = result.errors.iter().any(|e| e.scope == Scope::Secrets);
        let places: Vec<String> =
            [(!pages.is_empty()).then(|| plural(pages.len(), "page")), secrets.then(|| "secrets".to_string())]
                .into_iter()
                .flatten()
                .collect();
        lines.push(format!("{} in {}", plural(result.errors.len(), "error"), places.join(" and ")));
    }
    let mut text = lines.join("\n");
    text.push('\n');
    text
}

/// ` (page 2 "Database")`, ` (secrets)`, or nothing.
fn page_label(scope: Scope, page: Option<usize>, title: Option<&str>) -> String {
    match page {
        None if scope == Scope::Secrets => " (secrets)".into(),
        None => String::new(),
        Some(page) => match title.filter(|title| !title.is_empty()) {
            Some(title) => format!(" (page {} \"{title}\")", page + 1),
            None => format!(" (page {})", page + 1),
        },
    }
}

fn plural(count: usize, word: &str) -> String {
    format!("{count} {word}{}", if count == 1 { "" } else { "s" })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::ParameterError;
    use serde_json::json;

    fn error(scope: Scope, page: Option<usize>, title: Option<&str>, line: Option<u32>) -> ParameterError {
        ParameterError {
            scope,
            page,
            page_title: title.map(str::to_string),
            path: "/name".into(),
            keyword: "required".into(),
            message: "name: is required".into(),
            schema_path: "/required".into(),
            line,
            column: line.map(|_| 9),
            file: None,
        }
    }

    fn result(valid: bool, visible: &[bool], errors: Vec<ParameterError>) -> ParameterResult {
        ParameterResult { valid, values: json!({}), visible_pages: visible.to_vec(), errors, warnings: Vec::new() }
    }

    #[test]
    fn valid_values_name_the_visible_pages() {
        assert_eq!(
            parameters_text(&result(true, &[true], vec![]), "t.yaml"),
            "values are valid for the only visible page (0 hidden)\n"
        );
        assert_eq!(
            parameters_text(&result(true, &[true, false, true], vec![]), "t.yaml"),
            "values are valid for all 2 visible pages (1 hidden)\n"
        );
    }

    #[test]
    fn errors_are_listed_with_their_place_and_counted() {
        let errors = vec![
            error(Scope::Parameters, Some(0), Some("Service"), Some(12)),
            error(Scope::Parameters, Some(1), Some(""), None),
            error(Scope::Parameters, Some(1), None, Some(3)),
            error(Scope::Secrets, None, None, Some(20)),
        ];
        assert_eq!(
            parameters_text(&result(false, &[true, true], errors), "t.yaml"),
            "error[required]: name: is required\n  --> t.yaml:12:9 (page 1 \"Service\")\n\n\
             error[required]: name: is required\n  --> t.yaml (page 2)\n\n\
             error[required]: name: is required\n  --> t.yaml:3:9 (page 2)\n\n\
             error[required]: name: is required\n  --> t.yaml:20:9 (secrets)\n\n\
             4 errors in 2 pages and secrets\n"
        );
        let one = vec![error(Scope::Secrets, None, None, None)];
        assert_eq!(
            parameters_text(&result(false, &[], one), "t.yaml"),
            "error[required]: name: is required\n  --> t.yaml (secrets)\n\n1 error in secrets\n"
        );
    }

    #[test]
    fn warnings_come_first_with_their_place() {
        let warning = crate::params::ParameterWarning {
            scope: Scope::Parameters,
            page: Some(0),
            page_title: Some("Service".into()),
            keyword: "minimum".into(),
            message: "`minimum` is the string \"5\"; npm jsonschema compares with it as a number".into(),
            schema_path: "/properties/n/minimum".into(),
            line: Some(7),
            column: Some(9),
            file: None,
        };
        let mut valid = result(true, &[true], vec![]);
        valid.warnings.push(warning);
        assert_eq!(
            parameters_text(&valid, "t.yaml"),
            "warning[minimum]: `minimum` is the string \"5\"; npm jsonschema compares with it as a number\n  --> t.yaml:7:9 (page 1 \"Service\")\n\nvalues are valid for the only visible page (0 hidden)\n"
        );
    }
}
