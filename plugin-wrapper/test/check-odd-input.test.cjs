'use strict';
// `trellis check` on odd and hostile input, as a user runs it (issue #13, items 3 and 7): files
// that are no entity, findings on a 200 KB line, and a file the core fails on in a directory run.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '../..');
const cli = path.join(root, 'dist/cli.js');

function trellis(cwd, args, preload = []) {
  const run = spawnSync(process.execPath, [...preload, cli, ...args], { cwd, encoding: 'utf8', maxBuffer: 1 << 28 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

function inTempDir(files, body) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-odd-'));
  try {
    for (const [name, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      fs.writeFileSync(path.join(dir, name), text);
    }
    return body(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const TEMPLATE_HEAD =
  'apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata:\n  name: t\nspec:\n  owner: me\n' +
  '  type: service\n  parameters:\n    properties:\n      name: {type: string}\n  steps:\n';

test('an empty file, a JSON array and a YAML scalar are errors the catalog would give, located', () => {
  const files = {
    'empty.yaml': '',
    'list.json': JSON.stringify([{ apiVersion: 'scaffolder.backstage.io/v1beta3', kind: 'Template' }]),
    'scalar.yaml': '# a note\njust a sentence where a Template should be\n',
  };
  inTempDir(files, dir => {
    const run = trellis(dir, ['check', 'empty.yaml', 'list.json', 'scalar.yaml', '--format', 'json']);
    assert.equal(run.status, 1, run.stdout + run.stderr);
    const report = JSON.parse(run.stdout);
    assert.deepEqual(
      report.diagnostics.map(d => `${d.file}:${d.line}:${d.column} ${d.severity}[${d.rule}] ${d.message}`),
      [
        'empty.yaml:1:1 error[entity-structure] the file holds no entity (it is empty, or only comments or `null`), so the catalog finds no template in it',
        'list.json:1:1 error[entity-structure] this document is a list, not a mapping: the catalog rejects it ("Expected object at root, got object") and shows no template from it',
        'scalar.yaml:2:1 error[entity-structure] this document is a string, not a mapping: the catalog rejects it ("Expected object at root, got string") and shows no template from it',
      ],
    );
    assert.deepEqual(report.summary, { errors: 3, warnings: 0, infos: 0, files: 3 });
    const text = trellis(dir, ['check', 'empty.yaml']);
    assert.equal(text.status, 1);
    assert.match(text.stdout, /^error\[entity-structure\]: the file holds no entity/m);
    assert.match(text.stdout, /--> empty\.yaml:1:1\n/);
  });
});

// `uppr` is a typo of a known filter: an error (an unknown name would be a warning without --manifest).
test('a finding on a 200 KB line prints a short code frame, and every format stays bounded', () => {
  const line = `      input: {message: '${'a'.repeat(100_000)} \${{ parameters.name | uppr }} ${'b'.repeat(100_000)}'}`;
  const files = { 'template.yaml': `${TEMPLATE_HEAD}    - id: log\n      action: debug:log\n${line}\n` };
  inTempDir(files, dir => {
    const text = trellis(dir, ['check', 'template.yaml']);
    assert.equal(text.status, 1, text.stderr);
    assert.match(text.stdout, /^error\[unknown-filter\]: unknown filter `uppr`/m);
    const frame = text.stdout.split('\n').filter(l => /^\d+ \|/.test(l));
    assert.equal(frame.length, 1, text.stdout);
    // 400 characters around the filter name, 100 of them before it, and `...` where text was cut.
    assert.match(frame[0], /^14 \| \.\.\.a{77} \$\{\{ parameters\.name \| uppr \}\} b{292}\.\.\.$/);
    const carets = text.stdout.split('\n').find(l => /^ +\| +\^+$/.test(l));
    assert.equal(carets.indexOf('^'), frame[0].indexOf('uppr'), text.stdout);
    assert.ok(text.stdout.length < 2_000, `${text.stdout.length} bytes`);
    for (const format of ['json', 'sarif', 'github']) {
      const run = trellis(dir, ['check', 'template.yaml', '--format', format]);
      assert.equal(run.status, 1, run.stderr);
      assert.ok(run.stdout.length < 10_000, `${format}: ${run.stdout.length} bytes`);
    }
  });
});

test('a file the core fails on is reported as that file, with the other files findings', () => {
  // Checking crash/template.yaml makes the core panic for real (its test-only export), as a bug
  // in the core would: the wasm instance traps and is replaced. The trigger is all this preload adds.
  const hook = `
    const Module = require('node:module');
    const load = Module._load;
    Module._load = function (request, ...rest) {
      const exports = load.call(this, request, ...rest);
      if (request.endsWith('trellis.js') && typeof exports.checkFiles === 'function' && !exports.__wrappedForTest) {
        const checkFiles = exports.checkFiles;
        exports.checkFiles = function (filesJson, ...args) {
          if (JSON.parse(filesJson).some(f => f.path.endsWith('crash/template.yaml') && !f.failure)) {
            exports.__trellisPanicForTest('checking crash/template.yaml went wrong');
          }
          return checkFiles.call(this, filesJson, ...args);
        };
        exports.__wrappedForTest = true;
      }
      return exports;
    };`;
  const files = {
    'hook.cjs': hook,
    'templates/crash/template.yaml': `${TEMPLATE_HEAD}    - id: a\n      action: debug:log\n`,
    'templates/other/template.yaml': `${TEMPLATE_HEAD}    - id: a\n      action: debug:log\n    - id: a\n      action: debug:log\n`,
  };
  inTempDir(files, dir => {
    const run = trellis(dir, ['check', 'templates', '--format', 'json'], ['-r', path.join(dir, 'hook.cjs')]);
    assert.equal(run.status, 1, run.stdout + run.stderr);
    const report = JSON.parse(run.stdout);
    assert.deepEqual(
      report.diagnostics.map(d => `${d.file}:${d.line}:${d.column} ${d.rule}`),
      ['templates/crash/template.yaml:1:1 internal-error', 'templates/other/template.yaml:14:11 duplicate-step-id'],
    );
    assert.match(report.diagnostics[0].message, /^Trellis failed on this file with an internal error, so it was not checked: .*checking crash\/template\.yaml went wrong/);
    assert.deepEqual(report.summary, { errors: 2, warnings: 0, infos: 0, files: 2 });
    const text = trellis(dir, ['check', 'templates'], ['-r', path.join(dir, 'hook.cjs')]);
    assert.equal(text.status, 1, text.stderr);
    assert.match(text.stdout, /^error\[internal-error\]: Trellis failed on this file/m);
    assert.match(text.stdout, /^error\[duplicate-step-id\]/m);
    assert.match(text.stdout, /2 errors in 2 files\n$/);
    // Without the failing file nothing changes.
    const clean = trellis(dir, ['check', 'templates/other', '--format', 'json'], ['-r', path.join(dir, 'hook.cjs')]);
    assert.equal(JSON.parse(clean.stdout).diagnostics.length, 1);
  });
});
