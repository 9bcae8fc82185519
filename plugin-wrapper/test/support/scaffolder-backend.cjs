'use strict';
// A real scaffolder backend (@backstage/plugin-scaffolder-backend 4.3.0 started with
// startTestBackend) on an in-memory SQLite database, driven over HTTP like the Backstage frontend
// drives it: `useScaffolderBackend(features)` for a test file's tests; `startScaffolder()` (the
// built Trellis module installed) for the fetch:template parity test and the skeleton benchmark.
//
// `startScaffolder({fixtures: true})` also installs two test-only actions (a second module), used where uploading
// files through the dry-run's `directoryContents` is not enough:
//   test:stage  copies directories from disk next to the dry-run's template, the way a git
//               checkout has them (files 0644, or 0755 when any execute bit is set; directories
//               0755; symbolic links as links). The upload cannot carry file modes, and the
//               dry-run body is capped at 10 MB (one corpus skeleton alone is 8 MB).
//   test:tree   lists directories of the workspace (path, type, mode, content, link target)
//               into the workspace file `trees.json` (`treesOf(body)` reads it from the dry-run
//               response), then removes them. Not a step output: rendering the template's
//               `output` over megabytes of step output takes nunjitsu minutes.
//   test:remove removes directories of the workspace (so a benchmark's dry-run response does
//               not carry the trees it wrote).

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { fileURLToPath } = require('node:url');
const { before, after } = require('node:test');
const { startTestBackend, mockServices } = require('@backstage/backend-test-utils');
const { createBackendModule, resolveSafeChildPath } = require('@backstage/backend-plugin-api');
const { scaffolderActionsExtensionPoint } = require('@backstage/plugin-scaffolder-node');

const root = path.resolve(__dirname, '..', '..', '..');

// The default test database (backend-defaults' in-memory better-sqlite3) is never destroyed on
// shutdown ("sqlite3 does not support destroy"), and its pool timer keeps the process alive
// after the tests. So the caller owns the Knex instance, hands it to the backend and destroys it.
const knexFactory = require(
  require.resolve('knex', { paths: [path.dirname(require.resolve('@backstage/backend-defaults/package.json'))] }),
);

function createKnex() {
  return knexFactory({
    client: 'better-sqlite3',
    // Under another Node.js than the one node_modules was built for (the Node 22 run of
    // scripts/test-node22.sh), better-sqlite3's native module comes from a build for it.
    connection: { filename: ':memory:', options: { nativeBinding: process.env.TRELLIS_BETTER_SQLITE3_BINDING } },
    useNullAsDefault: true,
  });
}

/**
 * The scaffolder's working directory (`backend.workingDirectory`: task and dry-run workspaces),
 * a folder of the test's own. Backstage removes a step's temporary directories only when the step
 * succeeds (NunjucksWorkflowRunner), so failing dry-runs would leave `dry-run-*_step-*` folders in
 * the system's temp folder; `remove()` takes them away with the rest.
 */
function workingDirectory() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-scaffolder-'));
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** The backend's configuration: `config` with the working directory set. */
function configWith(config, work) {
  const data = { ...config, backend: { ...config?.backend, workingDirectory: work.dir } };
  return mockServices.rootConfig.factory({ data });
}

/**
 * Starts the backend before the file's tests and stops it after them. Returns an object whose
 * `baseUrl` (`http://127.0.0.1:PORT/api/scaffolder`) is set once it is up.
 */
function useScaffolderBackend(features) {
  const handle = { baseUrl: undefined };
  let backend;
  let knex;
  let work;
  before(
    async () => {
      knex = createKnex();
      work = workingDirectory();
      backend = await startTestBackend({
        features: [
          import('@backstage/plugin-scaffolder-backend'),
          ...features,
          mockServices.database.factory({ knex }),
          configWith(undefined, work),
        ],
      });
      handle.baseUrl = `http://127.0.0.1:${backend.server.address().port}/api/scaffolder`;
    },
    { timeout: 180_000 },
  );
  after(async () => {
    if (backend) await backend.stop();
    if (knex) await knex.destroy();
    if (work) work.remove();
  });
  return handle;
}

/** A scaffolder module adding `actions` (made with createTemplateAction, or hand-built). */
function actionsModule(moduleId, actions) {
  return createBackendModule({
    pluginId: 'scaffolder',
    moduleId,
    register(env) {
      env.registerInit({
        deps: { scaffolder: scaffolderActionsExtensionPoint },
        async init({ scaffolder }) {
          scaffolder.addActions(...actions);
        },
      });
    },
  });
}

/** Git's view of a file mode: executable or not. */
const checkoutMode = (mode) => (mode & 0o111 ? 0o755 : 0o644);

function copyAsCheckout(from, to) {
  const stat = fs.lstatSync(from);
  if (stat.isSymbolicLink()) {
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.symlinkSync(fs.readlinkSync(from), to);
  } else if (stat.isDirectory()) {
    fs.mkdirSync(to, { recursive: true, mode: 0o755 });
    for (const name of fs.readdirSync(from)) copyAsCheckout(path.join(from, name), path.join(to, name));
  } else if (stat.isFile()) {
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.writeFileSync(to, fs.readFileSync(from), { mode: checkoutMode(stat.mode) });
    fs.chmodSync(to, checkoutMode(stat.mode));
  }
}

/** Every entry under `dir`, sorted by path: `{path, type, mode, content (base64), link}`. */
function listTree(dir) {
  const entries = [];
  const walk = (current, rel) => {
    for (const name of fs.readdirSync(current).sort()) {
      const full = path.join(current, name);
      const at = rel ? `${rel}/${name}` : name;
      const stat = fs.lstatSync(full);
      const mode = stat.mode & 0o777;
      if (stat.isSymbolicLink()) {
        entries.push({ path: at, type: 'symlink', mode, link: fs.readlinkSync(full) });
      } else if (stat.isDirectory()) {
        entries.push({ path: at, type: 'directory', mode });
        walk(full, at);
      } else {
        entries.push({ path: at, type: 'file', mode, content: fs.readFileSync(full).toString('base64') });
      }
    }
  };
  if (fs.existsSync(dir)) walk(dir, '');
  return entries;
}

const TREES_FILE = 'trees.json';

/** What `test:tree` listed, from a dry-run response: `{path: entries}`. */
function treesOf(body) {
  const file = body.directoryContents.find((f) => f.path === TREES_FILE);
  return JSON.parse(Buffer.from(file.base64Content, 'base64').toString('utf8'));
}

const fixturesModule = actionsModule('trellis-test-fixtures', [
  {
    id: 'test:stage',
    supportsDryRun: true,
    schema: { input: { type: 'object', required: ['copies'], properties: { copies: { type: 'array' } } } },
    async handler(ctx) {
      const templateDir = path.dirname(fileURLToPath(ctx.templateInfo.baseUrl));
      for (const { from, to } of ctx.input.copies) copyAsCheckout(from, resolveSafeChildPath(templateDir, to));
    },
  },
  {
    id: 'test:remove',
    supportsDryRun: true,
    schema: { input: { type: 'object', required: ['paths'], properties: { paths: { type: 'array' } } } },
    async handler(ctx) {
      for (const p of ctx.input.paths) fs.rmSync(resolveSafeChildPath(ctx.workspacePath, p), { recursive: true, force: true });
    },
  },
  {
    id: 'test:tree',
    supportsDryRun: true,
    schema: { input: { type: 'object', required: ['paths'], properties: { paths: { type: 'array' } } } },
    async handler(ctx) {
      const trees = {};
      for (const p of ctx.input.paths) {
        const dir = resolveSafeChildPath(ctx.workspacePath, p);
        trees[p] = listTree(dir);
        fs.rmSync(dir, { recursive: true, force: true });
      }
      fs.writeFileSync(path.join(ctx.workspacePath, TREES_FILE), JSON.stringify(trees));
    },
  },
]);

/**
 * Starts the backend (plus `modules`, further backend features): `{baseUrl, getJson(route), dryRun(body), stop()}`. `dryRun` posts
 * `{template, values, directoryContents}`; `template` may be just `{steps, output}`.
 */
async function startScaffolder({ fixtures = false, config, modules = [] } = {}) {
  const knex = createKnex();
  const work = workingDirectory();
  let backend;
  try {
    backend = await startTestBackend({
      features: [
        import('@backstage/plugin-scaffolder-backend'),
        // How a Backstage app installs the package: backend.add(import('<package>')).
        import(path.join(root, 'dist', 'index.js')),
        mockServices.database.factory({ knex }),
        configWith(config, work),
        ...(fixtures ? [fixturesModule] : []),
        ...modules,
      ],
    });
  } catch (error) {
    await knex.destroy();
    work.remove();
    throw error;
  }
  const baseUrl = `http://127.0.0.1:${backend.server.address().port}/api/scaffolder`;
  return {
    baseUrl,
    async getJson(route) {
      const response = await fetch(`${baseUrl}${route}`);
      return { status: response.status, body: await response.json() };
    },
    dryRun: (request) => postDryRun(baseUrl, request),
    async stop() {
      try {
        await backend.stop();
      } finally {
        await knex.destroy();
        work.remove();
      }
    },
  };
}

/**
 * POST /v2/dry-run of a template with the given `steps` and `output`; `files` ({path: text or
 * bytes}) become `directoryContents`, uploaded next to the template.
 */
async function postDryRun(baseUrl, { steps, output = {}, values = {}, files = {}, metadataName = 'trellis-dry-run' }) {
  const template = {
    apiVersion: 'scaffolder.backstage.io/v1beta3',
    kind: 'Template',
    metadata: { name: metadataName },
    spec: { type: 'service', parameters: [], steps, output },
  };
  const response = await fetch(`${baseUrl}/v2/dry-run`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      template,
      values,
      directoryContents: Object.entries(files).map(([filePath, content]) => ({
        path: filePath,
        base64Content: Buffer.from(content).toString('base64'),
      })),
    }),
  });
  return { status: response.status, body: await response.json() };
}

/** A step's log lines, without winston's colour codes. */
function stepLog(body, stepId) {
  // eslint-disable-next-line no-control-regex
  return body.log.filter((e) => e.body.stepId === stepId).map((e) => e.body.message.replace(/\u001b\[\d+m/g, ''));
}

module.exports = { useScaffolderBackend, actionsModule, startScaffolder, postDryRun, stepLog, treesOf };
