'use strict';
// The packed package installed into a fresh Backstage backend app, the way a user installs it:
// `npm pack` → tests/real-app/app (a backend made with createBackend: catalog, scaffolder, the
// catalog's scaffolder entity model; locked by its package-lock.json) copied to a temporary
// folder → `npm ci` from the registry → `npm install <tarball>` → the backend started as its own
// process on a free port → the template in app/templates/ ingested by the catalog → real tasks
// through POST /api/scaffolder/v2/tasks, followed through GET /v2/tasks/:id/events.
//
// `npm ci` of the app takes minutes (better-sqlite3 compiles from source), so its node_modules is
// kept in .cache/real-app/<key>/ (git-ignored; the key hashes the app's lockfile, the Node.js
// version and the platform) and moved in on later runs; a clean clone (CI) installs cold.
// Timings are printed at the end.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawn, spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const util = require('node:util');
const { freePort } = require('../../plugin-wrapper/test/support/net.cjs');

const root = path.resolve(__dirname, '..', '..');
const appSource = path.join(__dirname, 'app');
const cacheRoot = path.join(root, '.cache', 'real-app');
const PACKAGE = require(path.join(root, 'package.json')).name;
const TEMPLATE_REF = 'template:default/trellis-demo';

const timings = {};
let workDir;
let appDir;
let backend; // { child, baseUrl, logFile }

/** Seconds since `start` (a performance.now() reading), rounded for the report. */
const since = (start) => Math.round((performance.now() - start) / 100) / 10;

/**
 * npm's environment without what an enclosing `npm test` exports: its project (`local_prefix`),
 * the repository's .npmrc settings and package fields would otherwise apply to the app's npm.
 */
function npmEnv() {
  const env = { ...process.env };
  for (const name of Object.keys(env)) {
    if (/^npm_(package|lifecycle)_/i.test(name) || /^npm_config_(local_prefix|legacy_peer_deps)$/i.test(name)) {
      delete env[name];
    }
  }
  return env;
}

function run(command, args, cwd) {
  const result = spawnSync(command, args, { cwd, env: npmEnv(), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} (in ${cwd}) failed with ${result.status ?? result.signal}:\n${result.stdout}\n${result.stderr}`);
  }
  return result.stdout;
}

/** The app's installed dependencies depend on its lockfile, the Node.js ABI and the platform. */
function cacheKey() {
  const hash = crypto.createHash('sha256');
  hash.update(fs.readFileSync(path.join(appSource, 'package-lock.json')));
  hash.update(`${process.version} ${process.platform} ${process.arch}`);
  return hash.digest('hex').slice(0, 16);
}

/** Moves a directory tree; across file systems (EXDEV) it is copied and the source removed. */
function moveTree(from, to) {
  try {
    fs.renameSync(from, to);
  } catch (error) {
    if (error.code !== 'EXDEV') throw error;
    fs.cpSync(from, to, { recursive: true, verbatimSymlinks: true });
    fs.rmSync(from, { recursive: true, force: true });
  }
}

/** The installed packages of a hidden lockfile (node_modules/.package-lock.json) but `PACKAGE`'s. */
function installedWithoutPackage(lockText) {
  const entries = Object.entries(JSON.parse(lockText).packages);
  return Object.fromEntries(
    entries.filter(([at]) => !at.startsWith(`node_modules/${PACKAGE}`)).map(([at, entry]) => [at, entry.version]),
  );
}

let pristineLock; // the app's node_modules/.package-lock.json as `npm ci` left it

/**
 * The app's node_modules: moved in from .cache/real-app/<key>/ when an earlier run installed the
 * same lockfile (a rename: copying or deleting 36,000 files takes minutes on a busy disk), else
 * `npm ci` from the registry.
 */
function installApp() {
  const cached = path.join(cacheRoot, cacheKey(), 'node_modules');
  const installed = path.join(appDir, 'node_modules');
  const started = performance.now();
  if (fs.existsSync(cached)) {
    moveTree(cached, installed);
    timings['app install (node_modules from .cache/real-app)'] = since(started);
  } else {
    run('npm', ['ci', '--no-fund', '--no-audit'], appDir);
    timings['app install (npm ci, cold)'] = since(started);
  }
  pristineLock = fs.readFileSync(path.join(installed, '.package-lock.json'), 'utf8');
}

/**
 * Puts the app's node_modules back into the cache as `npm ci` made it: the installed tarball
 * removed, and only when installing it changed nothing else (else the tree is dropped).
 */
function saveInstalledApp() {
  const installed = appDir && path.join(appDir, 'node_modules');
  if (!pristineLock || !fs.existsSync(installed)) return;
  const hiddenLock = path.join(installed, '.package-lock.json');
  const unchanged = util.isDeepStrictEqual(
    installedWithoutPackage(fs.readFileSync(hiddenLock, 'utf8')),
    installedWithoutPackage(pristineLock),
  );
  if (!unchanged) return;
  fs.rmSync(path.join(installed, PACKAGE), { recursive: true, force: true });
  fs.rmSync(path.join(installed, '.bin', 'trellis'), { force: true });
  fs.writeFileSync(hiddenLock, pristineLock);
  // One key at a time: another lockfile's tree is out of date.
  fs.rmSync(cacheRoot, { recursive: true, force: true });
  fs.mkdirSync(path.join(cacheRoot, cacheKey()), { recursive: true });
  moveTree(installed, path.join(cacheRoot, cacheKey(), 'node_modules'));
}

function logTail(lines = 60) {
  if (!backend || !fs.existsSync(backend.logFile)) return '(no backend log)';
  return fs.readFileSync(backend.logFile, 'utf8').split('\n').slice(-lines).join('\n');
}

/** Polls `check` (true when done) every 500 ms; fails if the backend exits or `seconds` pass. */
async function waitFor(what, seconds, check) {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    if (backend.child.exitCode !== null || backend.child.signalCode !== null) {
      throw new Error(`the backend exited (${backend.child.exitCode ?? backend.child.signalCode}) before ${what}:\n${logTail()}`);
    }
    try {
      if (await check()) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`no ${what} after ${seconds} s:\n${logTail()}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** The backend as its own process group, so stopping it stops whatever it started too. */
async function startBackend() {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  fs.writeFileSync(
    path.join(appDir, 'app-config.local.yaml'),
    `backend:\n  baseUrl: ${baseUrl}\n  listen:\n    port: ${port}\n`,
  );
  const logFile = path.join(workDir, 'backend.log');
  const log = fs.openSync(logFile, 'w');
  const started = performance.now();
  const child = spawn(process.execPath, ['index.js'], { cwd: appDir, detached: true, stdio: ['ignore', log, log], env: npmEnv() });
  fs.closeSync(log);
  backend = { child, baseUrl, logFile };
  await waitFor('readiness', 180, async () => (await fetch(`${baseUrl}/.backstage/health/v1/readiness`)).ok);
  timings['backend start (ready)'] = since(started);
  await waitFor(`${TEMPLATE_REF} in the catalog`, 180, async () => {
    const response = await fetch(`${baseUrl}/api/catalog/entities/by-name/template/default/trellis-demo`);
    return response.ok;
  });
  timings['template ingested (from start)'] = since(started);
}

function killGroup(signal) {
  try {
    process.kill(-backend.child.pid, signal);
  } catch {
    // already gone
  }
}

async function stopBackend() {
  if (!backend || backend.child.exitCode !== null || backend.child.signalCode !== null) return;
  const exited = new Promise((resolve) => backend.child.once('exit', resolve));
  killGroup('SIGTERM');
  const timer = setTimeout(() => killGroup('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
  killGroup('SIGKILL'); // anything the backend started and left behind
}

// Whatever ends this process (a failed assertion, Ctrl-C), the backend does not outlive it.
process.on('exit', () => backend && killGroup('SIGKILL'));

before(
  async () => {
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-real-app-'));
    let started = performance.now();
    const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', workDir], root));
    const tarball = path.join(workDir, packed[0].filename);
    timings['npm pack'] = since(started);

    appDir = path.join(workDir, 'app');
    // The app as committed: not a node_modules or local config someone made in the source folder.
    const ignored = new Set(['node_modules', 'app-config.local.yaml'].map((name) => path.join(appSource, name)));
    fs.cpSync(appSource, appDir, { recursive: true, filter: (source) => !ignored.has(source) });
    installApp();
    started = performance.now();
    run('npm', ['install', '--no-save', '--no-fund', '--no-audit', tarball], appDir);
    timings['npm install <tarball>'] = since(started);

    await startBackend();
  },
  { timeout: 30 * 60_000 },
);

after(async () => {
  let started = performance.now();
  await stopBackend();
  timings['backend stop'] = since(started);
  started = performance.now();
  try {
    saveInstalledApp();
  } finally {
    if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
  }
  timings['clean-up'] = since(started);
  const report = Object.entries(timings).map(([step, seconds]) => `${step} ${seconds} s`).join(', ');
  console.log(`real-app timings: ${report}`);
});

async function api(route, init) {
  const response = await fetch(`${backend.baseUrl}/api${route}`, {
    ...init,
    headers: { 'content-type': 'application/json', ...init?.headers },
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

/** Starts a task of the demo template and follows its events until it completes. */
async function runTask(values) {
  const started = performance.now();
  const created = await api('/scaffolder/v2/tasks', {
    method: 'POST',
    body: JSON.stringify({ templateRef: TEMPLATE_REF, values }),
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const { id } = created.body;
  const events = [];
  const deadline = Date.now() + 180_000;
  while (!events.some((e) => e.type === 'completion')) {
    assert.ok(Date.now() < deadline, `task ${id} did not complete in 180 s:\n${logTail()}`);
    const query = events.length ? `?after=${events[events.length - 1].id}` : '';
    const batch = await api(`/scaffolder/v2/tasks/${id}/events${query}`);
    assert.equal(batch.status, 200, JSON.stringify(batch.body));
    events.push(...batch.body);
  }
  const task = await api(`/scaffolder/v2/tasks/${id}`);
  return { id, task: task.body, events, seconds: since(started) };
}

/** The log lines of a step, without winston's colour codes. */
function stepLog(events, stepId) {
  return events
    .filter((e) => e.type === 'log' && e.body.stepId === stepId)
    // eslint-disable-next-line no-control-regex
    .map((e) => e.body.message.replace(/\u001b\[\d+m/g, ''));
}

function stepStatus(events, stepId) {
  return events.filter((e) => e.body.stepId === stepId && e.body.status).map((e) => e.body.status).at(-1);
}

test('the installed package registers its three actions in the app', async () => {
  const installed = require(path.join(appDir, 'node_modules', PACKAGE, 'package.json'));
  assert.equal(installed.version, require(path.join(root, 'package.json')).version);
  const { status, body } = await api('/scaffolder/v2/actions');
  assert.equal(status, 200);
  const ids = body.map((a) => a.id);
  for (const id of ['trellis:parameters:validate', 'trellis:fetch:template', 'trellis:template:check']) {
    assert.ok(ids.includes(id), `${id} in ${ids.join(', ')}`);
  }
});

test('a task runs all three trellis actions and writes the rendered skeleton', async () => {
  const { task, events, seconds } = await runTask({ name: 'orders', owner: 'group:payments', tier: 'gold' });
  timings['task (4 steps)'] = seconds;
  assert.equal(task.status, 'completed', events.map((e) => e.body.message).join('\n'));
  for (const step of ['rules', 'fetch', 'check', 'show']) {
    assert.equal(stepStatus(events, step), 'completed', `step ${step}: ${stepLog(events, step).join('\n')}`);
  }

  const logs = (step) => stepLog(events, step).join('\n');
  assert.match(logs('rules'), /^info: Values are valid for the only visible page \(0 hidden\)$/m);
  assert.match(logs('fetch'), /^info: Rendered 5 skeleton entries in \d+ ms: 3 written, 0 kept, 0 skipped;/m);
  assert.match(logs('check'), /^info: Checked templates\/orders\/template\.yaml: 0 errors and 0 warnings$/m);

  // debug:log lists the workspace with every file's contents: the skeleton as the installed
  // trellis:fetch:template rendered it, its outputs passed on to a later step.
  const show = logs('show');
  assert.match(show, /^info: Written: README\.md, catalog-info\.yaml, templates\/orders\/template\.yaml; findings: 0 errors, 0 warnings$/m);
  assert.match(show, / - README\.md:\s+# orders\n\nOwned by group:payments, on call around the clock\.\n/);
  assert.match(show, / - catalog-info\.yaml:\s+apiVersion: backstage\.io\/v1alpha1\n[^]*\n {2}name: orders\n[^]*example\.com\/tier: gold\n[^]*owner: group:payments\n/);
  assert.match(show, / - templates\/orders\/template\.yaml:\s+apiVersion[^]*name: orders-release\n[^]*message: Releasing orders \$\{\{ parameters\.version \}\}\n/);
  const completion = events.find((e) => e.type === 'completion');
  assert.deepEqual(completion.body.output.text, [
    { title: 'Files', content: 'README.md, catalog-info.yaml, templates/orders/template.yaml' },
  ]);
});

test('a task with values the rules refuse fails at the validation step with the message and no stack trace', async () => {
  const { task, events, seconds } = await runTask({ name: 'Orders API', owner: 'payments' });
  timings['refused task'] = seconds;
  assert.equal(task.status, 'failed');
  assert.equal(stepStatus(events, 'rules'), 'failed');
  for (const step of ['fetch', 'check', 'show']) assert.equal(stepStatus(events, step), 'skipped');

  const log = stepLog(events, 'rules');
  assert.ok(log.includes('warn: name: must match ^[a-z][a-z0-9-]*$ (page 1, keyword pattern)'), log.join('\n'));
  assert.ok(log.includes('warn: owner: must match ^group: (page 1, keyword pattern)'), log.join('\n'));
  // The scaffolder logs a failed step as String(error.stack): the error's name and message, and
  // no frames of the action or the scaffolder (paths into node_modules) after them.
  const message = 'Parameter validation failed with 2 errors: name: must match ^[a-z][a-z0-9-]*$; owner: must match ^group:';
  const failure = events.find((e) => e.body.stepId === 'rules' && e.body.status === 'failed');
  assert.equal(failure.body.message, `InputError: ${message}`);
  const completion = events.find((e) => e.type === 'completion');
  assert.deepEqual(completion.body.error, { name: 'InputError', message });
});
