'use strict';
// The scaffolder manifest (schemas/manifest/): the checked-in snapshot is regenerated from a real
// scaffolder-backend and compared, and `trellis manifest --url` is run as a child process against
// a real backend with the Trellis module, and against hosts that fail.
const { describe, test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const { mockCredentials } = require('@backstage/backend-test-utils');
const { collectManifest, startBackend } = require('../../scripts/snapshot-manifest.cjs');
const { formatManifest, normalizeManifest, ManifestError } = require('../../dist/manifest.js');
const { freePort } = require('./support/net.cjs');
const { makeTempDir } = require('./support/temp.cjs');

const root = path.resolve(__dirname, '..', '..');
const cli = path.join(root, 'dist', 'cli.js');
const SNAPSHOT = path.join(root, 'schemas', 'manifest', 'backstage-scaffolder-4.3.0.json');
const snapshotText = fs.readFileSync(SNAPSHOT, 'utf8');
const snapshot = JSON.parse(snapshotText);

const BUILTIN_ACTIONS = [
  'catalog:fetch',
  'catalog:register',
  'catalog:write',
  'debug:log',
  'debug:wait',
  'fetch:plain',
  'fetch:plain:file',
  'fetch:template',
  'fetch:template:file',
  'fs:delete',
  'fs:readdir',
  'fs:rename',
];

/**
 * Runs `node dist/cli.js ...args` asynchronously: the backend under test serves from this
 * process, so a synchronous spawn would block it. BACKSTAGE_TOKEN is cleared so that only
 * --token counts.
 */
function trellis(...args) {
  return new Promise((resolve, reject) => {
    const env = { ...process.env };
    delete env.BACKSTAGE_TOKEN;
    const child = spawn(process.execPath, [cli, ...args], { cwd: root, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', chunk => (stdout += chunk));
    child.stderr.on('data', chunk => (stderr += chunk));
    child.on('error', reject);
    child.on('close', status => resolve({ status, stdout, stderr }));
  });
}

function tempPath(name) {
  return path.join(makeTempDir('trellis-manifest-'), name);
}

/** A port nothing listens on. */
const closedPort = freePort;

describe('the checked-in manifest of scaffolder-backend 4.3.0', () => {
  let fresh;
  before(
    async () => {
      fresh = await collectManifest();
    },
    { timeout: 180_000 },
  );

  test('is what a real scaffolder-backend 4.3.0 serves, byte for byte', () => {
    assert.equal(fresh.source.packages['@backstage/plugin-scaffolder-backend'], '4.3.0');
    assert.deepEqual(fresh, snapshot, 'regenerate with `npm run snapshot-manifest` and review the diff');
    assert.equal(formatManifest(fresh), snapshotText);
  });

  test('lists the built-in actions only, sorted by id, each with a draft-07 input schema', () => {
    assert.deepEqual(
      snapshot.actions.map(a => a.id),
      BUILTIN_ACTIONS,
    );
    for (const action of snapshot.actions) {
      assert.ok(action.description, `${action.id} has a description`);
      assert.equal(typeof action.schema.input, 'object', action.id);
      assert.equal(action.schema.input.$schema, 'http://json-schema.org/draft-07/schema#', action.id);
      assert.ok(action.examples.length > 0, `${action.id} has examples`);
    }
    assert.deepEqual(
      snapshot.actions.filter(a => a.schema.output).map(a => a.id),
      ['catalog:fetch', 'fs:readdir'],
    );
  });

  test('fetch:template: its inputs, and no output schema (as served)', () => {
    const action = snapshot.actions.find(a => a.id === 'fetch:template');
    const { input } = action.schema;
    for (const name of ['url', 'targetPath', 'values', 'copyWithoutTemplating', 'templateFileExtension']) {
      assert.ok(input.properties[name], `fetch:template has input ${name}`);
    }
    assert.deepEqual(input.required, ['url']);
    assert.equal(input.additionalProperties, false);
    assert.deepEqual(input.properties.templateFileExtension.type, ['string', 'boolean']);
    assert.deepEqual(Object.keys(action.schema), ['input']);
  });

  test('filters: parseEntityRef, parseRepoUrl, pick, projectSlug; no globals', () => {
    assert.deepEqual(
      snapshot.filters.map(f => f.name),
      ['parseEntityRef', 'parseRepoUrl', 'pick', 'projectSlug'],
    );
    const parseRepoUrl = snapshot.filters.find(f => f.name === 'parseRepoUrl');
    assert.equal(parseRepoUrl.schema.input.type, 'string');
    assert.deepEqual(parseRepoUrl.schema.output.required, ['repo', 'host']);
    const parseEntityRef = snapshot.filters.find(f => f.name === 'parseEntityRef');
    assert.equal(parseEntityRef.schema.arguments.length, 1);
    assert.ok(parseEntityRef.examples.every(e => typeof e.example === 'string' && typeof e.notes === 'string'));
    assert.deepEqual(snapshot.globals, { functions: [], values: [] });
  });
});

test('normalizeManifest: records become sorted arrays, record-form extensions keep only their name', () => {
  const source = { generatedBy: 'test' };
  const manifest = normalizeManifest(
    [
      { id: 'b:action', examples: [{ description: 'd', example: 'steps: []' }], zeta: 1, description: 'B', alpha: true },
      { id: 'a:action' },
    ],
    {
      filters: { shout: {}, Upper: { description: 'u' } },
      globals: { functions: { twice: {} }, values: { answer: { value: 42 }, dflt: { value: { z: 1, a: 2 }, description: 'x' } } },
    },
    source,
  );
  assert.equal(
    formatManifest(manifest),
    `${JSON.stringify(
      {
        source,
        actions: [
          { id: 'a:action', schema: {} },
          { id: 'b:action', description: 'B', schema: {}, examples: [{ description: 'd', example: 'steps: []' }], alpha: true, zeta: 1 },
        ],
        filters: [{ name: 'Upper', description: 'u' }, { name: 'shout' }],
        globals: { functions: [{ name: 'twice' }], values: [{ name: 'answer', value: 42 }, { name: 'dflt', value: { z: 1, a: 2 }, description: 'x' }] },
      },
      null,
      2,
    )}\n`,
  );
  assert.deepEqual(normalizeManifest([], { filters: {} }, source).globals, { functions: [], values: [] });
  assert.throws(() => normalizeManifest({ actions: [] }, {}, source), ManifestError);
  assert.throws(() => normalizeManifest([{ name: 'x' }], {}, source), /item 0 is not an action/);
  assert.throws(() => normalizeManifest([], [], source), /templating-extensions: expected an object/);
  assert.throws(() => normalizeManifest([], { filters: { f: 'x' } }, source), /filters\.f: expected an object, got a string/);
});

describe('trellis manifest --url against a real backend with the Trellis module', () => {
  let server;
  before(
    async () => {
      server = await startBackend({ features: [require('../../dist/index.js').default] });
    },
    { timeout: 180_000 },
  );
  after(async () => {
    if (server) await server.stop();
  });

  test('with a token: writes the built-ins and the Trellis actions to --out', async () => {
    const out = tempPath('manifest.json');
    const run = await trellis('manifest', '--url', server.url, '--token', mockCredentials.user.token(), '--out', out);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /^wrote .*manifest\.json: \d+ actions, 4 filters, 0 global functions, 0 global values\n$/);

    const text = fs.readFileSync(out, 'utf8');
    assert.ok(text.endsWith('}\n'));
    const manifest = JSON.parse(text);
    assert.deepEqual(manifest.source, { generatedBy: 'trellis manifest', url: server.url });
    const validate = manifest.actions.find(a => a.id === 'trellis:parameters:validate');
    assert.ok(validate, manifest.actions.map(a => a.id).join(', '));
    assert.deepEqual(
      validate.schema.input,
      JSON.parse(fs.readFileSync(path.join(root, 'schemas/actions/trellis-parameters-validate.input.json'), 'utf8')),
    );
    assert.deepEqual(Object.keys(validate.schema.output.properties).sort(), ['errors', 'valid']);
    assert.ok(validate.examples.length >= 2);
    // The same normaliser as the snapshot: the built-ins come out identical.
    assert.deepEqual(
      manifest.actions.filter(a => !a.id.startsWith('trellis:')),
      snapshot.actions,
    );
    assert.deepEqual(manifest.filters, snapshot.filters);
    assert.deepEqual(manifest.globals, snapshot.globals);
    const ids = manifest.actions.map(a => a.id);
    assert.deepEqual(ids, [...ids].sort());
  });

  test('without a token (the test backend reads it as the mock user): the same manifest, on stdout', async () => {
    const withToken = await trellis('manifest', '--url', server.url, '--token', mockCredentials.user.token());
    assert.equal(withToken.status, 0, withToken.stderr);
    const run = await trellis('manifest', '--url', server.url);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stderr, '');
    assert.equal(run.stdout, withToken.stdout);
    assert.ok(JSON.parse(run.stdout).actions.some(a => a.id === 'trellis:parameters:validate'));

    // The scaffolder's own base URL is accepted too.
    const scaffolderUrl = await trellis('manifest', '--url', `${server.url}/api/scaffolder/`);
    assert.equal(scaffolderUrl.status, 0, scaffolderUrl.stderr);
    assert.equal(scaffolderUrl.stdout, run.stdout);
  });

  test('a rejected token: exit 2 with the HTTP status and the error of the body', async () => {
    const out = tempPath('manifest.json');
    const run = await trellis('manifest', '--url', server.url, '--token', 'not-a-token', '--out', out);
    assert.equal(run.status, 2);
    assert.equal(
      run.stderr,
      `error: GET ${server.url}/api/scaffolder/v2/actions: HTTP 401 Unauthorized: AuthenticationError: Unknown mock token 'not-a-token'\n` +
        '  = hint: the backend rejected the token given with --token\n',
    );
    assert.equal(fs.existsSync(out), false, 'nothing is written');
  });

  test('a URL that is not the backend: exit 2, HTTP 404 with a hint', async () => {
    const run = await trellis('manifest', '--url', `${server.url}/somewhere/else`);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /^error: GET http:\/\/127\.0\.0\.1:\d+\/somewhere\/else\/api\/scaffolder\/v2\/actions: HTTP 404 Not Found: /);
    assert.match(run.stderr, /\n {2}= hint: --url must be the base URL of a Backstage backend with the scaffolder plugin/);
    assert.equal(run.stdout, '');
  });
});

describe('trellis manifest: failures without a backend', () => {
  test('a closed port: exit 2, the host cannot be reached', async () => {
    const port = await closedPort();
    const out = tempPath('manifest.json');
    const run = await trellis('manifest', '--url', `http://127.0.0.1:${port}`, '--out', out);
    assert.equal(run.status, 2);
    assert.equal(
      run.stderr,
      `error: cannot reach http://127.0.0.1:${port}/api/scaffolder/v2/actions: connect ECONNREFUSED 127.0.0.1:${port}\n`,
    );
    assert.equal(run.stdout, '');
    assert.equal(fs.existsSync(out), false);
  });

  test('a server answering HTML (the frontend, say): exit 2, not JSON, with a hint', async () => {
    const html = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!doctype html>\n<html><head><title>Backstage</title></head><body></body></html>\n');
    });
    await new Promise(resolve => html.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${html.address().port}`;
      const run = await trellis('manifest', '--url', url);
      assert.equal(run.status, 2);
      assert.equal(
        run.stderr,
        `error: GET ${url}/api/scaffolder/v2/actions: the answer is not JSON (text/html; charset=utf-8): ` +
          '<!doctype html> <html><head><title>Backstage</title></head><body></body></html>\n' +
          "  = hint: --url must be the Backstage backend's base URL (backend.baseUrl), not the frontend's\n",
      );
    } finally {
      await new Promise(resolve => html.close(resolve));
    }
  });

  test('usage: --url is required and must be a URL; --help; listed in trellis --help', async () => {
    const missing = await trellis('manifest');
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /^error: missing --url BACKSTAGE_URL\n\nUsage: trellis manifest --url/);
    const bogus = await trellis('manifest', '--url', 'http://x', '--bogus');
    assert.equal(bogus.status, 2);
    assert.match(bogus.stderr, /Unknown option '--bogus'[\s\S]*Usage: trellis manifest/);
    const notUrl = await trellis('manifest', '--url', 'backstage.example.com');
    assert.equal(notUrl.status, 2);
    assert.match(notUrl.stderr, /^error: --url backstage\.example\.com is not a URL/);
    const help = await trellis('manifest', '--help');
    assert.equal(help.status, 0);
    assert.match(help.stdout, /^Usage: trellis manifest --url BACKSTAGE_URL/);
    assert.match(help.stdout, /--token TOKEN/);
    const top = await trellis('--help');
    assert.match(top.stdout, /^ {2}manifest --url BACKSTAGE_URL/m);
  });
});
