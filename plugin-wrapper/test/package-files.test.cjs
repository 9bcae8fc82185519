'use strict';
// What `npm pack` puts in the tarball (`files` in package.json): the licence texts, and what a
// user needs (the built wrapper, the wasm core, the action schemas, the editor schema), and none of
// the repository's sources, tests or build output. Prints the file list and the size.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..', '..');
const manifest = require(path.join(root, 'package.json'));

const packed = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json'], { cwd: root, encoding: 'utf8' }))[0];
const files = new Set(packed.files.map((f) => f.path));

/** Every file under `dir` (relative to the root, `/`-separated). */
function filesUnder(dir) {
  return fs.readdirSync(path.join(root, dir), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(root, path.join(entry.parentPath ?? entry.path, entry.name)).split(path.sep).join('/'));
}

test('the tarball lists its files and size', () => {
  const list = packed.files.map((f) => `${String(f.size).padStart(9)}  ${f.path}`).join('\n');
  console.log(`${packed.filename}: ${packed.entryCount} files, ${packed.size} bytes packed, ${packed.unpackedSize} unpacked\n${list}`);
  assert.equal(packed.entryCount, packed.files.length);
});

test('the licence texts are in the tarball: Apache-2.0, the NOTICE, the third-party notices and the vendored Backstage schemas\' licence', () => {
  for (const file of ['LICENSE', 'NOTICE', 'THIRD-PARTY-NOTICES', 'schemas/entity/LICENSE', 'schemas/entity/README.md']) {
    assert.ok(files.has(file), `${file} is packed`);
  }
  assert.equal(manifest.license, 'Apache-2.0');
  const licence = fs.readFileSync(path.join(root, 'LICENSE'), 'utf8');
  assert.match(licence, /^\s*Apache License\n\s*Version 2\.0, January 2004\n/);
  assert.match(licence, /END OF TERMS AND CONDITIONS/);
  // The vendored schemas are Backstage's, under the same licence: one text, verbatim, twice.
  assert.equal(licence, fs.readFileSync(path.join(root, 'schemas', 'entity', 'LICENSE'), 'utf8'));
  // Apache-2.0 section 4(d): Backstage's NOTICE ("Copyright 2020 The Backstage Authors") travels with its schemas.
  assert.match(fs.readFileSync(path.join(root, 'NOTICE'), 'utf8'), /Copyright 2020 The Backstage Authors/);
  // The notices of what pkg/trellis_bg.wasm links (plugin-wrapper/test/third-party-notices.test.cjs
  // holds the file against Cargo.lock): packed as it is in the repository, with its licence texts.
  const notices = packed.files.find((f) => f.path === 'THIRD-PARTY-NOTICES');
  assert.equal(notices.size, fs.statSync(path.join(root, 'THIRD-PARTY-NOTICES')).size);
  assert.match(fs.readFileSync(path.join(root, 'THIRD-PARTY-NOTICES'), 'utf8'), /^Part 1\. Rust crates compiled into pkg\/trellis_bg\.wasm \(\d+\)$/m);
});

test('the tarball holds what a user runs: the built wrapper, the wasm core, the schemas', () => {
  const needed = [
    'package.json',
    'README.md',
    manifest.main,
    manifest.types,
    manifest.bin.trellis,
    'pkg/trellis.js',
    'pkg/trellis_bg.wasm',
    'pkg/trellis.d.ts',
    'schemas/template.schema.json',
    ...filesUnder('dist'),
    ...filesUnder('schemas/actions'),
  ];
  const missing = needed.filter((file) => !files.has(file));
  assert.deepEqual(missing, [], `not packed: ${missing.join(', ')}`);
  assert.ok(filesUnder('schemas/actions').length >= 6);
  assert.ok(filesUnder('dist').some((file) => file === 'dist/module.js'));
});

test('nothing else: no sources, tests, build output, caches or dependencies', () => {
  const unwanted = [...files].filter(
    (file) =>
      /^(src|engine|tests|fuzz|bench|scripts|plugin-wrapper|target|node_modules|\.cache|\.ci)\//.test(file) ||
      /\.(rs|cjs|tsbuildinfo|map)$/.test(file) ||
      (/\.ts$/.test(file) && !/\.d\.ts$/.test(file)) ||
      /^schemas\/(sarif|manifest)\//.test(file) ||
      /(^|\/)(Cargo\.(toml|lock)|package-lock\.json|\.npmrc|\.gitignore)$/.test(file),
  );
  assert.deepEqual(unwanted, []);
});
