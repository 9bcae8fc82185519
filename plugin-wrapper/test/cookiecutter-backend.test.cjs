'use strict';
// trellis:fetch:cookiecutter against Backstage's own fetch:cookiecutter
// (@backstage/plugin-scaffolder-backend-module-cookiecutter 0.3.27) in one real scaffolder
// backend, with the real cookiecutter 2.7.1 on PATH (scripts/cookiecutter-venv.sh): the same
// folders and values through both actions in one dry-run, trees compared by path, type, mode and
// bytes. fetch:cookiecutter does not declare dry-run support, so a test-only action runs its very
// handler (same context, same services) under an id that does; the action itself is unchanged.
// Also: the action is listed in GET /v2/actions with examples and fetch:cookiecutter's input
// properties, and a template error fails the step naming the file, line and column.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startScaffolder, treesOf } = require('./support/scaffolder-backend.cjs');
const { sharedDir, realFetchCookiecutterModule, useLocalCookiecutter } = require('./support/cookiecutter-real.cjs');

let backend;
let restoreEnvironment;

before(async () => {
  restoreEnvironment = useLocalCookiecutter(() => fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-cc-home-')));
  backend = await startScaffolder({ fixtures: true, modules: [realFetchCookiecutterModule()] });
}, { timeout: 180_000 });

after(async () => {
  if (backend) await backend.stop();
  if (restoreEnvironment) restoreEnvironment();
});

function differences(a, b) {
  const byPath = (tree) => new Map(tree.map((e) => [e.path, e]));
  const x = byPath(a);
  const y = byPath(b);
  const out = [];
  for (const p of [...new Set([...x.keys(), ...y.keys()])].sort()) {
    const l = x.get(p);
    const r = y.get(p);
    if (!l || !r) out.push(`${p}: only in ${l ? 'fetch:cookiecutter' : 'trellis:fetch:cookiecutter'}'s tree`);
    else if (l.type !== r.type || l.mode !== r.mode) out.push(`${p}: ${l.type} ${l.mode.toString(8)} vs ${r.type} ${r.mode.toString(8)}`);
    else if (l.content !== r.content) out.push(`${p}: contents differ`);
  }
  return out;
}

test('trellis:fetch:cookiecutter writes what fetch:cookiecutter with a local cookiecutter writes', { timeout: 600_000 }, async () => {
  const docs = path.join(sharedDir('corpus'), 'backstage__software-templates', 'scaffolder-templates', 'docs-template-cookiecutter', 'skeleton');
  const cases = [
    { id: 'docs-template-cookiecutter', from: docs, input: { values: { name: 'docs', description: 'Docs "for" ünïcode', destination: { host: 'github.com', owner: 'acme', repo: 'docs' }, owner: 'group:default/team' } } },
    { id: 'docs-template-cookiecutter (copyWithoutRender, targetPath)', from: docs, input: { values: { name: 'd', description: 'x', destination: { owner: 'o', repo: 'r' }, owner: 'me' }, copyWithoutRender: ['docs/*'] } },
  ];
  const pypackage = path.join(sharedDir('cookiecutter'), 'audreyfeldroy__cookiecutter-pypackage');
  cases.push({ id: 'cookiecutter-pypackage (template folder)', from: path.join(pypackage, '{{cookiecutter.package_name}}'), input: { values: JSON.parse(fs.readFileSync(path.join(pypackage, 'cookiecutter.json'), 'utf8')) } });
  const django = path.join(sharedDir('cookiecutter'), 'cookiecutter__cookiecutter-django');
  cases.push({ id: 'cookiecutter-django (template folder)', from: path.join(django, '{{cookiecutter.project_slug}}'), input: { values: JSON.parse(fs.readFileSync(path.join(django, 'cookiecutter.json'), 'utf8')) } });

  const steps = [{ id: 'stage', action: 'test:stage', input: { copies: cases.map((c, i) => ({ from: c.from, to: `skeletons/${i}` })) } }];
  const trees = [];
  cases.forEach((c, i) => {
    for (const [engine, action] of [['backstage', 'test:fetch:cookiecutter'], ['trellis', 'trellis:fetch:cookiecutter']]) {
      steps.push({ id: `${engine}-${i}`, action, input: { ...c.input, url: `./skeletons/${i}`, targetPath: `${engine}/${i}` } });
      trees.push(`${engine}/${i}`);
    }
  });
  steps.push({ id: 'tree', action: 'test:tree', input: { paths: trees } });
  const { status, body } = await backend.dryRun({ steps });
  assert.equal(status, 200, JSON.stringify(body.error ?? body).slice(0, 2000));
  const listed = treesOf(body);
  let identical = 0;
  const report = [];
  cases.forEach((c, i) => {
    const diff = differences(listed[`backstage/${i}`], listed[`trellis/${i}`]);
    if (diff.length === 0) identical++;
    report.push(`  ${diff.length ? 'DIFF' : 'same'} ${c.id}: ${listed[`backstage/${i}`].length} entries${diff.length ? `\n    ${diff.slice(0, 10).join('\n    ')}` : ''}`);
  });
  console.log(`fetch:cookiecutter parity in a real backend: ${cases.length} cases, ${identical} identical\n${report.join('\n')}`);
  assert.equal(identical, cases.length);
});

test('GET /v2/actions lists trellis:fetch:cookiecutter with examples and fetch:cookiecutter\'s inputs', async () => {
  const { body } = await backend.getJson('/v2/actions');
  const ours = body.find((a) => a.id === 'trellis:fetch:cookiecutter');
  const theirs = body.find((a) => a.id === 'test:fetch:cookiecutter');
  assert.ok(ours && theirs);
  assert.ok(ours.examples.length >= 2);
  for (const [name, schema] of Object.entries(theirs.schema.input.properties)) {
    assert.deepEqual(ours.schema.input.properties[name].type, schema.type, name);
  }
  assert.deepEqual([...ours.schema.input.required].sort(), [...theirs.schema.input.required].sort());
});

test('a template error fails the step with the file, line and column', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-cc-bad-'));
  try {
    fs.writeFileSync(path.join(dir, 'README.md'), '# ok\n{{ cookiecutter.missing }}\n');
    const { status, body } = await backend.dryRun({
      steps: [
        { id: 'stage', action: 'test:stage', input: { copies: [{ from: dir, to: 'bad' }] } },
        { id: 'fetch', action: 'trellis:fetch:cookiecutter', input: { url: './bad', values: { name: 'x' } } },
      ],
    });
    assert.notEqual(status, 200);
    assert.match(body.error.message, /bad\/README\.md:2:4: `cookiecutter\.missing` is undefined/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
