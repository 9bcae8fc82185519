#!/usr/bin/env node
// Builds the fuzzers' seed corpus from ../shared/corpus into fuzz/corpus/<target>/ (gitignored):
//   yaml_model: every YAML file; check: every Template file, then "\0" and up to three files of
//   the skeleton its first local fetch step names; engine: every templated string of every
//   Template and every templated skeleton file; skeleton_paths: that skeleton as NUL-separated
//   path/content pairs (up to 12 text files, directories marked with a trailing `/`) after an
//   empty header; chains: a count byte and a unit the harness repeats up to 32,641 times (an
//   operator with its operand, a filter, a lookup, a call, a prefix, an opening bracket or tag),
//   alone or between a prefix and a suffix. Usage: node scripts/fuzz-seeds.cjs [corpusDir]
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');
const YAML = require('yaml');

const root = path.resolve(__dirname, '..');
const corpus = path.resolve(process.argv[2] ?? path.join(root, '..', 'shared', 'corpus'));
const out = path.join(root, 'fuzz', 'corpus');
const MAX_SEED_BYTES = 64 * 1024;
const TEMPLATED = /\$\{\{|\{%|\{\{/;

function walk(dir, files = []) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full, files);
    else if (entry.isFile()) files.push(full);
  }
  return files;
}

const counts = {};
function seed(target, text) {
  if (Buffer.byteLength(text) > MAX_SEED_BYTES) return;
  const dir = path.join(out, target);
  fs.mkdirSync(dir, { recursive: true });
  const name = crypto.createHash('sha1').update(text).digest('hex');
  fs.writeFileSync(path.join(dir, name), text);
  counts[target] = (counts[target] ?? 0) + 1;
}

function isText(buffer) {
  return !buffer.includes(0);
}

function stringsOf(value, found) {
  if (typeof value === 'string') {
    if (TEMPLATED.test(value)) found.add(value);
  } else if (value && typeof value === 'object') {
    for (const item of Object.values(value)) stringsOf(item, found);
  }
  return found;
}

/** `[relativePath, text]` of the small text files of the first local skeleton `text` names. */
function skeletonOf(templateFile, text, count) {
  const url = /url:\s*['"]?(\.{1,2}\/[^\s'"]*)/.exec(text)?.[1];
  if (!url) return [];
  const dir = path.resolve(path.dirname(templateFile), url);
  if (!dir.startsWith(corpus) || !fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) return [];
  return walk(dir)
    .map((file) => [path.relative(dir, file), fs.readFileSync(file)])
    .filter(([, bytes]) => isText(bytes) && bytes.length < 16 * 1024)
    .slice(0, count)
    .map(([name, bytes]) => [name.split(path.sep).join('/'), bytes.toString('utf8')]);
}

fs.rmSync(out, { recursive: true, force: true });
const engineStrings = new Set();
for (const file of walk(corpus)) {
  const bytes = fs.readFileSync(file);
  if (!isText(bytes)) continue;
  const text = bytes.toString('utf8');
  if (/\.ya?ml$/.test(file)) {
    seed('yaml_model', text);
    if (/kind:\s*Template/.test(text)) {
      seed('check', [text, ...skeletonOf(file, text, 3).map(([, content]) => content)].join('\0'));
      const skeleton = skeletonOf(file, text, 12);
      if (skeleton.length) {
        const directories = [...new Set(skeleton.map(([name]) => path.posix.dirname(name)).filter((d) => d !== '.'))];
        const pairs = [...directories.flatMap((d) => [`${d}/`, '']), ...skeleton.flat()];
        seed('skeleton_paths', ['', ...pairs].join('\0'));
      }
      for (const doc of YAML.parseAllDocuments(text)) stringsOf(doc.toJS(), engineStrings);
    }
  }
  if (TEMPLATED.test(text) && text.length < 8 * 1024) engineStrings.add(text);
}
for (const text of engineStrings) seed('engine', text);

// `chains` (see chain_template in fuzz/harness.rs): units after the default `${{ x`, and units
// between their own prefix and suffix.
const CHAIN_UNITS = [' + 1', ' - 1', ' * 2', ' / 2', ' % 3', ' // 2', ' ** 1', ' ~ "a"', ' and x', ' or x',
  ' < 1', ' == x', ' in [1]', ' | string', ' | upper', ' | default(1)', '.a', '[0]', "['k']", '[1:2]', '()', '(1)'];
const CHAIN_FRAMES = [
  ['${{ not x', ' + 1', ' }}'], ['${{ ', '-+', '1 }}'], ['${{ ', 'not ', '1 }}'], ['${{ ', '(', '1 }}'],
  ['${{ ', '[', '1 }}'], ['', '{% if x %}', 'y'], ['{% set x = [] %}', '{% set x = [x] %}', '${{ x }}'],
  ['{% set x = [1] %}', '{% set x = [x, x] %}', '${{ x | dump }}'], ['{{ x', ' | lower', ' }}'],
];
for (const [i, unit] of CHAIN_UNITS.entries()) seed('chains', Buffer.concat([Buffer.from([(i * 37) % 256]), Buffer.from(unit)]));
for (const [i, frame] of CHAIN_FRAMES.entries()) seed('chains', Buffer.concat([Buffer.from([(i * 53 + 7) % 256]), Buffer.from(frame.join('\0'))]));
console.log(`seeds in ${path.relative(root, out)}: ${JSON.stringify(counts)}`);
