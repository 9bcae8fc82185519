'use strict';
// renderCookiecutter against the real cookiecutter 2.7.1 (PyPI, in the venv of
// scripts/cookiecutter-venv.sh), hooks off, clock frozen, randomness seeded: every template of
// ../shared/cookiecutter, with its defaults and with extra context choosing other choices, and
// each of them plus the corpus's docs-template-cookiecutter composed as Backstage's
// fetch:cookiecutter composes them (Backstage mode). Trees are compared by path, type, mode and
// bytes; a template both refuse counts as agreeing. Counts and every deviation (with its reason)
// are printed.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { renderCookiecutter, readSkeletonDir } = require('../../dist/index.js');
const { sharedDir, runCookiecutter, readTree, treeOf, diffTrees } = require('./support/cookiecutter-real.cjs');

const NOW = '2024-05-01T12:00:00+00:00';

/** case id → why Trellis differs from cookiecutter there, on purpose or as a known limit. */
const DEVIATIONS = {};

/** The variants of a template's extra context: defaults, and other choices. */
function variants(config) {
  const other = {};
  const second = {};
  const filled = {};
  for (const [key, value] of Object.entries(config)) {
    if (key.startsWith('_')) continue;
    if (Array.isArray(value) && value.length > 1) {
      other[key] = value[value.length - 1];
      second[key] = value[1];
    } else if (value === 'y' || value === 'n') {
      other[key] = value === 'y' ? 'n' : 'y';
    } else if (typeof value === 'boolean') {
      other[key] = value ? 'no' : 'yes';
    } else if (value === '') {
      filled[key] = `${key}_value`;
    }
  }
  const out = [['defaults', {}]];
  if (Object.keys(filled).length) out.push(['filled', filled]);
  if (Object.keys(other).length) out.push(['other choices', { ...filled, ...other }]);
  if (Object.keys(second).length) out.push(['second choices', { ...filled, ...second }]);
  if (config._extensions) out.push(['no extensions', { ...filled, _extensions: [] }]);
  return out;
}

function tempDir(prefix) {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** One comparison: `{agree: bool, detail}`. */
function compare(id, run, render) {
  let trellis;
  let trellisError;
  try {
    trellis = render();
  } catch (error) {
    trellisError = error;
  }
  const real = run();
  if (!real.ok || trellisError) {
    const agree = !real.ok && Boolean(trellisError);
    return { id, agree, detail: `cookiecutter: ${real.ok ? 'rendered' : real.error}; Trellis: ${trellisError ? `${trellisError.code}: ${trellisError.message}` : 'rendered'}` };
  }
  const differences = diffTrees(real.tree, trellis);
  return { id, agree: differences.length === 0, detail: differences.slice(0, 8).map((d) => `${d.path}: ${d.why}`).join('\n    ') };
}

const templates = fs
  .readdirSync(sharedDir('cookiecutter'))
  .filter((name) => fs.existsSync(path.join(sharedDir('cookiecutter'), name, 'cookiecutter.json')))
  .sort();
const docsTemplate = path.join(sharedDir('corpus'), 'backstage__software-templates', 'scaffolder-templates', 'docs-template-cookiecutter', 'skeleton');

/** fetch:cookiecutter's composition, done with the real JavaScript operations it uses. */
function composeAsBackstage(folder, values, input, into) {
  const templateDir = path.join(into, 'template');
  const contents = path.join(templateDir, "{{cookiecutter and 'contents'}}");
  fs.cpSync(folder, contents, { recursive: true });
  let own = {};
  try {
    own = JSON.parse(fs.readFileSync(path.join(contents, 'cookiecutter.json'), 'utf8'));
  } catch (error) {
    if (error.code !== 'ENOENT') throw error;
  }
  const merged = { ...own, ...values, _copy_without_render: input.copyWithoutRender, _extensions: input.extensions };
  fs.writeFileSync(path.join(templateDir, 'cookiecutter.json'), JSON.stringify(merged));
  return templateDir;
}

test('plain mode: every ../shared/cookiecutter template, byte for byte against cookiecutter 2.7.1', { timeout: 600_000 }, () => {
  const results = [];
  for (const name of templates) {
    const dir = path.join(sharedDir('cookiecutter'), name);
    const files = readSkeletonDir(dir);
    const config = JSON.parse(fs.readFileSync(path.join(dir, 'cookiecutter.json'), 'utf8'));
    for (const [variant, extra] of variants(config)) {
      const out = tempDir('trellis-cc-out-');
      const home = tempDir('trellis-cc-home-');
      try {
        results.push(
          compare(
            `${name} (${variant})`,
            () => {
              const real = runCookiecutter(dir, out, extra, NOW, home);
              if (real.ok) real.tree = readTree(path.dirname(real.project));
              return real;
            },
            () => {
              const result = renderCookiecutter(files, extra, { now: NOW, seed: 7, templatePath: dir, outputDir: out });
              return treeOf(result.files);
            },
          ),
        );
      } finally {
        fs.rmSync(out, { recursive: true, force: true });
        fs.rmSync(home, { recursive: true, force: true });
      }
    }
  }
  report('plain', results);
});

test('Backstage mode: each template as fetch:cookiecutter composes it, against cookiecutter 2.7.1 on that composition', { timeout: 600_000 }, () => {
  const results = [];
  const cases = [
    ['docs-template-cookiecutter', docsTemplate, { name: 'docs', description: 'Some "docs" – ünïcode', destination: { host: 'github.com', owner: 'acme', repo: 'docs' }, owner: 'group:default/team' }, {}],
    ['docs-template-cookiecutter (copyWithoutRender)', docsTemplate, { name: 'docs', description: 'd', destination: { owner: 'acme', repo: 'docs' }, owner: 'me', n: 1.0 }, { copyWithoutRender: ['docs/*'] }],
  ];
  for (const name of templates) {
    const dir = path.join(sharedDir('cookiecutter'), name);
    const config = JSON.parse(fs.readFileSync(path.join(dir, 'cookiecutter.json'), 'utf8'));
    const [, extra] = variants(config).find(([v]) => v === 'filled') ?? ['', {}];
    // fetch:cookiecutter points at the project template folder itself (the repo's root would
    // render the whole repository, hooks and docs included, which also works).
    const inner = fs.readdirSync(dir).find((entry) => entry.includes('{{'));
    cases.push([`${name} (template folder)`, path.join(dir, inner), { ...config, ...extra, _extensions: undefined }, {}]);
  }
  for (const [id, folder, values, input] of cases) {
    const work = tempDir('trellis-cc-bs-');
    const home = tempDir('trellis-cc-home-');
    try {
      const files = readSkeletonDir(folder);
      const templateDir = composeAsBackstage(folder, JSON.parse(JSON.stringify(values)), input, work);
      const intermediate = path.join(work, 'intermediate');
      fs.mkdirSync(intermediate);
      results.push(
        compare(
          id,
          () => {
            const real = runCookiecutter(templateDir, intermediate, {}, NOW, home);
            if (real.ok) real.tree = readTree(real.project);
            return real;
          },
          () =>
            treeOf(
              renderCookiecutter(files, JSON.parse(JSON.stringify(values)), {
                mode: 'backstage',
                now: NOW,
                seed: 7,
                copyWithoutRender: input.copyWithoutRender,
                extensions: input.extensions,
                templatePath: templateDir,
                outputDir: intermediate,
              }).files,
            ),
        ),
      );
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
      fs.rmSync(home, { recursive: true, force: true });
    }
  }
  report('backstage', results);
});

function report(mode, results) {
  const agreeing = results.filter((r) => r.agree);
  const deviations = results.filter((r) => !r.agree);
  console.log(`cookiecutter parity (${mode}): ${results.length} cases, ${agreeing.length} identical or refused by both, ${deviations.length} deviations`);
  for (const r of results) console.log(`  ${r.agree ? 'same' : 'DIFF'} ${r.id}${r.detail ? `\n    ${r.detail}` : ''}`);
  const unexplained = deviations.filter((r) => !DEVIATIONS[r.id]);
  for (const r of deviations) if (DEVIATIONS[r.id]) console.log(`  deviation ${r.id}: ${DEVIATIONS[r.id]}`);
  assert.deepEqual(unexplained.map((r) => r.id), [], 'trees differ from cookiecutter 2.7.1 without a listed reason');
}
