'use strict';
// The real engine, configured as Backstage's scaffolder-backend 4.3.0 configures it, next to
// Trellis' render functions, and the comparison of their results.
//
// nunjitsu: `createTemplateRenderer({allowRegexExecution: true, filters: {Backstage's four
// default filters (the real ones from scaffolder-backend, with integrations from an empty config:
// github.com, gitlab.com, bitbucket.org, dev.azure.com)}, globals: {always, failure}})`
// (NunjucksWorkflowRunner.cjs.js), plus `cookiecutterCompat`/`trimBlocks`/`lstripBlocks` as
// fetch:template passes them (templateActionHandler.cjs.js).

const path = require('node:path');
const util = require('node:util');
const { createTemplateRenderer } = require('nunjitsu');

const root = path.resolve(__dirname, '../../..');
const backend = (file) => require(path.join(root, 'node_modules/@backstage/plugin-scaffolder-backend/dist', file));
const { createDefaultFilters } = backend('lib/templating/filters/createDefaultFilters.cjs.js');
const { convertFiltersToRecord, collectTemplateCapabilities } = backend('util/templating.cjs.js');
const { ScmIntegrations } = require('@backstage/integration');
const { ConfigReader } = require('@backstage/config');

const integrations = ScmIntegrations.fromConfig(new ConfigReader({}));
const capabilities = collectTemplateCapabilities({
  filters: convertFiltersToRecord(createDefaultFilters({ integrations })),
});
const GLOBALS = { always: () => true, failure: () => false };

const renderers = new Map();

/** The Backstage-configured nunjitsu renderer for one option set. */
function nunjitsuRenderer(options = {}) {
  const o = {
    cookiecutterCompat: options.cookiecutterCompat === true,
    trimBlocks: options.trimBlocks === true,
    lstripBlocks: options.lstripBlocks === true,
  };
  const key = JSON.stringify(o);
  if (!renderers.has(key)) {
    renderers.set(
      key,
      createTemplateRenderer({ allowRegexExecution: true, filters: { ...capabilities.filters }, globals: { ...GLOBALS }, ...o }),
    );
  }
  return renderers.get(key);
}

/**
 * A step input as scaffolder-backend 4.3.0 renders it: every string leaf through
 * `renderValue(…, {coercion: 'json'})` inside `JSON.parse(JSON.stringify(input), reviver)`, an
 * error keeping the raw string (`undefined` drops the key).
 */
function renderStepInput(renderer, input, context) {
  return JSON.parse(JSON.stringify(input), (_key, value) => {
    if (typeof value !== 'string') return value;
    try {
      return renderer.renderValue(value, context, { coercion: 'json' });
    } catch {
      return value;
    }
  });
}

/** Loads Trellis' JS API (dist/index.js, or TRELLIS_PARITY_MODULE). */
function loadTrellis() {
  const file = process.env.TRELLIS_PARITY_MODULE ? path.resolve(process.env.TRELLIS_PARITY_MODULE) : path.join(root, 'dist', 'index.js');
  const trellis = require(file);
  if (typeof trellis.renderValue !== 'function') {
    throw new Error(`${file} does not export renderValue (run \`bash scripts/build.sh\`)`);
  }
  return trellis;
}

/** `{ok, value}` or `{ok: false, error}` from running `fn`. */
function outcome(fn) {
  try {
    return { ok: true, value: fn() };
  } catch (error) {
    return { ok: false, error: `${error?.name ?? 'Error'}: ${error?.message ?? error}` };
  }
}

/** Both engines on one case. `mode` is 'string' (render) or 'value' (renderValue with JSON coercion). */
function runBoth(trellis, item) {
  const options = item.options ?? {};
  const engine = nunjitsuRenderer(options);
  const nunjitsu = outcome(() =>
    item.mode === 'value' ? engine.renderValue(item.source, item.context, { coercion: 'json' }) : engine.render(item.source, item.context),
  );
  const trellisOptions = {
    cookiecutterCompat: options.cookiecutterCompat === true,
    trimBlocks: options.trimBlocks === true,
    lstripBlocks: options.lstripBlocks === true,
    filters: {},
    globals: { ...GLOBALS },
  };
  const ours = outcome(() =>
    item.mode === 'value'
      ? trellis.renderValue(item.source, item.context, trellisOptions)
      : trellis.renderString(item.source, item.context, trellisOptions),
  );
  return { nunjitsu, trellis: ours };
}

/** Same text, same JSON value (undefined included), or both an error. */
function identical(a, b) {
  if (!a.ok || !b.ok) return !a.ok && !b.ok;
  return util.isDeepStrictEqual(normalise(a.value), normalise(b.value));
}

/** nunjitsu returns frozen renderer-owned copies; compare plain JSON shapes. */
function normalise(value) {
  return value === undefined ? { undefined: true } : JSON.parse(JSON.stringify(value));
}

function makeTally(name) {
  return { name, total: 0, identical: 0, bothErrors: 0, differences: [] };
}

function record(tally, item, result) {
  tally.total += 1;
  if (!result.nunjitsu.ok && !result.trellis.ok) tally.bothErrors += 1;
  if (identical(result.nunjitsu, result.trellis)) tally.identical += 1;
  else tally.differences.push({ item, result });
}

function show(o) {
  if (!o.ok) return o.error;
  const text = o.value === undefined ? 'undefined' : JSON.stringify(o.value);
  return text.length > 300 ? `${text.slice(0, 300)}… (${text.length} chars)` : text;
}

function report(tally, limit = 40) {
  const rate = tally.total ? ((100 * tally.identical) / tally.total).toFixed(2) : '100.00';
  const lines = [
    `render parity ${tally.name}: ${tally.identical}/${tally.total} identical (${rate}%; ${tally.bothErrors} of them an error on both sides)`,
  ];
  for (const { item, result } of tally.differences.slice(0, limit)) {
    const source = JSON.stringify(item.source);
    lines.push(`  --- ${item.id} (${item.mode}${item.options?.cookiecutterCompat ? ', cookiecutter' : ''})`);
    lines.push(`    source:   ${source.length > 200 ? `${source.slice(0, 200)}…` : source}`);
    lines.push(`    nunjitsu: ${show(result.nunjitsu)}`);
    lines.push(`    trellis:  ${show(result.trellis)}`);
  }
  if (tally.differences.length > limit) lines.push(`  … and ${tally.differences.length - limit} more`);
  return lines.join('\n');
}

module.exports = { nunjitsuRenderer, renderStepInput, loadTrellis, runBoth, identical, makeTally, record, report };
