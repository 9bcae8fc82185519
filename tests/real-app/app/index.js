'use strict';
// The backend of a Backstage app (packages/backend/src/index.ts of `npx @backstage/create-app`,
// reduced to what templates need), with Trellis added the way its docs say.
const { createBackend } = require('@backstage/backend-defaults');

const backend = createBackend();
backend.add(import('@backstage/plugin-catalog-backend'));
// Without it the catalog refuses `kind: Template` entities and no template is ever ingested.
backend.add(import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'));
backend.add(import('@backstage/plugin-scaffolder-backend'));
backend.add(import('backstage-plugin-scaffolder-backend-module-trellis'));
backend.start();
