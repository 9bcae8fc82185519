'use strict';
// Hostile inputs end with a clear error (code or rule, and a message) within Trellis' limits,
// and memory stays bounded: each case runs in its own Node process, so its peak RSS
// (process.resourceUsage().maxRSS) is its own, and must stay under 512 MB.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const root = path.resolve(__dirname, '../..');
const RSS_LIMIT_MB = 512;

/**
 * Runs `scenario(trellis)` in a fresh process; returns what it returned (`result`) or threw
 * (`error`: code, rule, message, line, column), and the process' peak RSS in MB.
 */
function isolated(scenario) {
  const script = `
    const trellis = require(${JSON.stringify(path.join(root, 'dist/index.js'))});
    let outcome;
    try {
      outcome = { result: (${scenario.toString()})(trellis) };
    } catch (e) {
      outcome = { error: { code: e.code, rule: e.rule, message: e.message, line: e.line, column: e.column } };
    }
    outcome.peakRssMb = process.resourceUsage().maxRSS / 1024;
    process.stdout.write(JSON.stringify(outcome));
  `;
  const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 120_000, maxBuffer: 64 << 20 });
  assert.equal(run.status, 0, `the case crashed or hung: ${run.error ?? ''} ${run.stderr}`);
  const outcome = JSON.parse(run.stdout);
  assert.ok(outcome.peakRssMb < RSS_LIMIT_MB, `peak RSS ${outcome.peakRssMb.toFixed(0)} MB`);
  return outcome;
}

const TEMPLATE_HEAD = `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata: {name: hostile}
spec:
  owner: group:default/team
  type: service
`;

test('a YAML alias bomb (billion laughs) is a yaml-syntax error in checkTemplate and validateParameters', () => {
  let bomb = `${TEMPLATE_HEAD}  lol0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n`;
  for (let level = 1; level < 10; level++) {
    bomb += `  lol${level}: &a${level} [${Array(9).fill(`*a${level - 1}`).join(', ')}]\n`;
  }
  const checked = isolated(new Function(`return (trellis) => trellis.checkTemplate(${JSON.stringify(bomb)})`)());
  const [finding] = checked.result.diagnostics;
  assert.equal(finding.rule, 'yaml-syntax');
  assert.match(finding.message, /alias bombs/);
  assert.ok(finding.line > 6);
  const validated = isolated(new Function(`return (trellis) => trellis.validateParameters(${JSON.stringify(bomb)}, {})`)());
  assert.equal(validated.error.rule, 'yaml-syntax');
  assert.match(validated.error.message, /alias bombs/);
});

test('YAML nested 10,000 levels deep is a yaml-syntax error, not a stack overflow', () => {
  const deep = `${TEMPLATE_HEAD}  deep: ${'['.repeat(200)}x${']'.repeat(200)}\n  deeper:\n${'  '.repeat(2)}${'- '.repeat(10_000)}x\n`;
  const outcome = isolated(new Function(`return (trellis) => trellis.checkTemplate(${JSON.stringify(deep)})`)());
  const [finding] = outcome.result.diagnostics;
  assert.equal(finding.rule, 'yaml-syntax');
  assert.match(finding.message, /nests deeper than 128 levels|recursion limit/);
  const validated = isolated(new Function(`return (trellis) => trellis.validateParameters(${JSON.stringify(deep)}, {})`)());
  assert.equal(validated.error.rule, 'yaml-syntax');
});

test('a 10 MB template is refused up front (checkTemplate, validateParameters, renderString)', () => {
  const outcome = isolated((trellis) => {
    const head = 'apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata: {name: big}\nspec:\n  owner: group:default/team\n  type: service\n  steps:\n';
    const step = (i) => `    - id: s${i}\n      action: debug:log\n      input: {message: '\${{ parameters.name }} ${'x'.repeat(40)}'}\n`;
    const parts = [head];
    for (let i = 0, size = head.length; size < 10 * 1024 * 1024; i++) {
      parts.push(step(i));
      size += parts[parts.length - 1].length;
    }
    const source = parts.join('');
    const attempt = (call) => {
      try {
        return call();
      } catch (e) {
        return { rule: e.rule, code: e.code, message: e.message };
      }
    };
    return {
      checked: trellis.checkTemplate(source).diagnostics,
      validated: attempt(() => trellis.validateParameters(source, {})),
      rendered: attempt(() => trellis.renderString(source, {})),
    };
  });
  const { checked, validated, rendered } = outcome.result;
  assert.equal(checked.length, 1);
  assert.equal(checked[0].rule, 'yaml-syntax');
  assert.match(checked[0].message, /^the file is 10\.0 MB, more than the 4 MB Trellis reads$/);
  assert.equal(validated.rule, 'yaml-syntax');
  assert.match(validated.message, /more than the 4 MB Trellis reads/);
  assert.equal(rendered.code, 'limit_error');
});

test('an expression nested 10,000 levels deep is a syntax_error', () => {
  const outcome = isolated((trellis) => trellis.renderString(`\${{ ${'('.repeat(10_000)}1${')'.repeat(10_000)} }}`, {}));
  assert.equal(outcome.error.code, 'syntax_error');
  assert.match(outcome.error.message, /nest/);
});

// Flat chains are walked in loops, not by recursion per operand (issue #13 item 3): thousands of
// operators end in the engine's located nesting limit (as Nunjitsu's renderer also refuses them),
// never in a stack overflow, in the API, in `trellis render` and in `trellis check`.
const PLUS_CHAIN = `\${{ ${Array(12_000).fill('1').join(' + ')} }}`;

test('flat chains of thousands of operators end in a located limit_error (renderString, renderInput)', () => {
  // Built in the child: a 30,000-operator template is longer than one command-line argument may be.
  const outcome = isolated((trellis) => {
    const chain = (operand, operator, count) => `\${{ ${Array(count).fill(operand).join(operator)} }}`;
    const chains = {
      '12,000 terms of +': chain('1', ' + ', 12_000),
      '30,000 | string filters': `\${{ 1${' | string'.repeat(30_000)} }}`,
      '30,000 .a member reads': `\${{ x${'.a'.repeat(30_000)} }}`,
      '12,000 terms of and': chain('1', ' and ', 12_000),
      '12,000 terms of or': chain('0', ' or ', 12_000),
      '12,000 terms of ~': chain('1', ' ~ ', 12_000),
      '12,000 terms of //': chain('1', ' // ', 12_000),
      '30,000 [0] subscripts': `\${{ x${'[0]'.repeat(30_000)} }}`,
      '30,000 calls': `\${{ f${'()'.repeat(30_000)} }}`,
      'not before 12,000 terms of +': `\${{ not ${Array(12_000).fill('1').join(' + ')} }}`,
      '30,000 prefixes -+': `\${{ ${'-+'.repeat(15_000)}1 }}`,
    };
    const attempt = (call) => {
      try {
        return call();
      } catch (e) {
        return { code: e.code, message: e.message, line: e.line, column: e.column };
      }
    };
    const results = {};
    for (const [name, template] of Object.entries(chains)) {
      results[name] = [
        attempt(() => trellis.renderString(template, { x: {} })),
        attempt(() => trellis.renderInput({ m: template }, { x: {} })),
      ];
    }
    results.comparisons = attempt(() => trellis.renderString(chain('1', ' < ', 30_000), {}));
    return results;
  });
  const { comparisons, ...chains } = outcome.result;
  for (const [name, errors] of Object.entries(chains)) {
    for (const error of errors) {
      assert.equal(error.code, 'limit_error', `${name}: ${JSON.stringify(error)}`);
      assert.match(error.message, /^(\/m: )?the template nests deeper than 512 levels/, name);
    }
    // Every node of these chains starts where the chain starts.
    if (!name.includes('prefixes')) assert.deepEqual(errors.map((e) => [e.line, e.column]), [[1, 5], [1, 5]], name);
  }
  // Each prefix operator starts its own node: the error points at the one past the limit (a lone
  // `${{ }}` in renderInput is evaluated two levels higher than inside renderString's text).
  assert.deepEqual(chains['30,000 prefixes -+'].map((e) => e.column), [515, 517]);
  // A comparison chain is one node with a list of operands.
  assert.equal(comparisons, 'false');
});

test('trellis render and trellis check on a template with a 12,000-term chain', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-chain-'));
  try {
    const template = (name, message) => `${TEMPLATE_HEAD.replace('hostile', name)}  parameters:
    - properties:
        name: {type: string}
  steps:
    - id: log
      action: debug:log
      input:
        message: '${message}'
`;
    fs.writeFileSync(path.join(dir, 'chain.yaml'), template('chain', PLUS_CHAIN));
    fs.writeFileSync(path.join(dir, 'other.yaml'), template('other', '\${{ parameters.missing }}'));
    fs.writeFileSync(path.join(dir, 'values.json'), '{"name": "x"}');
    const cli = (...args) => spawnSync(process.execPath, [path.join(root, 'dist/cli.js'), ...args], { cwd: dir, encoding: 'utf8', timeout: 120_000 });

    const rendered = cli('render', 'chain.yaml', '--values', 'values.json');
    assert.equal(rendered.status, 0, rendered.stderr);
    assert.match(rendered.stderr + rendered.stdout, /chain\.yaml:14:23: the template nests deeper than 512 levels/);
    assert.doesNotMatch(rendered.stderr + rendered.stdout, /internal error|call stack/);

    // The chain is not a mistake `check` looks for; the other file's finding is still reported.
    const checked = cli('check', '.', '--format', 'json');
    assert.equal(checked.status, 1, checked.stderr);
    const { diagnostics, summary } = JSON.parse(checked.stdout);
    assert.deepEqual(
      diagnostics.map((d) => [d.file, d.line, d.rule]),
      [['other.yaml', 14, 'undeclared-parameter']],
    );
    assert.equal(summary.files, 2);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

// Values are walked within bounds (issue #13 item 7): deeper than 256 levels (Nunjitsu's limit) or
// past the work units is a located limit_error where the value is printed, compared or converted;
// a value that would contain itself is refused where it is made; deep JSON input is refused with
// its depth and position.
test('deep, self-containing and exponentially shared values end in located errors', () => {
  const outcome = isolated((trellis) => {
    const nested = (levels, wrap, tail) =>
      `{% set x = [] %}{% for i in range(${levels}) %}{% set x = ${wrap} %}{% endfor %}${tail}`;
    const attempt = (call) => {
      try {
        return call();
      } catch (e) {
        return { code: e.code, message: e.message, column: e.column };
      }
    };
    let deepJson = 1;
    for (let i = 0; i < 200; i++) deepJson = [deepJson];
    return {
      printed: attempt(() => trellis.renderString(nested(50_000, '[x]', '${{ x }}'), {})),
      dumped: attempt(() => trellis.renderString(nested(50_000, '{a: x}', '${{ x | dump }}'), {})),
      value: attempt(() => trellis.renderValue(nested(50_000, '[x]', '${{ x }}'), {})),
      counted: attempt(() => trellis.renderString(nested(50_000, '[x]', '${{ x | length }}'), {})),
      cycle: attempt(() => trellis.renderString('{% set a = [1] %}${{ a.push([a]) }}${{ a }}', {})),
      shared: attempt(() => trellis.renderString(nested(40, '[x, x]', '${{ x }}'), {})),
      context: attempt(() => trellis.renderString('${{ v }}', { v: deepJson })),
      input: attempt(() => trellis.renderInput({ v: deepJson }, {})),
    };
  });
  const { printed, dumped, value, counted, cycle, shared, context, input } = outcome.result;
  for (const [error, column] of [[printed, 73], [dumped, 80], [value, 73]]) {
    assert.equal(error.code, 'limit_error', JSON.stringify(error));
    assert.match(error.message, /^a value nests deeper than 256 levels/);
    assert.equal(error.column, column);
  }
  assert.equal(counted, '1');
  assert.equal(cycle.code, 'evaluation_error');
  assert.match(cycle.message, /^cyclic template values are not supported/);
  assert.equal(cycle.column, 22);
  assert.equal(shared.code, 'limit_error');
  assert.match(shared.message, /work units/);
  assert.match(context.message, /^the context nests deeper than 128 levels \(at line 1, column \d+ of its JSON text\)/);
  assert.equal(input.code, 'limit_error');
  assert.match(input.message, /^the input nests deeper than 128 levels/);
});

test('range over a billion is a limit_error', () => {
  const loop = isolated((trellis) => trellis.renderString('{% for i in range(1000000000) %}x{% endfor %}', {}));
  assert.equal(loop.error.code, 'limit_error');
  assert.match(loop.error.message, /work units|larger than/);
  const list = isolated((trellis) => trellis.renderString('${{ range(1000000000) | length }}', {}));
  assert.equal(list.error.code, 'limit_error');
});

test('huge string repetition is a limit_error', () => {
  // `'a'.repeat(n)` is not among the allowed methods (an evaluation_error); these build the
  // same sizes another way, each asking for gigabytes.
  for (const template of [
    "${{ range(100000000) | join('x') }}",
    "${{ s | replace('a', s) | length }}",
    '${{ s | replace(r/a/g, "$\'") | length }}',
    "${{ s.split('') | join(s) | length }}",
    "${{ s.split('').join(s) | length }}",
    "{% set t = 'xxxxxxxxxx' %}{% for i in range(40) %}{% set t = t + t %}{% endfor %}${{ t | length }}",
  ]) {
    const outcome = isolated(
      new Function(`return (trellis) => trellis.renderString(${JSON.stringify(template)}, { s: 'a'.repeat(200000) })`)(),
    );
    assert.equal(outcome.error?.code, 'limit_error', `${template}: ${JSON.stringify(outcome)}`);
    assert.match(outcome.error.message, /larger than \d+ bytes|work units/);
  }
  const widths = isolated((trellis) =>
    ["${{ 'x' | indent(1000000000) }}", "${{ 'x' | center(1000000000) }}"].map((t) => {
      try {
        return trellis.renderString(t, {});
      } catch (e) {
        return `${e.code}: ${e.message}`;
      }
    }),
  );
  assert.match(widths.result[0], /^evaluation_error: filter `indent`: the indentation is too wide/);
  assert.match(widths.result[1], /^evaluation_error: filter `center`: the width is too large/);
  // JavaScript's `"x" * 1e9` is NaN, not a repetition.
  const product = isolated((trellis) => trellis.renderString('${{ "x" * 1000000000 }}', {}));
  assert.equal(product.result, 'NaN');
});

test('catastrophic regular expressions run in linear time (literal, test, replace, split, schema pattern)', () => {
  const outcome = isolated((trellis) => {
    const context = { s: `${'a'.repeat(200_000)}!` };
    return [
      trellis.renderString('${{ r/(a+)+$/.test(s) }}', context),
      trellis.renderString('${{ s.replace(r/(a|aa)+$/, "x") | length }}', context),
      trellis.renderString('${{ s | replace(r/^(a|a?)+$/, "x") | length }}', context),
      trellis.renderString('${{ s.split(r/(a+)+b/) | length }}', context),
    ];
  });
  assert.deepEqual(outcome.result, ['false', '200001', '200001', '1']);
  const schema = isolated((trellis) => {
    const template = `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata: {name: regex}
spec:
  parameters:
    - properties:
        name: {type: string, pattern: '^(a+)+$'}
  steps: []
`;
    return trellis.validateParameters(template, { name: `${'a'.repeat(100_000)}!` }).errors.map((e) => e.keyword);
  });
  assert.deepEqual(schema.result, ['pattern']);
});

test('a skeleton listing of 100,000 entries is cut at the entry limit', () => {
  const outcome = isolated((trellis) => {
    const template = `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata: {name: wide}
spec:
  owner: group:default/team
  type: service
  steps:
    - id: fetch
      action: fetch:template
      input:
        url: ./skeleton
        values: {name: x}
`;
    let listed = 0;
    const names = Array.from({ length: 100_000 }, (_, i) => [`file${i}.txt`, 'file']);
    const reader = {
      kind: (p) => (p === 'skeleton' ? 'dir' : p.startsWith('skeleton/') ? 'file' : null),
      list: (p) => {
        listed += 1;
        return p === 'skeleton' ? names : [];
      },
      read: () => new TextEncoder().encode('${{ values.name }}\n'),
    };
    const started = Date.now();
    const result = trellis.checkFiles([{ path: 'template.yaml', source: template }], { format: 'json', skeletons: reader });
    return { diagnostics: result.diagnostics, listed, ms: Date.now() - started };
  });
  const limit = outcome.result.diagnostics.find((d) => d.rule === 'skeleton-syntax' && /only partly checked/.test(d.message));
  assert.ok(limit, JSON.stringify(outcome.result.diagnostics.slice(0, 3)));
  assert.match(limit.message, /more than 50000 files and directories/);
});

// ---------------------------------------------------------------------------------------------
// Parameter values (validateParameters). Before these bounds a 20 MB string with `format: regex`
// took 34 s and 1.3 GB, and a 100,000-value `enum` made a 789 KB error message.

const FORM = (property) => `${TEMPLATE_HEAD}  parameters:\n    - properties:\n        field: ${property}\n`;

test('values larger than a Backstage request (10 MB) are refused up front; a regex too long to check says so', () => {
  const huge = isolated(new Function(`return (trellis) => trellis.validateParameters(${JSON.stringify(FORM('{type: string, format: regex}'))}, { field: 'a'.repeat(20_000_000) })`)());
  assert.equal(huge.error.rule, 'invalid-values');
  assert.match(huge.error.message, /more than 10 MB of JSON; Backstage's scaffolder refuses a request that large/);
  const long = isolated(new Function(`return (trellis) => {
    const started = Date.now();
    const result = trellis.validateParameters(${JSON.stringify(FORM('{type: string, format: regex}'))}, { field: 'a'.repeat(5_000_000) });
    return { ...result, values: undefined, ms: Date.now() - started };
  }`)());
  assert.equal(long.result.valid, false);
  assert.equal(long.result.errors[0].message, 'field: is too long to check as a regex: 5000000 bytes, more than the 65536 Trellis checks `format: regex` on');
  assert.ok(long.result.ms < 10_000, `${long.result.ms} ms`);
});

test('an error about a 100,000-value enum lists 20 values and says how many were left out', () => {
  const outcome = isolated(new Function(`return (trellis) => {
    const values = Array.from({ length: 100_000 }, (_, i) => 'v' + i);
    const form = ${JSON.stringify(FORM('ENUM'))}.replace('ENUM', JSON.stringify({ enum: values }));
    return trellis.validateParameters(form, { field: 'nope' }).errors;
  }`)());
  const [error] = outcome.result;
  assert.equal(error.keyword, 'enum');
  assert.match(error.message, /^field: must be one of: v0, v1, .*, v19 … and 99980 more$/);
  assert.ok(error.message.length < 300, `${error.message.length} characters`);
});

test('values nested far deeper than the core reads are a clear TypeError, not a stack overflow', () => {
  // JSON.stringify recurses per level; 200,000 levels exhaust V8's stack in the wrapper.
  const deep = (trellis) => {
    let value = {};
    for (let i = 0; i < 200_000; i++) value = { a: value };
    const errors = [];
    for (const call of [
      () => trellis.renderString('${{ a }}', value),
      () => trellis.renderInput({ x: '${{ a }}' }, { a: 1 }, undefined) && trellis.renderInput(value, {}),
      () => trellis.validateParameters('spec: {parameters: {properties: {}}}', value),
    ]) {
      try {
        call();
        errors.push(null);
      } catch (e) {
        errors.push({ type: e.constructor.name, message: e.message });
      }
    }
    return errors;
  };
  const outcome = isolated(deep);
  for (const error of outcome.result) {
    assert.equal(error?.type, 'TypeError', JSON.stringify(error));
    assert.match(error.message, /nests too deeply to be converted to JSON \(the core reads at most 128 levels\)/);
  }
});
