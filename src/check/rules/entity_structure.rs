//! `entity-structure`: the Template document against the JSON Schemas Backstage's catalog
//! validates it with (catalog-model's Entity envelope + scaffolder-common's Template v1beta3,
//! vendored in `schemas/entity/`). A document failing them is refused by the catalog, so the
//! template never shows up.

use std::sync::OnceLock;

use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::{Registry, ValidationError, Validator};
use serde_json::Value;

use crate::check::context::diagnostic_in;
use crate::check::{Context, Rule, RuleInfo, Visitor};
use crate::diagnostics::{Diagnostic, Severity};
use crate::error::Span;
use crate::params::messages;
use crate::yaml::{escape_pointer_segment, Document};

pub const RULE: Rule = Rule {
    info: RuleInfo {
        id: "entity-structure",
        description: "the Template document must match Backstage's Entity and Template v1beta3 schemas",
        default_severity: Severity::Error,
    },
    visitor: |_| Box::new(EntityStructure),
};

struct EntityStructure;

/// `(resolvable $id, schema text)`. The schemas refer to each other by bare `$id`s
/// (`Entity`, `common#relation`), which resolve against the validator's default base URI.
const SCHEMAS: &[(&str, &str)] = &[
    ("json-schema:///Entity", include_str!(concat!(env!("OUT_DIR"), "/schemas/entity/Entity.schema.json"))),
    (
        "json-schema:///EntityEnvelope",
        include_str!(concat!(env!("OUT_DIR"), "/schemas/entity/EntityEnvelope.schema.json")),
    ),
    ("json-schema:///EntityMeta", include_str!(concat!(env!("OUT_DIR"), "/schemas/entity/EntityMeta.schema.json"))),
    ("json-schema:///common", include_str!(concat!(env!("OUT_DIR"), "/schemas/entity/common.schema.json"))),
];
const TEMPLATE_SCHEMA: &str = include_str!(concat!(env!("OUT_DIR"), "/schemas/entity/Template.v1beta3.schema.json"));

/// The fields the Entity schema allows at the top (`additionalProperties: false`).
const TOP_LEVEL: &[&str] = &["apiVersion", "kind", "metadata", "spec", "relations", "status"];
/// Fields that belong under `spec:`, for the hint when one is written at the top.
const SPEC_FIELDS: &[&str] =
    &["type", "owner", "lifecycle", "parameters", "steps", "output", "secrets", "presentation", "formDecorators"];

fn validator() -> Option<&'static Validator> {
    static VALIDATOR: OnceLock<Option<Validator>> = OnceLock::new();
    VALIDATOR
        .get_or_init(|| {
            let mut builder = Registry::new();
            for (uri, text) in SCHEMAS {
                let schema: Value = serde_json::from_str(text).ok()?;
                builder = builder.add(*uri, schema).ok()?;
            }
            let registry = builder.prepare().ok()?;
            let template: Value = serde_json::from_str(TEMPLATE_SCHEMA).ok()?;
            jsonschema::draft7::options().with_registry(&registry).build(&template).ok()
        })
        .as_ref()
}

/// One problem: the pointer it is about (for one finding per place) and how to report it.
struct Finding {
    pointer: String,
    /// Lower wins when several schema branches complain about the same place.
    rank: u8,
    span: Span,
    message: String,
    hint: String,
}

impl Visitor for EntityStructure {
    fn document(&mut self, context: &Context, out: &mut Vec<Diagnostic>) {
        let Some(validator) = validator() else { return };
        let mut findings: Vec<Finding> = Vec::new();
        for error in validator.iter_errors(&context.entity) {
            explain(context, &error, &mut findings);
        }
        crate::sort::sort_by(&mut findings, |a, b| (&a.pointer, a.rank).cmp(&(&b.pointer, b.rank)));
        findings.dedup_by(|later, first| later.pointer == first.pointer);
        for finding in findings {
            out.push(context.diagnostic(
                RULE.info.id,
                Severity::Error,
                finding.span,
                finding.message,
                Some(finding.hint),
            ));
        }
    }
}

/// Findings about the file's documents themselves, before any Template is looked at. The catalog
/// (@backstage/plugin-catalog-node 3.0.0, `processing/parse.cjs.js` `parseEntityYaml`) skips a
/// document that is `null` and rejects one that is not a mapping ("Expected object at root, got
/// …", with JavaScript's `typeof`): a list, a string, a number or a boolean. A file with no
/// entity at all (empty, only comments, only `null`) gives the catalog no template.
pub fn not_entities(file: &str, documents: &[Document]) -> Vec<Diagnostic> {
    let hint = "a template document is a mapping with `apiVersion`, `kind: Template`, `metadata` and `spec`";
    if documents.iter().all(|document| document.value.is_null()) {
        return vec![diagnostic_in(
            file.to_string(),
            RULE.info.id,
            Severity::Error,
            Span::point(1, 1),
            "the file holds no entity (it is empty, or only comments or `null`), so the catalog finds no template in it"
                .into(),
            Some(format!("{hint}; or leave this file out of the check")),
        )];
    }
    let mut out = Vec::new();
    for document in documents {
        let (shape, type_of) = match &document.value {
            Value::Null | Value::Object(_) => continue,
            Value::Array(_) => ("a list", "object"),
            Value::String(_) => ("a string", "string"),
            Value::Number(_) => ("a number", "number"),
            Value::Bool(_) => ("a boolean", "boolean"),
        };
        let span = document.map.get("").map_or(Span::point(1, 1), |node| node.value);
        out.push(diagnostic_in(
            file.to_string(),
            RULE.info.id,
            Severity::Error,
            span,
            format!(
                "this document is {shape}, not a mapping: the catalog rejects it (\"Expected object at root, got \
                 {type_of}\") and shows no template from it"
            ),
            Some(hint.into()),
        ));
    }
    out
}

/// `spec.steps[2].action` in backticks; the document itself for the root.
fn field(pointer: &str) -> String {
    if pointer.is_empty() {
        "the Template document".into()
    } else {
        format!("`{}`", messages::field_name(pointer))
    }
}

fn explain(context: &Context, error: &ValidationError, out: &mut Vec<Finding>) {
    let at = error.instance_path().as_str().to_string();
    let value = context.entity.pointer(&at);
    let refused = "the catalog rejects the template until then";
    match error.kind() {
        // `oneOf`/`anyOf` (only `spec.parameters`: an object or a list of pages): the branch
        // whose type fits the value says what is wrong inside it.
        ValidationErrorKind::OneOfNotValid { context: branches } | ValidationErrorKind::AnyOf { context: branches } => {
            let fitting: Vec<&Vec<ValidationError<'static>>> = branches
                .iter()
                .filter(|errors| {
                    !errors.iter().any(|e| {
                        e.instance_path().as_str() == at && matches!(e.kind(), ValidationErrorKind::Type { .. })
                    })
                })
                .collect();
            if let [errors] = fitting.as_slice() {
                for inner in errors.iter() {
                    explain(context, inner, out);
                }
                return;
            }
            let types: Vec<String> = branches
                .iter()
                .flatten()
                .filter_map(|e| match e.kind() {
                    ValidationErrorKind::Type { kind: TypeKind::Single(t) } if e.instance_path().as_str() == at => {
                        Some(t.to_string())
                    }
                    _ => None,
                })
                .collect();
            let message = if types.is_empty() {
                format!("{} {}", field(&at), messages::describe(error.kind()))
            } else {
                format!("{} must be {}", field(&at), alternatives(&types))
            };
            out.push(Finding {
                pointer: at.clone(),
                rank: 1,
                span: context.node_span(&at, false),
                message,
                hint: format!("{}; {refused}", shape_hint(&at)),
            });
        }
        ValidationErrorKind::Required { property } => {
            let name = property.as_str().unwrap_or_default();
            let span = if at.is_empty() { context.node_span("/kind", true) } else { head_span(context, &at) };
            let parent = if at.is_empty() { "the top level".to_string() } else { field(&at) };
            out.push(Finding {
                pointer: format!("{at}/{}", escape_pointer_segment(name)),
                rank: 0,
                span,
                message: format!("{} is required but missing", field(&format!("{at}/{name}"))),
                hint: format!("add `{name}:` to {parent}; {refused}"),
            });
        }
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            for name in unexpected {
                let pointer = format!("{at}/{}", escape_pointer_segment(name));
                let hint = if at.is_empty() && SPEC_FIELDS.contains(&name.as_str()) {
                    format!("move `{name}` under `spec:`")
                } else {
                    let allowed: Vec<String> = TOP_LEVEL.iter().map(|s| s.to_string()).collect();
                    match context.closest(name, &allowed) {
                        Some(near) => format!("did you mean `{near}`?"),
                        None => format!("a Template has only {} at the top level", TOP_LEVEL.join(", ")),
                    }
                };
                out.push(Finding {
                    pointer: pointer.clone(),
                    rank: 0,
                    span: context.node_span(&pointer, true),
                    message: format!("`{name}` is not allowed at the top level of a Template"),
                    hint: format!("{hint}; {refused}"),
                });
            }
        }
        ValidationErrorKind::Enum { options } if at == "/apiVersion" || at == "/kind" => {
            let expected = options.get(0).and_then(Value::as_str).unwrap_or_default();
            let key = &at[1..];
            out.push(Finding {
                pointer: at.clone(),
                rank: 2,
                span: context.node_span(&at, false),
                message: format!(
                    "`{key}` must be `{expected}`: Backstage only loads Template documents of that version"
                ),
                hint: format!("write `{key}: {expected}` and use the v1beta3 syntax (`${{{{ }}}}`)"),
            });
        }
        kind => {
            let hint = match (kind, value) {
                (ValidationErrorKind::Type { .. }, Some(Value::Null)) => {
                    "the value is empty (null): give it one or remove the field".to_string()
                }
                (ValidationErrorKind::Type { kind: TypeKind::Single(t) }, Some(v))
                    if t.to_string() == "string" && !v.is_object() && !v.is_array() =>
                {
                    "quote the value so YAML reads it as a string".to_string()
                }
                (ValidationErrorKind::MinLength { .. }, _) => "give it a value or remove the field".to_string(),
                _ => shape_hint(&at),
            };
            out.push(Finding {
                pointer: at.clone(),
                rank: if matches!(kind, ValidationErrorKind::Type { .. }) { 1 } else { 2 },
                span: context.node_span(&at, false),
                message: match kind {
                    ValidationErrorKind::Type { kind: TypeKind::Multiple(set) } => {
                        let names: Vec<String> = set.iter().map(|t| t.to_string()).collect();
                        format!("{} must be {}", field(&at), alternatives(&names))
                    }
                    _ => format!("{} {}", field(&at), messages::describe(kind)),
                },
                hint: format!("{hint}; {refused}"),
            });
        }
    }
}

/// The key of a mapping (a step has none: its first key), so a finding about a whole mapping
/// does not underline many lines.
fn head_span(context: &Context, pointer: &str) -> Span {
    let whole = context.node_span(pointer, true);
    if whole.line == whole.end_line {
        return whole;
    }
    match context.entity.pointer(pointer).and_then(Value::as_object).and_then(|m| m.keys().next()) {
        Some(first) => context.node_span(&format!("{pointer}/{}", escape_pointer_segment(first)), true),
        None => whole,
    }
}

/// `an object or an array`.
fn alternatives(types: &[String]) -> String {
    let mut named: Vec<String> = types
        .iter()
        .map(|t| match t.as_str() {
            "object" | "array" | "integer" => format!("an {t}"),
            other => format!("a {other}"),
        })
        .collect();
    named.dedup();
    named.join(" or ")
}

/// What the field looks like in a correct template, for the places authors get wrong.
fn shape_hint(pointer: &str) -> String {
    let segments: Vec<&str> = pointer.trim_start_matches('/').split('/').collect();
    match segments.as_slice() {
        ["spec", "parameters", _, "when"] => {
            "`when` is a boolean or a condition string such as `parameters.kind === 'b'`".into()
        }
        ["spec", "parameters", ..] => {
            "`spec.parameters` is one form page (a JSON Schema object) or a list of them".into()
        }
        ["spec", "steps", _, "input"] => "`input` is a mapping of the action's input names to values".into(),
        ["spec", "steps", _, "if"] => "`if` is a boolean or a `${{ }}` expression string".into(),
        ["spec", "steps", ..] => "each step is a mapping with `id`, `name`, `action` and `input`".into(),
        ["spec", "output", "links" | "text", ..] => {
            "output `links`/`text` are lists of mappings (`title`, `url`/`content`, …)".into()
        }
        ["spec", "output", _] => "other `output` entries must be strings (a `${{ }}` expression)".into(),
        ["metadata", ..] => "see the catalog's metadata fields: name, title, description, tags, links, …".into(),
        _ => "compare with the Template v1beta3 schema (schemas/entity/Template.v1beta3.schema.json)".into(),
    }
}
