'use strict';
// The render API (renderString, renderValue, renderInput, prepareContext) from dist/index.js:
// Backstage's value semantics, host filters and globals, errors with positions, compat mode,
// and limits that leave the instance usable without growing its memory.

const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');

const root = path.resolve(__dirname, '../..');
const trellis = require(path.join(root, 'dist/index.js'));
const core = require(path.join(root, 'pkg/trellis.js'));
const { renderString, renderValue, renderInput, prepareContext } = trellis;

const context = {
  parameters: { name: 'svc', port: 8080, tags: ['a', 'b'], repoUrl: 'github.com?owner=acme&repo=svc', owner: 'group:default/team' },
  steps: {},
};

test('renderValue keeps the type of a lone expression and JSON-decodes a lone block', () => {
  assert.equal(renderValue('${{ parameters.port }}', context), 8080);
  assert.deepEqual(renderValue('${{ parameters.tags }}', context), ['a', 'b']);
  assert.equal(renderValue('${{ parameters.missing }}', context), undefined);
  assert.equal(renderValue('port ${{ parameters.port }}', context), 'port 8080');
  assert.equal(renderValue('{% if parameters.port > 80 %}true{% else %}false{% endif %}', context), true);
  assert.equal(renderValue('42', context), '42', 'text is never JSON-decoded');
  assert.deepEqual(renderValue('${{ parameters.repoUrl | parseRepoUrl }}', context), { host: 'github.com', owner: 'acme', repo: 'svc' });
  assert.deepEqual(renderValue('${{ parameters.owner | parseEntityRef }}', context), { kind: 'group', namespace: 'default', name: 'team' });
});

test('renderString prints values as JavaScript does', () => {
  assert.equal(renderString('${{ [1, none, "x"] }}|${{ {a: 1} }}|${{ 7 / 2 }}|${{ true }}|${{ nope }}', {}), '1,,x|[object Object]|3.5|true|');
  assert.equal(renderString('{% for t in parameters.tags %}${{ loop.index }}:${{ t | upper }} {% endfor %}', context), '1:A 2:B ');
});

test('renderInput walks a step input: undefined deletes keys, array holes become null', () => {
  const input = { name: '${{ parameters.name }}', gone: '${{ parameters.missing }}', list: ['${{ parameters.missing }}', 1], nested: { port: '${{ parameters.port }}' } };
  assert.deepEqual(renderInput(input, context), { name: 'svc', list: [null, 1], nested: { port: 8080 } });
});

test('a broken expression is an error located in the template, or the raw string in compat mode', () => {
  const input = { ok: '${{ parameters.name }}', bad: 'x ${{ parameters.name | nosuch }}' };
  assert.throws(() => renderInput(input, context), (error) => {
    assert.equal(error.code, 'evaluation_error');
    assert.equal(error.pointer, '/bad');
    assert.equal(error.line, 1);
    assert.equal(error.column, 25, 'the filter name');
    assert.match(error.message, /unknown filter `nosuch`/);
    return true;
  });
  assert.deepEqual(renderInput(input, context, { compat: 'backstage' }), { ok: 'svc', bad: 'x ${{ parameters.name | nosuch }}' });
  assert.throws(() => renderValue('${{ parameters.name', context), { code: 'syntax_error' });
});

test('a prepared context is reused and extended with withValue', () => {
  const prepared = prepareContext(context);
  const after = prepared.withValue('steps.fetch', { output: { remoteUrl: 'https://x' } });
  assert.equal(renderValue('${{ steps.fetch.output.remoteUrl }}', after), 'https://x');
  assert.equal(renderValue('${{ steps.fetch.output.remoteUrl }}', prepared), undefined, 'the original is unchanged');
  assert.equal(renderValue('${{ parameters.name }}', after), 'svc');
});

test('prepared contexts hold a bounded amount of wasm memory, however many are kept, and all still render', () => {
  // A caller preparing a context per task in a synchronous loop: finalizers never get to run.
  const before = core.memoryBytes();
  const kept = [];
  const blob = 'x'.repeat(16 * 1024);
  for (let i = 0; i < 3000; i++) kept.push(prepareContext({ parameters: { i, blob } }));
  // 48 MB of context JSON; 8 MiB of it is kept in the core.
  const grown = core.memoryBytes() - before;
  assert.ok(grown <= 16 * 1024 * 1024, `wasm memory grew by ${grown} bytes for 3,000 kept contexts`);
  assert.equal(renderValue('${{ parameters.i }}', kept[0]), 0, 'the first one is made again');
  assert.equal(renderValue('${{ parameters.i }}', kept[2999]), 2999);
  // A chain of withValue copies longer than what is kept.
  let chain = prepareContext({ parameters: { n: 0 } });
  for (let n = 1; n <= 200; n++) chain = chain.withValue(`steps.s${n}.output`, { n });
  assert.equal(renderValue('${{ steps.s1.output.n + steps.s200.output.n }}', chain), 201);
});

test('contexts prepared and dropped are freed early; contexts used in turn are kept as they are needed', () => {
  // Counts the core contexts made and freed: render.ts makes them through the glue's exports.
  const { prepareContextJson } = core;
  const { free } = core.PreparedContext.prototype;
  let made = 0;
  let freed = 0;
  core.prepareContextJson = (json) => {
    made += 1;
    return prepareContextJson(json);
  };
  core.PreparedContext.prototype.free = function countedFree() {
    freed += 1;
    return free.call(this);
  };
  try {
    // A loop preparing a context per task and dropping it: only the last ones stay in the core.
    for (let i = 0; i < 1000; i++) assert.equal(renderInput({ n: '${{ parameters.i }}' }, prepareContext({ parameters: { i } })).n, i);
    assert.equal(made, 1000);
    assert.ok(freed >= 1000 - 128, `${freed} of 1,000 dropped contexts freed`);

    // 300 contexts used in turn: the bound grows to hold them, instead of remaking each every time.
    const contexts = Array.from({ length: 300 }, (_, i) => prepareContext({ parameters: { i } }));
    made = 0;
    const round = () => contexts.forEach((c, i) => assert.equal(renderValue('${{ parameters.i }}', c), i));
    round();
    round();
    const afterTwoRounds = made;
    assert.ok(afterTwoRounds < 300, `${afterTwoRounds} contexts made again in two rounds over 300`);
    round();
    assert.equal(made, afterTwoRounds, 'the third round finds them all');
  } finally {
    core.prepareContextJson = prepareContextJson;
    core.PreparedContext.prototype.free = free;
  }
});

test('text of every kind crosses into the core and back intact', () => {
  // Strings enter wasm memory through TextEncoder.encodeInto (scripts/glue-encode-into.cjs
  // rewrites the glue's copy): ASCII fits the first block, the rest needs the grown one.
  const glue = require('node:fs').readFileSync(path.join(root, 'pkg/trellis.js'), 'utf8');
  assert.match(glue, /encodeInto over the whole string \(scripts\/glue-encode-into\.cjs\)/);
  const texts = ['', 'abc', 'héllo', '😀', 'a😀b', `${'x'.repeat(5000)}é`, 'é'.repeat(3000), '日本語'.repeat(100), `${'a'.repeat(100000)}${'😀'.repeat(10)}`];
  for (const text of texts) {
    assert.equal(renderString(`\${{ v }}${text}`, { v: text }), text + text, JSON.stringify(text).slice(0, 40));
    assert.deepEqual(renderInput({ [text]: [`<${text}>`, '${{ v }}'] }, { v: text }), { [text]: [`<${text}>`, text] });
  }
  assert.equal(renderString('x\ud800y', {}), 'x\ufffdy', 'a lone surrogate becomes U+FFFD, as TextEncoder makes it');
});

test('host filters and globals receive JSON copies and must be synchronous', () => {
  const seen = [];
  const options = {
    filters: { shout: (s, suffix) => `${String(s).toUpperCase()}${suffix ?? '!'}`, mutate: (o) => { o.changed = true; seen.push(o); return o; } },
    globals: { twice: (n) => n * 2, answer: 42, later: () => Promise.resolve(1) },
  };
  assert.equal(renderValue('${{ parameters.name | shout("?") }}', context, options), 'SVC?');
  assert.equal(renderValue('${{ twice(answer) }}', context, options), 84);
  const record = { a: 1 };
  assert.deepEqual(renderValue('${{ r | mutate }}', { r: record }, options), { a: 1, changed: true });
  assert.deepEqual(record, { a: 1 }, 'the filter got a copy');
  assert.throws(() => renderValue('${{ later() }}', context, options), /synchronous/);
  assert.throws(() => renderValue('${{ parameters.name | shout(x=1) }}', context, options), /positional/);
});

test('equal options share one core renderer, written inline or reused; different options get their own', () => {
  // Counts the core's Renderer constructions: render.ts makes them through the glue's export.
  const Original = core.Renderer;
  let made = 0;
  core.Renderer = class extends Original {
    constructor(...args) {
      super(...args);
      made += 1;
    }
  };
  try {
    const shout = (s) => String(s).toUpperCase();
    const render = (options) => renderValue('${{ parameters.name | shout }}', context, options);
    for (let i = 0; i < 50; i++) assert.equal(render({ compat: 'backstage', filters: { shout } }), 'SVC');
    assert.equal(made, 1, 'fifty inline options objects of equal value, one renderer');
    const reused = { compat: 'backstage', filters: { shout } };
    render(reused);
    render(reused);
    assert.equal(made, 1, 'a reused object of the same value shares it');

    assert.equal(render({ compat: 'backstage', filters: { shout: (s) => `${s}!` } }), 'svc!', 'another function');
    assert.equal(render({ filters: { shout } }), 'SVC', 'other option values');
    assert.equal(made, 3);
    const global = (x) => renderValue('${{ x }}', {}, { globals: { x } });
    assert.equal(global(1), 1);
    assert.equal(global(1), 1);
    assert.equal(global({ a: [2] }).a[0], 2, 'global values are keyed by their JSON');
    assert.equal(made, 5);

    // An options object changed between calls renders with its new value.
    const mutable = { globals: { x: 1 } };
    assert.equal(renderValue('${{ x }}', {}, mutable), 1);
    mutable.globals.x = 2;
    assert.equal(renderValue('${{ x }}', {}, mutable), 2);

    // Bounded: after many other option sets, the first is made again.
    made = 0;
    const limits = (n) => renderValue('${{ 1 }}', {}, { limits: { workUnits: 1000 + n } });
    for (let n = 0; n < 100; n++) limits(n);
    assert.equal(made, 100);
    limits(99);
    assert.equal(made, 100, 'a recent one is kept');
    limits(0);
    assert.equal(made, 101, 'the oldest was let go');
  } finally {
    core.Renderer = Original;
  }
});

test('always() and failure() exist as in the workflow runner; a host global replaces them', () => {
  assert.equal(renderValue('${{ always() }}', {}), true);
  assert.equal(renderValue('${{ failure() }}', {}), false);
  assert.equal(renderValue('${{ failure() }}', {}, { globals: { failure: () => true } }), true);
});

test('parseRepoUrl knows the configured integrations', () => {
  assert.throws(() => renderValue('${{ "git.example.com?owner=a&repo=b" | parseRepoUrl }}', {}), /No matching integration configuration for host git\.example\.com/);
  const options = { integrations: { 'git.example.com': 'gitlab' } };
  assert.deepEqual(renderValue('${{ "git.example.com?owner=a&repo=b" | parseRepoUrl }}', {}, options), { host: 'git.example.com', owner: 'a', repo: 'b' });
});

test('limits end runaway templates with a clear error; the instance stays usable and memory settles', () => {
  const options = { limits: { workUnits: 100000, outputCodeUnits: 1000000 } };
  assert.throws(() => renderString('{% for i in range(100000000) %}x{% endfor %}', {}, options), (e) => e.code === 'limit_error' && /work units/.test(e.message));
  assert.throws(() => renderString('{% for i in range(50000) %}${{ "0123456789" * 1 }}0123456789012345678901234567890{% endfor %}', {}, options), { code: 'limit_error' });
  assert.equal(renderValue('${{ 1 + 1 }}', {}, options), 2, 'the next render works');
  const before = core.memoryBytes();
  for (let i = 0; i < 200; i++) {
    assert.throws(() => renderString('{% for i in range(50000) %}xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx{% endfor %}', {}, options), { code: 'limit_error' });
  }
  const grown = core.memoryBytes() - before;
  assert.ok(grown <= 4 * 1024 * 1024, `memory grew by ${grown} bytes over 200 failed renders`);
});

test('deep nesting and long sources are refused, not crashed on', () => {
  for (const deep of [
    '${{ ' + '['.repeat(10000) + ']'.repeat(10000) + ' }}',
    '${{ ' + 'not '.repeat(10000) + 'x }}',
    '{% if x %}'.repeat(10000) + '{% endif %}'.repeat(10000),
    '${{ ' + '('.repeat(10000) + '1' + ')'.repeat(10000) + ' }}',
  ]) {
    assert.throws(() => renderValue(deep, {}), (e) => e.code === 'syntax_error' && /nests deeper than 200/.test(e.message));
  }
  assert.equal(renderValue('${{ ' + '['.repeat(150) + '1' + ']'.repeat(150) + ' | length }}', {}), 1, '150 levels are fine');
  // The instance is still usable after refusing them.
  assert.equal(renderValue('${{ 2 * 3 }}', {}), 6);
  assert.throws(() => renderString('x'.repeat(2000), {}, { limits: { sourceCodeUnits: 1000 } }), { code: 'limit_error' });
});
