#!/usr/bin/env node
'use strict';
/**
 * Regenerates schemas/manifest/module-actions.json: the actions (and any filters or globals) that
 * the scaffolder modules teams commonly install register, each with the package (name@version)
 * that provides it. The modules are the ones pinned in scripts/module-actions/package.json (its
 * own npm project and lockfile: `npm ci --prefix scripts/module-actions --ignore-scripts`).
 *
 * Each module is started alone in a real scaffolder backend (the root project's
 * @backstage/plugin-scaffolder-backend, through startBackend of scripts/snapshot-manifest.cjs:
 * startTestBackend with its default, empty config, which every listed module registers all of
 * its actions with) and the manifest is read over HTTP by the normaliser of `trellis manifest`
 * (dist/manifest.js, so build the TypeScript first). What a stock backend serves is subtracted,
 * so each remaining entry belongs to the module that was started.
 *
 *   node scripts/snapshot-module-actions.cjs [--out FILE]     (npm run snapshot-module-actions)
 *
 * plugin-wrapper/test/module-actions.test.cjs regenerates it with collectModuleActions() and compares.
 */
const fs = require('node:fs');
const path = require('node:path');
const { startBackend, packageVersions, installedVersion } = require('./snapshot-manifest.cjs');

const root = path.resolve(__dirname, '..');
const PROJECT = path.join(root, 'scripts', 'module-actions');
const SNAPSHOT = path.join(root, 'schemas', 'manifest', 'module-actions.json');

/** The module packages of scripts/module-actions/package.json, in code-unit order. */
function modulePackages() {
  const manifest = JSON.parse(fs.readFileSync(path.join(PROJECT, 'package.json'), 'utf8'));
  return Object.keys(manifest.devDependencies).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Fails with the command to run when the module project is not installed. */
function assertInstalled() {
  const missing = modulePackages().filter(name => !fs.existsSync(path.join(PROJECT, 'node_modules', ...name.split('/'), 'package.json')));
  if (missing.length > 0) {
    throw new Error(
      `${path.relative(process.cwd(), PROJECT)} is not installed (missing ${missing.join(', ')}): ` +
        `run npm ci --prefix ${path.relative(process.cwd(), PROJECT)} --ignore-scripts`,
    );
  }
}

/** The manifest a backend with `features` serves (null features: a stock backend). */
async function served(fetchManifest, features) {
  const server = await startBackend({ features });
  try {
    return await fetchManifest({ url: server.url, source: { generatedBy: 'scripts/snapshot-module-actions.cjs' } });
  } finally {
    await server.stop();
  }
}

/**
 * The module snapshot: `{source, actions, filters, globals}` in the manifest format of
 * schemas/manifest/README.md, each entry with a `package` key (`name@version`) after its id/name.
 */
async function collectModuleActions() {
  assertInstalled();
  const { fetchManifest } = require(path.join(root, 'dist', 'manifest.js'));
  const stock = await served(fetchManifest, []);
  const stockIds = {
    actions: new Set(stock.actions.map(a => a.id)),
    filters: new Set(stock.filters.map(f => f.name)),
    functions: new Set(stock.globals.functions.map(f => f.name)),
    values: new Set(stock.globals.values.map(v => v.name)),
  };
  const out = { actions: [], filters: [], functions: [], values: [] };
  const packages = {};
  const owner = new Map();
  /** Adds the entries a module added to `list`, tagged with the package, refusing an id two modules register. */
  const add = (list, entries, key, known, pkg) => {
    for (const entry of entries) {
      if (known.has(entry[key])) continue;
      const kind = `${list} ${entry[key]}`;
      if (owner.has(kind)) throw new Error(`${kind} is registered by both ${owner.get(kind)} and ${pkg}`);
      owner.set(kind, pkg);
      const { [key]: name, ...rest } = entry;
      out[list].push({ [key]: name, package: pkg, ...rest });
    }
  };
  for (const name of modulePackages()) {
    const version = installedVersion(name, PROJECT);
    const pkg = `${name}@${version}`;
    packages[name] = version;
    const manifest = await served(fetchManifest, [import(require.resolve(name, { paths: [PROJECT] }))]);
    const before = out.actions.length;
    add('actions', manifest.actions, 'id', stockIds.actions, pkg);
    add('filters', manifest.filters, 'name', stockIds.filters, pkg);
    add('functions', manifest.globals.functions, 'name', stockIds.functions, pkg);
    add('values', manifest.globals.values, 'name', stockIds.values, pkg);
    if (out.actions.length === before) throw new Error(`${pkg} registered no action in a stock scaffolder backend`);
  }
  const byKey = key => (a, b) => (a[key] < b[key] ? -1 : a[key] > b[key] ? 1 : 0);
  return {
    source: {
      generatedBy: 'scripts/snapshot-module-actions.cjs',
      packages: packageVersions(),
      modules: packages,
    },
    actions: out.actions.sort(byKey('id')),
    filters: out.filters.sort(byKey('name')),
    globals: { functions: out.functions.sort(byKey('name')), values: out.values.sort(byKey('name')) },
  };
}

async function main(args) {
  const { parseArgs } = require('node:util');
  const { values } = parseArgs({ args, options: { out: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    process.stdout.write(`Usage: node scripts/snapshot-module-actions.cjs [--out FILE]\n\nDefault FILE: ${path.relative(process.cwd(), SNAPSHOT)}\n`);
    return 0;
  }
  const { formatManifest, describeManifest } = require(path.join(root, 'dist', 'manifest.js'));
  const manifest = await collectModuleActions();
  const out = values.out ?? SNAPSHOT;
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, formatManifest(manifest));
  const modules = Object.keys(manifest.source.modules).length;
  process.stderr.write(`wrote ${path.relative(process.cwd(), out)}: ${modules} modules, ${describeManifest(manifest)}\n`);
  return 0;
}

module.exports = { collectModuleActions, modulePackages, SNAPSHOT, PROJECT };

if (require.main === module) {
  main(process.argv.slice(2)).then(
    status => {
      process.exitCode = status;
    },
    error => {
      process.stderr.write(`error: ${error?.message ?? error}\n`);
      process.exitCode = 2;
    },
  );
}
