'use strict';
// A real scaffolder backend for a test file: @backstage/plugin-scaffolder-backend started with
// startTestBackend, plus the given features, on an in-memory SQLite database.

const { before, after } = require('node:test');
const path = require('node:path');
const { startTestBackend, mockServices } = require('@backstage/backend-test-utils');
const { createBackendModule } = require('@backstage/backend-plugin-api');
const { scaffolderActionsExtensionPoint } = require('@backstage/plugin-scaffolder-node');

// The default test database (backend-defaults' in-memory better-sqlite3) is never destroyed on
// shutdown ("sqlite3 does not support destroy"), and its pool timer keeps the process alive
// after the tests. So the test owns the Knex instance, hands it to the backend and destroys it.
const knexFactory = require(
  require.resolve('knex', { paths: [path.dirname(require.resolve('@backstage/backend-defaults/package.json'))] }),
);

/**
 * Starts the backend before the file's tests and stops it after them. Returns an object whose
 * `baseUrl` (`http://127.0.0.1:PORT/api/scaffolder`) is set once it is up.
 */
function useScaffolderBackend(features) {
  const handle = { baseUrl: undefined };
  let backend;
  let knex;
  before(
    async () => {
      knex = knexFactory({
        client: 'better-sqlite3',
        // Under another Node.js than the one node_modules was built for (the Node 22 run of
        // scripts/test-node22.sh), better-sqlite3's native module comes from a build for it.
        connection: { filename: ':memory:', options: { nativeBinding: process.env.TRELLIS_BETTER_SQLITE3_BINDING } },
        useNullAsDefault: true,
      });
      backend = await startTestBackend({
        features: [import('@backstage/plugin-scaffolder-backend'), ...features, mockServices.database.factory({ knex })],
      });
      handle.baseUrl = `http://127.0.0.1:${backend.server.address().port}/api/scaffolder`;
    },
    { timeout: 180_000 },
  );
  after(async () => {
    if (backend) await backend.stop();
    if (knex) await knex.destroy();
  });
  return handle;
}

/** A scaffolder module adding `actions` (made with createTemplateAction). */
function actionsModule(moduleId, actions) {
  return createBackendModule({
    pluginId: 'scaffolder',
    moduleId,
    register(env) {
      env.registerInit({
        deps: { scaffolder: scaffolderActionsExtensionPoint },
        async init({ scaffolder }) {
          scaffolder.addActions(...actions);
        },
      });
    },
  });
}

module.exports = { useScaffolderBackend, actionsModule };
