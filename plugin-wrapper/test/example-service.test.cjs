'use strict';
// examples/python-postgres-service: the self-service template end to end, offline. It checks
// clean, its values are valid, and every skeleton file it renders, rendered by the real nunjitsu
// configured as Backstage's fetch:template configures it, is valid in its own language (YAML,
// JSON, TOML, Python), for the bundled values and for the other database engine. `trellis render`
// writes exactly those files, and the checked-in golden tree is what it renders.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { parse: parseYaml, parseAllDocuments } = require('yaml');
const { nunjitsuRenderer } = require('./support/render-oracle.cjs');

const root = path.resolve(__dirname, '../..');
const example = path.join(root, 'examples/python-postgres-service');
const { validateParameters } = require(path.join(root, 'dist/index.js'));

const templateText = fs.readFileSync(path.join(example, 'template.yaml'), 'utf8');
const template = parseYaml(templateText);
const bundledValues = JSON.parse(fs.readFileSync(path.join(example, 'values.json'), 'utf8'));

function trellis(...args) {
  return spawnSync(process.execPath, [path.join(root, 'dist/cli.js'), ...args], { cwd: root, encoding: 'utf8' });
}

/** Backstage's step-input rendering: every string through renderValue with JSON coercion. */
function renderInput(engine, value, context) {
  if (typeof value === 'string') return engine.renderValue(value, context, { coercion: 'json' });
  if (Array.isArray(value)) return value.map(item => renderInput(engine, item, context));
  if (value && typeof value === 'object') {
    const out = {};
    for (const [key, item] of Object.entries(value)) {
      const rendered = renderInput(engine, item, context);
      if (rendered !== undefined) out[key] = rendered;
    }
    return out;
  }
  return value;
}

function listFiles(dir, prefix = '') {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    return entry.isDirectory() ? listFiles(path.join(dir, entry.name), relative) : [relative];
  });
}

/**
 * The files the template's trellis:fetch:template steps write for `formValues`, rendered as
 * Backstage's fetch:template renders (names and contents, `{values}` context).
 * Returns {relative path in the workspace: text}.
 */
function renderWorkspace(formValues) {
  const result = validateParameters(templateText, formValues, { applyDefaults: true });
  assert.ok(result.valid, JSON.stringify(result.errors));
  const engine = nunjitsuRenderer();
  const context = { parameters: result.values, steps: {} };
  const workspace = {};
  for (const step of template.spec.steps) {
    if (step.action !== 'trellis:fetch:template') continue;
    if (step.if !== undefined && !engine.renderValue(step.if, context, { coercion: 'json' })) continue;
    const input = renderInput(engine, step.input, context);
    const skeleton = path.join(example, input.url);
    for (const file of listFiles(skeleton)) {
      const name = engine.render(file, { values: input.values });
      const text = engine.render(fs.readFileSync(path.join(skeleton, file), 'utf8'), { values: input.values });
      workspace[path.posix.join(input.targetPath ?? '.', name)] = text;
    }
  }
  return workspace;
}

/** Fails with the file's name unless every file parses in its language. */
function assertValidFiles(workspace) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-example-'));
  try {
    const python = [];
    const toml = [];
    for (const [file, text] of Object.entries(workspace)) {
      assert.doesNotMatch(text, /\$\{\{ *values\./, `${file}: a values expression is left unrendered`);
      if (/\.ya?ml$/.test(file)) {
        for (const doc of parseAllDocuments(text)) {
          assert.deepEqual(doc.errors.map(String), [], `${file} is YAML`);
        }
      } else if (file.endsWith('.json')) {
        assert.doesNotThrow(() => JSON.parse(text), `${file} is JSON`);
      } else if (file.endsWith('.toml')) {
        toml.push(file);
      } else if (file.endsWith('.py')) {
        python.push(file);
      }
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), text);
    }
    const compile = spawnSync('python3', ['-m', 'py_compile', ...python], { cwd: dir, encoding: 'utf8' });
    assert.equal(compile.status, 0, `python files compile: ${compile.stderr}`);
    const tomlCheck = spawnSync(
      'python3',
      ['-c', 'import sys, tomllib\nfor f in sys.argv[1:]: tomllib.load(open(f, "rb"))', ...toml],
      { cwd: dir, encoding: 'utf8' },
    );
    assert.equal(tomlCheck.status, 0, `TOML files parse: ${tomlCheck.stderr}`);
    return { python: python.length, toml: toml.length };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('the example checks clean with the built-in manifest', () => {
  const run = trellis('check', 'examples/python-postgres-service');
  assert.equal(run.status, 0, run.stdout + run.stderr);
  assert.match(run.stdout, /^no problems in 1 file$/m);
});

test('the bundled values are valid, with the production page shown', () => {
  const run = trellis('params', 'examples/python-postgres-service/template.yaml', '--values', 'examples/python-postgres-service/values.json');
  assert.equal(run.status, 0, run.stdout + run.stderr);
  assert.match(run.stdout, /valid for all 4 visible pages \(0 hidden\)/);
});

test('CloudNativePG in production: every rendered file parses, GitHub expressions survive', () => {
  const workspace = renderWorkspace(bundledValues);
  assert.deepEqual(Object.keys(workspace).sort(), [
    '.dockerignore',
    '.github/workflows/ci.yml',
    'Dockerfile',
    'README.md',
    'app/__init__.py',
    'app/db.py',
    'app/main.py',
    'app/settings.py',
    'catalog-info.yaml',
    'deploy/database/cluster.yaml',
    'deploy/database/kustomization.yaml',
    'pyproject.toml',
    'tests/__init__.py',
    'tests/test_health.py',
  ]);
  assert.deepEqual(assertValidFiles(workspace), { python: 6, toml: 1 });

  const [cluster, backup] = parseAllDocuments(workspace['deploy/database/cluster.yaml']).map(d => d.toJS());
  assert.equal(cluster.kind, 'Cluster');
  assert.equal(cluster.metadata.name, 'orders-api-db');
  assert.equal(cluster.spec.instances, 3);
  assert.equal(cluster.spec.imageName, 'ghcr.io/cloudnative-pg/postgresql:17');
  assert.deepEqual(cluster.spec.bootstrap.initdb, { database: 'orders', owner: 'orders' });
  assert.equal(cluster.spec.storage.size, '50Gi');
  assert.equal(cluster.spec.backup.retentionPolicy, '14d');
  assert.equal(backup.kind, 'ScheduledBackup');

  const [component, resource] = parseAllDocuments(workspace['catalog-info.yaml']).map(d => d.toJS());
  assert.equal(component.metadata.description, bundledValues.description, 'quotes survive');
  assert.equal(component.metadata.annotations['github.com/project-slug'], 'acme/orders-api');
  assert.equal(component.spec.lifecycle, 'production');
  assert.deepEqual(component.spec.dependsOn, ['resource:default/orders-api-db']);
  assert.equal(resource.metadata.name, 'orders-api-db');

  const workflow = parseYaml(workspace['.github/workflows/ci.yml']);
  assert.equal(workflow.jobs.test.steps[1].with['python-version'], '3.12');
  assert.equal(workflow.jobs.image.steps[2].with.tags, 'ghcr.io/${{ github.repository }}:${{ github.sha }}');
  assert.match(workspace.Dockerfile, /^FROM python:3\.12-slim$/m);
  assert.match(workspace['pyproject.toml'], /^requires-python = ">=3\.12"$/m);
});

/** The other engine, in development: the production page is hidden, its values absent. */
const rdsValues = (() => {
  const values = {
    ...bundledValues,
    pythonVersion: '3.11',
    environment: 'development',
    database: { name: 'orders', engine: 'aws-rds', version: '16', size: 'small' },
  };
  delete values.highAvailability;
  delete values.backupRetentionDays;
  return values;
})();

test('Amazon RDS in development: the Terraform module call instead, one instance', () => {
  const workspace = renderWorkspace(rdsValues);
  assert.ok(!('deploy/database/cluster.yaml' in workspace));
  assert.deepEqual(assertValidFiles(workspace), { python: 6, toml: 1 });
  const main = workspace['terraform/database/main.tf'];
  assert.match(main, /^ {2}source {2}= "terraform-aws-modules\/rds\/aws"$/m);
  assert.match(main, /^ {2}engine_version {7}= "16"$/m);
  assert.match(main, /^ {2}instance_class {7}= "db\.t4g\.small"$/m);
  assert.match(main, /^ {2}multi_az {16}= false$/m);
  assert.match(main, /^ {2}backup_retention_period = 7$/m);
  assert.match(main, /^ {2}deletion_protection {5}= false$/m);
  assert.equal(parseAllDocuments(workspace['catalog-info.yaml'])[0].toJS().spec.lifecycle, 'experimental');
});

/** `trellis render` of the example into a fresh directory: {relative path: text}. */
function trellisRender(values) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-example-render-'));
  try {
    const valuesFile = path.join(dir, 'values.json');
    fs.writeFileSync(valuesFile, JSON.stringify(values));
    const out = path.join(dir, 'out');
    const run = trellis('render', 'examples/python-postgres-service', '--values', valuesFile, '--out', out);
    assert.equal(run.status, 0, run.stdout + run.stderr);
    return Object.fromEntries(listFiles(out).map(file => [file, fs.readFileSync(path.join(out, file), 'utf8')]));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('trellis render writes exactly what nunjitsu renders, for both engines', () => {
  for (const values of [bundledValues, rdsValues]) {
    const ours = trellisRender(values);
    const theirs = Object.fromEntries(Object.entries(renderWorkspace(values)).map(([file, text]) => [path.posix.normalize(file), text]));
    assert.deepEqual(Object.keys(ours).sort(), Object.keys(theirs).sort());
    for (const file of Object.keys(theirs)) assert.equal(ours[file], theirs[file], file);
  }
});

test('the golden tree is what trellis render makes of values.json', () => {
  const run = trellis(
    'render',
    'examples/python-postgres-service',
    '--values',
    'examples/python-postgres-service/values.json',
    '--check',
    'examples/python-postgres-service/golden',
  );
  assert.equal(run.status, 0, `${run.stdout}${run.stderr}\nrefresh with --update after a deliberate change`);
  assert.match(run.stdout + run.stderr, /rendered 14 files/);
  assert.match(run.stdout + run.stderr, /match examples\/python-postgres-service\/golden/);
});
