'use strict';
// Template sources from the shared corpus for the syntax parity test: the templated strings of
// every Template document (set b) and the text files of every skeleton directory (set c).

const fs = require('node:fs');
const path = require('node:path');
const { readIndex, loadCorpusTemplates } = require('./parity-corpus.cjs');

/** Does a string hold template syntax in Backstage's dialect? */
function looksTemplated(text) {
  return text.includes('${{') || text.includes('{%') || text.includes('{#');
}

/** Every string leaf of a JSON value with its JSON-pointer-ish path. */
function* stringLeaves(value, at = '') {
  if (typeof value === 'string') {
    yield [at, value];
  } else if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) yield* stringLeaves(value[i], `${at}/${i}`);
  } else if (value && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) yield* stringLeaves(child, `${at}/${key}`);
  }
}

/**
 * Set b: every string of every Template document (metadata, parameters incl. `when`, steps'
 * input/if/each, output…) that contains `${{`, `{%` or `{#`, read with Backstage's default
 * options. Identical strings are checked once; `occurrences` counts them all.
 */
function templateStringCases(dir) {
  const { templates, skipped } = loadCorpusTemplates(dir);
  const bySource = new Map();
  let occurrences = 0;
  for (const template of templates) {
    for (const [at, text] of stringLeaves(template.entity)) {
      if (!looksTemplated(text)) continue;
      occurrences += 1;
      if (!bySource.has(text)) bySource.set(text, { id: `${template.id} ${at}`, source: text, options: {} });
    }
  }
  return { cases: [...bySource.values()], occurrences, templates: templates.length, skipped };
}

/** How `fetch:template` & co. would read a skeleton: the three engine options of the step. */
function fetchStepOptions(step) {
  const input = step.input ?? {};
  return {
    cookiecutterCompat: step.action === 'fetch:cookiecutter' || input.cookiecutterCompat === true,
    trimBlocks: input.trimBlocks === true,
    lstripBlocks: input.lstripBlocks === true,
  };
}

const FETCH_ACTIONS = new Set(['fetch:template', 'fetch:template:file', 'fetch:cookiecutter']);

/** Is this a local (relative, untemplated) skeleton location? */
function localUrl(url) {
  return typeof url === 'string' && url.trim() !== '' && !looksTemplated(url) && !/^[a-z][a-z0-9+.-]*:/i.test(url);
}

/** Text as `fetch:template` reads it: no NUL in the first 8000 bytes and valid UTF-8 (a BOM is kept,
 * as Node's `readFile(…, 'utf-8')` keeps it); null for anything else. */
function readText(file) {
  const bytes = fs.readFileSync(file);
  if (bytes.subarray(0, 8000).includes(0)) return null;
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return null;
  }
}

function listFiles(root) {
  const files = [];
  const walk = (current) => {
    for (const entry of fs.readdirSync(current, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) files.push(full);
    }
  };
  if (fs.statSync(root).isDirectory()) walk(root);
  else files.push(root);
  return files;
}

/**
 * Set c: the text files of every skeleton location, each in the mode(s) the templates that fetch
 * it use. Locations come from INDEX.tsv's `skeletons` column (local entries) and from the fetch
 * steps' `url` (resolved against the template file); a step decides the mode of its location
 * (`fetch:cookiecutter` or `cookiecutterCompat: true` → `{{ }}` variables; `trimBlocks`,
 * `lstripBlocks` as given). Locations no step resolves to (templated URLs) use the defaults.
 */
function skeletonFileCases(dir) {
  const rows = readIndex(dir);
  const { templates } = loadCorpusTemplates(dir);
  /** absolute location → Map(optionsKey → options) */
  const locations = new Map();
  const addLocation = (location, options) => {
    const key = path.resolve(location);
    if (!fs.existsSync(key)) return;
    if (!locations.has(key)) locations.set(key, new Map());
    if (options) locations.get(key).set(JSON.stringify(options), options);
  };
  for (const row of rows) {
    for (const entry of row.skeletons.split(';')) {
      if (!entry || entry === 'dynamic' || entry === 'remote' || /^(missing|outside):/.test(entry)) continue;
      addLocation(path.join(dir, entry), null);
    }
  }
  let modedSteps = 0;
  for (const template of templates) {
    for (const step of template.entity.spec?.steps ?? []) {
      if (!step || !FETCH_ACTIONS.has(step.action) || !localUrl(step.input?.url)) continue;
      const location = path.resolve(path.dirname(template.file), step.input.url);
      if (!location.startsWith(path.resolve(dir) + path.sep)) continue;
      addLocation(location, fetchStepOptions(step));
      modedSteps += 1;
    }
  }
  const defaults = { cookiecutterCompat: false, trimBlocks: false, lstripBlocks: false };
  const cases = [];
  const seen = new Set();
  let binary = 0;
  /** file → its text, or null when it is not text */
  const texts = new Map();
  for (const [location, modes] of [...locations].sort((a, b) => a[0].localeCompare(b[0]))) {
    const optionsList = modes.size ? [...modes.values()] : [defaults];
    for (const file of listFiles(location)) {
      if (!texts.has(file)) {
        texts.set(file, readText(file));
        if (texts.get(file) === null) binary += 1;
      }
      const text = texts.get(file);
      if (text === null) continue;
      for (const options of optionsList) {
        const key = `${file}\0${JSON.stringify(options)}`;
        if (seen.has(key)) continue;
        seen.add(key);
        cases.push({ id: path.relative(dir, file), source: text, options });
      }
    }
  }
  return { cases, locations: locations.size, files: texts.size, binary, modedSteps };
}

module.exports = { looksTemplated, stringLeaves, templateStringCases, skeletonFileCases, readText };
