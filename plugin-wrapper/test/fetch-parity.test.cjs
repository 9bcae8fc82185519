'use strict';
// Parity of trellis:fetch:template with Backstage's own fetch:template, both running in the same
// real scaffolder backend (startTestBackend, driven over HTTP): for every fetch:template step of
// ../shared/corpus whose skeleton is a directory of the corpus, one dry-run renders that skeleton
// with both actions (same input, same values) into ./backstage/N and ./trellis/N, and the two
// trees are compared entry by entry: paths, types, permission bits, bytes, link targets.
//
// Skeletons are staged next to the dry-run's template by the test-only `test:stage` action, as a
// git checkout has them (0644/0755), because the dry-run upload cannot carry file modes; the
// trees come back through `test:tree` (support/scaffolder-backend.cjs). Several skeletons share
// one dry-run; a failing dry-run is split, down to each action alone, so a skeleton both actions
// refuse counts as agreeing and one refused by only one side is a difference.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { corpusDir } = require('./support/parity-corpus.cjs');
const { fetchTemplateCases } = require('./support/render-corpus.cjs');
const { startScaffolder, treesOf } = require('./support/scaffolder-backend.cjs');

/** Skeleton (relative to the corpus) → why Trellis' tree differs from Backstage's, on purpose. */
const DEVIATIONS = {};

/** Bytes of skeletons per dry-run: the response carries both trees in base64. */
const BATCH_BYTES = 6 * 1024 * 1024;
const ENGINES = { backstage: 'fetch:template', trellis: 'trellis:fetch:template' };

let backend;

before(async () => {
  backend = await startScaffolder({ fixtures: true });
}, { timeout: 180_000 });

after(async () => {
  if (backend) await backend.stop();
});

function batches(cases) {
  const out = [];
  let current = [];
  let bytes = 0;
  for (const c of cases) {
    if (current.length && bytes + c.bytes > BATCH_BYTES) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(c);
    bytes += c.bytes;
  }
  if (current.length) out.push(current);
  return out;
}

/** One dry-run rendering each case with the given engines: `{status, trees?, error?}`. */
async function dryRunCases(cases, engines) {
  const staged = [...new Set(cases.map((c) => c.location))];
  const steps = [{ id: 'stage', action: 'test:stage', input: { copies: staged.map((from, i) => ({ from, to: `skeletons/${i}` })) } }];
  const trees = [];
  cases.forEach((c, k) => {
    for (const engine of engines) {
      const targetPath = `${engine}/${k}`;
      trees.push(targetPath);
      steps.push({
        id: `${engine}-${k}`,
        action: ENGINES[engine],
        input: { ...c.input, url: `./skeletons/${staged.indexOf(c.location)}`, targetPath },
      });
    }
  });
  steps.push({ id: 'tree', action: 'test:tree', input: { paths: trees } });
  const { status, body } = await backend.dryRun({ steps });
  if (status !== 200) return { status, error: `${body.error?.name}: ${body.error?.message}` };
  return { status, trees: treesOf(body) };
}

function describeBytes(a, b) {
  const x = Buffer.from(a, 'base64');
  const y = Buffer.from(b, 'base64');
  let i = 0;
  while (i < x.length && i < y.length && x[i] === y[i]) i++;
  const around = (buf) => JSON.stringify(buf.subarray(Math.max(0, i - 20), i + 40).toString('utf8'));
  return `contents differ at byte ${i} (${x.length} vs ${y.length} bytes): backstage ${around(x)} trellis ${around(y)}`;
}

/** Every difference between two trees, as text. */
function treeDifferences(backstage, trellis) {
  const byPath = (tree) => new Map(tree.map((e) => [e.path, e]));
  const a = byPath(backstage);
  const b = byPath(trellis);
  const out = [];
  for (const p of [...new Set([...a.keys(), ...b.keys()])].sort()) {
    const x = a.get(p);
    const y = b.get(p);
    if (!x || !y) out.push(`${p}: only in ${x ? 'backstage' : 'trellis'}'s tree`);
    else if (x.type !== y.type) out.push(`${p}: ${x.type} in backstage, ${y.type} in trellis`);
    else if (x.mode !== y.mode) out.push(`${p}: mode ${x.mode.toString(8)} in backstage, ${y.mode.toString(8)} in trellis`);
    else if (x.link !== y.link) out.push(`${p}: link to ${x.link} in backstage, ${y.link} in trellis`);
    else if (x.content !== y.content) out.push(`${p}: ${describeBytes(x.content, y.content)}`);
  }
  return out;
}

/** Outcome per case: `{id, skeleton, files, differences: string[], note?}`. */
async function compare(cases) {
  const run = await dryRunCases(cases, ['backstage', 'trellis']);
  if (run.status === 200) {
    return cases.map((c, k) => ({
      ...c,
      entries: run.trees[`backstage/${k}`].length,
      executables: run.trees[`backstage/${k}`].filter((e) => e.type === 'file' && e.mode & 0o111).length,
      differences: treeDifferences(run.trees[`backstage/${k}`], run.trees[`trellis/${k}`]),
    }));
  }
  if (cases.length > 1) {
    const results = [];
    for (const c of cases) results.push(...(await compare([c])));
    return results;
  }
  // One skeleton, and the dry-run failed: which side refuses it?
  const [c] = cases;
  const alone = {};
  for (const engine of Object.keys(ENGINES)) alone[engine] = await dryRunCases([c], [engine]);
  const { backstage, trellis } = alone;
  if (backstage.status !== 200 && trellis.status !== 200) {
    return [{ ...c, entries: 0, differences: [], note: `both refuse: backstage ${backstage.error}; trellis ${trellis.error}` }];
  }
  const refusal = backstage.status === 200 ? `only trellis refuses: ${trellis.error}` : `only backstage refuses: ${backstage.error}`;
  return [{ ...c, entries: 0, differences: [refusal] }];
}

test('trellis:fetch:template renders every corpus skeleton exactly as fetch:template does', { timeout: 900_000 }, async () => {
  const corpus = corpusDir();
  const { cases, unresolved } = fetchTemplateCases(corpus);
  assert.ok(cases.length >= 50, `expected the corpus' fetch:template skeletons, found ${cases.length}`);

  const results = [];
  for (const batch of batches(cases)) results.push(...(await compare(batch)));

  const identical = results.filter((r) => r.differences.length === 0);
  const deviating = results.filter((r) => r.differences.length > 0 && DEVIATIONS[r.skeleton]);
  const failing = results.filter((r) => r.differences.length > 0 && !DEVIATIONS[r.skeleton]);
  const entries = results.reduce((n, r) => n + r.entries, 0);
  const executables = results.reduce((n, r) => n + (r.executables ?? 0), 0);
  const lines = [
    `fetch:template parity: ${identical.length}/${results.length} skeleton renders identical ` +
      `(${entries} entries in Backstage's trees, ${executables} executable files; ${deviating.length} listed deviations)`,
  ];
  for (const r of results.filter((x) => x.note)) lines.push(`  ${r.skeleton} (${r.id}): ${r.note}`);
  for (const r of [...deviating, ...failing]) {
    const reason = DEVIATIONS[r.skeleton];
    lines.push(`  --- ${r.skeleton} (${r.id})${reason ? ` [deviation: ${reason}]` : ''}`);
    for (const d of r.differences.slice(0, 20)) lines.push(`    ${d}`);
    if (r.differences.length > 20) lines.push(`    … and ${r.differences.length - 20} more`);
  }
  lines.push(`  steps without a corpus skeleton (${unresolved.length}): ${unresolved.map((u) => `${u.id}: ${u.reason}`).join('; ')}`);
  console.log(lines.join('\n'));

  for (const skeleton of Object.keys(DEVIATIONS)) {
    assert.ok(
      results.some((r) => r.skeleton === skeleton && r.differences.length > 0),
      `deviation ${skeleton} is listed but the trees agree: remove it from DEVIATIONS`,
    );
  }
  // The corpus has executable scripts (mvnw, *.sh): file modes are really compared.
  assert.ok(executables > 0, 'no executable file in the trees: modes were not staged');
  assert.deepEqual(failing.map((r) => `${r.skeleton}: ${r.differences[0]}`), []);
});
