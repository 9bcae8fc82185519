#!/usr/bin/env node
// Benchmark (not a test): `checkTemplate` from the built JS API (dist/index.js) over every
// template file of the shared corpus, with its skeletons read through `fileSkeletonReader` (the
// reader `trellis check` uses), as the CLI checks them. Template files are read once up front;
// skeleton files are read through the reader in every pass, as they are in one CLI run. The time
// is the checker (YAML parse, every rule, skeleton listing, reading and parsing, JSON across the
// wasm boundary). One warm-up pass loads and compiles the wasm module and the embedded schemas;
// then RUNS timed passes, reported as one markdown table row with the median.
//
//   npm run bench:check                       (after `bash scripts/build.sh`)
//   TRELLIS_CORPUS=/path TRELLIS_BENCH_RUNS=15 node bench/check.cjs
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { performance } = require('node:perf_hooks');

const { benchSetup, median: medianOf } = require('./support.cjs');

const { corpus, runs, trellis } = benchSetup();
const { checkTemplate, fileSkeletonReader } = trellis;
// Template paths are relative to the corpus, and so are skeleton paths.
const skeletons = fileSkeletonReader(corpus);

/** Every .yaml/.yml file holding a Template document, the selection tests/check_corpus.rs makes. */
function templateFiles(dir, out = []) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) templateFiles(full, out);
    else if (/\.ya?ml$/.test(entry.name)) {
      const source = fs.readFileSync(full, 'utf8');
      if (source.includes('kind: Template')) out.push({ path: path.relative(corpus, full), source });
    }
  }
  return out;
}

const files = templateFiles(corpus);
const bytes = files.reduce((sum, f) => sum + Buffer.byteLength(f.source), 0);

function pass() {
  let findings = 0;
  const start = performance.now();
  for (const file of files) findings += checkTemplate(file.source, { path: file.path, skeletons }).diagnostics.length;
  return { ms: performance.now() - start, findings };
}

const warmup = pass();
const times = [];
for (let i = 0; i < runs; i++) times.push(pass().ms);
times.sort((a, b) => a - b);
const median = medianOf(times);

console.log('| templates | KiB | findings | runs | median total (ms) | min (ms) | templates/s |');
console.log('|---:|---:|---:|---:|---:|---:|---:|');
console.log(
  `| ${files.length} | ${(bytes / 1024).toFixed(0)} | ${warmup.findings} | ${runs} | ${median.toFixed(1)} | ` +
    `${times[0].toFixed(1)} | ${((files.length / median) * 1000).toFixed(0)} |`,
);
