//! The template folder cookiecutter is pointed at, in either mode: its `cookiecutter.json`, the
//! project template directory (`{{cookiecutter.…}}`) and where `include`/`extends` look.

use serde_json::{Map, Value as Json};

use super::{EntryKind, Options, SkeletonEntry, SkeletonError};

/// One entry below the project template directory.
pub(super) struct Entry<'a> {
    /// Relative to the project template directory (what cookiecutter walks and renders).
    pub relative: String,
    pub file: &'a SkeletonEntry,
}

pub(super) struct Template<'a> {
    /// `cookiecutter.json` as cookiecutter reads it (key order kept).
    pub config: Map<String, Json>,
    /// Its text, to locate variables in error messages.
    pub config_text: String,
    /// Where errors about it point.
    pub config_path: String,
    /// The project template directory's name, unrendered.
    pub template_dir: String,
    /// Prefix of the input paths below the template directory (`""` in Backstage mode).
    pub input_prefix: String,
    /// Entries below the template directory, in input order.
    pub entries: Vec<Entry<'a>>,
    /// `include`/`extends` search path after the template directory: `../templates`.
    pub shared_templates: Vec<Entry<'a>>,
    pub warnings: Vec<String>,
}

fn error(path: &str, code: &'static str, message: String, hint: &str) -> SkeletonError {
    SkeletonError { path: path.into(), line: None, column: None, code, message, hint: Some(hint.into()) }
}

/// Refuses what a directory listing cannot hold (Trellis' own rule for every skeleton) and
/// symbolic links: cookiecutter reads what a link to a file points to, which may be anywhere.
fn check_entry(file: &SkeletonEntry) -> Result<(), SkeletonError> {
    let path = &file.path;
    if path.is_empty() || path.split('/').any(|s| s.is_empty() || s == "." || s == "..") || path.contains(['\\', '\0'])
    {
        return Err(error(
            path,
            "unsafe_path",
            format!("`{}` is not a relative template path", path.escape_debug()),
            "template paths are relative, `/`-separated, without `.` or `..` segments",
        ));
    }
    if file.kind == EntryKind::Symlink {
        return Err(error(
            path,
            "unsafe_symlink",
            format!(
                "`{path}` is a symbolic link; cookiecutter would copy what it points to, which Trellis never follows"
            ),
            "replace the link with the file or directory itself",
        ));
    }
    Ok(())
}

/// `cookiecutter.json` parsed as Python's `json.load` with an `OrderedDict` (duplicate keys:
/// first place, last value).
fn parse_config(text: &str, path: &str) -> Result<Map<String, Json>, SkeletonError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    match serde_json::from_str::<Json>(text) {
        Ok(Json::Object(map)) => Ok(map),
        Ok(_) => Err(error(
            path,
            "invalid_context",
            format!("{path} must hold a JSON object"),
            "write the variables as `{\"name\": \"default\", …}`",
        )),
        Err(e) => Err(SkeletonError {
            path: path.into(),
            line: Some(e.line()),
            column: Some(e.column()),
            code: "invalid_context",
            message: format!("{path} is not valid JSON: {e}"),
            hint: Some("cookiecutter reads it with Python's json module".into()),
        }),
    }
}

/// A cookiecutter template folder: `cookiecutter.json` at the root and the first root directory
/// whose name holds `cookiecutter` between the variable delimiters (cookiecutter's
/// `find_template`; Python lists the folder in the file system's order, Trellis takes the input's).
pub(super) fn plain(files: &[SkeletonEntry]) -> Result<Template<'_>, SkeletonError> {
    for file in files {
        check_entry(file)?;
    }
    let config_file =
        files.iter().find(|f| f.path == "cookiecutter.json" && f.kind == EntryKind::File).ok_or_else(|| {
            error(
                "",
                "invalid_template",
                "the template has no cookiecutter.json at its root".into(),
                "a cookiecutter template is a folder with cookiecutter.json beside a `{{cookiecutter.…}}` folder",
            )
        })?;
    let config_text = String::from_utf8_lossy(&config_file.content).into_owned();
    let config = parse_config(&config_text, "cookiecutter.json")?;
    let (start, end) = variable_delimiters(&config);
    let mut roots: Vec<&str> = Vec::new();
    for file in files {
        // A directory may be given only through the paths of its files.
        let top = file.path.split('/').next().unwrap_or_default();
        let is_dir = file.kind == EntryKind::Directory || file.path.contains('/');
        if is_dir && top.contains("cookiecutter") && top.contains(&start) && top.contains(&end) && !roots.contains(&top)
        {
            roots.push(top);
        }
    }
    let Some(template_dir) = roots.first().map(|s| s.to_string()) else {
        return Err(error(
            "",
            "invalid_template",
            "no project template directory: cookiecutter renders the root folder whose name holds `cookiecutter` inside `{{ }}`".into(),
            "name the folder to render like `{{cookiecutter.project_slug}}`",
        ));
    };
    let mut warnings = Vec::new();
    if roots.len() > 1 {
        warnings.push(format!(
            "several folders could be the project template ({}); cookiecutter takes the first its directory listing gives, Trellis `{template_dir}`",
            roots.iter().map(|r| format!("`{r}`")).collect::<Vec<_>>().join(", ")
        ));
    }
    let input_prefix = format!("{template_dir}/");
    let below = |prefix: &str| -> Vec<Entry<'_>> {
        files
            .iter()
            .filter_map(|file| {
                file.path
                    .strip_prefix(prefix)
                    .filter(|r| !r.is_empty())
                    .map(|r| Entry { relative: r.to_string(), file })
            })
            .collect()
    };
    let entries = below(&input_prefix);
    let shared_templates = below("templates/");
    for file in files {
        let Some(name) = file.path.strip_prefix("hooks/") else { continue };
        let stem = name.split('.').next().unwrap_or_default();
        if file.kind == EntryKind::File
            && !name.contains('/')
            && !name.ends_with('~')
            && ["pre_prompt", "pre_gen_project", "post_gen_project"].contains(&stem)
        {
            warnings.push(format!(
                "the hook `{}` was not run: Trellis never runs hooks (Backstage's fetch:cookiecutter does not either), so what it would change is missing",
                file.path
            ));
        }
    }
    Ok(Template {
        config,
        config_text,
        config_path: "cookiecutter.json".into(),
        template_dir,
        input_prefix,
        entries,
        shared_templates,
        warnings,
    })
}

/// The variable delimiters `_jinja2_env_vars` may change (`find_template` looks for them).
fn variable_delimiters(config: &Map<String, Json>) -> (String, String) {
    let vars = config.get("_jinja2_env_vars").and_then(Json::as_object);
    let get =
        |key: &str, default: &str| vars.and_then(|v| v.get(key)).and_then(Json::as_str).unwrap_or(default).to_string();
    (get("variable_start_string", "{{"), get("variable_end_string", "}}"))
}

/// The project template directory fetch:cookiecutter copies the fetched folder into.
pub(super) const BACKSTAGE_TEMPLATE_DIR: &str = "{{cookiecutter and 'contents'}}";

/// fetch:cookiecutter's composition (plugin-scaffolder-backend-module-cookiecutter 0.3.27): the
/// fetched folder becomes `<tmp>/template/{{cookiecutter and 'contents'}}` and the action writes
/// `<tmp>/template/cookiecutter.json` = `JSON.stringify({...own cookiecutter.json, ...values,
/// _copy_without_render: input.copyWithoutRender, _extensions: input.extensions})`: a shallow
/// merge in JavaScript (property order and number printing included), absent inputs dropping
/// the keys. The folder's own `cookiecutter.json` and `hooks/` stay ordinary template files.
pub(super) fn backstage<'a>(
    files: &'a [SkeletonEntry],
    values: &Map<String, Json>,
    options: &Options,
) -> Result<Template<'a>, SkeletonError> {
    for file in files {
        check_entry(file)?;
    }
    let mut merged = Map::new();
    if let Some(own) = files.iter().find(|f| f.path == "cookiecutter.json" && f.kind == EntryKind::File) {
        let text = String::from_utf8_lossy(&own.content);
        merged = parse_config(&text, "cookiecutter.json")?;
    }
    for (key, value) in values {
        merged.insert(key.clone(), value.clone());
    }
    let mut set = |key: &str, input: &Option<Vec<String>>| match input {
        Some(list) => {
            merged.insert(key.into(), Json::Array(list.iter().cloned().map(Json::String).collect()));
        }
        None => {
            merged.shift_remove(key);
        }
    };
    set("_copy_without_render", &options.copy_without_render);
    set("_extensions", &options.extensions);
    let config_text = js_stringify(&Json::Object(merged));
    let config = parse_config(&config_text, "cookiecutter.json")?;
    Ok(Template {
        config,
        config_text,
        config_path: "cookiecutter.json (as fetch:cookiecutter writes it)".into(),
        template_dir: BACKSTAGE_TEMPLATE_DIR.into(),
        input_prefix: String::new(),
        entries: files.iter().map(|file| Entry { relative: file.path.clone(), file }).collect(),
        shared_templates: Vec::new(),
        warnings: Vec::new(),
    })
}

/// `JSON.stringify` of a parsed JSON value: integer-like keys first in numeric order (how
/// JavaScript orders an object's properties), numbers printed as JavaScript prints them.
fn js_stringify(value: &Json) -> String {
    match value {
        Json::Object(map) => {
            let index = |k: &str| -> Option<u32> {
                (k == "0"
                    || (!k.starts_with('0') && !k.is_empty() && k.len() <= 10 && k.bytes().all(|b| b.is_ascii_digit())))
                .then(|| k.parse::<u64>().ok())
                .flatten()
                .filter(|n| *n < u64::from(u32::MAX))
                .map(|n| n as u32)
            };
            let mut keys: Vec<&String> = map.keys().collect();
            crate::sort::sort_by_key(&mut keys, |k| index(k).map_or((1, 0), |n| (0, n)));
            let items: Vec<String> =
                keys.into_iter().map(|k| format!("{}:{}", Json::String(k.clone()), js_stringify(&map[k]))).collect();
            format!("{{{}}}", items.join(","))
        }
        Json::Array(items) => format!("[{}]", items.iter().map(js_stringify).collect::<Vec<_>>().join(",")),
        Json::Number(n) => match n.as_f64() {
            Some(f) if f.is_finite() => crate::jsfmt::number(f),
            _ => "null".into(),
        },
        other => other.to_string(),
    }
}
