//! The loop `npm run bench` times on both sides of the wasm boundary (bench/native.cjs): every
//! step input of a set of tasks rendered as the `Renderer` renders it, the task's context
//! prepared from its JSON text first. `engine/examples/bench_native.rs` runs it natively and the
//! wasm export `__TrellisBenchTasks` inside wasm, so the two differ only by the target,
//! and the JavaScript API's time minus the wasm loop's is what crossing the boundary costs.

use serde_json::Value as Json;

use super::{render_input_text, Context, RenderOptions};
use crate::engine::eval::Extensions;

/// One task: its context and the inputs of its steps, as JSON text.
pub struct Task {
    pub context: String,
    pub inputs: Vec<String>,
}

/// The tasks of `[{"context": {…}, "inputs": [{…}, …]}, …]` (bench/native.cjs writes it).
pub fn tasks(json: &str) -> Result<Vec<Task>, String> {
    let value: Json = serde_json::from_str(json).map_err(|e| format!("the tasks are not JSON: {e}"))?;
    let tasks = value.as_array().ok_or("expected an array of tasks")?;
    Ok(tasks
        .iter()
        .map(|task| Task {
            context: task["context"].to_string(),
            inputs: task["inputs"]
                .as_array()
                .map(|inputs| inputs.iter().map(Json::to_string).collect())
                .unwrap_or_default(),
        })
        .collect())
}

/// Renders every step input of every task `passes` times; the number of steps rendered.
#[inline(never)]
pub fn render_tasks(tasks: &[Task], passes: usize, options: &RenderOptions, extensions: &Extensions) -> usize {
    let mut steps = 0;
    for _ in 0..passes {
        for task in tasks {
            let Ok(context) = Context::from_json_text(&task.context) else { continue };
            for input in &task.inputs {
                // Under `backstage_compat` a failing string is kept, so a step never fails.
                std::hint::black_box(render_input_text(input, &context, options, extensions).ok());
                steps += 1;
            }
        }
    }
    steps
}
