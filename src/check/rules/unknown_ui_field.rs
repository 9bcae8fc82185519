//! `unknown-ui-field`: a `ui:field` that is not one of Backstage's field extensions, or a
//! `ui:widget` react-jsonschema-form does not have (at all, or for the field's `type`). An unknown
//! field silently renders as the plain input for its type; an unknown widget makes the form fail
//! to render the field.

use serde_json::{Map, Value};

use crate::check::suggest::offer_value;
use crate::check::{Context, Rule, RuleInfo, Visitor};
use crate::diagnostics::{Diagnostic, Severity};

pub const RULE: Rule = Rule {
    info: RuleInfo {
        id: "unknown-ui-field",
        description: "`ui:field` and `ui:widget` must name a field extension or widget the form has",
        default_severity: Severity::Warning,
    },
    visitor: |context| Box::new(UnknownUiField::new(context)),
};

/// The field extensions and widgets the form knows.
struct UnknownUiField {
    fields: Vec<String>,
    widgets: Vec<String>,
}

impl UnknownUiField {
    fn new(context: &Context) -> UnknownUiField {
        let mut fields: Vec<String> = FIELDS.iter().map(|s| s.to_string()).collect();
        fields.extend(context.manifest.fields.iter().map(|f| f.name.clone()));
        let widgets =
            STRING_ALIASES.iter().chain(OTHER_ALIASES).chain(REGISTERED_WIDGETS).map(|s| s.to_string()).collect();
        UnknownUiField { fields, widgets }
    }
}

/// The scaffolder frontend's default field extensions (`DEFAULT_SCAFFOLDER_FIELD_EXTENSIONS` of
/// @backstage/plugin-scaffolder; `RepoOwnerPicker` since 2025), then react-jsonschema-form's own
/// fields, which `ui:field` can name too.
const FIELDS: &[&str] = &[
    "EntityPicker",
    "EntityNamePicker",
    "EntityTagsPicker",
    "RepoUrlPicker",
    "OwnerPicker",
    "OwnedEntityPicker",
    "MyGroupsPicker",
    "Secret",
    "MultiEntityPicker",
    "RepoBranchPicker",
    "RepoOwnerPicker",
    "AnyOfField",
    "ArrayField",
    "BooleanField",
    "NullField",
    "NumberField",
    "ObjectField",
    "OneOfField",
    "SchemaField",
    "StringField",
];

/// react-jsonschema-form's widget aliases for `type: string` (its `widgetMap`)…
const STRING_ALIASES: &[&str] = &[
    "text",
    "password",
    "email",
    "hostname",
    "ipv4",
    "ipv6",
    "uri",
    "data-url",
    "radio",
    "select",
    "textarea",
    "hidden",
    "date",
    "datetime",
    "date-time",
    "iso-date-time",
    "alt-date",
    "alt-datetime",
    "time",
    "iso-time",
    "color",
    "file",
];
/// …the aliases only other types have…
const OTHER_ALIASES: &[&str] = &["checkbox", "updown", "range", "checkboxes", "files"];
/// …and its registered widget names, which `ui:widget` accepts for any type.
const REGISTERED_WIDGETS: &[&str] = &[
    "AltDateTimeWidget",
    "AltDateWidget",
    "CheckboxWidget",
    "CheckboxesWidget",
    "ColorWidget",
    "DateTimeWidget",
    "DateWidget",
    "EmailWidget",
    "FileWidget",
    "HiddenWidget",
    "PasswordWidget",
    "RadioWidget",
    "RangeWidget",
    "SelectWidget",
    "TextWidget",
    "TextareaWidget",
    "TimeWidget",
    "URLWidget",
    "UpDownWidget",
];

impl Visitor for UnknownUiField {
    fn schema(&mut self, context: &Context, schema: &Map<String, Value>, at: &str, out: &mut Vec<Diagnostic>) {
        let (fields, widgets) = (&self.fields, &self.widgets);
        if let Some(Value::String(name)) = schema.get("ui:field") {
            if !fields.contains(name) {
                let near = if widgets.contains(name) { None } else { context.closest(name, fields) };
                let hint = match near {
                    _ if widgets.contains(name) => format!("`{name}` is a widget: write `ui:widget: {name}`"),
                    Some(near) => format!("did you mean `{near}`?"),
                    None => "if your Backstage app registers this field extension, list it under `fields` in the \
                                 manifest given with --manifest"
                        .to_string(),
                };
                let pointer = format!("{at}/ui:field");
                let diagnostic = context.diagnostic(
                    RULE.info.id,
                    Severity::Warning,
                    context.node_span(&pointer, false),
                    format!(
                        "`ui:field: {name}` is not a built-in field extension: without one of that name the form \
                             shows a plain input instead"
                    ),
                    Some(hint),
                );
                out.push(offer_value(diagnostic, context, &pointer, name, near));
            }
        }
        if let Some(Value::String(name)) = schema.get("ui:widget") {
            if !widgets.contains(name) {
                let near = if fields.contains(name) { None } else { context.closest(name, widgets) };
                let hint = match near {
                    _ if fields.contains(name) => {
                        format!("`{name}` is a field extension: write `ui:field: {name}`")
                    }
                    Some(near) => format!("did you mean `{near}`?"),
                    None => "use one of react-jsonschema-form's widgets (text, textarea, password, select, radio, \
                                 checkboxes, …), or `ui:field` for a field extension"
                        .to_string(),
                };
                let pointer = format!("{at}/ui:widget");
                let diagnostic = context.diagnostic(
                    RULE.info.id,
                    Severity::Warning,
                    context.node_span(&pointer, false),
                    format!(
                        "`ui:widget: {name}` is not a react-jsonschema-form widget: the form cannot render this field"
                    ),
                    Some(hint),
                );
                out.push(offer_value(diagnostic, context, &pointer, name, near));
            } else if let Some((type_name, allowed)) = aliases_for(schema.get("type")) {
                // An alias is looked up per type (a registered name such as `TextWidget` is not).
                if !REGISTERED_WIDGETS.contains(&name.as_str()) && !allowed.contains(&name.as_str()) {
                    out.push(context.diagnostic(
                        RULE.info.id,
                        Severity::Warning,
                        context.node_span(&format!("{at}/ui:widget"), false),
                        format!(
                            "react-jsonschema-form has no `{name}` widget for `type: {type_name}`: the form \
                                 cannot render this field"
                        ),
                        Some(format!("for `type: {type_name}` use one of: {}", allowed.join(", "))),
                    ));
                }
            }
        }
    }
}

/// The widget aliases react-jsonschema-form has for a field's single `type` (its `widgetMap`).
fn aliases_for(schema_type: Option<&Value>) -> Option<(&str, &'static [&'static str])> {
    let type_name = schema_type?.as_str()?;
    let allowed: &'static [&'static str] = match type_name {
        "boolean" => &["checkbox", "radio", "select", "hidden"],
        "string" => STRING_ALIASES,
        "number" | "integer" => &["text", "select", "updown", "range", "radio", "hidden"],
        "array" => &["select", "checkboxes", "files", "hidden"],
        _ => return None,
    };
    Some((type_name, allowed))
}

#[cfg(test)]
mod tests {
    use crate::check::{check_source, CheckOptions};
    use crate::manifest::Manifest;

    const TEMPLATE: &str = "apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata: {name: t}\n\
                            spec:\n  type: service\n  parameters:\n    properties:\n      flavour:\n        \
                            type: string\n        ui:field: CompanyFlavourPicker\n  steps: []\n";

    fn findings(manifest: Option<Manifest>) -> usize {
        let options = CheckOptions { path: None, manifest, ignore: Vec::new() };
        check_source(TEMPLATE, &options).diagnostics.iter().filter(|d| d.rule == "unknown-ui-field").count()
    }

    #[test]
    fn fields_from_the_manifest_are_known() {
        assert_eq!(findings(None), 1);
        let manifest = Manifest::parse(r#"{"fields": [{"name": "CompanyFlavourPicker"}]}"#).expect("manifest");
        assert_eq!(findings(Some(manifest)), 0);
    }
}
