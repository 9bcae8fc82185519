'use strict';
// Differential ("parity") test: Trellis' parameter verdicts must equal Backstage's.
//
// Backstage side = the real code Backstage 4.3.0 runs for POST /v2/tasks: `resolveParameterSteps`
// from @backstage/plugin-scaffolder-common/alpha (page visibility + hidden-value stripping) and
// npm `jsonschema` on each visible page with the whole values object, and on `spec.secrets.schema`.
// Unlike Backstage (which stops at the first failing page) every visible page is judged, and the
// verdicts are compared page by page with Trellis' `validateParameters` (dist/index.js).
//
// Cases: hand-written templates pinning npm-jsonschema quirks, then every Template document of
// the shared corpus (read in place; TRELLIS_CORPUS overrides its location) with generated example
// values and broken variants (see support/parity-cases.cjs), plus a derived `when:` variant of
// each multi-page corpus template. Run: `node --test plugin-wrapper/test/parity.test.cjs`.
//
// Asserted at 100%: the corpus and the hand-written templates, including the simple `when`
// conditions (SIMPLE_WHEN: values of the declared types) and the engine-dependent ones (the when
// matrix and hand-written cases feeding a `when` an odd-typed value: JavaScript semantics inside
// expressions, evaluated by Trellis' engine as scaffolder-common's Nunjitsu renderer does).
// Reported with counts:
// - deliberate deviations: malformed pages Trellis rejects (`invalid-page-schema` with a line and
//   column, asserted) while npm jsonschema reads them leniently (Backstage's verdict printed);
//   the same cases with `compat: 'backstage'` are compared with Backstage and asserted (every
//   lenient reading carries a warning), but for a listed one.

const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const jsonschema = require('jsonschema');

const { corpusDir, loadCorpusTemplates, templateFromText, deriveWhenVariant } = require('./support/parity-corpus.cjs');
const { parameterCases, exampleValues, generate, oddlyTypedWhenDrivers } = require('./support/parity-cases.cjs');
const {
  loadTrellis, runCase, compareCase, backstageThrows, backstageVerdict, makeTally, mergeTally, summaryLine,
  disagreementReport, allAgree, trellisReason,
} = require('./support/parity-oracle.cjs');

/** `if` conditions while generating examples are decided by the real jsonschema. */
function ifEvaluator(value, ifSchema) {
  try {
    return jsonschema.validate(value, ifSchema).valid;
  } catch {
    return false;
  }
}

/** Generated cases of one template: parameter cases, plus secrets `{}` and an example. */
function generatedCases(entity) {
  const pages = [entity.spec?.parameters ?? []].flat();
  const cases = parameterCases(pages, ifEvaluator).map(([name, values]) => ({ name, values }));
  const secretsSchema = entity.spec?.secrets?.schema;
  if (secretsSchema && typeof secretsSchema === 'object') {
    const values = exampleValues(pages, ifEvaluator);
    cases.push({ name: 'secrets: {}', values, secrets: {} });
    const example = generate(secretsSchema, secretsSchema, 0, ifEvaluator);
    cases.push({ name: 'secrets: example', values, secrets: example && typeof example === 'object' ? example : {} });
  }
  return cases;
}

// ---------------------------------------------------------------------------------------------
// Hand-written templates: each pins an npm-jsonschema / Backstage behaviour. Every one runs its
// listed values *and* the generated cases.

const HEAD = (name) => `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: ${name}
spec:
  type: service
  steps: []
`;

/** `{field: [candidates]}` → one case per candidate, `{[field]: candidate}`. */
function each(fields) {
  return Object.entries(fields).flatMap(([field, candidates]) =>
    candidates.map((value) => ({ name: `${field}=${JSON.stringify(value)}`, values: { [field]: value } })),
  );
}

const HAND_WRITTEN = [
  {
    id: 'hand:formats',
    text: `${HEAD('formats')}  parameters:
    - title: Formats
      properties:
        email: { type: string, format: email }
        uri: { type: string, format: uri }
        date: { type: string, format: date }
        dateTime: { type: string, format: date-time }
        time: { type: string, format: time }
        hostname: { type: string, format: hostname }
        ipv4: { type: string, format: ipv4 }
        ipv6: { type: string, format: ipv6 }
        uuid: { type: string, format: uuid }
        regex: { type: string, format: regex }
        custom: { type: string, format: my-own-format }
        untyped: { format: email }
`,
    cases: each({
      email: ['user@example.com', 'user+tag@example.co.uk', 'a@b', 'user@', 'not an email', 'a b@c.de', '@example.com', 'user@localhost'],
      uri: ['https://example.com/x?y=1#z', 'example.com', 'mailto:a@b.c', 'urn:isbn:0451450523', '/relative/path', 'http://', 'https://exa mple.com', 'git@github.com:o/r.git'],
      date: ['2024-02-29', '2023-02-29', '2024-13-01', '2024-1-01', '20240101', '2024-04-31'],
      dateTime: ['2024-01-01T00:00:00Z', '2024-01-01T00:00:00.123+02:00', '2024-01-01t00:00:00z', '2024-01-01T00:00:00', '2024-01-01 00:00:00Z', '2024-01-01T24:00:00Z'],
      time: ['12:00:00Z', '12:00:00', '12:00', '25:00:00Z'],
      hostname: ['example.com', 'localhost', 'a_b.example.com', '-a.example.com', `${'x'.repeat(64)}.com`, 'exa mple.com'],
      ipv4: ['192.0.2.1', '256.0.0.1', '01.2.3.4', '1.2.3'],
      ipv6: ['2001:db8::1', '::1', '2001:::1', '1.2.3.4'],
      uuid: ['123e4567-e89b-12d3-a456-426614174000', '123E4567-E89B-12D3-A456-426614174000', '123e4567e89b12d3a456426614174000'],
      regex: ['^a+$', '(unclosed', '[a-'],
      custom: ['anything at all'],
      untyped: [5, 'not an email', 'user@example.com'],
    }),
  },
  {
    id: 'hand:every-npm-format',
    // npm jsonschema's own regexps: unanchored `duration`/`style`/`uri-template`, month 00 and
    // day 31 in any month for `date`, hour 24 and second 60, whitespace-tolerant `ipv6`,
    // `regex` compiled without the u flag, aliases `regexp`/`pattern`/`ip-address`/`host-name`.
    text: `${HEAD('everyformat')}  parameters:
    - title: Every format npm jsonschema knows
      properties:
${['date-time', 'date', 'time', 'duration', 'email', 'idn-email', 'ip-address', 'ipv4', 'ipv6', 'uri',
  'uri-reference', 'iri', 'iri-reference', 'uuid', 'uri-template', 'json-pointer', 'relative-json-pointer',
  'hostname', 'host-name', 'utc-millisec', 'regex', 'regexp', 'pattern', 'style', 'color', 'phone', 'alpha',
  'alphanumeric'].map((f) => `        f_${f.replace(/-/g, '_')}: { type: string, format: ${f} }`).join('\n')}
`,
    cases: each({
      'f_date_time': ['2024-00-31T24:00:60Z', '2024-02-31T23:59:60.5-00:60', '2024-01-01T00:00:00+0100', '2024-01-01T00:00:00.Z'],
      'f_date': ['2024-00-00', '2024-00-01', '2024-02-31', '0000-12-31', '12024-01-01'],
      'f_time': ['24:00:60', '23:59:59Z', '23:59:59.5', '7:00:00'],
      'f_duration': ['P1D', 'PT', 'xxP1Dxx', 'P1Y2M3DT4H5M6S', '1D', 'P1W'],
      'f_email': ['a.b@c.d', 'a..b@c.d', '.a@c.d', 'a@[192.168.0.1]', 'a@b-.cd', 'j\u00f6rg@example.com', 'a@b.c-'],
      'f_idn_email': ['j\u00f6rg@b\u00fccher.de', '"quoted"@example.com', 'no-at-sign'],
      'f_ip_address': ['0.0.0.0', '255.255.255.255', '1.2.3.04', '1.2.3.4 '],
      'f_ipv4': ['10.0.0.1', '10.0.0'],
      'f_ipv6': [' ::1 ', 'fe80::1%eth0', '1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8:9', '::ffff:1.2.3.4'],
      'f_uri': ['a:b', 'A1+.-:', '1http://x', 'http://a b', 'http://\u00e9.com'],
      'f_uri_reference': ['', '#frag', '../a/b?c', 'a b', '%zz', 'http://x/\u00e9'],
      'f_iri': ['http://\u00e9.com', 'no-scheme'],
      'f_iri_reference': ['\u00e9/\u00e8', 'a b'],
      'f_uuid': ['00000000-0000-0000-0000-000000000000', 'g0000000-0000-0000-0000-000000000000'],
      'f_uri_template': ['http://x/{id}', '{unclosed', '}', 'a b'],
      'f_json_pointer': ['', '/a/b', '/a~2', 'a', '/~1/~0'],
      'f_relative_json_pointer': ['0', '1/a', '0#', '-1', 'a'],
      'f_hostname': ['a.', 'a..b', `${'a'.repeat(63)}.com`, `${'a'.repeat(64)}`, '1.2.3.4', 'xn--bcher-kva.de', '\u00e9.com'],
      'f_host_name': ['ok.example', 'not ok'],
      'f_utc_millisec': ['123', '1.5', 'abc', '', '1e3', ' 12 '],
      'f_regex': ['^a\\-b$', '(?<n>x)', '(', '[z-a]', '\\p{L}'],
      'f_regexp': ['(', 'a'],
      'f_pattern': ['(', 'a'],
      'f_style': ['color: red', 'nocolon', ''],
      'f_color': ['#fff', '#ffff', 'RED', 'rgb(1, 2, 3)', 'rgb(100%,0%,0%)', '#abcdef'],
      'f_phone': ['+1 555 123 4567', '+12345', '5551234567', '+1234567'],
      'f_alpha': ['abc', 'ab1', '', '\u00e9'],
      'f_alphanumeric': ['ab1', 'ab_1', ''],
    }),
  },
  {
    id: 'hand:when-expressions',
    // Visibility: expression syntaxes, wrapped and unwrapped, render errors (→ visible),
    // non-string/boolean `when` (→ visible), and conditions reading values a hidden page owns.
    // JS methods on values (`.startsWith()`…) are in the engine-dependent when matrix.
    text: `${HEAD('whenexpr')}  parameters:
    - title: Drivers
      properties:
        flag: { type: boolean }
        kind: { type: string }
        count: { type: number }
        list: { type: array, items: { type: string } }
        obj: { type: object, properties: { inner: { type: string } } }
    - title: not flag
      when: not parameters.flag
      properties: { notFlag: { type: string } }
    - title: equals true
      when: parameters.flag == true
      properties: { eqTrue: { type: string } }
    - title: and/or
      when: (parameters.flag and parameters.kind === 'a') or parameters.count > 2
      properties: { andOr: { type: string } }
    - title: in list
      when: parameters.kind in ['a', 'b']
      properties: { inList: { type: string } }
    - title: length filter
      when: parameters.list | length > 1
      properties: { lengthFilter: { type: string } }
    - title: nested member
      when: parameters.obj.inner === 'x'
      properties: { nestedMember: { type: string } }
    - title: deep member of missing
      when: parameters.missing.deeper.still
      properties: { deepMissing: { type: string } }
    - title: text around the expression
      when: '\${{ parameters.flag }} and more'
      properties: { textAround: { type: string } }
    - title: wrapped false with spaces
      when: '   \${{ false }}   '
      properties: { wrappedFalse: { type: string } }
    - title: string false
      when: 'false'
      properties: { stringFalse: { type: string } }
    - title: number when
      when: 0
      properties: { numberWhen: { type: string } }
    - title: null when
      when: null
      properties: { nullWhen: { type: string } }
    - title: list when
      when: [a]
      properties: { listWhen: { type: string } }
    - title: reads a value only the hidden page owns
      when: parameters.wrappedFalse === 'w'
      properties: { readsHidden: { type: string } }
    - title: ternary
      when: "'yes' if parameters.count else ''"
      properties: { ternary: { type: string } }
    - title: syntax error
      when: parameters.kind ===
      properties: { syntaxError: { type: string } }
    - title: template tag
      when: '{% if parameters.flag %}x{% endif %}'
      properties: { templateTag: { type: string } }
`,
    cases: (() => {
      const all = {
        notFlag: 'n', eqTrue: 'e', andOr: 'ao', inList: 'il', lengthFilter: 'lf', nestedMember: 'nm', deepMissing: 'dm',
        textAround: 'ta', wrappedFalse: 'w', stringFalse: 'sf', numberWhen: 'nw', nullWhen: 'nu', listWhen: 'lw',
        readsHidden: 'rh', ternary: 't', syntaxError: 'se', templateTag: 'tt',
      };
      // The odd-typed drivers (`flag: 'false'`, `flag: 0`, `flag: []`, `kind: 5`) land in the
      // engine-dependent set (see `oddlyTypedWhenDrivers`), the others are asserted.
      const drivers = [
        {}, { flag: true }, { flag: false }, { flag: 'false' }, { flag: 0 }, { flag: [] }, { flag: true, kind: 'a' },
        { kind: 'b' }, { kind: 'c', count: 3 }, { count: 0 }, { list: ['a'] }, { list: ['a', 'b'] },
        { obj: { inner: 'x' } }, { obj: {} }, { kind: 5 }, { kind: 'a', count: 3, list: [], obj: { inner: 'y' } },
      ];
      return drivers.map((d) => ({ name: `drivers ${JSON.stringify(d)}`, values: { ...all, ...d } }));
    })(),
  },
  {
    id: 'hand:object-form-with-when',
    // `[spec.parameters].flat()` makes the object form one page, and its `when` still applies.
    text: `${HEAD('objectwhen')}  parameters:
    title: Only page
    when: parameters.show === true
    required: [name]
    properties:
      name: { type: string }
      show: { type: boolean }
`,
    cases: [
      { name: 'hidden', values: { show: false, extra: 1 } },
      { name: 'hidden with name', values: { name: 'x', extra: 1 } },
      { name: 'shown without name', values: { show: true } },
      { name: 'shown', values: { show: true, name: 'x' } },
    ],
  },
  {
    id: 'hand:stripping-edge-cases',
    // Hidden-value stripping: non-local $ref on a visible page keeps everything, a circular $ref
    // on a hidden page is skipped, a hidden page's root additionalProperties is ignored, tuple
    // items, oneOf/if/then branches, nested objects owned by both pages.
    text: `${HEAD('stripping')}  parameters:
    - title: Switch
      properties:
        mode: { type: string, enum: [a, b, c] }
        both: { type: object, properties: { v: { type: string } } }
    - title: Hidden unless b
      when: parameters.mode === 'b'
      additionalProperties: true
      properties:
        onlyB: { type: string }
        both: { type: object, properties: { h: { type: string } } }
        tuple:
          type: array
          items: [{ type: object, properties: { t0: { type: string } } }, { type: string }]
          additionalItems: { type: object, properties: { rest: { type: string } } }
        branchy:
          type: object
          oneOf:
            - properties: { o1: { type: string } }
            - properties: { o2: { type: string } }
          if: { properties: { o1: { const: x } } }
          then: { properties: { th: { type: string } } }
          else: { properties: { el: { type: string } } }
          dependencies:
            o1: { properties: { dep: { type: string } } }
    - title: Hidden circular
      when: parameters.mode === 'z'
      properties:
        circ: { $ref: '#' }
`,
    cases: ['a', 'b', 'c'].map((mode) => ({
      name: `mode=${mode}`,
      values: {
        mode, onlyB: 'x', unknown: 'u', circ: { circ: { x: 1 } },
        both: { v: 'v', h: 'h', other: 'o' },
        tuple: [{ t0: 'a', x: 1 }, 'two', { rest: 'r', y: 2 }, 'four'],
        branchy: { o1: 'x', o2: 'y', th: 't', el: 'e', dep: 'd', zz: 'z' },
      },
    })),
  },
  {
    id: 'hand:stripping-external-ref',
    // jsonschema throws on a non-local $ref only when it validates the page (visible), so for
    // Backstage a hidden one is harmless; Trellis rejects the template whatever the values.
    deviation: "external $ref on a hidden page ($ref: 'https://…')",
    text: `${HEAD('externalref')}  parameters:
    - title: Switch
      properties:
        mode: { type: string }
    - title: Hidden unless b
      when: parameters.mode === 'b'
      properties:
        onlyB: { type: string }
    - title: External ref, hidden when c
      when: parameters.mode !== 'c'
      properties:
        ext: { $ref: 'https://example.com/schema.json' }
`,
    cases: ['a', 'b', 'c'].map((mode) => ({ name: `mode=${mode}`, values: { mode, onlyB: 'x', other: 1 } })),
  },
  {
    id: 'hand:yaml-scalars',
    // Trellis reads the YAML itself; Backstage's catalog uses the `yaml` package (YAML 1.2 core
    // schema, merge keys off: `<<` is a plain key, an unknown keyword jsonschema ignores).
    text: `${HEAD('yamlscalars')}  parameters:
    - title: YAML scalars
      properties:
        scalar:
          enum: [yes, no, on, off, y, n, ~, Null, NULL, True, TRUE, FALSE, 0o17, 017, 0x1F, 1e3, 1_000,
                 2001-12-14, '123', !!str 456, 12345678901234567890, +12, 0., .5, 1.0, 0b101, 08, 1:20, =,
                 !!int "7", !!float 3, !!bool yes, "tab\\there", 'single ''quoted''']
        folded:
          const: >-
            folded
            text
        anchored: &base { type: string, minLength: 2 }
        aliased: *base
        merged: { <<: *base, maxLength: 3 }
        block: |
          not a schema
`,
    cases: each({
      scalar: [true, false, null, 'yes', 'on', 'y', 'Null', '~', 'True', 15, '0o17', 17, '017', 31, '0x1F', 1000, '1e3',
        '1_000', '2001-12-14', '123', 123, '456', 456, 12345678901234567000, 12, '+12', 0, '0.', 0.5, '.5', 1, '1.0',
        '0b101', 5, 8, '08', '1:20', 80, '=', 7, '7', 3, '3', 'tab\there', "single 'quoted'"],
      folded: ['folded text', 'folded\ntext'],
      anchored: ['a', 'ab'],
      aliased: ['a', 'ab', 5],
      merged: ['a', 'abc', 'abcd', 5],
    }),
  },
  {
    id: 'hand:special-keys',
    // Property names with JSON-pointer and dotted-path characters, non-ASCII and empty names,
    // through required/properties and hidden-value stripping.
    text: `${HEAD('specialkeys')}  parameters:
    - title: Keys
      required: ['a/b', 'c~d', 'é', 'dot.key', '']
      properties:
        'a/b': { type: string }
        'c~d': { type: string }
        'é': { type: string, maxLength: 1 }
        'dot.key': { type: object, properties: { 'x y': { type: string } } }
        '': { type: string }
    - title: Hidden keys
      when: parameters['a/b'] === 'show'
      properties:
        'only/hidden': { type: string }
        '~0': { type: string }
        'dot.key': { type: object, properties: { 'h~1': { type: string } } }
`,
    cases: ['x', 'show'].map((ab) => ({
      name: `a/b=${ab}`,
      values: { 'a/b': ab, 'c~d': 'c', 'é': 'é', 'dot.key': { 'x y': 'x', 'h~1': 'h', z: 1 }, '': 'empty', 'only/hidden': 'o', '~0': 't' },
    })),
  },
  {
    id: 'hand:draft3-required-true',
    text: `${HEAD('draft3')}  parameters:
    - title: Draft 3 required
      properties:
        name: { type: string, required: true }
        other: { type: string }
        nested:
          type: object
          properties:
            inner: { type: string, required: true }
`,
    cases: [
      { name: 'missing', values: {} },
      { name: 'present', values: { name: 'x' } },
      { name: 'null', values: { name: null } },
      { name: 'other only', values: { other: 'y' } },
      { name: 'nested missing', values: { name: 'x', nested: {} } },
      { name: 'nested present', values: { name: 'x', nested: { inner: 'y' } } },
    ],
  },
  {
    id: 'hand:numbers',
    text: `${HEAD('numbers')}  parameters:
    - title: Numbers
      properties:
        exMinBool: { type: number, minimum: 5, exclusiveMinimum: true }
        exMaxBool: { type: number, maximum: 5, exclusiveMaximum: true }
        exMinNum: { type: integer, exclusiveMinimum: 5 }
        exMaxNum: { type: number, exclusiveMaximum: 5 }
        cents: { type: number, multipleOf: 0.01 }
        int: { type: integer }
        num: { type: number }
`,
    cases: each({
      exMinBool: [5, 5.0001, 6, 4],
      exMaxBool: [5, 4.9, 6],
      exMinNum: [5, 6, 5.5],
      exMaxNum: [5, 4.999],
      cents: [0.07, 0.075, 1.1, 19.99, 0.1 + 0.2],
      int: [1, 1.5, -0, 1e20, 2 ** 53 + 2, '1'],
      num: [1.5, 'NaN', '1', true],
    }),
  },
  {
    id: 'hand:types',
    text: `${HEAD('types')}  parameters:
    - title: Types
      properties:
        text: { type: text }
        nullableString: { type: [string, 'null'] }
        unknownOrNumber: { type: [text, number] }
        str: { type: string }
        obj: { type: object }
        arr: { type: array }
        bool: { type: boolean }
        nul: { type: 'null' }
        any: { type: any }
`,
    cases: each({
      text: [5, 'x', null, true, {}],
      nullableString: [null, 'x', 5],
      unknownOrNumber: [true, 'x', 5],
      str: ['', 5, null],
      obj: [{}, [], null],
      arr: [[], {}, 'x'],
      bool: [false, 'true', 0],
      nul: [null, 0, ''],
      any: [null, 1, 'x'],
    }),
  },
  {
    id: 'hand:refs',
    text: `${HEAD('refs')}  parameters:
    - title: Refs
      definitions:
        name: { type: string, pattern: '^[a-z][a-z0-9-]*$', maxLength: 10 }
        owner:
          type: object
          required: [kind]
          properties:
            kind: { enum: [Group, User] }
        node:
          type: object
          properties:
            label: { type: string }
            child: { $ref: '#/definitions/node' }
      required: [name]
      properties:
        name: { $ref: '#/definitions/name' }
        owner: { $ref: '#/definitions/owner' }
        sibling: { $ref: '#/definitions/name', type: number }
        tree: { $ref: '#/definitions/node' }
    - title: Hidden refs
      when: parameters.name === 'show-hidden'
      definitions:
        secretThing: { type: object, properties: { keep: { type: string } } }
      properties:
        hiddenRef: { $ref: '#/definitions/secretThing' }
`,
    cases: [
      { name: 'ok', values: { name: 'ok' } },
      { name: 'bad pattern', values: { name: 'Bad' } },
      { name: 'too long', values: { name: 'verylongname1' } },
      { name: 'owner ok', values: { name: 'ok', owner: { kind: 'Group' } } },
      { name: 'owner bad enum', values: { name: 'ok', owner: { kind: 'X' } } },
      { name: 'owner missing kind', values: { name: 'ok', owner: {} } },
      { name: 'sibling string', values: { name: 'ok', sibling: 'abc' } },
      { name: 'sibling number', values: { name: 'ok', sibling: 5 } },
      { name: 'recursive ok', values: { name: 'ok', tree: { label: 'a', child: { label: 'b', child: {} } } } },
      { name: 'recursive bad', values: { name: 'ok', tree: { child: { child: { label: 5 } } } } },
      { name: 'hidden ref stripped', values: { name: 'ok', hiddenRef: { keep: 'x', other: 1 } } },
      { name: 'hidden ref shown', values: { name: 'show-hidden', hiddenRef: { keep: 'x', other: 1 } } },
    ],
  },
  {
    id: 'hand:if-then-else',
    text: `${HEAD('ifthenelse')}  parameters:
    - title: Conditional
      properties:
        kind: { enum: [library, service] }
        port: { type: integer }
      if:
        properties:
          kind: { const: service }
      then:
        required: [port]
      else:
        not:
          required: [port]
`,
    cases: [
      { name: 'service without port', values: { kind: 'service' } },
      { name: 'service with port', values: { kind: 'service', port: 80 } },
      { name: 'library', values: { kind: 'library' } },
      { name: 'library with port', values: { kind: 'library', port: 80 } },
      { name: 'nothing', values: {} },
    ],
  },
  {
    id: 'hand:dependencies',
    text: `${HEAD('dependencies')}  parameters:
    - title: Dependencies
      properties:
        useDb: { type: boolean, title: Use a database }
        dbName: { type: string }
        cc: { type: string }
        billing: { type: string }
      dependencies:
        cc: [billing]
        useDb:
          oneOf:
            - properties:
                useDb: { const: true }
                dbName: { minLength: 1 }
              required: [dbName]
            - properties:
                useDb: { const: false }
    - title: Second page sees everything
      properties:
        dbName: { type: string, maxLength: 5 }
`,
    cases: [
      { name: 'db without name', values: { useDb: true } },
      { name: 'db with name', values: { useDb: true, dbName: 'orders' } },
      { name: 'db with empty name', values: { useDb: true, dbName: '' } },
      { name: 'no db', values: { useDb: false } },
      { name: 'no db with name', values: { useDb: false, dbName: 'x' } },
      { name: 'cc without billing', values: { cc: 'x' } },
      { name: 'cc with billing', values: { cc: 'x', billing: 'y' } },
    ],
  },
  {
    id: 'hand:when-and-stripping',
    text: `${HEAD('when')}  parameters:
    - title: Kind
      required: [kind]
      properties:
        kind: { type: string, enum: [library, service, website, open] }
        flags: { type: array, items: { type: string } }
        shared: { type: object, properties: { a: { type: string } } }
    - title: Service
      when: parameters.kind === 'service'
      required: [port]
      properties:
        port: { type: integer, minimum: 1 }
        shared: { type: object, properties: { b: { type: string } } }
        svcOnly: { type: object, properties: { deep: { type: string } } }
    - title: Website
      when: "\${{ parameters.kind == 'website' }}"
      properties:
        domain: { type: string, format: hostname }
    - title: Never
      when: false
      required: [never]
      properties:
        never: { type: string }
    - title: Always
      when: true
      properties:
        always: { type: string }
    - title: Flags
      when: parameters.flags
      properties:
        flagNote: { type: string }
    - title: Broken expression shows the page
      when: parameters.kind | nosuchfilter
      properties:
        broken: { type: string }
    - title: Open
      when: parameters.kind === 'open'
      additionalProperties: true
      properties:
        openField: { type: string }
    - title: Empty when
      when: '   '
      properties:
        blank: { type: string }
    - title: Items
      when: parameters.kind === 'service'
      properties:
        list:
          type: array
          items:
            type: object
            properties:
              name: { type: string }
`,
    cases: ['library', 'service', 'website', 'open', 'other'].flatMap((kind) => [
      {
        name: `kind=${kind} everything`,
        values: {
          kind, port: kind === 'service' ? 8080 : 'x', domain: 'example.com', never: 'z', always: 'a',
          flags: [], flagNote: 'n', broken: 'b', openField: 'o', blank: 'bl', extra: 1,
          shared: { a: 'a', b: 'b', c: 'c' }, svcOnly: { deep: 'd', other: 'o' },
          list: [{ name: 'n', extra: 1 }, 'plain'],
        },
      },
      { name: `kind=${kind} flags on`, values: { kind, flags: ['x'], flagNote: 'n' } },
      { name: `kind=${kind} minimal`, values: { kind } },
    ]),
  },
  {
    id: 'hand:additional-properties-false',
    text: `${HEAD('strict')}  parameters:
    - title: Strict page
      additionalProperties: false
      properties:
        a: { type: string }
    - title: Other page
      properties:
        b: { type: string }
`,
    cases: [
      { name: 'own field', values: { a: 'x' } },
      { name: 'other page field', values: { a: 'x', b: 'y' } },
    ],
  },
  {
    id: 'hand:patterns-and-lengths',
    text: `${HEAD('patterns')}  parameters:
    - title: Patterns
      properties:
        dash: { type: string, pattern: '^a\\-b$' }
        astral: { type: string, pattern: '^.$' }
        unanchored: { type: string, pattern: 'abc' }
        word: { type: string, pattern: '^\\w+$' }
        digits: { type: string, pattern: '^\\d{3}$' }
        len: { type: string, minLength: 2, maxLength: 2 }
`,
    cases: each({
      dash: ['a-b', 'a\\-b', 'ab'],
      astral: ['\u{1F600}', 'ab', '\u00e9', 'e\u0301'],
      unanchored: ['xxabcxx', 'ab'],
      word: ['a_1', '\u00e9', ''],
      digits: ['123', '\u0661\u0662\u0663', '1234'],
      len: ['\u{1F600}\u{1F600}', '\u{1F600}', '\u00e9', 'ab', 'abc'],
    }),
  },
  {
    id: 'hand:enum-const-arrays',
    text: `${HEAD('enums')}  parameters:
    - title: Enums
      properties:
        mixed: { enum: [{ a: 1 }, [1, 2], x, 1, null] }
        num: { enum: [1, 2] }
        cst: { const: { a: [1] } }
        uniq: { type: array, uniqueItems: true, items: { type: object } }
        tags:
          type: array
          minItems: 1
          maxItems: 2
          items: { type: string, enum: [a, b, c] }
        tuple:
          type: array
          items: [{ type: string }, { type: number }]
          additionalItems: false
`,
    cases: each({
      mixed: [{ a: 1 }, { a: 1, b: 2 }, [1, 2], [2, 1], 1, 'x', null, 'y'],
      num: [1, '1', 3],
      cst: [{ a: [1] }, { a: [1, 2] }, { a: ['1'] }],
      uniq: [[{ a: 1 }, { a: 1 }], [{ a: 1 }, { a: 2 }], [{ a: 1, b: 2 }, { b: 2, a: 1 }]],
      tags: [[], ['a', 'b', 'c'], ['d'], ['a']],
      tuple: [['x', 1], ['x', 'y'], ['x', 1, 'extra'], ['x']],
    }),
  },
  {
    id: 'hand:combinators',
    text: `${HEAD('combinators')}  parameters:
    - title: Combinators
      properties:
        one: { oneOf: [{ type: string }, { type: string, maxLength: 3 }] }
        any: { anyOf: [{ type: integer }, { type: string }] }
        all: { allOf: [{ type: string }, { minLength: 2 }] }
        neg: { not: { type: string } }
`,
    cases: each({
      one: ['abcd', 'ab', 5],
      any: [1, 'x', 1.5],
      all: ['ab', 'a', 5],
      neg: [5, 'x'],
    }),
  },
  {
    id: 'hand:secrets-and-object-form',
    text: `${HEAD('secrets')}  secrets:
    schema:
      type: object
      required: [token]
      properties:
        token: { type: string, minLength: 8, pattern: '^ghp_' }
  parameters:
    title: Object form (one page)
    required: [name]
    properties:
      name: { type: string }
`,
    cases: [
      { name: 'secrets {}', values: { name: 'x' }, secrets: {} },
      { name: 'secrets good', values: { name: 'x' }, secrets: { token: 'ghp_12345678' } },
      { name: 'secrets short', values: { name: 'x' }, secrets: { token: 'ghp_1' } },
      { name: 'secrets wrong prefix', values: { name: 'x' }, secrets: { token: 'abcdefghijkl' } },
      { name: 'secrets wrong type', values: { name: 'x' }, secrets: { token: 12345678 } },
      { name: 'bad values good secrets', values: {}, secrets: { token: 'ghp_12345678' } },
    ],
  },
  {
    id: 'hand:no-parameters',
    text: HEAD('noparams'),
    cases: [
      { name: 'empty', values: {} },
      { name: 'anything', values: { a: 1, b: { c: [1] } } },
    ],
  },
  {
    id: 'hand:schema-error-on-hidden-page',
    // jsonschema never reads a hidden page; Trellis rejects the null schema whatever the values.
    deviation: 'null property schema on a hidden page (b: null)',
    text: `${HEAD('hiddenbad')}  parameters:
    - title: Fine
      properties:
        a: { type: string }
    - title: Broken but hidden
      when: parameters.a === 'show'
      properties:
        b:
`,
    cases: [{ name: 'hidden', values: { a: 'x' } }, { name: 'shown', values: { a: 'show' } }],
  },
];

/**
 * One template per npm-jsonschema keyword quirk (so a template Trellis rejects hides nothing
 * else): keyword values taken as JavaScript does (strings/null compared with < and >=),
 * draft-3 `divisibleBy`/`extends`, string `dependencies`, `type: date|any`, schemas inside
 * `type`, boolean schemas, draft-6/7 object/array keywords, and schema errors jsonschema only
 * throws when a value reaches them.
 *
 * `deviation` (see `deviation()`) marks a malformed page Trellis deliberately rejects while npm
 * jsonschema reads it leniently.
 */
function quirk(name, property, values, pageExtra = '', deviationKind = undefined) {
  return {
    id: `hand:quirk:${name}`,
    ...(deviationKind ? { deviation: deviationKind } : {}),
    text: `${HEAD(name.replace(/[^a-z0-9]+/gi, '-').toLowerCase())}  parameters:
    - title: ${name}
${pageExtra}      properties:
        q: ${property}
`,
    cases: values.map((value) => (value === undefined
      ? { name: 'q absent', values: {} }
      : { name: `q=${JSON.stringify(value)}`, values: { q: value } })),
  };
}

/**
 * A deliberate deviation: a malformed page (keyword of the wrong type, impossible value, schema
 * that is not a schema) that npm jsonschema reads leniently (compares '5' with >=, skips what it
 * cannot use, never reads a hidden page) and Trellis refuses with `invalid-page-schema` at the
 * keyword, because Backstage would misread the form. Asserted: Trellis throws that error with a
 * line and column for every case; counted and printed with Backstage's verdict, never compared.
 */
function deviation(name, property, values, kind, pageExtra = '') {
  return quirk(name, property, values, pageExtra, kind);
}

HAND_WRITTEN.push(
  deviation('minimum as string', "{ type: number, minimum: '5' }", [4, 5, '4'], "minimum: '5'"),
  deviation('minimum null', '{ type: number, minimum: null }', [-1, 0], 'minimum: null'),
  deviation('maxLength as string', "{ type: string, maxLength: '3' }", ['abc', 'abcd'], "maxLength: '3'"),
  deviation('minLength fraction', '{ type: string, minLength: 1.5 }', ['a', 'ab'], 'minLength: 1.5'),
  deviation('maxItems as string', "{ type: array, maxItems: '1' }", [[1], [1, 2]], "maxItems: '1'"),
  quirk('divisibleBy (draft 3)', '{ type: number, divisibleBy: 3 }', [9, 10, 1.5]),
  deviation('multipleOf zero', '{ type: number, multipleOf: 0 }', [undefined, 1, 'x'], 'multipleOf: 0'),
  quirk('extends (draft 3)', '{ type: object, extends: { required: [inner] } }', [{}, { inner: 1 }]),
  quirk('type date', '{ type: date }', ['2024-01-01', 1, {}]),
  quirk('type any', '{ type: any }', [null, [], 'x']),
  quirk('schema inside type', '{ type: [{ type: string, minLength: 2 }, integer] }', ['a', 'ab', 1, 1.5, null]),
  quirk('false schema', 'false', [undefined, null, 1]),
  quirk('true schema', 'true', [undefined, null, 1]),
  quirk('patternProperties and additionalProperties schema',
    "{ type: object, patternProperties: { '^x-': { type: string } }, additionalProperties: { type: number } }",
    [{ 'x-a': 'ok', n: 1 }, { 'x-a': 1 }, { n: 'str' }]),
  quirk('propertyNames and min/maxProperties',
    "{ type: object, propertyNames: { pattern: '^[a-z]+$' }, minProperties: 1, maxProperties: 2 }",
    [{}, { abc: 1 }, { Abc: 1 }, { a: 1, b: 2, c: 3 }]),
  quirk('contains', '{ type: array, contains: { const: needle } }', [[], ['needle'], ['hay', 'needle'], ['hay']]),
  quirk('exclusiveMinimum false', '{ type: number, minimum: 5, exclusiveMinimum: false }', [5, 4]),
  quirk('if without else', '{ if: { type: string }, then: { minLength: 3 } }', ['ab', 'abc', 5]),
  quirk('const null', '{ const: null }', [undefined, null, 0]),
  quirk('enum with duplicates and objects', '{ enum: [a, a, { x: 1, y: 2 }] }', ['a', { y: 2, x: 1 }, { x: 1 }]),
  quirk('uniqueItems numbers and strings', '{ type: array, uniqueItems: true }', [[1, '1'], [1, 1], [[1], [1]], [null, null]]),
  quirk('required on a non-object', '{ type: [string, object], required: [x] }', ['str', {}, { x: null }]),
  quirk('format on non-strings', '{ format: date }', [5, true, null, '2024-01-01', 'x']),
  quirk('unknown format', '{ type: string, format: semver }', ['1.0.0', 'x']),
  quirk('pattern with slashes', "{ type: string, pattern: '/^abc$/' }", ['abc', '/abc/']),
  // jsonschema compiles `pattern` only when a string reaches it (then throws); Trellis checks the regex up front.
  deviation('pattern invalid even without u', "{ type: string, pattern: '(' }", [undefined, 5, 'x'], "pattern: '(' (invalid regex)"),
  quirk('pattern on non-strings', "{ pattern: '^a$' }", [5, 'b', 'a']),
  quirk('string dependencies', '{ type: string }', [undefined, 'x'], '      dependencies:\n        q: other\n'),
  deviation('enum not an array', '{ enum: a }', [undefined, 'a'], 'enum: a (not an array)'),
  quirk('null property schema', 'null', [undefined, 'x']),
  quirk('missing local $ref', "{ $ref: '#/definitions/missing' }", [undefined, 'y']),
  quirk('external $ref', "{ $ref: 'https://example.com/schema.json' }", [undefined, 'y']),
  deviation('type null keyword', '{ type: null }', [undefined, 'y'], 'type: null'),
  deviation('allOf not an array', '{ allOf: { type: string } }', [undefined, 'y'], 'allOf: {…} (not an array)'),
  deviation('if not a schema', '{ if: 5 }', [undefined, 'y'], 'if: 5'),
  deviation('items null', '{ type: array, items: null }', [undefined, [], [1]], 'items: null'),
  deviation('maximum .inf (null in the catalog JSON)', '{ type: number, maximum: .inf }', [undefined, 5, -5], 'maximum: .inf (null in the catalog JSON)'),
  quirk('enum .nan (null in the catalog JSON)', '{ enum: [.nan, 1] }', [undefined, null, 1, 2]),
  // jsonschema resolves a pointer against the page as written, into members that are not keywords.
  quirk('$ref into a member beside properties', "{ $ref: '#/myregion/operation' }", [undefined, 'a', 'ab', 5],
    '      myregion:\n        operation: { type: string, minLength: 2, ui:widget: textarea }\n'),
  // A cycle of references jsonschema follows without reading into the value overflows its stack.
  quirk('$ref cycle a → b → a', "{ $ref: '#/definitions/a' }", [undefined, 'y'],
    "      definitions:\n        a: { $ref: '#/definitions/b' }\n        b: { $ref: '#/definitions/a' }\n"),
  deviation('$ref cycle through allOf (jsonschema throws only on a value)', "{ $ref: '#/definitions/a' }", [undefined, 'y'],
    "$ref cycle through allOf", "      definitions:\n        a: { allOf: [{ $ref: '#/definitions/a' }] }\n"),
);

/**
 * Simple `when` conditions, asserted: what real templates write, fed values of the type their
 * field declares (the drivers page), so every one must agree with Backstage on every case.
 * `visible`/`hidden` pins what both sides must decide whatever the values.
 */
const SIMPLE_WHEN = [
  { when: "parameters.kind === 'b'" },
  { when: "parameters.kind == 'b'" },
  { when: "parameters.kind !== 'b'" },
  { when: "parameters.kind != 'b'" },
  { when: "${{ parameters.kind === 'b' }}" },
  { when: "${{ parameters.kind == 'b' }}" },
  { when: "parameters.kind === 'a' or parameters.kind === 'b'" },
  { when: "parameters.kind in ['a', 'b']" },
  { when: 'parameters.flag' },
  { when: 'not parameters.flag' },
  { when: 'parameters.flag == true' },
  { when: 'parameters.flag === true' },
  { when: 'parameters.flag == false' },
  { when: '${{ parameters.flag }}' },
  { when: '${{ not parameters.flag }}' },
  { when: 'parameters.a and parameters.b' },
  { when: 'parameters.a or parameters.b' },
  { when: 'parameters.a and not parameters.b' },
  { when: 'parameters.n > 2' },
  { when: 'parameters.n >= 2' },
  { when: 'parameters.n < 2' },
  { when: 'parameters.n == 2' },
  { when: "'x' in parameters.list" },
  { when: 'parameters.list | length > 0' },
  { when: 'parameters.list' },
  { when: 'parameters.name | length > 3' },
  { when: 'parameters.name' },
  { when: "parameters.name == ''" },
  { when: "parameters.obj.nested === 'v'" },
  { when: "parameters.obj.nested == 'v'" },
  { when: true, expect: 'visible' },
  { when: false, expect: 'hidden' },
  { when: '', expect: 'visible' },
  { when: '   ', expect: 'visible' },
  { when: 'parameters.kind ===', expect: 'visible' }, // syntax error: the page stays visible
  { when: '${{ true }}', expect: 'visible' },
  { when: '${{ false }}', expect: 'hidden' },
];

const SIMPLE_WHEN_ID = 'hand:when-simple';

HAND_WRITTEN.push({
  id: SIMPLE_WHEN_ID,
  // The listed values are all of the declared types; generated variants would only add odd-typed
  // drivers, which the engine-dependent when matrix covers.
  generated: false,
  text: `${HEAD('whensimple')}  parameters:
    - title: Drivers
      properties:
        kind: { type: string, enum: [a, b] }
        flag: { type: boolean }
        a: { type: boolean }
        b: { type: boolean }
        n: { type: number }
        list: { type: array, items: { type: string } }
        name: { type: string }
        obj: { type: object, properties: { nested: { type: string } } }
${SIMPLE_WHEN.map(({ when }, i) => `    - title: s${i}
      when: ${JSON.stringify(when)}
      properties:
        s${i}: { type: string }
`).join('')}`,
  cases: (() => {
    const owned = Object.fromEntries(SIMPLE_WHEN.map((_, i) => [`s${i}`, 'v']));
    // Every case starts from values of the declared types; one group varies at a time, `absent`
    // only where a form really leaves a field out (optional enum, checkbox, object).
    const base = { kind: 'a', flag: false, a: false, b: false, n: 1, list: [], name: 'ab', obj: { nested: 'w' } };
    const ABSENT = Symbol('absent');
    const combos = (spec) => Object.entries(spec).reduce(
      (acc, [field, candidates]) => acc.flatMap((o) => candidates.map((v) => ({ ...o, [field]: v }))), [{}],
    );
    const groups = [
      { kind: ['a', 'b', ABSENT], flag: [true, false, ABSENT] },
      { a: [true, false, ABSENT], b: [true, false, ABSENT] },
      { n: [0, 1, 2, 2.5, 3, -1] },
      { list: [[], ['x'], ['a', 'x'], ['a']] },
      { name: ['', 'abc', 'abcd', 'my-service'] },
      { obj: [{ nested: 'v' }, { nested: 'w' }, {}, ABSENT] },
    ];
    const seen = new Set();
    return groups.flatMap(combos).flatMap((combo) => {
      const values = { ...owned, ...base, ...combo };
      for (const [k, v] of Object.entries(values)) if (v === ABSENT) delete values[k];
      const key = JSON.stringify(values);
      if (seen.has(key)) return [];
      seen.add(key);
      const shown = Object.entries(combo).map(([k, v]) => `${k}=${v === ABSENT ? 'absent' : JSON.stringify(v)}`).join(' ');
      return [{ name: shown, values }];
    });
  })(),
});

/**
 * `when` matrix: one page per expression, every expression against the same driver values, so
 * the expression engine (truthiness, comparisons, filters, tests, JS methods, literals, errors →
 * visible) is compared value by value with nunjitsu as Backstage runs it. Engine-dependent: JS
 * semantics inside expressions (truthiness of []/{} under not/and/or, `===` vs `==`, string
 * methods, arithmetic and comparison on missing or odd-typed values, filters on wrong types,
 * `in`, tests, globals) are reported per expression (see `engine: true`) and asserted.
 */
const WHEN_EXPRESSIONS = [
  'parameters.x', 'not parameters.x', '!parameters.x', 'parameters.x == 1', 'parameters.x === 1', "parameters.x != 'a'",
  "parameters.x !== 'a'", 'parameters.x == true', 'parameters.x == null', 'parameters.x === null', 'parameters.x == none',
  'parameters.x > 1', "parameters.x < 'b'", 'parameters.x >= 1', 'parameters.x + 1 > 2', "parameters.x + 'z' == 'az'",
  "parameters.x ~ 'z' == 'az'", 'parameters.x | length', 'parameters.x | length > 1', "parameters.x | lower == 'a'",
  "parameters.x | default('d') == 'd'", 'parameters.x | int > 1', "parameters.x | string == '1'", "parameters.x | first == 'a'",
  "parameters.x | join(',') == 'a,b'", "parameters.x | trim == 'a'", "parameters.x | replace('a', 'b') == 'b'",
  'parameters.x is defined', 'parameters.x is undefined', 'parameters.x is number', 'parameters.x is string',
  'parameters.x is odd', 'parameters.x is divisibleby(3)', 'parameters.x is sameas(true)', 'parameters.x is none',
  "'a' in parameters.x", 'parameters.x in parameters.y', "parameters.x in ['a', 1]", 'parameters.x.length > 1',
  "parameters.x.includes('a')", "parameters.x.split('-')[0] == 'a'", "parameters.x.toUpperCase() == 'A'",
  "parameters.x[0] == 'a'", "parameters.x['key']", 'parameters.x.key', 'not (parameters.x or parameters.y)',
  'parameters.x and parameters.y', 'parameters.x if parameters.y else false', 'parameters.x if parameters.y',
  'range(3) | length == 3', "{ 'a': 1 }.a == 1", 'parameters.x % 2 == 0', 'parameters.x // 2 == 1', 'parameters.x ** 2 == 4',
  '-parameters.x < 0', 'parameters.x / 0', "parameters.x * 'a'", 'true', 'false', "'false'", '0', "''", 'none', 'null',
  'undefined', '${{ parameters.x }}', '${{parameters.x}}', '  parameters.x  ', 'r/^a/.test(parameters.x)',
  'parameters.x | float > 1.2', 'parameters.x | abs == 1', 'parameters.x | round == 2', 'parameters.x | dump == \'"a"\'',
  'parameters.x | list | length == 1', 'parameters.x | reverse | first', 'parameters.x | sort | first',
  'parameters.x | parseRepoUrl', "parameters.x | truncate(2) == 'a'", 'parameters.x | capitalize', 'parameters.x | title',
  'parameters.x | wordcount', 'parameters.x | urlencode', 'parameters.x | safe', 'parameters.x | escape',
  'parameters.x | dictsort | length', 'parameters.x | batch(1) | length', 'parameters.x | sum', 'parameters.x | last',
  'parameters.x | unique | length', "parameters.x | select('odd') | length", "parameters.x | indent(2) == 'a'",
  'parameters.x.y.z', 'parameters.missing.deeper', 'parameters', 'parameters | length', 'parameters.x == parameters.y',
  "parameters['x']", "parameters.x | string | length == 1", 'parameters.x and true', 'parameters.x or 0',
  '(parameters.x)', 'parameters.x === undefined', 'typeof parameters.x', 'parameters.x?.y', "`a${parameters.x}`",
  'parameters.x ? 1 : 0', 'cycler(1, 2).next()', "joiner(',')()", 'lipsum(1) | length > 0',
  "parameters.x.startsWith('a')", 'parameters.x < 2',
];

HAND_WRITTEN.push({
  id: 'hand:when-matrix',
  engine: true, // reported per expression: see above
  generated: false, // the listed driver values are the point; generated variants only repeat them
  text: `${HEAD('whenmatrix')}  parameters:
    - title: Drivers
      properties:
        x: {}
        y: {}
${WHEN_EXPRESSIONS.map((expression, i) => `    - title: e${i}
      when: ${JSON.stringify(expression)}
      properties:
        p${i}: { type: string }
`).join('')}`,
  cases: (() => {
    const xs = [undefined, null, true, false, 0, 1, 2, 3, -1, 1.5, '', '0', '1', 'a', 'A', 'a-b', 'false', ' ', [], ['a'],
      ['a', 'b'], [1, 2, 3], {}, { key: 'v' }, { y: { z: 1 } }];
    const ys = [undefined, true, 'abc', ['a']];
    const owned = Object.fromEntries(WHEN_EXPRESSIONS.map((_, i) => [`p${i}`, 'v']));
    return xs.flatMap((x) => ys.map((y) => {
      const values = { ...owned };
      if (x !== undefined) values.x = x;
      if (y !== undefined) values.y = y;
      return { name: `x=${JSON.stringify(x) ?? 'absent'} y=${JSON.stringify(y) ?? 'absent'}`, values };
    }));
  })(),
});

const CORPUS_DEFAULT = path.resolve(__dirname, '../../../shared/corpus');

const caseKey = (c) => JSON.stringify([c.values, c.secrets ?? null]);

/** A hand-written template's cases: the listed ones, then the generated ones that are not
 * identical (same values and secrets) to one already listed — those would only repeat it. */
function handCases(hand, template) {
  const cases = [...hand.cases];
  if (hand.generated === false) return cases;
  const seen = new Set(cases.map(caseKey));
  for (const c of generatedCases(template.entity)) {
    const key = caseKey(c);
    if (seen.has(key)) continue;
    seen.add(key);
    cases.push({ ...c, name: `generated: ${c.name}` });
  }
  return cases;
}

/** Problems with how Trellis rejected a deliberate-deviation case (empty when as required). */
function deviationProblems(tr) {
  if (!tr.thrown) return ['Trellis accepted the template (expected invalid-page-schema)'];
  const e = tr.error;
  const problems = [];
  if (!(e instanceof Error)) problems.push(`Trellis threw a non-Error: ${tr.thrown}`);
  if (e?.rule !== 'invalid-page-schema') problems.push(`rule ${e?.rule} instead of invalid-page-schema: ${tr.thrown}`);
  if (!(Number.isInteger(e?.line) && e.line >= 1 && Number.isInteger(e?.column) && e.column >= 1)) {
    problems.push(`no line/column in the error (line ${e?.line}, column ${e?.column}): ${tr.thrown}`);
  }
  return problems;
}

/**
 * Runs every hand-written case once and sorts it:
 * - `asserted`: compared, must agree 100% (includes `simple`, the simple-when template);
 * - `engine`: the when matrix, plus cases feeding a `when` an odd-typed value — compared and
 *   reported; only visibility (and the values it filters) may differ;
 * - `deviations`: malformed pages Trellis rejects on purpose where Backstage does not throw
 *   (cases of those templates where jsonschema throws too are agreements, compared in `asserted`).
 */
function runHandWritten(trellis) {
  const asserted = makeTally();
  const simple = makeTally();
  const engine = makeTally();
  // The deviations again with `compat: 'backstage'` (what trellis:parameters:validate uses).
  const compat = makeTally();
  const compatTrellis = {
    validateParameters: (text, values, options) => trellis.validateParameters(text, values, { ...options, compat: 'backstage' }),
  };
  const compatWithoutWarning = [];
  const deviations = [];
  const wrongDeviations = [];
  const simpleExpectations = [];
  for (const hand of HAND_WRITTEN) {
    const template = templateFromText(hand.id, hand.text);
    const pages = [template.entity.spec?.parameters ?? []].flat();
    for (const c of handCases(hand, template)) {
      const sides = runCase(trellis, template, c);
      if (hand.deviation) {
        const compatSides = runCase(compatTrellis, template, c);
        compareCase(compat, compatTrellis, template, c, compatSides);
        const warned = compatSides.tr.result?.warnings?.length > 0;
        if (compatSides.tr.result && !warned) compatWithoutWarning.push(`${hand.id} :: ${c.name}`);
        const problems = deviationProblems(sides.tr);
        if (problems.length) wrongDeviations.push({ template: hand.id, case: c.name, problems });
        if (backstageThrows(sides.bs)) {
          compareCase(asserted, trellis, template, c, sides);
        } else {
          const e = sides.tr.error;
          deviations.push({
            kind: hand.deviation, template: hand.id, case: c.name,
            backstage: backstageVerdict(sides.bs),
            trellis: e ? `${e.rule} at line ${e.line}, column ${e.column}: ${trellisReason(e.message)}` : 'accepted',
          });
        }
        continue;
      }
      const odd = hand.engine ? [] : oddlyTypedWhenDrivers(pages, c.values);
      if (hand.engine || odd.length) {
        const why = odd.map((o) => `${o.name}=${JSON.stringify(o.value)} for type ${o.types.join('|')}`).join(', ');
        compareCase(engine, trellis, template, why ? { ...c, name: `${c.name} [odd-typed when driver: ${why}]` } : c, sides);
        continue;
      }
      if (hand.id === SIMPLE_WHEN_ID) {
        compareCase(simple, trellis, template, c, sides);
        SIMPLE_WHEN.forEach(({ when, expect }, i) => {
          if (!expect) return;
          const trellisVisible = sides.tr.result?.visiblePages?.[i + 1];
          const backstageVisible = sides.bs.pages[i + 1]?.visible;
          if (trellisVisible !== (expect === 'visible') || backstageVisible !== (expect === 'visible')) {
            simpleExpectations.push(`when: ${JSON.stringify(when)} must leave the page ${expect}; case ${c.name}: backstage ${backstageVisible}, trellis ${trellisVisible}`);
          }
        });
      } else {
        compareCase(asserted, trellis, template, c, sides);
      }
    }
  }
  mergeTally(asserted, simple);
  return { asserted, simple, engine, compat, compatWithoutWarning, deviations, wrongDeviations, simpleExpectations };
}

/** `N/M agree` over the visibility checks of the pages that have a `when`. */
function whenRatio(tally) {
  let agree = 0;
  let total = 0;
  for (const entry of tally.byWhen.values()) {
    agree += entry.agree;
    total += entry.total;
  }
  return `${agree}/${total}`;
}

/** Engine-dependent disagreements must be visibility (or the values it filters), nothing else. */
function isVisibilityOnly(d) {
  return d.kind === 'visibility' || (d.kind === 'values' && d.category === 'filtered values differ (page visibility differs too)');
}

test('parameter verdicts equal Backstage 4.3.0 (npm jsonschema + resolveParameterSteps)', async (t) => {
  const trellis = loadTrellis();
  const tallies = {};
  const hand = runHandWritten(trellis);

  await t.test('hand-written templates', () => {
    const tally = hand.asserted;
    tallies.hand = tally;
    console.log(summaryLine('parity[hand-written]', tally));
    console.log(
      `when (simple, asserted): ${whenRatio(hand.simple)} agree (${SIMPLE_WHEN.length} conditions × ${hand.simple.cases} cases): ` +
        SIMPLE_WHEN.map(({ when }) => JSON.stringify(when)).join(' | '),
    );
    const report = disagreementReport(tally);
    if (report) console.log(report);
    if (hand.simpleExpectations.length) console.log(hand.simpleExpectations.join('\n'));
    assert.deepEqual(hand.simpleExpectations, [], 'simple when conditions with a fixed outcome (listed above)');
    assert.ok(allAgree(tally), `${tally.disagreements.length} disagreement(s) with Backstage on hand-written templates (listed above)`);
  });

  await t.test('engine-dependent when expressions', () => {
    const { engine } = hand;
    const matrixCases = HAND_WRITTEN.find((h) => h.engine)?.cases.length ?? 0;
    console.log(
      `when (engine-dependent): ${whenRatio(engine)} agree ` +
        '(JavaScript semantics in conditions; ' +
        `${engine.byWhen.size} conditions, ${engine.cases} cases = ${matrixCases} of the when matrix + ` +
        `${engine.cases - matrixCases} hand-written cases with an odd-typed when driver; values ${engine.values.agree}/${engine.values.total} agree)`,
    );
    const differing = [...engine.byWhen].filter(([, e]) => e.agree < e.total).sort((a, b) => (b[1].total - b[1].agree) - (a[1].total - a[1].agree));
    console.log(`  ${differing.length} condition(s) with disagreements (disagree/checked, first example):`);
    for (const [when, e] of differing) {
      const f = e.first;
      const side = (v) => (v === true ? 'visible' : v === false ? 'hidden' : String(v));
      console.log(
        `  ${String(e.total - e.agree).padStart(5)}/${String(e.total).padEnd(5)} when: ${when}   ` +
          `e.g. ${f.template} :: ${f.case}: backstage ${side(f.backstage)}, trellis ${side(f.trellis)}`,
      );
    }
    // Only `when` outcomes are engine-dependent: page verdicts, schema errors and the stripping of
    // values under the same visibility are asserted here too.
    const other = engine.disagreements.filter((d) => !isVisibilityOnly(d));
    if (other.length) console.log(disagreementReport({ ...engine, disagreements: other }));
    assert.equal(other.length, 0, `${other.length} disagreement(s) other than page visibility in the engine-dependent set (listed above)`);
    assert.equal(differing.length, 0, `${differing.length} when condition(s) evaluate differently from Backstage (listed above)`);
  });

  await t.test('deliberate deviations (malformed page schemas Trellis rejects)', () => {
    const { deviations, wrongDeviations } = hand;
    console.log(`deliberate deviations (malformed page schemas Trellis rejects): ${deviations.length}`);
    const byKind = new Map();
    for (const d of deviations) byKind.set(d.kind, [...(byKind.get(d.kind) ?? []), d]);
    console.log('  by kind (Trellis: invalid-page-schema at the keyword; Backstage reads the page leniently):');
    for (const [kind, list] of byKind) console.log(`  ${String(list.length).padStart(5)}  ${kind}   trellis: ${list[0].trellis}`);
    console.log("  details (Backstage's verdict on each case; Trellis rejects the template in every one):");
    for (const d of deviations) console.log(`    ${d.template} :: ${d.case} → backstage: ${d.backstage}`);
    for (const w of wrongDeviations) console.log(`  NOT AS EXPECTED ${w.template} :: ${w.case}: ${w.problems.join('; ')}`);
    assert.deepEqual(wrongDeviations, [], 'Trellis must reject every deliberate-deviation case with invalid-page-schema and a line/column (listed above)');
    const declared = [...new Set(HAND_WRITTEN.filter((h) => h.deviation).map((h) => h.deviation))];
    const stale = declared.filter((kind) => !byKind.has(kind));
    assert.deepEqual(stale, [], 'declared deviations where Backstage does not read the page leniently in any case (jsonschema throws too): no longer deviations');
  });

  await t.test("deliberate deviations read as Backstage reads them (compat: 'backstage')", () => {
    const { compat, compatWithoutWarning } = hand;
    console.log(summaryLine("parity[compat: 'backstage', deviation cases]", compat));
    const report = disagreementReport(compat);
    if (report) console.log(report);
    // A cycle through allOf: jsonschema throws only when a value reaches it; Trellis refuses the
    // page whatever the values, in both modes.
    const expected = (d) => d.template === 'hand:quirk:$ref cycle through allOf (jsonschema throws only on a value)';
    const unexpected = compat.disagreements.filter((d) => !expected(d));
    assert.deepEqual(unexpected.map((d) => `${d.template} :: ${d.case}: ${d.category}`), [], 'compat disagreements (listed above)');
    assert.ok(compat.disagreements.length <= 2, `${compat.disagreements.length} known compat disagreement(s), at most 2`);
    assert.deepEqual(compatWithoutWarning, [], 'every lenient page read in compat mode carries a warning');
  });

  await t.test('corpus templates', () => {
    const dir = corpusDir(CORPUS_DEFAULT); // throws "corpus not found at …" when absent
    const { templates, skipped } = loadCorpusTemplates(dir);
    assert.ok(templates.length > 0, `no Template documents found in ${dir}`);
    const tally = makeTally();
    const derived = templates.map(deriveWhenVariant).filter(Boolean);
    // Documents with the very same text (forks, copies) get the very same cases: run them once.
    const seenText = new Set();
    let identical = 0;
    for (const template of [...templates, ...derived]) {
      if (seenText.has(template.text)) {
        identical += 1;
        continue;
      }
      seenText.add(template.text);
      for (const c of generatedCases(template.entity)) compareCase(tally, trellis, template, c);
    }
    tallies.corpus = tally;
    console.log(
      `${summaryLine('parity[corpus]', tally)}; ${templates.length} corpus templates + ${derived.length} derived when-variants` +
        ` (${identical} with the same text as an earlier one, run once)` +
        (skipped.length ? `; skipped ${skipped.length}: ${skipped.map((s) => `${s.id} (${s.reason})`).join('; ')}` : ''),
    );
    const report = disagreementReport(tally);
    if (report) console.log(report);
    assert.ok(allAgree(tally), `${tally.disagreements.length} disagreement(s) with Backstage on corpus templates (listed above)`);
  });

  // One combined line over everything asserted (engine-dependent and deviation cases excluded).
  const total = makeTally();
  for (const tally of Object.values(tallies)) mergeTally(total, tally);
  console.log(summaryLine('parity', total));
});
