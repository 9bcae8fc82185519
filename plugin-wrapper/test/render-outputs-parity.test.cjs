'use strict';
// Step outputs of `trellis render` (dist/cli.js, offline) against a real scaffolder backend's
// POST /v2/dry-run (scaffolder-backend 4.3.0 with this module installed) on the same template,
// for every action `trellis render` runs and the made-up outputs of some it does not: each step's
// output is rendered into spec.output on the backend, and read from the --report offline.
// The backend also has the real GitHub module (scripts/module-actions, whose publish:github the
// dry-run skips and fakes from its output schema, as `trellis render` does from the module
// snapshot) and Backstage's own fetch:cookiecutter handler with the real cookiecutter 2.7.1 on
// PATH, run under a test id that declares dry-run support (support/cookiecutter-real.cjs); the
// workspaces are compared file by file (path, bytes, executable bit).
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startScaffolder, stepLog } = require('./support/scaffolder-backend.cjs');
const { realFetchCookiecutterModule, useLocalCookiecutter } = require('./support/cookiecutter-real.cjs');
const { PROJECT: MODULES_PROJECT } = require('../../scripts/snapshot-module-actions.cjs');

const cli = path.resolve(__dirname, '..', '..', 'dist', 'cli.js');

/** The files next to the template: skeletons, a file, and a template to check. */
const FILES = {
  'skeleton/README.md': '# ${{ values.name }}\n',
  'skeleton/${{ values.name }}/index.js': "module.exports = '${{ values.name }}';\n",
  'skeleton/${{ values.name }}-b.txt': 'sorted after the folder of the same prefix\n',
  // Rendered to an empty name: skipped, as a template makes a file optional.
  'skeleton/${{ values.optional }}/skipped.txt': 'x\n',
  'file.txt': 'hello ${{ values.name }}\n',
  'plain/a.txt': 'a\n',
  'plain/nested/b.txt': 'b\n',
  'plain/template.yaml': [
    'apiVersion: scaffolder.backstage.io/v1beta3',
    'kind: Template',
    'metadata: {name: checked}',
    'spec:',
    '  type: service',
    '  steps:',
    '    - id: fetch',
    '      action: fetch:template',
    '      input: {url: ./skel, values: {name: x}}',
    '    - id: log',
    '      action: debug:log',
    "      input: {message: '${{ steps.nope.output.x }}', extra: '${{ parameters.missing }}'}",
    '',
  ].join('\n'),
  'plain/skel/x.txt': 'bad ${{ values.name \n',
};

/** A cookiecutter template folder, written with its modes next to the template (read in place
 * offline) and staged by `test:stage` on the backend as a git checkout has it. */
const COOKIE = {
  'cookiecutter.json': '{"name": "x", "kind": ["lib", "app"], "_copy_without_render": ["dropped-by-fetch-cookiecutter"]}\n',
  'README.md': '# {{ cookiecutter.name }} ({{ cookiecutter.kind }})\n{%- if cookiecutter.docs %}\nwith docs{% endif %}\n',
  '{{ cookiecutter.name }}/main.py': "print('{{ cookiecutter.name | upper }}')\r\n",
  'raw/keep.txt': 'copied as is: {{ cookiecutter.name }}\n',
  '{% if cookiecutter.docs %}docs.md{% endif %}': 'docs\n',
  'bin/run.sh': '#!/bin/sh\necho "{{ cookiecutter.name }}"\n',
};
const COOKIE_MODES = { 'bin/run.sh': 0o755 };

/** One step per action: [id, action, input, the action on the backend when it differs]. */
const STEPS = [
  ['template', 'fetch:template', { url: './skeleton', targetPath: 'tpl', values: { name: '${{ parameters.name }}' } }],
  ['trellis-fetch', 'trellis:fetch:template', { url: './skeleton', targetPath: 'tfetch', values: { name: '${{ parameters.name }}' } }],
  ['trellis-fetch-again', 'trellis:fetch:template', { url: './skeleton', targetPath: 'tfetch', values: { name: '${{ parameters.name }}' } }],
  ['template-file', 'fetch:template:file', { url: './file.txt', targetPath: 'one.txt', values: { name: 'x' } }],
  ['plain', 'fetch:plain', { url: './plain', targetPath: 'plain' }],
  ['plain-file', 'fetch:plain:file', { url: './file.txt', targetPath: 'pf.txt' }],
  ['rename', 'fs:rename', { files: [{ from: 'pf.txt', to: 'renamed.txt' }] }],
  ['delete', 'fs:delete', { files: ['one.txt'] }],
  ['log', 'debug:log', { message: 'hello', listWorkspace: true }],
  ['validate', 'trellis:parameters:validate', {
    // A titled page and one without a title (pageTitle null, not left out).
    schema: [
      { title: 'First', required: ['a'], properties: { a: { type: 'string' }, b: { type: 'number', maximum: 3 } } },
      { required: ['c'], properties: { c: { type: 'string' } } },
    ],
    values: { b: 5 },
    failOnError: false,
  }],
  ['check', 'trellis:template:check', { path: 'plain/template.yaml', failOn: 'never' }],
  ['readdir', 'fs:readdir', { paths: ['tfetch', 'plain'], recursive: true }],
  ['readdir-flat', 'fs:readdir', { paths: ['.'] }],
  // fetch:cookiecutter declares no dry-run support: the backend runs its handler as a test action.
  ['cookiecutter', 'fetch:cookiecutter', { url: './cookie', targetPath: 'cc', values: { name: '${{ parameters.name }}', docs: false } }, 'test:fetch:cookiecutter'],
  ['trellis-cookiecutter', 'trellis:fetch:cookiecutter', {
    url: './cookie',
    targetPath: 'tcc',
    values: { name: '${{ parameters.name }}', kind: 'app', docs: true },
    copyWithoutRender: ['raw/*'],
  }],
  // A keyword Backstage's jsonschema reads leniently (a string `minimum`): a warning, no error.
  ['validate-lenient', 'trellis:parameters:validate', {
    schema: { title: 'Size', properties: { size: { type: 'number', minimum: '5' }, name: { type: 'string' } } },
    values: { size: 3, name: 4 },
    failOnError: false,
  }],
  // Not run by either: no dry-run support, outputs made up from the output schema (none: {}; the
  // GitHub module's publish:github has one).
  ['wait', 'debug:wait', { milliseconds: 1 }],
  ['github', 'publish:github', { repoUrl: 'github.com?owner=acme&repo=${{ parameters.name }}' }],
];

/** Which of them `trellis render` runs (the rest it makes up, as the dry-run does). */
const RUN_OFFLINE = new Set(STEPS.map(([, action]) => action).filter(a => a !== 'debug:wait' && a !== 'publish:github'));

let scaffolder;
let dir;
let restoreEnvironment;

/** The real @backstage/plugin-scaffolder-backend-module-github, as scripts/test.sh installs it. */
function githubModule() {
  const name = '@backstage/plugin-scaffolder-backend-module-github';
  let entry;
  try {
    entry = require.resolve(name, { paths: [MODULES_PROJECT] });
  } catch {
    throw new Error(`${name} is not installed in ${MODULES_PROJECT}: run npm ci --prefix scripts/module-actions --ignore-scripts`);
  }
  return import(entry);
}

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-outputs-'));
  restoreEnvironment = useLocalCookiecutter(() => fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-outputs-home-')));
  scaffolder = await startScaffolder({ fixtures: true, modules: [realFetchCookiecutterModule(), githubModule()] });
  fs.mkdirSync(path.join(dir, '.git'));
  const files = { ...FILES, ...Object.fromEntries(Object.entries(COOKIE).map(([p, text]) => [`cookie/${p}`, text])) };
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  for (const [file, mode] of Object.entries(COOKIE_MODES)) fs.chmodSync(path.join(dir, 'cookie', file), mode);
}, { timeout: 180_000 });

after(async () => {
  if (scaffolder) await scaffolder.stop();
  if (restoreEnvironment) restoreEnvironment();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** Files under `folder` on disk as the dry-run lists a workspace: `{path: {content (base64), executable}}`. */
function filesOnDisk(folder) {
  const out = {};
  const walk = rel => {
    for (const entry of fs.readdirSync(path.join(folder, rel), { withFileTypes: true })) {
      const at = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(at);
      else {
        const full = path.join(folder, at);
        out[at] = { content: fs.readFileSync(full).toString('base64'), executable: (fs.statSync(full).mode & 0o111) !== 0 };
      }
    }
  };
  walk('');
  return out;
}

/** fs:readdir's `fullPath` is under the task's workspace folder, a random one on the backend:
 * each must be `<one folder>/<path>`; then it is left out and the entries sorted (readdir's order
 * is the file system's). */
function normaliseReaddir(output) {
  const roots = new Set();
  const entries = list =>
    list
      .map(({ name, path: p, fullPath }) => {
        assert.ok(fullPath.endsWith(`/${p}`), `${fullPath} ends with ${p}`);
        roots.add(fullPath.slice(0, -p.length - 1));
        return { name, path: p };
      })
      .sort((a, b) => a.path.localeCompare(b.path));
  const normalised = { files: entries(output.files), folders: entries(output.folders) };
  assert.equal(roots.size, 1, `one workspace folder: ${[...roots]}`);
  return normalised;
}

test('every action trellis render runs gives the outputs of the real POST /v2/dry-run', async t => {
  const template = {
    apiVersion: 'scaffolder.backstage.io/v1beta3',
    kind: 'Template',
    metadata: { name: 'outputs' },
    spec: {
      type: 'service',
      parameters: [{ properties: { name: { type: 'string' }, optional: { type: 'string' } } }],
      steps: STEPS.map(([id, action, input]) => ({ id, action, input })),
      // Each step's whole output, rendered as a value (a lone expression keeps its type).
      output: Object.fromEntries(STEPS.map(([id]) => [id, `\${{ steps['${id}'].output }}`])),
    },
  };
  const values = { name: 'shop' };

  // On the backend: the cookiecutter folder staged first (with its modes), test ids where given.
  const stage = { id: 'stage', action: 'test:stage', input: { copies: [{ from: path.join(dir, 'cookie'), to: 'cookie' }] } };
  const backendSteps = STEPS.map(([id, action, input, backendAction]) => ({ id, action: backendAction ?? action, input }));
  const response = await fetch(`${scaffolder.baseUrl}/v2/dry-run`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      template: { ...template, spec: { ...template.spec, steps: [stage, ...backendSteps] } },
      values,
      directoryContents: Object.entries(FILES).map(([p, text]) => ({ path: p, base64Content: Buffer.from(text).toString('base64') })),
    }),
  });
  const body = await response.json();
  assert.equal(response.status, 200, JSON.stringify(body).slice(0, 2000));

  fs.writeFileSync(path.join(dir, 'template.yaml'), JSON.stringify(template, null, 2));
  fs.writeFileSync(path.join(dir, 'values.json'), JSON.stringify(values));
  const run = spawnSync(process.execPath, [cli, 'render', '.', '--values', 'values.json', '--report', 'report.json', '--out', 'out'], { cwd: dir, encoding: 'utf8' });
  assert.equal(run.status, 0, run.stdout + run.stderr);
  const report = JSON.parse(fs.readFileSync(path.join(dir, 'report.json'), 'utf8'));

  const rows = [];
  for (const [index, [id, action]] of STEPS.entries()) {
    const step = report.steps[index];
    assert.equal(step.id, id);
    assert.equal(step.status, RUN_OFFLINE.has(action) ? 'ran' : 'faked', `${id}: ${step.reason}`);
    const normalise = action === 'fs:readdir' ? normaliseReaddir : output => output;
    const offline = normalise(step.output);
    assert.deepEqual(offline, normalise(body.output[id]), `the output of ${id} (${action})`);
    // And spec.output, rendered from it offline, is the same.
    assert.deepEqual(normalise(report.output[id]), offline, `spec.output.${id}`);
    rows.push(`${action.padEnd(28)} ${step.status.padEnd(6)} ${JSON.stringify(offline).slice(0, 90)}`);
  }
  // The outputs are not all empty: the comparison compares something.
  // In readSkeletonDir's order: parents first, unrendered names sorted per folder ('$' before 'R').
  assert.deepEqual(report.steps[1].output.written, ['shop/index.js', 'shop-b.txt', 'README.md']);
  assert.deepEqual(report.steps[2].output.kept, ['shop/index.js', 'shop-b.txt', 'README.md']);
  assert.equal(report.steps[1].output.skipped.length, 2);
  assert.ok(report.steps[10].output.errors > 0 && report.steps[10].output.diagnostics.some(d => d.file === 'plain/skel/x.txt'));
  // The module action's output is the one its schema gives, not {}.
  assert.deepEqual(report.steps.find(s => s.id === 'github').output, { remoteUrl: '<example>', repoContentsUrl: '<example>', commitHash: '<example>' });
  const trellisCookiecutter = report.steps.find(s => s.id === 'trellis-cookiecutter').output;
  assert.deepEqual(trellisCookiecutter.written, ['README.md', 'cookiecutter.json', 'docs.md', 'bin/run.sh', 'raw/keep.txt', 'shop/main.py']);
  t.diagnostic('per action, offline = backend (status offline, output):');
  for (const row of rows) t.diagnostic(row);

  // The workspace: what the cookiecutter steps wrote offline is what the real handlers wrote.
  const backendFiles = Object.fromEntries(
    body.directoryContents.map(f => [f.path, { content: f.base64Content, executable: f.executable === true }]),
  );
  const offlineFiles = filesOnDisk(path.join(dir, 'out'));
  let compared = 0;
  for (const folder of ['cc', 'tcc']) {
    const pick = files => Object.fromEntries(Object.entries(files).filter(([p]) => p.startsWith(`${folder}/`)));
    assert.deepEqual(pick(offlineFiles), pick(backendFiles), `the files ${STEPS.find(([, , input]) => input.targetPath === folder)[1]} wrote in ${folder}/`);
    compared += Object.keys(pick(offlineFiles)).length;
  }
  assert.ok(offlineFiles['cc/bin/run.sh'].executable && offlineFiles['tcc/bin/run.sh'].executable, 'modes kept');
  t.diagnostic(`cookiecutter workspaces: ${compared} files identical to the backend's (bytes, executable bit)`);

  // trellis:parameters:validate logs what the real action logs, its warnings included.
  const offlineLog = report.steps.find(s => s.id === 'validate-lenient').log;
  // Each backend line carries the logger's level (`warn: `).
  const backendLog = stepLog(body, 'validate-lenient').map(line => line.replace(/^(info|warn): /, ''));
  assert.ok(offlineLog.some(line => /keyword minimum/.test(line)), offlineLog.join('\n'));
  for (const line of offlineLog) assert.ok(backendLog.includes(line), `the backend logs ${JSON.stringify(line)}:\n${backendLog.join('\n')}`);

  // render --help names every action it runs.
  const help = spawnSync(process.execPath, [cli, 'render', '--help'], { encoding: 'utf8' }).stdout;
  for (const action of RUN_OFFLINE) assert.match(help, new RegExp(`\\b${action}\\b`), `render --help lists ${action}`);
});
