#!/usr/bin/env node
// Benchmark (not a test): cookiecutter templates rendered by Trellis against the `cookiecutter`
// CLI run as Backstage's fetch:cookiecutter runs it, on the same folders.
//
// Backstage (per render): copy the folder to <tmp>/template/{{cookiecutter and 'contents'}},
// write <tmp>/template/cookiecutter.json (the JavaScript spread of the folder's own and the
// values), run `cookiecutter --no-input -o <tmp>/intermediate <tmp>/template --verbose` (the real
// cookiecutter 2.7.1 of scripts/cookiecutter-venv.sh, a new process as Backstage spawns it).
// Trellis (per render): readSkeletonDir + renderCookiecutter (Backstage mode) + writeSkeleton into
// a new directory: what trellis:fetch:cookiecutter does after fetching.
// Folders: the corpus's docs-template-cookiecutter skeleton and the project folder of
// ../shared/cookiecutter/cookiecutter__cookiecutter-django (253 entries). Renders per second,
// medians of TRELLIS_BENCH_RUNS runs; the ratio is taken per run.
//
//   npm run bench:cookiecutter               (after `bash scripts/build.sh`)
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { performance } = require('node:perf_hooks');

const { benchSetup, median } = require('./support.cjs');
const { venvBin, sharedDir, cookiecutterEnv } = require('../plugin-wrapper/test/support/cookiecutter-real.cjs');

function cases(corpus) {
  const django = path.join(sharedDir('cookiecutter'), 'cookiecutter__cookiecutter-django');
  return [
    {
      name: 'docs-template-cookiecutter',
      folder: path.join(corpus, 'backstage__software-templates/scaffolder-templates/docs-template-cookiecutter/skeleton'),
      values: { name: 'docs', description: 'Docs', destination: { host: 'github.com', owner: 'acme', repo: 'docs' }, owner: 'team' },
      iterations: { trellis: 200, backstage: 5 },
    },
    {
      name: 'cookiecutter-django project folder',
      folder: path.join(django, '{{cookiecutter.project_slug}}'),
      values: JSON.parse(fs.readFileSync(path.join(django, 'cookiecutter.json'), 'utf8')),
      iterations: { trellis: 10, backstage: 3 },
    },
  ];
}

function backstageOnce(c, scratch, env) {
  const work = fs.mkdtempSync(path.join(scratch, 'bs-'));
  const templateDir = path.join(work, 'template');
  const contents = path.join(templateDir, "{{cookiecutter and 'contents'}}");
  fs.cpSync(c.folder, contents, { recursive: true });
  let own = {};
  try {
    own = JSON.parse(fs.readFileSync(path.join(contents, 'cookiecutter.json'), 'utf8'));
  } catch {
    own = {};
  }
  fs.writeFileSync(path.join(templateDir, 'cookiecutter.json'), JSON.stringify({ ...own, ...c.values }));
  const intermediate = path.join(work, 'intermediate');
  fs.mkdirSync(intermediate);
  execFileSync('cookiecutter', ['--no-input', '-o', intermediate, templateDir, '--verbose'], { env, stdio: 'ignore' });
  fs.rmSync(work, { recursive: true, force: true });
}

function trellisOnce(trellis, c, scratch) {
  const out = fs.mkdtempSync(path.join(scratch, 'tr-'));
  const files = trellis.readSkeletonDir(c.folder);
  const result = trellis.renderCookiecutter(files, c.values, { mode: 'backstage', now: '2024-05-01T12:00:00+00:00' });
  trellis.writeSkeleton({ files: result.files, skipped: [] }, path.join(out, 'target'), { replace: true });
  fs.rmSync(out, { recursive: true, force: true });
}

function perSecond(run, iterations) {
  const started = performance.now();
  for (let i = 0; i < iterations; i++) run();
  return (iterations * 1000) / (performance.now() - started);
}

/** `[{name, trellis, backstage, ratio}]` in renders per second (medians). */
function benchCookiecutter({ corpus, runs, trellis }) {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-bench-cc-'));
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-bench-cc-home-'));
  const env = cookiecutterEnv(home);
  venvBin();
  try {
    return cases(corpus).map((c) => {
      trellisOnce(trellis, c, scratch);
      backstageOnce(c, scratch, env);
      const t = [];
      const b = [];
      const ratios = [];
      for (let r = 0; r < runs; r++) {
        const x = perSecond(() => trellisOnce(trellis, c, scratch), c.iterations.trellis);
        const y = perSecond(() => backstageOnce(c, scratch, env), c.iterations.backstage);
        t.push(x);
        b.push(y);
        ratios.push(x / y);
      }
      return { name: c.name, trellis: median(t), backstage: median(b), ratio: median(ratios) };
    });
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
    fs.rmSync(home, { recursive: true, force: true });
  }
}

function markdownRows(results) {
  return results.map((r) => `| e) cookiecutter ${r.name}: renders/s (vs the cookiecutter CLI as fetch:cookiecutter runs it) | ${r.trellis.toFixed(1)} | ${r.backstage.toFixed(2)} | ${r.ratio.toFixed(1)}× | |`);
}

module.exports = { benchCookiecutter, markdownRows };

if (require.main === module) {
  const setup = benchSetup();
  console.log('| figure | Trellis | Backstage engine | ratio (per-run median) | target |');
  console.log('|---|---:|---:|---:|---|');
  for (const row of markdownRows(benchCookiecutter(setup))) console.log(row);
}
