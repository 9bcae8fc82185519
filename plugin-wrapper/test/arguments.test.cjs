'use strict';
// Wrong argument types to every public function are TypeErrors naming the function and the
// argument, raised before anything reaches the core: wasm-bindgen's glue does not check types, and
// a number where the core takes a string used to trap inside wasm ("memory access out of bounds"),
// which cost a whole instance (issue 13, item 2a). An options field of the wrong type, which the
// core finds while reading the options, is a TypeError too.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '../..');
const trellis = require(path.join(root, 'dist/index.js'));

const template = fs.readFileSync(path.join(root, 'examples/template-gate/template.yaml'), 'utf8');
const reader = trellis.fileSkeletonReader(root);
const cyclic = {};
cyclic.self = cyclic;

const primitives = { number: 42, boolean: true, symbol: Symbol('s'), bigint: 10n, function: () => 'x' };
const objects = { object: { a: 1 }, array: ['x'], Date: new Date(0), Proxy: new Proxy({}, {}) };
/** Everything that is not a string (null and undefined included). */
const notStrings = { ...primitives, ...objects, null: null, undefined: undefined };
/** Not an object: primitives, arrays, Dates (their JSON form is a string). */
const notContexts = { ...primitives, string: 'text', array: ['x'], Date: new Date(0) };
/** Not an options object (null and undefined mean "no options"). */
const notOptions = { ...primitives, string: 'text', array: ['x'] };
/** What JSON cannot hold. */
const notJson = { symbol: Symbol('s'), bigint: 10n, function: () => 'x', cyclic };
const notReaders = { ...primitives, string: 'text', object: { a: 1 }, array: ['x'], Date: new Date(0), null: null };
const { null: _none, ...notOptionalReaders } = notReaders;
const notEntryLists = { ...primitives, string: 'text', object: { a: 1 }, null: null, undefined: undefined };
const notBytes = { ...primitives, string: 'text', array: [1, 2], object: { a: 1 }, null: null, undefined: undefined };

/** [function name, argument, call taking the wrong value, wrong values] */
const cases = [
  ['renderString', 'the template', (v) => trellis.renderString(v, {}), notStrings],
  ['renderString', 'the context', (v) => trellis.renderString('${{ 1 }}', v), notContexts],
  ['renderString', 'options', (v) => trellis.renderString('${{ 1 }}', {}, v), notOptions],
  ['renderString', 'options.filters', (v) => trellis.renderString('${{ 1 }}', {}, { filters: v }), notOptions],
  ['renderValue', 'the template', (v) => trellis.renderValue(v, {}), notStrings],
  ['renderValue', 'the context', (v) => trellis.renderValue('${{ 1 }}', v), notContexts],
  ['renderInput', 'the input', (v) => trellis.renderInput(v, {}), notJson],
  ['renderInput', 'the context', (v) => trellis.renderInput('x', v), notContexts],
  ['prepareContext', 'the context', (v) => trellis.prepareContext(v), { ...notContexts, ...notJson }],
  ['withValue', 'the path', (v) => trellis.prepareContext({}).withValue(v, 1), notStrings],
  ['withValue', 'the value', (v) => trellis.prepareContext({}).withValue('a', v), notJson],
  ['validateParameters', 'the template', (v) => trellis.validateParameters(v, {}), { ...primitives, array: ['x'], Date: new Date(0), null: null }],
  ['validateParameters', 'values', (v) => trellis.validateParameters(template, v), { ...notContexts, null: null, Proxy: new Proxy(new Map(), {}) }],
  ['validateParameters', 'options', (v) => trellis.validateParameters(template, {}, v), notOptions],
  ['validateParameters', 'options.path', (v) => trellis.validateParameters(template, {}, { path: v }), { ...primitives, ...objects }],
  ['checkTemplateSyntax', 'the source', (v) => trellis.checkTemplateSyntax(v), notStrings],
  ['checkTemplateSyntax', 'options', (v) => trellis.checkTemplateSyntax('x', v), notOptions],
  ['checkTemplate', 'the source', (v) => trellis.checkTemplate(v), notStrings],
  ['checkTemplate', 'options', (v) => trellis.checkTemplate(template, v), notOptions],
  ['checkTemplate', 'options.path', (v) => trellis.checkTemplate(template, { path: v }), { ...primitives, ...objects }],
  ['checkTemplate', 'options.skeletons', (v) => trellis.checkTemplate(template, { skeletons: v }), notOptionalReaders],
  ['checkFiles', 'files', (v) => trellis.checkFiles(v), notEntryLists],
  ['checkFiles', 'files[0]', (v) => trellis.checkFiles([v]), { ...primitives, string: 'text', null: null }],
  ['checkFiles', 'files[0].path', (v) => trellis.checkFiles([{ path: v, source: template }]), notStrings],
  ['checkFiles', 'files[0].source', (v) => trellis.checkFiles([{ path: 't.yaml', source: v }]), notStrings],
  ['checkFiles', 'options', (v) => trellis.checkFiles([], v), notOptions],
  ['checkFiles', 'options.manifest', (v) => trellis.checkFiles([], { manifest: v }), { ...primitives, ...objects }],
  ['checkFiles', 'options.skeletons', (v) => trellis.checkFiles([], { skeletons: v }), notOptionalReaders],
  ['actionManifest', 'the instance manifest', (v) => trellis.actionManifest(v), { ...primitives, ...objects }],
  ['renderSkeleton', 'files', (v) => trellis.renderSkeleton(v, {}), notEntryLists],
  ['renderSkeleton', 'files[0]', (v) => trellis.renderSkeleton([v], {}), { ...primitives, string: 'text', null: null, undefined: undefined }],
  ['renderSkeleton', 'files[0].path', (v) => trellis.renderSkeleton([{ path: v, content: 'x' }], {}), notStrings],
  ['renderSkeleton', 'files[0].content', (v) => trellis.renderSkeleton([{ path: 'a', content: v }], {}), { ...primitives, ...objects, null: null }],
  ['renderSkeleton', 'files[0].mode', (v) => trellis.renderSkeleton([{ path: 'a', content: 'x', mode: v }], {}), { ...objects, string: '644', symbol: Symbol('s'), bigint: 1n, null: null }],
  ['renderSkeleton', 'files[0].symlink', (v) => trellis.renderSkeleton([{ path: 'a', type: 'symlink', symlink: v }], {}), { ...primitives, ...objects, null: null }],
  ['renderSkeleton', 'files[0].type', (v) => trellis.renderSkeleton([{ path: 'a', type: v }], {}), { ...primitives, string: 'folder' }],
  ['renderSkeleton', 'values', (v) => trellis.renderSkeleton([], v), notContexts],
  ['renderSkeleton', 'options', (v) => trellis.renderSkeleton([], {}, v), notOptions],
  ['isBinaryContent', 'bytes', (v) => trellis.isBinaryContent(v), notBytes],
  ['readSkeletonDir', 'the directory', (v) => trellis.readSkeletonDir(v), notStrings],
  ['readSkeletonDir', 'options', (v) => trellis.readSkeletonDir(root, v), notOptions],
  ['writeSkeleton', 'the result', (v) => trellis.writeSkeleton(v, path.join(os.tmpdir(), 'never-written')), { ...primitives, string: 'text', null: null }],
  ['writeSkeleton', 'result.files', (v) => trellis.writeSkeleton({ files: v, skipped: [] }, path.join(os.tmpdir(), 'never-written')), notEntryLists],
  ['writeSkeleton', 'the target directory', (v) => trellis.writeSkeleton({ files: [], skipped: [] }, v), notStrings],
  ['dryRunTemplate', 'the source', (v) => trellis.dryRunTemplate(v, reader), notStrings],
  ['dryRunTemplate', 'the reader', (v) => trellis.dryRunTemplate(template, v), { ...notReaders, undefined: undefined }],
  ['dryRunTemplate', 'options', (v) => trellis.dryRunTemplate(template, reader, v), notOptions],
  ['compareTrees', 'golden', (v) => trellis.compareTrees(v, []), notEntryLists],
  ['compareTrees', 'rendered', (v) => trellis.compareTrees([], v), notEntryLists],
  ['compareTrees', 'secrets', (v) => trellis.compareTrees([], [], v), notOptions],
];

for (const [fn, argument, call, values] of cases) {
  test(`${fn}: ${argument} of the wrong type is a TypeError`, () => {
    for (const [kind, value] of Object.entries(values)) {
      assert.throws(
        () => call(value),
        (error) => {
          assert.ok(
            error instanceof TypeError,
            `${fn}(${argument} = ${kind}): expected a TypeError, got ${error?.code ?? error?.name}: ${error?.message}`,
          );
          assert.notEqual(error.code, 'internal_error');
          assert.ok(error.message.startsWith(`${fn}: ${argument}`), `${fn}(${argument} = ${kind}): ${error.message}`);
          return true;
        },
        `${fn}(${argument} = ${kind}) did not throw`,
      );
    }
  });
}

test('an options field of the wrong type, found by the core, is a TypeError too', () => {
  for (const call of [
    () => trellis.renderString('x', {}, { strict: 'yes' }),
    () => trellis.checkFiles([], { ignore: 'step-reference' }),
    () => trellis.dryRunTemplate(template, reader, { applyDefaults: 'yes' }),
    () => trellis.renderSkeleton([], {}, { cookiecutterCompat: 1 }),
  ]) {
    assert.throws(call, (error) => error instanceof TypeError && error.rule === 'invalid-argument' && /invalid options/.test(error.message));
  }
});

test('what the wrapper accepted before still works: null and undefined contexts and options, Proxies, Buffers', () => {
  assert.equal(trellis.renderString('${{ 1 + 1 }}', undefined), '2');
  assert.equal(trellis.renderString('${{ 1 + 1 }}', null, null), '2');
  assert.equal(trellis.renderString('${{ a }}', new Proxy({ a: 'p' }, {})), 'p');
  assert.equal(trellis.renderValue('${{ a }}', trellis.prepareContext({ a: 3 })), 3);
  assert.equal(trellis.renderInput(undefined, {}), null);
  assert.equal(trellis.prepareContext(undefined).withValue('a', undefined) instanceof trellis.PreparedContext, true);
  assert.equal(trellis.isBinaryContent(Buffer.from([0, 1, 2, 0])), true);
  assert.deepEqual(trellis.checkTemplate(template, null), trellis.checkTemplate(template));
  assert.equal(trellis.checkTemplateSyntax('${{ x }}', undefined).ok, true);
  assert.equal(trellis.actionManifest(null).actions.length > 0, true);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-arguments-'));
  try {
    const result = trellis.renderSkeleton([{ path: 'a.txt', content: '${{ values.x }}' }], { x: 1 }, null);
    trellis.writeSkeleton(result, path.join(dir, 'out'), null);
    assert.equal(fs.readFileSync(path.join(dir, 'out', 'a.txt'), 'utf8'), '1');
    assert.equal(trellis.readSkeletonDir(path.join(dir, 'out'), null).length, 1);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
