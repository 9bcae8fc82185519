'use strict';
// A small seeded (deterministic) generator of template syntax variants for the syntax parity
// test: valid Backstage-style snippets, combined and mutated (delimiters dropped or doubled,
// JavaScript operators, unbalanced brackets, stray end tags, unknown and template-loading tags,
// nested raw blocks, whitespace control, regex literals, slices, kwargs, set/call/filter/switch
// blocks, comments and strings holding delimiters, …). The same seed always yields the same list.

/** mulberry32: a tiny deterministic PRNG returning floats in [0, 1). */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Valid snippets in Backstage's dialect (`${{ }}` variables), as real templates write them. */
const SNIPPETS = [
  '${{ parameters.name }}',
  '${{ parameters.repoUrl | parseRepoUrl | pick("owner") }}',
  '${{ parameters.repoUrl | projectSlug }}',
  "${{ steps['publish'].output.remoteUrl }}",
  '${{ steps.publish.output.repoContentsUrl }}',
  '${{ parameters.owner | parseEntityRef({ defaultKind: "group" }) | pick("name") }}',
  "${{ parameters.kind === 'service' }}",
  "${{ parameters.kind !== 'library' and parameters.enabled }}",
  '${{ not parameters.dryRun }}',
  '${{ parameters.tags | join(",") }}',
  '${{ parameters.name | lower | replace(" ", "-") }}',
  '${{ parameters.name | replace(r/[^a-z0-9]+/g, "-") }}',
  '${{ r/^[a-z]+$/.test(parameters.name) }}',
  '${{ parameters.description if parameters.description else "none" }}',
  '${{ parameters.name if parameters.name }}',
  '${{ parameters.items[0] }}',
  '${{ parameters.items[1:3] | join("/") }}',
  '${{ parameters.items[::2] | length }}',
  '${{ parameters.a + "-" + parameters.b }}',
  '${{ (parameters.count * 2) // 3 % 5 ** 2 }}',
  '${{ parameters.name.split(" ")[0] }}',
  '${{ "x" in parameters.list }}',
  '${{ "x" not in parameters.list }}',
  '${{ parameters.value is defined }}',
  '${{ parameters.value is not none }}',
  '${{ parameters.n is divisibleby(3) }}',
  '${{ parameters.list | selectattr("enabled") | list | length > 0 }}',
  '${{ { "a": 1, b: [1, 2, 3] } | dump }}',
  '${{ [1, 2, 3] | sum }}',
  '${{ range(0, 10, 2) | join(",") }}',
  '${{ always() }}',
  '${{ failure() }}',
  '${{ parameters.x | default("y", true) }}',
  '${{ parameters.x | truncate(10, killwords=true) }}',
  '${{ parameters.x | indent(4, first=false) }}',
  '${{ user.entity.metadata.name ~ "@" ~ user.ref }}',
  '${{ each.value.name }}',
  '${{ -parameters.n + +1 }}',
  '${{ 1.5e3 }}',
  '${{ true and false or none }}',
  '${{ parameters.a == parameters.b != parameters.c }}',
  '${{ parameters.a >= 1 and parameters.b <= 2 and 1 < 2 < 3 }}',
  '{% if parameters.enabled %}yes{% endif %}',
  "{% if parameters.kind === 'a' %}A{% elif parameters.kind === 'b' %}B{% else %}C{% endif %}",
  '{% if x %}1{% elseif y %}2{% endif %}',
  '{% for item in parameters.items %}- ${{ item }}\n{% endfor %}',
  '{% for key, value in parameters.map %}${{ key }}=${{ value }};{% endfor %}',
  '{% for a, b in [[1, 2], [3, 4]] %}${{ a + b }}{% else %}empty{% endfor %}',
  '{% for item in parameters.items %}${{ loop.index }}${{ "," if not loop.last }}{% endfor %}',
  '{% set name = parameters.name | lower %}${{ name }}',
  '{% set a, b = 1 %}${{ a }}${{ b }}',
  '{% set block %}some ${{ parameters.x }} text{% endset %}${{ block }}',
  '{% raw %}${{ github.event.name }}{% endraw %}',
  '{% verbatim %}{% if %}${{ x }}{% endverbatim %}',
  '{# a comment #}text',
  '{# multi\nline ${{ x }} comment #}',
  '{%- if x -%}\n  trimmed\n{%- endif -%}',
  '${{- parameters.name -}}',
  '{% macro greet(name, greeting="hi") %}${{ greeting }} ${{ name }}{% endmacro %}${{ greet("a") }}',
  '{% macro field(n) %}[${{ n }}]{% endmacro %}${{ field(n=1) }}',
  '{% macro wrap() %}<${{ caller() }}>{% endmacro %}{% call wrap() %}inner{% endcall %}',
  '{% macro list(items) %}{% for i in items %}${{ caller(i) }}{% endfor %}{% endmacro %}{% call(i) list([1,2]) %}<${{ i }}>{% endcall %}',
  '{% filter upper %}hello ${{ parameters.name }}{% endfilter %}',
  '{% filter replace("a", "b") %}banana{% endfilter %}',
  '{% switch parameters.kind %}{% case "a" %}A{% case "b" %}B{% default %}other{% endswitch %}',
  '{% block content %}body{% endblock %}',
  '{% if parameters.a %}\n  {% for x in parameters.b %}\n    ${{ x | upper }}\n  {% endfor %}\n{% endif %}',
  'name: ${{ parameters.name }}\nowner: ${{ parameters.owner }}\n',
  'plain text with { braces } and $dollars and %percent',
  'run: echo "${{ github.sha }}"',
  '{{ cookiecutter.name }} and ${{ values.name }}',
  '${{ "a}}b" }}',
  '${{ "%}" }}{% set s = "#}" %}${{ s }}',
  "${{ 'it\\'s' + \"q\\\"q\" }}",
  '${{ parameters["key with space"] }}',
  '${{ parameters.x | d("y") | e }}',
  '{% set obj = { a: 1, "b": 2 } %}${{ obj.a }}',
  '${{ (1, 2) }}',
  '${{ [] }}${{ {} }}${{ () }}',
  '${{ cycler("a", "b").next() }}',
  '{% set j = joiner(",") %}{% for x in [1,2] %}${{ j() }}${{ x }}{% endfor %}',
  '${{ parameters.x | round(2, "floor") }}',
  '${{ "%s-%s" | replace("%s", "x") }}',
  '${{ parameters.name | string | length }}',
  '${{ not (a or b) and c }}',
  '${{ x is not string }}',
  '${{ x is sameas false }}',
  '${{ x.y.z[0]["w"] }}',
];

/** Fragments inserted by mutations. */
const JS_OPERATORS = ['&&', '||', '===', '!==', '!', '? x :', '=>', '??', '?.', '++', '+=', '=', '&', '|', '^', '<<', '>>', ';', ','];
const BRACKETS = ['(', ')', '[', ']', '{', '}', '((', '))', '[[', ']]'];
const STRAY_TAGS = [
  '{% endif %}', '{% endfor %}', '{% else %}', '{% elif x %}', '{% elseif x %}', '{% endset %}', '{% endmacro %}',
  '{% endcall %}', '{% endfilter %}', '{% endswitch %}', '{% case 1 %}', '{% default %}', '{% endraw %}',
  '{% endverbatim %}', '{% endblock %}',
];
const UNKNOWN_TAGS = [
  '{% foo %}', '{% do x %}', '{% with x = 1 %}{% endwith %}', '{% autoescape true %}x{% endautoescape %}',
  '{% IF x %}y{% ENDIF %}', '{% break %}', '{% continue %}', '{% ifx %}', '{% %}', '{%%}', '{% 1 %}',
  '{% trans %}x{% endtrans %}', '{% asyncEach x in y %}{% endeach %}', '{% asyncAll x in y %}{% endall %}',
  '{% ifAsync x %}{% endif %}',
];
const LOADING_TAGS = [
  '{% include "x.njk" %}', '{% include %}', '{% import "x" as y %}', '{% from "x" import y %}',
  '{% extends "base" %}', '{{ super() }}', '${{ super() }}', '{% block a %}{{ super() }}{% endblock %}',
  '{% include "a" ignore missing %}',
];
const RAW_BLOCKS = [
  '{% raw %}{% raw %}x{% endraw %}{% endraw %}',
  '{% raw %}{% raw %}x{% endraw %}',
  '{% raw %}x',
  '{% raw %}${{ x }}{% endraw %}',
  '{% raw %}{% endraw %}{% endraw %}',
  '{% verbatim %}{% verbatim %}x{% endverbatim %}{% endverbatim %}',
  '{% raw %}{% verbatim %}x{% endverbatim %}{% endraw %}',
  '{%- raw -%} x {%- endraw -%}',
  '{% raw x %}y{% endraw %}',
  '{% raw %}{# not a comment {% endraw %}',
  '{% raw %}a{% endraw x %}',
];
const REGEXES = [
  'r/a+/g', 'r/a/x', 'r/a/gimy', 'r/[/', 'r/unterminated', 'r/\\//', 'r//', 'r/a/gg', 'r/(a|b)*c/i', 'r /a/', 'r/a\nb/',
];
const SLICES = ['[1:2]', '[::2]', '[1:2:3:4]', '[:]', '[1:]', '[:-1]', '[::]', '[1::-1]', '[a:b]', '[1,2]', '[]'];
const TESTS_IN = ['is not defined', 'not in y', 'is none', 'is not', 'in', 'not', 'is defined(1)', 'is divisibleby 3', 'is', 'is 1', 'not not x'];
const KWARGS = [
  'f(a=1)', 'x | replace("a", "b", count=1)', 'range(1, stop=3)', 'f(a=1, 2)', 'f(a=)', 'f(=1)', 'f(a==1)',
  'parseRepoUrl(url=x)', 'x | pick(path="a")', 'f(**kw)', 'f(*args)', 'f(a=1, a=2)', 'f(1,)', 'f(,)',
];
const SET_BLOCKS = [
  '{% set x %}a{% endset %}', '{% set x %}a', '{% set x = %}', '{% set %}', '{% set x, y = [1, 2] %}',
  '{% set x.y = 1 %}', '{% set x = 1 = 2 %}', '{% set x = 1 %}{% endset %}', '{% set 1 = 2 %}', '{% set x | upper %}a{% endset %}',
  '{% set constructor = 1 %}', '{% set x %}{% set y %}b{% endset %}{% endset %}',
];
const CALL_BLOCKS = [
  '{% call m() %}x{% endcall %}', '{% call m %}x{% endcall %}', '{% call(a) m() %}${{ a }}{% endcall %}',
  '{% call %}x{% endcall %}', '{% call m() %}x', '{% call(a, b=1) m() %}{% endcall %}',
];
const FILTER_BLOCKS = [
  '{% filter upper %}x{% endfilter %}', '{% filter %}x{% endfilter %}', '{% filter upper %}x',
  '{% filter upper() %}x{% endfilter %}', '{% filter nosuch %}x{% endfilter %}', '{% filter upper | lower %}x{% endfilter %}',
  '{% filter 1 %}x{% endfilter %}',
];
const SWITCHES = [
  '{% switch x %}{% case 1 %}a{% default %}b{% endswitch %}', '{% switch x %}{% case 1 %}a',
  '{% case 1 %}a', '{% switch %}{% endswitch %}', '{% switch x %}text{% case 1 %}a{% endswitch %}',
  '{% switch x %}{% default %}a{% default %}b{% endswitch %}', '{% switch x %}{% case %}a{% endswitch %}',
  '{% switch x %}{% case 1 %}{% case 2 %}both{% endswitch %}',
];
const COMMENTS_AND_STRINGS = [
  '{# "#}" #}', "{# '#}' #}", '${{ "#}" }}', '${{ "}}" }}', '{% set x = "%}" %}', '{# {# nested #} #}',
  '{# unterminated', '${{ "unterminated }}', "${{ 'a\\'b' }}", '${{ "\\q" }}', '${{ "a\nb" }}', '{# #}#}',
  '${{ "${{" }}', '${{ `tpl` }}', '{# ${{ #}', '{# {% #}', '${{ "{#" }}',
];
const WS_CONTROL = ['{%-', '-%}', '${{-', '-}}', '{#-', '-#}', '{%+', '+%}', '{%--', '${{ -', '- }}'];
const JS_EXPRESSIONS = [
  'x?.y', 'x ?? y', 'new X()', 'typeof x', 'x => x', 'x.y()', 'x++', 'x += 1', 'a ? b : c', 'void 0', 'delete x.y',
  'x instanceof Y', 'function() {}', '[...x]', '{...x}', 'x.__proto__', 'x.prototype', 'x["constructor"]', 'this',
  'undefined', 'null', 'NaN', '$x', 'café', '_x', 'x.0', 'x.1y', '0x10', '1_000', '1.', '.5', '1e', '"a" "b"',
];

function pick(rand, list) {
  return list[Math.floor(rand() * list.length)];
}

function randomInt(rand, n) {
  return Math.floor(rand() * n);
}

/** Spans of the tags in a source (for mutations that act inside an expression). */
function tagSpans(source) {
  const spans = [];
  const re = /(\$\{\{|\{\{|\{%|\{#)([\s\S]*?)(\}\}|%\}|#\})/g;
  let m;
  while ((m = re.exec(source))) spans.push({ start: m.index, open: m[1], inner: m.index + m[1].length, end: m.index + m[0].length - m[3].length });
  return spans;
}

/** A position strictly inside some tag (or anywhere when there is none). */
function insidePosition(rand, source) {
  const spans = tagSpans(source);
  if (!spans.length) return randomInt(rand, source.length + 1);
  const span = pick(rand, spans);
  return span.inner + randomInt(rand, Math.max(1, span.end - span.inner + 1));
}

/** A position outside every tag (between tags or in text), so a whole inserted tag stays whole;
 * half the time any position at all. */
function tagBoundary(rand, source) {
  if (rand() < 0.5) return randomInt(rand, source.length + 1);
  const spans = tagSpans(source);
  const boundaries = [0, source.length];
  for (const span of spans) boundaries.push(span.start, span.end + 2);
  return pick(rand, boundaries.filter((i) => i <= source.length));
}

function insertAt(source, index, text) {
  return source.slice(0, index) + text + source.slice(index);
}

/** Delimiter occurrences: [index, text]. */
function delimiters(source) {
  const found = [];
  const re = /\$\{\{|\{\{|\}\}|\{%|%\}|\{#|#\}/g;
  let m;
  while ((m = re.exec(source))) found.push([m.index, m[0]]);
  return found;
}

/** Well-formed fragments (the "mutation" that should keep a source valid). */
const VALID_FRAGMENTS = [
  '{% set x %}a ${{ y }}{% endset %}', '{% set x = [1, 2][0:1] %}', '{% macro m() %}${{ caller() }}{% endmacro %}{% call m() %}x{% endcall %}',
  '{% filter upper %}x{% endfilter %}', '{% switch x %}{% case 1 %}a{% default %}b{% endswitch %}', '{% raw %}${{ x }}{% endraw %}',
  '{% raw %}{% if %}{% endraw %}', '${{ x[1:2] }}', '${{ x[::-1] }}', '${{ r/a+/g.test("aa") }}', '${{ r/a\/b/i }}', '${{ a is not defined }}',
  '${{ a not in b }}', '${{ f(a=1, b=2) }}', '${{ x | replace("a", "b") }}', '{%- if a -%}b{%- endif -%}', '${{- x -}}',
  '{#- c -#}', '${{ "#}" }}', '${{ "}}" }}', '{% set s = "%}" %}', '{# ${{ x }} {% if %} #}', '${{ a if b else c }}',
  '${{ a if b }}', '${{ x === y and x !== z }}', '${{ { a: 1, "b": [2, 3] } }}', '${{ (1) }}', '${{ -1 + 2 * 3 / 4 // 5 % 6 ** 7 }}',
  '${{ "a" ~ "b" }}', '{% for a, b in c %}{% else %}{% endfor %}', '{% if a %}{% elseif b %}{% elif c %}{% else %}{% endif %}',
  '{% verbatim %}{% endraw %}{% endverbatim %}', '${{ loop.index0 }}', '${{ x | d }}', '${{ x() }}', '${{ x.y().z }}',
];

/** Each mutation: (rand, source) → new source. */
const MUTATIONS = [
  function dropDelimiter(rand, s) {
    const all = delimiters(s);
    if (!all.length) return s + '}}';
    const [i, d] = pick(rand, all);
    const how = randomInt(rand, 3);
    if (how === 0) return s.slice(0, i) + s.slice(i + d.length);
    if (how === 1) return s.slice(0, i) + s.slice(i + 1); // drop the first character
    return s.slice(0, i + d.length - 1) + s.slice(i + d.length); // drop the last character
  },
  function duplicateDelimiter(rand, s) {
    const all = delimiters(s);
    if (!all.length) return '${{' + s;
    const [i, d] = pick(rand, all);
    return insertAt(s, i, rand() < 0.5 ? d : d.slice(-1));
  },
  function jsOperator(rand, s) {
    return insertAt(s, insidePosition(rand, s), ` ${pick(rand, JS_OPERATORS)} `);
  },
  function bracket(rand, s) {
    return insertAt(s, insidePosition(rand, s), pick(rand, BRACKETS));
  },
  function strayTag(rand, s) {
    return rand() < 0.5 ? pick(rand, STRAY_TAGS) + s : s + pick(rand, STRAY_TAGS);
  },
  function unknownTag(rand, s) {
    return insertAt(s, tagBoundary(rand, s), pick(rand, UNKNOWN_TAGS));
  },
  function loadingTag(rand, s) {
    return insertAt(s, tagBoundary(rand, s), pick(rand, LOADING_TAGS));
  },
  function rawBlock(rand, s) {
    if (rand() < 0.3) return `{% raw %}${s}{% endraw %}`;
    return insertAt(s, tagBoundary(rand, s), pick(rand, RAW_BLOCKS));
  },
  function whitespaceControl(rand, s) {
    const all = delimiters(s);
    if (!all.length || rand() < 0.3) return insertAt(s, tagBoundary(rand, s), pick(rand, WS_CONTROL));
    const [i, d] = pick(rand, all);
    const opening = d.startsWith('{') || d.startsWith('$');
    return opening ? insertAt(s, i + d.length, rand() < 0.8 ? '-' : '- ') : insertAt(s, i, rand() < 0.8 ? '-' : ' -');
  },
  function regexLiteral(rand, s) {
    return insertAt(s, insidePosition(rand, s), ` ${pick(rand, REGEXES)} `);
  },
  function slice(rand, s) {
    const spans = tagSpans(s).filter((t) => t.open !== '{#');
    if (!spans.length) return s + `\${{ x${pick(rand, SLICES)} }}`;
    const span = pick(rand, spans);
    const at = rand() < 0.7 ? span.end - (s[span.end - 1] === ' ' ? 1 : 0) : insidePosition(rand, s);
    return insertAt(s, at, pick(rand, SLICES));
  },
  function testsAndIn(rand, s) {
    return insertAt(s, insidePosition(rand, s), ` ${pick(rand, TESTS_IN)} `);
  },
  function kwargs(rand, s) {
    return rand() < 0.5 ? s + `\${{ ${pick(rand, KWARGS)} }}` : insertAt(s, insidePosition(rand, s), ` ${pick(rand, KWARGS)} `);
  },
  function setBlock(rand, s) {
    return insertAt(s, tagBoundary(rand, s), pick(rand, SET_BLOCKS));
  },
  function callBlock(rand, s) {
    return '{% macro m() %}${{ caller() }}{% endmacro %}' + insertAt(s, tagBoundary(rand, s), pick(rand, CALL_BLOCKS));
  },
  function filterBlock(rand, s) {
    return rand() < 0.4 ? `{% filter upper %}${s}{% endfilter %}` : insertAt(s, tagBoundary(rand, s), pick(rand, FILTER_BLOCKS));
  },
  function switchBlock(rand, s) {
    return insertAt(s, tagBoundary(rand, s), pick(rand, SWITCHES));
  },
  function commentOrString(rand, s) {
    return insertAt(s, tagBoundary(rand, s), pick(rand, COMMENTS_AND_STRINGS));
  },
  function jsExpression(rand, s) {
    return rand() < 0.5 ? s + `\${{ ${pick(rand, JS_EXPRESSIONS)} }}` : insertAt(s, insidePosition(rand, s), ` ${pick(rand, JS_EXPRESSIONS)} `);
  },
  function swapEndTags(rand, s) {
    const ends = ['endif', 'endfor', 'endset', 'endmacro', 'endcall', 'endfilter', 'endswitch', 'endraw', 'endblock'];
    const present = ends.filter((e) => s.includes(e));
    if (!present.length) return s + `{% ${pick(rand, ends)} %}`;
    return s.replace(pick(rand, present), pick(rand, ends));
  },
  function deleteChar(rand, s) {
    const i = insidePosition(rand, s);
    return s.slice(0, i) + s.slice(i + 1);
  },
  function insertChar(rand, s) {
    return insertAt(s, insidePosition(rand, s), pick(rand, ['{', '}', '%', '#', '$', '-', '|', '(', ')', '[', ']', '"', "'", '\n', '.', ':', '=', '~', '\\', '/']));
  },
  function truncate(rand, s) {
    return s.slice(0, randomInt(rand, s.length));
  },
  function emptyTag(rand, s) {
    return insertAt(s, tagBoundary(rand, s), pick(rand, ['${{ }}', '${{}}', '{% %}', '{##}', '{# #}', '${{ - }}', '{%-%}']));
  },
  function nest(rand, s) {
    const wrappers = [
      (x) => `{% if a %}${x}{% endif %}`,
      (x) => `{% for i in xs %}${x}{% endfor %}`,
      (x) => `{% if a %}\n${x}\n{% else %}\n${x}\n{% endif %}`,
      (x) => `{% macro m(a) %}${x}{% endmacro %}`,
      (x) => `{% set v %}${x}{% endset %}`,
      (x) => `{% switch a %}{% case 1 %}${x}{% endswitch %}`,
    ];
    return pick(rand, wrappers)(s);
  },
  function multiline(rand, s) {
    return `line one\nline two ${pick(rand, SNIPPETS)}\n${s}\nlast line`;
  },
  function validFragment(rand, s) {
    return insertAt(s, tagBoundary(rand, s), pick(rand, VALID_FRAGMENTS));
  },
  function reservedName(rand, s) {
    const names = ['constructor', '__proto__', 'prototype'];
    const forms = [
      (n) => `\${{ x.${n} }}`, (n) => `\${{ ${n} }}`, (n) => `{% set ${n} = 1 %}`, (n) => `{% for ${n} in xs %}{% endfor %}`,
      (n) => `{% macro m(${n}) %}{% endmacro %}`, (n) => `\${{ { ${n}: 1 } }}`, (n) => `\${{ x["${n}"] }}`, (n) => `\${{ x | ${n} }}`,
      (n) => `{% macro ${n}() %}{% endmacro %}`, (n) => `\${{ f(${n}=1) }}`,
    ];
    return insertAt(s, tagBoundary(rand, s), pick(rand, forms)(pick(rand, names)));
  },
];

/** Mutations that keep a well-formed source well-formed (most of the time). */
const GENTLE_MUTATIONS = MUTATIONS.filter((m) => ['validFragment', 'nest', 'multiline', 'whitespaceControl', 'filterBlock', 'rawBlock'].includes(m.name));

/**
 * `count` distinct variants: about 30 % through gentle mutations only (mostly still valid), the
 * rest through any mutation. About 15 % are converted to `{{ }}` variables and checked with
 * `cookiecutterCompat`; about 10 % are checked with `trimBlocks`/`lstripBlocks`.
 */
function generateVariants(count = 2000, seed = 0x5eed2b) {
  const rand = prng(seed);
  const out = [];
  const seen = new Set();
  let attempts = 0;
  while (out.length < count && attempts < count * 20) {
    attempts += 1;
    let source = pick(rand, SNIPPETS);
    if (rand() < 0.25) source += (rand() < 0.5 ? '\n' : ' ') + pick(rand, SNIPPETS);
    const applied = [];
    const steps = 1 + (rand() < 0.35 ? 1 : 0) + (rand() < 0.1 ? 1 : 0);
    const gentle = rand() < 0.3;
    for (let i = 0; i < steps; i++) {
      const mutation = gentle ? pick(rand, GENTLE_MUTATIONS) : pick(rand, MUTATIONS);
      source = mutation(rand, source);
      applied.push(mutation.name);
    }
    const options = {};
    const mode = rand();
    if (mode < 0.15) {
      source = source.replace(/\$\{\{/g, '{{');
      options.cookiecutterCompat = true;
    } else if (mode < 0.25) {
      options.trimBlocks = rand() < 0.7;
      options.lstripBlocks = rand() < 0.7;
    }
    const key = `${JSON.stringify(options)}\0${source}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ id: `gen#${out.length} [${applied.join('+')}]`, source, options });
  }
  return out;
}

module.exports = { prng, SNIPPETS, MUTATIONS, generateVariants };
