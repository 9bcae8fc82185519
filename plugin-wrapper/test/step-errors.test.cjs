'use strict';
// What the task log shows when a trellis action refuses a step's input. The scaffolder logs a
// failed step as String(error.stack) (markFailed in scaffolder-backend's NunjucksWorkflowRunner);
// the Trellis actions make that the error's name and message, without the frames of the action and
// the scaffolder under it. The real-app test (tests/real-app/install.test.cjs) reads it from a
// real task's events for trellis:parameters:validate; here each action is called as the
// scaffolder calls it.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { ConfigReader } = require('@backstage/config');
const { ScmIntegrations } = require('@backstage/integration');

const trellis = require('../../dist/index.js');

const silentLogger = { info() {}, warn() {}, error() {}, debug() {}, child() { return this; } };

/** Runs `action` with `input` and a context as the scaffolder gives one; returns what it threw. */
async function thrown(action, input, context) {
  try {
    await action.handler({
      input,
      workspacePath: __dirname,
      logger: silentLogger,
      secrets: {},
      output() {},
      createTemporaryDirectory: async () => assert.fail('not reached'),
      ...context,
    });
  } catch (error) {
    return error;
  }
  return assert.fail('the step succeeded');
}

const fetchTemplate = () =>
  trellis.createFetchTemplateAction({
    reader: {},
    integrations: ScmIntegrations.fromConfig(new ConfigReader({})),
  });

test('trellis:parameters:validate: refused values are logged as the InputError and its message only', async () => {
  const error = await thrown(trellis.createParametersValidateAction(), {
    schema: { required: ['name'] },
    values: {},
  });
  assert.equal(String(error.stack), 'InputError: Parameter validation failed with 1 error: name: is required');
});

test('trellis:template:check: a path outside the workspace is logged as the InputError only', async () => {
  const error = await thrown(trellis.createTemplateCheckAction(), { path: '../../package.json' });
  assert.equal(error.name, 'InputError');
  assert.equal(String(error.stack), `InputError: ${error.message}`);
  assert.match(error.message, /points outside the task workspace/);
});

test('trellis:fetch:template: conflicting inputs and a target outside the workspace are logged without frames', async () => {
  const conflict = await thrown(fetchTemplate(), { url: './skeleton', templateFileExtension: true, copyWithoutTemplating: ['x'] });
  assert.equal(
    String(conflict.stack),
    'InputError: Fetch action input extension incompatible with copyWithoutTemplating and cookiecutterCompat',
  );
  const outside = await thrown(fetchTemplate(), { url: './skeleton', targetPath: '../..' });
  assert.equal(outside.name, 'NotAllowedError');
  assert.equal(String(outside.stack), `NotAllowedError: ${outside.message}`);
});

test('an error that is not about the step input keeps its stack for the maintainer', async () => {
  const error = await thrown(fetchTemplate(), { url: 'https://example.com/skeleton' }, {
    templateInfo: { baseUrl: 'https://example.com/template.yaml' },
    createTemporaryDirectory: async () => {
      throw new Error('ENOSPC: no space left on device, mkdtemp');
    },
  });
  assert.equal(error.message, 'ENOSPC: no space left on device, mkdtemp');
  const frames = String(error.stack).split('\n').slice(1);
  assert.ok(frames.some((line) => line.includes(path.join('dist', 'actions', 'fetchTemplate.js'))), error.stack);
});
