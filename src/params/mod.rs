//! Checking parameter values against a template's form pages, with Backstage's verdicts.
//!
//! Backstage (scaffolder-backend 4.3.0) resolves page visibility (`when`), then runs npm
//! `jsonschema` on each visible page with the *whole* values object and stops at the first
//! failing page. Trellis gives the same verdict per page but reports every error of every
//! visible page, each with the field, the rule and where in the template the rule is written.

mod defaults;
mod formats;
mod lenient;
pub(crate) mod messages;
pub(crate) mod npm_compat;
mod references;
mod visibility;

use jsonschema::error::ValidationErrorKind;
use serde::Serialize;
use serde_json::Value;

use crate::error::TrellisError;
use crate::template::{Page, Template};
use crate::yaml::SourceMap;

pub use visibility::evaluate_condition;

/// Whether `value` satisfies `schema` as Backstage's npm `jsonschema` judges it; `None` when the
/// schema itself cannot be used, otherwise the first error's JSON pointer inside `value` and
/// message. (The checker's memoised twin is `check::validators::first_violation`.)
pub fn first_violation_at(schema: &Value, value: &Value) -> Option<Result<(), (String, String)>> {
    let validator = build(schema).ok()?;
    let first =
        validator.iter_errors(value).next().map(|e| (e.instance_path().to_string(), messages::describe_error(&e)));
    Some(first.map_or(Ok(()), Err))
}

/// What to check besides the parameter values.
#[derive(Debug, Clone, Default)]
pub struct ParameterOptions {
    /// Fill schema defaults into missing fields first, as the Backstage form does.
    pub apply_defaults: bool,
    /// Task secrets to check against `spec.secrets.schema`; `None` skips that check.
    pub secrets: Option<Value>,
    /// File name used in error messages.
    pub file: Option<String>,
    /// How to read a page npm `jsonschema` reads leniently.
    pub compat: Compat,
}

/// How malformed keywords that npm `jsonschema` reads leniently (`minimum: '5'`, `enum: a`) are
/// treated.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Compat {
    /// The page is refused (`invalid-page-schema` at the keyword): Backstage misreads it.
    #[default]
    Strict,
    /// Backstage's verdict, plus a warning naming the keyword (`compat: 'backstage'`; the
    /// `trellis:parameters:validate` action runs in Backstage, so it must not refuse more).
    Backstage,
}

impl Compat {
    /// `None` or `"strict"` → strict, `"backstage"` → Backstage's reading.
    pub fn parse(name: Option<&str>) -> Result<Compat, TrellisError> {
        match name {
            None | Some("strict") => Ok(Compat::Strict),
            Some("backstage") => Ok(Compat::Backstage),
            Some(other) => Err(TrellisError::new(
                "invalid-argument",
                format!("compat must be 'backstage' or 'strict', not {other:?}"),
            )),
        }
    }
}

/// A keyword npm `jsonschema` reads leniently, with `compat: 'backstage'`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ParameterWarning {
    pub scope: Scope,
    pub page: Option<usize>,
    pub page_title: Option<String>,
    /// The keyword (`minimum`, `enum`…).
    pub keyword: String,
    /// What is wrong with it and what Backstage makes of it.
    pub message: String,
    /// JSON pointer of the keyword inside the page schema.
    pub schema_path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
    /// The included file `line` and `column` are in (see [`ParameterError::file`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
}

/// Which object an error is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    Parameters,
    Secrets,
}

/// One reason the values are not accepted.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ParameterError {
    pub scope: Scope,
    /// 0-based index into `[spec.parameters].flat()`; `None` for secrets.
    pub page: Option<usize>,
    pub page_title: Option<String>,
    /// JSON pointer of the offending field in the values (or secrets).
    pub path: String,
    /// The JSON Schema keyword that failed (`required`, `pattern`, …).
    pub keyword: String,
    /// `field: what it must be`, e.g. `repoUrl: is required`.
    pub message: String,
    /// JSON pointer of the failing keyword inside the page schema.
    pub schema_path: String,
    /// Where that keyword is written in the template source, when the source was YAML text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
    /// The file `line` and `column` are in when a catalog placeholder included it (absent: the
    /// template itself).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
}

/// The verdict on one set of values.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ParameterResult {
    pub valid: bool,
    /// The parameters a task would receive: values only hidden pages own are removed, defaults
    /// filled in when asked.
    pub values: Value,
    /// Per page of `[spec.parameters].flat()`: whether its `when` shows it.
    pub visible_pages: Vec<bool>,
    pub errors: Vec<ParameterError>,
    /// With `compat: 'backstage'`: the keywords of every page npm reads leniently.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<ParameterWarning>,
}

/// One compiled schema and where it lives in the template.
struct CompiledSchema<'a> {
    validator: jsonschema::Validator,
    pointer: String,
    page: Option<&'a Page<'a>>,
    /// What `compat: 'backstage'` rewrote in it.
    lenient: Vec<lenient::Lenient>,
}

/// Checks `values` (and, when given, secrets) against `template`'s form pages.
pub fn validate_parameters(
    template: &Template,
    values: &Value,
    options: &ParameterOptions,
) -> Result<ParameterResult, TrellisError> {
    let file = options.file.as_deref();
    if !values.is_object() {
        return Err(TrellisError::new(
            "invalid-values",
            format!("parameter values must be an object of field names to values, found {}", describe_json(values)),
        )
        .in_file(file));
    }
    within_request_limit(values, "parameter values", file)?;
    let pages = template.pages();
    let mut compiled: Vec<Result<CompiledSchema, TrellisError>> = pages
        .iter()
        .map(|page| compile(page.schema, &page.pointer, Some(page), &template.map, file, options.compat))
        .collect();
    // Strictly, a broken page is an error whatever the values; Backstage reads only visible pages.
    if options.compat == Compat::Strict {
        if let Some(position) = compiled.iter().position(Result::is_err) {
            return Err(compiled.swap_remove(position).err().expect("an error at this position"));
        }
    }
    let mut warnings: Vec<ParameterWarning> = compiled
        .iter()
        .flat_map(|schema| {
            schema.as_ref().map(|s| warnings_of(s, Scope::Parameters, &template.map)).unwrap_or_default()
        })
        .collect();

    let mut values = values.clone();
    if options.apply_defaults {
        apply_defaults(&pages, &mut values);
    }
    let conditions: Vec<(&Value, Option<&Value>)> = pages.iter().map(|p| (p.schema, p.when())).collect();
    let resolution = visibility::resolve(&values, &conditions);

    let mut errors = Vec::new();
    for ((schema, visible), page) in compiled.into_iter().zip(&resolution.visible).zip(&pages) {
        match (schema, visible) {
            (Ok(schema), true) => {
                collect_errors(&schema, &values, Scope::Parameters, &template.map, file, &mut errors)?
            }
            (Err(broken), true) => return Err(broken),
            (Err(broken), false) => warnings.push(ParameterWarning {
                scope: Scope::Parameters,
                page: Some(page.index),
                page_title: page.title().map(str::to_string),
                keyword: broken.rule.to_string(),
                message: format!("{}; Backstage does not read it while it is hidden", broken.message),
                schema_path: String::new(),
                line: broken.span.map(|s| s.line),
                column: broken.span.map(|s| s.column),
                file: included_path(&template.map, broken.span),
            }),
            (Ok(_), false) => {}
        }
    }

    if let (Some(secrets), Some(schema)) = (&options.secrets, template.secrets_schema()) {
        if !secrets.is_object() {
            return Err(TrellisError::new(
                "invalid-values",
                format!("secrets must be an object, found {}", describe_json(secrets)),
            )
            .in_file(file));
        }
        within_request_limit(secrets, "secrets", file)?;
        let compiled = compile(schema, "/spec/secrets/schema", None, &template.map, file, options.compat)?;
        warnings.extend(warnings_of(&compiled, Scope::Secrets, &template.map));
        collect_errors(&compiled, secrets, Scope::Secrets, &template.map, file, &mut errors)?;
    }

    Ok(ParameterResult {
        valid: errors.is_empty(),
        values: resolution.values,
        visible_pages: resolution.visible,
        errors,
        warnings,
    })
}

/// Largest JSON text of values (or secrets) checked: Backstage's scaffolder reads request bodies
/// with `express.json({ limit: '10MB' })` (docs/backstage-behaviour.md), so larger values never
/// reach its validation; refusing them up front also bounds the work of every check below.
pub const MAX_VALUES_BYTES: usize = 10 * 1024 * 1024;

/// Counts the bytes of JSON text written, failing past [`MAX_VALUES_BYTES`] to stop early.
struct JsonSize(usize);

impl std::io::Write for JsonSize {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0 += bytes.len();
        if self.0 > MAX_VALUES_BYTES {
            return Err(std::io::Error::other("over the limit"));
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn within_request_limit(value: &Value, what: &str, file: Option<&str>) -> Result<(), TrellisError> {
    if serde_json::to_writer(JsonSize(0), value).is_ok() {
        return Ok(());
    }
    Err(TrellisError::new(
        "invalid-values",
        format!(
            "the {what} are more than {} MB of JSON; Backstage's scaffolder refuses a request that large \
             (HTTP 413), so they are not checked",
            MAX_VALUES_BYTES / (1024 * 1024)
        ),
    )
    .in_file(file))
}

/// Defaults of the pages the user would see, page by page, since a default on one page can
/// decide whether a later page is shown.
fn apply_defaults(pages: &[Page], values: &mut Value) {
    let mut shown: Vec<(&Value, Option<&Value>)> = Vec::new();
    for page in pages {
        shown.push((page.schema, page.when()));
        let resolution = visibility::resolve(values, &shown);
        if resolution.visible.last() == Some(&true) {
            defaults::apply(page.schema, page.schema, values);
        }
    }
}

fn page_label(page: Option<&Page>) -> String {
    match page {
        Some(page) => match page.title() {
            Some(title) => format!("page {} ({title:?})", page.index + 1),
            None => format!("page {}", page.index + 1),
        },
        None => "spec.secrets.schema".into(),
    }
}

fn compile<'a>(
    schema: &Value,
    pointer: &str,
    page: Option<&'a Page<'a>>,
    map: &SourceMap,
    file: Option<&str>,
    compat: Compat,
) -> Result<CompiledSchema<'a>, TrellisError> {
    let (read, lenient) = match compat {
        Compat::Strict => (None, Vec::new()),
        Compat::Backstage => {
            let (read, lenient) = lenient::read(schema);
            (Some(read), lenient)
        }
    };
    let validator = build(read.as_ref().unwrap_or(schema)).map_err(|problem| {
        TrellisError::new(
            "invalid-page-schema",
            format!("{} is not a valid JSON Schema: {}", page_label(page), problem.message),
        )
        .with_hint(PAGE_SCHEMA_HINT)
        .at(map.locate_key(&format!("{pointer}{}", problem.pointer)))
        .in_file(included_path(map, map.locate_key(&format!("{pointer}{}", problem.pointer))).as_deref().or(file))
    })?;
    Ok(CompiledSchema { validator, pointer: pointer.to_string(), page, lenient })
}

fn warnings_of(schema: &CompiledSchema, scope: Scope, map: &SourceMap) -> Vec<ParameterWarning> {
    schema
        .lenient
        .iter()
        .map(|lenient| {
            let located = map.locate_key(&format!("{}{}", schema.pointer, lenient.pointer));
            ParameterWarning {
                scope,
                page: schema.page.map(|p| p.index),
                page_title: schema.page.and_then(|p| p.title()).map(str::to_string),
                keyword: lenient.keyword.clone(),
                message: format!("`{}`: {}", display_pointer(&lenient.pointer), lenient.reading),
                schema_path: lenient.pointer.clone(),
                line: located.map(|s| s.line),
                column: located.map(|s| s.column),
                file: included_path(map, located),
            }
        })
        .collect()
}

/// The lenient reading whose marker (a schema `compat: 'backstage'` added) an error comes from.
fn marker_of<'s>(schema: &'s CompiledSchema, schema_path: &str) -> Option<(&'s lenient::Lenient, &'s lenient::Effect)> {
    schema.lenient.iter().find_map(|lenient| {
        let (at, effect) = lenient.marker.as_ref()?;
        let inside =
            schema_path == at || schema_path.strip_prefix(at.as_str()).is_some_and(|rest| rest.starts_with('/'));
        inside.then_some((lenient, effect))
    })
}

/// How to fix a page that [`page_schema_problem`] refuses.
pub const PAGE_SCHEMA_HINT: &str = "fix the keyword at this position; Backstage would reject or misread this form";

/// Why Backstage cannot use `schema` as a form page (not a draft-07 schema, or one npm
/// `jsonschema` would misread), with the JSON pointer inside `schema` of the culprit.
pub fn page_schema_problem(schema: &Value) -> Option<npm_compat::SchemaProblem> {
    build(schema).err()
}

/// The page as npm `jsonschema` reads it, compiled; or what makes it unusable.
pub(crate) fn build(schema: &Value) -> Result<jsonschema::Validator, npm_compat::SchemaProblem> {
    let translated = npm_compat::translate(schema).map_err(|problem| npm_compat::SchemaProblem {
        message: format!("`{}`: {}", display_pointer(&problem.pointer), problem.message),
        pointer: problem.pointer,
    })?;
    formats::register(jsonschema::draft7::options()).build(&translated).map_err(|error| {
        let at = error.instance_path().as_str().to_string();
        match (error.kind(), outside_reference(schema, "")) {
            // The error has no position; the first `$ref` leaving the page is the culprit.
            (ValidationErrorKind::Referencing(_), Some((pointer, target))) => npm_compat::SchemaProblem {
                message: format!(
                    "`{}`: `{target}` is outside the page; only references inside it (`#/…`) can be resolved",
                    display_pointer(&pointer)
                ),
                pointer,
            },
            (ValidationErrorKind::Referencing(reference), None) => npm_compat::SchemaProblem {
                message: format!("{reference} (only references inside the page, `#/…`, can be resolved)"),
                pointer: at,
            },
            _ => npm_compat::SchemaProblem { message: format!("`{}`: {error}", display_pointer(&at)), pointer: at },
        }
    })
}

/// The pointer and target of the first `$ref` under `value` that does not stay in the document.
fn outside_reference(value: &Value, pointer: &str) -> Option<(String, String)> {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(target)) = map.get("$ref") {
                if !target.starts_with('#') {
                    return Some((format!("{pointer}/$ref"), target.clone()));
                }
            }
            map.iter().find_map(|(key, child)| {
                outside_reference(child, &format!("{pointer}/{}", crate::yaml::escape_pointer_segment(key)))
            })
        }
        Value::Array(items) => {
            items.iter().enumerate().find_map(|(i, child)| outside_reference(child, &format!("{pointer}/{i}")))
        }
        _ => None,
    }
}

fn display_pointer(pointer: &str) -> String {
    if pointer.is_empty() {
        "(page root)".into()
    } else {
        pointer.trim_start_matches('/').replace('/', ".")
    }
}

fn collect_errors(
    schema: &CompiledSchema,
    instance: &Value,
    scope: Scope,
    map: &SourceMap,
    file: Option<&str>,
    out: &mut Vec<ParameterError>,
) -> Result<(), TrellisError> {
    let prefix = if scope == Scope::Secrets { "secrets." } else { "" };
    for error in schema.validator.iter_errors(instance) {
        let instance_path = error.instance_path().as_str().to_string();
        let kind = error.kind();
        if let Some((lenient, effect)) = marker_of(schema, error.schema_path().as_str()) {
            let located = map.locate_key(&format!("{}{}", schema.pointer, lenient.pointer));
            match effect {
                lenient::Effect::Throws(thrown) => {
                    return Err(TrellisError::new(
                        "invalid-page-schema",
                        format!(
                            "{} fails in Backstage on these values: at `{}` npm jsonschema throws \"{thrown}\"",
                            page_label(schema.page),
                            display_pointer(&lenient.pointer)
                        ),
                    )
                    .with_hint(PAGE_SCHEMA_HINT)
                    .at(located)
                    .in_file(included_path(map, located).as_deref().or(file)));
                }
                lenient::Effect::Fails(message) => out.push(ParameterError {
                    scope,
                    page: schema.page.map(|p| p.index),
                    page_title: schema.page.and_then(|p| p.title()).map(str::to_string),
                    message: format!("{prefix}{}: {message}", messages::field_name(&instance_path)),
                    path: instance_path,
                    keyword: lenient.keyword.clone(),
                    schema_path: lenient.pointer.clone(),
                    line: located.map(|s| s.line),
                    column: located.map(|s| s.column),
                    file: included_path(map, located),
                }),
            }
            continue;
        }
        let schema_path = error.schema_path().as_str().to_string();
        // One entry per field, so each can be shown next to its input.
        let fields: Vec<(String, Option<String>)> = match kind {
            ValidationErrorKind::Required { property } => {
                let name = crate::jsfmt::value(property);
                vec![(format!("{instance_path}/{}", crate::yaml::escape_pointer_segment(&name)), Some(name))]
            }
            ValidationErrorKind::AdditionalProperties { unexpected } => unexpected
                .iter()
                .map(|name| (format!("{instance_path}/{}", crate::yaml::escape_pointer_segment(name)), None))
                .collect(),
            _ => vec![(instance_path.clone(), None)],
        };
        for (path, required_name) in fields {
            let located = locate(map, &schema.pointer, &schema_path, required_name.as_deref());
            out.push(ParameterError {
                scope,
                page: schema.page.map(|p| p.index),
                page_title: schema.page.and_then(|p| p.title()).map(str::to_string),
                message: format!("{prefix}{}: {}", messages::field_name(&path), messages::describe_error(&error)),
                path,
                keyword: kind.keyword().to_string(),
                schema_path: schema_path.clone(),
                line: located.map(|s| s.line),
                column: located.map(|s| s.column),
                file: included_path(map, located),
            });
        }
    }
    Ok(())
}

/// The path of the included file `span` is in, when a placeholder brought it in.
fn included_path(map: &SourceMap, span: Option<crate::error::Span>) -> Option<String> {
    span.and_then(|span| map.included_file(&span)).map(|file| file.path.clone())
}

/// Where the failing rule is written. For a missing field, its declaration under `properties`
/// is more useful than the `required` list.
fn locate(map: &SourceMap, base: &str, schema_path: &str, required: Option<&str>) -> Option<crate::error::Span> {
    if let Some(name) = required {
        let parent = schema_path.strip_suffix("/required").unwrap_or(schema_path);
        let declared = format!("{base}{parent}/properties/{}", crate::yaml::escape_pointer_segment(name));
        if let Some(node) = map.get(&declared) {
            return Some(node.key.unwrap_or(node.value));
        }
    }
    map.locate_key(&format!("{base}{schema_path}"))
}

fn describe_json(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::template::SourceFormat;

    fn page(properties: &str) -> Template {
        let source = format!(
            "apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata: {{name: t}}\nspec:\n  type: service\n  parameters:\n    - properties:\n        {properties}\n"
        );
        Template::parse(&source, SourceFormat::Yaml, Some("t.yaml")).expect("template")
    }

    #[test]
    fn values_larger_than_a_backstage_request_are_refused_up_front() {
        let template = page("name: {type: string}");
        let big = json!({"name": "x".repeat(MAX_VALUES_BYTES)});
        let error = validate_parameters(&template, &big, &ParameterOptions::default()).unwrap_err();
        assert_eq!(error.rule, "invalid-values");
        assert!(error.message.contains("more than 10 MB of JSON"), "{}", error.message);
        let fits = json!({"name": "x".repeat(MAX_VALUES_BYTES - 100)});
        assert!(validate_parameters(&template, &fits, &ParameterOptions::default()).is_ok());
    }

    const REGION: &str =
        "op: {$ref: '#/myregion/operation'}\n      myregion:\n        operation: {type: string, minLength: 2}";
    const CYCLE: &str = "x: {$ref: '#/definitions/a'}\n      definitions:\n        a: {$ref: '#/definitions/b'}\n        b: {$ref: '#/definitions/a'}";

    #[test]
    fn a_ref_into_a_member_beside_properties_resolves_as_npm_reads_it() {
        let template = page(REGION);
        let short = validate_parameters(&template, &json!({"op": "a"}), &ParameterOptions::default()).unwrap();
        assert_eq!(
            short.errors.iter().map(|e| e.message.as_str()).collect::<Vec<_>>(),
            ["op: must be at least 2 characters long"]
        );
        assert!(validate_parameters(&template, &json!({"op": "ab"}), &ParameterOptions::default()).unwrap().valid);
    }

    #[test]
    fn a_reference_cycle_makes_the_page_invalid() {
        let error = validate_parameters(&page(CYCLE), &json!({}), &ParameterOptions::default()).unwrap_err();
        assert_eq!(error.rule, "invalid-page-schema");
        assert!(error.message.contains("#/definitions/a → #/definitions/b → #/definitions/a"), "{}", error.message);
        assert_eq!(error.span.map(|s| s.line), Some(10), "at the first $ref of the cycle");
    }

    #[test]
    fn the_checker_reports_the_cycle_and_not_the_region() {
        let rules = |properties: &str| -> Vec<&'static str> {
            let source = format!(
                "apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata: {{name: t}}\nspec:\n  type: service\n  owner: group:default/a\n  parameters:\n    - properties:\n        {properties}\n  steps: []\n"
            );
            let result = crate::check::check_source(&source, &crate::check::CheckOptions::default());
            result.diagnostics.iter().map(|d| d.rule).filter(|r| *r == "parameter-schema-invalid").collect()
        };
        assert_eq!(rules(CYCLE), ["parameter-schema-invalid"]);
        assert!(rules(REGION).is_empty());
    }

    fn compat(properties: &str, values: Value) -> Result<ParameterResult, TrellisError> {
        let options = ParameterOptions { compat: Compat::Backstage, ..ParameterOptions::default() };
        validate_parameters(&page(properties), &values, &options)
    }

    fn messages(result: &ParameterResult) -> Vec<&str> {
        result.errors.iter().map(|e| e.message.as_str()).collect()
    }

    #[test]
    fn compat_backstage_reads_numeric_keywords_as_javascript_compares_them() {
        let strict =
            validate_parameters(&page("q: {type: number, minimum: '5'}"), &json!({}), &ParameterOptions::default());
        assert_eq!(strict.unwrap_err().rule, "invalid-page-schema", "the strict reading refuses the page");

        let low = compat("q: {type: number, minimum: '5'}", json!({"q": 4})).unwrap();
        assert_eq!(messages(&low), ["q: must be greater than or equal to 5"]);
        assert_eq!((low.warnings[0].keyword.as_str(), low.warnings[0].line), ("minimum", Some(8)));
        assert!(
            low.warnings[0].message.contains("compares with it as JavaScript does, as 5"),
            "{}",
            low.warnings[0].message
        );
        assert!(compat("q: {type: number, minimum: '5'}", json!({"q": 5})).unwrap().valid);

        let nan = compat("q: {minimum: abc}", json!({"q": 4})).unwrap();
        assert_eq!(messages(&nan), ["q: must be greater than or equal to abc"]);
        assert_eq!(
            (nan.errors[0].keyword.as_str(), nan.errors[0].schema_path.as_str()),
            ("minimum", "/properties/q/minimum")
        );
        assert!(compat("q: {minimum: abc}", json!({"q": "text"})).unwrap().valid, "npm compares numbers only");

        assert_eq!(
            messages(&compat("q: {minLength: 1.5}", json!({"q": "a"})).unwrap()),
            ["q: must be at least 2 characters long"]
        );
        assert!(!compat("q: {maxLength: -1}", json!({"q": ""})).unwrap().valid);
        assert!(compat("q: {multipleOf: '-2'}", json!({"q": 4})).unwrap().valid);
        assert!(compat("q: {pattern: 5}", json!({"q": "a5"})).unwrap().valid);
        assert!(!compat("q: {pattern: 5}", json!({"q": "ab"})).unwrap().valid);
        let ignored = compat("q: {format: 5}", json!({"q": "x"})).unwrap();
        assert!(ignored.valid && ignored.warnings[0].keyword == "format");
    }

    #[test]
    fn compat_backstage_fails_where_npm_throws_and_only_there() {
        let absent = compat("q: {enum: a}", json!({})).unwrap();
        assert!(absent.valid);
        assert_eq!(absent.warnings[0].keyword, "enum");
        let present = compat("q: {enum: a}", json!({"q": "a"})).unwrap_err();
        assert_eq!(present.rule, "invalid-page-schema");
        assert!(present.message.contains("npm jsonschema throws \"enum expects an array\""), "{}", present.message);
        assert_eq!(present.span.map(|s| s.line), Some(8));

        assert!(compat("q: {multipleOf: 0}", json!({"q": "x"})).unwrap().valid);
        assert!(compat("q: {multipleOf: 0}", json!({"q": 1})).is_err());
        assert!(compat("q: {type: array, items: null}", json!({"q": []})).unwrap().valid);
        assert!(compat("q: {type: array, items: null}", json!({"q": [1]})).is_err());
        assert!(compat("q: {pattern: '('}", json!({"q": 5})).unwrap().valid);
        assert!(compat("q: {pattern: '('}", json!({"q": "x"})).is_err());
    }

    #[test]
    fn compat_names() {
        assert_eq!(Compat::parse(None).unwrap(), Compat::Strict);
        assert_eq!(Compat::parse(Some("backstage")).unwrap(), Compat::Backstage);
        assert_eq!(Compat::parse(Some("loose")).unwrap_err().rule, "invalid-argument");
    }

    #[test]
    fn compat_backstage_does_not_read_a_broken_page_while_it_is_hidden() {
        let source = "apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata: {name: t}\nspec:\n  type: service\n  parameters:\n    - properties:\n        a: {type: string}\n    - when: ${{ parameters.a === 'show' }}\n      properties:\n        b:\n";
        let template = Template::parse(source, SourceFormat::Yaml, None).unwrap();
        let options = ParameterOptions { compat: Compat::Backstage, ..ParameterOptions::default() };
        let hidden = validate_parameters(&template, &json!({"a": "x"}), &options).unwrap();
        assert!(hidden.valid);
        assert!(hidden.warnings[0]
            .message
            .contains("a schema cannot be null; Backstage does not read it while it is hidden"));
        assert!(validate_parameters(&template, &json!({"a": "show"}), &options).is_err());
        assert!(validate_parameters(&template, &json!({"a": "x"}), &ParameterOptions::default()).is_err());
    }

    #[test]
    fn a_regex_format_too_long_to_check_says_so() {
        let template = page("pattern: {type: string, format: regex}");
        let values = json!({"pattern": "a".repeat(formats::MAX_REGEX_FORMAT_BYTES + 1)});
        let result = validate_parameters(&template, &values, &ParameterOptions::default()).unwrap();
        assert!(!result.valid);
        assert_eq!(result.errors[0].keyword, "format");
        assert_eq!(
            result.errors[0].message,
            "pattern: is too long to check as a regex: 65537 bytes, more than the 65536 Trellis checks `format: regex` on"
        );
    }
}
