'use strict';
// The real cookiecutter 2.7.1 for differential tests and the bench: the venv that
// scripts/cookiecutter-venv.sh creates (once), the reproducible harness, and tree reading.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..', '..', '..');
const shared = path.resolve(root, '..', 'shared');

/** ../shared/<name>, or a clear failure when the clone has no ../shared beside it. */
function sharedDir(name) {
  const dir = path.join(shared, name);
  if (!fs.existsSync(dir)) {
    throw new Error(`${dir} is missing: the cookiecutter tests read real templates from ../shared next to this clone`);
  }
  return dir;
}

let bin;
/** The venv's bin directory (created by scripts/cookiecutter-venv.sh when missing). */
function venvBin() {
  if (bin) return bin;
  const run = spawnSync('bash', [path.join(root, 'scripts', 'cookiecutter-venv.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (run.status !== 0) throw new Error(`scripts/cookiecutter-venv.sh failed (${run.status})`);
  bin = run.stdout.trim().split('\n').pop();
  return bin;
}

/** The environment cookiecutter runs in: no user config, UTC as the local zone. */
function cookiecutterEnv(home) {
  return { ...process.env, HOME: home, TZ: 'UTC', PATH: `${venvBin()}:${process.env.PATH}` };
}

/**
 * Runs the real cookiecutter through the harness (hooks off, clock frozen at `now`, randomness
 * seeded): `{ok, project?, error?}`.
 */
function runCookiecutter(template, outputDir, extra, now, home) {
  const run = spawnSync(path.join(venvBin(), 'python'), [path.join(__dirname, 'cookiecutter_harness.py'), template, outputDir, JSON.stringify(extra ?? {}), now], {
    encoding: 'utf8',
    env: cookiecutterEnv(home),
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.status !== 0) throw new Error(`the harness failed: ${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').pop());
}

/** A tree on disk as `Map(path → {type, mode, bytes})` (lstat; links as their text). */
function readTree(dir) {
  const out = new Map();
  const walk = (rel) => {
    for (const name of fs.readdirSync(path.join(dir, rel)).sort()) {
      const r = rel ? `${rel}/${name}` : name;
      const full = path.join(dir, r);
      const st = fs.lstatSync(full);
      const mode = st.mode & 0o7777;
      if (st.isSymbolicLink()) out.set(r, { type: 'symlink', mode, bytes: Buffer.from(fs.readlinkSync(full)) });
      else if (st.isDirectory()) {
        out.set(r, { type: 'directory', mode, bytes: Buffer.alloc(0) });
        walk(r);
      } else out.set(r, { type: 'file', mode, bytes: fs.readFileSync(full) });
    }
  };
  walk('');
  return out;
}

/** Rendered files (renderCookiecutter's) as the same kind of map. */
function treeOf(files, strip = '') {
  const out = new Map();
  for (const f of files) {
    if (strip && !(f.path === strip || f.path.startsWith(`${strip}/`))) continue;
    const p = strip ? f.path.slice(strip.length + 1) : f.path;
    if (p === '') continue;
    out.set(p, { type: f.type, mode: f.mode, bytes: Buffer.from(f.content ?? new Uint8Array(0)) });
  }
  return out;
}

/** Differences between two trees: `[{path, why}]`. */
function diffTrees(expected, actual) {
  const out = [];
  for (const [p, e] of expected) {
    const a = actual.get(p);
    if (!a) out.push({ path: p, why: 'missing from Trellis' });
    else if (a.type !== e.type) out.push({ path: p, why: `type ${a.type}, cookiecutter ${e.type}` });
    else if (a.mode !== e.mode) out.push({ path: p, why: `mode ${a.mode.toString(8)}, cookiecutter ${e.mode.toString(8)}` });
    else if (!a.bytes.equals(e.bytes)) out.push({ path: p, why: `bytes differ${firstDifference(e.bytes, a.bytes)}` });
  }
  for (const p of actual.keys()) if (!expected.has(p)) out.push({ path: p, why: 'only in Trellis' });
  return out;
}

function firstDifference(a, b) {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const line = a.subarray(0, i).toString('utf8').split('\n').length;
  const show = (buf) => JSON.stringify(buf.subarray(Math.max(0, i - 20), i + 40).toString('utf8'));
  return ` at line ${line}: cookiecutter ${show(a)}, Trellis ${show(b)}`;
}

/**
 * A backend module registering Backstage's own fetch:cookiecutter handler
 * (@backstage/plugin-scaffolder-backend-module-cookiecutter) as `test:fetch:cookiecutter` with
 * dry-run support, so a dry-run runs it (the action declares none); the handler is unchanged.
 */
function realFetchCookiecutterModule() {
  const { createBackendModule, coreServices } = require('@backstage/backend-plugin-api');
  const { ScmIntegrations } = require('@backstage/integration');
  const { scaffolderActionsExtensionPoint } = require('@backstage/plugin-scaffolder-node');
  const { createFetchCookiecutterAction } = require('@backstage/plugin-scaffolder-backend-module-cookiecutter');
  return createBackendModule({
    pluginId: 'scaffolder',
    moduleId: 'test-real-cookiecutter',
    register(reg) {
      reg.registerInit({
        deps: { scaffolder: scaffolderActionsExtensionPoint, config: coreServices.rootConfig, reader: coreServices.urlReader },
        async init({ scaffolder, config, reader }) {
          const action = createFetchCookiecutterAction({ reader, integrations: ScmIntegrations.fromConfig(config) });
          scaffolder.addActions({ ...action, id: 'test:fetch:cookiecutter', supportsDryRun: true });
        },
      });
    },
  });
}

/**
 * Puts the real cookiecutter on PATH (fetch:cookiecutter runs a local one when command-exists
 * finds it) with a fresh HOME (no user config, replay files out of the way) for a backend started
 * in this process; returns the function that restores the environment and removes that HOME.
 */
function useLocalCookiecutter(makeHome) {
  const home = makeHome();
  const saved = {};
  for (const key of ['PATH', 'HOME']) saved[key] = process.env[key];
  process.env.PATH = `${venvBin()}:${process.env.PATH}`;
  process.env.HOME = home;
  return () => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    fs.rmSync(home, { recursive: true, force: true });
  };
}

module.exports = {
  root,
  sharedDir,
  venvBin,
  cookiecutterEnv,
  runCookiecutter,
  readTree,
  treeOf,
  diffTrees,
  realFetchCookiecutterModule,
  useLocalCookiecutter,
};
