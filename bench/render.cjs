#!/usr/bin/env node
// Benchmark (not a test): step-input rendering, Trellis against the engine Backstage runs today,
// in the same process. The unit is one step's whole input, as the scaffolder renders it:
//
//   nunjitsu (scaffolder-backend 4.3.0): one renderer per task (allowRegexExecution, Backstage's
//     four filters, always/failure), the context prepared once per task, and every string leaf of
//     the input through `renderValue(…, {coercion: 'json'})` inside
//     `JSON.parse(JSON.stringify(input), reviver)`, an error keeping the raw string;
//   Trellis: `prepareContext` once per task, then one `renderInput(input, prepared,
//     {compat: 'backstage', globals})` call per step, the options object written inline in the
//     call (a new object each time, as users write it) or one object reused for every call.
//
// Inputs and contexts come from every Template of the shared corpus (support/render-corpus.cjs
// builds the same plausible task contexts the parity test uses). Each run times both engines
// over all steps (several passes), alternating which goes first; the ratio is taken per run and
// the table prints medians. Also timed: every templated string alone through renderValue.
//
//   npm run bench:render                      (after `bash scripts/build.sh`)
//   TRELLIS_CORPUS=/path TRELLIS_BENCH_RUNS=9 node bench/render.cjs
'use strict';
const path = require('node:path');
const { performance } = require('node:perf_hooks');

const { benchSetup, median, warmUp } = require('./support.cjs');

const root = path.join(__dirname, '..');
const { nunjitsuRenderer, renderStepInput } = require(path.join(root, 'plugin-wrapper/test/support/render-oracle.cjs'));
const { loadCorpusTemplates } = require(path.join(root, 'plugin-wrapper/test/support/parity-corpus.cjs'));
const { taskContext, stepStringCases } = require(path.join(root, 'plugin-wrapper/test/support/render-corpus.cjs'));

const GLOBALS = { always: () => true, failure: () => false };

/** Every task: its context and the inputs of its steps (steps without input are skipped). */
function tasks(corpus) {
  const out = [];
  for (const template of loadCorpusTemplates(corpus).templates) {
    const steps = (template.entity.spec?.steps ?? []).filter((s) => s && typeof s === 'object' && s.input);
    if (steps.length) out.push({ context: taskContext(template.entity), inputs: steps.map((s) => s.input) });
  }
  return out;
}

/** nunjitsu as Backstage runs it: the whole input of every step of every task, `passes` times. */
function nunjitsuSteps(all, passes) {
  const renderer = nunjitsuRenderer();
  for (let p = 0; p < passes; p++) {
    for (const task of all) {
      const context = renderer.prepareContext(task.context);
      for (const input of task.inputs) renderStepInput(renderer, input, context);
    }
  }
}

/** Step-input engines, Trellis with its options written inline in every call. */
function stepEnginesInline(trellis) {
  return {
    nunjitsu: nunjitsuSteps,
    trellis(all, passes) {
      for (let p = 0; p < passes; p++) {
        for (const task of all) {
          const context = trellis.prepareContext(task.context);
          for (const input of task.inputs) trellis.renderInput(input, context, { compat: 'backstage', globals: GLOBALS });
        }
      }
    },
  };
}

/** Step-input engines, Trellis with one options object for every call. */
function stepEnginesReused(trellis) {
  return {
    nunjitsu: nunjitsuSteps,
    trellis(all, passes) {
      const options = { compat: 'backstage', globals: GLOBALS };
      for (let p = 0; p < passes; p++) {
        for (const task of all) {
          const context = trellis.prepareContext(task.context);
          for (const input of task.inputs) trellis.renderInput(input, context, options);
        }
      }
    },
  };
}

/** String engines: every templated string alone, `passes` times (errors count as renders:
 * Backstage pays for the attempt too). */
function stringEngines(trellis) {
  return {
    nunjitsu(cases, passes) {
      const renderer = nunjitsuRenderer();
      for (let p = 0; p < passes; p++) {
        for (const c of cases) {
          try {
            renderer.renderValue(c.source, c.prepared.nunjitsu, { coercion: 'json' });
          } catch {
            // counted
          }
        }
      }
    },
    trellis(cases, passes) {
      for (let p = 0; p < passes; p++) {
        for (const c of cases) {
          try {
            trellis.renderValue(c.source, c.prepared.trellis, { globals: GLOBALS });
          } catch {
            // counted
          }
        }
      }
    },
  };
}

/** Rates (ops/s, medians) of nunjitsu and Trellis on `work`, alternating which goes first; the
 * ratio is taken per run. Each rate is also given as microseconds per unit (`micros`). */
function measure(runs, label, pool, work, units, passes) {
  // Both engines alike; for Trellis also its caches.
  warmUp(() => pool.nunjitsu(work, 1));
  warmUp(() => pool.trellis(work, 1));
  const rates = { nunjitsu: [], trellis: [] };
  const ratios = [];
  for (let run = 0; run < runs; run++) {
    const order = run % 2 ? ['trellis', 'nunjitsu'] : ['nunjitsu', 'trellis'];
    const seconds = {};
    for (const name of order) {
      const start = performance.now();
      pool[name](work, passes);
      seconds[name] = (performance.now() - start) / 1000;
    }
    rates.nunjitsu.push((units * passes) / seconds.nunjitsu);
    rates.trellis.push((units * passes) / seconds.trellis);
    ratios.push(seconds.nunjitsu / seconds.trellis);
  }
  const [nunjitsu, trellis] = [median(rates.nunjitsu), median(rates.trellis)];
  return { label, units, nunjitsu, trellis, ratio: median(ratios), micros: { nunjitsu: 1e6 / nunjitsu, trellis: 1e6 / trellis } };
}

/**
 * Runs the benchmark: `{tasks, steps, strings, rows}`, each row `{label, units, nunjitsu,
 * trellis, ratio}` (ops/s medians, ratio = median of per-run ratios).
 */
function benchRender({ corpus, runs, trellis }) {
  process.env.TRELLIS_CORPUS = corpus;
  const all = tasks(corpus);
  const steps = all.reduce((n, t) => n + t.inputs.length, 0);
  const cases = stepStringCases(corpus).map((c) => ({
    ...c,
    prepared: { nunjitsu: nunjitsuRenderer().prepareContext(c.context), trellis: trellis.prepareContext(c.context) },
  }));
  const rows = [
    measure(runs, 'step inputs, options inline (renderInput per step)', stepEnginesInline(trellis), all, steps, 5),
    measure(runs, 'step inputs, one options object reused', stepEnginesReused(trellis), all, steps, 5),
    measure(runs, 'templated strings (renderValue each, options inline)', stringEngines(trellis), cases, cases.length, 5),
  ];
  return { tasks: all.length, steps, strings: cases.length, runs, rows };
}

module.exports = { benchRender, corpusTasks: tasks, GLOBALS };

if (require.main === module) {
  const r = benchRender(benchSetup({ needsIndex: true }));
  console.log(`corpus: ${r.tasks} tasks, ${r.steps} step inputs, ${r.strings} templated strings; ${r.runs} runs, median`);
  console.log('');
  console.log('| unit | count | nunjitsu (ops/s) | Trellis (ops/s) | Trellis µs each | ratio (per-run median) |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const row of r.rows) {
    console.log(
      `| ${row.label} | ${row.units} | ${Math.round(row.nunjitsu)} | ${Math.round(row.trellis)} | ${row.micros.trellis.toFixed(1)} | ${row.ratio.toFixed(2)}× |`,
    );
  }
}
