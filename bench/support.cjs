'use strict';
// What every benchmark needs: the built JS API, the corpus location (TRELLIS_CORPUS, default
// ../shared/corpus), the number of timed runs (TRELLIS_BENCH_RUNS, default 7) and a median.
// A missing build or corpus stops the benchmark with exit code 2 and a message saying so.

const fs = require('node:fs');
const path = require('node:path');
const { performance } = require('node:perf_hooks');

const root = path.join(__dirname, '..');

function fail(message) {
  console.error(message);
  process.exit(2);
}

/** `{root, corpus, runs, trellis}`; `needsIndex`: the corpus must have its INDEX.tsv. */
function benchSetup({ needsIndex = false } = {}) {
  const corpus = path.resolve(root, process.env.TRELLIS_CORPUS ?? '../shared/corpus');
  const runs = Number.parseInt(process.env.TRELLIS_BENCH_RUNS ?? '7', 10);
  if (!fs.existsSync(path.join(root, 'dist/index.js'))) fail('dist/index.js is missing: run `bash scripts/build.sh` first');
  if (!fs.statSync(corpus, { throwIfNoEntry: false })?.isDirectory()) fail(`corpus not found at ${corpus}: set TRELLIS_CORPUS`);
  if (needsIndex && !fs.existsSync(path.join(corpus, 'INDEX.tsv'))) fail(`${corpus} has no INDEX.tsv: set TRELLIS_CORPUS`);
  if (!(runs > 0)) fail('TRELLIS_BENCH_RUNS must be a positive integer');
  return { root, corpus, runs, trellis: require(path.join(root, 'dist/index.js')) };
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/**
 * Runs `work` again and again for half a second before anything is timed: JIT for JavaScript,
 * and V8 compiling hot wasm functions with TurboFan in the background, which took 3 to 7 runs of
 * 5 corpus passes here; until then runs take the baseline code, 2 to 4 times slower.
 */
function warmUp(work) {
  const ends = performance.now() + 500;
  while (performance.now() < ends) work();
}

module.exports = { benchSetup, median, warmUp };
