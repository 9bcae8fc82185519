'use strict';
// A panic in the Rust core (built with panic = "abort": a trap on wasm32) reaches JavaScript as
// an Error with code `internal_error` and the panic's text, and the next call on the same JS API
// (same options objects, same prepared contexts) works on a fresh instance. The panic is made by
// the test-only export `__trellisPanicForTest` (src/wasm.rs, dist/core.js).

const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const root = path.resolve(__dirname, '../..');
const trellis = require(path.join(root, 'dist/index.js'));
const { __trellisPanicForTest } = require(path.join(root, 'dist/core.js'));

const template = `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata: {name: demo}
spec:
  parameters:
    - required: [name]
      properties: {name: {type: string}}
  steps:
    - id: log
      action: debug:log
      input: {message: '\${{ parameters.name }}'}
`;

function assertInternalError(error, text) {
  assert.ok(error instanceof Error);
  assert.ok(!(error instanceof WebAssembly.RuntimeError), 'the trap itself does not reach the caller');
  assert.equal(error.code, 'internal_error');
  assert.match(error.message, new RegExp(text));
  assert.match(error.message, /src\/wasm\.rs:\d+:\d+/, 'the panic location is in the message');
  assert.match(error.hint, /report/);
  assert.ok(error.cause instanceof WebAssembly.RuntimeError);
  return true;
}

test('a panic becomes an internal_error Error and every API works again afterwards', () => {
  const options = { filters: { shout: (s) => `${s}!` } };
  const prepared = trellis.prepareContext({ parameters: { name: 'svc' } });
  const derived = prepared.withValue('steps.fetch.output', { path: 'x' });
  const checkedBefore = trellis.checkTemplate(template);
  assert.equal(trellis.renderString('${{ parameters.name | shout }}', prepared, options), 'svc!');

  assert.throws(() => __trellisPanicForTest('deliberate test panic'), (e) => assertInternalError(e, 'deliberate test panic'));

  // The same options object and prepared contexts, made by the discarded instance, still work.
  assert.equal(trellis.renderString('${{ parameters.name | shout }}', prepared, options), 'svc!');
  assert.equal(trellis.renderValue('${{ steps.fetch.output.path }}', derived), 'x');
  assert.deepEqual(trellis.renderInput({ a: '${{ parameters.name }}' }, { parameters: { name: 'p' } }), { a: 'p' });
  assert.equal(trellis.renderString('${{ 1 + 1 }}', {}), '2');
  assert.equal(trellis.validateParameters(template, {}).errors[0].message, 'name: is required');
  assert.deepEqual(trellis.checkTemplate(template), checkedBefore);
  assert.deepEqual(trellis.checkTemplateSyntax('${{ x }}'), { ok: true });

  // Twice in a row, too.
  assert.throws(() => __trellisPanicForTest('second'), (e) => assertInternalError(e, 'second'));
  assert.equal(trellis.renderString('${{ parameters.name | shout }}', prepared, options), 'svc!');
});

test('a panic inside a call made from a host filter fails that render and the next one works', () => {
  const options = { filters: { explode: () => __trellisPanicForTest('from inside a filter') } };
  assert.throws(
    () => trellis.renderString('${{ "x" | explode }}', {}, options),
    (e) => e.code === 'evaluation_error' || e.code === 'internal_error',
  );
  assert.equal(trellis.renderString('${{ "x" | upper }}', {}), 'X');
});

test('objects of a discarded instance are collected without touching it', () => {
  // A child process with --expose-gc: cached renderers and prepared contexts of the faulted
  // instance are dropped and collected; their finalizers must not call into the old instance.
  const script = `
    const trellis = require(${JSON.stringify(path.join(root, 'dist/index.js'))});
    const { __trellisPanicForTest } = require(${JSON.stringify(path.join(root, 'dist/core.js'))});
    let options = { strict: true };
    let prepared = trellis.prepareContext({ a: 1 });
    trellis.renderString('\${{ a }}', prepared, options);
    try { __trellisPanicForTest('x'); } catch (e) { if (e.code !== 'internal_error') throw e; }
    options = undefined; prepared = undefined;
    for (let i = 0; i < 200; i++) trellis.renderString('\${{ a }}', trellis.prepareContext({ a: i }), { strict: true });
    global.gc();
    setTimeout(() => { global.gc(); console.log(trellis.renderString('\${{ a }}', { a: 'ok' })); }, 50);
  `;
  const run = spawnSync(process.execPath, ['--expose-gc', '-e', script], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(run.stderr, '');
  assert.equal(run.status, 0);
  assert.equal(run.stdout.trim(), 'ok');
});
