'use strict';
// `trellis check` as a user runs it: real files, real exit codes, every output format.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '../..');
const cli = path.join(root, 'dist/cli.js');
const fixtures = path.join(root, 'tests/fixtures/check');

function trellis(...args) {
  const run = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8' });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

test('findings print rustc-style code frames and exit 1', () => {
  const run = trellis('check', path.join(fixtures, 'step-id-dot-dash/template.yaml'));
  assert.equal(run.status, 1, run.stderr);
  assert.match(run.stdout, /^error\[step-id-dot-dash\]: `steps\.publish-github` is read as a subtraction/m);
  assert.match(run.stdout, /--> .*step-id-dot-dash\/template\.yaml:13:30/);
  assert.match(run.stdout, /\| +\^{20}$/m, 'carets under steps.publish-github');
  assert.match(run.stdout, /= hint: write `steps\['publish-github'\]`/);
  // publish:github in the fixture comes from a known module: checked like a built-in, no warning.
  assert.match(run.stdout, /\n1 error in 1 file\n/);
});

test('a clean template and the bundled example exit 0', () => {
  const targets = [
    [[path.join(fixtures, 'clean/template.yaml')], /no problems in 1 file/],
    // python-postgres, python-postgres-service, template-gate
    [['examples', '--manifest', 'examples/backstage-manifest.json'], /no problems in 3 files/],
  ];
  for (const [target, report] of targets) {
    const run = trellis('check', ...target);
    assert.equal(run.status, 0, run.stdout + run.stderr);
    assert.match(run.stdout, report);
  }
});

test('directories are searched for template files only', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-check-'));
  try {
    fs.mkdirSync(path.join(dir, 'skeleton'));
    // Not a template (and not even valid YAML): must be ignored when walking a directory.
    fs.writeFileSync(path.join(dir, 'skeleton', 'catalog-info.yaml'), 'name: ${{ values.name }\n  bad: [\n');
    fs.copyFileSync(path.join(fixtures, 'duplicate-step-id/template.yaml'), path.join(dir, 'template.yaml'));
    const run = trellis('check', dir, '--format', 'json');
    assert.equal(run.status, 1);
    const report = JSON.parse(run.stdout);
    // The broken file is not a template, but it is the step's skeleton, so it is checked as one
    // (and the fixture's `fetch:plain` of ./docs has nothing to fetch here).
    // Files are named relative to the current folder (the package root here), even when the
    // folder was given as an absolute path.
    const shown = file => path.relative(root, path.join(dir, file));
    assert.deepEqual(report.diagnostics.map(d => `${d.rule} ${d.file}`), [
      `duplicate-step-id ${shown('template.yaml')}`,
      `skeleton-missing ${shown('template.yaml')}`,
      `skeleton-syntax ${shown('skeleton/catalog-info.yaml')}`,
    ]);
    assert.deepEqual(report.summary, { errors: 3, warnings: 0, infos: 0, files: 1 });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('skeletons next to the template on disk are checked: a missing directory, a CI expression', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-skeleton-'));
  try {
    fs.mkdirSync(path.join(dir, 'skeleton', '.github', 'workflows'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'skeleton', '.github', 'workflows', 'ci.yml'), 'on: push\nname: ${{ github.ref }}\n');
    fs.writeFileSync(path.join(dir, 'template.yaml'), [
      'apiVersion: scaffolder.backstage.io/v1beta3',
      'kind: Template',
      'metadata: {name: t}',
      'spec:',
      '  type: service',
      '  steps:',
      '    - id: fetch',
      '      action: fetch:template',
      '      input: {url: ./skeleton}',
      '    - id: docs',
      '      action: fetch:template',
      '      input: {url: ./skeletn-docs}',
      '',
    ].join('\n'));
    const run = trellis('check', dir, '--no-color');
    assert.equal(run.status, 1, run.stderr);
    assert.match(run.stdout, /^error\[skeleton-missing\]: `\.\/skeletn-docs` does not exist/m);
    assert.match(run.stdout, /--> .*template\.yaml:12:20/);
    assert.match(run.stdout, /^error\[skeleton-ci-expression\]: `github\.ref` is rendered by Backstage/m);
    // The code frame comes from the skeleton file itself.
    assert.match(run.stdout, /--> .*skeleton\/\.github\/workflows\/ci\.yml:2:11/);
    assert.match(run.stdout, /^2 \| name: \$\{\{ github\.ref \}\}$/m);
    assert.match(run.stdout, /2 errors in 1 file/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('--max-severity decides which findings fail the run', () => {
  const file = path.join(fixtures, 'if-plain-string/template.yaml');
  assert.equal(trellis('check', file).status, 1);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-check-'));
  try {
    // Only the warning-level case (`if: "true"`): the error cases fixed, the v1beta2 ones (f, g) cut.
    const source = fs.readFileSync(file, 'utf8').replace(/if: parameters\.flag/, 'if: ${{ parameters.flag }}').replace(/if: "false"/, 'if: false').replace(/    - id: f\n[\s\S]*$/, '');
    fs.writeFileSync(path.join(dir, 'template.yaml'), source);
    assert.equal(trellis('check', dir).status, 0, 'warnings pass by default');
    assert.equal(trellis('check', dir, '--max-severity', 'warning').status, 1);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('sarif and github formats', () => {
  const file = path.join(fixtures, 'undeclared-parameter/template.yaml');
  const sarif = JSON.parse(trellis('check', file, '--format', 'sarif').stdout);
  assert.equal(sarif.version, '2.1.0');
  const results = sarif.runs[0].results.filter(r => r.ruleId === 'undeclared-parameter');
  assert.equal(results.length, 6);
  assert.equal(results[0].ruleId, 'undeclared-parameter');
  assert.equal(results[0].locations[0].physicalLocation.region.startLine, 20);
  const github = trellis('check', file, '--format', 'github').stdout.trim().split('\n').filter(l => l.includes('title=undeclared-parameter'));
  assert.equal(github.length, 6);
  assert.match(github[0], /^::error file=.*template\.yaml,line=20,col=56,endLine=20,endColumn=60,title=undeclared-parameter::/);
});

test('usage and I/O errors exit 2; rules lists every rule', () => {
  assert.equal(trellis('check', 'no/such/path').status, 2);
  assert.equal(trellis('check', '--format', 'xml', 'examples').status, 2);
  const rules = trellis('rules');
  assert.equal(rules.status, 0);
  for (const id of ['expression-syntax', 'step-reference', 'undeclared-parameter', 'if-plain-string', 'skeleton-missing']) {
    assert.match(rules.stdout, new RegExp(`^${id} `, 'm'));
  }
});

test('quoted globs name template files; a glob matching nothing is exit 2', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-glob-'));
  try {
    // Each fixture with its skeletons, so the templates are checked as they are in the repo.
    const put = (into, from) => fs.cpSync(path.join(fixtures, from), path.join(dir, into), { recursive: true });
    put('templates/a', 'clean');
    put('templates/b/c', 'step-reference');
    fs.writeFileSync(path.join(dir, 'templates/b/notes.yaml'), 'kind: Component\n');
    // spawnSync passes the pattern as one argument, as a quoted pattern reaches the CLI from a shell.
    const inDir = (...args) => spawnSync(process.execPath, [cli, ...args], { cwd: dir, encoding: 'utf8' });

    const deep = inDir('check', 'templates/**/template.yaml', '--format', 'json');
    assert.equal(deep.status, 1, deep.stderr);
    const report = JSON.parse(deep.stdout);
    assert.equal(report.summary.files, 2);
    assert.deepEqual([...new Set(report.diagnostics.map(d => d.file))], ['templates/b/c/template.yaml']);
    assert.ok(report.diagnostics.some(d => d.rule === 'step-reference'));

    const shallow = inDir('check', './templates/*/template.yaml');
    assert.equal(shallow.status, 0, shallow.stdout + shallow.stderr);
    assert.match(shallow.stdout, /no problems in 1 file/);

    // Files that match but hold no Template, a pattern matching nothing, a broken pattern: exit 2.
    const notes = inDir('check', 'templates/*/notes.yaml');
    assert.equal(notes.status, 2);
    assert.match(notes.stderr, /no template files .* among the 1 files matching templates\/\*\/notes\.yaml/);
    const nothing = inDir('check', 'nowhere/**/*.yaml');
    assert.equal(nothing.status, 2);
    assert.match(nothing.stderr, /error: no files match the pattern nowhere\/\*\*\/\*\.yaml/);
    const broken = inDir('check', 'templates/[a');
    assert.equal(broken.status, 2);
    assert.match(broken.stderr, /`templates\/\[a` is not a valid glob/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('rules --format markdown prints one table row per rule', () => {
  const text = trellis('rules');
  const markdown = trellis('rules', '--format', 'markdown');
  assert.equal(markdown.status, 0, markdown.stderr);
  const lines = markdown.stdout.trimEnd().split('\n');
  const header = lines.indexOf('| rule | default severity | what it checks |');
  assert.ok(header > 0, markdown.stdout);
  assert.equal(lines[header + 1], '|---|---|---|');
  const rows = lines.slice(header + 2).map(line => line.match(/^\| `([a-z0-9-]+)` \| (error|warning|info) \| (.+) \|$/));
  assert.ok(rows.every(Boolean), markdown.stdout);
  // The same rules, severities and descriptions as the text listing, in the same order
  // (the page escapes `<`, `>` and `|` outside code spans).
  const unescape = cell => cell.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/\\\|/g, '|');
  const textRows = text.stdout.trimEnd().split('\n').map(line => line.match(/^(\S+)\s+(\S+)\s+(.+)$/).slice(1));
  assert.deepEqual(rows.map(r => [r[1], r[2], unescape(r[3])]), textRows);
  assert.ok(rows.length >= 27);
  assert.equal(trellis('rules', '--format', 'html').status, 2);
  assert.equal(trellis('rules', '--bogus').status, 2);
});

test('an unknown option is exit 2 with the usage of the command it was given to', () => {
  for (const [command, usage] of [['check', /Usage: trellis check/], ['rules', /Usage: trellis rules/], ['render', /Usage: trellis render/], ['params', /Usage: trellis params/]]) {
    const result = trellis(command, '--bogus');
    assert.equal(result.status, 2, command);
    assert.match(result.stderr, /Unknown option '--bogus'/, command);
    assert.match(result.stderr, usage, command);
  }
});

test('--manifest adds an instance\'s actions and filters; a broken manifest is exit 2', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-manifest-'));
  try {
    const file = path.join(fixtures, 'unknown-action/template.yaml');
    const rulesOf = run => JSON.parse(run.stdout).diagnostics.map(d => `${d.severity} ${d.rule} ${d.line}`);
    // No manifest: typos of a built-in (8) and of a module action (14) are errors, the custom
    // acme:deploy one warning for its two uses (17, 22), publish:github (11) a known module action.
    assert.deepEqual(rulesOf(trellis('check', file, '--format', 'json')), [
      'error unknown-action 8',
      'error unknown-action 14',
      'warning unknown-action 17',
    ]);
    const manifest = path.join(dir, 'manifest.json');
    fs.writeFileSync(manifest, JSON.stringify({
      actions: [
        { id: 'publish:github', schema: { input: { type: 'object', required: ['repoUrl'], properties: { repoUrl: { type: 'string' } }, additionalProperties: false } } },
        { id: 'acme:deploy', schema: {} },
      ],
      filters: [{ name: 'now' }],
      globals: { functions: [], values: [] },
    }));
    // The instance has publish:github and acme:deploy; the typos stay errors.
    assert.deepEqual(rulesOf(trellis('check', file, '--format', 'json', '--manifest', manifest)), [
      'error unknown-action 8',
      'error unknown-action 14',
    ]);
    fs.writeFileSync(manifest, '{"actions": 5}');
    const broken = trellis('check', file, '--manifest', manifest);
    assert.equal(broken.status, 2);
    assert.match(broken.stderr, /manifest\.json: not a Trellis manifest/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('--ignore drops a rule; an unknown rule id is a usage error', () => {
  const file = path.join(fixtures, 'unknown-action/template.yaml');
  const run = trellis('check', file, '--format', 'json', '--ignore', 'unknown-action');
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(JSON.parse(run.stdout).diagnostics, []);
  const bad = trellis('check', file, '--ignore', 'no-such-rule');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--ignore no-such-rule: no such rule/);
});
