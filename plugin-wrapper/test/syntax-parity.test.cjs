'use strict';
// Differential ("parity") test of template syntax verdicts: Trellis' `checkTemplateSyntax` must
// say "syntax error" exactly when the real `nunjitsu` 0.7.0 engine, configured as Backstage's
// scaffolder-backend 4.3.0 configures it (allowRegexExecution, the four Backstage filters, the
// `always`/`failure` globals; see support/syntax-oracle.cjs), throws a TemplateRenderError with
// `code === 'syntax_error'` from `render(source, {})`. Evaluation and capability errors and
// TemplateLimitErrors mean the syntax was accepted.
//
// Sets:
//   a) the 157 nunjitsu compatibility cases (shared/compat/nunjitsu/cases.json; `{{ }}`
//      variables, so both sides run with cookiecutterCompat);
//   b) every string of every Template document of the shared corpus holding `${{`, `{%` or `{#`;
//   c) every text file of the corpus' skeleton directories, in the mode(s) of the fetch steps
//      that use them (cookiecutterCompat for `fetch:cookiecutter` / `cookiecutterCompat: true`);
//   d) ~2000 seeded, generated syntax variants (support/syntax-generator.cjs).
// a)–c) must agree 100 %, d) at least 99 %; every disagreement is printed with both verdicts,
// messages and locations. How often both sides put a shared syntax error on the same line is
// printed, not asserted.
//
// Run: `node --test plugin-wrapper/test/syntax-parity.test.cjs` (after `bash scripts/build.sh`).
// TRELLIS_CORPUS overrides the corpus location, TRELLIS_COMPAT_CASES the cases.json file,
// TRELLIS_PARITY_MODULE the Trellis module (default dist/index.js).

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const { corpusDir } = require('./support/parity-corpus.cjs');
const { templateStringCases, skeletonFileCases } = require('./support/syntax-corpus.cjs');
const { generateVariants } = require('./support/syntax-generator.cjs');
const {
  loadTrellisSyntax, makeTally, runCase, summaryLine, lineAgreementLine, disagreementReport, lineMismatchReport,
} = require('./support/syntax-oracle.cjs');

const COMPAT_CASES = process.env.TRELLIS_COMPAT_CASES
  ? path.resolve(process.env.TRELLIS_COMPAT_CASES)
  : path.resolve(__dirname, '../../../shared/compat/nunjitsu/cases.json');
const GENERATED_COUNT = 2000;
const GENERATED_MIN_AGREEMENT = 0.99;

const trellis = loadTrellisSyntax();
if (trellis.warning) console.log(trellis.warning);

/** Runs `cases` on both sides, prints the summary, line agreement and every disagreement. */
function runSet(name, cases, extra) {
  const tally = makeTally(name);
  for (const item of cases) runCase(tally, trellis.checkTemplateSyntax, item);
  console.log(summaryLine(tally));
  if (extra) console.log(`  ${extra}`);
  console.log(lineAgreementLine(tally));
  const outcomes = [...tally.outcomes].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ');
  console.log(`  nunjitsu outcomes: ${outcomes}`);
  const mismatches = lineMismatchReport(tally);
  if (mismatches) console.log(mismatches);
  const report = disagreementReport(tally);
  if (report) console.log(report);
  return tally;
}

function assertAll(tally) {
  assert.equal(
    tally.disagreements.length,
    0,
    `${tally.disagreements.length} syntax verdict(s) differ from nunjitsu in ${tally.name} (listed above)`,
  );
}

test('syntax parity a) nunjitsu compatibility cases (cookiecutterCompat)', () => {
  if (!fs.existsSync(COMPAT_CASES)) {
    throw new Error(`nunjitsu compatibility cases not found at ${COMPAT_CASES}: clone the repo next to shared/`);
  }
  const { cases } = JSON.parse(fs.readFileSync(COMPAT_CASES, 'utf8'));
  assert.equal(cases.length, 157, 'cases.json should hold 157 cases');
  const items = cases.map((c) => ({ id: c.id, source: c.template, options: { cookiecutterCompat: true } }));
  assertAll(runSet('a) nunjitsu cases', items));
});

test('syntax parity b) templated strings of the corpus Template documents', () => {
  const { cases, occurrences, templates, skipped } = templateStringCases(corpusDir());
  assert.ok(cases.length > 0, 'no templated strings found in the corpus');
  const tally = runSet(
    'b) corpus template strings',
    cases,
    `${cases.length} distinct strings (${occurrences} occurrences) from ${templates} Template documents; ` +
      `${skipped.length} document(s) skipped because the catalog refuses their YAML`,
  );
  assertAll(tally);
});

test('syntax parity c) text files of the corpus skeleton directories', () => {
  const { cases, locations, files, binary, modedSteps } = skeletonFileCases(corpusDir());
  assert.ok(cases.length > 0, 'no skeleton files found in the corpus');
  const cookiecutter = cases.filter((c) => c.options.cookiecutterCompat).length;
  const tally = runSet(
    'c) corpus skeleton files',
    cases,
    `${files} files in ${locations} skeleton locations (${binary} not text, skipped); ` +
      `${cases.length} checks, ${cookiecutter} with cookiecutterCompat (modes from ${modedSteps} fetch steps)`,
  );
  assertAll(tally);
});

test('syntax parity d) generated syntax variants', () => {
  const variants = generateVariants(GENERATED_COUNT);
  assert.equal(variants.length, GENERATED_COUNT);
  const tally = runSet('d) generated variants', variants);
  const agreement = tally.agree / tally.total;
  assert.ok(
    agreement >= GENERATED_MIN_AGREEMENT,
    `only ${(agreement * 100).toFixed(2)} % of generated variants agree with nunjitsu (need ≥ ${GENERATED_MIN_AGREEMENT * 100} %)`,
  );
});
