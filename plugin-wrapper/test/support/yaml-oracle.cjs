'use strict';
// Both sides of the YAML differential test: the catalog's reading of a YAML file (npm `yaml`
// as @backstage/plugin-catalog-node 3.0.0's parseEntityYaml calls it) and Trellis' (the core's
// `parseYaml` export, src/wasm_yaml.rs, the reader every Trellis command uses).

const fs = require('node:fs');
const path = require('node:path');
const YAML = require('yaml');

const root = path.resolve(__dirname, '../../..');

/** The wasm core as built by scripts/build.sh. */
function loadCore() {
  const pkg = path.join(root, 'pkg/trellis.js');
  if (!fs.existsSync(pkg)) throw new Error(`${pkg} is missing: run \`bash scripts/build.sh\` first`);
  return require(pkg);
}

/**
 * The catalog's view of `source`: parseEntityYaml runs `parseAllDocuments(text, { merge: false })`
 * (merge keys are off unless `enableYamlMerge` is passed, and the catalog's default parser
 * passes nothing), drops falsy entries, refuses a document with `errors` (its first error is the
 * message), converts the others with `toJSON()` (which throws on an unresolved or excessive
 * alias) and skips documents whose value is null. The catalog stores entities as JSON, so each
 * value is compared as `JSON.stringify` text. Warnings are kept with their positions.
 */
function catalogView(source) {
  const warnings = [];
  let collectionKeys = 0;
  const documents = [];
  // logLevel only silences the process warning for collection keys (counted below instead).
  const docs = YAML.parseAllDocuments(source, { merge: false, logLevel: 'error' }).filter((d) => d);
  for (const doc of docs) {
    for (const w of doc.warnings) warnings.push({ code: w.code, line: w.linePos?.[0]?.line, column: w.linePos?.[0]?.col });
    if (doc.errors.length > 0) {
      const error = doc.errors[0];
      return { refused: true, code: error.code, message: error.message.split('\n')[0], line: error.linePos?.[0]?.line, column: error.linePos?.[0]?.col, warnings };
    }
    let json;
    try {
      const value = doc.toJSON();
      json = JSON.stringify(value);
      collectionKeys += countCollectionKeys(doc.contents);
    } catch (error) {
      return { refused: true, code: 'TO_JSON', message: String(error.message), warnings };
    }
    if (json !== 'null' && json !== undefined) documents.push(json);
  }
  return { refused: false, documents, warnings, collectionKeys };
}

/** Mapping keys that are collections (yaml stringifies them, with a process warning), not
 * counting those inside such a key (printed with it). An `!!omap` becomes a JavaScript Map,
 * whose keys are not stringified. */
function countCollectionKeys(node) {
  const pairs = (items, stringified) =>
    items.reduce((n, pair) => n + (stringified && YAML.isCollection(pair.key) ? 1 : 0) + countCollectionKeys(pair.value), 0);
  if (YAML.isMap(node)) return pairs(node.items, true);
  if (YAML.isSeq(node)) {
    const omap = node.tag === 'tag:yaml.org,2002:omap';
    return node.items.reduce((n, item) => n + (YAML.isPair(item) ? pairs([item], !omap) : countCollectionKeys(item)), 0);
  }
  return 0;
}

/** Trellis' view of `source`, in the same shape. */
function trellisView(core, source) {
  const result = JSON.parse(core.parseYaml(source));
  if (result.error) return { refused: true, message: result.error.message, line: result.error.line, column: result.error.column, oddities: [] };
  const documents = result.documents.map((value) => JSON.stringify(value)).filter((json) => json !== 'null');
  return { refused: false, documents, oddities: result.oddities ?? [] };
}

/** Same verdict and, when both read the file, the same documents. */
function agree(catalog, trellis) {
  if (catalog.refused || trellis.refused) return catalog.refused === trellis.refused;
  return catalog.documents.length === trellis.documents.length && catalog.documents.every((json, i) => json === trellis.documents[i]);
}

/** One line saying how the two sides differ. */
function describe(catalog, trellis) {
  const side = (view, name) => {
    if (view.refused) return `${name} refuses (${view.code ? `${view.code} ` : ''}${view.line ?? '?'}:${view.column ?? '?'} ${view.message})`;
    return `${name} reads ${view.documents.length} document(s): ${view.documents.map((d) => (d.length > 300 ? `${d.slice(0, 300)}…` : d)).join(' | ')}`;
  };
  return `${side(catalog, 'yaml')}\n    ${side(trellis, 'trellis')}`;
}

/** Codepoint-based column of npm yaml's UTF-16 column on `line` (1-based) of `source`. */
function codepointColumn(source, line, column) {
  const text = source.split('\n')[line - 1] ?? '';
  return Array.from(text.slice(0, column - 1)).length + 1;
}

module.exports = { loadCore, catalogView, trellisView, agree, describe, codepointColumn };
