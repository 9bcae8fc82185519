'use strict';
// The `trellis` command line (dist/cli.js), run as a child process like CI runs it.
const test = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { makeTempDir } = require('./support/temp.cjs');

const root = path.resolve(__dirname, '..', '..');
const cli = path.join(root, 'dist', 'cli.js');
const example = 'examples/python-postgres';
const template = `${example}/template.yaml`;

/** Runs `node dist/cli.js ...args` from the package root. */
function trellis(...args) {
  const run = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8' });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

function tempFile(name, content) {
  const dir = makeTempDir('trellis-cli-');
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
}

test('dist/cli.js starts with a shebang', () => {
  assert.ok(fs.readFileSync(cli, 'utf8').startsWith('#!/usr/bin/env node\n'));
});

test('valid values: exit 0 and a summary line', () => {
  const run = trellis('params', template, '--values', `${example}/values.json`);
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout, 'values are valid for all 3 visible pages (1 hidden)\n');
});

test('invalid values: exit 1, rustc-style errors with template locations', () => {
  const run = trellis('params', template, '--values', `${example}/values-invalid.json`);
  assert.equal(run.status, 1, run.stderr);
  const errorLines = run.stdout.split('\n').filter(line => line.startsWith('error['));
  assert.equal(errorLines.length, 5, run.stdout);
  assert.ok(errorLines.includes('error[required]: repoUrl: is required'), run.stdout);
  assert.ok(errorLines.includes('error[maximum]: database.backupRetentionDays: must be less than or equal to 35'));
  const locations = run.stdout.split('\n').filter(line => line.startsWith('  --> '));
  assert.equal(locations.length, 5);
  for (const location of locations) {
    assert.match(location, /^ {2}--> examples\/python-postgres\/template\.yaml:\d+:\d+ \(page \d "[^"]+"\)$/);
  }
  assert.match(run.stdout, /template\.yaml:\d+:\d+ \(page 4 "Choose a location"\)/);
  assert.match(run.stdout, /\n5 errors in 3 pages\n$/);
});

test('--format json prints the result object', () => {
  const bad = trellis('params', template, '--values', `${example}/values-invalid.json`, '--format', 'json');
  assert.equal(bad.status, 1, bad.stderr);
  const result = JSON.parse(bad.stdout);
  assert.equal(result.valid, false);
  assert.equal(result.errors.length, 5);
  assert.deepEqual(result.visiblePages, [true, true, false, true]);

  const good = trellis('params', template, '--values', `${example}/values.json`, '--format', 'json', '--apply-defaults');
  assert.equal(good.status, 0, good.stderr);
  const values = JSON.parse(good.stdout).values;
  assert.equal(values.pythonVersion, '3.12');
  assert.equal(values.database.backupRetentionDays, 7);
});

test('values and secrets may be YAML', () => {
  const values = tempFile(
    'values.yaml',
    'name: orders-api\nowner: group:default/checkout\ndatabase:\n  name: orders\n  size: small\nrepoUrl: github.com?owner=acme&repo=orders-api\n',
  );
  assert.equal(trellis('params', template, '--values', values).status, 0);
  const secrets = tempFile('secrets.yml', 'databaseAdminPassword: short\n');
  const run = trellis('params', template, '--values', values, '--secrets', secrets);
  assert.equal(run.status, 1);
  assert.match(run.stdout, /^error\[minLength\]: /m);
  assert.match(run.stdout, /\(secrets\)$/m);
  assert.match(run.stdout, /\n1 error in secrets\n$/);
});

test('a missing file is exit 2 with the file name on stderr', () => {
  const run = trellis('params', template, '--values', `${example}/no-such-values.json`);
  assert.equal(run.status, 2);
  assert.equal(run.stdout, '');
  assert.match(run.stderr, /no-such-values\.json/);

  const noTemplate = trellis('params', `${example}/missing.yaml`, '--values', `${example}/values.json`);
  assert.equal(noTemplate.status, 2);
  assert.match(noTemplate.stderr, /missing\.yaml/);
});

test('a template the core rejects is exit 2 with file:line:col on stderr', () => {
  const broken = tempFile('template.yaml', 'apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\n spec: {}\n');
  const run = trellis('params', broken, '--values', `${example}/values.json`);
  assert.equal(run.status, 2);
  // Named relative to the current folder (the package root here); the absolute path only
  // happened to be a suffix of it when the clone sat two levels below the temp folder's parent.
  assert.ok(run.stderr.includes(`${path.relative(root, broken)}:3:`), run.stderr);
  assert.match(run.stderr, /^error\[yaml-syntax\]: /);

  const notAnObject = tempFile('values.json', '[1, 2]');
  const values = trellis('params', template, '--values', notAnObject);
  assert.equal(values.status, 2);
  assert.match(values.stderr, /must hold an object/);
});

test('usage errors are exit 2 with the usage; --help is exit 0', () => {
  for (const args of [[], ['check', 'x.yaml'], ['render'], ['params'], ['params', template], ['params', template, '--values', 'v.json', '--format', 'sarif'], ['params', '--bogus']]) {
    const run = trellis(...args);
    assert.equal(run.status, 2, `trellis ${args.join(' ')}`);
    assert.match(run.stderr, /Usage: trellis/, `trellis ${args.join(' ')}`);
  }
  const help = trellis('--help');
  assert.equal(help.status, 0);
  assert.match(help.stdout, /^  params TEMPLATE_FILE --values FILE/m);
  assert.match(help.stdout, /^  check \[PATH\.\.\.\]/m);
  assert.match(help.stdout, /^ {2}render TEMPLATE --values FILE/m);
  const paramsHelp = trellis('params', '--help');
  assert.equal(paramsHelp.status, 0);
  assert.match(paramsHelp.stdout, /--apply-defaults/);
});

test('a reader that closes the pipe early (`trellis rules | true`) ends the CLI quietly', () => {
  // `true` exits before Node has started, so every write of trellis meets a closed pipe.
  const run = spawnSync('bash', ['-c', `"${process.execPath}" "${cli}" rules | true; exit "\${PIPESTATUS[0]}"`], {
    cwd: root,
    encoding: 'utf8',
  });
  assert.doesNotMatch(run.stderr, /EPIPE|Unhandled|\bat /, run.stderr);
  assert.equal(run.status, 0, run.stderr);
});
