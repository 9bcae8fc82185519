//! The offline dry-run (`trellis render`): a template's steps run the way scaffolder-backend
//! 4.3.0's `NunjucksWorkflowRunner` runs them for `POST /v2/dry-run` (spec §3, §5.4), on an
//! in-memory workspace, with skeletons read through a [`SkeletonSource`].
//!
//! * [`run`] validates the values, then per step: `if`, the dry-run split (actions without
//!   dry-run support are skipped and their output made up from the output schema, `fake.rs`),
//!   `each`, the input rendered per iteration and checked against the action's input schema, the
//!   action run locally (`actions.rs`), outputs collected (arrays with `each`); at the end
//!   `spec.output` with `links`/`text` items filtered by their `if`.
//! * The report redacts every secret value (`redact.rs`); errors point into the template file
//!   (`locate.rs`) or at the skeleton file that failed.

mod actions;
pub mod diff;
mod fake;
mod locate;
mod redact;
mod workspace;

use std::cell::Cell;
use std::collections::HashSet;
use std::rc::Rc;

use serde::Serialize;
use serde_json::{json, Map, Value};

use crate::check::SkeletonSource;
use crate::engine::eval::{Extensions, HostFunction};
use crate::error::TrellisError;
use crate::manifest::Manifest;
use crate::params::{self, ParameterOptions};
use crate::render::skeleton::SkeletonEntry;
use crate::render::{render_input, Context, RenderOptions};
use crate::template::Template;

pub use fake::{example_output, faked_output};
pub use redact::{redact, redactor, Redactor};
pub use workspace::{resolve_safe, Workspace};

use locate::Locator;

/// What the dry-run is given besides the template.
#[derive(Debug, Clone)]
pub struct DryRunOptions {
    /// The template's path, relative to the skeleton source's root (skeleton urls resolve from it).
    pub template_path: String,
    pub values: Value,
    /// `task.secrets`: an object.
    pub secrets: Value,
    /// The actions Backstage offers (output schemas for the faked outputs, input schemas): what
    /// `trellis check` knows, `Manifest::builtin_and_modules` without an instance manifest,
    /// `Manifest::builtin_merged_with` the instance's with one.
    pub manifest: Manifest,
    /// `user` in the context (`{entity?, ref?}`).
    pub user: Value,
    /// Fill schema defaults into the values first, as the Backstage form does before it sends them.
    pub apply_defaults: bool,
    /// `context.task.id` (a dry-run's workspace name).
    pub task_id: String,
    /// The clock of cookiecutter's `{% now %}` (RFC 3339; its offset is the `'local'` zone).
    /// `None`: the host's clock, as the real action runs at the task's time.
    pub now: Option<String>,
    /// Seeds cookiecutter's `random_ascii_string` and `uuid4`; `None` draws from the OS.
    pub seed: Option<u64>,
}

impl Default for DryRunOptions {
    fn default() -> DryRunOptions {
        DryRunOptions {
            template_path: "template.yaml".into(),
            values: json!({}),
            secrets: json!({}),
            manifest: Manifest::builtin_and_modules().clone(),
            user: json!({}),
            apply_defaults: true,
            task_id: "dry-run-trellis".into(),
            now: None,
            seed: None,
        }
    }
}

/// What happened to a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum StepStatus {
    /// Run locally.
    Ran,
    /// Not run: `if`, or an earlier failure.
    Skipped,
    /// Not run: the action does not run in a dry-run; its output is made up from its schema.
    Faked,
    Failed,
}

/// One iteration of a step with `each`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IterationReport {
    pub key: String,
    pub value: Value,
    pub ran: bool,
    pub input: Value,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StepReport {
    pub id: String,
    pub name: String,
    pub action: String,
    pub status: StepStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The rendered input (secrets redacted); for `each`, see `iterations`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input: Option<Value>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub iterations: Vec<IterationReport>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output: Option<Value>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub log: Vec<String>,
}

/// A skeleton entry `fetch:template` left out, or a file it kept because it existed.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SkippedEntryReport {
    pub step: String,
    pub path: String,
    pub rendered_path: String,
    pub reason: String,
}

/// Something Backstage lets pass silently that the user should know about.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Warning {
    pub message: String,
    pub file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
}

/// A failure as the report shows it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorReport {
    pub rule: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

impl From<&TrellisError> for ErrorReport {
    fn from(error: &TrellisError) -> ErrorReport {
        ErrorReport {
            rule: error.rule.to_string(),
            message: error.message.clone(),
            file: error.file.clone(),
            line: error.span.map(|s| s.line),
            column: error.span.map(|s| s.column),
            hint: error.hint.clone(),
        }
    }
}

/// The dry-run's JSON report.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    /// The parameters the task sees (defaults applied, hidden pages' values removed).
    pub parameters: Value,
    pub steps: Vec<StepReport>,
    /// The rendered `spec.output` (absent when a step failed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output: Option<Value>,
    /// The files of the workspace at the end.
    pub files: Vec<String>,
    pub skipped: Vec<SkippedEntryReport>,
    pub warnings: Vec<Warning>,
    /// The first step failure, as Backstage reports it (the task fails with it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorReport>,
}

/// The workspace at the end and the report; `error` is the first step failure.
pub struct DryRunResult {
    pub files: Vec<SkeletonEntry>,
    pub report: Report,
    pub error: Option<TrellisError>,
}

/// Actions the scaffolder runs in a dry-run (`supportsDryRun: true` in 4.3.0, and Trellis' own)
/// that Trellis runs offline too; and `fetch:cookiecutter`, which Backstage's dry-run skips (it
/// does not declare dry-run support) but a task runs: offline it writes what the task would, and
/// its output is `{}` either way (it has no output schema and sets none).
const LOCAL_ACTIONS: &[&str] = &[
    "fetch:template",
    "trellis:fetch:template",
    "fetch:cookiecutter",
    "trellis:fetch:cookiecutter",
    "fetch:template:file",
    "fetch:plain",
    "fetch:plain:file",
    "fs:rename",
    "fs:delete",
    "debug:log",
    "trellis:parameters:validate",
    "trellis:template:check",
    "fs:readdir",
];

/// Where Backstage makes task workspaces when `backend.workingDirectory` is not set
/// (`os.tmpdir()` on Linux); an offline workspace has no folder, but `fs:readdir` outputs
/// `fullPath`s, so they are made under `/tmp/<task id>` as a backend would.
pub const WORKING_DIRECTORY: &str = "/tmp";

/// Actions that support dry-run in Backstage but need what an offline run does not have: their
/// output is made up like the others', and the step is reported as such. `catalog:fetch` reads
/// the catalog; `catalog:write` has no outputs (so `{}` is what Backstage gives too) but its
/// file is not written offline.
const DRY_RUN_ONLY_ONLINE: &[&str] = &["catalog:fetch", "catalog:write"];

/// The workflow runner's `always()`/`failure()`, which record that a step's `if` called them.
struct StatusGlobals {
    failed: Rc<Cell<bool>>,
    invoked: Rc<Cell<bool>>,
}

fn extensions_with_status() -> (Extensions, StatusGlobals) {
    let mut extensions = crate::engine::backstage::extensions(crate::engine::backstage::default_integrations());
    let status = StatusGlobals { failed: Rc::new(Cell::new(false)), invoked: Rc::new(Cell::new(false)) };
    let invoked = status.invoked.clone();
    let always: HostFunction = Rc::new(move |_| {
        invoked.set(true);
        Ok(Some(Value::Bool(true)))
    });
    let (invoked, failed) = (status.invoked.clone(), status.failed.clone());
    let failure: HostFunction = Rc::new(move |_| {
        invoked.set(true);
        Ok(Some(Value::Bool(failed.get())))
    });
    extensions.functions.insert("always".into(), always);
    extensions.functions.insert("failure".into(), failure);
    (extensions, status)
}

/// helper.cjs.js `isTruthy`: arrays by length, everything else as JavaScript.
pub fn is_truthy(value: Option<&Value>) -> bool {
    match value {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(Value::Number(n)) => n.as_f64().is_some_and(|f| f != 0.0 && !f.is_nan()),
        Some(Value::String(s)) => !s.is_empty(),
        Some(Value::Array(items)) => !items.is_empty(),
        Some(Value::Object(_)) => true,
    }
}

/// Runs the template's steps offline. `Err` when the values are invalid or the template cannot
/// be run at all; a failing step gives `Ok` with `error` set (and the report up to there).
pub fn run(
    template: &Template,
    template_source: &str,
    options: &DryRunOptions,
    source: &dyn SkeletonSource,
) -> Result<DryRunResult, TrellisError> {
    if let Some(now) = &options.now {
        crate::cookiecutter::check_now(now).map_err(|message| {
            TrellisError::new("invalid-argument", format!("the clock (now) is not valid: {message}"))
        })?;
    }
    let file = options.template_path.as_str();
    let locator = Locator::new(template, template_source, file);
    // A value a secret schema refuses may be quoted in the message.
    let parameters = validated_parameters(template, options).map_err(|mut error| {
        error.message = redact::redact_text(&error.message, &redactor(&options.secrets));
        error
    })?;
    let mut runner = Runner::new(&locator, options, source, parameters);
    let steps = match template.entity.pointer("/spec/steps") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(steps)) => steps.clone(),
        Some(_) => return Err(locator.error("invalid-steps", "/spec/steps", "`spec.steps` must be a list of steps")),
    };
    for (index, step) in steps.iter().enumerate() {
        runner.step(index, step);
    }
    Ok(runner.finish(template))
}

fn validated_parameters(template: &Template, options: &DryRunOptions) -> Result<Value, TrellisError> {
    let file = options.template_path.as_str();
    let secrets_given = options.secrets.as_object().is_some_and(|s| !s.is_empty());
    let checked = params::validate_parameters(
        template,
        &options.values,
        &ParameterOptions {
            apply_defaults: options.apply_defaults,
            secrets: secrets_given.then(|| options.secrets.clone()),
            file: Some(file.to_string()),
            ..ParameterOptions::default()
        },
    )?;
    if let Some(first) = checked.errors.first() {
        let all: Vec<&str> = checked.errors.iter().map(|e| e.message.as_str()).collect();
        let span = first.line.map(|line| crate::error::Span::point(line, first.column.unwrap_or(1)));
        return Err(TrellisError::new("invalid-values", format!("the values are not valid: {}", all.join("; ")))
            .at(span)
            .in_file(Some(first.file.as_deref().unwrap_or(file)))
            .with_hint("fix the values file (trellis params shows every error with its place)"));
    }
    Ok(checked.values)
}

/// The state of one dry-run.
struct Runner<'a> {
    locator: &'a Locator<'a>,
    options: &'a DryRunOptions,
    source: &'a dyn SkeletonSource,
    /// The repository root reads are confined to (`SkeletonSource::root`).
    root: Option<String>,
    extensions: Extensions,
    status: StatusGlobals,
    /// Input rendering as Backstage does it (a failing string kept as it is).
    compat: RenderOptions,
    /// Rendering that reports errors, to warn where Backstage keeps a broken string.
    strict: RenderOptions,
    /// parameters, environment, steps, user, context (no secrets: `if` and `spec.output`).
    context: Context,
    /// Hides `task.secrets` and their derived forms in everything the report shows.
    secrets: Redactor,
    workspace: Workspace,
    steps: Vec<StepReport>,
    skipped: Vec<SkippedEntryReport>,
    warnings: Vec<Warning>,
    /// `(message, line, column)` of every warning in `warnings`.
    warned: HashSet<(String, Option<u32>, Option<u32>)>,
    first_error: Option<TrellisError>,
    parameters: Value,
    /// Steps whose output was made up.
    faked: HashSet<String>,
}

#[cfg(test)]
thread_local! {
    /// Step outputs recorded by copying the context's `steps` record: done for every step, that
    /// copy made the dry-run quadratic in the number of steps (a test counts them).
    static COPIED_OUTPUTS: Cell<usize> = const { Cell::new(0) };
}

impl<'a> Runner<'a> {
    fn new(
        locator: &'a Locator<'a>,
        options: &'a DryRunOptions,
        source: &'a dyn SkeletonSource,
        parameters: Value,
    ) -> Runner<'a> {
        let (extensions, status) = extensions_with_status();
        let context = Context::from_json(&json!({
            "parameters": &parameters,
            "environment": {"parameters": {}, "secrets": {}},
            "steps": {},
            "user": options.user,
            "context": {"task": {"id": options.task_id}},
        }));
        let compat = RenderOptions { backstage_compat: true, ..RenderOptions::default() };
        Runner {
            locator,
            options,
            source,
            root: source.root(&options.template_path),
            extensions,
            status,
            compat,
            strict: RenderOptions::default(),
            context,
            secrets: redactor(&options.secrets),
            workspace: Workspace::default(),
            steps: Vec::new(),
            skipped: Vec::new(),
            warnings: Vec::new(),
            warned: HashSet::new(),
            first_error: None,
            parameters,
            faked: HashSet::new(),
        }
    }

    /// Backstage's `render(value)`: every string leaf rendered, a failing one kept as it is —
    /// plus a warning with the place of the failure.
    fn render(&mut self, value: &Value, pointer: &str, context: &Context) -> Option<Value> {
        if let Err(error) = render_input(value, context, &self.strict, &self.extensions) {
            let at = match error.pointer.as_deref() {
                None | Some("/") => pointer.to_string(),
                Some(inner) => format!("{pointer}{inner}"),
            };
            let span = self.locator.render_span(&at, &error);
            let warning = Warning {
                message: format!(
                    "{} (Backstage keeps the text unrendered: `{}`)",
                    error.message,
                    self.locator.template.entity.pointer(&at).and_then(Value::as_str).unwrap_or_default()
                ),
                file: self.locator.file_of(span).to_string(),
                line: span.map(|s| s.line),
                column: span.map(|s| s.column),
            };
            // An `if` or input rendered once per iteration fails the same way each time: say it once.
            self.push_warning(warning);
        }
        render_input(value, context, &self.compat, &self.extensions).ok().flatten()
    }

    /// Adds a warning unless the same one (message and place) is there already.
    /// Adds `warning` unless the same one was given already (looked up by hash: a template may
    /// hold a broken string in each of 100,000 steps).
    fn push_warning(&mut self, warning: Warning) {
        if self.warned.insert((warning.message.clone(), warning.line, warning.column)) {
            self.warnings.push(warning);
        }
    }

    fn redacted(&self, value: &Value) -> Value {
        redact(value, &self.secrets)
    }

    fn step(&mut self, index: usize, step: &Value) {
        let pointer = format!("/spec/steps/{index}");
        let action = step.get("action").and_then(Value::as_str).unwrap_or_default().to_string();
        // The dry-run endpoint gives steps default ids and names.
        let id = step.get("id").and_then(Value::as_str).map_or_else(|| format!("step-{}", index + 1), str::to_string);
        let name = step.get("name").and_then(Value::as_str).map_or_else(|| action.clone(), str::to_string);
        let mut report = StepReport {
            id: id.clone(),
            name,
            action: action.clone(),
            status: StepStatus::Skipped,
            reason: None,
            input: None,
            iterations: Vec::new(),
            output: None,
            log: Vec::new(),
        };
        let condition = step.get("if");
        if self.status.failed.get() {
            // After a failure only steps whose `if` calls always()/failure() are considered.
            let calls_status = match condition {
                Some(Value::String(_)) => {
                    self.status.invoked.set(false);
                    let context = self.context.clone();
                    self.render(condition.unwrap_or(&Value::Null), &format!("{pointer}/if"), &context);
                    self.status.invoked.get()
                }
                _ => false,
            };
            if !calls_status {
                report.reason = Some("a previous step failed".into());
                self.steps.push(report);
                return;
            }
        }
        match self.execute(&pointer, step, &id, &action, &mut report) {
            Ok(()) => {}
            Err(mut error) => {
                // A message (or hint) may quote an input value, and so a secret.
                error.message = redact::redact_text(&error.message, &self.secrets);
                error.hint = error.hint.map(|hint| redact::redact_text(&hint, &self.secrets));
                report.status = StepStatus::Failed;
                report.reason = Some(error.message.clone());
                self.status.failed.set(true);
                if self.first_error.is_none() {
                    self.first_error = Some(error);
                }
            }
        }
        self.steps.push(report);
    }

    fn execute(
        &mut self,
        pointer: &str,
        step: &Value,
        id: &str,
        action: &str,
        report: &mut StepReport,
    ) -> Result<(), TrellisError> {
        let condition = step.get("if");
        let each = step.get("each");
        let skip_by_if = match condition {
            Some(Value::Bool(false)) => true,
            Some(text @ Value::String(_)) if each.is_none() => {
                let context = self.context.clone();
                !is_truthy(self.render(text, &format!("{pointer}/if"), &context).as_ref())
            }
            _ => false,
        };
        if skip_by_if {
            report.reason = Some("its if condition was false".into());
            return Ok(());
        }
        let manifest_action = self.options.manifest.action(action);
        let local = LOCAL_ACTIONS.contains(&action);
        // fetch:cookiecutter is a module's: an instance manifest without it means the instance lacks it.
        if manifest_action.is_none() && !DRY_RUN_ONLY_ONLINE.contains(&action) {
            if self.options.manifest.complete {
                return Err(self
                    .locator
                    .error(
                        "unknown-action",
                        &format!("{pointer}/action"),
                        format!("Template action with ID '{action}' is not registered."),
                    )
                    .with_hint("check the action id, or pass the manifest of the instance that has it (--manifest)"));
            }
            if !local {
                self.warnings.push(self.warning(
                    &format!("{pointer}/action"),
                    format!("`{action}` is neither a built-in action nor one of a known module; its output is `{{}}` (pass --manifest to use the instance's output schema)"),
                ));
            }
        }
        let input_context = self.context.with_value(&["secrets"], &self.options.secrets);
        let input_pointer = format!("{pointer}/input");
        let input_of = |runner: &mut Runner, context: &Context| match step.get("input") {
            Some(input) => runner.render(input, &input_pointer, context).unwrap_or_else(|| json!({})),
            None => json!({}),
        };
        if !local {
            // The dry-run logs the input, then skips the action and makes its output up.
            let input = input_of(self, &input_context);
            report.input = Some(self.redacted(&input));
            // The dry-run skips the step before the input check a task makes: say so, not fail;
            // and not at all when the input reads a made-up output (the task's would differ).
            let checked = !step.get("input").is_some_and(|raw| reads_output_of(raw, &self.faked));
            self.faked.insert(id.to_string());
            if let Err(error) = checked.then(|| self.check_input(pointer, action, None, &input)).unwrap_or(Ok(())) {
                let message = redact::redact_text(&error.message, &self.secrets);
                self.push_warning(Warning {
                    message: format!(
                        "{message} (a task fails here; Backstage's dry-run skips this step before checking its input)"
                    ),
                    file: error.file.clone().unwrap_or_else(|| self.locator.file.to_string()),
                    line: error.span.map(|s| s.line),
                    column: error.span.map(|s| s.column),
                });
            }
            let output = faked_output(actions::output_schema(action, &self.options.manifest).as_ref());
            report.status = StepStatus::Faked;
            report.reason =
                Some(format!("{action} does not run in a dry-run; its output is made up from its output schema"));
            drop(input_context);
            self.set_output(id, &output, report);
            return Ok(());
        }

        let iterations: Vec<Option<(String, Value)>> = match each {
            None => vec![None],
            Some(each) => {
                let each_pointer = format!("{pointer}/each");
                let resolved = self.render(each, &each_pointer, &input_context);
                let entries = match resolved {
                    None => {
                        return Err(self.locator.error(
                            "invalid-each",
                            &each_pointer,
                            format!(
                                "Invalid value on action {action}.each parameter, \"{}\" cannot be resolved to a value",
                                crate::jsfmt::value(each)
                            ),
                        ))
                    }
                    Some(Value::Array(items)) => {
                        items.into_iter().enumerate().map(|(i, v)| (i.to_string(), v)).collect::<Vec<_>>()
                    }
                    Some(Value::Object(map)) => map.into_iter().collect(),
                    Some(_) => {
                        return Err(self.locator.error(
                            "invalid-each",
                            &each_pointer,
                            format!(
                                "Invalid value on action {action}.each parameter, must resolve to an array or object"
                            ),
                        ))
                    }
                };
                entries.into_iter().map(Some).collect()
            }
        };
        // Every iteration's `if` and input first, and every input checked, before any runs.
        let mut prepared = Vec::new();
        for iteration in &iterations {
            let context = match iteration {
                Some((key, value)) => input_context.with_value(&["each"], &json!({"key": key, "value": value})),
                None => input_context.clone(),
            };
            let should_run = match (iteration, condition) {
                (Some(_), Some(text @ Value::String(_))) => {
                    is_truthy(self.render(text, &format!("{pointer}/if"), &context).as_ref())
                }
                _ => true,
            };
            let input = input_of(self, &context);
            if should_run {
                self.check_input(pointer, action, iteration.as_ref().map(|(k, _)| k.as_str()), &input)?;
            }
            prepared.push((iteration.clone(), should_run, input));
        }
        report.status = StepStatus::Ran;
        let mut outputs: Map<String, Value> = Map::new();
        for (iteration, should_run, input) in prepared {
            if let Some((key, value)) = &iteration {
                report.iterations.push(IterationReport {
                    key: key.clone(),
                    value: self.redacted(value),
                    ran: should_run,
                    input: self.redacted(&input),
                });
            } else {
                report.input = Some(self.redacted(&input));
            }
            if !should_run {
                continue;
            }
            let produced = actions::run(self, pointer, id, action, &input, report)?;
            for (name, value) in produced {
                if each.is_some() {
                    if let Value::Array(items) = outputs.entry(name).or_insert_with(|| Value::Array(Vec::new())) {
                        items.push(value);
                    }
                } else {
                    outputs.insert(name, value);
                }
            }
        }
        drop(input_context);
        self.set_output(id, &Value::Object(outputs), report);
        Ok(())
    }

    /// Adds `steps.<id>.output` to the context. Every context made for the step is gone by now, so
    /// the `steps` record is changed in place rather than copied with all earlier outputs.
    fn set_output(&mut self, id: &str, output: &Value, report: &mut StepReport) {
        let in_place = self.context.set_value(&["steps", id], &json!({ "output": output }));
        #[cfg(test)]
        COPIED_OUTPUTS.with(|copied| copied.set(copied.get() + usize::from(!in_place)));
        #[cfg(not(test))]
        let _ = in_place;
        report.output = Some(self.redacted(output));
    }

    /// The scaffolder checks each iteration's input against the action's input schema (npm
    /// `jsonschema`) before running any.
    fn check_input(&self, pointer: &str, action: &str, key: Option<&str>, input: &Value) -> Result<(), TrellisError> {
        let schema = actions::input_schema(action, &self.options.manifest);
        let Some(schema) = schema else { return Ok(()) };
        match crate::check::validators::first_violation_at(&schema, input) {
            Some(Err((at, message))) => {
                // An input the action does not declare is named (the validator says only that the
                // object has one), at its own place.
                let (at, message) = match undeclared_input(&schema, input).filter(|_| at.is_empty()) {
                    Some(name) => (
                        format!("/{}", name.replace('~', "~0").replace('/', "~1")),
                        format!("is not an input {action} declares"),
                    ),
                    None => (at, message),
                };
                let label = key.map_or_else(|| action.to_string(), |k| format!("{action}[{k}]"));
                let field = if at.is_empty() { "input".to_string() } else { format!("input{at}") };
                // The YAML node of the offending value when the template writes it literally.
                let pointer = format!("{pointer}/{field}");
                Err(self.locator.error(
                    "invalid-action-input",
                    &pointer,
                    format!("Invalid input passed to action {label}, `{}`: {message}", field.replace('/', ".")),
                ))
            }
            _ => Ok(()),
        }
    }

    fn warning(&self, pointer: &str, message: String) -> Warning {
        let span = self.locator.node(pointer);
        Warning {
            message,
            file: self.locator.file_of(span).to_string(),
            line: span.map(|s| s.line),
            column: span.map(|s| s.column),
        }
    }

    fn finish(mut self, template: &Template) -> DryRunResult {
        let output = if self.first_error.is_some() {
            None
        } else {
            let spec_output = template.entity.pointer("/spec/output").cloned().unwrap_or(Value::Null);
            let context = self.context.clone();
            let mut rendered = self.render(&spec_output, "/spec/output", &context);
            if let Some(Value::Object(map)) = rendered.as_mut() {
                for key in ["links", "text"] {
                    if let Some(Value::Array(items)) = map.get_mut(key) {
                        filter_conditional_items(items);
                    }
                }
            }
            Some(rendered.map_or(Value::Null, |v| self.redacted(&v)))
        };
        let files = std::mem::take(&mut self.workspace).into_entries();
        // Paths are rendered too (a targetPath or a skeleton name may hold a secret), and a
        // warning quotes a render error.
        let hide = |text: &str| redact::redact_text(text, &self.secrets);
        let skipped = self
            .skipped
            .iter()
            .map(|s| SkippedEntryReport {
                step: s.step.clone(),
                path: hide(&s.path),
                rendered_path: hide(&s.rendered_path),
                reason: hide(&s.reason),
            })
            .collect();
        let warnings = self.warnings.iter().map(|w| Warning { message: hide(&w.message), ..w.clone() }).collect();
        let report = Report {
            parameters: redact(&self.parameters, &self.secrets),
            output,
            files: files
                .iter()
                .filter(|f| f.kind != crate::render::skeleton::EntryKind::Directory)
                .map(|f| hide(&f.path))
                .collect(),
            skipped,
            warnings,
            error: self.first_error.as_ref().map(ErrorReport::from),
            steps: self.steps,
        };
        DryRunResult { files, report, error: self.first_error }
    }
}

/// The first key of `input` that a closed input schema (`additionalProperties: false`, no
/// `patternProperties`) does not declare.
fn undeclared_input<'v>(schema: &Value, input: &'v Value) -> Option<&'v str> {
    if schema.get("additionalProperties") != Some(&Value::Bool(false)) || schema.get("patternProperties").is_some() {
        return None;
    }
    let declared = schema.get("properties").and_then(Value::as_object);
    input.as_object()?.keys().map(String::as_str).find(|key| !declared.is_some_and(|d| d.contains_key(*key)))
}

/// Whether a templated string of `input` reads `steps.<id>` of one of `steps` (or of a step it
/// cannot name statically).
fn reads_output_of(input: &Value, steps: &HashSet<String>) -> bool {
    match input {
        Value::String(text) if text.contains("${{") => {
            let Ok(parsed) = crate::engine::parse(text, &crate::engine::ParseOptions::default()) else { return false };
            crate::engine::refs::references(&parsed)
                .iter()
                .any(|r| r.root == "steps" && r.path.first().is_none_or(|step| steps.contains(step)))
        }
        Value::Array(items) => items.iter().any(|item| reads_output_of(item, steps)),
        Value::Object(map) => map.values().any(|item| reads_output_of(item, steps)),
        _ => false,
    }
}

/// helper.cjs.js `filterConditionalItems`: objects whose `if` is not truthy are dropped, `if`
/// removed from the kept ones.
fn filter_conditional_items(items: &mut Vec<Value>) {
    items.retain_mut(|item| {
        let Value::Object(map) = item else { return true };
        if map.contains_key("if") && !is_truthy(map.get("if")) {
            return false;
        }
        map.shift_remove("if");
        true
    });
}

#[cfg(test)]
mod tests;
