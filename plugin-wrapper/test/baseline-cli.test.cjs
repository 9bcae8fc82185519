'use strict';
// `trellis check --baseline FILE` / `--update-baseline` as a user runs them: real files, real
// exit codes; the matching itself is the core's (src/check/baseline.rs).
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const cli = path.resolve(__dirname, '../../dist/cli.js');

const TEMPLATE = `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: baseline
spec:
  owner: team
  type: service
  parameters:
    - properties:
        name: {type: string}
  steps:
    - id: log
      action: debug:log
      input:
        message: \${{ parameters.nmae }}
    - id: log2
      action: debug:log
      input:
        message: \${{ steps.fetch.output.path }}
`;

/** A repository folder holding `template.yaml`; `run(...args)` runs trellis in it. */
function repository(text = TEMPLATE) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-baseline-'));
  fs.mkdirSync(path.join(dir, '.git'));
  fs.writeFileSync(path.join(dir, 'template.yaml'), text);
  const run = (...args) => {
    const child = spawnSync(process.execPath, [cli, ...args], { cwd: dir, encoding: 'utf8' });
    return { status: child.status, stdout: child.stdout, stderr: child.stderr };
  };
  const findings = (...args) => {
    const result = run('check', 'template.yaml', '--format', 'json', ...args);
    return { status: result.status, found: JSON.parse(result.stdout).diagnostics.map(d => `${d.line} ${d.rule}`) };
  };
  return { dir, run, findings, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

test('--update-baseline records every finding, and a check against it reports none', () => {
  const repo = repository();
  try {
    assert.deepEqual(repo.findings().found, ['15 undeclared-parameter', '19 step-reference']);
    const update = repo.run('check', 'template.yaml', '--baseline', 'baseline.json', '--update-baseline');
    assert.equal(update.status, 0, update.stdout + update.stderr);
    assert.match(update.stderr, /^wrote baseline\.json: 2 findings recorded$/m);
    assert.match(update.stdout, /2 findings recorded in the baseline are not shown/);
    const written = JSON.parse(fs.readFileSync(path.join(repo.dir, 'baseline.json'), 'utf8'));
    assert.deepEqual(written, {
      version: 1,
      findings: [
        { rule: 'step-reference', file: 'template.yaml', text: 'fetch' },
        { rule: 'undeclared-parameter', file: 'template.yaml', text: 'nmae' },
      ],
    });
    const text = repo.run('check', 'template.yaml', '--baseline', 'baseline.json');
    assert.equal(text.status, 0, text.stdout);
    assert.match(text.stdout, /no problems in 1 file\n2 findings recorded in the baseline are not shown\n$/);
    assert.deepEqual(repo.findings('--baseline', 'baseline.json'), { status: 0, found: [] });
  } finally {
    repo.remove();
  }
});

test('recorded findings stay recorded when lines move; a new copy of one is new', () => {
  const repo = repository();
  try {
    assert.equal(repo.run('check', 'template.yaml', '--baseline', 'b.json', '--update-baseline').status, 0);
    // Lines added above both findings, and the same mistake made a second time below them.
    const moved = TEMPLATE.replace('  owner: team\n', '  owner: team\n  lifecycle: production\n  system: x\n').replace(
      '    - id: log2\n',
      '    - id: log1\n      action: debug:log\n      input:\n        message: ${{ parameters.nmae }}\n    - id: log2\n',
    );
    fs.writeFileSync(path.join(repo.dir, 'template.yaml'), moved);
    assert.deepEqual(repo.findings().found, ['17 undeclared-parameter', '21 undeclared-parameter', '25 step-reference']);
    // The first copy (in report order) is the recorded one; the second is reported.
    assert.deepEqual(repo.findings('--baseline', 'b.json'), { status: 1, found: ['21 undeclared-parameter'] });
    const text = repo.run('check', 'template.yaml', '--baseline', 'b.json');
    assert.equal(text.status, 1);
    assert.match(text.stdout, /--> template\.yaml:21:/);
    assert.match(text.stdout, /1 error in 1 file\n2 findings recorded in the baseline are not shown\n$/);
  } finally {
    repo.remove();
  }
});

test('a fixed finding drops out of an updated baseline, so making the mistake again is reported', () => {
  const repo = repository();
  try {
    assert.equal(repo.run('check', 'template.yaml', '--baseline', 'b.json', '--update-baseline').status, 0);
    fs.writeFileSync(path.join(repo.dir, 'template.yaml'), TEMPLATE.replace('parameters.nmae', 'parameters.name'));
    assert.equal(repo.run('check', 'template.yaml', '--baseline', 'b.json', '--update-baseline').status, 0);
    const findings = JSON.parse(fs.readFileSync(path.join(repo.dir, 'b.json'), 'utf8')).findings;
    assert.deepEqual(findings.map(f => f.rule), ['step-reference']);
    fs.writeFileSync(path.join(repo.dir, 'template.yaml'), TEMPLATE);
    assert.deepEqual(repo.findings('--baseline', 'b.json'), { status: 1, found: ['15 undeclared-parameter'] });
  } finally {
    repo.remove();
  }
});

test('a missing, malformed or unwritable baseline is a usage error naming the file', () => {
  const repo = repository();
  try {
    const missing = repo.run('check', 'template.yaml', '--baseline', 'none.json');
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /cannot read the baseline none\.json: no such file \(write one with --update-baseline\)/);
    fs.writeFileSync(path.join(repo.dir, 'bad.json'), '{"version": 1, "findings": [{"rule": "x"}]}');
    const malformed = repo.run('check', 'template.yaml', '--baseline', 'bad.json');
    assert.equal(malformed.status, 2);
    assert.match(malformed.stderr, /^error: bad\.json: the baseline file is not a Trellis baseline: missing field `file`/m);
    fs.writeFileSync(path.join(repo.dir, 'future.json'), '{"version": 2, "findings": []}');
    const future = repo.run('check', 'template.yaml', '--baseline', 'future.json');
    assert.equal(future.status, 2);
    assert.match(future.stderr, /baseline version 2 is not supported \(this Trellis writes 1\)/);
    const alone = repo.run('check', 'template.yaml', '--update-baseline');
    assert.equal(alone.status, 2);
    assert.match(alone.stderr, /--update-baseline needs --baseline FILE/);
    // A folder where the file should go: refused, and nothing staged is left behind.
    fs.mkdirSync(path.join(repo.dir, 'taken'));
    const unwritable = repo.run('check', 'template.yaml', '--baseline', 'taken', '--update-baseline');
    assert.equal(unwritable.status, 2);
    assert.match(unwritable.stderr, /cannot write the baseline taken:/);
    assert.deepEqual(fs.readdirSync(repo.dir).sort(), ['.git', 'bad.json', 'future.json', 'taken', 'template.yaml']);
  } finally {
    repo.remove();
  }
});
