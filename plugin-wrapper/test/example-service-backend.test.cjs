'use strict';
// examples/python-postgres-service in a real scaffolder backend (startTestBackend with
// @backstage/plugin-scaffolder-backend and this package's module), through POST /v2/dry-run
// as the template editor runs it: the platform rules step runs in Trellis' real action, the
// skeletons render to exactly the golden tree, and publishing and registering are dry-run-skipped
// with the outputs Trellis' offline render makes up too.
// The template is sent exactly as written: its skeletons render in the real
// `trellis:fetch:template` (with `strict`), and must give the golden tree `trellis render` is
// checked against.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { parse: parseYaml } = require('yaml');
const { createTemplateAction } = require('@backstage/plugin-scaffolder-node');
const { useScaffolderBackend, actionsModule } = require('./support/scaffolder-backend.cjs');

const root = path.resolve(__dirname, '../..');
const example = path.join(root, 'examples/python-postgres-service');

/**
 * `publish:github` as @backstage/plugin-scaffolder-backend-module-github declares it (the
 * outputs the template reads); that module is not installed here, and a dry-run never runs it.
 */
const publishGithub = createTemplateAction({
  id: 'publish:github',
  schema: {
    input: {
      repoUrl: z => z.string(),
      description: z => z.string().optional(),
      defaultBranch: z => z.string().optional(),
      repoVisibility: z => z.enum(['private', 'internal', 'public']).optional(),
    },
    output: { remoteUrl: z => z.string(), repoContentsUrl: z => z.string(), commitHash: z => z.string() },
  },
  async handler() {
    throw new Error('a dry-run must not publish');
  },
});

const backend = useScaffolderBackend([
  import(path.join(root, 'dist', 'index.js')),
  actionsModule('trellis-example-github-stand-in', [publishGithub]),
]);

/** Every file under `dir` (relative path -> bytes). */
function readTree(dir, prefix = '') {
  const out = {};
  for (const entry of fs.readdirSync(path.join(dir, prefix), { withFileTypes: true })) {
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) Object.assign(out, readTree(dir, relative));
    else out[relative] = fs.readFileSync(path.join(dir, relative));
  }
  return out;
}

/** The example template as written. */
function template() {
  return parseYaml(fs.readFileSync(path.join(example, 'template.yaml'), 'utf8'));
}

/** The step ids the log says were skipped by `if`, and those without dry-run support. */
function decisions(log) {
  const skipped = new Set();
  const faked = new Set();
  for (const { body } of log) {
    if (!body.stepId) continue;
    if (body.message.includes('because its if condition was false')) skipped.add(body.stepId);
    if (body.message.includes('does not support dry-run')) faked.add(body.stepId);
  }
  return { skipped: [...skipped].sort(), faked: [...faked].sort() };
}

async function dryRun(values) {
  const skeletons = readTree(path.join(example, 'skeletons'));
  const response = await fetch(`${backend.baseUrl}/v2/dry-run`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      template: template(),
      values,
      directoryContents: Object.entries(skeletons).map(([file, bytes]) => ({
        path: `skeletons/${file}`,
        base64Content: bytes.toString('base64'),
      })),
    }),
  });
  return { status: response.status, body: await response.json() };
}

test('dry-run with values.json: the golden tree, the rules step ran, publish and register skipped', async () => {
  const values = JSON.parse(fs.readFileSync(path.join(example, 'values.json'), 'utf8'));
  const { status, body } = await dryRun(values);
  assert.equal(status, 200, JSON.stringify(body).slice(0, 2000));

  const files = Object.fromEntries(body.directoryContents.map(f => [f.path, Buffer.from(f.base64Content, 'base64').toString('utf8')]));
  const golden = Object.fromEntries(Object.entries(readTree(path.join(example, 'golden'))).map(([f, b]) => [f, b.toString('utf8')]));
  assert.deepEqual(Object.keys(files).sort(), Object.keys(golden).sort());
  for (const file of Object.keys(golden)) assert.equal(files[file], golden[file], file);

  assert.deepEqual(decisions(body.log), { skipped: ['fetch-database-rds'], faked: ['publish', 'register'] });
  const rulesLog = body.log.filter(e => e.body.stepId === 'check-database-request').map(e => e.body.message).join('\n');
  assert.match(rulesLog, /valid/i, 'trellis:parameters:validate logged its verdict');
  assert.equal(body.output.links[0].title, 'Repository');
  assert.match(body.output.text[0].content, /PostgreSQL 17 \(medium, production\) is described in\ndeploy\/database\/cluster\.yaml/);
});

test('dry-run of a request the platform refuses: the rules step fails before anything is rendered', async () => {
  const values = JSON.parse(fs.readFileSync(path.join(example, 'values.json'), 'utf8'));
  // Valid for the form, refused by the rules step: production on a small database without HA.
  const refused = { ...values, database: { ...values.database, size: 'small' }, highAvailability: false };
  const { status, body } = await dryRun(refused);
  assert.equal(status, 400, JSON.stringify(body).slice(0, 2000));
  assert.match(body.error.message, /database\.size/);
  assert.match(body.error.message, /highAvailability/);
});

test('load: 50 concurrent dry-runs of the example, each with its own service name, all render their own tree', async () => {
  const { dryRunTemplate, fileSkeletonReader } = require(path.join(root, 'dist', 'index.js'));
  const source = fs.readFileSync(path.join(example, 'template.yaml'), 'utf8');
  const base = JSON.parse(fs.readFileSync(path.join(example, 'values.json'), 'utf8'));
  const requests = Array.from({ length: 50 }, (_, i) => ({ ...base, name: `orders-api-${i}` }));
  // Fired together: the backend runs the tasks side by side, each rendering in the one wasm core.
  const responses = await Promise.all(requests.map(values => dryRun(values)));
  requests.forEach((values, i) => {
    const { status, body } = responses[i];
    assert.equal(status, 200, `request ${i}: ${JSON.stringify(body).slice(0, 500)}`);
    // What `trellis render` makes of the same values, offline: the tree this request must get.
    const expected = dryRunTemplate(source, fileSkeletonReader(example), { path: 'template.yaml', values });
    assert.equal(expected.error, undefined);
    const want = Object.fromEntries(
      expected.files.filter(f => f.type === 'file').map(f => [f.path, Buffer.from(f.content).toString('utf8')]),
    );
    const got = Object.fromEntries(body.directoryContents.map(f => [f.path, Buffer.from(f.base64Content, 'base64').toString('utf8')]));
    assert.deepEqual(Object.keys(got).sort(), Object.keys(want).sort(), `request ${i}`);
    for (const file of Object.keys(want)) assert.equal(got[file], want[file], `request ${i}: ${file}`);
    assert.match(got['catalog-info.yaml'], new RegExp(`name: ${values.name}\\b`), `request ${i} got its own name`);
  });
});
