'use strict';
// Render cases from the shared corpus: every templated string of the steps (input, if, each)
// and the output of every Template document, with a context a real task could have (values
// from the form's defaults/enums, plausible step outputs, a signed-in user), and every text
// skeleton file with `values` built the same way.

const fs = require('node:fs');
const path = require('node:path');
const { loadCorpusTemplates } = require('./parity-corpus.cjs');
const { looksTemplated, stringLeaves, skeletonFileCases } = require('./syntax-corpus.cjs');
const { nunjitsuRenderer, renderStepInput } = require('./render-oracle.cjs');

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

/** A plausible value for a form field: default, const, first enum/example, else by name and type. */
function sampleValue(name, schema, depth = 0) {
  if (!isObject(schema) || depth > 6) return `sample-${name}`;
  if (schema.default !== undefined) return schema.default;
  if (schema.const !== undefined) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length) return schema.enum[0];
  if (Array.isArray(schema.examples) && schema.examples.length) return schema.examples[0];
  const field = schema['ui:field'];
  if (field === 'RepoUrlPicker' || /repourl/i.test(name)) return 'github.com?owner=acme&repo=sample-repo';
  if (field === 'OwnerPicker' || field === 'MyGroupsPicker' || /owner/i.test(name)) return 'group:default/team-a';
  if (field === 'EntityPicker' || field === 'OwnedEntityPicker') return 'component:default/sample-service';
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'boolean':
      return true;
    case 'integer':
    case 'number':
      return schema.minimum ?? 3;
    case 'array': {
      const items = isObject(schema.items) ? schema.items : {};
      if (Array.isArray(items.enum) && items.enum.length) return items.enum.slice(0, 2);
      return [sampleValue(`${name}-item`, items, depth + 1)];
    }
    case 'object':
      return objectSample(schema, depth + 1);
    default:
      return `sample-${name}`;
  }
}

/** Values for every property of a schema (and of its dependencies / oneOf / allOf / if-then branches). */
function objectSample(schema, depth = 0, into = {}) {
  if (!isObject(schema) || depth > 6) return into;
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    if (!(name in into)) into[name] = sampleValue(name, property, depth);
  }
  const branches = [
    ...Object.values(schema.dependencies ?? {}).flatMap((d) => (isObject(d) ? [d, ...(d.oneOf ?? [])] : [])),
    ...(schema.allOf ?? []),
    ...(schema.oneOf ?? []).slice(0, 1),
    ...(schema.anyOf ?? []).slice(0, 1),
    schema.then,
  ];
  for (const branch of branches) objectSample(branch, depth + 1, into);
  return into;
}

/** `steps.<id>.output.<name>` (and `steps['id'].output.name`) read anywhere in the template. */
function referencedOutputs(text) {
  const outputs = new Map();
  const add = (id, name) => {
    if (!outputs.has(id)) outputs.set(id, new Set());
    if (name) outputs.get(id).add(name);
  };
  for (const m of text.matchAll(/steps(?:\.([\w-]+)|\[['"]([^'"]+)['"]\])\.output(?:\.(\w+)|\[['"]([^'"]+)['"]\])?/g)) {
    add(m[1] ?? m[2], m[3] ?? m[4]);
  }
  return outputs;
}

function plausibleOutput(stepId, name) {
  if (/url/i.test(name)) return `https://github.com/acme/${stepId}/${name}`;
  if (/ref/i.test(name)) return `component:default/${stepId}`;
  if (/^(is|has)[A-Z]|enabled|exists/.test(name)) return true;
  if (/count|number|size/i.test(name)) return 2;
  return `${stepId}-${name}`;
}

/** The context Backstage would give step inputs of `entity`. */
function taskContext(entity) {
  const pages = [entity.spec?.parameters ?? []].flat();
  const parameters = {};
  for (const page of pages) objectSample(page, 0, parameters);
  const text = JSON.stringify(entity);
  const steps = {};
  for (const step of entity.spec?.steps ?? []) {
    if (isObject(step) && typeof step.id === 'string') steps[step.id] = { output: {} };
  }
  for (const [id, names] of referencedOutputs(text)) {
    steps[id] = steps[id] ?? { output: {} };
    for (const name of names) steps[id].output[name] = plausibleOutput(id, name);
  }
  const secrets = {};
  for (const m of text.matchAll(/secrets\.(\w+)/g)) secrets[m[1]] = `secret-${m[1]}`;
  return {
    parameters,
    steps,
    secrets,
    environment: { parameters: {}, secrets: {} },
    user: {
      entity: {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'User',
        metadata: { name: 'jane', namespace: 'default' },
        spec: { profile: { displayName: 'Jane Doe', email: 'jane@example.com' }, memberOf: ['team-a'] },
      },
      ref: 'user:default/jane',
    },
    context: { task: { id: 'task-0001' } },
  };
}

/** Set b: step input/if/each strings and output strings, rendered with renderValue (JSON coercion). */
function stepStringCases(dir) {
  const { templates } = loadCorpusTemplates(dir);
  const cases = [];
  const seen = new Set();
  for (const template of templates) {
    const context = taskContext(template.entity);
    const places = [];
    (template.entity.spec?.steps ?? []).forEach((step, i) => {
      if (!isObject(step)) return;
      const each = step.each !== undefined;
      const stepContext = each ? { ...context, each: { key: '0', value: { name: 'sample', value: 'one' } } } : context;
      places.push([`steps/${i}/input`, step.input, stepContext]);
      places.push([`steps/${i}/each`, step.each, context]);
      // Backstage renders a step's `if` without secrets (unless the step has `each`).
      places.push([`steps/${i}/if`, step.if, each ? stepContext : { ...context, secrets: undefined }]);
    });
    places.push(['output', template.entity.spec?.output, { ...context, secrets: undefined }]);
    for (const [at, value, ctx] of places) {
      for (const [leaf, text] of stringLeaves(value, at)) {
        if (!looksTemplated(text)) continue;
        const key = `${template.id}\0${text}`;
        if (seen.has(key)) continue;
        seen.add(key);
        cases.push({ id: `${template.id} ${leaf}`, source: text, context: ctx, mode: 'value' });
      }
    }
  }
  return cases;
}

/** Set c: skeleton text files rendered as text with plausible `values` from every template. */
function skeletonRenderCases(dir) {
  const { templates } = loadCorpusTemplates(dir);
  // One values object from every form in the corpus: skeletons read `values.X` names that
  // the fetch steps pass on from these parameters.
  const values = {};
  for (const template of templates) {
    Object.assign(values, taskContext(template.entity).parameters);
    for (const step of template.entity.spec?.steps ?? []) {
      if (isObject(step?.input?.values)) {
        for (const [k, v] of Object.entries(step.input.values)) {
          if (!(k in values)) values[k] = typeof v === 'string' && looksTemplated(v) ? `sample-${k}` : v;
        }
      }
    }
  }
  const { cases } = skeletonFileCases(dir);
  return cases.map((c) => ({
    ...c,
    mode: 'string',
    context: c.options.cookiecutterCompat ? { cookiecutter: values } : { values },
  }));
}

/** Files and bytes under a directory (lstat: links are not followed). */
function treeSize(dir) {
  let files = 0;
  let bytes = 0;
  const walk = (current) => {
    for (const entry of fs.readdirSync(current, { withFileTypes: true })) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) walk(full);
      else {
        files += 1;
        bytes += fs.lstatSync(full).size;
      }
    }
  };
  walk(dir);
  return { files, bytes };
}

/**
 * Every `fetch:template` step of the corpus whose skeleton is a directory of the corpus: its
 * input rendered as Backstage renders step inputs (the real nunjitsu, a plausible task context),
 * so `url` may be templated. `{cases, unresolved}`: a case is `{id, location (absolute),
 * skeleton (relative to the corpus), input (without url, targetPath and token), files, bytes}`,
 * one per distinct skeleton + input; `unresolved` says why a step has no case (remote url,
 * missing directory…).
 */
function fetchTemplateCases(dir) {
  const { templates } = loadCorpusTemplates(dir);
  const renderer = nunjitsuRenderer();
  const cases = new Map();
  const unresolved = [];
  for (const template of templates) {
    const context = taskContext(template.entity);
    (template.entity.spec?.steps ?? []).forEach((step, i) => {
      if (!isObject(step) || step.action !== 'fetch:template' || !isObject(step.input)) return;
      const id = `${template.id} steps[${i}]`;
      // The token only authenticates reads; a local skeleton needs none.
      const { url, targetPath: _targetPath, token: _token, ...input } = renderStepInput(renderer, step.input, context);
      if (typeof url !== 'string' || /^[a-z][a-z0-9+.-]*:/i.test(url)) {
        unresolved.push({ id, reason: `url ${JSON.stringify(url)} is not a path next to the template` });
        return;
      }
      const location = path.resolve(path.dirname(template.file), url);
      if (!location.startsWith(path.resolve(dir) + path.sep)) {
        unresolved.push({ id, reason: `url ${url} leaves the corpus` });
        return;
      }
      if (!fs.statSync(location, { throwIfNoEntry: false })?.isDirectory()) {
        unresolved.push({ id, reason: `url ${url} names no directory in the corpus` });
        return;
      }
      const key = `${location}\0${JSON.stringify(input)}`;
      if (!cases.has(key)) {
        cases.set(key, { id, location, skeleton: path.relative(dir, location), input, ...treeSize(location) });
      }
    });
  }
  return { cases: [...cases.values()], unresolved };
}

module.exports = { taskContext, stepStringCases, skeletonRenderCases, sampleValue, fetchTemplateCases };
