'use strict';
// README.md's code samples, run as written (#17). Every fenced block is run or checked, or is
// marked as not runnable with a reason in an HTML comment right before it:
//
//   <!-- readme-test: skip, REASON -->                      not run (its trellis commands and
//                                                           script paths are still checked)
//   <!-- readme-test: output of the command above … -->     a text block: the stdout of the last
//                                                           command of the shell block before it
//   <!-- readme-test: template DIR; trellis check exits N --> a template: DIR/template.yaml (the
//                                                           block must equal it), checked beside
//                                                           DIR's skeletons in a temp copy
//
// Unmarked blocks are run by language: `sh` lines are run one by one in a temp copy of examples/
// and docs/examples/ (`npx trellis` is `node dist/cli.js`; a trailing `# exits N` states the
// expected exit status, 0 otherwise); `ts` is type-checked with tsc against dist/index.d.ts and
// the backend's real types; `js` runs with node, the package name resolving to this checkout;
// YAML is a template (checked alone), a GitHub workflow (this repository's action used with
// action.yml's real inputs) or a GitLab job (its script run on a folder with findings). A block
// the test cannot run fails it. Every `trellis` command shown anywhere in the README (blocks and
// inline code) must name a real command with real options and values, every `trellis:*` action
// a real action, and every relative link (README and docs/) an existing file.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const MarkdownIt = require('markdown-it');
const YAML = require('yaml');
const { makeTempDir } = require('./support/temp.cjs');

const root = path.resolve(__dirname, '../..');
const cli = path.join(root, 'dist/cli.js');
const packageJson = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const PACKAGE = packageJson.name;
const README = 'README.md';
const readmeText = fs.readFileSync(path.join(root, README), 'utf8');
const markdown = new MarkdownIt({ html: true });

// ---------------------------------------------------------------------------------------------
// The README's blocks

const MARKER = /^<!--\s*readme-test:\s*([\s\S]*?)\s*-->\s*$/;

/** The fenced blocks of a markdown text: `{line, lang, content, marker}` (line is 1-based). */
function fencedBlocks(text) {
  const tokens = markdown.parse(text, {});
  const blocks = [];
  tokens.forEach((token, i) => {
    if (token.type !== 'fence') return;
    const before = tokens[i - 1];
    const marker = before?.type === 'html_block' ? MARKER.exec(before.content.trim())?.[1] : undefined;
    blocks.push({ line: token.map[0] + 1, lang: token.info.trim().split(/\s+/)[0], content: token.content, marker });
  });
  return blocks;
}

/** Inline code spans and link targets of a markdown text. */
function inlineParts(text) {
  const code = [];
  const links = [];
  const walk = (tokens) => {
    for (const token of tokens) {
      if (token.type === 'code_inline') code.push(token.content);
      if (token.type === 'link_open') links.push(token.attrGet('href'));
      if (token.type === 'image') links.push(token.attrGet('src'));
      if (token.children) walk(token.children);
    }
  };
  walk(markdown.parse(text, {}));
  return { code, links };
}

// ---------------------------------------------------------------------------------------------
// `trellis` commands: what the CLI's own help says exists

function runCli(args, options = {}) {
  return spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 120_000, ...options });
}

let helpCache;
/** The commands of `trellis --help`, each with its options (and the values an option allows). */
function cliHelp() {
  if (helpCache) return helpCache;
  const top = runCli(['--help']);
  assert.equal(top.status, 0, top.stderr);
  const commands = new Map();
  const section = top.stdout.split(/^Commands:$/m)[1].split(/^Options:$/m)[0];
  for (const [, name] of section.matchAll(/^ {2}([a-z]+)\b/gm)) {
    const help = runCli([name, '--help']);
    assert.equal(help.status, 0, `trellis ${name} --help: ${help.stderr}`);
    commands.set(name, optionsOf(help.stdout));
  }
  assert.ok(commands.size >= 6, `commands found in trellis --help: ${[...commands.keys()]}`);
  helpCache = { commands, global: optionsOf(top.stdout) };
  return helpCache;
}

/** `--name` → allowed values (null: any) from the option lines of a help text. */
function optionsOf(help) {
  const options = new Map();
  const text = help.split(/^Options:$/m)[1] ?? '';
  for (const [, names, value] of text.matchAll(/^ {2}((?:-[A-Za-z], )?--[a-z][a-z-]*)(?: ([^\s]+))?/gm)) {
    const allowed = value && /^[a-z0-9-]+(\|[a-z0-9-]+)+$/.test(value) ? value.split('|') : null;
    for (const name of names.split(', ')) options.set(name, allowed);
  }
  return options;
}

/** Words of a shell command line up to the first operator or comment (quotes removed; a backtick,
 * as in a comment quoting a command, ends a word). */
function shellWords(line) {
  const words = [];
  for (const [, double, single, bare] of line.matchAll(/"([^"]*)"|'([^']*)'|([^\s"'`]+)/g)) {
    if (bare !== undefined && /^(\||\|\||&&|;|>|>>|2>|#.*)$/.test(bare)) break;
    words.push(double ?? single ?? bare);
  }
  return words;
}

/** The `trellis …` invocations in a text: each as the words after `trellis`. */
function trellisInvocations(text) {
  const found = [];
  for (const line of text.split('\n')) {
    for (const match of line.matchAll(/(?:^|[\s`(])trellis\s+(?=[a-z-])/g)) {
      found.push(shellWords(line.slice(match.index + match[0].length)));
    }
  }
  return found;
}

/** Problems with one invocation (`['check', '--format', 'sarif']`): unknown command, option or value. */
function invocationProblems(words) {
  const { commands, global } = cliHelp();
  const [command, ...rest] = words;
  if (command.startsWith('-')) return global.has(command) ? [] : [`\`trellis ${command}\`: no such option`];
  const options = commands.get(command);
  if (!options) return [`\`trellis ${command}\`: no such command (trellis --help lists ${[...commands.keys()].join(', ')})`];
  const problems = [];
  rest.forEach((word, i) => {
    if (!word.startsWith('-') || word === '-') return;
    const name = word.split('=')[0];
    if (!options.has(name)) {
      problems.push(`\`trellis ${command} ${name}\`: no such option`);
      return;
    }
    const allowed = options.get(name);
    const value = word.includes('=') ? word.slice(name.length + 1) : rest[i + 1];
    if (allowed && !allowed.includes(value)) {
      problems.push(`\`trellis ${command} ${name} ${value}\`: the value is not one of ${allowed.join(', ')}`);
    }
  });
  return problems;
}

function assertInvocations(text, where) {
  const problems = trellisInvocations(text).flatMap(invocationProblems);
  assert.deepEqual(problems, [], `${where} shows trellis commands that do not exist`);
}

// ---------------------------------------------------------------------------------------------
// Running shell lines

const NPX_TRELLIS = new RegExp(`npx\\s+(?:--yes\\s+)?(?:--package\\s+${PACKAGE.replace(/-/g, '\\-')}\\s+)?(?:--\\s+)?trellis\\b`, 'g');

/** Logical lines of a shell block (continuations joined), without blank and comment lines. */
function shellLines(content) {
  return content
    .replace(/\\\n\s*/g, '')
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.trim().startsWith('#'));
}

/** A line's command and the exit status its trailing comment states (`# exits 1: …`), 0 by default. */
function commandOf(line) {
  const comment = /\s#\s.*$/.exec(line);
  const expected = comment ? /\bexits? (?:status )?(\d+)/.exec(comment[0]) : null;
  return { command: comment ? line.slice(0, comment.index) : line, expected: expected ? Number(expected[1]) : 0 };
}

/** A shell command with `npx trellis` as this checkout's CLI. */
const withLocalCli = (command) => command.replace(NPX_TRELLIS, `"${process.execPath}" "${cli}"`);

/** A temp folder holding copies of examples/ and docs/examples/, which README commands name. */
function exampleWorkspace(prefix) {
  const dir = makeTempDir(prefix);
  for (const folder of ['examples', 'docs/examples']) {
    fs.cpSync(path.join(root, folder), path.join(dir, folder), { recursive: true, verbatimSymlinks: true });
  }
  return dir;
}

function bash(command, cwd) {
  return spawnSync('bash', ['-c', command], { cwd, encoding: 'utf8', timeout: 300_000 });
}

// ---------------------------------------------------------------------------------------------
// What each kind of block must do

const blocks = fencedBlocks(readmeText);
/** stdout of the last command of each shell block run, by block, for `output` blocks. */
const lastOutput = new Map();

function runShellBlock(block) {
  const lines = shellLines(block.content);
  assert.ok(lines.length > 0, 'an empty shell block');
  const cwd = exampleWorkspace('trellis-readme-sh-');
  for (const line of lines) {
    const { command, expected } = commandOf(line);
    assert.match(command.trim(), /^npx\s.*\btrellis\s/, `cannot run \`${command.trim()}\`: only trellis commands run here; mark the block <!-- readme-test: skip, REASON -->`);
    assertInvocations(command, `\`${command.trim()}\``);
    const run = bash(withLocalCli(command), cwd);
    assert.equal(run.status, expected, `\`${command.trim()}\` exited ${run.status}, the README says ${expected}:\n${run.stderr}${run.stdout}`);
    lastOutput.set(block, run.stdout);
  }
}

function checkOutputBlock(block) {
  assert.equal(block.lang, 'text', 'an output block is a text block');
  const index = blocks.indexOf(block);
  const source = blocks.slice(0, index).reverse().find((b) => lastOutput.has(b) || (b.marker === undefined && /^(sh|bash|shell)$/.test(b.lang)));
  assert.ok(source && lastOutput.has(source), 'an output block follows a shell block that ran');
  assert.equal(block.content, lastOutput.get(source), `the output shown is not what \`${shellLines(source.content).at(-1).trim()}\` prints now`);
}

function checkTemplateBlock(block, marker) {
  const dir = marker?.dir;
  const cwd = makeTempDir('trellis-readme-template-');
  if (dir) {
    const checkedIn = fs.readFileSync(path.join(root, dir, 'template.yaml'), 'utf8');
    assert.equal(block.content, checkedIn, `the README's template is not ${dir}/template.yaml`);
    fs.cpSync(path.join(root, dir), cwd, { recursive: true, verbatimSymlinks: true });
  }
  fs.writeFileSync(path.join(cwd, 'template.yaml'), block.content);
  const run = runCli(['check', 'template.yaml'], { cwd });
  const expected = marker?.exit ?? 0;
  assert.equal(run.status, expected, `trellis check of the README's template exited ${run.status}, not ${expected}:\n${run.stdout}${run.stderr}`);
  if (expected === 0) assert.match(run.stdout, /^no problems in 1 file\n$/);
}

/** `backend.add(import('…'))` type-checked as a backend file, against the real types. */
function checkBackendSnippet(block) {
  const specifiers = [...block.content.matchAll(/import\(\s*'([^']+)'\s*\)/g)].map((m) => m[1]);
  assert.ok(specifiers.includes(PACKAGE), `the backend snippet imports ${PACKAGE}`);
  // The default export really is a backend feature (what `backend.add` takes).
  const feature = require(root).default;
  assert.equal(feature?.$$type, '@backstage/BackendFeature');

  const dir = makeTempDir('trellis-readme-ts-');
  const declares = /\b(const|let)\s+backend\b/.test(block.content);
  const prelude = declares ? '' : "import { createBackend } from '@backstage/backend-defaults';\nconst backend = createBackend();\n";
  fs.writeFileSync(path.join(dir, 'index.ts'), `${prelude}${block.content}\nbackend.start();\n`);
  const tsconfig = {
    compilerOptions: {
      strict: true,
      noEmit: true,
      module: 'commonjs',
      target: 'es2022',
      moduleResolution: 'node',
      skipLibCheck: true,
      types: [],
      baseUrl: '.',
      paths: {
        [PACKAGE]: [path.join(root, 'dist/index.d.ts')],
        '*': [path.join(root, 'node_modules/*')],
      },
    },
    files: ['index.ts'],
  };
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify(tsconfig));
  const tsc = spawnSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', dir], { encoding: 'utf8', timeout: 300_000 });
  assert.equal(tsc.status, 0, `the backend snippet does not type-check:\n${tsc.stdout}${tsc.stderr}`);
}

/** A JavaScript block run with node; `require('<package>')` is this checkout. */
function runJavaScript(block) {
  const dir = makeTempDir('trellis-readme-js-');
  fs.mkdirSync(path.join(dir, 'node_modules'));
  fs.symlinkSync(root, path.join(dir, 'node_modules', PACKAGE), 'dir');
  fs.writeFileSync(path.join(dir, 'sample.cjs'), block.content);
  const run = spawnSync(process.execPath, ['sample.cjs'], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
  assert.equal(run.status, 0, `the JavaScript sample failed:\n${run.stderr}`);
  lastOutput.set(block, run.stdout);
}

/** Node.js majors `engines` allows (`20 || 22`). */
const supportedNodes = packageJson.engines.node.split('||').map((v) => Number.parseInt(v.trim(), 10));

function checkGitHubWorkflow(block, workflow) {
  const action = YAML.parse(fs.readFileSync(path.join(root, 'action.yml'), 'utf8'));
  const inputs = Object.keys(action.inputs);
  const steps = Object.values(workflow.jobs).flatMap((job) => job.steps ?? []);
  const ours = steps.filter((step) => step.uses && !/^(actions|github)\//.test(step.uses));
  assert.equal(ours.length, 1, 'the workflow uses this repository\'s action once');
  for (const step of ours) {
    assert.match(step.uses, /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+@\S+$/, 'an action reference OWNER/REPO@REF');
    const unknown = Object.keys(step.with ?? {}).filter((name) => !inputs.includes(name));
    assert.deepEqual(unknown, [], `inputs action.yml does not have (it has ${inputs.join(', ')})`);
    if (step.with?.['max-severity'] !== undefined) assert.ok(['error', 'warning', 'info'].includes(step.with['max-severity']));
    const uploads = (step.with?.upload ?? action.inputs.upload.default) === 'true';
    if (uploads) {
      const permissions = Object.values(workflow.jobs).find((job) => job.steps?.includes(step))?.permissions ?? workflow.permissions;
      assert.equal(permissions?.['security-events'], 'write', 'uploading SARIF needs `security-events: write`');
    }
  }
  for (const step of steps.filter((s) => s.uses?.startsWith('actions/setup-node'))) {
    assert.ok(supportedNodes.includes(Number(step.with['node-version'])), `node-version ${step.with['node-version']} is one of ${supportedNodes}`);
  }
  for (const step of steps.filter((s) => s.run)) assertInvocations(step.run, 'a workflow step');
}

/** A GitLab job: its script run as GitLab would, on a folder of templates that has findings. */
function runGitLabJob(block, job) {
  assert.ok(supportedNodes.includes(Number(/^node:(\d+)/.exec(job.image)?.[1])), `image ${job.image} runs a supported Node.js`);
  const cwd = makeTempDir('trellis-readme-gitlab-');
  fs.cpSync(path.join(root, 'docs/examples/mistakes'), path.join(cwd, 'templates'), { recursive: true });
  const statuses = job.script.map((entry) => {
    assertInvocations(entry, 'the GitLab job');
    return bash(withLocalCli(entry), cwd).status;
  });
  // Every step runs; the last is the verdict: the folder has errors, so the job fails.
  assert.deepEqual(statuses, [...statuses.slice(0, -1).map(() => 0), 1], 'exit statuses of the script entries');

  const reportFile = job.artifacts.reports.codequality;
  const { diagnostics } = JSON.parse(fs.readFileSync(path.join(cwd, 'trellis.json'), 'utf8'));
  const report = JSON.parse(fs.readFileSync(path.join(cwd, reportFile), 'utf8'));
  assert.equal(report.length, diagnostics.length);
  assert.ok(report.length >= 3, 'the findings of docs/examples/mistakes');
  assert.equal(new Set(report.map((r) => r.fingerprint)).size, report.length, 'fingerprints are unique');
  for (const issue of report) {
    assert.equal(typeof issue.description, 'string');
    assert.ok(['info', 'minor', 'major', 'critical', 'blocker'].includes(issue.severity), issue.severity);
    assert.ok(fs.existsSync(path.join(cwd, issue.location.path)), `${issue.location.path} exists`);
    assert.ok(Number.isInteger(issue.location.lines.begin) && issue.location.lines.begin >= 1);
  }
}

function checkYaml(block, marker) {
  const documents = YAML.parseAllDocuments(block.content);
  for (const doc of documents) assert.deepEqual(doc.errors, [], 'the YAML parses');
  const value = documents[0].toJS();
  if (value?.kind === 'Template') return checkTemplateBlock(block, marker);
  if (value?.jobs && Object.values(value.jobs).every((job) => job['runs-on'])) return checkGitHubWorkflow(block, value);
  const jobs = Object.values(value ?? {}).filter((job) => Array.isArray(job?.script));
  if (jobs.length === 1) return runGitLabJob(block, jobs[0]);
  assert.fail('a YAML block that is no template, GitHub workflow or GitLab job: mark it <!-- readme-test: skip, REASON -->');
}

/** How a marker asks a block to be handled. */
function parseMarker(text) {
  if (text === undefined) return { kind: 'run' };
  let m;
  if ((m = /^skip,\s*(.+)$/s.exec(text))) return { kind: 'skip', reason: m[1] };
  if (/^output of the command above\b/.test(text)) return { kind: 'output' };
  if ((m = /^template (\S+); trellis check exits (\d+)$/.exec(text))) return { kind: 'template', dir: m[1], exit: Number(m[2]) };
  return { kind: 'unknown', text };
}

function checkSkipped(block, marker) {
  assert.ok(marker.reason.trim().length >= 10, 'a skipped block says why');
  assertInvocations(block.content, 'a skipped block');
  for (const [, script] of block.content.matchAll(/^bash (\S+)/gm)) {
    assert.ok(fs.existsSync(path.join(root, script)), `${script} exists`);
  }
}

// ---------------------------------------------------------------------------------------------
// The tests: one per block, in order (output blocks read what the shell block before them printed)

for (const block of blocks) {
  const marker = parseMarker(block.marker);
  test(`${README}:${block.line} (${block.lang || 'no language'}, ${marker.kind})`, () => {
    switch (marker.kind) {
      case 'skip':
        return checkSkipped(block, marker);
      case 'output':
        return checkOutputBlock(block);
      case 'template':
        assert.equal(block.lang, 'yaml');
        return checkTemplateBlock(block, marker);
      case 'unknown':
        return assert.fail(`unknown marker <!-- readme-test: ${marker.text} -->`);
    }
    switch (block.lang) {
      case 'sh':
      case 'bash':
      case 'shell':
        return runShellBlock(block);
      case 'ts':
      case 'typescript':
        return checkBackendSnippet(block);
      case 'js':
      case 'javascript':
        return runJavaScript(block);
      case 'yaml':
      case 'yml':
        return checkYaml(block, undefined);
      default:
        return assert.fail(`a \`${block.lang || 'plain'}\` block the test cannot run: mark it <!-- readme-test: skip, REASON --> or <!-- readme-test: output of the command above -->`);
    }
  });
}

test('the README is one page: at most 250 lines', () => {
  const lines = readmeText.split('\n').length - (readmeText.endsWith('\n') ? 1 : 0);
  assert.ok(lines <= 250, `README.md has ${lines} lines`);
});

test('every trellis command in the README prose is a real command with real options', () => {
  const { code } = inlineParts(readmeText);
  const shown = code.filter((span) => /(^|\s)trellis\s+[a-z-]/.test(span));
  assert.ok(shown.length >= 3, `inline commands found: ${shown}`);
  for (const span of shown) assertInvocations(span, `\`${span}\``);
});

test('every trellis:* action the README names is one the module registers', () => {
  const ids = Object.entries(require(root))
    .filter(([name]) => name.endsWith('_ACTION_ID'))
    .map(([, id]) => id);
  const named = new Set([...readmeText.matchAll(/\btrellis:[a-z]+(?::[a-z]+)+/g)].map((m) => m[0]));
  assert.ok(named.size >= 4);
  assert.deepEqual([...named].filter((id) => !ids.includes(id)), []);
  assert.deepEqual(ids.filter((id) => !named.has(id)), [], 'every action is in the README');
  const packages = new Set([...readmeText.matchAll(/backstage-plugin-scaffolder-backend-module-[a-z0-9-]+/g)].map((m) => m[0]));
  assert.deepEqual([...packages], [PACKAGE]);
});

test('every trellis command docs/ shows (code blocks and inline code) is a real command with real options', () => {
  const pages = fs.readdirSync(path.join(root, 'docs')).filter((f) => f.endsWith('.md'));
  let shown = 0;
  for (const page of pages) {
    const text = fs.readFileSync(path.join(root, 'docs', page), 'utf8');
    const code = [...fencedBlocks(text).filter((b) => b.lang !== 'text').map((b) => b.content), ...inlineParts(text).code];
    for (const piece of code) {
      shown += trellisInvocations(piece).length;
      assertInvocations(piece, `docs/${page}: \`${piece.trim().split('\n')[0]}\``);
    }
  }
  assert.ok(shown >= 20, `trellis commands found in docs/: ${shown}`);
});

test('relative links of the README and of docs/ lead to files that exist', () => {
  const pages = [README, ...fs.readdirSync(path.join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
  const broken = [];
  for (const page of pages) {
    for (const link of inlineParts(fs.readFileSync(path.join(root, page), 'utf8')).links) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(link) || link.startsWith('#')) continue;
      const target = path.resolve(path.dirname(path.join(root, page)), decodeURIComponent(link.split('#')[0]));
      if (!fs.existsSync(target)) broken.push(`${page}: ${link}`);
    }
  }
  assert.deepEqual(broken, []);
});

test('the README\'s picture is what scripts/readme-image.cjs draws from trellis check now', () => {
  const { COMMAND, IMAGE, renderImage } = require('../../scripts/readme-image.cjs');
  const { output, svg } = renderImage();
  const committed = fs.readFileSync(path.join(root, IMAGE), 'utf8');
  assert.equal(committed, svg, `${IMAGE} is out of date: run node scripts/readme-image.cjs`);
  assert.ok(Buffer.byteLength(committed) < 200 * 1024, `${IMAGE} is under 200 KB`);
  assert.ok(readmeText.includes(`](${IMAGE})`), `the README shows ${IMAGE}`);
  // The README's text of the finding is the same output the picture is drawn from.
  const shown = blocks.find((b) => b.lang === 'text' && b.content === output);
  assert.ok(shown, 'the README shows the output the picture is drawn from');
  const command = blocks.slice(0, blocks.indexOf(shown)).reverse().find((b) => /^(sh|bash|shell)$/.test(b.lang));
  assert.equal(commandOf(shellLines(command.content).at(-1)).command.trim(), COMMAND);
});

test('the command check catches a command, an option or a value that does not exist', () => {
  assert.deepEqual(invocationProblems(['check', 'templates', '--format', 'sarif', '--max-severity', 'warning']), []);
  assert.deepEqual(invocationProblems(['render', 'x', '--values', 'v.json', '--check', 'golden', '--update']), []);
  assert.match(invocationProblems(['check', '--frobnicate'])[0], /no such option/);
  assert.match(invocationProblems(['check', '--format', 'xml'])[0], /not one of text, json, sarif, github/);
  assert.match(invocationProblems(['lint', 'templates'])[0], /no such command/);
  assert.match(invocationProblems(['params', 'template.yaml', '--value', 'v.json'])[0], /no such option/);
  assert.deepEqual(trellisInvocations('run `npx trellis check a --format json > out.json` then `trellis:fetch:template`'), [['check', 'a', '--format', 'json']]);
});
