#!/usr/bin/env node
// Writes schemas/entity/*.json from the installed @backstage/catalog-model and
// @backstage/plugin-scaffolder-common. Both packages ship their JSON Schemas only compiled to
// JavaScript modules (and outside their `exports` map), so they are loaded by file path.
// Usage: node scripts/vendor-entity-schemas.cjs   (after `npm ci`; see schemas/entity/README.md)
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const out = path.join(root, 'schemas/entity');
const packageDir = name => path.dirname(require.resolve(`${name}/package.json`, { paths: [root] }));

const sources = [
  ['@backstage/catalog-model', 'dist/schema/EntityEnvelope.schema.json.cjs.js', 'EntityEnvelope.schema.json'],
  ['@backstage/catalog-model', 'dist/schema/Entity.schema.json.cjs.js', 'Entity.schema.json'],
  ['@backstage/catalog-model', 'dist/schema/EntityMeta.schema.json.cjs.js', 'EntityMeta.schema.json'],
  ['@backstage/catalog-model', 'dist/schema/shared/common.schema.json.cjs.js', 'common.schema.json'],
  ['@backstage/plugin-scaffolder-common', 'dist/Template.v1beta3.schema.json.cjs.js', 'Template.v1beta3.schema.json'],
];

for (const [pkg, file, target] of sources) {
  const dir = packageDir(pkg);
  const { version } = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  const schema = require(path.join(dir, file)).default;
  fs.writeFileSync(path.join(out, target), `${JSON.stringify(schema, null, 2)}\n`);
  console.log(`${target} <- ${pkg}@${version} ${file}`);
}
