'use strict';
// cookiecutter's `slugify` filter and text-unidecode's table (packed by build.rs) against the real
// python-slugify 9.2 + text-unidecode 1.3 of the cookiecutter venv: every Basic Multilingual
// Plane code point transliterated, and slugify over a set of awkward strings with several
// argument combinations, rendered through renderCookiecutter.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const { renderCookiecutter } = require('../../dist/index.js');
const { venvBin } = require('./support/cookiecutter-real.cjs');

/**
 * Code points where Trellis differs, with the reason: characters newer than the Unicode database
 * of the venv's Python (3.11: Unicode 14.0) have compatibility decompositions in
 * unicode-normalization's newer tables, so NFKD maps them to a letter that transliterates, where
 * Python leaves them whole and text-unidecode has no entry. A newer Python agrees with Trellis.
 */
const NEWER_UNICODE = new Set([0x558, 0x58b, 0x58c, 0x209d, 0x209e, 0x209f, 0xa7f1]);

function python(script, input) {
  const run = spawnSync(path.join(venvBin(), 'python'), ['-c', script], { input: JSON.stringify(input), encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout);
}

/** A template printing `[filter(s) for s in _strings]` as JSON (a loop: minijinja's `map`
 * passes no keyword arguments on to the filter). */
function loop(filter) {
  return `[{% for s in cookiecutter._strings %}{{ (s | ${filter}) | tojson }}{% if not loop.last %},{% endif %}{% endfor %}]`;
}

function renderLines(template, strings) {
  const files = [
    { path: 'cookiecutter.json', content: JSON.stringify({ name: 'p', _strings: strings }) },
    { path: '{{cookiecutter.name}}/out.txt', content: template },
  ];
  const out = renderCookiecutter(files, {}, { now: '2024-01-01T00:00:00Z' });
  return JSON.parse(Buffer.from(out.files.find((f) => f.path === 'p/out.txt').content).toString('utf8'));
}

test('text-unidecode: every BMP code point transliterates as the real text-unidecode does', () => {
  const chars = [];
  for (let code = 1; code <= 0xffff; code++) if (code < 0xd800 || code > 0xdfff) chars.push(String.fromCodePoint(code));
  // slugify with a regex that keeps everything shows the raw transliteration (after NFKD).
  const actual = renderLines(loop("slugify(regex_pattern='[^\\s\\S]', lowercase=False, entities=False, decimal=False, hexadecimal=False)"), chars);
  const raw = python(
    'import json,sys\nfrom slugify import slugify\nprint(json.dumps([slugify(c, regex_pattern=r"[^\\s\\S]", lowercase=False, entities=False, decimal=False, hexadecimal=False) for c in json.load(sys.stdin)]))',
    chars,
  );
  let differ = 0;
  for (let i = 0; i < chars.length; i++) {
    if (actual[i] === raw[i] || NEWER_UNICODE.has(chars[i].codePointAt(0))) continue;
    differ++;
    console.log(`  U+${chars[i].codePointAt(0).toString(16).toUpperCase()}: python-slugify ${JSON.stringify(raw[i])}, Trellis ${JSON.stringify(actual[i])}`);
  }
  console.log(`text-unidecode via slugify: ${chars.length} code points, ${differ} differ, ${NEWER_UNICODE.size} deviations (characters newer than Python 3.11's Unicode 14.0)`);
  assert.equal(differ, 0);
});

test('slugify: python-slugify 9.2 results over awkward strings and arguments', () => {
  const strings = [
    'Hello World!', "C'est déjà l'été.", '影師嗎', '1,000 &amp; more &#38; &#x26;', 'jaja---lol-méméméoo--a',
    'Ωmega ΣΑΣ', 'i love 🦄', '  leading and trailing  ', 'Nín hǎo. Wǒ shì zhōng guó rén', 'Компьютер',
    '&nbsp;&copy;&#1234567;', 'this_is_a_test', 'under_score--dash', 'ﬁ ligature ½', 'straße', '',
  ];
  const combos = [
    {},
    { max_length: 9, word_boundary: true },
    { separator: '_' },
    { stopwords: ['the', 'a'], lowercase: false },
    { allow_unicode: true },
    { replacements: [['|', 'or'], ['%', 'percent']] },
    { max_length: 5, save_order: true, word_boundary: true },
  ];
  for (const kwargs of combos) {
    const py = (v) => (v === true ? 'True' : v === false ? 'False' : JSON.stringify(v));
    const args = Object.entries(kwargs).map(([k, v]) => `${k}=${py(v)}`).join(', ');
    const filter = args ? `slugify(${args})` : 'slugify';
    const actual = renderLines(loop(filter), strings);
    const expected = python(
      `import json,sys\nfrom slugify import slugify\nkw=json.loads(${JSON.stringify(JSON.stringify(kwargs))})\nprint(json.dumps([slugify(s, **kw) for s in json.load(sys.stdin)]))`,
      strings,
    );
    assert.deepEqual(actual, expected, `slugify(${args})`);
  }
});
