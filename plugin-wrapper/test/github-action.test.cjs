'use strict';
// action.yml, the composite GitHub Action: its check step is run here as the runner runs it
// (bash, inputs as environment variables, the real npx), with the package taken from this
// checkout (`version: file:<root>`) instead of the registry.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { parse: parseYaml } = require('yaml');

const root = path.resolve(__dirname, '../..');
const action = parseYaml(fs.readFileSync(path.join(root, 'action.yml'), 'utf8'));

/** Runs the `check` step with the given inputs (defaults from action.yml); returns its results. */
function runCheckStep(inputs) {
  const step = action.runs.steps.find(s => s.id === 'check');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-action-'));
  try {
    const given = { version: `file:${root}`, 'sarif-file': path.join(dir, 'trellis.sarif'), ...inputs };
    const env = { ...process.env, GITHUB_OUTPUT: path.join(dir, 'output') };
    for (const [name, value] of Object.entries(step.env)) {
      const input = /^\$\{\{ inputs\.([\w-]+) \}\}$/.exec(value)[1];
      env[name] = given[input] ?? action.inputs[input].default;
    }
    const run = spawnSync('bash', ['-e', '-c', step.run], { cwd: root, env, encoding: 'utf8' });
    const read = file => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined);
    return { status: run.status, stderr: run.stderr, output: read(env.GITHUB_OUTPUT), sarif: read(given['sarif-file']) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('findings: SARIF written, exit-code=1 for the later steps, the step itself succeeds', () => {
  const run = runCheckStep({ paths: 'examples/template-gate tests/fixtures/check/step-id-dot-dash', ignore: 'unknown-action' });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.output, 'exit-code=1\n');
  const sarif = JSON.parse(run.sarif);
  assert.equal(sarif.version, '2.1.0');
  assert.deepEqual(sarif.runs[0].results.map(r => r.ruleId), ['step-id-dot-dash'], 'unknown-action ignored');
});

test('clean templates: exit-code=0; the manifest input is passed on', () => {
  const run = runCheckStep({ paths: 'examples', manifest: 'examples/backstage-manifest.json' });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.output, 'exit-code=0\n');
  assert.deepEqual(JSON.parse(run.sarif).runs[0].results, []);
});

test('a usage error fails the step itself (nothing to upload)', () => {
  const run = runCheckStep({ paths: 'no/such/dir' });
  assert.equal(run.status, 2);
  assert.equal(run.output, 'exit-code=2\n');
  assert.match(run.stderr, /cannot read no\/such\/dir/);
});

test('the report goes to code scanning, and findings fail the job after the upload', () => {
  const [, upload, fail] = action.runs.steps;
  assert.equal(action.runs.using, 'composite');
  assert.match(upload.uses, /^github\/codeql-action\/upload-sarif@v\d+$/);
  assert.equal(upload.with.sarif_file, '${{ inputs.sarif-file }}');
  assert.equal(fail.if, "${{ steps.check.outputs.exit-code == '1' }}");
  for (const step of action.runs.steps.filter(s => s.run)) {
    assert.doesNotMatch(step.run, /\$\{\{/, 'inputs reach scripts only through env');
  }
});
