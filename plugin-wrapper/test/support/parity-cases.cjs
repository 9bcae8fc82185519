'use strict';
// Deterministic value generator for the parity test: an "example" that should satisfy a
// template's pages, and broken variants derived from it, one rule at a time.
// Nothing here decides validity: both validators judge every case, the test compares verdicts.

const MAX_DEPTH = 8;
const MAX_ENUM_FLIPS = 6;

function isObject(value) {
  return !!value && typeof value === 'object' && !Array.isArray(value);
}

function clone(value) {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}

/** `pattern` as npm jsonschema compiles it: unicode mode, falling back to legacy mode. */
function compilePattern(pattern) {
  if (typeof pattern !== 'string') return null;
  try {
    return new RegExp(pattern, 'u');
  } catch {
    try {
      return new RegExp(pattern);
    } catch {
      return null;
    }
  }
}

function matches(pattern, text) {
  const regexp = compilePattern(pattern);
  return regexp ? regexp.test(text) : true;
}

/** Follows local `#/…` references (chains too); `null` when one cannot be resolved. */
function deref(schema, root) {
  const seen = new Set();
  let current = schema;
  while (isObject(current) && typeof current.$ref === 'string') {
    if (seen.has(current)) return null;
    seen.add(current);
    const ref = current.$ref;
    if (!ref.startsWith('#')) return null;
    let pointer;
    try {
      pointer = decodeURIComponent(ref.slice(1));
    } catch {
      return null;
    }
    let target = root;
    for (const segment of pointer ? pointer.replace(/^\//, '').split('/') : []) {
      const key = segment.replace(/~1/g, '/').replace(/~0/g, '~');
      target = isObject(target) || Array.isArray(target) ? target[key] : undefined;
    }
    current = target;
  }
  return isObject(current) ? current : null;
}

function typesOf(schema) {
  if (typeof schema.type === 'string') return [schema.type];
  if (Array.isArray(schema.type)) return schema.type.filter((t) => typeof t === 'string');
  return [];
}

const KNOWN_TYPES = ['string', 'number', 'integer', 'boolean', 'object', 'array', 'null'];

function pickType(schema) {
  const types = typesOf(schema);
  const known = types.filter((t) => KNOWN_TYPES.includes(t));
  if (known.length) return known.find((t) => t !== 'null') ?? 'null';
  if (types.length) return 'string'; // unknown names such as "text" accept anything
  if (isObject(schema.properties) || Array.isArray(schema.required) || isObject(schema.dependencies)) return 'object';
  if (schema.items !== undefined) return 'array';
  if (schema.pattern !== undefined || schema.minLength !== undefined || schema.maxLength !== undefined || schema.format !== undefined) return 'string';
  if (schema.minimum !== undefined || schema.maximum !== undefined || schema.multipleOf !== undefined) return 'number';
  return null;
}

const FORMAT_SAMPLES = {
  email: ['user@example.com'],
  'idn-email': ['user@example.com'],
  uri: ['https://example.com/path'],
  url: ['https://example.com/path'],
  'uri-reference': ['https://example.com/path'],
  iri: ['https://example.com/path'],
  'iri-reference': ['https://example.com/path'],
  date: ['2024-01-31'],
  'date-time': ['2024-01-31T12:00:00Z'],
  time: ['12:00:00Z'],
  hostname: ['example.com'],
  'host-name': ['example.com'],
  ipv4: ['192.0.2.1'],
  'ip-address': ['192.0.2.1'],
  ipv6: ['2001:db8::1'],
  uuid: ['123e4567-e89b-12d3-a456-426614174000'],
  regex: ['^a+$'],
  color: ['red'],
  alpha: ['abc'],
  alphanumeric: ['abc123'],
};

const STRING_CANDIDATES = [
  'my-service', 'example', 'abc', 'a', 'my_service', 'MyService', 'example.com',
  'https://example.com', 'user@example.com', '1.0.0', 'a1', '1', 'ABC', 'main', 'x-1', 'default',
];

function fitLength(text, schema) {
  let out = text;
  if (Number.isInteger(schema.minLength) && [...out].length < schema.minLength) {
    out += 'a'.repeat(schema.minLength - [...out].length);
  }
  if (Number.isInteger(schema.maxLength) && [...out].length > schema.maxLength) {
    out = [...out].slice(0, Math.max(0, schema.maxLength)).join('');
  }
  return out;
}

function genString(schema) {
  const candidates = [...(FORMAT_SAMPLES[schema.format] ?? []), ...STRING_CANDIDATES].map((c) => fitLength(c, schema));
  if (typeof schema.pattern === 'string') {
    const hit = candidates.find((c) => matches(schema.pattern, c));
    if (hit !== undefined) return hit;
  }
  return candidates[0];
}

function genNumber(schema, integer) {
  let low = typeof schema.minimum === 'number' ? schema.minimum : undefined;
  if (low !== undefined && schema.exclusiveMinimum === true) low += 1;
  if (typeof schema.exclusiveMinimum === 'number') low = Math.max(low ?? -Infinity, schema.exclusiveMinimum + 1);
  let high = typeof schema.maximum === 'number' ? schema.maximum : undefined;
  if (high !== undefined && schema.exclusiveMaximum === true) high -= 1;
  if (typeof schema.exclusiveMaximum === 'number') high = Math.min(high ?? Infinity, schema.exclusiveMaximum - 1);
  let value = low ?? 1;
  if (high !== undefined && value > high) value = high;
  if (typeof schema.multipleOf === 'number' && schema.multipleOf > 0) {
    value = Math.ceil(value / schema.multipleOf) * schema.multipleOf;
  }
  if (integer) value = Math.ceil(value);
  return value;
}

/** Is a (sub)schema's discriminating `const`/`enum` compatible with the values built so far? */
function branchFits(branch, out, root) {
  const s = deref(branch, root);
  if (!s || !isObject(s.properties)) return true;
  for (const [key, prop] of Object.entries(s.properties)) {
    if (!(key in out)) continue;
    const p = deref(prop, root);
    if (!p) continue;
    if ('const' in p && JSON.stringify(p.const) !== JSON.stringify(out[key])) return false;
    if (Array.isArray(p.enum) && !p.enum.some((v) => JSON.stringify(v) === JSON.stringify(out[key]))) return false;
  }
  return true;
}

function fillObject(out, schema, root, depth, ifEvaluator) {
  const s = deref(schema, root);
  if (!s || depth > MAX_DEPTH) return;
  if (isObject(s.properties)) {
    for (const [key, prop] of Object.entries(s.properties)) {
      if (key in out) continue;
      const value = generate(prop, root, depth + 1, ifEvaluator);
      if (value !== undefined) out[key] = value;
    }
  }
  if (Array.isArray(s.required)) {
    for (const key of s.required) if (typeof key === 'string' && !(key in out)) out[key] = 'example';
  }
  if (Array.isArray(s.allOf)) for (const sub of s.allOf) fillObject(out, sub, root, depth + 1, ifEvaluator);
  for (const keyword of ['oneOf', 'anyOf']) {
    if (Array.isArray(s[keyword]) && s[keyword].length) {
      const branch = s[keyword].find((b) => branchFits(b, out, root)) ?? s[keyword][0];
      fillObject(out, branch, root, depth + 1, ifEvaluator);
    }
  }
  if (isObject(s.if) && ifEvaluator) {
    const branch = ifEvaluator(out, s.if, root) ? s.then : s.else;
    if (isObject(branch)) fillObject(out, branch, root, depth + 1, ifEvaluator);
  }
  if (isObject(s.dependencies)) {
    for (let round = 0; round < 3; round++) {
      const before = JSON.stringify(out);
      for (const [key, dependency] of Object.entries(s.dependencies)) {
        if (!(key in out)) continue;
        if (Array.isArray(dependency)) {
          for (const name of dependency) {
            if (typeof name !== 'string' || name in out) continue;
            const prop = isObject(s.properties) ? s.properties[name] : undefined;
            const value = prop === undefined ? 'example' : generate(prop, root, depth + 1, ifEvaluator);
            out[name] = value === undefined ? 'example' : value;
          }
        } else if (isObject(dependency)) {
          fillObject(out, dependency, root, depth + 1, ifEvaluator);
        }
      }
      if (JSON.stringify(out) === before) break;
    }
  }
}

/**
 * A value for `schema`: default, else const, else first enum, else first example, else a value
 * of the schema's type meeting its simple constraints. `undefined` when nothing sensible exists.
 * `ifEvaluator(value, ifSchema, root)` decides `if` conditions (the test passes real jsonschema).
 */
function generate(schema, root, depth = 0, ifEvaluator = null) {
  const s = deref(schema, root);
  if (!s || depth > MAX_DEPTH) return undefined;
  if ('default' in s) return clone(s.default);
  if ('const' in s) return clone(s.const);
  if (Array.isArray(s.enum) && s.enum.length) {
    // What a form user could pick: the first option the form does not disable.
    const disabled = Array.isArray(s['ui:enumDisabled']) ? s['ui:enumDisabled'].map((v) => JSON.stringify(v)) : [];
    return clone(s.enum.find((v) => !disabled.includes(JSON.stringify(v))) ?? s.enum[0]);
  }
  if (Array.isArray(s.examples) && s.examples.length) return clone(s.examples[0]);
  const type = pickType(s);
  if (type === null) {
    for (const keyword of ['allOf', 'oneOf', 'anyOf']) {
      if (Array.isArray(s[keyword]) && s[keyword].length) {
        if (keyword === 'allOf' && s.allOf.some((b) => pickType(deref(b, root) ?? {}) === 'object')) {
          const out = {};
          fillObject(out, s, root, depth, ifEvaluator);
          return out;
        }
        return generate(s[keyword][0], root, depth + 1, ifEvaluator);
      }
    }
    return 'example';
  }
  switch (type) {
    case 'object': {
      const out = {};
      fillObject(out, s, root, depth, ifEvaluator);
      return out;
    }
    case 'array': {
      let count = Math.max(Number.isInteger(s.minItems) ? s.minItems : 0, s.items === undefined ? 0 : 1);
      if (Number.isInteger(s.maxItems)) count = Math.min(count, s.maxItems);
      const items = [];
      for (let i = 0; i < count; i++) {
        const itemSchema = Array.isArray(s.items) ? s.items[i] ?? s.additionalItems : s.items;
        let value = itemSchema === undefined ? 'example' : generate(itemSchema, root, depth + 1, ifEvaluator);
        if (value === undefined) value = 'example';
        if (s.uniqueItems === true && items.some((v) => JSON.stringify(v) === JSON.stringify(value))) {
          value = typeof value === 'string' ? `${value}-${i}` : typeof value === 'number' ? value + i : value;
        }
        items.push(value);
      }
      return items;
    }
    case 'string':
      return genString(s);
    case 'number':
      return genNumber(s, false);
    case 'integer':
      return genNumber(s, true);
    case 'boolean':
      return true;
    case 'null':
      return null;
    default:
      return 'example';
  }
}

/** The example values for a list of pages: each page's object, earlier pages winning. */
function exampleValues(pages, ifEvaluator) {
  const out = {};
  for (const page of pages) {
    if (!isObject(page)) continue;
    const value = generate(page, page, 0, ifEvaluator);
    if (isObject(value)) for (const [k, v] of Object.entries(value)) if (!(k in out)) out[k] = v;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Broken variants.

/** Every place a schema constrains a value: `{path: (string|number)[], schema, required}`. */
function collectSites(schema, root, path = [], depth = 0, out = [], seen = new Set()) {
  const s = deref(schema, root);
  if (!s || depth > MAX_DEPTH || seen.has(s)) return out;
  const nextSeen = new Set(seen).add(s);
  if (path.length) out.push({ path, schema: s });
  if (isObject(s.properties)) {
    for (const [key, prop] of Object.entries(s.properties)) {
      collectSites(prop, root, [...path, key], depth + 1, out, nextSeen);
    }
  }
  if (Array.isArray(s.required)) {
    for (const key of s.required) if (typeof key === 'string') out.push({ path: [...path, key], required: true });
  }
  for (const keyword of ['allOf', 'oneOf', 'anyOf']) {
    if (Array.isArray(s[keyword])) for (const sub of s[keyword]) collectSites(sub, root, path, depth + 1, out, nextSeen);
  }
  for (const sub of [s.if, s.then, s.else, ...(isObject(s.dependencies) ? Object.values(s.dependencies) : [])]) {
    if (isObject(sub)) collectSites(sub, root, path, depth + 1, out, nextSeen);
  }
  if (isObject(s.items)) collectSites(s.items, root, [...path, 0], depth + 1, out, nextSeen);
  if (Array.isArray(s.items)) s.items.forEach((item, i) => collectSites(item, root, [...path, i], depth + 1, out, nextSeen));
  return out;
}

function getAt(values, path) {
  let current = values;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = current[key];
  }
  return current;
}

/** A copy of `values` with the value at `path` replaced (or removed when `value` is undefined);
 * missing parents are created; `null` when a parent is not a container. */
function setAt(values, path, value) {
  const out = clone(values);
  let current = out;
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i];
    if (current[key] === undefined) current[key] = typeof path[i + 1] === 'number' ? [] : {};
    current = current[key];
    if (current === null || typeof current !== 'object') return null;
  }
  const last = path[path.length - 1];
  if (value === undefined) {
    if (Array.isArray(current)) return null;
    delete current[last];
  } else {
    current[last] = value;
  }
  return out;
}

function wrongTypeValues(types) {
  const out = [];
  const has = (t) => types.includes(t);
  if (has('string')) out.push(['number', 12345]);
  else out.push(['string', 'wrong-type']);
  if (!has('boolean')) out.push(['boolean', true]);
  if (!has('object') && !has('array')) out.push(['object', { unexpected: 'object' }]);
  if (!has('array')) out.push(['array', ['unexpected']]);
  if (!has('null')) out.push(['null', null]);
  if (has('integer') && !has('number')) out.push(['fraction', 1.5]);
  if ((has('number') || has('integer')) && !has('string')) out.push(['numeric-string', '5']);
  return out;
}

const FORMAT_NEAR_MISSES = {
  email: ['user@', 'not an email', 'user@localhost'],
  'idn-email': ['not an email'],
  uri: ['example.com', 'not a uri', 'https://'],
  url: ['not a url'],
  'uri-reference': ['not a uri ref%'],
  date: ['2024-02-30', '2024-1-1', 'yesterday'],
  'date-time': ['2024-01-31 12:00:00', '2024-01-31', 'now'],
  time: ['25:00:00', 'noon'],
  hostname: ['-bad-.example', 'has space.com'],
  ipv4: ['256.1.1.1', '1.2.3'],
  ipv6: ['2001:::1', 'not-ip'],
  uuid: ['123e4567-e89b-12d3-a456', 'not-a-uuid'],
  regex: ['(unclosed', '[a-'],
  color: ['notacolor', '#12'],
};

/** `[name, values]` pairs: broken (and visibility-flipping) variants of `example`. */
function brokenVariants(pages, example) {
  const variants = [];
  const seen = new Set();
  const add = (name, values) => {
    if (values === null) return;
    const key = JSON.stringify(values);
    if (seen.has(key)) return;
    seen.add(key);
    variants.push([name, values]);
  };
  const label = (path) => path.map(String).join('.') || '(root)';

  pages.forEach((page, pageIndex) => {
    if (!isObject(page)) return;
    for (const site of collectSites(page, page)) {
      const at = label(site.path);
      if (site.required) {
        add(`p${pageIndex}:drop-required:${at}`, setAt(example, site.path, undefined));
        continue;
      }
      const s = site.schema;
      const types = typesOf(s);
      if (types.length) {
        for (const [kind, value] of wrongTypeValues(types)) add(`p${pageIndex}:wrong-type(${kind}):${at}`, setAt(example, site.path, value));
      }
      if (typeof s.pattern === 'string') {
        const bad = ['!!!', ' ', '', '-', 'A B', '\u{1F600}', '.'].find((c) => !matches(s.pattern, c));
        if (bad !== undefined) add(`p${pageIndex}:pattern-mismatch:${at}`, setAt(example, site.path, bad));
      }
      if (Array.isArray(s.enum)) {
        const allNumbers = s.enum.length > 0 && s.enum.every((v) => typeof v === 'number');
        add(`p${pageIndex}:not-in-enum:${at}`, setAt(example, site.path, allNumbers ? Math.max(...s.enum) + 1000 : '__not_in_enum__'));
        for (const value of s.enum.slice(0, MAX_ENUM_FLIPS)) add(`p${pageIndex}:set-enum:${at}=${JSON.stringify(value)}`, setAt(example, site.path, clone(value)));
      }
      if ('const' in s) {
        add(`p${pageIndex}:not-const:${at}`, setAt(example, site.path, typeof s.const === 'string' ? `${s.const}_x` : '__not_const__'));
      }
      if (types.includes('boolean')) {
        add(`p${pageIndex}:set-bool:${at}=true`, setAt(example, site.path, true));
        add(`p${pageIndex}:set-bool:${at}=false`, setAt(example, site.path, false));
      }
      if (Number.isInteger(s.minLength) && s.minLength > 0) add(`p${pageIndex}:too-short:${at}`, setAt(example, site.path, 'a'.repeat(s.minLength - 1)));
      if (Number.isInteger(s.maxLength) && s.maxLength >= 0) add(`p${pageIndex}:too-long:${at}`, setAt(example, site.path, 'a'.repeat(s.maxLength + 1)));
      if (typeof s.minimum === 'number') {
        add(`p${pageIndex}:below-minimum:${at}`, setAt(example, site.path, s.minimum - 1));
        add(`p${pageIndex}:at-minimum:${at}`, setAt(example, site.path, s.minimum));
      }
      if (typeof s.maximum === 'number') {
        add(`p${pageIndex}:above-maximum:${at}`, setAt(example, site.path, s.maximum + 1));
        add(`p${pageIndex}:at-maximum:${at}`, setAt(example, site.path, s.maximum));
      }
      if (typeof s.exclusiveMinimum === 'number') add(`p${pageIndex}:at-exclusiveMinimum:${at}`, setAt(example, site.path, s.exclusiveMinimum));
      if (typeof s.exclusiveMaximum === 'number') add(`p${pageIndex}:at-exclusiveMaximum:${at}`, setAt(example, site.path, s.exclusiveMaximum));
      if (typeof s.multipleOf === 'number' && s.multipleOf > 0) add(`p${pageIndex}:not-multipleOf:${at}`, setAt(example, site.path, s.multipleOf * 1.5));
      if (typeof s.format === 'string') {
        for (const bad of FORMAT_NEAR_MISSES[s.format] ?? ['not a valid value for this format %%']) {
          add(`p${pageIndex}:bad-format(${s.format}):${at}=${JSON.stringify(bad)}`, setAt(example, site.path, bad));
        }
      }
      const current = getAt(example, site.path);
      if (Array.isArray(current)) {
        if (Number.isInteger(s.minItems) && s.minItems > 0) add(`p${pageIndex}:too-few-items:${at}`, setAt(example, site.path, []));
        if (Number.isInteger(s.maxItems)) {
          const many = Array.from({ length: s.maxItems + 1 }, (_, i) => clone(current[i % Math.max(1, current.length)] ?? 'example'));
          add(`p${pageIndex}:too-many-items:${at}`, setAt(example, site.path, many));
        }
        if (s.uniqueItems === true && current.length) add(`p${pageIndex}:duplicate-items:${at}`, setAt(example, site.path, [clone(current[0]), clone(current[0])]));
      }
      if (isObject(current)) {
        add(`p${pageIndex}:extra-key:${at}`, setAt(example, [...site.path, '__extra'], 'x'));
      }
    }
  });
  return variants;
}

/** Parameter names a `when` expression reads (`parameters.x`, `parameters["x"]`). */
function whenReferences(when) {
  if (typeof when !== 'string') return [];
  const names = new Set();
  for (const m of when.matchAll(/parameters\s*\.\s*([A-Za-z_$][\w$]*)/g)) names.add(m[1]);
  for (const m of when.matchAll(/parameters\s*\[\s*(['"])(.*?)\1\s*\]/g)) names.add(m[2]);
  return [...names];
}

const TYPE_CHECKS = {
  string: (v) => typeof v === 'string',
  number: (v) => typeof v === 'number',
  integer: (v) => Number.isInteger(v),
  boolean: (v) => typeof v === 'boolean',
  object: isObject,
  array: Array.isArray,
  null: (v) => v === null,
};

/**
 * Root values that a page's `when` reads but whose JSON type none of the pages declaring that
 * field allows (`flag: 0` for `flag: { type: boolean }`): `[{name, value, types}]`. Such a case
 * exercises how the expression engine treats odd-typed operands, not how a form would submit.
 * Fields without a declared `type`, or declaring a type name JSON Schema does not know, never count.
 */
function oddlyTypedWhenDrivers(pages, values) {
  if (!isObject(values)) return [];
  const names = new Set(pages.flatMap((p) => (isObject(p) ? whenReferences(p.when) : [])));
  const out = [];
  for (const name of names) {
    if (!Object.prototype.hasOwnProperty.call(values, name)) continue;
    const declared = pages
      .map((p) => (isObject(p) && isObject(p.properties) ? deref(p.properties[name], p) : null))
      .filter(Boolean);
    const types = [...new Set(declared.flatMap(typesOf))];
    if (!types.length || types.some((t) => !TYPE_CHECKS[t])) continue;
    if (!types.some((t) => TYPE_CHECKS[t](values[name]))) out.push({ name, value: values[name], types });
  }
  return out;
}

/** Variants setting what `when` expressions read to values that flip pages both ways. */
function visibilityVariants(pages, example) {
  const variants = [];
  const seen = new Set();
  pages.forEach((page, pageIndex) => {
    if (!isObject(page)) return;
    for (const name of whenReferences(page.when)) {
      const schemas = pages.map((p) => (isObject(p) && isObject(p.properties) ? deref(p.properties[name], p) : null)).filter(Boolean);
      const candidates = [];
      for (const s of schemas) {
        if (Array.isArray(s.enum)) candidates.push(...s.enum.slice(0, MAX_ENUM_FLIPS));
        if ('const' in s) candidates.push(s.const);
        if (Array.isArray(s.examples)) candidates.push(...s.examples.slice(0, 2));
      }
      candidates.push(true, false, '', 'show', 'other', 0, 1, [], ['x'], null);
      for (const value of candidates) {
        const key = `${name}=${JSON.stringify(value)}`;
        if (seen.has(key)) continue;
        seen.add(key);
        variants.push([`when(p${pageIndex}):${key}`, setAt(example, [name], clone(value))]);
      }
      if (!seen.has(`${name}:drop`)) {
        seen.add(`${name}:drop`);
        variants.push([`when(p${pageIndex}):drop ${name}`, setAt(example, [name], undefined)]);
      }
    }
  });
  return variants;
}

/** All `[name, values]` parameter cases of one template (deduplicated, deterministic). */
function parameterCases(pages, ifEvaluator) {
  const example = exampleValues(pages, ifEvaluator);
  const required = new Set(pages.flatMap((p) => (isObject(p) && Array.isArray(p.required) ? p.required : [])));
  const mapTop = (fn) => Object.fromEntries(Object.keys(example).map((k) => [k, fn(example[k], k)]));
  const cases = [
    ['example', example],
    ['empty {}', {}],
    ['extra root key', { ...clone(example), __extra: 'x' }],
    ['only required root keys', Object.fromEntries(Object.entries(clone(example)).filter(([k]) => required.has(k)))],
    ['every root value null', mapTop(() => null)],
    ['every root value ""', mapTop(() => '')],
    ['every root value a string', mapTop((v) => (typeof v === 'string' ? v : JSON.stringify(v)))],
  ];
  cases.push(...visibilityVariants(pages, example));
  cases.push(...brokenVariants(pages, example));
  const seen = new Set();
  return cases.filter(([, values]) => {
    if (values === null) return false;
    const key = JSON.stringify(values);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

module.exports = {
  generate,
  exampleValues,
  brokenVariants,
  visibilityVariants,
  parameterCases,
  collectSites,
  whenReferences,
  oddlyTypedWhenDrivers,
  compilePattern,
  deref,
  isObject,
  clone,
};
