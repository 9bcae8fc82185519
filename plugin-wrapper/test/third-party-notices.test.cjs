'use strict';
// THIRD-PARTY-NOTICES (scripts/third-party-notices.cjs): regenerated here and compared, so it
// cannot drift from Cargo.lock, the crates' licence files, the installed packages or
// scripts/third-party-works.cjs; and held against `cargo tree`, which resolves what the wasm build
// compiles on its own, so a crate linked into pkg/trellis_bg.wasm cannot go unlisted.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..', '..');
const notices = require(path.join(root, 'scripts', 'third-party-notices.cjs'));
const works = require(path.join(root, 'scripts', 'third-party-works.cjs'));

const FILE = path.join(root, 'THIRD-PARTY-NOTICES');
const checkedIn = fs.readFileSync(FILE, 'utf8');
const metadata = notices.cargoMetadata();
const RULE = '-'.repeat(100);

/** The entry lines (`name version (licence): [n] file, …`) of the part whose title starts with `title`. */
function partEntries(title) {
  const lines = checkedIn.split('\n');
  const start = lines.findIndex((line) => /^Part \d+\. /.test(line) && line.replace(/^Part \d+\. /, '').startsWith(title));
  assert.ok(start >= 0, `THIRD-PARTY-NOTICES has no part "${title}"`);
  const end = lines.findIndex((line, i) => i > start + 1 && line === RULE);
  return lines
    .slice(start + 2, end)
    .map((line) => /^(\S+) (\S+) \((.*)\): (\[\d+\].*)$/.exec(line))
    .filter(Boolean)
    .map(([, name, version, licence, texts]) => ({ name, version, licence, texts }));
}

/** `name version` of what `cargo tree` prints for the workspace on wasm32 with these edges, without the workspace's own crates. */
function cargoTree(edges) {
  const output = execFileSync('cargo', ['tree', '--workspace', '--locked', '-e', edges, '--target', 'wasm32-unknown-unknown', '--prefix', 'none'], {
    cwd: root,
    encoding: 'utf8',
  });
  const members = new Set(metadata.packages.filter((p) => metadata.workspace_members.includes(p.id)).map((p) => p.name));
  return new Set(
    output
      .split('\n')
      .map((line) => /^(\S+) v(\S+)/.exec(line))
      .filter((m) => m && !members.has(m[1]))
      .map((m) => `${m[1]} ${m[2]}`),
  );
}

/** Text with whitespace runs collapsed, for "is this licence text in the file" checks. */
const collapsed = (text) => notices.normaliseText(text).replace(/\s+/g, ' ');

test('THIRD-PARTY-NOTICES is what scripts/third-party-notices.cjs writes', () => {
  const fresh = notices.renderNotices(notices.collectNotices(metadata));
  assert.ok(
    fresh === checkedIn,
    'THIRD-PARTY-NOTICES is out of date (a dependency, a licence file or scripts/third-party-works.cjs changed): run `node scripts/third-party-notices.cjs` and commit the file',
  );
});

test('every crate the wasm build compiles is listed: linked ones in part 1, proc macros and their crates in part 2', () => {
  const linked = cargoTree('normal,no-proc-macro');
  const all = cargoTree('normal');
  const part1 = new Set(partEntries('Rust crates compiled into').map((e) => `${e.name} ${e.version}`));
  const part2 = new Set(partEntries('Rust crates that generate code').map((e) => `${e.name} ${e.version}`));

  const unlisted = [...linked].filter((crate) => !part1.has(crate));
  assert.deepEqual(unlisted, [], `linked into pkg/trellis_bg.wasm (cargo tree -e normal,no-proc-macro) but missing from part 1 of THIRD-PARTY-NOTICES: ${unlisted.join(', ')}; run \`node scripts/third-party-notices.cjs\``);
  const extra = [...part1].filter((crate) => !linked.has(crate));
  assert.deepEqual(extra, [], `listed as linked but not compiled into the module for wasm32: ${extra.join(', ')}`);
  const generators = [...all].filter((crate) => !linked.has(crate));
  assert.deepEqual([...part2].sort(), generators.sort(), 'part 2 lists exactly the crates cargo tree -e normal adds to part 1 (proc macros and their dependencies)');
  assert.ok(linked.size >= 60, `cargo tree listed only ${linked.size} crates`);
});

test("each crate's licence files are in the file as written, and a crate without one gets its licence's standard text and authors", () => {
  const packages = new Map(metadata.packages.map((p) => [`${p.name} ${p.version}`, p]));
  const all = collapsed(checkedIn);
  const entries = [
    ...partEntries('Rust crates compiled into'),
    ...partEntries('Rust crates that generate code'),
    ...partEntries('Data built into it'),
  ];
  const withoutFiles = [];
  for (const entry of entries) {
    const pkg = packages.get(`${entry.name} ${entry.version}`);
    assert.ok(pkg, `${entry.name} ${entry.version} is not in Cargo.lock`);
    assert.equal(entry.licence, pkg.license, `${entry.name}: the licence of its Cargo.toml`);
    const dir = path.dirname(pkg.manifest_path);
    const files = fs.readdirSync(dir).filter((f) => /^(licen[cs]e|copying|copyright|notice|unlicense)/i.test(f) && fs.statSync(path.join(dir, f)).isFile());
    for (const file of files) {
      assert.ok(all.includes(collapsed(fs.readFileSync(path.join(dir, file), 'utf8'))), `${entry.name} ${entry.version}: the text of its ${file} is missing`);
      assert.match(entry.texts, new RegExp(`\\] ${file.replace(/\./g, '\\.')}(,|$)`), `${entry.name}: ${file} is named`);
    }
    if (files.length === 0 && !fs.existsSync(path.join(dir, 'LICENSES'))) {
      withoutFiles.push(entry.name);
      for (const id of notices.licenceIds(pkg.license)) assert.match(entry.texts, new RegExp(`the standard ${id} text`), `${entry.name}: the standard ${id} text`);
      const line = checkedIn.split('\n').findIndex((l) => l.startsWith(`${entry.name} ${entry.version} (`));
      assert.match(checkedIn.split('\n')[line + 1], /ships no licence file/, `${entry.name}: says it ships no licence file`);
      for (const author of pkg.authors) assert.ok(checkedIn.includes(author.replace(/\s*<[^>]*>/, '')), `${entry.name}: its author ${author}`);
    }
  }
  // The crates of Cargo.lock that ship no licence file today; a new one is listed the same way.
  assert.ok(withoutFiles.includes('vsimd') && withoutFiles.includes('jsonschema-value'), `without a licence file: ${withoutFiles.join(', ')}`);
});

test("the unidecode crate's table is listed as build data; a build dependency nobody classified stops the generator", () => {
  assert.deepEqual(
    partEntries('Data built into it').map((e) => e.name),
    Object.entries(works.BUILD_DEPENDENCIES).filter(([, d]) => d.ships === 'data').map(([name]) => name),
  );
  assert.ok(partEntries('Data built into it').some((e) => e.name === 'unidecode' && e.licence === 'BSD-3-Clause'));
  const built = notices.builtCrates();
  const { unidecode, ...others } = works.BUILD_DEPENDENCIES;
  assert.ok(unidecode);
  assert.throws(() => notices.crateSets(metadata, built, others), /the build dependency unidecode of trellis is not in BUILD_DEPENDENCIES of scripts\/third-party-works\.cjs/);
});

test('crateSets: normal dependencies are linked, proc macros and what they use are generators, dev and build-only crates are left out', () => {
  const id = (name) => `registry#${name}@1.0.0`;
  const pkg = (name, kind = 'lib') => ({ id: id(name), name, version: '1.0.0', targets: [{ kind: [kind] }] });
  const dep = (name, kind = null) => ({ pkg: id(name), dep_kinds: [{ kind, target: null }] });
  const synthetic = {
    workspace_members: [id('app')],
    packages: [pkg('app'), pkg('lib'), pkg('leaf'), pkg('derive', 'proc-macro'), pkg('syn'), pkg('tester'), pkg('table'), pkg('cc'), pkg('mathfeature')],
    resolve: {
      nodes: [
        { id: id('app'), deps: [dep('lib'), dep('derive'), dep('tester', 'dev'), dep('table', 'build')] },
        { id: id('lib'), deps: [dep('leaf'), dep('cc', 'build'), dep('mathfeature')] },
        { id: id('leaf'), deps: [] },
        { id: id('derive'), deps: [dep('syn')] },
        { id: id('syn'), deps: [] },
        { id: id('tester'), deps: [] },
        { id: id('table'), deps: [] },
        { id: id('cc'), deps: [] },
        { id: id('mathfeature'), deps: [] },
      ],
    },
  };
  // cargo tree: `mathfeature` only comes with a feature the dev-dependencies turn on.
  const built = { all: new Set(['app 1.0.0', 'lib 1.0.0', 'leaf 1.0.0', 'derive 1.0.0', 'syn 1.0.0']), linked: new Set(['app 1.0.0', 'lib 1.0.0', 'leaf 1.0.0']) };
  const sets = notices.crateSets(synthetic, built, { table: { ships: 'data', use: 'its table' } });
  assert.deepEqual(sets.linked.map((p) => p.name), ['leaf', 'lib']);
  assert.deepEqual(sets.generators.map((p) => p.name), ['derive', 'syn']);
  assert.deepEqual(sets.buildData.map((b) => [b.pkg.name, b.use]), [['table', 'its table']]);
  // A crate cargo tree compiles that the walk never reached means the walk is wrong: refused.
  built.all.add('tester 1.0.0');
  assert.throws(() => notices.crateSets(synthetic, built, { table: { ships: 'data', use: '' } }), /cargo tree compiles tester 1\.0\.0, which the walk of cargo metadata did not reach/);
});

test('the ported and derived works are listed at their versions, their files name them, and every file that says it ports something is covered', () => {
  const derived = partEntries('Code ported and data taken');
  for (const work of works.DERIVED_WORKS) {
    assert.ok(derived.some((e) => e.name === work.name && e.version === work.version), `${work.name} ${work.version} is listed`);
    // `@backstage/plugin-x` may be named `x` or `plugin-x` in a comment.
    const unscoped = work.name.split('/').pop().toLowerCase();
    for (const file of work.files) {
      const text = fs.readFileSync(path.join(root, file), 'utf8').toLowerCase();
      assert.ok([unscoped, unscoped.replace(/^plugin-/, '')].some((name) => text.includes(name)), `${file} (named for ${work.name}) mentions ${work.name}`);
    }
  }
  const covered = new Set(works.DERIVED_WORKS.flatMap((w) => w.files));
  const sources = ['src', 'engine/src', 'build']
    .flatMap((dir) => fs.readdirSync(path.join(root, dir), { recursive: true }).map((f) => path.join(dir, f).split(path.sep).join('/')))
    .concat(['build.rs'])
    .filter((file) => file.endsWith('.rs') && !/(^|\/)tests?(\.rs|\/)|_tests\.rs$/.test(file));
  const claims = sources.filter((file) => /\bported\b|\bport of\b|step by step|@generated by/i.test(fs.readFileSync(path.join(root, file), 'utf8')));
  assert.ok(claims.includes('src/fetch_template.rs') && claims.includes('src/cookiecutter/slugify.rs'), `files that say they port something: ${claims.join(', ')}`);
  const uncovered = claims.filter((file) => !covered.has(file));
  assert.deepEqual(uncovered, [], `these files say they port or are generated from another project, but no entry of DERIVED_WORKS (scripts/third-party-works.cjs) names them: ${uncovered.join(', ')}`);
});

test("the npm dependencies are listed at their installed versions with their licences; NOTICE points to the file", () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const listed = partEntries('npm dependencies');
  assert.deepEqual(listed.map((e) => e.name), Object.keys(manifest.dependencies).sort());
  for (const entry of listed) {
    const installed = JSON.parse(fs.readFileSync(path.join(root, 'node_modules', entry.name, 'package.json'), 'utf8'));
    assert.equal(entry.version, installed.version);
    assert.equal(entry.licence, `npm; ${installed.license}`);
  }
  assert.match(fs.readFileSync(path.join(root, 'NOTICE'), 'utf8'), /THIRD-PARTY-NOTICES/);
  assert.ok(manifest.files.includes('THIRD-PARTY-NOTICES'));
});
