//! The parts of a Template entity the core works with, read from a parsed document.

use serde_json::Value;

use crate::check::SkeletonSource;
use crate::error::TrellisError;
use crate::placeholders;
use crate::yaml::{self, Document, SourceMap};

/// A Template entity (`kind: Template`) with its source map.
#[derive(Debug, Clone)]
pub struct Template {
    pub entity: Value,
    pub map: SourceMap,
    /// The texts of the files placeholders included, by file id − 1 (`map.included()` names
    /// them), for locating inside their strings.
    pub included: Vec<String>,
}

/// One form page of `[spec.parameters].flat()`, as the scaffolder builds the wizard.
#[derive(Debug, Clone)]
pub struct Page<'a> {
    /// 0-based position in `[spec.parameters].flat()`.
    pub index: usize,
    pub schema: &'a Value,
    /// JSON pointer of the page inside the entity, for locating diagnostics.
    pub pointer: String,
}

impl<'a> Page<'a> {
    pub fn title(&self) -> Option<&'a str> {
        self.schema.get("title").and_then(Value::as_str)
    }

    /// The page's `when` condition, when it has one the scaffolder evaluates (string or boolean).
    pub fn when(&self) -> Option<&'a Value> {
        self.schema.get("when").filter(|w| w.is_string() || w.is_boolean())
    }
}

/// How the template text is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceFormat {
    Yaml,
    Json,
}

impl Template {
    /// Reads the Template document from `source`. A multi-document file is searched for its
    /// first `kind: Template` document; a single document is taken as it is (so a bare
    /// `{spec: {parameters: …}}` works too).
    pub fn parse(source: &str, format: SourceFormat, file: Option<&str>) -> Result<Template, TrellisError> {
        let mut documents = match format {
            SourceFormat::Yaml => yaml::parse_documents(source, file)?,
            SourceFormat::Json => {
                let value: Value = serde_json::from_str(source).map_err(|error| {
                    TrellisError::new("json-syntax", format!("JSON syntax error: {error}"))
                        .at(Some(crate::error::Span::point(error.line() as u32, error.column() as u32)))
                        .in_file(file)
                })?;
                vec![Document { value, map: SourceMap::default() }]
            }
        };
        documents.retain(|doc| !doc.value.is_null());
        let chosen = if documents.len() == 1 {
            documents.pop()
        } else {
            documents.into_iter().find(|doc| doc.value.get("kind").and_then(Value::as_str) == Some("Template"))
        };
        let doc = chosen.ok_or_else(|| {
            TrellisError::new("not-a-template", "no Template document found (expected `kind: Template`)").in_file(file)
        })?;
        if !doc.value.is_object() {
            return Err(TrellisError::new("not-a-template", "the template must be a mapping (an entity with `spec`)")
                .at(doc.map.get("").map(|n| n.value))
                .in_file(file));
        }
        Ok(Template { entity: doc.value, map: doc.map, included: Vec::new() })
    }

    /// [`Template::parse`], then the catalog's `$yaml`/`$json`/`$text` placeholders resolved
    /// through `files` (src/placeholders.rs) when given: what the scaffolder gets once the catalog
    /// has ingested the file. A placeholder the catalog would refuse is an error (at the
    /// placeholder, or at the mistake inside the included file); one Trellis cannot read (an
    /// absolute URL) stays as written.
    pub fn parse_with(
        source: &str,
        format: SourceFormat,
        file: Option<&str>,
        files: Option<&dyn SkeletonSource>,
    ) -> Result<Template, TrellisError> {
        let template = Template::parse(source, format, file)?;
        let Some(files) = files else { return Ok(template) };
        let path = file.unwrap_or("template.yaml");
        let resolved = placeholders::resolve(Document { value: template.entity, map: template.map }, path, Some(files));
        match resolved.first_error(path) {
            Some(error) => Err(error),
            None => {
                Ok(Template { entity: resolved.document.value, map: resolved.document.map, included: resolved.texts })
            }
        }
    }

    /// `spec.parameters` as the scaffolder sees it: `[spec.parameters ?? []].flat()`.
    pub fn pages(&self) -> Vec<Page<'_>> {
        match self.entity.pointer("/spec/parameters") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) => items
                .iter()
                .enumerate()
                .map(|(index, schema)| Page { index, schema, pointer: format!("/spec/parameters/{index}") })
                .collect(),
            Some(single) => vec![Page { index: 0, schema: single, pointer: "/spec/parameters".into() }],
        }
    }

    /// `spec.secrets.schema`, when present.
    pub fn secrets_schema(&self) -> Option<&Value> {
        self.entity.pointer("/spec/secrets/schema").filter(|s| !s.is_null())
    }
}
