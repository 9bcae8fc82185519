#!/usr/bin/env node
// Soak (not a test, not in CI: a few minutes): 10,000 sequential rounds in one process, each
// `renderInput` of a corpus task's step inputs with a freshly prepared context (and a
// `withValue` copy), one `renderString` that fails, and every 10th round a `checkTemplate` of a
// corpus template. Every 50 rounds the loop yields to the event loop, as a server does between
// requests: prepared contexts the caller drops are freed by wasm-bindgen's FinalizationRegistry,
// whose callbacks only run then. RSS (and the wasm linear memory) after a warm-up of 1,000
// rounds is compared with the end, both after a full GC: the growth must stay under 20 MB (exit
// code 1 otherwise).
//
//   npm run bench:soak                        (after `bash scripts/build.sh`)
//   TRELLIS_SOAK_ROUNDS=20000 node --expose-gc bench/soak.cjs
'use strict';
const path = require('node:path');
const { performance } = require('node:perf_hooks');

const { benchSetup } = require('./support.cjs');
const { corpusTasks } = require('./render.cjs');
const { benchCheckFiles } = require('./check.cjs');

const ROUNDS = Number.parseInt(process.env.TRELLIS_SOAK_ROUNDS ?? '10000', 10);
const WARM_UP = Math.min(1000, Math.floor(ROUNDS / 10));
const GROWTH_LIMIT_MB = 20;

const { root, corpus, trellis } = benchSetup({ needsIndex: true });
process.env.TRELLIS_CORPUS = corpus;
const core = require(path.join(root, 'pkg/trellis.js'));
const tasks = corpusTasks(corpus);
const templates = benchCheckFiles(corpus);
const options = { compat: 'backstage', globals: { always: () => true, failure: () => false } };

const yieldToEventLoop = () => new Promise((resolve) => setImmediate(resolve));

async function settledMemory() {
  for (let i = 0; i < 3; i++) {
    global.gc?.();
    await yieldToEventLoop();
  }
  return { rss: process.memoryUsage().rss, wasm: core.memoryBytes() };
}

let renderErrors = 0;
function round(i) {
  const task = tasks[i % tasks.length];
  const prepared = trellis.prepareContext(task.context).withValue('steps.soak.output', { round: i });
  for (const input of task.inputs) trellis.renderInput(input, prepared, options);
  try {
    trellis.renderString(`\${{ parameters.x | nosuchfilter(${i}) }}`, task.context);
  } catch (error) {
    if (error.code === 'evaluation_error') renderErrors += 1;
  }
  if (i % 10 === 0) {
    const template = templates[(i / 10) % templates.length];
    trellis.checkTemplate(template.source, { path: template.path });
  }
}

async function rounds(from, to) {
  for (let i = from; i < to; i++) {
    round(i);
    if (i % 50 === 49) await yieldToEventLoop();
  }
}

async function main() {
  const started = performance.now();
  await rounds(0, WARM_UP);
  const warm = await settledMemory();
  await rounds(WARM_UP, ROUNDS);
  const end = await settledMemory();
  const seconds = (performance.now() - started) / 1000;

  const mb = (bytes) => (bytes / 1024 / 1024).toFixed(1);
  const growth = end.rss - warm.rss;
  console.log(`${ROUNDS} rounds (renderInput of ${tasks.length} corpus tasks' steps, a failing renderString; every 10th a checkTemplate of ${templates.length} templates) in ${seconds.toFixed(1)} s; GC ${global.gc ? 'forced' : 'not exposed (run with --expose-gc)'}`);
  console.log('');
  console.log('| after | RSS (MB) | wasm memory (MB) |');
  console.log('|---|---:|---:|');
  console.log(`| warm-up (${WARM_UP} rounds) | ${mb(warm.rss)} | ${mb(warm.wasm)} |`);
  console.log(`| all ${ROUNDS} rounds | ${mb(end.rss)} | ${mb(end.wasm)} |`);
  console.log(`| growth | ${mb(growth)} | ${mb(end.wasm - warm.wasm)} |`);
  if (renderErrors !== ROUNDS) {
    console.error(`expected ${ROUNDS} evaluation errors, got ${renderErrors}`);
    process.exit(1);
  }
  if (growth >= GROWTH_LIMIT_MB * 1024 * 1024) {
    console.error(`RSS grew by ${mb(growth)} MB after warm-up (limit ${GROWTH_LIMIT_MB} MB)`);
    process.exit(1);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
