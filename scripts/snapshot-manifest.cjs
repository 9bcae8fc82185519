#!/usr/bin/env node
'use strict';
/**
 * Regenerates schemas/manifest/backstage-scaffolder-<version>.json: the actions and templating
 * extensions a stock @backstage/plugin-scaffolder-backend serves, read over HTTP from a real
 * backend (startTestBackend, built-ins only: no Trellis module) and normalised by the same code
 * as `trellis manifest --url` (dist/manifest.js, so build the TypeScript first).
 *
 *   node scripts/snapshot-manifest.cjs [--out FILE]     (npm run snapshot-manifest)
 *
 * plugin-wrapper/test/manifest.test.cjs regenerates it with collectManifest() and compares.
 */
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const SCAFFOLDER_BACKEND = '@backstage/plugin-scaffolder-backend';

/** dist/manifest.js, the normaliser shared with the CLI. */
function manifestModule() {
  const file = path.join(root, 'dist', 'manifest.js');
  if (!fs.existsSync(file)) {
    throw new Error(`${path.relative(process.cwd(), file)} is missing: build the TypeScript first (npm run build:ts)`);
  }
  return require(file);
}

/**
 * The version of `name` as Node loads it from `fromDir` (walks up from its entry point, so it
 * also works for packages whose `exports` hide package.json).
 */
function installedVersion(name, fromDir) {
  let dir = path.dirname(require.resolve(name, { paths: [fromDir] }));
  for (;;) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      const pkg = JSON.parse(fs.readFileSync(file, 'utf8'));
      if (pkg.name === name) return pkg.version;
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`cannot find the package.json of ${name} (resolved from ${fromDir})`);
    dir = parent;
  }
}

function packageDir(name, fromDir) {
  return path.dirname(require.resolve(`${name}/package.json`, { paths: [fromDir] }));
}

/**
 * The packages whose code decides what the endpoints serve (the scaffolder, its action and zod →
 * JSON Schema plumbing) and the test harness, each resolved where its user loads it from.
 */
function packageVersions() {
  const backend = packageDir(SCAFFOLDER_BACKEND, root);
  const node = packageDir('@backstage/plugin-scaffolder-node', backend);
  const testUtils = packageDir('@backstage/backend-test-utils', root);
  return {
    [SCAFFOLDER_BACKEND]: installedVersion(SCAFFOLDER_BACKEND, root),
    '@backstage/plugin-scaffolder-node': installedVersion('@backstage/plugin-scaffolder-node', backend),
    zod: installedVersion('zod', node),
    'zod-to-json-schema': installedVersion('zod-to-json-schema', backend),
    '@backstage/backend-test-utils': installedVersion('@backstage/backend-test-utils', root),
    '@backstage/backend-defaults': installedVersion('@backstage/backend-defaults', testUtils),
  };
}

/** Where the snapshot of the installed scaffolder-backend lives. */
function snapshotPath(version = installedVersion(SCAFFOLDER_BACKEND, root)) {
  return path.join(root, 'schemas', 'manifest', `backstage-scaffolder-${version}.json`);
}

/**
 * Starts a real scaffolder backend listening on 127.0.0.1 (a random port) with the given extra
 * features. Returns `{url, backend, stop}`; `url` is the backend's base URL.
 *
 * The default test database (backend-defaults' in-memory better-sqlite3) is never destroyed on
 * shutdown, and its pool timer would keep the process alive; so this owns the Knex instance,
 * hands it to the backend and destroys it in stop(), as module.integration.test.cjs does.
 */
async function startBackend({ features = [] } = {}) {
  const { startTestBackend, mockServices } = require('@backstage/backend-test-utils');
  const knexFactory = require(require.resolve('knex', { paths: [packageDir('@backstage/backend-defaults', packageDir('@backstage/backend-test-utils', root))] }));
  const knex = knexFactory({ client: 'better-sqlite3', connection: { filename: ':memory:' }, useNullAsDefault: true });
  let backend;
  try {
    backend = await startTestBackend({
      features: [import(SCAFFOLDER_BACKEND), ...features, mockServices.database.factory({ knex })],
    });
  } catch (error) {
    await knex.destroy();
    throw error;
  }
  return {
    url: `http://127.0.0.1:${backend.server.address().port}`,
    backend,
    async stop() {
      try {
        await backend.stop();
      } finally {
        await knex.destroy();
      }
    },
  };
}

/** The manifest of a stock scaffolder backend (built-ins only), fetched over HTTP. */
async function collectManifest() {
  const { fetchManifest } = manifestModule();
  const source = { generatedBy: 'scripts/snapshot-manifest.cjs', packages: packageVersions() };
  const server = await startBackend();
  try {
    return await fetchManifest({ url: server.url, source });
  } finally {
    await server.stop();
  }
}

async function main(args) {
  const { parseArgs } = require('node:util');
  const { values } = parseArgs({ args, options: { out: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    process.stdout.write('Usage: node scripts/snapshot-manifest.cjs [--out FILE]\n\nDefault FILE: schemas/manifest/backstage-scaffolder-<installed version>.json\n');
    return 0;
  }
  const { formatManifest, describeManifest } = manifestModule();
  const manifest = await collectManifest();
  const out = values.out ?? snapshotPath(manifest.source.packages[SCAFFOLDER_BACKEND]);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, formatManifest(manifest));
  process.stderr.write(`wrote ${path.relative(process.cwd(), out)}: ${describeManifest(manifest)}\n`);
  return 0;
}

module.exports = { collectManifest, startBackend, packageVersions, snapshotPath, installedVersion };

if (require.main === module) {
  main(process.argv.slice(2)).then(
    status => {
      process.exitCode = status;
    },
    error => {
      process.stderr.write(`error: ${error?.stack ?? error}\n`);
      process.exitCode = 2;
    },
  );
}
