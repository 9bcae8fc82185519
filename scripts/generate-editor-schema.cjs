#!/usr/bin/env node
'use strict';
// Writes schemas/template.schema.json, a JSON Schema (draft-07) of template.yaml for editors
// (the VS Code YAML extension: `# yaml-language-server: $schema=…`), from what `trellis check`
// knows:
//
// - the catalog's own Entity and Template v1beta3 schemas (schemas/entity/, the ones the
//   `entity-structure` rule uses), inlined under `definitions` so the file stands alone;
// - the action manifest (dist's `actionManifest()`: scaffolder-backend 4.3.0's built-ins and
//   Trellis' own actions, plus an instance's with --manifest): each step's `input` is checked
//   against its action's input schema (`if`/`then` on `action`), where every value constrained
//   to something other than a plain string also accepts a `${{ }}` string, because Backstage
//   renders those before the action sees them;
// - a catalog placeholder (`{$yaml: ./steps/x.yaml}`, `$json`, `$text`) accepted wherever a value
//   may stand, because the catalog replaces it with the included file before anyone checks the
//   template (src/placeholders.rs; docs/backstage-behaviour.md, "Catalog placeholders").
//
// Usage: node scripts/generate-editor-schema.cjs [--manifest FILE] [--out FILE]   (after a build)
// plugin-wrapper/test/editor-schema.test.cjs regenerates the file and fails on drift.

const fs = require('node:fs');
const path = require('node:path');
const { parseArgs } = require('node:util');

const root = path.resolve(__dirname, '..');
const ENTITY_SCHEMAS = ['common', 'EntityMeta', 'Entity', 'EntityEnvelope', 'Template.v1beta3'];
const TEMPLATED = '#/definitions/templatedString';
/** Keywords that describe a schema without constraining its value (kept on the outside for hovers). */
const ANNOTATIONS = new Set(['title', 'description', 'default', 'examples', '$comment', 'deprecated', 'markdownDescription']);
const PLACEHOLDER = '#/definitions/placeholder';
const STRING_CONSTRAINTS = ['enum', 'const', 'pattern', 'format', 'maxLength', 'not', 'if', 'anyOf', 'oneOf', 'allOf', '$ref'];

/**
 * The entity schemas as `definitions`, their cross-file `$ref`s ("Entity", "common#relation",
 * "#reference") rewritten to local JSON pointers.
 */
function entityDefinitions() {
  const schemas = ENTITY_SCHEMAS.map(name => JSON.parse(fs.readFileSync(path.join(root, 'schemas/entity', `${name}.schema.json`), 'utf8')));
  const anchors = new Map(); // "<schema id>#<anchor>" and "<schema id>" -> pointer
  const collect = (node, id, pointer) => {
    if (Array.isArray(node)) return node.forEach((item, i) => collect(item, id, `${pointer}/${i}`));
    if (!node || typeof node !== 'object') return;
    if (typeof node.$id === 'string' && node.$id.startsWith('#')) anchors.set(`${id}${node.$id}`, pointer);
    for (const [key, value] of Object.entries(node)) collect(value, id, `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`);
  };
  for (const schema of schemas) {
    anchors.set(schema.$id, `#/definitions/${schema.$id}`);
    collect(schema, schema.$id, `#/definitions/${schema.$id}`);
  }
  const rewrite = (node, id) => {
    if (Array.isArray(node)) return node.map(item => rewrite(item, id));
    if (!node || typeof node !== 'object') return node;
    const out = {};
    for (const [key, value] of Object.entries(node)) {
      if (key === '$id' || key === '$schema') continue;
      if (key === '$ref') {
        const target = value.startsWith('#') ? `${id}${value}` : value;
        if (!anchors.has(target)) throw new Error(`schemas/entity: unresolved $ref ${value} in ${id}`);
        out.$ref = anchors.get(target);
      } else {
        out[key] = rewrite(value, id);
      }
    }
    return out;
  };
  return Object.fromEntries(schemas.map(schema => [schema.$id, rewrite(schema, schema.$id)]));
}

/** Whether every string, templated or not, already satisfies `schema`. */
function acceptsAnyString(schema) {
  if (schema === true) return true;
  if (!schema || typeof schema !== 'object') return false;
  const types = schema.type === undefined ? undefined : [].concat(schema.type);
  if (types !== undefined && !types.includes('string')) return false;
  return !STRING_CONSTRAINTS.some(keyword => keyword in schema);
}

/**
 * `schema` with a `${{ }}` string accepted wherever a rendered value is checked (but not as the
 * whole value when `wrap` is false: a step's `input` itself must be a mapping).
 */
function templatable(schema, wrap = true) {
  if (!schema || typeof schema !== 'object' || Array.isArray(schema)) return schema;
  const out = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === '$schema') continue;
    if (['properties', 'patternProperties', 'definitions'].includes(key)) {
      out[key] = Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, templatable(sub)]));
    } else if (['additionalProperties', 'items', 'additionalItems', 'contains'].includes(key)) {
      out[key] = Array.isArray(value) ? value.map(templatable) : templatable(value);
    } else if (['anyOf', 'allOf'].includes(key)) {
      out[key] = value.map(templatable);
    } else if (key === 'oneOf') {
      // A templated string may satisfy several alternatives at once; any one is enough here.
      out.anyOf = [...(out.anyOf ?? []), ...value.map(templatable)];
    } else {
      out[key] = value;
    }
  }
  if (!wrap || acceptsAnyString(out)) return out;
  return orElse(out, { $ref: TEMPLATED });
}

/** `schema` accepting `alternative` too, its annotations kept outside (for hovers). */
function orElse(schema, alternative) {
  const outside = {};
  const inside = {};
  for (const [key, value] of Object.entries(schema)) (ANNOTATIONS.has(key) ? outside : inside)[key] = value;
  const keys = Object.keys(inside);
  // Already `anyOf` alone (a templatable value): one more alternative, not one more level.
  if (keys.length === 1 && keys[0] === 'anyOf') return { ...outside, anyOf: [...inside.anyOf, alternative] };
  return { ...outside, anyOf: [inside, alternative] };
}

/** Keywords whose schemas describe a value inside this one (a property, an item). */
const VALUE_KEYWORDS = new Set(['additionalProperties', 'items', 'additionalItems']);
const VALUE_MAP_KEYWORDS = new Set(['properties', 'patternProperties']);
/** Keywords whose schemas describe this same value (so the value positions below them count). */
const SAME_VALUE_KEYWORDS = new Set(['allOf', 'anyOf', 'oneOf', 'then', 'else']);

/**
 * `schema` with a catalog placeholder accepted at every value position below it (not `schema`
 * itself: the document's root is no placeholder). Conditions (`if`, `not`, `contains`) are left
 * as they are: a placeholder there would change what they test.
 */
function placeholdersAllowed(schema) {
  if (Array.isArray(schema)) return schema.map(placeholdersAllowed);
  if (!schema || typeof schema !== 'object') return schema;
  const out = {};
  for (const [key, value] of Object.entries(schema)) {
    if (VALUE_KEYWORDS.has(key)) {
      out[key] = Array.isArray(value) ? value.map(placeholderOrValue) : placeholderOrValue(value);
    } else if (VALUE_MAP_KEYWORDS.has(key) || key === 'definitions') {
      const each = key === 'definitions' ? placeholdersAllowed : placeholderOrValue;
      out[key] = Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, each(sub)]));
    } else if (SAME_VALUE_KEYWORDS.has(key)) {
      out[key] = placeholdersAllowed(value);
    } else {
      out[key] = value;
    }
  }
  return out;
}

/** A value's schema that also accepts a placeholder (unless it accepts anything already). */
function placeholderOrValue(schema) {
  const inner = placeholdersAllowed(schema);
  if (inner === true || !inner || typeof inner !== 'object') return inner;
  if (Object.keys(inner).every(key => ANNOTATIONS.has(key))) return inner;
  return orElse(inner, { $ref: PLACEHOLDER });
}

/** `if action is X then input follows X's input schema`, one per action with an input schema. */
function actionRules(actions) {
  return actions
    .filter(action => action.schema?.input && Object.keys(action.schema.input).length > 0)
    .map(action => ({
      if: { properties: { action: { const: action.id } }, required: ['action'] },
      then: { properties: { input: templatable(action.schema.input, false) } },
    }));
}

function generate({ manifest } = {}) {
  const { actionManifest } = require(path.join(root, 'dist/index.js'));
  const actions = actionManifest(manifest).actions.slice().sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const definitions = entityDefinitions();
  const template = definitions.TemplateV1beta3;
  const spec = template.allOf[1].properties.spec;
  const step = spec.properties.steps.items;
  step.properties.action = {
    ...step.properties.action,
    examples: actions.map(a => a.id),
  };
  step.allOf = actionRules(actions);
  definitions.templatedString = {
    type: 'string',
    pattern: '\\$\\{\\{[\\s\\S]*\\}\\}',
    description: 'A value written as a `${{ }}` expression: Backstage renders it before the action checks its input.',
  };
  const placeholderPath = { type: 'string', description: 'A path relative to this file (`/…` from the repository root) or a URL.' };
  const placeholderDefinition = {
    type: 'object',
    description:
      'A catalog placeholder: when the catalog reads the template it replaces this mapping with the named file, parsed (`$yaml`, `$json`) or as text (`$text`).',
    properties: { $yaml: placeholderPath, $json: placeholderPath, $text: placeholderPath },
    additionalProperties: false,
    minProperties: 1,
    maxProperties: 1,
  };
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'Backstage Software Template (scaffolder.backstage.io/v1beta3)',
    description:
      'Generated by scripts/generate-editor-schema.cjs from the catalog entity schemas and the action manifest of `trellis check`; do not edit. A document of another kind (e.g. a Location next to the Template) is checked as an entity envelope only.',
    if: { properties: { kind: { const: 'Template' } }, required: ['kind'] },
    then: { $ref: '#/definitions/TemplateV1beta3' },
    else: { $ref: '#/definitions/EntityEnvelope' },
    definitions: { ...placeholdersAllowed({ definitions }).definitions, placeholder: placeholderDefinition },
  };
}

function main() {
  const { values } = parseArgs({
    options: { manifest: { type: 'string' }, out: { type: 'string', default: path.join(root, 'schemas/template.schema.json') } },
  });
  const manifest = values.manifest === undefined ? undefined : fs.readFileSync(values.manifest, 'utf8');
  fs.writeFileSync(values.out, `${JSON.stringify(generate({ manifest }), null, 2)}\n`);
  process.stderr.write(`wrote ${path.relative(process.cwd(), values.out)}\n`);
}

if (require.main === module) main();

module.exports = { generate, templatable };
