'use strict';
// `trellis render` (dist/cli.js) run as CI runs it: golden trees checked, differences shown as
// unified diffs, --update, a failed render writing nothing; and the offline dry-run compared with
// a real scaffolder backend's POST /v2/dry-run (startTestBackend) on the same template.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { parse: parseYaml } = require('yaml');
const { makeTempDir } = require('./support/temp.cjs');

const root = path.resolve(__dirname, '..', '..');
const cli = path.join(root, 'dist', 'cli.js');
const fixtures = 'tests/fixtures/render';
const eachCase = `${fixtures}/each-if-outputs`;

function trellis(...args) {
  const run = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8' });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

function tempDir() {
  return makeTempDir('trellis-render-');
}

function writeJson(dir, name, value) {
  const file = path.join(dir, name);
  fs.writeFileSync(file, JSON.stringify(value));
  return file;
}

/** Every file under `dir` → its text (directories left out), for comparing whole trees. */
function snapshot(dir) {
  const out = {};
  const walk = relative => {
    for (const entry of fs.readdirSync(path.join(dir, relative), { withFileTypes: true })) {
      const rel = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(rel);
      else out[rel] = fs.readFileSync(path.join(dir, rel), 'utf8');
    }
  };
  walk('');
  return out;
}

/** The values/secrets/manifest arguments of the each-if-outputs case. */
function eachCaseArgs(dir) {
  const spec = JSON.parse(fs.readFileSync(path.join(root, eachCase, 'case.json'), 'utf8'));
  return [
    eachCase,
    '--values', writeJson(dir, 'values.json', spec.values),
    '--secrets', writeJson(dir, 'secrets.json', spec.secrets),
    '--manifest', `${eachCase}/manifest.json`,
  ];
}

test('the python-postgres example renders to its golden tree (exit 0)', () => {
  const run = trellis(
    'render', 'examples/python-postgres', '--values', 'examples/python-postgres/values.json',
    '--manifest', 'examples/backstage-manifest.json', '--check', `${fixtures}/python-postgres/expected`,
  );
  assert.equal(run.status, 0, run.stdout + run.stderr);
  assert.match(run.stdout, /^ {2}ran {5}fetch \[fetch:template\]$/m);
  assert.match(run.stdout, /^ {2}faked {3}publish \[publish:github\]: /m);
  assert.match(run.stdout, /the rendered files match/);
});

test('a template with a skeleton, each and if: --check passes, --out and --report write the results', () => {
  const dir = tempDir();
  const out = path.join(dir, 'out');
  const reportFile = path.join(dir, 'report.json');
  const run = trellis('render', ...eachCaseArgs(dir), '--check', `${eachCase}/expected`, '--out', out, '--report', reportFile);
  assert.equal(run.status, 0, run.stdout + run.stderr);
  assert.deepEqual(snapshot(out), snapshot(path.join(root, eachCase, 'expected')));
  assert.ok(fs.statSync(path.join(out, 'run.sh')).mode & 0o100, 'run.sh keeps its executable bit');
  const report = JSON.parse(fs.readFileSync(reportFile, 'utf8'));
  assert.deepEqual(report, JSON.parse(fs.readFileSync(path.join(root, eachCase, 'report.json'), 'utf8')));
  assert.ok(!JSON.stringify(report).includes('t0ps3cret'), 'the secret is redacted');
});

test('--check after a change: exit 1 with a unified diff per file; --update makes it pass again', () => {
  const dir = tempDir();
  const golden = path.join(dir, 'golden');
  fs.cpSync(path.join(root, eachCase, 'expected'), golden, { recursive: true });
  fs.writeFileSync(path.join(golden, 'README.md'), '# shop\n\n- api\n- old\n');
  fs.rmSync(path.join(golden, 'NOTES.md'));
  fs.writeFileSync(path.join(golden, 'stale.txt'), 'gone\n');

  const failed = trellis('render', ...eachCaseArgs(dir), '--check', golden);
  assert.equal(failed.status, 1, failed.stderr);
  const summaryEnd = 'rendered 7 files\n';
  const diff = failed.stdout.slice(failed.stdout.indexOf(summaryEnd) + summaryEnd.length);
  assert.equal(
    diff,
    [
      'only in rendered: NOTES.md',
      '--- /dev/null',
      '+++ rendered/NOTES.md',
      '@@ -0,0 +1 @@',
      '+notes for shop',
      '--- golden/README.md',
      '+++ rendered/README.md',
      '@@ -1,4 +1,5 @@',
      ' # shop',
      ' ',
      ' - api',
      '-- old',
      '+- legacy',
      '+- worker',
      'only in golden: stale.txt',
      '--- golden/stale.txt',
      '+++ /dev/null',
      '@@ -1 +0,0 @@',
      '-gone',
      // Named relative to the current folder (the package root here).
      `the rendered files differ from ${path.relative(root, golden)}: 1 changed, 1 only in the golden tree, 1 only in the render (run with --update to accept them)`,
      '',
    ].join('\n'),
  );

  const updated = trellis('render', ...eachCaseArgs(dir), '--check', golden, '--update');
  assert.equal(updated.status, 0, updated.stderr);
  assert.deepEqual(snapshot(golden), snapshot(path.join(root, eachCase, 'expected')));
  assert.deepEqual(fs.readdirSync(dir).filter(name => name.includes('trellis')), [], 'no stage is left behind');
  const again = trellis('render', ...eachCaseArgs(dir), '--check', golden);
  assert.equal(again.status, 0, again.stdout);
});

test('a failing render: exit 1, the skeleton file:line:col, and --out untouched', () => {
  const dir = tempDir();
  const out = path.join(dir, 'out');
  fs.mkdirSync(out);
  fs.writeFileSync(path.join(out, 'a.txt'), 'before\n');
  const reportFile = path.join(tempDir(), 'report.json');
  const run = trellis('render', `${fixtures}/failing-skeleton`, '--values', writeJson(dir, 'v.json', {}), '--out', out, '--report', reportFile);
  assert.equal(run.status, 1, run.stdout + run.stderr);
  assert.match(
    run.stderr,
    /^error\[render_error\]: tests\/fixtures\/render\/failing-skeleton\/skeleton\/b\.txt:2:26: unknown filter `nosuchfilter`$/m,
  );
  assert.match(run.stderr, /nothing was written/);
  assert.match(run.stdout, /^ {2}failed {2}fetch \[fetch:template\]/m);
  assert.match(run.stdout, /^ {2}ran {5}report \[debug:log\]$/m);
  assert.deepEqual(snapshot(out), { 'a.txt': 'before\n' });
  assert.deepEqual(fs.readdirSync(dir).sort(), ['out', 'v.json']);
  // The report is written all the same: which step failed, where, and what ran after it.
  const report = JSON.parse(fs.readFileSync(reportFile, 'utf8'));
  assert.deepEqual(report.steps.map(s => [s.id, s.status]), [['fetch', 'failed'], ['skipped', 'skipped'], ['report', 'ran']]);
  assert.deepEqual(
    [report.error.file, report.error.line, report.error.column],
    ['tests/fixtures/render/failing-skeleton/skeleton/b.txt', 2, 26],
  );
  assert.equal(report.output, undefined);
});

test('cookiecutter steps: --now and --seed reproduce the golden tree; without them the run has its own', () => {
  const cookiecutterCase = `${fixtures}/cookiecutter`;
  const spec = JSON.parse(fs.readFileSync(path.join(root, cookiecutterCase, 'case.json'), 'utf8'));
  const values = writeJson(tempDir(), 'values.json', spec.values);
  const golden = `${cookiecutterCase}/expected`;
  const run = trellis('render', cookiecutterCase, '--values', values, '--now', spec.now, '--seed', String(spec.seed), '--check', golden);
  assert.equal(run.status, 0, run.stdout + run.stderr);
  assert.match(run.stdout, /^ {2}ran {5}service \[trellis:fetch:cookiecutter\]$/m);
  assert.match(run.stdout, /^ {2}ran {5}docs \[fetch:cookiecutter\]$/m);
  // Another seed: another uuid4() in README.md; the clock of the run: this year in docs/index.md.
  const reseeded = trellis('render', cookiecutterCase, '--values', values, '--now', spec.now, '--seed', '8', '--check', golden);
  assert.equal(reseeded.status, 1, reseeded.stdout);
  assert.match(reseeded.stdout, /-Id: d70d3259-e4e1-4b63-9c66-3cf4d73c4c04/);
  const dir = tempDir();
  const today = trellis('render', cookiecutterCase, '--values', values, '--out', dir);
  assert.equal(today.status, 0, today.stderr);
  assert.equal(fs.readFileSync(path.join(dir, 'orders', 'docs', 'index.md'), 'utf8'), `# Orders docs\n\nGenerated in ${new Date().getUTCFullYear()}.\n`);

  const badSeed = trellis('render', cookiecutterCase, '--values', values, '--seed', '1.5');
  assert.equal(badSeed.status, 2);
  assert.match(badSeed.stderr, /--seed must be a whole number/);
  const badNow = trellis('render', cookiecutterCase, '--values', values, '--now', 'tomorrow');
  assert.equal(badNow.status, 2);
  assert.match(badNow.stderr, /the clock \(now\) is not valid: `now` must be an RFC 3339 time/);
  const help = trellis('render', '--help').stdout;
  assert.match(help, /--now TIME/);
  assert.match(help, /--seed N/);
});

test('usage errors: exit 2', () => {
  assert.equal(trellis('render', eachCase).status, 2);
  const run = trellis('render', eachCase, '--values', 'nope.json');
  assert.equal(run.status, 2);
  assert.match(run.stderr, /cannot read values file nope\.json/);
  assert.match(trellis('render', eachCase, '--values', `${fixtures}/failing-skeleton/case.json`, '--update').stderr, /--update needs --check/);
});

// ----- parity with a real backend ----------------------------------------------------------------

const { startTestBackend, mockServices } = require('@backstage/backend-test-utils');
const { createBackendModule } = require('@backstage/backend-plugin-api');
const { scaffolderActionsExtensionPoint, createTemplateAction } = require('@backstage/plugin-scaffolder-node');

// The default test database is never destroyed on shutdown; the test owns and destroys it (see
// module.integration.test.cjs).
const knexFactory = require(
  require.resolve('knex', { paths: [path.dirname(require.resolve('@backstage/backend-defaults/package.json'))] }),
);

/** `test:publish`: an action without dry-run support whose output the dry-run makes up. */
const testActions = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'trellis-render-test-actions',
  register(env) {
    env.registerInit({
      deps: { scaffolder: scaffolderActionsExtensionPoint },
      async init({ scaffolder }) {
        scaffolder.addActions(
          createTemplateAction({
            id: 'test:publish',
            schema: {
              input: { repoUrl: z => z.string(), token: z => z.string().optional() },
              output: {
                remoteUrl: z => z.string(),
                repoContentsUrl: z => z.string(),
                count: z => z.number(),
                private: z => z.boolean(),
                tags: z => z.array(z.string()),
                owner: z => z.object({ login: z.string() }),
              },
            },
            async handler() {
              throw new Error('a dry-run must not run test:publish');
            },
          }),
        );
      },
    });
  },
});

let backend;
let knex;
let baseUrl;

before(
  async () => {
    knex = knexFactory({ client: 'better-sqlite3', connection: { filename: ':memory:' }, useNullAsDefault: true });
    backend = await startTestBackend({
      features: [
        import('@backstage/plugin-scaffolder-backend'),
        testActions,
        mockServices.database.factory({ knex }),
      ],
    });
    baseUrl = `http://127.0.0.1:${backend.server.address().port}/api/scaffolder`;
  },
  { timeout: 180_000 },
);

after(async () => {
  if (backend) await backend.stop();
  if (knex) await knex.destroy();
});

/** Files next to the template (skeletons), as `directoryContents`, paths from the template's folder. */
function directoryContents(dir) {
  const out = [];
  const walk = relative => {
    for (const entry of fs.readdirSync(path.join(dir, relative), { withFileTypes: true })) {
      const rel = relative ? `${relative}/${entry.name}` : entry.name;
      if (['expected', 'report.json', 'case.json', 'manifest.json', 'template.yaml'].includes(rel)) continue;
      if (entry.isDirectory()) walk(rel);
      else out.push({ path: rel, base64Content: fs.readFileSync(path.join(dir, rel)).toString('base64') });
    }
  };
  walk('');
  return out;
}

/** What a step's log says happened: ran, skipped (its if), faked (no dry-run support). */
function backendDecisions(log) {
  const decisions = {};
  for (const { body } of log) {
    if (!body.stepId) continue;
    const message = body.message.replace(/\u001b\[\d+m/g, ''); // eslint-disable-line no-control-regex
    const decision = (decisions[body.stepId] ??= { status: undefined, iterations: [] });
    if (message.includes('does not support dry-run')) decision.status = 'faked';
    else if (message.includes('because its if condition was false')) decision.status = 'skipped';
    else if (body.status === 'completed' && decision.status === undefined) decision.status = 'ran';
    const each = message.match(/(Running|Skipping) step each: (\{.*\})$/);
    if (each) decision.iterations.push({ key: JSON.parse(each[2]).key, ran: each[1] === 'Running' });
    const inputs = message.match(/in dry-run mode with inputs \(secrets redacted\): (\{[\s\S]*\})$/);
    if (inputs) decision.input = JSON.parse(inputs[1]);
  }
  return decisions;
}

test('parity: step decisions, faked outputs, spec.output and files equal the real POST /v2/dry-run', async () => {
  const { fetchManifest } = require(path.join(root, 'dist', 'manifest.js'));
  const { dryRunTemplate } = require(path.join(root, 'dist', 'dryRun.js'));
  const { fileSkeletonReader } = require(path.join(root, 'dist', 'skeletonReader.js'));
  const spec = JSON.parse(fs.readFileSync(path.join(root, eachCase, 'case.json'), 'utf8'));
  const templatePath = `${eachCase}/template.yaml`;
  const source = fs.readFileSync(path.join(root, templatePath), 'utf8');

  // The backend's own action list (output schemas from its zod definitions) is Trellis' manifest.
  const manifest = await fetchManifest({ url: baseUrl.replace(/\/api\/scaffolder$/, '') });
  assert.ok(manifest.actions.some(a => a.id === 'test:publish'), 'the backend lists test:publish');
  const previousCwd = process.cwd();
  process.chdir(root);
  let offline;
  try {
    offline = dryRunTemplate(source, fileSkeletonReader(), {
      path: templatePath,
      values: spec.values,
      secrets: spec.secrets,
      manifest: JSON.stringify(manifest),
    });
  } finally {
    process.chdir(previousCwd);
  }
  assert.equal(offline.error, undefined);

  const response = await fetch(`${baseUrl}/v2/dry-run`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      template: parseYaml(source),
      // The values a form would send: defaults filled in, as Trellis does.
      values: offline.report.parameters,
      secrets: spec.secrets,
      directoryContents: directoryContents(path.join(root, eachCase)),
    }),
  });
  const body = await response.json();
  assert.equal(response.status, 200, JSON.stringify(body));

  // spec.output renders the faked outputs of test:publish and catalog:register.
  assert.deepEqual(offline.report.output, body.output);

  const decisions = backendDecisions(body.log);
  for (const step of offline.report.steps) {
    const backendStep = decisions[step.id] ?? { status: undefined, iterations: [] };
    assert.equal(step.status, backendStep.status ?? 'ran', `step ${step.id}: ${JSON.stringify(backendStep)}`);
    assert.deepEqual(
      (step.iterations ?? []).map(i => ({ key: i.key, ran: i.ran })),
      backendStep.iterations,
      `iterations of ${step.id}`,
    );
    // The input the dry-run logs, secrets as `***` (with `each`, it logs the input rendered
    // without an iteration, so only steps without one are compared).
    if (step.input !== undefined) assert.deepEqual(step.input, backendStep.input, `input of ${step.id}`);
  }

  // The workspace: the same files with the same contents. (Uploaded directoryContents carry no
  // file modes, so the backend's run.sh is not executable; modes are compared in the golden test.)
  const backendFiles = Object.fromEntries(
    body.directoryContents.map(f => [f.path, Buffer.from(f.base64Content, 'base64').toString('utf8')]),
  );
  const offlineFiles = Object.fromEntries(
    offline.files.filter(f => f.type === 'file').map(f => [f.path, Buffer.from(f.content).toString('utf8')]),
  );
  assert.deepEqual(offlineFiles, backendFiles);
});
