'use strict';
// schemas/template.schema.json, the editor schema of template.yaml: regenerated and compared
// (drift fails), then used by a real JSON Schema validator (ajv, draft-07) the way an editor
// uses it: it must find the mistakes the action schemas describe, accept `${{ }}` wherever
// Backstage renders a value first, and raise no error on the examples and on the upstream
// backstage/software-templates samples.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const YAML = require('yaml');
const Ajv = require('ajv');
const { generate } = require('../../scripts/generate-editor-schema.cjs');
const { corpusDir, loadCorpusTemplates } = require('./support/parity-corpus.cjs');

const root = path.resolve(__dirname, '../..');
const schemaFile = path.join(root, 'schemas/template.schema.json');
const schema = JSON.parse(fs.readFileSync(schemaFile, 'utf8'));
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

/** Validator errors as `pointer: message`, [] when the document is valid. */
function errorsOf(document) {
  return validate(document) ? [] : validate.errors.map(e => `${e.instancePath || '/'}: ${e.message}`);
}

function templateWithSteps(steps) {
  return {
    apiVersion: 'scaffolder.backstage.io/v1beta3',
    kind: 'Template',
    metadata: { name: 'editor-schema' },
    spec: { type: 'service', owner: 'group:default/platform', parameters: [], steps },
  };
}

test('schemas/template.schema.json is what the generator writes from the manifest', () => {
  const fresh = `${JSON.stringify(generate(), null, 2)}\n`;
  assert.equal(
    fs.readFileSync(schemaFile, 'utf8'),
    fresh,
    'stale: run `node scripts/generate-editor-schema.cjs` after a build',
  );
});

test('step inputs are checked against their action, `${{ }}` accepted where values are rendered', () => {
  const check = input => templateWithSteps([{ id: 'check', action: 'trellis:template:check', input }]);
  assert.deepEqual(errorsOf(check({ path: 'template.yaml', failOn: 'error' })), []);
  assert.deepEqual(errorsOf(check({ failOn: "${{ 'warning' if parameters.strict else 'error' }}" })), []);
  assert.ok(errorsOf(check({ failOn: 'sometimes' })).some(e => e.startsWith('/spec/steps/0/input/failOn')));
  assert.ok(errorsOf(check({ pathh: 'x' })).some(e => /must NOT have additional properties/.test(e)));

  const fetch = input => templateWithSteps([{ id: 'fetch', action: 'fetch:template', input }]);
  assert.deepEqual(errorsOf(fetch({ url: './skeleton', replace: '${{ parameters.replace }}' })), []);
  assert.ok(errorsOf(fetch({ url: './skeleton', replace: 'yes' })).some(e => e.startsWith('/spec/steps/0/input/replace')));
  assert.ok(errorsOf(fetch({ targetPath: 'x' })).some(e => /must have required property 'url'/.test(e)));

  const trellisFetch = input => templateWithSteps([{ id: 'fetch', action: 'trellis:fetch:template', input }]);
  assert.deepEqual(errorsOf(trellisFetch({ url: './skeleton', strict: true, limits: { workUnits: 1000 } })), []);
  assert.ok(errorsOf(trellisFetch({ url: './skeleton', limits: { workUnits: 0 } })).length > 0);

  // An action the manifest does not know is not checked (it may come from a module).
  assert.deepEqual(errorsOf(templateWithSteps([{ id: 'p', action: 'publish:github', input: { anything: 1 } }])), []);
  // The catalog's own structure is checked too.
  assert.ok(errorsOf({ ...templateWithSteps([]), spec: { type: 'service' } }).some(e => /required property 'steps'/.test(e)));
});

test('a catalog placeholder stands wherever a value may (src/placeholders.rs resolves it first)', () => {
  const check = input => templateWithSteps([{ id: 'check', action: 'trellis:template:check', input }]);
  assert.deepEqual(errorsOf(templateWithSteps([{ $yaml: '../steps/publish.yaml' }])), []);
  assert.deepEqual(errorsOf(check({ $yaml: './check-input.yaml' })), []);
  assert.deepEqual(errorsOf(check({ path: { $text: './path.txt' }, failOn: { $text: './fail-on.txt' } })), []);
  const described = templateWithSteps([]);
  described.metadata.description = { $text: './README.md' };
  described.spec.parameters = [{ $json: './pages/first.json' }, { title: 'Second', properties: { name: { $yaml: './name.yaml' } } }];
  assert.deepEqual(errorsOf(described), []);
  assert.deepEqual(errorsOf({ ...templateWithSteps([]), spec: { $yaml: './spec.yaml' } }), []);

  // Not placeholders: the catalog refuses a non-string argument and leaves other mappings alone.
  for (const notPlaceholder of [{ $yaml: 1 }, { $yaml: './a.yaml', $json: './b.json' }, { $ref: './step.yaml' }, { $yaml: './a.yaml', id: 'x' }]) {
    assert.ok(
      errorsOf(templateWithSteps([notPlaceholder])).some(e => e.startsWith('/spec/steps/0')),
      JSON.stringify(notPlaceholder),
    );
  }
  assert.ok(errorsOf(check({ failOn: { $text: 2 } })).some(e => e.startsWith('/spec/steps/0/input/failOn')));
});

test('other kinds in the same file are checked only as entities', () => {
  const location = { apiVersion: 'backstage.io/v1alpha1', kind: 'Location', metadata: { name: 'x' }, spec: { targets: ['./a.yaml'] } };
  assert.deepEqual(errorsOf(location), []);
  assert.ok(errorsOf({ kind: 'Location' }).length > 0);
});

function yamlDocuments(file) {
  return YAML.parseAllDocuments(fs.readFileSync(file, 'utf8'), { merge: false }).map(doc => doc.toJS());
}

test('the examples are valid', () => {
  const files = ['python-postgres', 'python-postgres-service', 'template-gate'].map(dir => path.join(root, 'examples', dir, 'template.yaml'));
  for (const file of files) {
    for (const document of yamlDocuments(file)) assert.deepEqual(errorsOf(document), [], path.relative(root, file));
  }
  for (const file of files) {
    const modeline = fs.readFileSync(file, 'utf8').split('\n')[0];
    assert.equal(modeline, '# yaml-language-server: $schema=../../schemas/template.schema.json', file);
  }
});

test('the corpus templates stay valid with their steps, pages and descriptions included by placeholders', () => {
  const { templates } = loadCorpusTemplates(corpusDir());
  let included = 0;
  for (const template of templates) {
    if (errorsOf(template.entity).length > 0) continue;
    const entity = structuredClone(template.entity);
    const spec = entity.spec ?? {};
    if (Array.isArray(spec.steps)) spec.steps = spec.steps.map((_, i) => ({ $yaml: `./steps/${i}.yaml` }));
    if (Array.isArray(spec.parameters)) spec.parameters = spec.parameters.map((_, i) => ({ $json: `./pages/${i}.json` }));
    if (entity.metadata) entity.metadata.description = { $text: './description.md' };
    assert.deepEqual(errorsOf(entity), [], template.id);
    included += 1;
  }
  console.log(`  ${included} corpus templates valid with placeholders for their steps, pages and description`);
  assert.ok(included >= 50, `only ${included} corpus templates were valid to begin with`);
});

test('no error on the upstream samples; counts for the rest of the corpus', () => {
  const { templates } = loadCorpusTemplates(corpusDir());
  const byRepo = new Map();
  for (const template of templates) {
    const repo = template.id.split('/')[0];
    if (!byRepo.has(repo)) byRepo.set(repo, { templates: 0, invalid: [] });
    const tally = byRepo.get(repo);
    tally.templates += 1;
    const errors = errorsOf(template.entity);
    if (errors.length > 0) tally.invalid.push(`${template.id}: ${errors.slice(0, 3).join('; ')}`);
  }
  for (const [repo, tally] of [...byRepo].sort()) {
    console.log(`  ${repo}: ${tally.templates - tally.invalid.length}/${tally.templates} templates without an editor error`);
    for (const line of tally.invalid) console.log(`    ${line}`);
  }
  const upstream = byRepo.get('backstage__software-templates');
  assert.ok(upstream && upstream.templates >= 5, 'the upstream samples are in the corpus');
  assert.deepEqual(upstream.invalid, [], 'false errors on backstage/software-templates');
});
