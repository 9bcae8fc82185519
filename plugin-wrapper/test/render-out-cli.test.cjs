'use strict';
// `trellis render --out` (dist/cli.js in a child process) into a place it must not or cannot
// write — the root of the file system, a read-only or missing mount, a path through a file, a
// folder without write permission — fails with a clear error before any work: no step runs,
// nothing is rendered or written.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const cli = path.resolve(__dirname, '..', '..', 'dist', 'cli.js');
/** The one file the template renders: unique, so a stray copy anywhere is recognisable. */
const NAME = `trellis-out-probe-${process.pid}-${Date.now()}.txt`;

let dir;

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-render-out-'));
  fs.mkdirSync(path.join(dir, '.git'));
  fs.writeFileSync(path.join(dir, 'values.json'), '{}');
  fs.writeFileSync(path.join(dir, 'content.txt'), 'rendered\n');
  fs.writeFileSync(path.join(dir, 'a-file'), 'not a folder\n');
  fs.writeFileSync(
    path.join(dir, 'template.yaml'),
    [
      'apiVersion: scaffolder.backstage.io/v1beta3',
      'kind: Template',
      'metadata: {name: out}',
      'spec:',
      '  type: service',
      '  steps:',
      '    - id: copy',
      '      action: fetch:plain:file',
      `      input: {url: ./content.txt, targetPath: ${NAME}}`,
      '',
    ].join('\n'),
  );
});

after(() => fs.rmSync(dir, { recursive: true, force: true }));

function render(...args) {
  const run = spawnSync(process.execPath, [cli, 'render', '.', '--values', 'values.json', ...args], { cwd: dir, encoding: 'utf8' });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** Exit 2, the message, no step line on stdout (nothing ran), no probe left anywhere near. */
function assertRefusedBeforeWork(run, message, places) {
  assert.equal(run.status, 2, run.stdout + run.stderr);
  assert.match(run.stderr, message);
  assert.equal(run.stdout, '', 'nothing was rendered');
  for (const place of places) {
    assert.deepEqual(fs.readdirSync(place).filter(n => n.includes('trellis')), [], `nothing written in ${place}`);
  }
}

test('--out / is refused before anything renders, and nothing lands in /', () => {
  try {
    const run = render('--out', '/');
    assertRefusedBeforeWork(run, /^error: --out \/: that is the root of the file system; name a folder for the rendered files$/m, ['/']);
    assert.ok(!fs.existsSync(path.join('/', NAME)));
  } finally {
    fs.rmSync(path.join('/', NAME), { force: true });
  }
});

test('a path through a file is refused before anything renders', () => {
  for (const out of ['a-file', 'a-file/out']) {
    const run = render('--out', out);
    assertRefusedBeforeWork(run, new RegExp(`^error: --out ${out}: a-file is not a folder; nothing was rendered$`, 'm'), [dir]);
  }
});

test('a folder that cannot be written to is refused before anything renders', { skip: process.platform !== 'linux' }, () => {
  // Nothing can be created under /proc, not even by root.
  const run = render('--out', '/proc/trellis-out');
  assertRefusedBeforeWork(run, /^error: --out \/proc\/trellis-out: cannot write in [./]*proc \(nothing can be created there\); nothing was rendered$/m, [dir]);
  const report = render('--report', '/proc/trellis/report.json');
  assertRefusedBeforeWork(report, /^error: --report \/proc\/trellis\/report\.json: cannot write in [./]*proc /m, [dir]);
  // Without write permission (root may write anyway, so only checked for other users).
  if (process.getuid() !== 0) {
    const locked = path.join(dir, 'locked');
    fs.mkdirSync(locked, { mode: 0o555 });
    try {
      const denied = render('--out', 'locked/out');
      assertRefusedBeforeWork(denied, /^error: --out locked\/out: cannot write in locked \(permission denied\); nothing was rendered$/m, [locked]);
    } finally {
      fs.chmodSync(locked, 0o755);
    }
  }
});

test('a writable --out still gets the files', () => {
  const run = render('--out', 'out/nested');
  assert.equal(run.status, 0, run.stderr);
  assert.equal(fs.readFileSync(path.join(dir, 'out/nested', NAME), 'utf8'), 'rendered\n');
  assert.deepEqual(fs.readdirSync(dir).filter(n => n.includes('trellis')), []);
});
