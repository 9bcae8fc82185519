#!/usr/bin/env node
// The native limit of step-input rendering (issue 18 item 3), not a test: the corpus' step inputs
// (every task of bench/render.cjs, same contexts) rendered three ways, µs per step, medians:
//   native:    the engine compiled for this machine (engine/examples/bench_native.rs, built with
//              `cargo run --release`), the loop of trellis_engine::render::bench;
//   wasm loop: the same loop inside the wasm module (`__TrellisBenchTasks`, the tasks read once
//              as the native example reads them), one call for all the steps, so no boundary
//              crossing per step;
//   JS API:    `renderInput(input, prepared, { compat: 'backstage', globals })` per step, options
//              inline, `prepareContext` per task, as a backend calls it.
// JS API minus wasm loop is what crossing the boundary costs per step; wasm loop over native is
// what the target costs.
//
//   node bench/native.cjs            (after `bash scripts/build.sh`; builds the native example)
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { performance } = require('node:perf_hooks');

const { benchSetup, median, warmUp } = require('./support.cjs');
const { corpusTasks, GLOBALS } = require('./render.cjs');

const PASSES = 5;

/** Native µs/step: the example's own medians (it warms up first). */
function nativeMicros(root, tasksFile, runs) {
  const out = execFileSync(
    'cargo',
    ['run', '--quiet', '--release', '-p', 'trellis-engine', '--example', 'bench_native', '--', tasksFile, String(runs), String(PASSES)],
    { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return JSON.parse(out.trim().split('\n').pop());
}

/** Median µs/step of `work(passes)` (which returns the steps it rendered), after a warm-up. */
function timed(runs, work) {
  warmUp(() => work(PASSES));
  const micros = [];
  for (let r = 0; r < runs; r++) {
    const started = performance.now();
    const steps = work(PASSES);
    micros.push(((performance.now() - started) * 1000) / steps);
  }
  return median(micros);
}

function benchNative({ root, corpus, runs, trellis }) {
  const tasks = corpusTasks(corpus);
  const tasksJson = JSON.stringify(tasks.map((t) => ({ context: t.context, inputs: t.inputs })));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-native-'));
  let native;
  try {
    const file = path.join(dir, 'tasks.json');
    fs.writeFileSync(file, tasksJson);
    native = nativeMicros(root, file, runs);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  // The glue itself: the wrapper does not expose the export (a benchmark hook, not API).
  const core = require(path.join(root, 'pkg/trellis.js'));
  const renderer = new core.Renderer(JSON.stringify({ compat: 'backstage' }), undefined, GLOBALS);
  const benchTasks = new core.__TrellisBenchTasks(tasksJson);
  const wasmLoop = timed(runs, (passes) => benchTasks.render(renderer, passes));
  benchTasks.free();
  renderer.free();
  const api = timed(runs, (passes) => {
    let steps = 0;
    for (let p = 0; p < passes; p++) {
      for (const task of tasks) {
        const context = trellis.prepareContext(task.context);
        for (const input of task.inputs) {
          trellis.renderInput(input, context, { compat: 'backstage', globals: GLOBALS });
          steps++;
        }
      }
    }
    return steps;
  });
  return { steps: native.steps, runs, native: native.stepMicros, wasmLoop, api };
}

/** `[figure, value, target]` of each row. */
function figures(r) {
  const crossing = r.api - r.wasmLoop;
  return [
    [`step inputs, native engine (µs/step; ${r.steps} steps)`, r.native.toFixed(1), ''],
    ['step inputs, the same loop inside wasm (µs/step)', `${r.wasmLoop.toFixed(1)} (${(r.wasmLoop / r.native).toFixed(2)}× native)`, '≤2× native'],
    [
      'step inputs, JS API per step (µs/step), of which crossing',
      `${r.api.toFixed(1)} (${(r.api / r.native).toFixed(2)}× native), ${crossing.toFixed(1)} crossing (${((100 * crossing) / r.api).toFixed(0)} %)`,
      '',
    ],
  ];
}

/** The markdown rows of bench/all.cjs. */
function markdownRows(r) {
  return figures(r).map(([figure, value, target]) => `| a) ${figure} | ${value} | | | ${target} |`);
}

module.exports = { benchNative, markdownRows };

if (require.main === module) {
  const r = benchNative(benchSetup({ needsIndex: true }));
  console.log(`${r.steps} corpus step inputs; ${r.runs} runs × ${PASSES} passes, medians`);
  console.log('');
  console.log('| figure | µs per step | target |');
  console.log('|---|---|---|');
  for (const [figure, value, target] of figures(r)) console.log(`| ${figure} | ${value} | ${target} |`);
}
