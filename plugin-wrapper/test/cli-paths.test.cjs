'use strict';
// Every command (dist/cli.js in a child process) names files relative to the current folder in
// its messages, however the paths were given: absolute arguments, or a current folder below the
// files. (`params` printed absolute paths when given them; `check` too.)
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const cli = path.resolve(__dirname, '..', '..', 'dist', 'cli.js');

let work;

before(() => {
  work = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-paths-')));
  const write = (file, text) => {
    fs.mkdirSync(path.dirname(path.join(work, file)), { recursive: true });
    fs.writeFileSync(path.join(work, file), text);
  };
  fs.mkdirSync(path.join(work, '.git'));
  fs.mkdirSync(path.join(work, 'sub'));
  write('values.json', JSON.stringify({ name: 'ok' }));
  write('values-invalid.json', JSON.stringify({ name: 'NOT VALID' }));
  write('t/skeleton/hello.txt', 'hello ${{ values.name }}\n');
  write('t/broken/bad.txt', 'oops ${{ values.name \n');
  write('golden/other.txt', 'x\n');
  write('t/template.yaml', [
    'apiVersion: scaffolder.backstage.io/v1beta3',
    'kind: Template',
    'metadata: {name: paths}',
    'spec:',
    '  type: service',
    '  parameters:',
    '    - properties:',
    '        name: {type: string, pattern: "^[a-z]+$"}',
    '        broken: {type: boolean}',
    '  steps:',
    '    - id: fetch',
    '      action: fetch:template',
    '      input: {url: ./skeleton, values: {name: "${{ parameters.name }}"}}',
    '    - id: broken',
    '      action: fetch:template',
    '      if: "${{ parameters.broken }}"',
    '      input: {url: ./broken, targetPath: broken, values: {name: x}}',
    '',
  ].join('\n'));
  write('t/bad.yaml', 'kind: Template\nspec: [unclosed\n');
});

after(() => fs.rmSync(work, { recursive: true, force: true }));

function trellis(cwd, ...args) {
  const run = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8' });
  const all = run.stdout + run.stderr;
  assert.ok(!all.includes(work), `an absolute path in the output of trellis ${args.join(' ')}:\n${all}`);
  return { status: run.status, stdout: run.stdout, stderr: run.stderr, all };
}

const abs = file => path.join(work, file);

test('params: locations, core errors and file errors relative to the current folder', () => {
  const invalid = trellis(work, 'params', abs('t/template.yaml'), '--values', abs('values-invalid.json'));
  assert.equal(invalid.status, 1, invalid.all);
  assert.match(invalid.stdout, /^ {2}--> t\/template\.yaml:8:\d+ \(page 1\)$/m);
  const below = trellis(path.join(work, 'sub'), 'params', abs('t/template.yaml'), '--values', abs('values-invalid.json'));
  assert.match(below.stdout, /^ {2}--> \.\.\/t\/template\.yaml:8:\d+ \(page 1\)$/m);
  const broken = trellis(work, 'params', abs('t/bad.yaml'), '--values', abs('values.json'));
  assert.equal(broken.status, 2, broken.all);
  assert.match(broken.stderr, /^error\[yaml-syntax\]: t\/bad\.yaml:\d+:\d+: /m);
  const missing = trellis(work, 'params', abs('t/template.yaml'), '--values', abs('nope.json'));
  assert.match(missing.stderr, /^error: cannot read values file nope\.json: no such file$/m);
});

test('check: code frames, JSON and SARIF name the template and skeleton files relatively', () => {
  const text = trellis(path.join(work, 'sub'), 'check', abs('t/template.yaml'));
  assert.equal(text.status, 1, text.all);
  assert.match(text.stdout, /^ +--> \.\.\/t\/broken\/bad\.txt:1:6$/m, text.stdout);
  const json = JSON.parse(trellis(work, 'check', abs('t'), '--format', 'json').stdout);
  assert.deepEqual([...new Set(json.diagnostics.map(d => d.file))].sort(), ['t/bad.yaml', 't/broken/bad.txt']);
  const sarif = JSON.parse(trellis(work, 'check', abs('t/template.yaml'), '--format', 'sarif').stdout);
  const uris = sarif.runs[0].results.map(r => r.locations[0].physicalLocation.artifactLocation.uri);
  assert.deepEqual(uris, ['t/broken/bad.txt']);
  const missing = trellis(work, 'check', abs('nope.yaml'));
  assert.match(missing.stderr, /^error: cannot read nope\.yaml: no such file or directory$/m);
});

test('render: written, compared and failing files relative to the current folder', () => {
  const run = trellis(path.join(work, 'sub'), 'render', abs('t'), '--values', abs('values.json'), '--out', abs('out'), '--check', abs('golden'));
  assert.equal(run.status, 1, run.all);
  assert.match(run.stdout, /^wrote 1 files to \.\.\/out$/m);
  assert.match(run.stdout, /^the rendered files differ from \.\.\/golden: /m);
  const failing = trellis(work, 'render', abs('t'), '--values', abs('values.json'), '--check', abs('golden'));
  assert.equal(failing.status, 1);
  fs.writeFileSync(abs('values-broken.json'), JSON.stringify({ name: 'ok', broken: true }));
  const broken = trellis(work, 'render', abs('t/template.yaml'), '--values', abs('values-broken.json'));
  assert.equal(broken.status, 1, broken.all);
  assert.match(broken.stderr, /^error\[syntax_error\]: t\/broken\/bad\.txt:1:6: /m);
  const none = trellis(work, 'render', abs('sub'), '--values', abs('values.json'));
  assert.match(none.stderr, /^error: no template file \(YAML with `kind: Template`\) in sub$/m);
});
