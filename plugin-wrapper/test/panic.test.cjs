'use strict';
// A panic in the Rust core (built with panic = "abort": a trap on wasm32) reaches JavaScript as
// an Error with code `internal_error` and the panic's text, and the next call on the same JS API
// (same options objects, same prepared contexts) works on a fresh instance. The panic is made by
// the test-only export `__trellisPanicForTest` (src/wasm/panic.rs, dist/core.js).

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
  assert.match(error.message, /src\/wasm\/panic\.rs:\d+:\d+/, 'the panic location is in the message');
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
  // The instance is replaced only once the outer render, still running in it, has ended; the
  // error is the inner panic's, whether the filter lets it through or swallows it.
  const options = { filters: { explode: () => __trellisPanicForTest('from inside a filter') } };
  assert.throws(
    () => trellis.renderString('${{ "x" | explode }}', {}, options),
    (e) => assertInternalError(e, 'from inside a filter'),
  );
  assert.equal(trellis.renderString('${{ "x" | upper }}', {}), 'X');
  const swallowing = {
    filters: {
      explode: () => {
        try {
          __trellisPanicForTest('swallowed by the filter');
        } catch {
          // a careless filter
        }
        return 'y';
      },
    },
  };
  assert.throws(
    () => trellis.renderString('${{ "x" | explode }}', {}, swallowing),
    (e) => assertInternalError(e, 'swallowed by the filter'),
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

test('1,000 panics leave no replaced instance alive and RSS grows by less than 32 MB', () => {
  // Each panic replaces the instance (the core panics with abort, so the instance is unsound).
  // Before the fix every replaced one stayed reachable (the require system's `module.children`
  // listed each reloaded pkg/trellis.js, and prepared contexts held their old core object),
  // about 1 MB each, and each reload compiled the module again. The child counts the
  // WebAssembly.Memory objects left on the heap after forced GCs (v8.queryObjects), so a
  // retained instance is counted, not guessed from RSS; RSS is checked too.
  const script = `
    const v8 = require('node:v8');
    const trellis = require(${JSON.stringify(path.join(root, 'dist/index.js'))});
    const { __trellisPanicForTest } = require(${JSON.stringify(path.join(root, 'dist/core.js'))});
    const settle = async () => { for (let i = 0; i < 3; i++) { global.gc(); await new Promise((r) => setImmediate(r)); } };
    const options = { strict: true, filters: { shout: (s) => s + '!' } };
    const kept = [];
    function round(i) {
      const prepared = trellis.prepareContext({ name: 'n' + i });
      // Contexts a caller keeps and never uses again, as a long-lived backend may.
      if (i % 10 === 0) kept.push(prepared.withValue('steps.a.output', { i }));
      if (trellis.renderString('\${{ name | shout }}', prepared, options) !== 'n' + i + '!') throw new Error('render');
      try { __trellisPanicForTest('soak'); } catch (e) { if (e.code !== 'internal_error') throw e; }
    }
    (async () => {
      for (let i = 0; i < 50; i++) round(i);
      await settle();
      const before = process.memoryUsage().rss;
      for (let i = 50; i < 1050; i++) { round(i); if (i % 50 === 0) await settle(); }
      await settle();
      const growth = process.memoryUsage().rss - before;
      const memories = v8.queryObjects(WebAssembly.Memory, { format: 'count' });
      // The kept contexts still work, in the current instance.
      const reused = trellis.renderValue('\${{ steps.a.output.i }}', kept[kept.length - 1]);
      console.log(JSON.stringify({ growth, memories, kept: kept.length, reused }));
    })().catch((e) => { console.error(e); process.exit(1); });
  `;
  const run = spawnSync(process.execPath, ['--expose-gc', '--no-warnings', '--max-old-space-size=128', '-e', script], {
    encoding: 'utf8',
    timeout: 300_000,
  });
  assert.equal(run.stderr, '');
  assert.equal(run.status, 0);
  const { growth, memories, kept, reused } = JSON.parse(run.stdout);
  assert.equal(kept, 105);
  assert.equal(reused, 1040);
  assert.equal(memories, 1, `${memories} wasm memories are alive after 1,050 panics: replaced instances are kept`);
  assert.ok(growth < 32 * 1024 * 1024, `RSS grew by ${(growth / 1048576).toFixed(1)} MB over 1,000 panics`);
});
