#!/usr/bin/env node
// Benchmark (not a test): `trellis check` and `trellis render` through the built CLI (dist/cli.js,
// one fresh process per run, as CI runs them) on generated templates of 12,500 to 100,000 steps,
// to show the time grows linearly with the number of steps (issue #13: it grew quadratically,
// 2.8 / 8.2 / 27 s for check at 12,500 / 25,000 / 50,000 steps). Two shapes: plain steps (about 40
// bytes each, so 100,000 steps stay under the 4 MiB source limit) and steps whose input reads
// the previous step's output (the reference rules' work; up to 40,000 steps, 3.6 MB).
// Printed per row: wall and CPU time of the process (median of RUNS), and the growth against the
// row with a quarter of the steps (linear: about 4×, expected at most 5×).
//
//   node bench/steps.cjs                      (after `bash scripts/build.sh`)
//   TRELLIS_BENCH_RUNS=3 node bench/steps.cjs
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const { median } = require('./support.cjs');

const root = path.join(__dirname, '..');
const cli = path.join(root, 'dist/cli.js');

const HEADER =
  'apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata:\n  name: many-steps\nspec:\n' +
  '  owner: me\n  type: service\n  parameters:\n    properties:\n      name: {type: string}\n  steps:\n';

const SHAPES = {
  plain: { counts: [12_500, 25_000, 50_000, 100_000], step: i => `    - id: s${i}\n      action: debug:log\n` },
  references: {
    counts: [2_500, 10_000, 40_000],
    step: i => `    - id: s${i}\n      action: debug:log\n      input: {message: 'x \${{ steps.s${Math.max(0, i - 1)}.output.x }}'}\n`,
  },
};

function template(shape, steps) {
  const parts = [HEADER];
  for (let i = 0; i < steps; i++) parts.push(SHAPES[shape].step(i));
  return parts.join('');
}

/**
 * One CLI run in a fresh Node process: `{wallMs, cpuMs, status}`. The process reports its own CPU
 * time when it exits (steadier than wall time on a shared machine).
 */
function runCli(args, cwd) {
  const hook = `process.argv.splice(1, 0, 'trellis');
    process.on('exit', () => { const u = process.cpuUsage(); require('node:fs').writeSync(3, String((u.user + u.system) / 1000)); });
    require(${JSON.stringify(cli)});`;
  const started = process.hrtime.bigint();
  const child = spawnSync(process.execPath, ['-e', hook, ...args], {
    cwd,
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
    maxBuffer: 1 << 30,
  });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  const cpuMs = Number(child.output[3]?.toString() ?? NaN);
  return { wallMs, cpuMs, status: child.status, stderr: child.stderr?.toString() ?? '' };
}

/** Rows `{shape, steps, kib, check: {wallMs, cpuMs}, render: {wallMs, cpuMs}}`. */
function benchSteps({ runs }) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-steps-'));
  try {
    fs.writeFileSync(path.join(dir, 'values.json'), '{"name": "x"}\n');
    const rows = [];
    for (const shape of Object.keys(SHAPES)) {
      for (const steps of SHAPES[shape].counts) {
        const file = `${shape}-${steps}.yaml`;
        const text = template(shape, steps);
        fs.writeFileSync(path.join(dir, file), text);
        const measure = (args, okStatuses) => {
          const times = Array.from({ length: runs }, () => {
            const run = runCli(args, dir);
            if (!okStatuses.includes(run.status)) throw new Error(`trellis ${args.join(' ')} exited ${run.status}: ${run.stderr}`);
            return run;
          });
          return { wallMs: median(times.map(t => t.wallMs)), cpuMs: median(times.map(t => t.cpuMs)) };
        };
        rows.push({
          shape,
          steps,
          kib: Buffer.byteLength(text) / 1024,
          // check exits 1 on findings (the reference shape's first step reads its own output).
          check: measure(['check', file, '--format', 'json'], [0, 1]),
          render: measure(['render', file, '--values', 'values.json'], [0]),
        });
      }
    }
    return rows;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** `×N.N` against the row of the same shape with a quarter of the steps, or empty. */
function growth(rows, row, command) {
  const quarter = rows.find(r => r.shape === row.shape && r.steps * 4 === row.steps);
  return quarter ? `×${(row[command].cpuMs / quarter[command].cpuMs).toFixed(1)}` : '';
}

function markdown(rows) {
  const lines = [
    '| shape | steps | KiB | check wall (ms) | check CPU (ms) | check CPU for 4× steps | render wall (ms) | render CPU (ms) | render CPU for 4× steps |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.shape} | ${r.steps} | ${r.kib.toFixed(0)} | ${r.check.wallMs.toFixed(0)} | ${r.check.cpuMs.toFixed(0)} | ` +
        `${growth(rows, r, 'check')} | ${r.render.wallMs.toFixed(0)} | ${r.render.cpuMs.toFixed(0)} | ${growth(rows, r, 'render')} |`,
    );
  }
  return lines.join('\n');
}

module.exports = { benchSteps, stepsTemplate: template, growth };

if (require.main === module) {
  if (!fs.existsSync(cli)) {
    console.error('dist/cli.js is missing: run `bash scripts/build.sh` first');
    process.exit(2);
  }
  const runs = Number.parseInt(process.env.TRELLIS_BENCH_RUNS ?? '3', 10);
  console.log(markdown(benchSteps({ runs })));
}
