'use strict';
// docs/rules.md is `trellis rules --format markdown` plus an example per rule from its golden
// fixture (scripts/rules-doc.cjs): regenerated here and compared, so the checked-in page cannot
// drift from the rules the core runs or from what it says about their fixtures.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '../..');
const { listRules } = require(path.join(root, 'dist/index.js'));
const { rulesPage } = require(path.join(root, 'scripts/rules-doc.cjs'));
const { makeTempDir } = require('./support/temp.cjs');

function rules(...args) {
  return spawnSync(process.execPath, [path.join(root, 'dist/cli.js'), 'rules', ...args], { cwd: root, encoding: 'utf8' });
}

const checkedIn = fs.readFileSync(path.join(root, 'docs/rules.md'), 'utf8');

test('docs/rules.md is what `npm run docs:rules` writes now', () => {
  assert.equal(checkedIn, rulesPage(), 'docs/rules.md is stale: run `npm run docs:rules`');
});

test('docs/rules.md starts with the rule table `trellis rules --format markdown` prints', () => {
  const run = rules('--format', 'markdown');
  assert.equal(run.status, 0, run.stderr);
  const table = run.stdout.split('\n').filter((line) => line.startsWith('|'));
  assert.ok(checkedIn.includes(table.join('\n')));
});

test('every rule has a section, in order, with its fixture as input and its findings as output', () => {
  const sections = checkedIn.split(/^## /m).slice(1);
  assert.deepEqual(
    sections.map((s) => /^`([^`]+)`/.exec(s)[1]),
    listRules().map((r) => r.id),
  );
  for (const [i, section] of sections.entries()) {
    const id = listRules()[i].id;
    const template = fs.readFileSync(path.join(root, 'tests/fixtures/check', id, 'template.yaml'), 'utf8');
    assert.ok(section.includes(`\n${template.replace(/\n?$/, '\n')}\``), `${id}: the fixture's template is shown whole`);
    const output = /```+text\n([\s\S]*?)```/.exec(section)?.[1];
    assert.ok(output?.includes(`[${id}]:`), `${id}: the output shows its findings`);
    const others = [...output.matchAll(/^(?:error|warning|info)\[([^\]]+)\]/gm)].map((m) => m[1]).filter((r) => r !== id);
    assert.deepEqual(others, [], `${id}: only this rule's findings`);
  }
});

test('the generator fails loudly for a rule without a fixture, or one whose fixture does not fire it', () => {
  const empty = makeTempDir('trellis-rules-doc-');
  assert.throws(() => rulesPage({ fixturesRoot: empty }), /rule `yaml-syntax` has no golden fixture: add /);
  // The first rule's folder holding a template without that mistake.
  const quiet = makeTempDir('trellis-rules-doc-');
  fs.mkdirSync(path.join(quiet, 'yaml-syntax'));
  fs.copyFileSync(path.join(root, 'tests/fixtures/check/clean/template.yaml'), path.join(quiet, 'yaml-syntax/template.yaml'));
  assert.throws(() => rulesPage({ fixturesRoot: quiet }), /the fixture of `yaml-syntax` .* does not make it fire/);
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
