'use strict';
// Skeleton directories of the shared corpus with the inputs their `fetch:template` steps give,
// and the real thing to hold Trellis against: scaffolder-backend 4.3.0's own
// `createTemplateActionHandler` (globby, isbinaryfile, nunjitsu, fs-extra as Backstage runs
// them), writing into a temporary directory.

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { loadCorpusTemplates } = require('./parity-corpus.cjs');
const { taskContext } = require('./render-corpus.cjs');
const { nunjitsuRenderer } = require('./render-oracle.cjs');

const root = path.resolve(__dirname, '../../..');
const backend = (file) => require(path.join(root, 'node_modules/@backstage/plugin-scaffolder-backend/dist', file));
const { createTemplateActionHandler } = backend('scaffolder/actions/builtin/fetch/templateActionHandler.cjs.js');
const { ScmIntegrations } = require('@backstage/integration');
const { ConfigReader } = require('@backstage/config');

const integrations = ScmIntegrations.fromConfig(new ConfigReader({}));

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const looksTemplated = (s) => typeof s === 'string' && (s.includes('${{') || s.includes('{%'));

/**
 * Every `fetch:template` step of the corpus whose `url` is a local directory: the skeleton
 * directory, the step's rendering inputs and its `values` rendered (with the real nunjitsu) in a
 * plausible task context. Steps whose inputs stay templated after that are left out.
 */
function skeletonSteps(dir) {
  const { templates } = loadCorpusTemplates(dir);
  const steps = [];
  const seen = new Set();
  const engine = nunjitsuRenderer();
  for (const template of templates) {
    const context = taskContext(template.entity);
    (template.entity.spec?.steps ?? []).forEach((step, index) => {
      if (!isObject(step) || step.action !== 'fetch:template' || !isObject(step.input)) return;
      const url = step.input.url;
      if (typeof url !== 'string' || looksTemplated(url) || /^[a-z][a-z0-9+.-]*:/i.test(url) || url.startsWith('/')) return;
      const skeleton = path.resolve(path.dirname(template.file), url);
      if (!skeleton.startsWith(path.resolve(dir) + path.sep)) return;
      if (!fs.existsSync(skeleton) || !fs.lstatSync(skeleton).isDirectory()) return;
      const render = (value) => {
        if (typeof value === 'string') return looksTemplated(value) ? engine.renderValue(value, context, { coercion: 'json' }) : value;
        if (Array.isArray(value)) return value.map(render);
        if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, render(v)]));
        return value;
      };
      const input = {};
      for (const key of ['values', 'copyWithoutTemplating', 'templateFileExtension', 'cookiecutterCompat', 'trimBlocks', 'lstripBlocks']) {
        if (step.input[key] !== undefined) input[key] = JSON.parse(JSON.stringify(render(step.input[key]) ?? null));
      }
      if (input.values === null) delete input.values;
      const key = JSON.stringify([skeleton, input]);
      if (seen.has(key)) return;
      seen.add(key);
      steps.push({ id: `${template.id} steps/${index}`, skeleton, input });
    });
  }
  return steps;
}

/** Runs Backstage's fetch:template handler on `skeleton` into `out`; resolves to null or the error message. */
async function backstageRender(skeleton, input, out) {
  const ctx = {
    input: { url: './skeleton', targetPath: './', ...input },
    workspacePath: out,
    logger: { info() {}, warn() {}, error() {}, debug() {}, child() { return this; } },
  };
  try {
    await createTemplateActionHandler({ resolveTemplate: async () => skeleton, ctx, integrations });
    return null;
  } catch (error) {
    return String(error?.message ?? error);
  }
}

/** What a directory holds, read with lstat: rel path → `d mode` | `f mode sha` | `l target`. */
function snapshot(dir) {
  const crypto = require('node:crypto');
  const out = {};
  const walk = (rel) => {
    for (const name of fs.readdirSync(path.join(dir, rel)).sort()) {
      const r = rel ? `${rel}/${name}` : name;
      const full = path.join(dir, r);
      const stats = fs.lstatSync(full);
      const mode = (stats.mode & 0o7777).toString(8);
      if (stats.isSymbolicLink()) out[r] = `l ${fs.readlinkSync(full)}`;
      else if (stats.isDirectory()) {
        out[r] = `d ${mode}`;
        walk(r);
      } else out[r] = `f ${mode} ${crypto.createHash('sha256').update(fs.readFileSync(full)).digest('hex')}`;
    }
  };
  if (fs.existsSync(dir)) walk('');
  return out;
}

function tempDir(prefix) {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

module.exports = { skeletonSteps, backstageRender, snapshot, tempDir };
