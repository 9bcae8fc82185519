'use strict';
// The cookiecutter-* rules through the built CLI (wasm, the CLI's confined file reader): every
// fixture gives the findings the native golden test expects (tests/fixtures/check/cookiecutter-*/
// expected.txt), so the folders are read the same way on both sides.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '../..');
const cli = path.join(root, 'dist/cli.js');
const fixtures = path.join(root, 'tests/fixtures/check');

/** `line:column severity[rule] message` of each expected finding, file first when not the template's. */
function expected(dir) {
  return fs
    .readFileSync(path.join(dir, 'expected.txt'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const found = /^(?:(.*):)?(\d+):(\d+)-\d+:\d+ (\w+)\[([\w-]+)\] (.*?)(?: \(hint: .*)?$/.exec(line);
      assert.ok(found, line);
      const [, file, l, c, severity, rule, message] = found;
      return `${file ?? 'template.yaml'}:${l}:${c} ${severity}[${rule}] ${message}`;
    })
    .sort();
}

for (const name of fs.readdirSync(fixtures).filter((n) => n.startsWith('cookiecutter-')).sort()) {
  test(`${name}: the CLI finds what the native check finds`, () => {
    const dir = path.join(fixtures, name);
    const run = spawnSync(process.execPath, [cli, 'check', 'template.yaml', '--format', 'json', '--root', '.'], {
      cwd: dir,
      encoding: 'utf8',
    });
    const wanted = expected(dir);
    // Exit 1 only for errors (the default --max-severity).
    assert.equal(run.status, wanted.some((f) => / error\[/.test(f)) ? 1 : 0, run.stderr);
    const { diagnostics } = JSON.parse(run.stdout);
    const actual = diagnostics.map((d) => `${d.file}:${d.line}:${d.column} ${d.severity}[${d.rule}] ${d.message}`).sort();
    assert.deepEqual(actual, wanted);
    assert.ok(diagnostics.some((d) => d.rule === name), `no ${name} finding`);
  });
}
