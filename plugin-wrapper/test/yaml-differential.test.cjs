'use strict';
// Differential test of the YAML reader: every YAML file must read in Trellis (the core's
// `parseYaml`, i.e. src/yaml.rs, which check, render and validateParameters all use) exactly
// as Backstage's catalog reads it with npm `yaml` 2.9.1 (support/yaml-oracle.cjs): the same
// verdict (read or refused) and, when read, the same JSON for every non-null document.
//
// Sets:
//   a) every .yaml/.yml file under ../shared/corpus and ../shared/cookiecutter, read in place
//      (templates, catalog-info files, skeleton files that still hold `${{ }}` or `{{ }}`);
//   b) 5,000 seeded, generated documents (support/yaml-generator.cjs).
// Every disagreement fails the test unless KNOWN_DIFFERENCES lists it with its reason. For files
// both sides refuse, how often Trellis reports the first error on npm yaml's line (and column)
// is printed; for what Backstage tolerates but warns about (unresolved tags, collection keys),
// how often Trellis reports a `yaml-oddity` on that line.
//
// Run: `node --test plugin-wrapper/test/yaml-differential.test.cjs` (after `bash scripts/build.sh`).
// TRELLIS_CORPUS overrides the corpus location.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const { corpusDir } = require('./support/parity-corpus.cjs');
const { generateYamlDocuments } = require('./support/yaml-generator.cjs');
const { loadCore, catalogView, trellisView, agree, describe, codepointColumn } = require('./support/yaml-oracle.cjs');

const GENERATED_COUNT = 5000;

/** Every object key in the catalog's documents. */
function catalogKeys(catalog) {
  const keys = [];
  const walk = (value) => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) {
        keys.push(key);
        walk(item);
      }
    }
  };
  for (const json of catalog.documents ?? []) walk(JSON.parse(json));
  return keys;
}

/**
 * Disagreements accepted on purpose, each with the reason. `matches(source, catalog, trellis)`
 * says whether a disagreeing case falls under it. None of them occurs in the corpus; each is
 * far from what templates hold (the generator mutates and mixes constructs freely).
 */
const KNOWN_DIFFERENCES = [
  {
    reason: 'comments or blank lines inside a collection used as a key: npm yaml prints them into the key string, Trellis leaves them out',
    matches: (_source, catalog) => !catalog.refused && catalogKeys(catalog).some((key) => /\n\s*#|\n\n/.test(key)),
  },
  {
    reason: 'a lone CR (no LF) right after a document marker, an indicator or in a directive line: npm yaml treats that CR as white space there, Trellis as text',
    matches: (source) => /(^|[\n\r])(%[^\n\r]*|---|\.\.\.)\r(?!\n)|[:?-]\r(?!\n)/.test(source),
  },
  {
    reason: 'an unterminated double-quoted scalar ending in \\" at the end of the file: npm yaml reads the escaped quote as the closing one',
    matches: (source, catalog, trellis) => !catalog.refused && trellis.refused && /\\"\s*$/.test(source),
  },
  {
    reason: 'a % in a tag not followed by two hex digits: saphyr refuses the escape, npm yaml keeps it',
    matches: (source) => /![^\s,[\]{}]*%(?![0-9a-fA-F]{2})/.test(source),
  },
  {
    reason: 'a directive line with no document after it: npm yaml reads no document, saphyr refuses the stream',
    matches: (source, catalog) => !catalog.refused && catalog.documents.length === 0 && /^\ufeff?%/.test(source),
  },
  {
    reason: 'explicit keys written unevenly (`:` not under its `?`, a `: value` line with no `?`, a block scalar key whose text starts left of the `?`): npm yaml reads some, saphyr refuses or reads them otherwise',
    matches: (source) => {
      const lines = source.split(/\r?\n/);
      const indent = (line) => line.search(/\S/);
      return lines.some((line, i) => {
        if (!/^ *:( |$)/.test(line)) return false;
        const above = lines.slice(0, i).reverse().find((prev) => prev.trim() !== '' && !prev.trim().startsWith('#') && indent(prev) <= indent(line));
        return above === undefined || !/^ *\?( |$)/.test(above) || indent(above) !== indent(line) || /[|>][-+0-9]*\s*$/.test(above);
      });
    },
  },
];

const core = loadCore();

/** Every YAML file under `dir`, recursively, sorted. */
function yamlFiles(dir) {
  const out = [];
  const walk = (at) => {
    for (const entry of fs.readdirSync(at, { withFileTypes: true })) {
      const full = path.join(at, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile() && /\.ya?ml$/i.test(entry.name)) out.push(full);
    }
  };
  walk(dir);
  return out.sort();
}

function makeTally(name) {
  return { name, total: 0, agreed: 0, read: 0, refused: 0, known: new Map(), disagreements: [], errorLines: { both: 0, line: 0, column: 0, mismatches: [] }, warnings: { total: 0, located: 0, missed: [] }, collectionKeys: { npm: 0, trellis: 0 }, tagWarnings: { total: 0, located: 0 } };
}

function runCase(tally, { id, source }) {
  const catalog = catalogView(source);
  const trellis = trellisView(core, source);
  tally.total += 1;
  if (catalog.refused) tally.refused += 1;
  else tally.read += 1;
  if (!agree(catalog, trellis)) {
    const known = KNOWN_DIFFERENCES.find((k) => k.matches(source, catalog, trellis));
    if (known) tally.known.set(known.reason, (tally.known.get(known.reason) ?? 0) + 1);
    else tally.disagreements.push(`${id}: ${describe(catalog, trellis)}\n    source: ${JSON.stringify(source.length > 400 ? `${source.slice(0, 400)}…` : source)}`);
    return;
  }
  tally.agreed += 1;
  if (catalog.refused && catalog.line !== undefined) {
    const lines = tally.errorLines;
    lines.both += 1;
    if (trellis.line === catalog.line) {
      lines.line += 1;
      if (trellis.column === codepointColumn(source, catalog.line, catalog.column)) lines.column += 1;
    } else if (lines.mismatches.length < 10) {
      lines.mismatches.push(`${id}: yaml ${catalog.code} at ${catalog.line}:${catalog.column} (${catalog.message}), trellis at ${trellis.line}:${trellis.column} (${trellis.message})`);
    }
  }
  if (!catalog.refused) {
    const keyOddities = trellis.oddities.filter((o) => o.message.includes('mapping key is a collection')).length;
    tally.collectionKeys.npm += catalog.collectionKeys;
    tally.collectionKeys.trellis += keyOddities;
    for (const warning of catalog.warnings) {
      if (warning.code === 'TAG_RESOLVE_FAILED') tally.tagWarnings.total += 1;
      if (warning.code === 'TAG_RESOLVE_FAILED' && trellis.oddities.some((o) => o.line === warning.line)) tally.tagWarnings.located += 1;
      tally.warnings.total += 1;
      if (trellis.oddities.some((o) => o.line === warning.line)) tally.warnings.located += 1;
      else if (tally.warnings.missed.length < 10) tally.warnings.missed.push(`${id}: ${warning.code} at ${warning.line}:${warning.column}`);
    }
  }
}

function report(tally) {
  const known = [...tally.known].map(([reason, n]) => `${n} × ${reason}`).join('; ');
  console.log(`${tally.name}: ${tally.agreed}/${tally.total} agree (npm yaml reads ${tally.read}, refuses ${tally.refused})${known ? `; known differences: ${known}` : ''}`);
  const lines = tally.errorLines;
  console.log(`  refused by both: first error on npm yaml's line ${lines.line}/${lines.both}, same line and column ${lines.column}/${lines.both}`);
  for (const m of lines.mismatches) console.log(`    ${m}`);
  const w = tally.warnings;
  console.log(`  npm yaml warnings on files it reads: ${w.located}/${w.total} have a Trellis yaml-oddity on the same line`);
  for (const m of w.missed) console.log(`    missed: ${m}`);
  console.log(`  collection keys npm yaml stringifies: ${tally.collectionKeys.npm}; Trellis yaml-oddity warnings for them: ${tally.collectionKeys.trellis}`);
  for (const d of tally.disagreements) console.log(`  DISAGREE ${d}`);
}

/** No unlisted disagreement; every collection key and every unresolved tag npm yaml warns
 * about has its `yaml-oddity`. */
function assertAgreement(tally) {
  assert.equal(tally.disagreements.length, 0, `${tally.disagreements.length} case(s) read differently in ${tally.name} (listed above)`);
  assert.equal(tally.collectionKeys.trellis, tally.collectionKeys.npm, 'one yaml-oddity per collection key npm yaml stringifies');
  assert.equal(tally.tagWarnings.located, tally.tagWarnings.total, 'a yaml-oddity on the line of each unresolved tag');
}

test('YAML differential a) every YAML file of the corpus and the cookiecutter templates', () => {
  const shared = path.dirname(corpusDir());
  const cookiecutter = path.join(shared, 'cookiecutter');
  if (!fs.existsSync(cookiecutter)) throw new Error(`cookiecutter templates not found at ${cookiecutter}`);
  const files = [...yamlFiles(corpusDir()), ...yamlFiles(cookiecutter)];
  assert.ok(files.length >= 300, `expected the corpus' YAML files, found ${files.length}`);
  const tally = makeTally('a) corpus + cookiecutter YAML files');
  for (const file of files) runCase(tally, { id: path.relative(shared, file), source: fs.readFileSync(file, 'utf8') });
  report(tally);
  assertAgreement(tally);
});

test('YAML differential b) generated documents', () => {
  const tally = makeTally(`b) ${GENERATED_COUNT} generated documents`);
  for (const item of generateYamlDocuments(GENERATED_COUNT)) runCase(tally, item);
  report(tally);
  assertAgreement(tally);
});
