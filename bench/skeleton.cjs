#!/usr/bin/env node
// Benchmark (not a test): skeleton rendering, trellis:fetch:template against Backstage's own
// fetch:template, both in the same real scaffolder backend (startTestBackend, over HTTP).
//
// Skeletons: the largest corpus skeletons fetched by a fetch:template step (by file count,
// identical copies once), each with the input and values of that step (rendered as Backstage
// renders step inputs; support/render-corpus.cjs). They are staged next to the dry-run's
// template once per dry-run by the test-only `test:stage` action.
//
// What is timed is the action alone, not the task around it: a dry-run whose template runs the
// action K times over every skeleton, minus the same dry-run with the action once, divided by
// K - 1. Staging, task set-up, the workspace serialised into the response and HTTP are in both
// and cancel out. Two ways of writing, one row each:
//   fresh target: each pass into its own new targetPath (what a task does: the workspace starts
//     empty), the trees removed by a last step (`test:remove`) so the response stays small;
//   replace: every pass into the same targetPath with `replace: true`, so every pass overwrites
//     every file (Trellis keeps the old files until the new ones are in place, then removes them).
// Engines alternate which goes first, run by run; the ratio is taken per run and the table
// prints medians.
//
//   npm run bench:skeleton                    (after `bash scripts/build.sh`)
//   TRELLIS_CORPUS=/path TRELLIS_BENCH_RUNS=9 TRELLIS_BENCH_SKELETONS=6 node bench/skeleton.cjs
'use strict';
const path = require('node:path');
const { performance } = require('node:perf_hooks');

const { benchSetup, median } = require('./support.cjs');

const root = path.join(__dirname, '..');
const ACTIONS = { backstage: 'fetch:template', trellis: 'trellis:fetch:template' };
/** Action passes in the long dry-run. */
const PASSES = 6;
const MODES = ['fresh', 'replace'];

/**
 * The `count` largest skeletons (files) both actions render, one case each, identical copies
 * (same files and bytes) once. A skeleton fetch:template itself refuses (the corpus has one,
 * with GitHub Actions `${{ }}` in a workflow) is passed over.
 */
async function largestSkeletons(backend, corpus, count) {
  const { fetchTemplateCases } = require(path.join(root, 'plugin-wrapper/test/support/render-corpus.cjs'));
  const seen = new Set();
  const picked = [];
  for (const c of fetchTemplateCases(corpus).cases.sort((a, b) => b.files - a.files || b.bytes - a.bytes)) {
    const signature = `${c.files}/${c.bytes}`;
    if (seen.has(signature)) continue;
    seen.add(signature);
    try {
      for (const engine of Object.keys(ACTIONS)) await timeDryRun(backend, [c], engine, 1);
    } catch {
      continue;
    }
    picked.push(c);
    if (picked.length === count) break;
  }
  return picked;
}

/** Milliseconds of one dry-run running `engine` `passes` times over every skeleton. */
async function timeDryRun(backend, skeletons, engine, passes, mode = 'fresh') {
  const steps = [
    { id: 'stage', action: 'test:stage', input: { copies: skeletons.map((s, i) => ({ from: s.location, to: `skeletons/${i}` })) } },
  ];
  for (let pass = 0; pass < passes; pass++) {
    skeletons.forEach((s, i) => {
      steps.push({
        id: `${engine}-${pass}-${i}`,
        action: ACTIONS[engine],
        input:
          mode === 'replace'
            ? { ...s.input, url: `./skeletons/${i}`, targetPath: `out/${i}`, replace: true }
            : { ...s.input, url: `./skeletons/${i}`, targetPath: `out/${pass}/${i}` },
      });
    });
  }
  steps.push({ id: 'remove', action: 'test:remove', input: { paths: ['out'] } });
  const start = performance.now();
  const { status, body } = await backend.dryRun({ steps });
  const ms = performance.now() - start;
  if (status !== 200) throw new Error(`${ACTIONS[engine]} dry-run failed (${status}): ${JSON.stringify(body.error ?? body)}`);
  return ms;
}

/** Milliseconds one action run over every skeleton costs, from a long and a short dry-run. */
async function actionCost(backend, skeletons, engine, mode) {
  const long = await timeDryRun(backend, skeletons, engine, PASSES, mode);
  const short = await timeDryRun(backend, skeletons, engine, 1, mode);
  return (long - short) / (PASSES - 1);
}

/**
 * Runs the benchmark: one result per way of writing (fresh target, replace), each `{unit,
 * skeletons, files, runs, backstage, trellis, ratio}`, rates in files/s (medians), ratio = median
 * of the per-run ratios. Starts and stops its own backend.
 */
async function benchSkeleton({ corpus, runs, skeletonCount = 4 }) {
  const { startScaffolder } = require(path.join(root, 'plugin-wrapper/test/support/scaffolder-backend.cjs'));
  const backend = await startScaffolder({ fixtures: true });
  try {
    const skeletons = await largestSkeletons(backend, corpus, skeletonCount);
    const files = skeletons.reduce((n, s) => n + s.files, 0);
    // Warm-up: module loading, JIT, the wasm instance.
    for (const engine of Object.keys(ACTIONS)) await actionCost(backend, skeletons, engine, 'fresh');
    const results = [];
    for (const mode of MODES) {
      const rates = { backstage: [], trellis: [] };
      const ratios = [];
      for (let run = 0; run < runs; run++) {
        const order = run % 2 ? ['trellis', 'backstage'] : ['backstage', 'trellis'];
        const ms = {};
        for (const engine of order) ms[engine] = await actionCost(backend, skeletons, engine, mode);
        for (const engine of order) rates[engine].push((files * 1000) / ms[engine]);
        ratios.push(ms.backstage / ms.trellis);
      }
      results.push({
        unit: `skeleton files, ${mode === 'fresh' ? 'fresh target' : 'replace: true over the same target'}`,
        skeletons: skeletons.map((s) => `${s.skeleton} (${s.files})`),
        files,
        runs,
        backstage: median(rates.backstage),
        trellis: median(rates.trellis),
        ratio: median(ratios),
      });
    }
    return results;
  } finally {
    await backend.stop();
  }
}

/** The result as a markdown table row (header: `| unit | count | Backstage (files/s) | Trellis (files/s) | ratio (per-run median) |`). */
function markdownRow(r) {
  return `| ${r.unit} | ${r.files} | ${Math.round(r.backstage)} | ${Math.round(r.trellis)} | ${r.ratio.toFixed(2)}× |`;
}

module.exports = { benchSkeleton, markdownRow };

if (require.main === module) {
  const { corpus, runs } = benchSetup({ needsIndex: true });
  process.env.TRELLIS_CORPUS = corpus;
  const skeletonCount = Number.parseInt(process.env.TRELLIS_BENCH_SKELETONS ?? '4', 10);
  benchSkeleton({ corpus, runs, skeletonCount }).then(
    (results) => {
      console.log(`skeletons: ${results[0].skeletons.join(', ')}; ${PASSES} passes minus 1 per dry-run; ${runs} runs, median`);
      console.log('');
      console.log('| unit | count | Backstage (files/s) | Trellis (files/s) | ratio (per-run median) |');
      console.log('|---|---:|---:|---:|---:|');
      for (const r of results) console.log(markdownRow(r));
    },
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
