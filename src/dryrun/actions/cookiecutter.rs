//! `fetch:cookiecutter` (@backstage/plugin-scaffolder-backend-module-cookiecutter 0.3.27) and
//! `trellis:fetch:cookiecutter` (plugin-wrapper/src/actions/fetchCookiecutter.ts) offline: the
//! template folder read through the confined source like fetch:template's skeletons, rendered by
//! `render_cookiecutter` in Backstage mode (what fetch:cookiecutter composes for a local
//! cookiecutter), copied into `targetPath` replacing what is there (fs-extra's `copy`, modes
//! kept). fetch:cookiecutter has no outputs; trellis:fetch:cookiecutter outputs `written` and
//! `skipped`.

use serde_json::{json, Value};

use super::{Call, Outputs};
use crate::check::skeleton::join;
use crate::cookiecutter::{self, render_cookiecutter, EntryKind, Limits, Mode, SkeletonError};
use crate::dryrun::WORKING_DIRECTORY;
use crate::error::TrellisError;

/// Where the Backstage mode places a problem of the `cookiecutter.json` fetch:cookiecutter
/// writes (the folder's own merged with the step's `values`): not a file anyone can open.
const COMPOSED_CONFIG: &str = "cookiecutter.json (as fetch:cookiecutter writes it)";

impl Call<'_, '_> {
    pub(super) fn fetch_cookiecutter(&mut self, trellis: bool) -> Result<Outputs, TrellisError> {
        // fetch:cookiecutter's own input checks, in its order, with its messages (the input
        // schema refuses these first; they matter with an instance manifest that lacks it).
        for (field, name) in [("copyWithoutRender", "copyWithoutRender"), ("extensions", "extensions")] {
            if crate::dryrun::is_truthy(self.input.get(field)) && !self.input[field].is_array() {
                return Err(self.error(
                    "invalid-action-input",
                    field,
                    format!("Fetch action input {name} must be an Array"),
                ));
            }
        }
        if let (true, Some(image)) = (trellis, self.input.get("imageName")) {
            let shown = image.as_str().map_or_else(|| crate::jsfmt::value(image), str::to_string);
            self.log(format!(
                "imageName {shown} is ignored: Trellis renders cookiecutter templates without a container"
            ));
        }
        let target = self.target("targetPath", self.text("targetPath").unwrap_or("./"))?;
        let Some(root) = self.skeleton_path()? else { return Ok(Vec::new()) };
        self.expect_kind(&root, false)?;
        let files = self.read_skeleton(&root, false)?;
        let options = self.cookiecutter_options(trellis);
        let values = self.input.get("values").cloned().unwrap_or_else(|| json!({}));
        let result = render_cookiecutter(&files, &values, &options).map_err(|e| self.cookiecutter_error(&root, e))?;
        if trellis {
            for entry in &result.skipped {
                self.log(format!("Skipped {}: its name renders to \"{}\"", entry.path, entry.rendered_path));
            }
        }
        let skipped = self.report_skipped(&root, &result.skipped);
        let mut written = Vec::new();
        for mut file in result.files {
            let rendered = file.path.clone();
            file.path = crate::dryrun::resolve_safe(&target, &rendered)
                .map_err(|message| TrellisError::new("unsafe_path", message).in_file(Some(&root)))?;
            if file.kind != EntryKind::Directory {
                written.push(Value::String(rendered));
            }
            self.runner.workspace.put(file, true);
        }
        if !trellis {
            return Ok(Vec::new());
        }
        Ok(vec![("written".into(), Value::Array(written)), ("skipped".into(), skipped)])
    }

    /// The render options from the step's input and the dry-run's clock and seed.
    fn cookiecutter_options(&self, trellis: bool) -> cookiecutter::Options {
        let strings = |field: &str| {
            self.input
                .get(field)
                .and_then(Value::as_array)
                .map(|items| items.iter().filter_map(Value::as_str).map(str::to_string).collect::<Vec<_>>())
        };
        let defaults = Limits::default();
        let limit = |name: &str| {
            let given = self.input.pointer(&format!("/limits/{name}")).and_then(Value::as_f64);
            // Only trellis:fetch:cookiecutter takes limits (its schema bounds them).
            given.filter(|v| trellis && v.is_finite() && *v >= 0.0)
        };
        // The step's temporary directory (`createTemporaryDirectory`: `<workspace>_step-<id>-XXXXXX`),
        // which `cookiecutter._template` and `_output_dir` name; its random suffix is made up.
        let work = format!("{WORKING_DIRECTORY}/{}_step-{}-trellis", self.runner.options.task_id, self.step_id);
        cookiecutter::Options {
            mode: Mode::Backstage,
            now: self.runner.options.now.clone().unwrap_or_else(cookiecutter::host_now),
            seed: self.runner.options.seed,
            copy_without_render: strings("copyWithoutRender"),
            extensions: strings("extensions"),
            template_path: format!("{work}/template"),
            output_dir: format!("{work}/intermediate"),
            limits: Limits {
                fuel: limit("fuel").map_or(defaults.fuel, |v| v as u64),
                recursion: limit("recursionLimit").map_or(defaults.recursion, |v| v as usize),
                max_total_output: limit("maxTotalOutput").map_or(defaults.max_total_output, |v| v as usize),
            },
        }
    }

    /// A render failure at the template file, line and column, with the step's url (and where the
    /// template writes it) in the hint. A variable of the composed `cookiecutter.json` is pointed
    /// at in the step's `values` when it comes from there, else at the folder's own file.
    fn cookiecutter_error(&self, root: &str, error: SkeletonError) -> TrellisError {
        let url = self.text("url").unwrap_or_default();
        let at_url = self.runner.locator.node(&format!("{}/input/url", self.pointer));
        let place =
            at_url.map_or_else(String::new, |s| format!(" at {}:{}:{}", self.runner.locator.file, s.line, s.column));
        let from = format!("the cookiecutter template is the folder of the step's url `{url}`{place}");
        let hint = Some(match &error.hint {
            Some(hint) => format!("{hint}; {from}"),
            None => from,
        });
        if error.path == COMPOSED_CONFIG {
            let key = error
                .message
                .strip_prefix("Unable to render variable '")
                .and_then(|rest| rest.split_once("': "))
                .map(|(key, _)| key.to_string());
            let in_values = key.as_deref().filter(|k| self.input.pointer("/values").and_then(|v| v.get(*k)).is_some());
            let mut out = match in_values {
                Some(key) => {
                    let field = format!("values/{}", key.replace('~', "~0").replace('/', "~1"));
                    self.error(error.code, &field, error.message)
                }
                None => TrellisError::new(error.code, error.message).in_file(Some(&join(root, "cookiecutter.json"))),
            };
            out.hint = hint;
            return out;
        }
        let mut out = self.skeleton_error(root, error);
        out.hint = hint;
        out
    }
}
