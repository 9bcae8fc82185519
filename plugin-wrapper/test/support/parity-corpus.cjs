'use strict';
// Loads the shared template corpus (read in place, never copied) the way Backstage's catalog
// reads entity files, and derives the extra template variants the parity test needs.

const fs = require('node:fs');
const path = require('node:path');
// `yaml` is what @backstage/plugin-catalog-node's parseEntityYaml uses to read entity files.
const YAML = require('yaml');

/** `TRELLIS_CORPUS` if set, else `defaultDir`; throws a clear error when it is missing. */
function corpusDir(defaultDir = path.resolve(__dirname, '../../../../shared/corpus')) {
  const dir = process.env.TRELLIS_CORPUS ? path.resolve(process.env.TRELLIS_CORPUS) : defaultDir;
  if (!fs.existsSync(path.join(dir, 'INDEX.tsv'))) {
    throw new Error(
      `corpus not found at ${dir}: clone the repo next to shared/ or set TRELLIS_CORPUS`,
    );
  }
  return dir;
}

/** Rows of INDEX.tsv as objects keyed by the header names. */
function readIndex(dir) {
  const [header, ...lines] = fs
    .readFileSync(path.join(dir, 'INDEX.tsv'), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '');
  const columns = header.split('\t');
  return lines.map((line) => {
    const cells = line.split('\t');
    return Object.fromEntries(columns.map((name, i) => [name, cells[i] ?? '']));
  });
}

/** Backstage's view of a document: `parseEntityYaml` (merge keys off) + `toJSON`, then a JSON
 * round trip as the catalog stores entities as JSON. */
function entityOf(doc) {
  return JSON.parse(JSON.stringify(doc.toJSON()));
}

/** One document's YAML text. The source slice when it reads back to the same entity (most
 * faithful: Trellis sees the author's own text), otherwise the `yaml` package's re-serialisation. */
function documentText(source, doc, documentCount) {
  const expected = entityOf(doc);
  const candidates = [];
  if (documentCount === 1) candidates.push(source);
  if (Array.isArray(doc.range)) candidates.push(source.slice(doc.range[0], doc.range[2]));
  candidates.push(doc.toString());
  for (const text of candidates) {
    try {
      const again = YAML.parseAllDocuments(text, { merge: false });
      if (again.length === 1 && again[0].errors.length === 0) {
        if (JSON.stringify(entityOf(again[0])) === JSON.stringify(expected)) return text;
      }
    } catch {
      // try the next candidate
    }
  }
  return doc.toString();
}

/**
 * Every Template document of the corpus: `{id, file, doc, text, entity}`; `skipped` lists the
 * documents Backstage's catalog would refuse (YAML errors), with the reason.
 */
function loadCorpusTemplates(dir) {
  const rows = readIndex(dir);
  const byFile = new Map();
  for (const row of rows) {
    const file = path.join(dir, row.repo.replace('/', '__'), row.path);
    if (!byFile.has(file)) byFile.set(file, new Set());
    byFile.get(file).add(Number(row.doc || 0));
  }
  const templates = [];
  const skipped = [];
  for (const [file, indexed] of byFile) {
    const rel = path.relative(dir, file);
    if (!fs.existsSync(file)) {
      skipped.push({ id: rel, reason: 'file listed in INDEX.tsv does not exist' });
      continue;
    }
    const source = fs.readFileSync(file, 'utf8');
    const docs = YAML.parseAllDocuments(source, { merge: false }).filter((d) => d);
    docs.forEach((doc, index) => {
      const id = `${rel}#${index}`;
      if (doc.errors?.length) {
        if (indexed.has(index)) {
          skipped.push({ id, reason: `YAML error (the catalog refuses it): ${doc.errors[0].message.split('\n')[0]}` });
        }
        return;
      }
      const entity = entityOf(doc);
      if (!entity || entity.kind !== 'Template') return;
      templates.push({ id, file, doc: index, text: documentText(source, doc, docs.length), entity, yamlDoc: doc });
    });
  }
  return { dir, rows, templates, skipped };
}

/** Parse one document of YAML text (for hand-written templates). */
function templateFromText(id, text) {
  const docs = YAML.parseAllDocuments(text, { merge: false });
  if (docs.length !== 1 || docs[0].errors.length) {
    throw new Error(`hand-written template ${id} is not one valid YAML document: ${docs.flatMap((d) => d.errors).map((e) => e.message).join('; ')}`);
  }
  return { id, text, entity: entityOf(docs[0]) };
}

function isObject(value) {
  return !!value && typeof value === 'object' && !Array.isArray(value);
}

/**
 * The corpus has no `when:` pages, so for each multi-page template derive one variant whose last
 * page is shown only for a value of an earlier page's enum/boolean/string property, to exercise
 * visibility and hidden-value stripping on real schemas. Returns `null` when nothing fits.
 */
function deriveWhenVariant(template) {
  const parameters = template.entity.spec?.parameters;
  if (!Array.isArray(parameters) || parameters.length < 2) return null;
  const last = parameters.length - 1;
  if (!isObject(parameters[last]) || 'when' in parameters[last]) return null;
  let expression = null;
  for (let page = 0; page < last && !expression; page++) {
    const properties = parameters[page]?.properties;
    if (!isObject(properties)) continue;
    const entries = Object.entries(properties).filter(
      ([name, schema]) => isObject(schema) && /^[A-Za-z_$][\w$]*$/.test(name),
    );
    const pick =
      entries.find(([, s]) => Array.isArray(s.enum) && s.enum.length >= 2 && s.enum.every((v) => typeof v === 'string')) ??
      entries.find(([, s]) => s.type === 'boolean') ??
      entries.find(([, s]) => s.type === 'string');
    if (!pick) continue;
    const [name, schema] = pick;
    if (Array.isArray(schema.enum) && schema.enum.length >= 2) {
      expression = `parameters.${name} === ${JSON.stringify(schema.enum[1])}`;
    } else if (schema.type === 'boolean') {
      expression = `parameters.${name}`;
    } else {
      expression = `parameters.${name} === "show"`;
    }
  }
  if (!expression) return null;
  const doc = template.yamlDoc.clone();
  doc.setIn(['spec', 'parameters', last, 'when'], expression);
  const text = doc.toString();
  const entity = entityOf(doc);
  return {
    id: `${template.id} [derived: page ${last} when: ${expression}]`,
    file: template.file,
    doc: template.doc,
    text,
    entity,
    derived: true,
  };
}

module.exports = { corpusDir, readIndex, loadCorpusTemplates, templateFromText, deriveWhenVariant, entityOf };
