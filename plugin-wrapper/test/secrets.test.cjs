'use strict';
// A secret never appears in Trellis' errors: values of the context's `secrets` object and of
// the `secrets` render option are redacted from every render error message, also when
// transformed (reversed, upper-cased, base64 by a host filter, URL-encoded), and the engine's
// own messages never quote computed values. Parameter validation never quotes values at all.

const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');

const root = path.resolve(__dirname, '../..');
const trellis = require(path.join(root, 'dist/index.js'));

const SECRET = 'ghp_Sup3rS3cretT0ken';
const forms = [
  SECRET,
  [...SECRET].reverse().join(''),
  SECRET.toUpperCase(),
  SECRET.toLowerCase(),
  Buffer.from(SECRET).toString('base64').replace(/=+$/, ''),
  encodeURIComponent(`${SECRET}/x`),
  // Composed transforms.
  [...SECRET.toUpperCase()].reverse().join(''),
  Buffer.from([...SECRET].reverse().join('')).toString('base64').replace(/=+$/, ''),
  [...Buffer.from(SECRET).toString('base64').replace(/=+$/, '')].reverse().join(''),
];
const context = { parameters: { name: 'svc', repoUrl: 'github.com?owner=o&repo=r' }, secrets: { token: SECRET } };

function errorOf(render) {
  try {
    render();
  } catch (error) {
    return error;
  }
  assert.fail('the render did not fail');
}

function assertNoSecret(error) {
  for (const text of [error.message, error.reason, error.hint ?? '', JSON.stringify(error)]) {
    for (const form of forms) assert.ok(!text.includes(form), `leaked ${form}: ${text}`);
  }
}

test('an error right next to a secret does not show it', () => {
  const input = { token: '${{ secrets.token }}', owner: '${{ secrets.token | parseEntityRef }}' };
  const error = errorOf(() => trellis.renderInput(input, context));
  assert.equal(error.pointer, '/owner');
  assert.match(error.message, /Entity reference "\[secret\]" had missing or empty kind/);
  assertNoSecret(error);
});

test('transformed secrets are redacted too, including a host filter’s base64 and its own error text', () => {
  const options = {
    filters: {
      b64: (s) => Buffer.from(String(s)).toString('base64'),
      strictly: (s) => {
        throw new Error(`cannot use ${s}`);
      },
    },
  };
  for (const template of [
    '${{ secrets.token | reverse | parseEntityRef }}',
    '${{ secrets.token | upper | parseEntityRef }}',
    '${{ secrets.token | b64 | parseEntityRef }}',
    "${{ (secrets.token + '/x') | urlencode | parseEntityRef }}",
    '${{ secrets.token | strictly }}',
    '${{ secrets.token | b64 | strictly }}',
    '${{ secrets.token | reverse | upper | parseEntityRef }}',
    '${{ secrets.token | reverse | b64 | parseEntityRef }}',
    '${{ secrets.token | b64 | reverse | strictly }}',
  ]) {
    const error = errorOf(() => trellis.renderString(template, context, options));
    assert.match(error.message, /\[secret\]/, template);
    assertNoSecret(error);
  }
});

test('the engine never quotes a computed value; the secrets option covers values outside `secrets`', () => {
  const strict = { strict: true, secrets: ['tok-from-elsewhere'] };
  const error = errorOf(() => trellis.renderString('${{ parameters[secrets.token[2:]] }}', context, strict));
  assert.match(error.message, /a computed property name is not defined/);
  assertNoSecret(error);
  const elsewhere = errorOf(() =>
    trellis.renderString('${{ parameters.other | parseEntityRef }}', { parameters: { other: 'tok-from-elsewhere' } }, strict),
  );
  assert.ok(!elsewhere.message.includes('tok-from-elsewhere'), elsewhere.message);
});

test('parameter validation reports secrets by field, never by value', () => {
  const template = `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata: {name: s}
spec:
  secrets:
    schema:
      properties:
        token: {type: string, pattern: '^x', maxLength: 5}
  steps: []
`;
  const result = trellis.validateParameters(template, {}, { secrets: { token: SECRET } });
  assert.equal(result.valid, false);
  assert.deepEqual(result.errors.map((e) => e.keyword).sort(), ['maxLength', 'pattern']);
  assert.ok(!JSON.stringify(result).includes(SECRET));
});
