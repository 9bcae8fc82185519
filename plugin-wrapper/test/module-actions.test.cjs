'use strict';
// The known modules' actions (schemas/manifest/module-actions.json): regenerated from the real npm
// packages of scripts/module-actions/ (installed by scripts/test.sh with `npm ci`), each started
// in a real scaffolder backend, and compared byte for byte; and what the core makes of them.
const { describe, test, before } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { collectModuleActions, modulePackages, SNAPSHOT, PROJECT } = require('../../scripts/snapshot-module-actions.cjs');
const { formatManifest } = require('../../dist/manifest.js');
const { actionManifest, checkTemplate } = require('../../dist/index.js');

const snapshotText = fs.readFileSync(SNAPSHOT, 'utf8');
const snapshot = JSON.parse(snapshotText);

/** A template whose steps are `steps` (YAML text at the steps' indentation); the first starts on line 7. */
function templateWithSteps(steps) {
  return `apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata: {name: t}\nspec:\n  type: service\n  steps:\n${steps}`;
}

describe('the checked-in module actions', () => {
  let fresh;
  before(
    async () => {
      fresh = await collectModuleActions();
    },
    { timeout: 300_000 },
  );

  test('are what the pinned modules register in a real scaffolder backend, byte for byte', () => {
    assert.deepEqual(fresh, snapshot, 'regenerate with `npm run snapshot-module-actions` and review the diff');
    assert.equal(formatManifest(fresh), snapshotText);
  });

  test('every module of scripts/module-actions is pinned to an exact version and provides actions', () => {
    const pins = JSON.parse(fs.readFileSync(path.join(PROJECT, 'package.json'), 'utf8')).devDependencies;
    assert.equal(modulePackages().length, 17);
    for (const name of modulePackages()) {
      assert.match(pins[name], /^\d+\.\d+\.\d+$/, `${name} is pinned`);
      assert.equal(snapshot.source.modules[name], pins[name], `${name} as installed`);
      const pkg = `${name}@${pins[name]}`;
      assert.ok(snapshot.actions.some(a => a.package === pkg), `${pkg} provides an action`);
    }
    assert.equal(snapshot.source.packages['@backstage/plugin-scaffolder-backend'], '4.3.0');
  });
});

test('checkTemplate knows every module action without a manifest and applies its input schema', () => {
  // One step per module action, each with an input no action declares.
  const steps = snapshot.actions.map((action, index) => `    - id: s${index}\n      action: ${action.id}\n      input: {zzUnknown: 1}\n`);
  const { diagnostics } = checkTemplate(templateWithSteps(steps.join('')));
  assert.deepEqual(diagnostics.filter(d => d.rule === 'unknown-action'), [], 'every module action is known');
  const refused = new Set(diagnostics.filter(d => d.rule === 'action-input' && d.message.includes('`zzUnknown`')).map(d => d.line));
  const closed = snapshot.actions.filter(a => a.schema.input?.additionalProperties === false);
  assert.equal(refused.size, closed.length, 'one finding per action whose schema refuses extra inputs');
  snapshot.actions.forEach((action, index) => {
    if (closed.includes(action)) assert.ok(refused.has(7 + 3 * index + 2), `${action.id}: its input schema is applied`);
  });
  assert.equal(actionManifest().actions.filter(a => a.id === 'publish:github').length, 0, 'the editor schema stays built-in only');
});

test('checkTemplate: a module action is checked like a built-in; a typo of one names its package', () => {
  const template = templateWithSteps(
    [
      '    - id: publish',
      '      action: publish:github',
      '      input: {repoUrl: "github.com?owner=o&repo=r", allowedHosts: [github.com]}',
      '    - id: mr',
      '      action: publish:gitlab:merge-reqest',
      '',
    ].join('\n'),
  );
  const { diagnostics } = checkTemplate(template);
  const found = diagnostics.map(d => `${d.line} ${d.severity} ${d.rule}`);
  assert.deepEqual(found, ['9 error action-input', '11 error unknown-action']);
  assert.match(diagnostics[1].hint, /@backstage\/plugin-scaffolder-backend-module-gitlab/);
});
