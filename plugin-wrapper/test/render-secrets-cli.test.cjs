'use strict';
// `trellis render` (dist/cli.js in a child process) never shows a secret in a form a template
// derived from it: reversed, upper, lower and title case, a substring, a composition — not in
// the --report file, not on stdout (step lines, warnings, the --check diff), not on stderr
// (the failing step's error), not in the error messages the report keeps.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const cli = path.resolve(__dirname, '..', '..', 'dist', 'cli.js');
const SECRET = 'sEcReT-vAlUe-1234-xyz';
const reverse = text => [...text].reverse().join('');
const title = text => text.split(' ').map(w => w.charAt(0).toUpperCase() + w.slice(1).toLowerCase()).join(' ');

/** Each form a template can make, as the template writes it and as it comes out. */
const FORMS = {
  raw: ['secrets.token', SECRET],
  reversed: ['secrets.token | reverse', reverse(SECRET)],
  upper: ['secrets.token | upper', SECRET.toUpperCase()],
  lower: ['secrets.token | lower', SECRET.toLowerCase()],
  title: ['secrets.token | title', title(SECRET)],
  substring: ['secrets.token.slice(3, 15)', SECRET.slice(3, 15)],
  truncated: ["secrets.token | truncate(10, true, '')", SECRET.slice(0, 10)],
  'reversed upper': ['secrets.token | reverse | upper', reverse(SECRET).toUpperCase()],
};
/** `name=<form>` for every form, joined by `separator`; and as it must show. */
const allForms = (separator = ' ') => Object.entries(FORMS).map(([name, [expr]]) => `${name.replace(' ', '-')}=\${{ ${expr} }}`).join(separator);
const allHidden = (separator = ' ') => Object.keys(FORMS).map(name => `${name.replace(' ', '-')}=***`).join(separator);
const ALL_FORMS = allForms();
const ALL_HIDDEN = allHidden();

let dir;

function write(file, text) {
  fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
  fs.writeFileSync(path.join(dir, file), text);
}

function trellis(...args) {
  const run = spawnSync(process.execPath, [cli, ...args], { cwd: dir, encoding: 'utf8' });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** Fails naming the output and the form when any form of the secret shows in `text`. */
function assertNoForm(text, where) {
  for (const [name, [, shown]] of Object.entries(FORMS)) {
    assert.ok(!text.includes(shown), `${where} shows the ${name} form ${shown}:\n${text}`);
  }
}

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-render-secrets-'));
  fs.mkdirSync(path.join(dir, '.git'));
  write('values.json', '{}');
  write('secrets.json', JSON.stringify({ token: SECRET }));
  write('golden/.keep', '');
  write('skeleton.txt', 'forms: ${{ values.forms }}\n');
  const header = ['apiVersion: scaffolder.backstage.io/v1beta3', 'kind: Template', 'metadata: {name: secrets}', 'spec:', '  type: service', '  steps:'];
  write('ok/template.yaml', [
    ...header,
    '    - id: log',
    '      action: debug:log',
    `      input: {message: "${ALL_FORMS}"}`,
    '    - id: file',
    '      action: fetch:template:file',
    '      input:',
    '        url: ../skeleton.txt',
    '        targetPath: "out-${{ secrets.token | reverse }}.txt"',
    `        values: {forms: "${ALL_FORMS}"}`,
    '    - id: entity',
    '      action: debug:log',
    // parseEntityRef quotes its input in its error: a render error, kept as a warning.
    '      input: {message: "${{ secrets.token | title | parseEntityRef }}"}',
    '',
  ].join('\n'));
  write('fails/template.yaml', [
    ...header,
    '    - id: rename',
    '      action: fs:rename',
    '      input:',
    `        files: [{from: "${allForms('_')}", to: "x-\${{ secrets.token | title }}"}]`,
    '',
  ].join('\n'));
});

after(() => fs.rmSync(dir, { recursive: true, force: true }));

test('the report, stdout and the --check diff hide every derived form of a secret', () => {
  const run = trellis('render', 'ok', '--values', 'values.json', '--secrets', 'secrets.json', '--report', 'report.json', '--check', 'golden');
  assert.equal(run.status, 1, run.stdout + run.stderr);
  const reportText = fs.readFileSync(path.join(dir, 'report.json'), 'utf8');
  const report = JSON.parse(reportText);
  assertNoForm(reportText, 'the report');
  assertNoForm(run.stdout, 'stdout');
  assertNoForm(run.stderr, 'stderr');
  // Each form was there to hide: every one became ***.
  assert.equal(report.steps[0].input.message, ALL_HIDDEN);
  assert.equal(report.steps[0].log.at(-1), ALL_HIDDEN);
  assert.deepEqual(report.files, ['out-***.txt']);
  // The warning quotes the render error, which quotes the title-cased secret.
  assert.match(report.warnings[0].message, /Entity reference/);
  // stdout: the diff of the rendered file (path and content), and the warning.
  assert.match(run.stdout, /^\+\+\+ rendered\/out-\*\*\*\.txt$/m);
  assert.ok(run.stdout.includes(`+forms: ${ALL_HIDDEN}`), run.stdout);
  assert.match(run.stdout, /^warning: ok\/template\.yaml:\d+:\d+: .*Entity reference/m);
});

test('the error of a failing step hides every derived form on stderr, stdout and in the report', () => {
  const run = trellis('render', 'fails', '--values', 'values.json', '--secrets', 'secrets.json', '--report', 'failed.json');
  assert.equal(run.status, 1, run.stdout + run.stderr);
  const reportText = fs.readFileSync(path.join(dir, 'failed.json'), 'utf8');
  const report = JSON.parse(reportText);
  for (const [text, where] of [[run.stderr, 'stderr'], [run.stdout, 'stdout'], [reportText, 'the report']]) {
    assertNoForm(text, where);
  }
  const hidden = `cannot rename \`${allHidden('_')}\` to \`x-***\``;
  assert.match(report.error.message, new RegExp(`^${hidden.replace(/[*`]/g, '\\$&')}`));
  assert.ok(run.stderr.includes(`error[rename-failed]: fails/template.yaml:`), run.stderr);
  assert.ok(run.stderr.includes(hidden), run.stderr);
  assert.ok(run.stdout.includes(`failed  rename [fs:rename]: ${hidden}`), run.stdout);
});
