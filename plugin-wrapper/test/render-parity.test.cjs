'use strict';
// Differential ("parity") test of rendering: Trellis' renderString/renderValue against the real
// `nunjitsu` 0.7.0 configured as Backstage's scaffolder-backend 4.3.0 configures it (real
// Backstage filters, allowRegexExecution, always/failure; see support/render-oracle.cjs).
// A case is identical when both produce the same text, the same JSON value (undefined
// included), or both throw.
//
// Sets:
//   a) the 157 nunjitsu compatibility cases (shared/compat/nunjitsu/cases.json, `{{ }}`
//      variables: cookiecutterCompat), rendered as text;
//   b) every templated string of the steps (input, if, each) and output of every corpus
//      template, rendered with renderValue's JSON coercion in a plausible task context;
//   c) every text file of the corpus skeletons, rendered as text with plausible `values`;
//   d) 10,000 templates from a seeded grammar-based generator.
// a)–c) must be 100 % identical except the reasoned deviations listed below; d) ≥ 99.5 %.
//
// Run: `node --test plugin-wrapper/test/render-parity.test.cjs` (after `bash scripts/build.sh`).

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const { corpusDir } = require('./support/parity-corpus.cjs');
const { stepStringCases, skeletonRenderCases } = require('./support/render-corpus.cjs');
const { generateRenderCases } = require('./support/render-generator.cjs');
const { loadTrellis, runBoth, makeTally, record, report } = require('./support/render-oracle.cjs');

const COMPAT_CASES = process.env.TRELLIS_COMPAT_CASES
  ? path.resolve(process.env.TRELLIS_COMPAT_CASES)
  : path.resolve(__dirname, '../../../shared/compat/nunjitsu/cases.json');
const GENERATED = 10000;
const GENERATED_MIN = 0.995;

/**
 * Where Trellis differs from nunjitsu on purpose: case id → why. Each entry is checked to still
 * differ (a fixed deviation must be removed from the list).
 */
const HOISTING =
  'Nunjucks compiles a template to one JavaScript function whose `var`s outlive the block that set them: a ' +
  'macro defined inside a block, branch or loop stays callable after it, and loop targets keep their last ' +
  'value into later loops; Nunjitsu re-creates this with planned "lexical slots". Trellis scopes macros and ' +
  'loop targets to their block, as the Nunjucks documentation describes; templates that rely on the leak ' +
  'get "undefined" instead of the leaked value. No corpus template or generated case depends on it.';
const DEVIATIONS = new Map([
  ['compiler-macro-lexical-frames', HOISTING],
  ['compiler-macro-defined-across-blocks', HOISTING],
  ['compiler-macro-export-collisions', HOISTING],
  ['compiler-static-lexical-slots', HOISTING],
  ['compiler-caller-default-inherited-slots', HOISTING],
  ['compiler-nested-loop-slot-lifetime', HOISTING],
  ['compiler-safe-string-loop-branch', HOISTING],
  ['compiler-multi-target-branch-scopes', HOISTING],
  [
    'compiler-duplicate-formal-binding',
    'a macro declaring the same parameter twice (`macro m(v, v)`) binds it once in Trellis; Nunjucks lets the ' +
      'later declaration overwrite the earlier in compiled JavaScript. Trellis\' check could flag the duplicate instead.',
  ],
  [
    'compiler-builtin-callable-identity',
    'reading a function out of a record gives Nunjitsu a fresh handle each time (`record.fn !== record.fn`); ' +
      'Trellis hands out the same one. Only `===` between functions can tell, and functions can be neither ' +
      'printed nor passed to filters.',
  ],
  [
    'compiler-macro-member-identity',
    'as compiler-builtin-callable-identity, for macros stored in records and arrays.',
  ],
  [
    'runtime-jinja-slice-closed-targets',
    'slicing "😀x" by UTF-16 code units splits the surrogate pair; JavaScript keeps lone surrogate halves, ' +
      'Trellis\' strings are Unicode and hold U+FFFD instead (a lone surrogate cannot be written as UTF-8).',
  ],
]);

const trellis = loadTrellis();

function runSet(name, cases) {
  const tally = makeTally(name);
  for (const item of cases) record(tally, item, runBoth(trellis, item));
  console.log(report(tally));
  return tally;
}

function assertComplete(tally, ids) {
  const unexplained = tally.differences.filter((d) => !DEVIATIONS.has(d.item.id));
  assert.equal(unexplained.length, 0, `${unexplained.length} render result(s) differ from nunjitsu in ${tally.name} (listed above)`);
  // A deviation that no longer differs must leave the list.
  const differing = new Set(tally.differences.map((d) => d.item.id));
  const stale = [...DEVIATIONS.keys()].filter((id) => ids.has(id) && !differing.has(id));
  assert.deepEqual(stale, [], `deviations that now agree with nunjitsu: remove them from DEVIATIONS`);
  const deviating = tally.differences.length;
  console.log(`  ${tally.identical + deviating}/${tally.total} identical or listed as deliberate deviations (${deviating} deviations)`);
}

test('render parity a) nunjitsu compatibility cases', () => {
  if (!fs.existsSync(COMPAT_CASES)) {
    throw new Error(`nunjitsu compatibility cases not found at ${COMPAT_CASES}: clone the repo next to shared/`);
  }
  const { cases } = JSON.parse(fs.readFileSync(COMPAT_CASES, 'utf8'));
  assert.equal(cases.length, 157);
  const items = cases.map((c) => ({ id: c.id, source: c.template, context: c.context, mode: 'string', options: { cookiecutterCompat: true } }));
  assertComplete(runSet('a) nunjitsu cases', items), new Set(items.map((i) => i.id)));
});

test('render parity b) step inputs, if, each and output of the corpus templates', () => {
  const cases = stepStringCases(corpusDir());
  assert.ok(cases.length > 400, `expected the corpus to give hundreds of step strings, got ${cases.length}`);
  assertComplete(runSet('b) corpus step strings', cases), new Set(cases.map((i) => i.id)));
});

test('render parity c) corpus skeleton files', () => {
  const cases = skeletonRenderCases(corpusDir());
  assert.ok(cases.length > 500, `expected hundreds of skeleton files, got ${cases.length}`);
  assertComplete(runSet('c) corpus skeleton files', cases), new Set(cases.map((i) => i.id)));
});

test('render parity d) generated templates', () => {
  const tally = runSet('d) generated', generateRenderCases(GENERATED));
  // Errors on both sides count as identical; keep the set about rendering, not about errors.
  assert.ok(tally.bothErrors / tally.total < 0.3, `${tally.bothErrors} of ${tally.total} generated templates fail on both sides`);
  assert.ok(
    tally.identical / tally.total >= GENERATED_MIN,
    `only ${tally.identical}/${tally.total} generated templates render identically (need ${GENERATED_MIN * 100} %)`,
  );
});
