#!/usr/bin/env node
// Soak (not a test, not in CI: about a minute): 10,000 sequential rounds in one process, each
// one `renderInput` of a corpus step input with a freshly prepared context (and a `withValue`
// copy), one `renderString` that fails, and one `checkTemplate` of a corpus template. RSS (and
// the wasm linear memory) after a warm-up of 1,000 rounds is compared with RSS at the end, both
// after a full GC: the growth must stay under 20 MB (exit code 1 otherwise).
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

function settledMemory() {
  if (global.gc) {
    global.gc();
    global.gc();
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
  const template = templates[i % templates.length];
  trellis.checkTemplate(template.source, { path: template.path });
}

const started = performance.now();
for (let i = 0; i < WARM_UP; i++) round(i);
const warm = settledMemory();
for (let i = WARM_UP; i < ROUNDS; i++) round(i);
const end = settledMemory();
const seconds = (performance.now() - started) / 1000;

const mb = (bytes) => (bytes / 1024 / 1024).toFixed(1);
const growth = end.rss - warm.rss;
console.log(`${ROUNDS} rounds (renderInput of ${tasks.length} corpus tasks' steps, a failing renderString, checkTemplate of ${templates.length} templates) in ${seconds.toFixed(1)} s; GC ${global.gc ? 'forced' : 'not exposed (run with --expose-gc)'}`);
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
