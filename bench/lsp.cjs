#!/usr/bin/env node
// Benchmark (not a test): the language server's diagnostics latency as an editor sees it.
// `trellis lsp --stdio` from the built dist/cli.js, driven over stdio with vscode-jsonrpc: a
// 1,000-line template (the corpus' backstage__demo template, its steps repeated, each
// `fetch:template` step reading the real skeleton next to it) is opened as an unsaved document
// beside the corpus template (the workspace folder is that directory; nothing is written), then
// edited RUNS times after WARMUP warm-up edits, each edit adding or removing a typo in one
// `parameters.*` reference so the findings change and the server publishes. The time is from
// sending `didChange` to receiving `publishDiagnostics` for the document: the debounce
// (DIAGNOSTICS_DEBOUNCE_MS in plugin-wrapper/src/lsp/server.ts) plus the check plus the protocol.
//
//   node bench/lsp.cjs                        (after `bash scripts/build.sh`)
//   TRELLIS_BENCH_RUNS=30 node bench/lsp.cjs
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { performance } = require('node:perf_hooks');

const { benchSetup, median } = require('./support.cjs');
const { startLspServer } = require('../plugin-wrapper/test/support/lsp-client.cjs');

const WARMUP = 10;

/** The demo template grown to about `lines` lines by repeating its steps with fresh ids. */
function bigTemplate(source, lines) {
  const [head, rest] = source.split('\n  steps:\n');
  const [steps, output] = rest.split('\n  output:\n');
  let text = `${head}\n  steps:\n`;
  for (let copy = 0; text.split('\n').length < lines - output.split('\n').length - 1; copy++) {
    text += `${steps.replace(/id: (\S+)/g, (_, id) => `id: ${id}${copy}`)}\n`;
  }
  return `${text}  output:\n${output}`;
}

function percentile(xs, p) {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** `{lines, runs, debounceMs, medianMs, p95Ms, medianAfterDebounceMs, findings}`. */
async function benchLsp({ root, corpus, runs }) {
  const dir = path.join(corpus, 'backstage__demo/demo-template/template');
  const text = bigTemplate(fs.readFileSync(path.join(dir, 'template.yaml'), 'utf8'), 1000);
  const { DIAGNOSTICS_DEBOUNCE_MS } = require(path.join(root, 'dist/lsp/server.js'));
  const server = startLspServer();
  const uri = `file://${path.join(dir, 'bench-1000-lines.yaml')}`;
  await server.initialize([dir]);
  server.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text } });
  let { diagnostics } = await server.diagnosticsFor(uri);

  // The edit: `parameters.name` ↔ `parameters.nmae` on the first line that reads it.
  const lines = text.split('\n');
  const line = lines.findIndex((l) => l.includes('${{ parameters.name }}'));
  const character = lines[line].indexOf('parameters.name') + 'parameters.'.length;
  const typoPublished = (typo) => (list) => list.some((d) => d.code === 'undeclared-parameter' && d.range.start.line === line) === typo;
  const times = [];
  for (let i = 0; i < WARMUP + runs; i++) {
    const typo = i % 2 === 0;
    const sent = performance.now();
    server.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: i + 2 },
      contentChanges: [{ range: { start: { line, character }, end: { line, character: character + 4 } }, text: typo ? 'nmae' : 'name' }],
    });
    const received = await server.diagnosticsFor(uri, typoPublished(typo));
    diagnostics = received.diagnostics;
    if (i >= WARMUP) times.push(received.at - sent);
  }
  await server.stop();
  const findings = diagnostics.length;
  const medianMs = median(times);
  return {
    lines: text.split('\n').length,
    runs,
    debounceMs: DIAGNOSTICS_DEBOUNCE_MS,
    medianMs,
    p95Ms: percentile(times, 95),
    medianAfterDebounceMs: medianMs - DIAGNOSTICS_DEBOUNCE_MS,
    findings,
  };
}

/** The markdown table row of bench/all.cjs. */
function markdownRow(r) {
  return `| e) language server: ${r.lines}-line template, didChange → publishDiagnostics, median (p95) ms, of which debounce ${r.debounceMs} ms | ${r.medianMs.toFixed(0)} (${r.p95Ms.toFixed(0)}); ${r.medianAfterDebounceMs.toFixed(0)} after the debounce | | | ≤ 100 ms after the debounce |`;
}

if (require.main === module) {
  const setup = benchSetup();
  benchLsp({ ...setup, runs: Math.max(setup.runs, 20) })
    .then((r) => {
      console.log(`trellis lsp: ${r.lines}-line template, ${r.runs} edits after ${WARMUP} warm-up ones (${r.findings} findings)`);
      console.log(markdownRow(r));
    })
    .catch((error) => {
      console.error(error);
      process.exit(1);
    });
}

module.exports = { benchLsp, markdownRow };
