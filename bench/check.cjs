#!/usr/bin/env node
// Benchmark (not a test): `checkTemplate` from the built JS API (dist/index.js) over every
// template file of the shared corpus, with its skeletons read through `fileSkeletonReader` (the
// reader `trellis check` uses), as the CLI checks them. Template files are read once up front;
// skeleton files are read through the reader in every pass, as they are in one CLI run. The time
// is the checker (YAML parse, every rule, skeleton listing, reading and parsing, JSON across the
// wasm boundary). Loading the wasm module is timed apart ("wasm load"). The first pass also
// compiles the embedded entity schemas and fills the core's memo of compiled form and action schemas: that is what one
// `trellis check` run pays, so it is reported on its own ("first pass"); then RUNS timed passes,
// reported with their median (a long-lived process, such as the backend action, checking again).
//
//   npm run bench:check                       (after `bash scripts/build.sh`)
//   TRELLIS_CORPUS=/path TRELLIS_BENCH_RUNS=15 node bench/check.cjs
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { performance } = require('node:perf_hooks');

const { benchSetup, median: medianOf } = require('./support.cjs');

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
 * Runs the benchmark: `{templates, kib, findings, loadMs, firstPassMs, firstPassCpuMs, runs,
 * medianMs, medianCpuMs, minMs, perSecond}`. The first pass (what one `trellis check` run pays:
 * entity schemas compiled, the memo of form and action schemas filled) is reported on its own,
 * then `runs` timed passes over the whole corpus with its skeletons.
 */
function benchCheck({ corpus, runs, trellis }) {
  const files = templateFiles(corpus);
  const bytes = files.reduce((sum, f) => sum + Buffer.byteLength(f.source), 0);
  // Template paths are relative to the corpus, and so are skeleton paths.
  const skeletons = trellis.fileSkeletonReader(corpus);
  const pass = () => {
    let findings = 0;
    const start = performance.now();
    const cpuStart = process.cpuUsage();
    for (const file of files) findings += trellis.checkTemplate(file.source, { path: file.path, skeletons }).diagnostics.length;
    const cpu = process.cpuUsage(cpuStart);
    // CPU time (this process, all threads) next to wall time: steadier on a shared machine.
    return { ms: performance.now() - start, cpuMs: (cpu.user + cpu.system) / 1000, findings };
  };
  // Loads and compiles the wasm module (not part of checking).
  const loadStart = performance.now();
  trellis.listRules();
  const loadMs = performance.now() - loadStart;
  const first = pass();
  const timed = Array.from({ length: runs }, pass);
  const times = timed.map(p => p.ms);
  const medianMs = medianOf(times);
  return {
    templates: files.length,
    kib: bytes / 1024,
    findings: first.findings,
    loadMs,
    firstPassMs: first.ms,
    firstPassCpuMs: first.cpuMs,
    runs,
    medianMs,
    medianCpuMs: medianOf(timed.map(p => p.cpuMs)),
    minMs: Math.min(...times),
    perSecond: (files.length / medianMs) * 1000,
  };
}

module.exports = { benchCheck, benchCheckFiles: templateFiles };

if (require.main === module) {
  const r = benchCheck(benchSetup());
  // bench/all.cjs runs this file in a fresh process for a first pass that is really the first.
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify(r));
  } else {
    console.log('| templates | KiB | findings | wasm load (ms) | first pass (ms) | first pass CPU (ms) | runs | median total (ms) | median CPU (ms) | min (ms) | templates/s |');
    console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
    console.log(
      `| ${r.templates} | ${r.kib.toFixed(0)} | ${r.findings} | ${r.loadMs.toFixed(1)} | ${r.firstPassMs.toFixed(1)} | ` +
        `${r.firstPassCpuMs.toFixed(0)} | ${r.runs} | ${r.medianMs.toFixed(1)} | ${r.medianCpuMs.toFixed(0)} | ` +
        `${r.minMs.toFixed(1)} | ${r.perSecond.toFixed(0)} |`,
    );
  }
}
