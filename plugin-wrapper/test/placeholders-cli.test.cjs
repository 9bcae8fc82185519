'use strict';
// Catalog placeholders ($yaml, $json, $text) through the real CLI (dist/cli.js in a child
// process) and the built API: a template assembled from files of its repository is checked,
// validated and rendered as the catalog assembles it; findings inside an included file name that
// file (with its code frame); every include that cannot be resolved is a located error at the
// placeholder, and nothing outside the repository root is read.
const { test, before } = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { makeTempDir } = require('./support/temp.cjs');

const cli = path.resolve(__dirname, '..', '..', 'dist', 'cli.js');
const trellisApi = require('../../dist/index.js');
const SECRET = 'RUNNER-CREDENTIAL-placeholder-5e1d';

let sandbox;
let repo;

function write(file, text) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

function trellis(...args) {
  const run = spawnSync(process.execPath, [cli, ...args], { cwd: repo, encoding: 'utf8' });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr, all: run.stdout + run.stderr };
}

const TEMPLATE = [
  'apiVersion: scaffolder.backstage.io/v1beta3',
  'kind: Template',
  'metadata:',
  '  name: assembled',
  '  description:',
  '    $text: ../../docs/description.md',
  'spec:',
  '  owner: team',
  '  type: service',
  '  parameters:',
  '    - $json: ../../pages/name.json',
  '  steps:',
  '    - $yaml: ../../steps/greet.yaml',
  '    - id: after',
  '      action: debug:log',
  '      input:',
  '        message: ${{ steps.greet.output.nothing }} ${{ parameters.name }}',
  '',
].join('\n');

/** `sandbox/secret.txt` (outside the repository) and `sandbox/repo` with `.git` and the parts. */
before(() => {
  sandbox = makeTempDir('trellis-placeholders-');
  repo = path.join(sandbox, 'repo');
  fs.mkdirSync(path.join(repo, '.git'), { recursive: true });
  write(path.join(sandbox, 'secret.txt'), `token: ${SECRET}\n`);
  write(path.join(repo, 'templates/svc/template.yaml'), TEMPLATE);
  write(path.join(repo, 'docs/description.md'), 'A service made of parts\n');
  write(
    path.join(repo, 'pages/name.json'),
    '{\n  "title": "Name",\n  "required": ["name"],\n  "properties": {\n    "name": {"type": "string", "minLength": 3}\n  }\n}\n',
  );
  write(
    path.join(repo, 'steps/greet.yaml'),
    'id: greet\nname: Greet\naction: debug:log\ninput:\n  message: Hello ${{ parameters.nmae }}\n',
  );
  write(path.join(repo, 'values.json'), '{"name": "abc"}');
});

test('check: findings inside included files name those files, with their code frames', () => {
  const run = trellis('check', 'templates/svc/template.yaml');
  assert.equal(run.status, 1, run.all);
  assert.match(run.stdout, /^error\[undeclared-parameter\]: `parameters\.nmae` is not declared/m);
  assert.match(run.stdout, /--> steps\/greet\.yaml:5:33$/m, run.stdout);
  assert.match(run.stdout, /^5 \|   message: Hello \$\{\{ parameters\.nmae \}\}$/m, run.stdout);
  // The template's own findings still name it; nothing about the placeholders themselves.
  assert.doesNotMatch(run.stdout, /placeholder-|entity-structure|action is required/, run.stdout);
  const json = JSON.parse(trellis('check', '--format', 'json', 'templates/svc/template.yaml').stdout);
  const files = json.diagnostics.map((d) => `${d.file}:${d.line}:${d.column} ${d.rule}`);
  assert.deepEqual(files, ['steps/greet.yaml:5:33 undeclared-parameter']);
});

test('check: each include that cannot be resolved is a located error at the placeholder', () => {
  const parts = path.join(repo, 'templates/broken/parts');
  write(path.join(parts, 'bad.yaml'), 'id: x\naction: debug:log\n  input: {}\n');
  write(path.join(parts, 'big.txt'), 'x'.repeat(5 * 1024 * 1024));
  write(path.join(parts, 'a.yaml'), 'id: a\naction: debug:log\ninput:\n  $yaml: ./b.yaml\n');
  write(path.join(parts, 'b.yaml'), 'message:\n  $yaml: ./a.yaml\n');
  fs.symlinkSync(path.join(sandbox, 'secret.txt'), path.join(parts, 'link.txt'));
  write(
    path.join(repo, 'templates/broken/template.yaml'),
    [
      'apiVersion: scaffolder.backstage.io/v1beta3',
      'kind: Template',
      'metadata: {name: broken}',
      'spec:',
      '  owner: team',
      '  type: service',
      '  steps:',
      '    - $yaml: ./parts/missing.yaml',
      '    - $yaml: ../../../secret.txt',
      '    - $text: ./parts/link.txt',
      '    - $text: ./parts/big.txt',
      '    - $yaml: ./parts/bad.yaml',
      '    - $yaml: ./parts/a.yaml',
      '',
    ].join('\n'),
  );
  const run = trellis('check', '--format', 'json', 'templates/broken/template.yaml');
  assert.equal(run.status, 1, run.all);
  const found = JSON.parse(run.stdout).diagnostics.map((d) => [`${d.file}:${d.line}:${d.column}`, d.rule, d.message]);
  const where = found.map(([at, rule]) => `${at} ${rule}`);
  assert.deepEqual(where, [
    'templates/broken/template.yaml:8:7 placeholder-include',
    'templates/broken/template.yaml:9:7 placeholder-include',
    'templates/broken/template.yaml:10:7 placeholder-include',
    'templates/broken/template.yaml:11:7 placeholder-include',
    'templates/broken/parts/a.yaml:4:3 placeholder-nested',
    'templates/broken/parts/bad.yaml:3:8 placeholder-include',
  ]);
  const messages = found.map(([, , message]) => message);
  assert.match(messages[0], /there is no file `templates\/broken\/parts\/missing\.yaml`/);
  assert.match(messages[1], /outside the repository root `\.`; nothing was read/);
  assert.match(messages[2], /which a symbolic link takes outside the repository root/);
  assert.match(messages[3], /is 5\.0 MB, more than the 4 MB Trellis reads of one included file/);
  assert.match(messages[4], /the catalog resolves placeholders of the template file only/);
  assert.match(messages[5], /in the file that `\$yaml: \.\/parts\/bad\.yaml` on line 12 of the template includes/);
  assert.ok(!run.all.includes(SECRET), `printed what is outside the repository:\n${run.all}`);
  // The text report shows the included file's line for a mistake inside it.
  const text = trellis('check', 'templates/broken/template.yaml');
  assert.match(text.stdout, /--> templates\/broken\/parts\/bad\.yaml:3:8\n/);
  assert.match(text.stdout, /^3 \|   input: \{\}$/m, text.stdout);
  assert.ok(!text.all.includes(SECRET));
});

test('render: included steps run; an include the catalog would refuse fails the render at the placeholder', () => {
  const run = trellis('render', 'templates/svc/template.yaml', '--values', 'values.json');
  assert.equal(run.status, 0, run.all);
  assert.match(run.all, /ran\s+greet \[debug:log\]/);
  assert.match(run.all, /ran\s+after \[debug:log\]/);
  const failed = trellis('render', 'templates/broken/template.yaml', '--values', 'values.json');
  assert.equal(failed.status, 2, failed.all);
  assert.match(failed.stderr, /error\[placeholder-include\]: templates\/broken\/template\.yaml:8:7: .*there is no file/);
  assert.ok(!failed.all.includes(SECRET));
});

test('params: an error in an included page names that file', () => {
  write(path.join(repo, 'short.json'), '{"name": "ab"}');
  const run = trellis('params', 'templates/svc/template.yaml', '--values', 'short.json');
  assert.equal(run.status, 1, run.all);
  assert.match(run.stdout, /error\[minLength\]: name: must be at least 3 characters long\n {2}--> pages\/name\.json:5:32/);
  const json = JSON.parse(trellis('params', '--format', 'json', 'templates/svc/template.yaml', '--values', 'short.json').stdout);
  assert.equal(json.errors[0].file, 'pages/name.json');
  assert.equal(json.errors[0].line, 5);
});

test('validateParameters: placeholders read through options.files, or from the repository of options.path', () => {
  const text = fs.readFileSync(path.join(repo, 'templates/svc/template.yaml'), 'utf8');
  const files = trellisApi.fileSkeletonReader(repo, { root: repo });
  const result = trellisApi.validateParameters(text, { name: 'ab' }, { path: 'templates/svc/template.yaml', files });
  assert.equal(result.valid, false);
  assert.deepEqual(
    result.errors.map((e) => [e.file, e.line, e.message]),
    [['pages/name.json', 5, 'name: must be at least 3 characters long']],
  );
  // Without a reader and without a path, the text alone: the page is the placeholder as written.
  assert.equal(trellisApi.validateParameters(text, { name: 'ab' }).valid, true);
  // A path alone reads from the template's repository (found from the current folder).
  const cwd = process.cwd();
  try {
    process.chdir(repo);
    const byPath = trellisApi.validateParameters(text, { name: 'ab' }, { path: 'templates/svc/template.yaml' });
    assert.equal(byPath.errors[0].file, 'pages/name.json');
    const broken = fs.readFileSync(path.join(repo, 'templates/broken/template.yaml'), 'utf8');
    assert.throws(
      () => trellisApi.validateParameters(broken, {}, { path: 'templates/broken/template.yaml' }),
      (error) => error.rule === 'placeholder-include' && error.line === 8 && error.column === 7,
    );
  } finally {
    process.chdir(cwd);
  }
});
