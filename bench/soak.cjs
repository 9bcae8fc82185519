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
// Then the internal-error soak: TRELLIS_SOAK_PANICS (default 2,000) forced panics (the test-only
// `__trellisPanicForTest`), each replacing the core instance, between renders with a cached
// options object, a fresh context and every 10th a `withValue` copy kept for good, as a
// long-lived backend holds them. RSS growth after a warm-up of 100 must stay under 32 MB.
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
const PANICS = Number.parseInt(process.env.TRELLIS_SOAK_PANICS ?? '2000', 10);
const PANIC_WARM_UP = Math.min(100, Math.floor(PANICS / 10));
const PANIC_GROWTH_LIMIT_MB = 32;
const WARM_UP = Math.min(1000, Math.floor(ROUNDS / 10));
const GROWTH_LIMIT_MB = 20;

const { root, corpus, trellis } = benchSetup({ needsIndex: true });
process.env.TRELLIS_CORPUS = corpus;
const core = require(path.join(root, 'pkg/trellis.js'));
const { __trellisPanicForTest } = require(path.join(root, 'dist/core.js'));
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

const keptContexts = [];
let internalErrors = 0;
function panicRound(i) {
  const prepared = trellis.prepareContext({ parameters: { name: `svc-${i}` } });
  if (i % 10 === 0) keptContexts.push(prepared.withValue('steps.soak.output', { round: i }));
  trellis.renderString('${{ parameters.name | upper }}', prepared, options);
  try {
    __trellisPanicForTest(`soak panic ${i}`);
  } catch (error) {
    if (error.code === 'internal_error') internalErrors += 1;
  }
}

const mb = (bytes) => (bytes / 1024 / 1024).toFixed(1);

/**
 * Runs `round(0 … total-1)`, yielding every 50; prints a table of RSS and wasm memory after the
 * warm-up and at the end, and exits 1 when RSS grew by `limitMb` or more in between.
 */
async function soak({ unit, total, warmUp, round, title, limitMb }) {
  const started = performance.now();
  const run = async (from, to) => {
    for (let i = from; i < to; i++) {
      round(i);
      if (i % 50 === 49) await yieldToEventLoop();
    }
  };
  await run(0, warmUp);
  const warm = await settledMemory();
  await run(warmUp, total);
  const end = await settledMemory();
  const growth = end.rss - warm.rss;
  console.log(`${title} in ${((performance.now() - started) / 1000).toFixed(1)} s; GC ${global.gc ? 'forced' : 'not exposed (run with --expose-gc)'}`);
  console.log('');
  console.log('| after | RSS (MB) | wasm memory (MB) |');
  console.log('|---|---:|---:|');
  console.log(`| warm-up (${warmUp} ${unit}) | ${mb(warm.rss)} | ${mb(warm.wasm)} |`);
  console.log(`| all ${total} ${unit} | ${mb(end.rss)} | ${mb(end.wasm)} |`);
  console.log(`| growth | ${mb(growth)} | ${mb(end.wasm - warm.wasm)} |`);
  console.log('');
  if (growth >= limitMb * 1024 * 1024) {
    console.error(`RSS grew by ${mb(growth)} MB over ${total - warmUp} ${unit} after warm-up (limit ${limitMb} MB)`);
    process.exit(1);
  }
}

function expectCount(what, expected, actual) {
  if (actual !== expected) {
    console.error(`expected ${expected} ${what}, got ${actual}`);
    process.exit(1);
  }
}

async function main() {
  await soak({
    unit: 'rounds',
    total: ROUNDS,
    warmUp: WARM_UP,
    round,
    title: `${ROUNDS} rounds (renderInput of ${tasks.length} corpus tasks' steps, a failing renderString; every 10th a checkTemplate of ${templates.length} templates)`,
    limitMb: GROWTH_LIMIT_MB,
  });
  expectCount('evaluation errors', ROUNDS, renderErrors);
  await soak({
    unit: 'internal errors',
    total: PANICS,
    warmUp: PANIC_WARM_UP,
    round: panicRound,
    title: `${PANICS} forced internal errors (each replaces the core instance; every 10th a prepared context kept)`,
    limitMb: PANIC_GROWTH_LIMIT_MB,
  });
  expectCount('internal errors', PANICS, internalErrors);
  // The kept contexts still render, in the instance that replaced the one they were made in.
  const last = keptContexts[keptContexts.length - 1];
  expectCount('as the last kept round', Math.floor((PANICS - 1) / 10) * 10, Number(trellis.renderString('${{ steps.soak.output.round }}', last)));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
