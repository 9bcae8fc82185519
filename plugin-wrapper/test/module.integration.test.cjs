'use strict';
// The Backstage module inside a real scaffolder backend (@backstage/plugin-scaffolder-backend
// started with startTestBackend), driven over HTTP like the Backstage frontend drives it.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { parse: parseYaml } = require('yaml');
const { useScaffolderBackend, postDryRun, stepLog: logOf } = require('./support/scaffolder-backend.cjs');

const root = path.resolve(__dirname, '..', '..');
const ACTION_ID = 'trellis:parameters:validate';

// How a Backstage app installs the package: backend.add(import('<package>')).
const backend = useScaffolderBackend([import(path.join(root, 'dist', 'index.js'))]);

async function getJson(route) {
  const response = await fetch(`${backend.baseUrl}${route}`);
  return { status: response.status, body: await response.json() };
}

/**
 * POST /v2/dry-run of a template whose steps are given; spec.output exposes the results.
 * `files` ({path: text}) become `directoryContents`: uploaded next to the template, so that
 * `fetch:plain` with a relative URL copies them into the workspace.
 */
function dryRun({ steps, values = {}, output, files = {} }) {
  return postDryRun(backend.baseUrl, {
    steps,
    values,
    files,
    output: output ?? {
      valid: '${{ steps.validate.output.valid }}',
      errors: '${{ steps.validate.output.errors }}',
    },
  });
}

function validateStep(input) {
  return [{ id: 'validate', name: 'Validate', action: ACTION_ID, input }];
}

/** The step's log lines, without winston's colour codes. */
const stepLog = (body, stepId = 'validate') => logOf(body, stepId);

const serviceSchema = {
  title: 'Service',
  required: ['name', 'repoUrl'],
  properties: {
    name: { type: 'string', pattern: '^[a-z-]+$' },
    repoUrl: { type: 'string' },
  },
};

test('GET /v2/actions lists the action with its JSON Schemas and examples', async () => {
  const { status, body } = await getJson('/v2/actions');
  assert.equal(status, 200);
  const action = body.find(a => a.id === ACTION_ID);
  assert.ok(action, `${ACTION_ID} is listed among ${body.map(a => a.id).join(', ')}`);
  assert.match(action.description, /every error/);

  const input = action.schema.input;
  assert.equal(input.type, 'object');
  assert.equal(input.additionalProperties, false);
  assert.deepEqual(input.required, ['schema', 'values']);
  assert.deepEqual(Object.keys(input.properties).sort(), ['failOnError', 'schema', 'values']);
  for (const [name, property] of Object.entries(input.properties)) {
    assert.ok(property.description, `input ${name} has a description`);
  }
  const output = action.schema.output;
  assert.deepEqual(Object.keys(output.properties).sort(), ['errors', 'valid']);
  assert.equal(output.properties.valid.type, 'boolean');
  assert.equal(output.properties.errors.type, 'array');

  assert.ok(action.examples.length >= 2);
  for (const example of action.examples) {
    assert.ok(example.description);
    const parsed = parseYaml(example.example);
    assert.ok(parsed.steps.some(step => step.action === ACTION_ID));
  }
});

test('dry-run with valid values: 200, output.valid true, the step logs its verdict', async () => {
  const { status, body } = await dryRun({
    steps: validateStep({ schema: serviceSchema, values: '${{ parameters }}' }),
    values: { name: 'orders-api', repoUrl: 'github.com?owner=acme&repo=orders-api' },
  });
  assert.equal(status, 200, JSON.stringify(body));
  assert.equal(body.output.valid, true);
  assert.deepEqual(body.output.errors, []);
  const log = stepLog(body);
  assert.ok(log.some(line => line.includes(`Running ${ACTION_ID} in dry-run mode`)), log.join('\n'));
  assert.ok(log.some(line => line.includes('Values are valid')), log.join('\n'));
  assert.ok(body.log.some(e => e.body.stepId === 'validate' && e.body.status === 'completed'));
});

test('dry-run with invalid values and failOnError (default): the step fails with HTTP 400', async () => {
  const { status, body } = await dryRun({
    steps: validateStep({ schema: serviceSchema, values: '${{ parameters }}' }),
    values: { name: 'Orders API' },
  });
  assert.equal(status, 400, JSON.stringify(body));
  assert.equal(body.error.name, 'InputError');
  assert.equal(
    body.error.message,
    'Parameter validation failed with 2 errors: repoUrl: is required; name: must match ^[a-z-]+$',
  );
});

test('dry-run with invalid values and failOnError false: 200, valid false, errors listed', async () => {
  const { status, body } = await dryRun({
    steps: validateStep({
      schema: [
        serviceSchema,
        {
          title: 'Database',
          when: "parameters.database.size === 'large'",
          required: ['maintenanceWindow'],
        },
      ],
      values: { name: 'Orders API', repoUrl: 'x', database: { size: 'large' } },
      failOnError: false,
    }),
  });
  assert.equal(status, 200, JSON.stringify(body));
  assert.equal(body.output.valid, false);
  assert.deepEqual(
    body.output.errors.map(e => [e.page, e.pageTitle, e.path, e.keyword, e.message]),
    [
      [0, 'Service', '/name', 'pattern', 'name: must match ^[a-z-]+$'],
      [1, 'Database', '/maintenanceWindow', 'required', 'maintenanceWindow: is required'],
    ],
  );
  const log = stepLog(body);
  assert.ok(log.some(line => line.startsWith('warn: name: must match ^[a-z-]+$')), log.join('\n'));
  assert.ok(log.some(line => line.startsWith('warn: maintenanceWindow: is required')), log.join('\n'));
  assert.ok(body.log.some(e => e.body.stepId === 'validate' && e.body.status === 'completed'));

  // A page hidden by `when` is not checked.
  const hidden = await dryRun({
    steps: validateStep({
      schema: [serviceSchema, { title: 'Database', when: false, required: ['maintenanceWindow'] }],
      values: { name: 'orders-api', repoUrl: 'x' },
      failOnError: false,
    }),
  });
  assert.equal(hidden.status, 200, JSON.stringify(hidden.body));
  assert.equal(hidden.body.output.valid, true);
});

test('the scaffolder checks the action input against its schema', async () => {
  const { status, body } = await dryRun({
    steps: validateStep({ schema: serviceSchema, values: {}, failOnErrors: false }),
  });
  assert.equal(status, 400, JSON.stringify(body));
  assert.match(body.error.message, new RegExp(`Invalid input passed to action ${ACTION_ID}`));
  assert.match(body.error.message, /failOnErrors/);
});

test('a page that is not a JSON Schema is the step author\'s mistake: HTTP 400', async () => {
  const { status, body } = await dryRun({
    steps: validateStep({ schema: [serviceSchema, { properties: { a: { $ref: 'https://example.com/s.json' } } }], values: {} }),
  });
  assert.equal(status, 400, JSON.stringify(body));
  assert.equal(body.error.name, 'InputError');
  assert.match(body.error.message, /page 2 is not a valid JSON Schema/);
});

test('a page npm jsonschema reads leniently gets Backstage\'s verdict (compat: backstage), not a 400', async () => {
  const page = { properties: { replicas: { type: 'number', minimum: '2' } } };
  const ok = await dryRun({ steps: validateStep({ schema: page, values: { replicas: 3 } }) });
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  assert.equal(ok.body.output.valid, true);
  const low = await dryRun({ steps: validateStep({ schema: page, values: { replicas: 1 }, failOnError: false }) });
  assert.equal(low.status, 200, JSON.stringify(low.body));
  assert.deepEqual(low.body.output.errors.map(e => e.message), ['replicas: must be greater than or equal to 2']);
});

test('the action examples run as written', async () => {
  const { body: actions } = await getJson('/v2/actions');
  const [single, pages] = actions.find(a => a.id === ACTION_ID).examples.map(e => parseYaml(e.example).steps);

  const singleOk = await dryRun({ steps: single, values: { name: 'orders-api', owner: 'team-a' } });
  assert.equal(singleOk.status, 200, JSON.stringify(singleOk.body));
  assert.equal(singleOk.body.output.valid, true);
  const singleBad = await dryRun({ steps: single, values: { name: 'Orders' } });
  assert.equal(singleBad.status, 400, JSON.stringify(singleBad.body));
  assert.match(singleBad.body.error.message, /owner: is required/);

  const pagesBad = await dryRun({ steps: pages, values: { name: 'orders-api', database: { size: 'large' } } });
  assert.equal(pagesBad.status, 200, JSON.stringify(pagesBad.body));
  assert.equal(pagesBad.body.output.valid, false);
  assert.deepEqual(pagesBad.body.output.errors.map(e => e.message), ['maintenanceWindow: is required']);
  assert.ok(pagesBad.body.log.some(e => e.body.stepId === 'report'), 'the report step ran');
  const pagesOk = await dryRun({ steps: pages, values: { name: 'orders-api', database: { size: 'small' } } });
  assert.equal(pagesOk.status, 200, JSON.stringify(pagesOk.body));
  assert.equal(pagesOk.body.output.valid, true);
});

// ---------------------------------------------------------------------------------------------
// trellis:template:check
// ---------------------------------------------------------------------------------------------

const CHECK_ACTION_ID = 'trellis:template:check';

/** A template with one mistake: `steps.nope` is no step of it (rule step-reference). */
const brokenTemplate = `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: broken
spec:
  owner: team-a
  type: service
  steps:
    - id: log
      name: Log
      action: debug:log
      input:
        message: \${{ steps.nope.output.x }}
`;
const brokenLine = brokenTemplate.split('\n').findIndex(line => line.includes('steps.nope')) + 1;
// The rule points at the step id: `nope`.
const brokenColumn = brokenTemplate.split('\n')[brokenLine - 1].indexOf('nope') + 1;
const brokenMessage = '`steps.nope` refers to no step of this template';

const cleanTemplate = brokenTemplate.replace('${{ steps.nope.output.x }}', 'hello');

/** Steps: copy ./files into the workspace with the built-in fetch:plain, then check `path`. */
function checkSteps(input) {
  return [
    { id: 'fetch', name: 'Fetch', action: 'fetch:plain', input: { url: './files' } },
    { id: 'check', name: 'Check', action: CHECK_ACTION_ID, input },
  ];
}

const checkOutput = {
  errors: '${{ steps.check.output.errors }}',
  warnings: '${{ steps.check.output.warnings }}',
  infos: '${{ steps.check.output.infos }}',
  rule: '${{ steps.check.output.diagnostics[0].rule }}',
  line: '${{ steps.check.output.diagnostics[0].line }}',
  column: '${{ steps.check.output.diagnostics[0].column }}',
  file: '${{ steps.check.output.diagnostics[0].file }}',
  diagnostics: '${{ steps.check.output.diagnostics }}',
};

test('GET /v2/actions lists trellis:template:check with its JSON Schemas and examples', async () => {
  const { status, body } = await getJson('/v2/actions');
  assert.equal(status, 200);
  const action = body.find(a => a.id === CHECK_ACTION_ID);
  assert.ok(action, `${CHECK_ACTION_ID} is listed among ${body.map(a => a.id).join(', ')}`);
  assert.match(action.description, /failOn/);

  const input = action.schema.input;
  assert.equal(input.$schema, 'http://json-schema.org/draft-07/schema#');
  assert.equal(input.type, 'object');
  assert.equal(input.additionalProperties, false);
  assert.deepEqual(Object.keys(input.properties).sort(), ['failOn', 'path']);
  assert.equal(input.properties.path.default, 'template.yaml');
  assert.deepEqual(input.properties.failOn.enum, ['error', 'warning', 'never']);
  assert.equal(input.properties.failOn.default, 'error');
  for (const [name, property] of Object.entries(input.properties)) {
    assert.ok(property.description, `input ${name} has a description`);
  }

  const output = action.schema.output;
  assert.deepEqual(Object.keys(output.properties).sort(), ['diagnostics', 'errors', 'infos', 'warnings']);
  assert.equal(output.properties.diagnostics.type, 'array');
  for (const [name, property] of Object.entries({
    ...output.properties,
    ...output.properties.diagnostics.items.properties,
  })) {
    assert.ok(property.description, `output ${name} has a description`);
  }

  assert.ok(action.examples.length >= 2);
  for (const example of action.examples) {
    assert.ok(example.description);
    assert.ok(parseYaml(example.example).steps.some(step => step.action === CHECK_ACTION_ID));
  }
});

test('check with failOn never: 200, the finding is in the outputs and the log', async () => {
  const { status, body } = await dryRun({
    steps: checkSteps({ path: 'template.yaml', failOn: 'never' }),
    files: { 'files/template.yaml': brokenTemplate },
    output: checkOutput,
  });
  assert.equal(status, 200, JSON.stringify(body));
  assert.ok(body.output.errors >= 1, JSON.stringify(body.output));
  assert.equal(body.output.errors, 1);
  assert.equal(body.output.warnings, 0);
  assert.equal(body.output.infos, 0);
  assert.equal(body.output.rule, 'step-reference');
  assert.equal(body.output.file, 'template.yaml');
  assert.equal(body.output.line, brokenLine);
  assert.equal(body.output.column, brokenColumn);
  assert.deepEqual(body.output.diagnostics[0], {
    file: 'template.yaml',
    line: brokenLine,
    column: brokenColumn,
    endLine: brokenLine,
    endColumn: brokenColumn + 'nope'.length,
    severity: 'error',
    rule: 'step-reference',
    message: brokenMessage,
    hint: 'no step runs before this one',
  });

  const log = stepLog(body, 'check');
  assert.ok(
    log.includes(
      `warn: template.yaml:${brokenLine}:${brokenColumn} error[step-reference] ${brokenMessage} ` +
        '(hint: no step runs before this one)',
    ),
    log.join('\n'),
  );
  assert.ok(log.some(line => line.includes('failOn is never: the step succeeds')), log.join('\n'));
  assert.ok(body.log.some(e => e.body.stepId === 'check' && e.body.status === 'completed'));
});

test('check with failOn default (error): the step fails with HTTP 400 naming the finding', async () => {
  const { status, body } = await dryRun({
    steps: checkSteps({ path: 'templates/broken/template.yaml' }).map(step =>
      step.id === 'fetch' ? { ...step, input: { url: './files', targetPath: 'templates/broken' } } : step,
    ),
    files: { 'files/template.yaml': brokenTemplate },
    output: checkOutput,
  });
  assert.equal(status, 400, JSON.stringify(body));
  assert.equal(body.error.name, 'InputError');
  assert.equal(
    body.error.message,
    `Template check found 1 error and 0 warnings: templates/broken/template.yaml:${brokenLine}:${brokenColumn} ${brokenMessage}`,
  );
});

test('check of a clean template: 200 with no findings; failOn warning passes too', async () => {
  for (const failOn of ['error', 'warning']) {
    const { status, body } = await dryRun({
      steps: checkSteps({ failOn }), // path defaults to template.yaml
      files: { 'files/template.yaml': cleanTemplate },
      output: { errors: '${{ steps.check.output.errors }}', diagnostics: '${{ steps.check.output.diagnostics }}' },
    });
    assert.equal(status, 200, JSON.stringify(body));
    assert.equal(body.output.errors, 0);
    assert.deepEqual(body.output.diagnostics, []);
    const log = stepLog(body, 'check');
    assert.ok(log.includes('info: Checked template.yaml: 0 errors and 0 warnings'), log.join('\n'));
  }
});

test('check reads skeletons next to the template in the workspace, and nothing outside it', async () => {
  const template = `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: with-skeletons
spec:
  owner: team-a
  type: service
  steps:
    - id: fetch
      name: Fetch
      action: fetch:template
      input:
        url: ./skeletn
    - id: outside
      name: Outside the workspace
      action: fetch:template
      input:
        url: ../../etc
`;
  const { status, body } = await dryRun({
    steps: checkSteps({ failOn: 'never' }),
    files: { 'files/template.yaml': template, 'files/skeleton/README.md': '# ${{ values.name }}\n' },
    output: checkOutput,
  });
  assert.equal(status, 200, JSON.stringify(body));
  assert.deepEqual(
    body.output.diagnostics.map(d => `${d.file}:${d.line} ${d.rule} ${d.hint}`),
    ['template.yaml:13 skeleton-missing did you mean `./skeleton`?'],
  );
});

test('check resolves catalog placeholders from files in the workspace, and reads nothing outside it', async () => {
  const template = `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: with-placeholders
spec:
  owner: team-a
  type: service
  parameters:
    - $json: ./parts/page.json
  steps:
    - $yaml: ./parts/log.yaml
    - $yaml: ../../../../../../etc/passwd
`;
  const { status, body } = await dryRun({
    steps: checkSteps({ failOn: 'never' }),
    files: {
      'files/template.yaml': template,
      'files/parts/page.json': '{"title": "Name", "properties": {"name": {"type": "string"}}}',
      'files/parts/log.yaml': 'id: log\naction: debug:log\ninput:\n  message: ${{ parameters.nmae }}\n',
    },
    output: checkOutput,
  });
  assert.equal(status, 200, JSON.stringify(body));
  const found = body.output.diagnostics.map(d => `${d.file}:${d.line}:${d.column} ${d.severity} ${d.rule}`);
  assert.deepEqual(found, [
    'template.yaml:12:7 error placeholder-include',
    'parts/log.yaml:4:27 error undeclared-parameter',
  ]);
  assert.match(body.output.diagnostics[0].message, /could not be read \(.*is outside/);
  assert.doesNotMatch(JSON.stringify(body), /root:x:0:0/);
});

test('check of a path outside the workspace or a missing file: HTTP 400 naming the problem', async () => {
  for (const escaping of ['../../etc/passwd', '/etc/passwd']) {
    const { status, body } = await dryRun({
      steps: checkSteps({ path: escaping }),
      files: { 'files/template.yaml': cleanTemplate },
      output: {},
    });
    assert.equal(status, 400, JSON.stringify(body));
    assert.equal(body.error.name, 'InputError');
    assert.match(body.error.message, new RegExp(`path ${escaping} points outside the task workspace`));
  }

  const missing = await dryRun({
    steps: checkSteps({ path: 'templates/absent.yaml' }),
    files: { 'files/template.yaml': cleanTemplate },
    output: {},
  });
  assert.equal(missing.status, 400, JSON.stringify(missing.body));
  assert.equal(missing.body.error.name, 'InputError');
  assert.equal(missing.body.error.message, 'Template file templates/absent.yaml does not exist in the task workspace');

  const badInput = await dryRun({
    steps: checkSteps({ failOn: 'warnings' }),
    files: { 'files/template.yaml': cleanTemplate },
    output: {},
  });
  assert.equal(badInput.status, 400, JSON.stringify(badInput.body));
  assert.match(badInput.body.error.message, new RegExp(`Invalid input passed to action ${CHECK_ACTION_ID}`));
});

test('the trellis:template:check examples run as written', async () => {
  const { body: actions } = await getJson('/v2/actions');
  const [failing, reporting] = actions.find(a => a.id === CHECK_ACTION_ID).examples.map(e => parseYaml(e.example).steps);

  const failingOk = await dryRun({ steps: failing, files: { 'skeleton/template.yaml': cleanTemplate }, output: {} });
  assert.equal(failingOk.status, 200, JSON.stringify(failingOk.body));
  const failingBad = await dryRun({ steps: failing, files: { 'skeleton/template.yaml': brokenTemplate }, output: {} });
  assert.equal(failingBad.status, 400, JSON.stringify(failingBad.body));
  assert.match(failingBad.body.error.message, /templates\/service\/template\.yaml:\d+:\d+ `steps\.nope`/);

  const reportingBad = await dryRun({
    steps: reporting,
    files: { 'skeleton/template.yaml': brokenTemplate },
    output: { errors: '${{ steps.check.output.errors }}' },
  });
  assert.equal(reportingBad.status, 200, JSON.stringify(reportingBad.body));
  assert.equal(reportingBad.body.output.errors, 1);
  const report = stepLog(reportingBad.body, 'report');
  assert.ok(report.some(line => line.includes('step-reference')), report.join('\n'));
});

// ---------------------------------------------------------------------------------------------
// trellis:fetch:template
// ---------------------------------------------------------------------------------------------

const FETCH_ACTION_ID = 'trellis:fetch:template';

/** Both actions on the same skeleton and input: Backstage's into ./backstage, Trellis' into ./trellis. */
function bothFetchSteps(input) {
  return [
    { id: 'backstage', action: 'fetch:template', input: { ...input, targetPath: 'backstage' } },
    { id: 'trellis', action: FETCH_ACTION_ID, input: { ...input, targetPath: 'trellis' } },
  ];
}

/** The dry-run's workspace files under `dir`: path → {text, executable}. */
function workspaceTree(body, dir) {
  const tree = {};
  for (const file of body.directoryContents) {
    if (file.path.startsWith(`${dir}/`)) {
      tree[file.path.slice(dir.length + 1)] = {
        text: Buffer.from(file.base64Content, 'base64').toString('utf8'),
        executable: file.executable,
      };
    }
  }
  return tree;
}

const smallSkeleton = {
  'skeleton/README.md': '# ${{ values.name }}\n\nOwned by ${{ values.owner | upper }}.\n',
  'skeleton/${{ values.name }}/index.js': "module.exports = '${{ values.name }}';\n",
  'skeleton/{% if values.withDocs %}docs{% endif %}/index.md': '# Docs\n',
  'skeleton/static/raw.txt': 'kept as written: ${{ values.name }}\n',
};

test('GET /v2/actions lists trellis:fetch:template with fetch:template\'s input schema plus strict and limits', async () => {
  const { body } = await getJson('/v2/actions');
  const ours = body.find(a => a.id === FETCH_ACTION_ID);
  const backstage = body.find(a => a.id === 'fetch:template');
  assert.ok(ours, `${FETCH_ACTION_ID} is listed among ${body.map(a => a.id).join(', ')}`);
  // Switching a template between the two is a one-word change: every fetch:template input means
  // the same here, word for word.
  const { strict, limits, ...rest } = ours.schema.input.properties;
  assert.deepEqual(rest, backstage.schema.input.properties);
  assert.deepEqual(ours.schema.input.required, backstage.schema.input.required);
  assert.equal(ours.schema.input.additionalProperties, false);
  assert.equal(strict.type, 'boolean');
  assert.equal(limits.type, 'object');
  assert.deepEqual(Object.keys(ours.schema.output.properties).sort(), ['kept', 'skipped', 'written']);
  assert.ok(ours.examples.length >= 2);
  for (const example of ours.examples) {
    assert.ok(parseYaml(example.example).steps.some(step => step.action === FETCH_ACTION_ID));
  }
});

test('trellis:fetch:template renders a skeleton as fetch:template does, logging what it skipped', async () => {
  const input = { url: './skeleton', values: { name: 'orders', owner: 'team-a' }, copyWithoutTemplating: ['static'] };
  const { status, body } = await dryRun({
    steps: bothFetchSteps(input),
    files: smallSkeleton,
    output: { written: '${{ steps.trellis.output.written }}', skipped: '${{ steps.trellis.output.skipped }}' },
  });
  assert.equal(status, 200, JSON.stringify(body.error ?? body.log?.slice(-5)));
  const trellis = workspaceTree(body, 'trellis');
  assert.deepEqual(trellis, workspaceTree(body, 'backstage'));
  assert.deepEqual(Object.keys(trellis).sort(), ['README.md', 'orders/index.js', 'static/raw.txt']);
  assert.equal(trellis['README.md'].text, '# orders\n\nOwned by TEAM-A.\n');
  assert.equal(trellis['static/raw.txt'].text, 'kept as written: ${{ values.name }}\n');
  assert.ok(body.output.written.includes('orders/index.js'), JSON.stringify(body.output.written));
  const skipped = body.output.skipped.find(s => s.path === '{% if values.withDocs %}docs{% endif %}/index.md');
  assert.equal(skipped?.renderedPath, '/index.md', JSON.stringify(body.output.skipped));
  const log = stepLog(body, 'trellis');
  assert.ok(log.some(line => line.includes(`Running ${FETCH_ACTION_ID} in dry-run mode`)), log.join('\n'));
  assert.ok(log.some(line => line.startsWith('info: Skipped {% if values.withDocs %}docs{% endif %}')), log.join('\n'));
});

test('trellis:fetch:template keeps existing files unless replace, and says so', async () => {
  const steps = [
    { id: 'first', action: FETCH_ACTION_ID, input: { url: './skeleton', values: { name: 'orders', owner: 'a' } } },
    { id: 'second', action: FETCH_ACTION_ID, input: { url: './skeleton', values: { name: 'orders', owner: 'b' } } },
  ];
  const kept = await dryRun({ steps, files: smallSkeleton, output: { kept: '${{ steps.second.output.kept }}' } });
  assert.equal(kept.status, 200, JSON.stringify(kept.body.error));
  const readme = kept.body.directoryContents.find(f => f.path === 'README.md');
  assert.match(Buffer.from(readme.base64Content, 'base64').toString(), /Owned by A\./);
  assert.ok(kept.body.output.kept.includes('README.md'), JSON.stringify(kept.body.output.kept));
  assert.ok(stepLog(kept.body, 'second').includes('info: Kept existing README.md (replace is not set)'));

  steps[1].input.replace = true;
  const replaced = await dryRun({ steps, files: smallSkeleton, output: {} });
  assert.equal(replaced.status, 200, JSON.stringify(replaced.body.error));
  const again = replaced.body.directoryContents.find(f => f.path === 'README.md');
  assert.match(Buffer.from(again.base64Content, 'base64').toString(), /Owned by B\./);
});

test('a template error fails the step with the skeleton file, line and column', async () => {
  const { status, body } = await dryRun({
    steps: [{ id: 'fetch', action: FETCH_ACTION_ID, input: { url: './skeleton', values: { name: 'x' } } }],
    files: { 'skeleton/ok.txt': 'fine\n', 'skeleton/src/main.txt': 'line one\nvalue: ${{ values.name | }}\n' },
    output: {},
  });
  assert.equal(status, 400, JSON.stringify(body));
  assert.equal(body.error.name, 'InputError');
  assert.match(body.error.message, /^skeleton\/src\/main\.txt:2:\d+: /);

  const strict = await dryRun({
    steps: [{ id: 'fetch', action: FETCH_ACTION_ID, input: { url: './skeleton', values: {}, strict: true } }],
    files: { 'skeleton/a.txt': 'hello\n  ${{ values.nmae }}\n' },
    output: {},
  });
  assert.equal(strict.status, 400, JSON.stringify(strict.body));
  assert.match(strict.body.error.message, /^skeleton\/a\.txt:2:\d+: .*nmae/);

  // `limits` bound each file's render; the file that exceeds them is named.
  const bounded = await dryRun({
    steps: [{ id: 'fetch', action: FETCH_ACTION_ID, input: { url: './skeleton', limits: { workUnits: 50 } } }],
    files: { 'skeleton/small.txt': 'ok\n', 'skeleton/loop.txt': '{% for i in range(0, 1000) %}${{ i }}{% endfor %}\n' },
    output: {},
  });
  assert.equal(bounded.status, 400, JSON.stringify(bounded.body));
  assert.match(bounded.body.error.message, /^skeleton\/loop\.txt:1:\d+: /);
});

test('trellis:fetch:template refuses to write outside the workspace or the target', async () => {
  // targetPath leaving the workspace: refused as fetch:template refuses it (403).
  const target = await dryRun({
    steps: [{ id: 'fetch', action: FETCH_ACTION_ID, input: { url: './skeleton', targetPath: '../outside' } }],
    files: smallSkeleton,
    output: {},
  });
  assert.equal(target.status, 403, JSON.stringify(target.body));
  assert.equal(target.body.error.name, 'NotAllowedError');
  assert.match(target.body.error.message, /targetPath \.\.\/outside points outside the task workspace/);

  // A file name that renders to `../escape.txt`: Backstage refuses it too (after writing the files
  // before it); Trellis names the skeleton file and writes nothing.
  const files = { 'skeleton/a.txt': 'a\n', 'skeleton/${{ values.up }}/escape.txt': 'x\n' };
  const escaping = await dryRun({
    steps: [
      { id: 'fetch', action: FETCH_ACTION_ID, input: { url: './skeleton', targetPath: 'out', values: { up: '..' } } },
    ],
    files,
    output: {},
  });
  assert.equal(escaping.status, 400, JSON.stringify(escaping.body));
  assert.equal(escaping.body.error.name, 'InputError');
  assert.match(escaping.body.error.message, /^skeleton\/\$\{\{ values\.up \}\}: the path renders to `\.\.\/`/);

  // The skeleton url leaving the template's directory: refused by fetchContents, as for fetch:template.
  const url = await dryRun({
    steps: [{ id: 'fetch', action: FETCH_ACTION_ID, input: { url: '../../../etc' } }],
    files: smallSkeleton,
    output: {},
  });
  assert.equal(url.status, 403, JSON.stringify(url.body));
});

test('templateFileExtension with copyWithoutTemplating or cookiecutterCompat: the same InputError as Backstage', async () => {
  for (const extra of [{ copyWithoutTemplating: ['static'] }, { cookiecutterCompat: true }]) {
    const messages = [];
    for (const action of ['fetch:template', FETCH_ACTION_ID]) {
      const { status, body } = await dryRun({
        steps: [{ id: 'fetch', action, input: { url: './skeleton', templateFileExtension: true, ...extra } }],
        files: smallSkeleton,
        output: {},
      });
      assert.equal(status, 400, JSON.stringify(body));
      messages.push(`${body.error.name}: ${body.error.message}`);
    }
    assert.equal(messages[1], messages[0]);
    assert.equal(messages[1], 'InputError: Fetch action input extension incompatible with copyWithoutTemplating and cookiecutterCompat');
  }
});

test('the trellis:fetch:template examples run as written', async () => {
  const { body: actions } = await getJson('/v2/actions');
  const [plain, docs] = actions.find(a => a.id === FETCH_ACTION_ID).examples.map(e => parseYaml(e.example).steps);
  const first = await dryRun({ steps: plain, values: { name: 'orders', owner: 'team-a' }, files: smallSkeleton, output: {} });
  assert.equal(first.status, 200, JSON.stringify(first.body.error));
  assert.ok(first.body.directoryContents.some(f => f.path === 'orders/index.js'));
  const second = await dryRun({
    steps: docs,
    values: { name: 'orders' },
    files: { 'docs-skeleton/index.md': '# ${{ values.name }}\n', 'docs-skeleton/assets/logo.svg': '<svg>${{ x }}</svg>\n' },
    output: {},
  });
  assert.equal(second.status, 200, JSON.stringify(second.body.error));
  const index = second.body.directoryContents.find(f => f.path === 'docs/index.md');
  assert.equal(Buffer.from(index.base64Content, 'base64').toString(), '# orders\n');
});
