'use strict';
// A seeded grammar-based generator of templates for the render parity test: expressions over a
// context of odd values (unicode, NaN-like and number-like strings, empty and nested
// containers, null), operators, filters with arguments, tests, JS methods, inline if, and
// statements (if/elif/else, for/else with loop.*, set, macro, filter blocks, switch, raw), with
// whitespace control. The same seed always yields the same list.

const { prng } = require('./syntax-generator.cjs');

/** The context every generated template renders against. */
const CONTEXT = Object.freeze({
  name: 'Svc-Ünïcødé ✓',
  empty: '',
  zero: 0,
  one: 1,
  neg: -2.5,
  big: 12345678901234567890,
  tiny: 0.000001,
  frac: 0.1,
  t: true,
  f: false,
  nil: null,
  nan: 'NaN',
  numstr: '42',
  spaced: '  padded text  ',
  csv: 'a,b,,c',
  list: [3, 1, 2],
  words: ['pear', 'Apple', 'banana', 'apple'],
  mixed: [1, 'two', null, true, [3, 4], { k: 'v' }],
  emptyList: [],
  obj: { b: 2, a: 1, nested: { deep: { deeper: ['x', { y: 'z' }] } } },
  emptyObj: {},
  people: [
    { name: 'ann', age: 31, team: 'red' },
    { name: 'bob', age: 25, team: 'blue' },
    { name: 'cid', age: 31, team: 'red' },
  ],
  parameters: { name: 'my-service', owner: 'group:default/team-a', repoUrl: 'github.com?owner=acme&repo=svc', port: 8080, tags: ['a', 'b'] },
});

const ATOMS = [
  'name', 'empty', 'zero', 'one', 'neg', 'big', 'tiny', 'frac', 't', 'f', 'nil', 'nan', 'numstr', 'spaced', 'csv',
  'list', 'words', 'mixed', 'emptyList', 'obj', 'emptyObj', 'people', 'missing', 'obj.nested.deep.deeper[1].y',
  'obj.missing.deeper', 'list[0]', 'list[-1]', 'words[1:3]', 'name[0]', 'name.length', 'list.length',
  'parameters.name', 'parameters.port', 'parameters.tags', 'obj["a"]', 'people[1].name',
  '"str"', "'it''s'", '"ünï"', '0', '3', '-1', '2.5', '1e3', 'true', 'false', 'none', 'null', '[]', '[1, "2", none]',
  '{a: 1, "b": [2]}', 'r/[a-c]+/g', '""',
];
const BINARY = ['+', '-', '*', '/', '//', '%', '**', '~', '==', '===', '!=', '!==', '<', '>', '<=', '>=', 'and', 'or', 'in', 'not in'];
// Filters and methods by the kind of value they expect, so most generated templates evaluate
// (an error on both sides counts as identical, so a set full of errors would prove little).
const STRING_ATOMS = ['name', 'empty', 'spaced', 'csv', 'nan', 'numstr', 'parameters.name', '"str"', '"ünï"', 'name[0]',
  'obj.nested.deep.deeper[1].y', '""', '"a <b>tag</b> http://x.org c@d.com"', '"Mixed Case words"'];
const LIST_ATOMS = ['list', 'words', 'mixed', 'emptyList', 'people', 'parameters.tags', '[1, "2", none]', 'words[1:3]', '[3, 1, 2]'];
const ANY_FILTERS = ['length', 'default("d")', 'default("d", true)', 'dump', 'dump(2)', 'int', 'float', 'abs', 'round',
  'round(1, "floor")', 'string', 'd(0)', 'int(7)', 'float(1.5)', 'length | string', 'urlencode', 'escape', 'safe', 'list'];
const STRING_FILTERS = ['upper', 'lower', 'capitalize', 'title', 'trim', 'first', 'last', 'reverse', 'replace("a", "o")',
  'replace(r/[aeiou]/g, "_")', 'truncate(5)', 'truncate(8, true, "…")', 'indent(2)', 'indent(2, true)', 'center(12)',
  'wordcount', 'striptags', 'nl2br', 'urlize', 'title | replace(" ", "")', 'first | upper', 'list | join("-")'];
const LIST_FILTERS = ['sort', 'join(",")', 'join("-")', 'first', 'last', 'reverse', 'sum', 'batch(2)', 'slice(2)',
  'select("odd")', 'reject("string")', 'join | upper', 'sort(true)', 'length'];
const PEOPLE_FILTERS = ['selectattr("age")', 'sort(false, false, "age")', 'groupby("team")', 'join(",", "name")',
  'sum("age")', 'rejectattr("team")', 'first', 'last'];
const STRING_METHODS = ['toUpperCase()', 'toLowerCase()', 'trim()', 'split(",")', 'split("")', 'includes("a")',
  'startsWith("S")', 'endsWith("e")', 'indexOf("e")', 'slice(1, 4)', 'substring(4, 1)', 'replace("e", "E")',
  'replace(r/e/g, "$&$&")', 'charAt(1)', 'concat("!", 1)', 'length', 'split(r/[-,]/)', 'lastIndexOf("e")'];
const NUMBER_METHODS = ['toFixed(2)', 'toString()', 'toPrecision(3)', 'toString(16)'];
const LIST_METHODS = ['join("|")', 'includes(3)', 'indexOf(2)', 'slice(-2)', 'at(-1)', 'concat([9])', 'flat()',
  'lastIndexOf(1)', 'length', 'slice(1)'];
const TESTS = ['defined', 'undefined', 'none', 'null', 'number', 'string', 'truthy', 'falsy', 'odd', 'even', 'divisibleby(3)',
  'eq(1)', 'sameas(true)', 'lower', 'upper', 'mapping', 'iterable', 'callable', 'gt(2)', 'le(0)', 'ne("x")'];

function generator(seed) {
  const rand = prng(seed);
  const pick = (list) => list[Math.floor(rand() * list.length)];
  const chance = (p) => rand() < p;

  function expr(depth) {
    if (depth > 2 || chance(0.3)) return pick(ATOMS);
    switch (Math.floor(rand() * 9)) {
      case 0:
        return `${expr(depth + 1)} ${pick(BINARY)} ${expr(depth + 1)}`;
      case 1:
        return `${expr(depth + 1)} | ${pick(ANY_FILTERS)}`;
      case 2:
        return `${pick(STRING_ATOMS)} | ${pick(STRING_FILTERS)}`;
      case 3:
        return chance(0.5) ? `${pick(LIST_ATOMS)} | ${pick(LIST_FILTERS)}` : `people | ${pick(PEOPLE_FILTERS)}`;
      case 4:
        return `${expr(depth + 1)} is ${chance(0.3) ? 'not ' : ''}${pick(TESTS)}`;
      case 5: {
        const [atoms, methods] = pick([[STRING_ATOMS, STRING_METHODS], [['one', 'neg', 'frac', 'big', 'parameters.port', '3'], NUMBER_METHODS], [LIST_ATOMS, LIST_METHODS]]);
        return `(${pick(atoms)}).${pick(methods)}`;
      }
      case 6:
        return `${expr(depth + 1)} if ${expr(depth + 1)}${chance(0.6) ? ` else ${expr(depth + 1)}` : ''}`;
      case 7:
        return `${chance(0.5) ? 'not ' : '-'}${expr(depth + 1)}`;
      default:
        return `[${expr(depth + 1)}, ${expr(depth + 1)}]`;
    }
  }

  const ws = () => (chance(0.2) ? '-' : '');
  const out = (e) => `\${{${ws()} ${e} ${ws()}}}`;
  const text = () => pick(['', ' ', 'x', '\n', ' - ', 'ä', '\n  ', '{', '}', '$']);

  function body(depth) {
    const parts = [];
    const n = 1 + Math.floor(rand() * 3);
    for (let i = 0; i < n; i++) parts.push(statement(depth), text());
    return parts.join('');
  }

  function statement(depth) {
    if (depth > 2 || chance(0.45)) return out(expr(0));
    switch (Math.floor(rand() * 8)) {
      case 0:
        return `{%${ws()} if ${expr(1)} ${ws()}%}${body(depth + 1)}${chance(0.4) ? `{% elif ${expr(1)} %}${body(depth + 1)}` : ''}${chance(0.5) ? `{% else %}${body(depth + 1)}` : ''}{%${ws()} endif ${ws()}%}`;
      case 1:
        return `{% for x in ${pick(['list', 'words', 'mixed', 'emptyList', 'people', 'name', 'missing', 'range(3)', 'obj'])} %}${out(pick(['x', 'loop.index', 'loop.first', 'loop.last', 'loop.revindex0', 'loop.length', 'x | dump']))}${body(depth + 1)}${chance(0.3) ? `{% else %}${body(depth + 1)}` : ''}{% endfor %}`;
      case 2:
        return `{% for k, v in ${pick(['obj', 'emptyObj', 'parameters', 'people'])} %}${out('k')}=${out('v')};{% endfor %}`;
      case 3:
        return `{% set s = ${expr(1)} %}${out('s')}${body(depth + 1)}`;
      case 4:
        return `{% macro m(a, b="B") %}[${out('a')}|${out('b')}]{% endmacro %}${out(`m(${expr(1)})`)}${out(`m(1, b=${expr(1)})`)}`;
      case 5:
        return `{% filter ${pick(['upper', 'trim', 'title', 'replace("a", "4")'])} %}${body(depth + 1)}{% endfilter %}`;
      case 6:
        return `{% switch ${expr(1)} %}{% case 1 %}one{% case "x" %}{% case true %}yes{% default %}other{% endswitch %}`;
      default:
        return `{% raw %}${out('raw')}{% endraw %}${body(depth + 1)}`;
    }
  }

  return { expr, body, chance, pick };
}

/** `count` templates: lone expressions (value mode) and mixed bodies (string mode). */
function generateRenderCases(count = 10000, seed = 0x7e11) {
  const g = generator(seed);
  const cases = [];
  for (let i = 0; i < count; i++) {
    const lone = g.chance(0.4);
    const source = lone ? `\${{ ${g.expr(0)} }}` : g.body(0);
    cases.push({ id: `generated-${i}`, source, context: CONTEXT, mode: lone || g.chance(0.3) ? 'value' : 'string' });
  }
  return cases;
}

module.exports = { CONTEXT, generateRenderCases, STRING_ATOMS, LIST_ATOMS };
