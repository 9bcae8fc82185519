#!/usr/bin/env node
// Benchmark (not a test): `checkTemplate` from the built JS API (dist/index.js) over every
// template file of the shared corpus. Files are read once up front, so the time is the checker
// alone (YAML parse, every rule, JSON across the wasm boundary). One warm-up pass loads and
// compiles the wasm module and the embedded schemas; then RUNS timed passes, reported as one
// markdown table row with the median.
//
//   npm run bench:check                       (after `bash scripts/build.sh`)
//   TRELLIS_CORPUS=/path TRELLIS_BENCH_RUNS=15 node bench/check.cjs
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { performance } = require('node:perf_hooks');

const { benchSetup, median: medianOf } = require('./support.cjs');
const { corpus, runs, trellis } = benchSetup();
const { checkTemplate } = trellis;

/** Every .yaml/.yml file holding a Template document, the selection tests/check_corpus.rs makes. */
function templateFiles(corpus, dir = corpus, out = []) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) templateFiles(corpus, full, out);
    else if (/\.ya?ml$/.test(entry.name)) {
      const source = fs.readFileSync(full, 'utf8');
      if (source.includes('kind: Template')) out.push({ path: path.relative(corpus, full), source });
    }
  }
  return out;
}

/**
 * Runs the benchmark: `{templates, kib, findings, runs, medianMs, minMs, perSecond}` (one
 * warm-up pass, then `runs` timed passes over the whole corpus).
 */
function benchCheck({ corpus, runs, trellis }) {
  const files = templateFiles(corpus);
  const bytes = files.reduce((sum, f) => sum + Buffer.byteLength(f.source), 0);
  const pass = () => {
    let findings = 0;
    const start = performance.now();
    for (const file of files) findings += trellis.checkTemplate(file.source, { path: file.path }).diagnostics.length;
    return { ms: performance.now() - start, findings };
  };
  const warmup = pass();
  const times = [];
  for (let i = 0; i < runs; i++) times.push(pass().ms);
  const medianMs = medianOf(times);
  return {
    templates: files.length,
    kib: bytes / 1024,
    findings: warmup.findings,
    runs,
    medianMs,
    minMs: Math.min(...times),
    perSecond: (files.length / medianMs) * 1000,
  };
}

module.exports = { benchCheck, benchCheckFiles: templateFiles };

if (require.main === module) {
  const r = benchCheck(benchSetup());
  console.log('| templates | KiB | findings | runs | median total (ms) | min (ms) | templates/s |');
  console.log('|---:|---:|---:|---:|---:|---:|---:|');
  console.log(
    `| ${r.templates} | ${r.kib.toFixed(0)} | ${r.findings} | ${r.runs} | ${r.medianMs.toFixed(1)} | ` +
      `${r.minMs.toFixed(1)} | ${r.perSecond.toFixed(0)} |`,
  );
}
