#!/usr/bin/env node
// Every benchmark of issue #7 in one run, printed as one markdown table (not a test):
//   a) step-input rendering, Trellis against nunjitsu as Backstage runs it (bench/render.cjs),
//      and the same steps natively and inside wasm without crossing (bench/native.cjs);
//   b) skeleton rendering, trellis:fetch:template against fetch:template in a real backend
//      (bench/skeleton.cjs);
//   c) `checkTemplate` over the whole corpus (bench/check.cjs), and `trellis check`/`trellis render`
//      of generated templates against their number of steps (bench/steps.cjs);
//   e) cookiecutter templates, renderCookiecutter against the cookiecutter CLI as
//      fetch:cookiecutter runs it (bench/cookiecutter.cjs);
//   d) cold start (a fresh Node process: require the package + the first render; median of
//      RUNS processes), how much of it is V8 compiling the wasm, and the wasm size, raw and
//      gzipped;
//   f) the language server's diagnostics latency on a 1,000-line template (bench/lsp.cjs).
// Rates and times are medians of TRELLIS_BENCH_RUNS runs (default 7); ratios are per run.
//
//   npm run bench                             (after `bash scripts/build.sh`)
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');
const { execFileSync } = require('node:child_process');

const { benchSetup, median } = require('./support.cjs');
const { benchRender } = require('./render.cjs');
const { benchSteps, growth } = require('./steps.cjs');
const lsp = require('./lsp.cjs');
const native = require('./native.cjs');

/** The median of what `script` prints (milliseconds it timed), each run in a fresh Node process. */
function medianInFreshProcesses(script, runs) {
  const times = [];
  for (let i = 0; i < runs; i++) times.push(Number(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })));
  return median(times);
}

/** Milliseconds from the start of `require(entry)` to the end of the first render. */
function coldStartMs(entry, runs) {
  return medianInFreshProcesses(
    `
    const { performance } = require('node:perf_hooks');
    const started = performance.now();
    const trellis = require(${JSON.stringify(entry)});
    if (trellis.renderString('\${{ parameters.name | upper }}', { parameters: { name: 'x' } }) !== 'X') process.exit(1);
    process.stdout.write(String(performance.now() - started));
  `,
    runs,
  );
}

/** Milliseconds V8 takes to compile (validate) the wasm alone: the floor under the cold start
 * that no JavaScript change can move. */
function wasmCompileMs(wasmPath, runs) {
  return medianInFreshProcesses(
    `
    const { performance } = require('node:perf_hooks');
    const bytes = require('node:fs').readFileSync(${JSON.stringify(wasmPath)});
    const started = performance.now();
    new WebAssembly.Module(bytes);
    process.stdout.write(String(performance.now() - started));
  `,
    runs,
  );
}

/** Rows b): one per way of writing (a fresh target; `replace: true` over an existing one). */
async function skeletonRows(setup) {
  const { benchSkeleton } = require('./skeleton.cjs');
  const results = await benchSkeleton({ corpus: setup.corpus, runs: setup.runs });
  return results.map(
    (r) => `| b) ${r.unit}: ${r.files} files (files/s) | ${Math.round(r.trellis)} | ${Math.round(r.backstage)} | ${r.ratio.toFixed(2)}× | ≥3× |`,
  );
}

async function main() {
  const setup = benchSetup({ needsIndex: true });
  const rows = [];
  const render = benchRender(setup);
  const [steps, reused, strings] = render.rows;
  rows.push(`| a) step inputs: ${steps.units} corpus steps, renderInput, options inline (ops/s) | ${Math.round(steps.trellis)} | ${Math.round(steps.nunjitsu)} | ${steps.ratio.toFixed(2)}× | ≥10× |`);
  rows.push(`| a) step inputs, one options object reused (ops/s) | ${Math.round(reused.trellis)} | ${Math.round(reused.nunjitsu)} | ${reused.ratio.toFixed(2)}× | ≥10× |`);
  rows.push(`| a) templated strings: ${strings.units}, renderValue (ops/s) | ${Math.round(strings.trellis)} | ${Math.round(strings.nunjitsu)} | ${strings.ratio.toFixed(2)}× | ≥5× |`);
  rows.push(...native.markdownRows(native.benchNative(setup)));
  rows.push(...(await skeletonRows(setup)));
  // In a process of its own: here the wasm module is compiled and its hot functions optimised by
  // the benchmarks above, and a first pass would not be what one `trellis check` run pays.
  const check = JSON.parse(
    execFileSync(process.execPath, [path.join(__dirname, 'check.cjs'), '--json'], {
      encoding: 'utf8',
      env: { ...process.env, TRELLIS_CORPUS: setup.corpus, TRELLIS_BENCH_RUNS: String(setup.runs) },
    }),
  );
  rows.push(`| c) check whole corpus with skeletons: ${check.templates} templates, total ms (templates/s) | ${check.medianMs.toFixed(0)} ms (${check.perSecond.toFixed(0)}/s) | | | < 1 s |`);
  rows.push(`| c) the same, first pass in a fresh process (what one \`trellis check\` run pays), wall (CPU, all threads) ms | ${check.firstPassMs.toFixed(0)} (${check.firstPassCpuMs.toFixed(0)}) | | | ≤300 ms |`);
  const { benchCookiecutter, markdownRows } = require('./cookiecutter.cjs');
  rows.push(...markdownRows(benchCookiecutter(setup)));
  // One CLI process per run: three runs are enough to show the growth, which is the figure here.
  const stepRows = benchSteps({ runs: Math.min(setup.runs, 3) });
  for (const r of stepRows.filter(r => r.shape === 'plain')) {
    const more = (command) => (growth(stepRows, r, command) ? `, ${growth(stepRows, r, command)} for 4× steps` : '');
    rows.push(`| c) \`trellis check\` of ${r.steps} plain steps (${r.kib.toFixed(0)} KiB), CPU ms | ${r.check.cpuMs.toFixed(0)}${more('check')} | | | linear: ≤5× for 4× steps |`);
    rows.push(`| c) \`trellis render\` of ${r.steps} plain steps, CPU ms | ${r.render.cpuMs.toFixed(0)}${more('render')} | | | linear: ≤5× for 4× steps |`);
  }
  const packageStart = coldStartMs(path.join(setup.root, 'dist/index.js'), setup.runs);
  const coreStart = coldStartMs(path.join(setup.root, 'dist/render.js'), setup.runs);
  rows.push(`| d) cold start: require package + first render (ms) | ${packageStart.toFixed(1)} | | | ≤25 ms |`);
  rows.push(`| d) cold start: require render API only + first render (ms) | ${coreStart.toFixed(1)} | | | |`);
  const wasmPath = path.join(setup.root, 'pkg/trellis_bg.wasm');
  rows.push(`| d) of which compiling the wasm (new WebAssembly.Module, ms) | ${wasmCompileMs(wasmPath, setup.runs).toFixed(1)} | | | |`);
  const wasm = fs.readFileSync(wasmPath);
  const gzipped = zlib.gzipSync(wasm, { level: 9 }).length;
  const mb = (n) => (n / 1e6).toFixed(2);
  rows.push(`| d) wasm size raw / gzipped (MB) | ${mb(wasm.length)} / ${mb(gzipped)} | | | ≤4.5 MB raw, ≤1.5 MB gzipped |`);
  rows.push(lsp.markdownRow(await lsp.benchLsp({ ...setup, runs: Math.max(setup.runs, 20) })));

  console.log(`Trellis benchmarks: ${setup.runs} runs each, medians; corpus ${setup.corpus}`);
  console.log('');
  console.log('| figure | Trellis | Backstage engine | ratio (per-run median) | target |');
  console.log('|---|---:|---:|---:|---|');
  for (const row of rows) console.log(row);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
