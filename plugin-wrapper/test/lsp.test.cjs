'use strict';
// `trellis lsp --stdio` driven as an editor drives it, over stdio with vscode-jsonrpc: initialize
// with two workspace folders (a corpus repository read in place, and a temp folder holding the
// one file edited: a copy of that repository's template with seeded mistakes, its skeleton
// still the corpus one), didOpen, findings on the right lines and UTF-16 columns, didChange
// fixing one, an unsaved skeleton buffer checked, completion, hover, definition, the quick fix
// of a did-you-mean applied, shutdown and exit.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const { makeTempDir } = require('./support/temp.cjs');
const { startLspServer } = require('./support/lsp-client.cjs');

const root = path.resolve(__dirname, '../..');
const corpus = path.resolve(root, process.env.TRELLIS_CORPUS ?? '../shared/corpus');
if (!fs.existsSync(corpus)) {
  throw new Error(`the template corpus is missing at ${corpus}: put ../shared/corpus next to this clone or set TRELLIS_CORPUS`);
}
const repository = path.join(corpus, 'backstage__demo');
const templateDir = path.join(repository, 'demo-template/template');
const corpusTemplate = path.join(templateDir, 'template.yaml');
// A corpus template that has findings without a manifest (a custom action, custom form fields,
// an input its action does not declare), opened in place beside the demo.
const findingsRepository = path.join(corpus, 'TeraSky-OSS__backstage-plugins');
const findingsTemplate = path.join(findingsRepository, 'examples/template/template.yaml');
const uriOf = (file) => `file://${file}`;

/** Replaces `from` (which must occur exactly once) with `to`. */
function replaceOnce(text, from, to) {
  assert.equal(text.split(from).length, 2, `${JSON.stringify(from)} occurs once`);
  return text.replace(from, to);
}

/** The 0-based line and UTF-16 column of the `nth` occurrence of `needle` (+ `shift`) in `text`. */
function positionOf(text, needle, shift = 0, nth = 0) {
  let at = -1;
  for (let i = 0; i <= nth; i++) at = text.indexOf(needle, at + 1);
  assert.ok(at >= 0, `${needle} in the text`);
  const before = text.slice(0, at + shift);
  const line = before.split('\n').length - 1;
  return { line, character: before.length - before.lastIndexOf('\n') - 1 };
}

/** The corpus template with mistakes: a typo in a parameter on a line that holds an emoji before
 * it (two UTF-16 units, one character), a filter typo, an action typo; a step that fetches a
 * catalog entity and a probe step for completion; its skeleton url pointing back to the corpus. */
function seededTemplate(dir) {
  let text = fs.readFileSync(corpusTemplate, 'utf8');
  text = replaceOnce(text, '- Name: ${{ parameters.name }}', '- Name 🚀: ${{ parameters.nmae }}');
  text = replaceOnce(text, '- Owner: ${{ (parameters.repoUrl | parseRepoUrl).owner }}', '- Owner: ${{ (parameters.repoUrl | parseRepoUrll).owner }}');
  text = replaceOnce(text, '      action: debug:log\n', '      action: debug:logg\n');
  text = replaceOnce(text, 'url: ./skeleton', `url: ${path.relative(dir, path.join(templateDir, 'skeleton'))}`);
  const steps = [
    '    - id: owner',
    '      action: catalog:fetch',
    '      input:',
    '        entityRef: ${{ parameters.repoUrl | parseRepoUrl | pick("owner") }}',
    '    - id: probe',
    '      action: debug:log',
    '      input:',
    '        message: PROBE',
    '',
    '  output:',
  ].join('\n');
  return replaceOnce(text, '\n  output:', `\n${steps}`);
}

test('an editor session over stdio: findings, fixes, completion, hover, definition, quick fix', async (t) => {
  const dir = fs.realpathSync(makeTempDir('trellis-lsp-'));
  const server = startLspServer();
  t.after(() => server.child.kill());

  const init = await server.initialize([repository, dir, findingsRepository]);
  assert.deepEqual(init.capabilities.completionProvider.triggerCharacters, ['.', '|']);
  assert.equal(init.capabilities.hoverProvider, true);
  assert.equal(init.capabilities.definitionProvider, true);
  assert.deepEqual(init.capabilities.codeActionProvider.codeActionKinds, ['quickfix']);
  assert.equal(init.serverInfo.name, 'trellis');
  const { connection } = server;

  await t.test('corpus templates opened in place get exactly what trellis check finds', async () => {
    for (const template of [corpusTemplate, findingsTemplate]) {
      const text = fs.readFileSync(template, 'utf8');
      connection.sendNotification('textDocument/didOpen', { textDocument: { uri: uriOf(template), languageId: 'yaml', version: 1, text } });
      const { diagnostics } = await server.diagnosticsFor(uriOf(template));
      const cli = spawnSync(process.execPath, [path.join(root, 'dist/cli.js'), 'check', template, '--format', 'json'], { encoding: 'utf8' });
      const expected = JSON.parse(cli.stdout).diagnostics;
      assert.deepEqual(
        diagnostics.map((d) => [d.code, d.severity, d.range.start.line + 1, d.range.start.character + 1, d.message.split('\n')[0]]),
        expected.map((d) => [d.rule, { error: 1, warning: 2, info: 3 }[d.severity], d.line, d.column, d.message]),
      );
      assert.ok(diagnostics.every((d) => d.source === 'trellis'));
      if (template === findingsTemplate) assert.ok(expected.length > 0, 'the template has findings without a manifest');
    }
  });

  const file = path.join(dir, 'template.yaml');
  const uri = uriOf(file);
  let text = seededTemplate(dir);
  let version = 1;
  fs.writeFileSync(file, text);
  /** Applies LSP edits to `text` and sends them as one incremental didChange. */
  const change = (edits) => {
    const offset = ({ line, character }) => text.split('\n').slice(0, line).join('\n').length + (line > 0 ? 1 : 0) + character;
    for (const edit of [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start))) {
      text = text.slice(0, offset(edit.range.start)) + edit.newText + text.slice(offset(edit.range.end));
    }
    version += 1;
    connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version },
      contentChanges: edits.map((edit) => ({ range: edit.range, text: edit.newText })),
    });
  };
  const find = (list, rule) => list.filter((d) => d.code === rule);

  await t.test('seeded mistakes are errors on their lines, columns in UTF-16', async () => {
    connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version, text } });
    const { diagnostics } = await server.diagnosticsFor(uri);
    const parameter = find(diagnostics, 'undeclared-parameter');
    assert.equal(parameter.length, 1, JSON.stringify(diagnostics, null, 1));
    // `nmae` after 🚀: the LSP column counts the emoji as two units.
    const nmae = positionOf(text, 'nmae');
    assert.deepEqual(parameter[0].range, { start: nmae, end: { line: nmae.line, character: nmae.character + 4 } });
    assert.equal(parameter[0].severity, 1);
    assert.match(parameter[0].message, /did you mean `parameters.name`\?/);
    assert.deepEqual(find(diagnostics, 'unknown-filter')[0].range.start, positionOf(text, 'parseRepoUrll'));
    const action = find(diagnostics, 'unknown-action').find((d) => d.message.includes('debug:logg'));
    assert.deepEqual(action.range.start, positionOf(text, 'debug:logg'));
    assert.equal(action.severity, 1, 'a near miss of a built-in action is an error');
  });

  await t.test('an unsaved skeleton buffer is what the check reads', async () => {
    const skeleton = path.join(templateDir, 'skeleton/index.html');
    const original = fs.readFileSync(skeleton, 'utf8');
    const edited = replaceOnce(original, '${{ values.name }}', '${{ values.nmae }}');
    const skeletonUri = uriOf(skeleton);
    connection.sendNotification('textDocument/didOpen', { textDocument: { uri: skeletonUri, languageId: 'html', version: 1, text: edited } });
    const { diagnostics } = await server.diagnosticsFor(skeletonUri, (list) => find(list, 'skeleton-values').length > 0);
    // Both open templates render this skeleton: one finding from each.
    const found = find(diagnostics, 'skeleton-values');
    assert.deepEqual(found.map((d) => d.range.start), [positionOf(edited, 'values.nmae'), positionOf(edited, 'values.nmae')]);
    assert.deepEqual(found.map((d) => d.message.match(/of (\S+template\.yaml)/)[1]).sort(), [file, corpusTemplate].sort());
    connection.sendNotification('textDocument/didChange', { textDocument: { uri: skeletonUri, version: 2 }, contentChanges: [{ text: original }] });
    await server.diagnosticsFor(skeletonUri, (list) => find(list, 'skeleton-values').length === 0);
    connection.sendNotification('textDocument/didClose', { textDocument: { uri: skeletonUri } });
    assert.equal(fs.readFileSync(skeleton, 'utf8'), original, 'the corpus is never written');
  });

  await t.test('didChange fixing the parameter makes its error go away, the others stay', async () => {
    const at = positionOf(text, 'nmae');
    change([{ range: { start: at, end: { line: at.line, character: at.character + 4 } }, newText: 'name' }]);
    const { diagnostics } = await server.diagnosticsFor(uri, (list) => find(list, 'undeclared-parameter').length === 0);
    assert.equal(find(diagnostics, 'unknown-filter').length, 1);
  });

  /** Completion labels with the probe line's `PROBE` replaced by `probe`, the cursor at `‸`. */
  const complete = async (probe, from = 'PROBE') => {
    const start = positionOf(text, from);
    const cursorAt = probe.indexOf('‸');
    change([{ range: { start, end: { line: start.line, character: start.character + from.length } }, newText: probe.replace('‸', '') }]);
    const position = { line: start.line, character: start.character + cursorAt };
    const result = await connection.sendRequest('textDocument/completion', { textDocument: { uri }, position });
    const items = Array.isArray(result) ? result : result.items;
    // Put the probe back.
    change([{ range: { start, end: { line: start.line, character: start.character + probe.length - 1 } }, newText: from }]);
    return items;
  };
  const labels = (items) => items.map((i) => i.label);

  await t.test('completion', async () => {
    assert.deepEqual(labels(await complete('${{ parameters.‸ }}')), ['name', 'mode', 'topics', 'repoUrl']);
    const name = (await complete('${{ parameters.n‸ }}'))[0];
    assert.equal(name.detail, 'string, required');
    assert.match(name.documentation.value, /What is your Name\?/);
    assert.deepEqual(name.textEdit.range.start, { line: positionOf(text, 'PROBE').line, character: positionOf(text, 'PROBE').character + 15 });

    // Earlier steps only; `fetch-skeleton` is written as a subscript.
    const steps = await complete('${{ steps.‸ }}');
    assert.deepEqual(labels(steps), ['list-inputs', 'fetch-skeleton', 'publish', 'enable-pages', 'dispatch-workflow', 'notify', 'owner']);
    assert.equal(steps[1].textEdit.newText, "['fetch-skeleton']");
    assert.deepEqual(labels(await complete('${{ steps.owner.‸ }}')), ['output']);
    assert.deepEqual(labels(await complete('${{ steps.owner.output.‸ }}')), ['entity', 'entities']);
    assert.deepEqual(labels(await complete('${{ secrets.‸ }}')), ['USER_OAUTH_TOKEN', 'backstageToken']);
    assert.deepEqual(labels(await complete('${{ user.‸ }}')), ['entity', 'ref']);

    const filters = await complete('${{ parameters.repoUrl | ‸ }}');
    for (const filter of ['parseRepoUrl', 'pick', 'upper', 'default']) assert.ok(labels(filters).includes(filter), filter);
    assert.match(filters.find((i) => i.label === 'parseRepoUrl').documentation.value, /Parses a repository URL/);

    const actions = await complete('catalog:f‸', 'catalog:fetch');
    assert.ok(labels(actions).includes('catalog:fetch') && labels(actions).includes('fetch:template'));
    assert.match(actions.find((i) => i.label === 'catalog:fetch').documentation.value, /entityRef/);

    // A new key under the fetch step's `input:` (its existing keys left out).
    const inputs = await complete('ta‸', 'token: ${{ secrets.USER_OAUTH_TOKEN or false }}');
    assert.ok(labels(inputs).includes('targetPath') && labels(inputs).includes('copyWithoutTemplating'), labels(inputs).join());
    assert.ok(!labels(inputs).includes('url'), 'url is there already');
    assert.equal(inputs.find((i) => i.label === 'targetPath').textEdit.newText, 'targetPath: ');
    assert.ok(inputs.find((i) => i.label === 'targetPath').documentation.value.length > 0);
  });

  await t.test('hover', async () => {
    const hover = (needle, shift = 1) => connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: positionOf(text, needle, shift) });
    // Right after `name`, behind the emoji: both directions of the UTF-16 conversion are exact
    // (a column off by the emoji's second unit would miss the name or move the range).
    const afterEmoji = await hover('🚀: ${{ parameters.name', '🚀: ${{ parameters.name'.length);
    assert.match(afterEmoji.contents.value, /^`parameters.name` — string, required/);
    const name = positionOf(text, '🚀: ${{ parameters.name', '🚀: ${{ parameters.'.length);
    assert.deepEqual(afterEmoji.range, { start: name, end: { line: name.line, character: name.character + 4 } });
    const action = await hover('fetch:template');
    assert.match(action.contents.value, /^\*\*`fetch:template`\*\*/);
    assert.match(action.contents.value, /- `url` \(string, required\)/);
    assert.deepEqual(action.range.start, positionOf(text, 'fetch:template'));
    const parameter = await hover('parameters.topics', 'parameters.'.length + 1);
    assert.match(parameter.contents.value, /^`parameters.topics` — array, required/);
    assert.match(parameter.contents.value, /What Software Template topics are you interested in\?/);
    const filter = await hover('pick(');
    assert.match(filter.contents.value, /^filter `pick/);
    assert.match(filter.contents.value, /Selects a specific property/);
  });

  await t.test('definition', async () => {
    const definition = (needle, shift) => connection.sendRequest('textDocument/definition', { textDocument: { uri }, position: positionOf(text, needle, shift) });
    const parameter = await definition('parameters.repoUrl }}', 'parameters.'.length + 2);
    assert.deepEqual(parameter.map((l) => [l.uri, l.range.start]), [[uri, positionOf(text, 'repoUrl:\n')]]);
    change([{ range: { start: positionOf(text, 'PROBE'), end: positionOf(text, 'PROBE', 5) }, newText: '${{ steps.owner.output.entity }}' }]);
    const step = await definition('steps.owner', 'steps.'.length + 1);
    assert.deepEqual(step.map((l) => [l.uri, l.range]), [[uri, { start: positionOf(text, 'owner\n'), end: positionOf(text, 'owner\n', 5) }]]);
  });

  await t.test('the quick fix of a did-you-mean, applied, clears the finding', async () => {
    const { diagnostics } = await server.diagnosticsFor(uri);
    const typo = diagnostics.find((d) => d.code === 'unknown-action' && d.message.includes('debug:logg'));
    const actions = await connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri },
      range: typo.range,
      context: { diagnostics: [typo] },
    });
    assert.equal(actions.length, 1, JSON.stringify(actions));
    assert.equal(actions[0].title, 'Change `debug:logg` to `debug:log`');
    assert.equal(actions[0].kind, 'quickfix');
    assert.deepEqual(actions[0].diagnostics, [typo]);
    const edits = actions[0].edit.changes[uri];
    assert.deepEqual(edits, [{ range: typo.range, newText: 'debug:log' }]);
    change(edits);
    await server.diagnosticsFor(uri, (list) => !list.some((d) => d.message.includes('debug:logg')));

    const filter = (await server.diagnosticsFor(uri)).diagnostics.find((d) => d.code === 'unknown-filter');
    const [fix] = await connection.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: filter.range, context: { diagnostics: [filter] } });
    assert.equal(fix.title, 'Change `parseRepoUrll` to `parseRepoUrl`');
    change(fix.edit.changes[uri]);
    await server.diagnosticsFor(uri, (list) => find(list, 'unknown-filter').length === 0);
    assert.ok(text.includes('(parameters.repoUrl | parseRepoUrl).owner'));
  });

  await t.test('shutdown and exit end the process with status 0', async () => {
    assert.equal(await server.stop(), 0, server.stderr());
  });
});

test('the workspace manifest makes module actions known; --help and bad options', async (t) => {
  const dir = fs.realpathSync(makeTempDir('trellis-lsp-manifest-'));
  const manifest = {
    actions: [
      {
        id: 'acme:deploy',
        description: 'Deploys to ACME',
        schema: { input: { type: 'object', additionalProperties: false, properties: { cluster: { type: 'string', description: 'Where to' } } } },
      },
    ],
    filters: [],
    globals: { functions: [], values: [] },
  };
  fs.writeFileSync(path.join(dir, 'backstage-manifest.json'), JSON.stringify(manifest));
  const file = path.join(dir, 'template.yaml');
  const text = [
    'apiVersion: scaffolder.backstage.io/v1beta3',
    'kind: Template',
    'metadata: { name: t }',
    'spec:',
    '  type: service',
    '  owner: team',
    '  steps:',
    '    - id: deploy',
    '      action: acme:deploy',
    '      input:',
    '        clustr: x',
    '',
  ].join('\n');
  fs.writeFileSync(file, text);
  const server = startLspServer();
  t.after(() => server.child.kill());
  await server.initialize([dir]);
  server.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: uriOf(file), languageId: 'yaml', version: 1, text } });
  const { diagnostics } = await server.diagnosticsFor(uriOf(file));
  // Known with its schema: the input typo is found, the action is not unknown.
  assert.deepEqual(diagnostics.map((d) => [d.code, d.range.start.line + 1]), [['action-input', 11]]);
  const hover = await server.connection.sendRequest('textDocument/hover', { textDocument: { uri: uriOf(file) }, position: { line: 8, character: 16 } });
  assert.match(hover.contents.value, /Deploys to ACME[\s\S]*`cluster` \(string\): Where to/);
  assert.equal(await server.stop(), 0);

  // The same manifest given with --manifest, for a folder that has none.
  const other = fs.realpathSync(makeTempDir('trellis-lsp-flag-'));
  const otherFile = path.join(other, 'template.yaml');
  fs.writeFileSync(otherFile, text);
  const flagged = startLspServer(['--manifest', path.join(dir, 'backstage-manifest.json')]);
  t.after(() => flagged.child.kill());
  await flagged.initialize([other]);
  flagged.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: uriOf(otherFile), languageId: 'yaml', version: 1, text } });
  const fromFlag = await flagged.diagnosticsFor(uriOf(otherFile));
  assert.deepEqual(fromFlag.diagnostics.map((d) => [d.code, d.range.start.line + 1]), [['action-input', 11]]);
  assert.equal(await flagged.stop(), 0);

  const help = spawnSync(process.execPath, [path.join(root, 'dist/cli.js'), 'lsp', '--help'], { encoding: 'utf8' });
  assert.equal(help.status, 0);
  assert.match(help.stdout, /^Usage: trellis lsp \[--stdio\] \[--manifest FILE\]/);
  const bad = spawnSync(process.execPath, [path.join(root, 'dist/cli.js'), 'lsp', '--socket=4000'], { encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /Unknown option '--socket'/);
  const missing = spawnSync(process.execPath, [path.join(root, 'dist/cli.js'), 'lsp', '--manifest', path.join(dir, 'nope.json')], { encoding: 'utf8' });
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /cannot read the manifest .*nope\.json/);
});
