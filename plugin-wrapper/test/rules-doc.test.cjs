'use strict';
// docs/rules.md is `trellis rules --format markdown`: regenerated here and compared, so the
// checked-in page cannot drift from the rules the core runs.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '../..');
const { listRules } = require(path.join(root, 'dist/index.js'));

function rules(...args) {
  return spawnSync(process.execPath, [path.join(root, 'dist/cli.js'), 'rules', ...args], { cwd: root, encoding: 'utf8' });
}

test('docs/rules.md is what `trellis rules --format markdown` prints', () => {
  const run = rules('--format', 'markdown');
  assert.equal(run.status, 0, run.stderr);
  const checkedIn = fs.readFileSync(path.join(root, 'docs/rules.md'), 'utf8');
  assert.equal(
    checkedIn,
    run.stdout,
    'docs/rules.md is stale: run `node dist/cli.js rules --format markdown > docs/rules.md`',
  );
});

test('the markdown has one table row per rule of the core, in order, with its severity', () => {
  const rows = rules('--format', 'markdown')
    .stdout.split('\n')
    .filter(line => /^\| `/.test(line))
    .map(line => line.split(' | ').slice(0, 2).join(' '));
  assert.deepEqual(
    rows,
    listRules().map(r => `| \`${r.id}\` ${r.defaultSeverity}`),
  );
  assert.ok(rows.length >= 20);
});

test('an unknown rules format is a usage error', () => {
  const run = rules('--format', 'html');
  assert.equal(run.status, 2);
  assert.match(run.stderr, /--format must be text or markdown, got html/);
});
