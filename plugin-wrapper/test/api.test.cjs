'use strict';
// The package's JavaScript API over the wasm core: validateParameters.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const trellis = require('../../dist/index.js');

const exampleDir = path.resolve(__dirname, '..', '..', 'examples', 'python-postgres');
const readExample = name => fs.readFileSync(path.join(exampleDir, name), 'utf8');
const readExampleJson = name => JSON.parse(readExample(name));

const templateYaml = readExample('template.yaml');
const TEMPLATE_PATH = 'examples/python-postgres/template.yaml';

/** `/database/size` → `database.size`, the way messages name a field. */
function fieldName(pointer) {
  return pointer.slice(1).split('/').join('.');
}

test('the package exports the module, the action factory and the API', () => {
  assert.equal(typeof trellis.validateParameters, 'function');
  assert.equal(typeof trellis.createParametersValidateAction, 'function');
  assert.ok(trellis.default, 'default export (the backend module)');
  assert.equal(trellis.default, trellis.scaffolderModuleTrellis);
  assert.equal(trellis.default.$$type, '@backstage/BackendFeature');
  assert.match(trellis.coreVersion(), /^\d+\.\d+\.\d+/);
});

test('requiring the package loads no Backstage package until the module or an action factory is read', () => {
  const { execFileSync } = require('node:child_process');
  const script = `
    const loaded = () => Object.keys(require.cache).filter((file) => file.includes('@backstage')).length;
    const trellis = require(${JSON.stringify(path.join(__dirname, '..', '..', 'dist', 'index.js'))});
    const before = loaded();
    trellis.renderString('\${{ 1 + 1 }}', {});
    const afterRender = loaded();
    const feature = trellis.default;
    process.stdout.write(JSON.stringify({ before, afterRender, after: loaded(), type: feature.$$type }));
  `;
  const seen = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }));
  assert.equal(seen.before, 0);
  assert.equal(seen.afterRender, 0);
  assert.ok(seen.after > 0, 'reading `default` loads the module');
  assert.equal(seen.type, '@backstage/BackendFeature');
});

test('ES module importers can name every export, lazy ones included', async () => {
  const url = require('node:url').pathToFileURL(path.join(__dirname, '..', '..', 'dist', 'index.js')).href;
  const esm = await import(url);
  for (const name of ['scaffolderModuleTrellis', 'createParametersValidateAction', 'createFetchTemplateAction', 'createTemplateCheckAction', 'renderValue', 'FETCH_TEMPLATE_ACTION_ID']) {
    assert.ok(esm[name] !== undefined, name);
  }
  // backend.add(import(pkg)) unwraps `default.default` (CommonJS interop): the module.
  assert.equal(esm.default.default, esm.scaffolderModuleTrellis);
  assert.equal(esm.createFetchTemplateAction, trellis.createFetchTemplateAction);
});

test('valid values: valid, no errors, hidden page reported, defaults only when asked', () => {
  const values = readExampleJson('values.json');
  const result = trellis.validateParameters(templateYaml, values, { path: TEMPLATE_PATH });
  assert.equal(result.valid, true);
  assert.deepEqual(result.errors, []);
  // Page 3 ("Production database settings") is shown only for large databases.
  assert.deepEqual(result.visiblePages, [true, true, false, true]);
  assert.equal(result.values.pythonVersion, undefined);
  assert.deepEqual(result.values.database, { name: 'orders', size: 'medium' });

  const withDefaults = trellis.validateParameters(templateYaml, values, { applyDefaults: true });
  assert.equal(withDefaults.valid, true);
  assert.equal(withDefaults.values.pythonVersion, '3.12');
  assert.deepEqual(withDefaults.values.database, {
    name: 'orders',
    size: 'medium',
    backupRetentionDays: 7,
    highAvailability: false,
  });
  // The caller's object is left alone.
  assert.equal(values.pythonVersion, undefined);
});

test('invalid values: every error of every visible page, with field names and places', () => {
  const result = trellis.validateParameters(templateYaml, readExampleJson('values-invalid.json'), {
    path: TEMPLATE_PATH,
  });
  assert.equal(result.valid, false);
  const pairs = result.errors.map(e => `${e.path} ${e.keyword}`).sort();
  assert.deepEqual(pairs, [
    '/database/backupRetentionDays maximum',
    '/database/size enum',
    '/name pattern',
    '/pythonVersion enum',
    '/repoUrl required',
  ]);
  for (const error of result.errors) {
    assert.equal(error.scope, 'parameters');
    assert.ok(
      error.message.startsWith(`${fieldName(error.path)}: `),
      `message ${JSON.stringify(error.message)} starts with the field name`,
    );
    assert.equal(typeof error.page, 'number');
    assert.equal(typeof error.pageTitle, 'string');
    assert.ok(error.schemaPath.startsWith('/'), error.schemaPath);
    assert.ok(Number.isInteger(error.line) && error.line >= 1, `line of ${error.path}`);
    assert.ok(Number.isInteger(error.column) && error.column >= 1, `column of ${error.path}`);
  }
  const byPath = Object.fromEntries(result.errors.map(e => [e.path, e]));
  assert.equal(byPath['/repoUrl'].page, 3);
  assert.equal(byPath['/repoUrl'].pageTitle, 'Choose a location');
  assert.equal(byPath['/repoUrl'].message, 'repoUrl: is required');
  assert.equal(byPath['/database/size'].page, 1);
  // The pattern keyword of `name` is on line 22 of the example template.
  const lines = templateYaml.split('\n');
  assert.match(lines[byPath['/name'].line - 1], /pattern:/);
});

test('an object template is sent as JSON and gives the same verdicts', () => {
  const template = {
    apiVersion: 'scaffolder.backstage.io/v1beta3',
    kind: 'Template',
    metadata: { name: 'inline' },
    spec: {
      type: 'service',
      steps: [],
      parameters: [
        {
          title: 'Service',
          required: ['name'],
          properties: { name: { type: 'string', pattern: '^[a-z-]+$' }, kind: { type: 'string' } },
        },
        { title: 'Library', when: "parameters.kind === 'library'", required: ['language'] },
      ],
    },
  };
  const bad = trellis.validateParameters(template, { name: 'Not OK', kind: 'service' });
  assert.equal(bad.valid, false);
  assert.deepEqual(bad.visiblePages, [true, false]);
  assert.deepEqual(
    bad.errors.map(e => [e.page, e.path, e.keyword, e.message]),
    [[0, '/name', 'pattern', 'name: must match ^[a-z-]+$']],
  );

  const shown = trellis.validateParameters(template, { name: 'ok', kind: 'library' });
  assert.deepEqual(shown.visiblePages, [true, true]);
  assert.deepEqual(shown.errors.map(e => [e.page, e.pageTitle, e.path, e.keyword]), [
    [1, 'Library', '/language', 'required'],
  ]);

  const good = trellis.validateParameters(template, { name: 'ok', kind: 'service' });
  assert.equal(good.valid, true);
});

test('values that are not a plain object are a TypeError, before reaching the core', () => {
  for (const values of [null, undefined, [], 'name: x', 42, new Map(), new Date()]) {
    assert.throws(
      () => trellis.validateParameters(templateYaml, values),
      error => error instanceof TypeError && /values must be a plain object/.test(error.message),
      `values = ${String(values)}`,
    );
  }
  assert.throws(() => trellis.validateParameters(42, {}), TypeError);
  assert.throws(() => trellis.validateParameters(templateYaml, {}, { secrets: 'x' }), TypeError);
});

test('a YAML syntax error is an Error with the file, line and column', () => {
  assert.throws(
    () => trellis.validateParameters('a: 1\n b: 2\n', {}, { path: 'broken.yaml' }),
    error => {
      assert.ok(error instanceof Error);
      assert.equal(error.rule, 'yaml-syntax');
      assert.equal(error.file, 'broken.yaml');
      assert.equal(error.line, 2);
      assert.equal(error.column, 3);
      assert.match(error.message, /^broken\.yaml:2:3: /);
      return true;
    },
  );
});

test('secrets are checked against spec.secrets.schema', () => {
  const values = readExampleJson('values.json');
  const result = trellis.validateParameters(templateYaml, values, {
    secrets: { databaseAdminPassword: 'short' },
  });
  assert.equal(result.valid, false);
  assert.deepEqual(
    result.errors.map(e => [e.scope, e.page, e.path, e.keyword]),
    [['secrets', null, '/databaseAdminPassword', 'minLength']],
  );
  const ok = trellis.validateParameters(templateYaml, values, {
    secrets: { databaseAdminPassword: 'long enough secret' },
  });
  assert.equal(ok.valid, true);
});

test('checkTemplate reads skeletons through a reader: the file system one, or any object', () => {
  const root = path.resolve(__dirname, '..', '..');
  // The bundled example's skeleton is complete and correct.
  const onDisk = trellis.checkTemplate(templateYaml, { path: TEMPLATE_PATH, skeletons: trellis.fileSkeletonReader(root) });
  assert.deepEqual(onDisk.diagnostics.filter(d => d.rule.startsWith('skeleton-')), []);

  // An in-memory reader: a skeleton with one file reading a value the step does not pass.
  const files = { 'dir/skeleton/README.md': '# ${{ values.title }}\n' };
  const calls = [];
  const reader = {
    kind(p) {
      calls.push(`kind ${p}`);
      if (files[p] !== undefined) return 'file';
      return Object.keys(files).some(f => f.startsWith(`${p}/`)) ? 'dir' : null;
    },
    list(p) {
      calls.push(`list ${p}`);
      return Object.keys(files).filter(f => path.posix.dirname(f) === p).map(f => [path.posix.basename(f), 'file']);
    },
    read(p, maxBytes) {
      calls.push(`read ${p}`);
      assert.ok(maxBytes > 0);
      return new TextEncoder().encode(files[p]);
    },
  };
  const template = [
    'apiVersion: scaffolder.backstage.io/v1beta3',
    'kind: Template',
    'metadata: {name: t}',
    'spec:',
    '  type: service',
    '  steps:',
    '    - {id: fetch, action: fetch:template, input: {url: ./skeleton, values: {name: x}}}',
    '    - {id: more, action: fetch:template, input: {url: ../elsewhere}}',
  ].join('\n');
  const result = trellis.checkTemplate(template, { path: 'dir/template.yaml', skeletons: reader });
  assert.deepEqual(
    result.diagnostics.map(d => `${d.file}:${d.line}:${d.column} ${d.rule}`),
    ['dir/template.yaml:8:55 skeleton-missing', 'dir/skeleton/README.md:1:7 skeleton-values'],
  );
  assert.deepEqual(calls, [
    'kind dir/skeleton',
    'list dir/skeleton',
    'read dir/skeleton/README.md',
    'kind elsewhere',
    'list .',
  ]);
  // Without a reader, skeletons are not read.
  assert.deepEqual(trellis.checkTemplate(template, { path: 'dir/template.yaml' }).diagnostics, []);
});
