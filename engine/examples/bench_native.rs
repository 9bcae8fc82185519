//! The native limit of `npm run bench` (bench/native.cjs runs it): the corpus' step inputs
//! rendered by the engine compiled for this machine instead of wasm, with the loop the wasm
//! export `__TrellisBenchTasks` runs (`trellis_engine::render::bench`) and the options
//! the JavaScript bench passes (`compat: 'backstage'`, Backstage's filters, `always`/`failure`
//! globals). Same release profile as the wasm build (the engine at opt-level 3).
//!
//!   cargo run --release -p trellis-engine --example bench_native -- TASKS.json [RUNS] [PASSES]
//!
//! Prints one JSON line: `{"steps", "runs", "passes", "stepMicros", "stepCpuMicros"}`, the
//! median wall and CPU time per step over `RUNS` runs of `PASSES` passes over every task, after
//! one warm-up pass. Under `valgrind --tool=callgrind --toggle-collect='*render_tasks*'` the
//! instructions of a pass are the difference between two `PASSES` divided by it.

use std::rc::Rc;
use std::time::Instant;

use serde_json::Value as Json;
use trellis_engine::engine::backstage;
use trellis_engine::engine::eval::HostFunction;
use trellis_engine::render::bench::{render_tasks, tasks};
use trellis_engine::render::RenderOptions;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(file) = args.first() else { fail("usage: bench_native TASKS.json [RUNS] [PASSES]") };
    let number = |at: usize, default: usize| args.get(at).and_then(|a| a.parse().ok()).unwrap_or(default);
    let (runs, passes) = (number(1, 7), number(2, 5));
    let text = std::fs::read_to_string(file).unwrap_or_else(|e| fail(&format!("{file}: {e}")));
    let tasks = tasks(&text).unwrap_or_else(|e| fail(&format!("{file}: {e}")));

    let options = RenderOptions { backstage_compat: true, ..RenderOptions::default() };
    let mut extensions = backstage::extensions(backstage::default_integrations());
    let constant = |value: bool| -> HostFunction { Rc::new(move |_| Ok(Some(Json::Bool(value)))) };
    extensions.functions.insert("always".into(), constant(true));
    extensions.functions.insert("failure".into(), constant(false));

    let steps = render_tasks(&tasks, 1, &options, &extensions); // warm-up: the caches, as in wasm
    let (mut wall, mut cpu): (Vec<f64>, Vec<f64>) = (0..runs)
        .map(|_| {
            let (start, cpu_start) = (Instant::now(), thread_cpu_nanos());
            render_tasks(&tasks, passes, &options, &extensions);
            let per_step = |total: f64| total / (passes * steps) as f64;
            (per_step(start.elapsed().as_secs_f64() * 1e6), per_step((thread_cpu_nanos() - cpu_start) / 1e3))
        })
        .unzip();
    let median = |xs: &mut Vec<f64>| {
        xs.sort_by(f64::total_cmp);
        xs[xs.len() / 2]
    };
    let (wall, cpu) = (median(&mut wall), median(&mut cpu));
    println!(r#"{{"steps":{steps},"runs":{runs},"passes":{passes},"stepMicros":{wall},"stepCpuMicros":{cpu}}}"#);
}

/// CPU time of this thread in nanoseconds (Linux' schedstat; elsewhere 0, and bench/native.cjs
/// then shows wall time only).
fn thread_cpu_nanos() -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|text| text.split_whitespace().next()?.parse().ok())
        .unwrap_or(0.0)
}

fn fail(message: &str) -> ! {
    eprintln!("bench_native: {message}");
    std::process::exit(2);
}
