'use strict';
// Hostile templates against the real CLI (dist/cli.js in a child process): nothing outside the
// repository root is read by check, render (--out, --check) or params, whatever the url says
// (`..`, a `/` path, a `file:` URL) or a symbolic link does; `--root DIR` moves the bound.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const cli = path.resolve(__dirname, '..', '..', 'dist', 'cli.js');
const SECRET = 'RUNNER-CREDENTIAL-7f3a9c';

let sandbox;
let repo;

/** `sandbox/secret.txt` (outside the repository) and `sandbox/repo/.git`. */
before(() => {
  sandbox = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-confine-'));
  repo = path.join(sandbox, 'repo');
  fs.mkdirSync(path.join(repo, '.git'), { recursive: true });
  fs.writeFileSync(path.join(sandbox, 'secret.txt'), `token: ${SECRET}\nx: \${{ unclosed\n`);
  fs.mkdirSync(path.join(sandbox, 'secret-dir'));
  fs.writeFileSync(path.join(sandbox, 'secret-dir', 'id_rsa'), `${SECRET}\n`);
  fs.writeFileSync(path.join(repo, 'values.json'), '{}');
});

after(() => fs.rmSync(sandbox, { recursive: true, force: true }));

function trellis(cwd, ...args) {
  const run = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8' });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr, all: run.stdout + run.stderr };
}

/** A template in `repo/<dir>/template.yaml` with one fetch step. */
function template(dir, action, url, extra = '') {
  const folder = path.join(repo, dir);
  fs.mkdirSync(folder, { recursive: true });
  fs.writeFileSync(
    path.join(folder, 'template.yaml'),
    [
      'apiVersion: scaffolder.backstage.io/v1beta3',
      'kind: Template',
      'metadata: {name: hostile}',
      'spec:',
      '  type: service',
      '  steps:',
      '    - id: fetch',
      `      action: ${action}`,
      '      input:',
      `        url: '${url}'`,
      '        targetPath: stolen',
      extra,
    ].join('\n'),
  );
  return `${dir}/template.yaml`;
}

const OUTSIDE = [
  ['fetch:plain:file', '../../../secret.txt'],
  ['fetch:template:file', '../../../../../../../../../../..' + path.join(sandbox, 'secret.txt')],
  ['fetch:plain', '../../../secret-dir'],
  ['fetch:template', '../../..'],
  ['fetch:template', '/../secret-dir'],
  ['fetch:plain:file', `file://${path.join(sandbox, 'secret.txt')}`],
];

test('check: a url leaving the repository is a located url-outside-root error, and no line of the file is shown', () => {
  for (const [action, url] of OUTSIDE) {
    const file = template('templates/a', action, url);
    const run = trellis(repo, 'check', file);
    assert.equal(run.status, 1, `${action} ${url}\n${run.all}`);
    assert.match(run.stdout, /^error\[url-outside-root\]: /m, `${action} ${url}\n${run.all}`);
    assert.match(run.stdout, /--> templates\/a\/template\.yaml:10:14$/m, run.stdout);
    assert.match(run.stdout, /= hint: .*--root DIR/);
    assert.ok(!run.all.includes(SECRET), `${action} ${url} printed the secret:\n${run.all}`);
    assert.ok(!run.all.includes('unclosed'), `${action} ${url} checked the file outside:\n${run.all}`);
  }
});

test('render --out: nothing is copied from outside the repository; the step fails at the url', () => {
  for (const [action, url] of OUTSIDE) {
    const file = template('templates/b', action, url);
    const out = path.join(sandbox, 'out');
    const run = trellis(repo, 'render', file, '--values', 'values.json', '--out', out);
    assert.equal(run.status, 1, `${action} ${url}\n${run.all}`);
    assert.match(run.stderr, /^error\[url-outside-root\]: templates\/b\/template\.yaml:10:14: /m, run.all);
    assert.match(run.stderr, /hint: .*--root DIR/);
    assert.ok(!fs.existsSync(out), `${action} ${url} wrote ${out}`);
    assert.ok(!run.all.includes(SECRET), `${action} ${url}:\n${run.all}`);
  }
});

test('render --check: the file outside is never shown as a diff', () => {
  const golden = path.join(repo, 'golden');
  fs.mkdirSync(golden, { recursive: true });
  const file = template('templates/c', 'fetch:plain:file', '../../../secret.txt');
  const run = trellis(repo, 'render', file, '--values', 'values.json', '--check', 'golden');
  assert.equal(run.status, 1, run.all);
  assert.match(run.stderr, /error\[url-outside-root\]/);
  assert.ok(!run.all.includes(SECRET), run.all);
  // A golden tree inside the repository that is a link out of it is not read either.
  fs.symlinkSync(path.join(sandbox, 'secret-dir'), path.join(repo, 'golden-link'));
  const fine = template('templates/c2', 'fetch:plain', './skel');
  fs.mkdirSync(path.join(repo, 'templates/c2/skel'));
  fs.writeFileSync(path.join(repo, 'templates/c2/skel/a.txt'), 'a\n');
  const linked = trellis(repo, 'render', fine, '--values', 'values.json', '--check', 'golden-link');
  assert.equal(linked.status, 2, linked.all);
  assert.match(linked.stderr, /^error\[outside-root\]: golden-link is outside the repository root \./m);
  assert.ok(!linked.all.includes(SECRET), linked.all);
});

test('symbolic links inside the repository that lead out of it are refused by check and render', () => {
  fs.mkdirSync(path.join(repo, 'templates/d'), { recursive: true });
  fs.symlinkSync(path.join(sandbox, 'secret-dir'), path.join(repo, 'templates/d/linked'));
  for (const [action, url, rule] of [
    ['fetch:plain:file', './linked/id_rsa', 'url-outside-root'],
    ['fetch:template:file', './linked/id_rsa', 'url-outside-root'],
    ['fetch:template', './linked/id_rsa', 'url-outside-root'],
    // The link itself is never followed (as before): a symlink is not a skeleton directory.
    ['fetch:plain', './linked', 'skeleton-not-found'],
  ]) {
    const file = template('templates/d', action, url);
    const rendered = trellis(repo, 'render', file, '--values', 'values.json', '--out', path.join(sandbox, 'out-d'));
    assert.equal(rendered.status, 1, rendered.all);
    assert.match(rendered.stderr, new RegExp(`error\\[${rule}\\]: templates/d/template\\.yaml:10:14: `), rendered.all);
    assert.ok(!rendered.all.includes(SECRET), rendered.all);
    assert.ok(!fs.existsSync(path.join(sandbox, 'out-d')));
  }
  const file = template('templates/d', 'fetch:template:file', './linked/id_rsa');
  const checked = trellis(repo, 'check', file);
  assert.match(checked.stdout, /error\[url-outside-root\]: .*a symbolic link takes outside/, checked.all);
  assert.ok(!checked.all.includes(SECRET), checked.all);
});

test('a template file that is a link out of the repository is not read by params, check or render', () => {
  fs.mkdirSync(path.join(repo, 'templates/e'), { recursive: true });
  fs.symlinkSync(path.join(sandbox, 'secret.txt'), path.join(repo, 'templates/e/template.yaml'));
  for (const args of [
    ['params', 'templates/e/template.yaml', '--values', 'values.json'],
    ['check', 'templates/e/template.yaml'],
    ['render', 'templates/e', '--values', 'values.json'],
  ]) {
    const run = trellis(repo, ...args);
    assert.equal(run.status, 2, `${args[0]}: ${run.all}`);
    assert.match(run.stderr, /^error\[outside-root\]: templates\/e\/template\.yaml is outside the repository root \.; nothing was read$/m, run.all);
    assert.match(run.stderr, /hint: .*--root DIR/);
    assert.ok(!run.all.includes(SECRET), run.all);
  }
  // A values file inside the repository that leads out of it is refused the same way.
  fs.symlinkSync(path.join(sandbox, 'secret.txt'), path.join(repo, 'values-link.yaml'));
  const file = template('templates/e2', 'debug:log', 'x');
  const run = trellis(repo, 'params', file, '--values', 'values-link.yaml');
  assert.equal(run.status, 2, run.all);
  assert.match(run.stderr, /error\[outside-root\]: values-link\.yaml is outside/);
});

test('--root DIR sets the bound: narrower refuses what the repository allows, wider allows what it refuses', () => {
  fs.mkdirSync(path.join(repo, 'skeletons/shared'), { recursive: true });
  fs.writeFileSync(path.join(repo, 'skeletons/shared/README.md'), 'shared\n');
  const file = template('templates/f', 'fetch:plain', '../../skeletons/shared');
  // Inside the repository: fine by default.
  const byDefault = trellis(repo, 'render', file, '--values', 'values.json');
  assert.equal(byDefault.status, 0, byDefault.all);
  // `--root templates` leaves skeletons/ outside.
  for (const command of [
    ['render', file, '--values', 'values.json', '--root', 'templates'],
    ['check', file, '--root', 'templates'],
  ]) {
    const run = trellis(repo, ...command);
    assert.equal(run.status, 1, run.all);
    assert.match(run.all, /url-outside-root\]: .*outside the repository root `templates`/, run.all);
  }
  // `--root ..` (the sandbox) lets a template read beside the repository.
  const beside = template('templates/g', 'fetch:plain', '../../../secret-dir');
  const wide = trellis(repo, 'render', beside, '--values', 'values.json', '--root', '..', '--report', path.join(sandbox, 'r.json'));
  assert.equal(wide.status, 0, wide.all);
  assert.deepEqual(JSON.parse(fs.readFileSync(path.join(sandbox, 'r.json'), 'utf8')).files, ['stolen/id_rsa']);
  // A --root that is not a folder is a usage error; params and check take it too.
  const bad = trellis(repo, 'params', file, '--values', 'values.json', '--root', 'nope');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /^error: --root nope: no such folder$/m);
  assert.equal(trellis(repo, 'params', file, '--values', 'values.json', '--root', '.').status, 0);
  for (const command of ['check', 'params', 'render']) {
    assert.match(trellis(repo, command, '--help').stdout, /--root DIR +the repository root/, command);
  }
});

test('without .git above the template, the current folder is the root', () => {
  const plain = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-confine-plain-'));
  try {
    fs.mkdirSync(path.join(plain, 't'));
    fs.writeFileSync(path.join(plain, 'outside.txt'), `${SECRET}\n`);
    const file = path.join(plain, 't', 'template.yaml');
    fs.writeFileSync(file, fs.readFileSync(path.join(repo, 'templates/c/template.yaml'), 'utf8').replace('../../../secret.txt', '../outside.txt'));
    fs.writeFileSync(path.join(plain, 'values.json'), '{}');
    const fromT = trellis(path.join(plain, 't'), 'render', 'template.yaml', '--values', '../values.json');
    assert.match(fromT.stderr, /url-outside-root\]: template\.yaml:10:14: `\.\.\/outside\.txt` leads to `\.\.\/outside\.txt`, outside the repository root `\.`/, fromT.all);
    const fromTop = trellis(plain, 'render', 't/template.yaml', '--values', 'values.json', '--report', 'report.json');
    assert.equal(fromTop.status, 0, fromTop.all);
  } finally {
    fs.rmSync(plain, { recursive: true, force: true });
  }
});

test('check without .git, run from elsewhere: the folder named on the command line is the root, and nothing above it is read', () => {
  const plain = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-confine-named-'));
  const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-confine-cwd-'));
  try {
    // plain/templates/{t/template.yaml, skeletons/s/}, plain/outside.txt above the named folder.
    const templates = path.join(plain, 'templates');
    fs.mkdirSync(path.join(templates, 't'), { recursive: true });
    fs.mkdirSync(path.join(templates, 'skeletons', 's'), { recursive: true });
    fs.writeFileSync(path.join(templates, 'skeletons', 's', 'README.md'), '# ${{ values.name }}\n');
    fs.writeFileSync(path.join(plain, 'outside.txt'), `${SECRET}\n`);
    const text = (action, url) =>
      `apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata: {name: t}\nspec:\n  type: service\n` +
      `  steps:\n    - id: fetch\n      action: ${action}\n      input:\n        url: '${url}'\n        values: {name: x}\n`;
    fs.writeFileSync(path.join(templates, 't', 'template.yaml'), text('fetch:template', '../skeletons/s'));
    fs.mkdirSync(path.join(templates, 'u'));
    fs.writeFileSync(path.join(templates, 'u', 'template.yaml'), text('fetch:plain:file', '../../outside.txt'));
    const run = trellis(elsewhere, 'check', templates, '--format', 'json');
    const findings = JSON.parse(run.stdout).diagnostics;
    const outside = findings.filter(f => f.rule === 'url-outside-root');
    // A sibling folder inside the named one is readable; the file above it is not.
    assert.deepEqual(outside.map(f => path.basename(path.dirname(f.file))), ['u'], run.all);
    assert.doesNotMatch(run.all, new RegExp(SECRET));
  } finally {
    fs.rmSync(plain, { recursive: true, force: true });
    fs.rmSync(elsewhere, { recursive: true, force: true });
  }
});

test('readSkeletonDir with a root refuses a folder that a link takes out of it', () => {
  const { readSkeletonDir } = require('../../dist/index.js');
  fs.mkdirSync(path.join(repo, 'skel-h'), { recursive: true });
  fs.writeFileSync(path.join(repo, 'skel-h', 'a.txt'), 'a');
  fs.symlinkSync(path.join(sandbox, 'secret-dir'), path.join(repo, 'skel-link'));
  assert.deepEqual(readSkeletonDir(path.join(repo, 'skel-h'), { root: repo }).map(f => f.path), ['a.txt']);
  assert.throws(() => readSkeletonDir(path.join(repo, 'skel-link'), { root: repo }), { code: 'outside-root' });
  assert.throws(() => readSkeletonDir(path.join(repo, '..', 'secret-dir'), { root: repo }), { code: 'outside-root' });
  // Without a root it reads where it is told (the API's callers decide).
  assert.equal(readSkeletonDir(path.join(repo, 'skel-link')).length, 1);
});
