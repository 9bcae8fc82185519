'use strict';
// What every benchmark needs: the built JS API, the corpus location (TRELLIS_CORPUS, default
// ../shared/corpus), the number of timed runs (TRELLIS_BENCH_RUNS, default 7) and a median.
// A missing build or corpus stops the benchmark with exit code 2 and a message saying so.

const fs = require('node:fs');
const path = require('node:path');

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

module.exports = { benchSetup, median };
