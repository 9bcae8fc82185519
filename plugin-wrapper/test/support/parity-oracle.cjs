'use strict';
// Runs one case through Backstage's real code (npm jsonschema + resolveParameterSteps from
// @backstage/plugin-scaffolder-common/alpha) and through Trellis, and compares the verdicts.

const path = require('node:path');
const util = require('node:util');
const jsonschema = require('jsonschema');
const { resolveParameterSteps } = require('@backstage/plugin-scaffolder-common/alpha');

function clone(value) {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}

/** The Trellis wrapper (dist/index.js); `TRELLIS_PARITY_MODULE` may point at another module
 * exporting the same `validateParameters(templateText, values, options)`. */
function loadTrellis() {
  const file = process.env.TRELLIS_PARITY_MODULE
    ? path.resolve(process.env.TRELLIS_PARITY_MODULE)
    : path.resolve(__dirname, '../../../dist/index.js');
  let trellis;
  try {
    trellis = require(file);
  } catch (error) {
    throw new Error(`cannot load Trellis from ${file} (run \`bash scripts/build.sh\` first): ${error.message}`);
  }
  if (typeof trellis.validateParameters !== 'function') {
    throw new Error(`${file} does not export validateParameters`);
  }
  return trellis;
}

/** `jsonschema.validate`, with thrown errors (SchemaError, bad regex…) caught. */
function runJsonschema(instance, schema) {
  try {
    const result = jsonschema.validate(instance, schema);
    return {
      verdict: result.valid ? 'valid' : 'invalid',
      errors: result.errors.map((e) => ({ name: e.name, property: e.property, message: e.message })),
    };
  } catch (error) {
    return { verdict: 'throws', errors: [], thrown: `${error.name}: ${error.message}` };
  }
}

/**
 * Backstage 4.3.0's `validateParameterSteps`, but checking every visible page instead of stopping
 * at the first failing one; plus `validateSecrets` when `secrets` is given.
 */
function backstageSide(entity, values, secrets) {
  const template = clone(entity); // jsonschema must not see anything Trellis did not
  const parameters = [template.spec?.parameters ?? []].flat();
  let resolved;
  try {
    resolved = resolveParameterSteps(values, parameters.map((schema) => ({ schema, when: schema.when })));
  } catch (error) {
    return { thrown: `resolveParameterSteps: ${error.name}: ${error.message}`, pages: [], values: undefined };
  }
  const pages = parameters.map((schema, index) => {
    const visible = resolved.visible[index];
    if (!visible) return { visible, verdict: 'hidden', errors: [] };
    return { visible, ...runJsonschema(values, schema) };
  });
  let secretsResult;
  if (secrets !== undefined && template.spec?.secrets?.schema) {
    secretsResult = runJsonschema(secrets ?? {}, template.spec.secrets.schema);
  }
  return {
    pages, values: resolved.values, secrets: secretsResult,
    titles: parameters.map((p) => p?.title), whens: parameters.map((p) => p?.when),
  };
}

/** The values `resolveParameterSteps` keeps when the pages' visibility is forced to `visiblePages`
 * (booleans as `when`): Backstage's stripping under Trellis' visibility. `undefined` if it throws. */
function backstageValuesUnder(entity, values, visiblePages) {
  const parameters = [clone(entity).spec?.parameters ?? []].flat();
  try {
    return resolveParameterSteps(values, parameters.map((schema, i) => ({ schema, when: visiblePages[i] === true }))).values;
  } catch {
    return undefined;
  }
}

function trellisSide(trellis, text, values, secrets) {
  try {
    const options = secrets === undefined ? {} : { secrets: clone(secrets) };
    return { result: trellis.validateParameters(text, clone(values), options) };
  } catch (error) {
    return { thrown: `${error.rule ?? error.name}: ${error.message}`, rule: error.rule ?? error.name, error };
  }
}

/** The gist of a Trellis error message, without location and hint, for grouping. */
function trellisReason(message) {
  return message
    .replace(/^[^:]*: /, '')
    .replace(/^line \d+, column \d+: /, '')
    .replace(/ \(hint: .*$/s, '')
    .replace(/^page \d+ \("(?:[^"\\]|\\.)*"\) is not a valid JSON Schema: /, '');
}

/** First JSON pointer where two JSON values differ. */
function firstDifference(a, b, at = '') {
  if (util.isDeepStrictEqual(a, b)) return null;
  const container = (v) => v !== null && typeof v === 'object';
  if (container(a) && container(b) && Array.isArray(a) === Array.isArray(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const key of [...keys].sort()) {
      const diff = firstDifference(a[key], b[key], `${at}/${key}`);
      if (diff) return diff;
    }
  }
  return `${at || '/'}: backstage ${JSON.stringify(a) ?? 'absent'} vs trellis ${JSON.stringify(b) ?? 'absent'}`;
}

function makeTally() {
  const metric = () => ({ agree: 0, total: 0 });
  return {
    pages: metric(), visibility: metric(), values: metric(), secrets: metric(), schemaErrors: metric(),
    templates: new Set(), cases: 0, disagreements: [],
    // Visibility per `when` condition (key: JSON text of the condition): {agree, total, first}.
    byWhen: new Map(),
  };
}

/** Adds `from` into `into` (both from `makeTally`). */
function mergeTally(into, from) {
  for (const key of ['pages', 'visibility', 'values', 'secrets', 'schemaErrors']) {
    into[key].agree += from[key].agree;
    into[key].total += from[key].total;
  }
  from.templates.forEach((id) => into.templates.add(id));
  into.cases += from.cases;
  into.disagreements.push(...from.disagreements);
  for (const [when, entry] of from.byWhen) {
    const target = into.byWhen.get(when) ?? { agree: 0, total: 0, first: null };
    target.agree += entry.agree;
    target.total += entry.total;
    target.first ??= entry.first;
    into.byWhen.set(when, target);
  }
  return into;
}

function count(tally, name, agreed) {
  tally[name].total += 1;
  if (agreed) tally[name].agree += 1;
}

function short(value, max = 400) {
  const text = JSON.stringify(value);
  if (text === undefined) return 'undefined';
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/**
 * Runs one case through both sides: `{values, secrets, bs, tr}`.
 * `template` = {id, text, entity}; `testCase` = {name, values, secrets?}.
 */
function runCase(trellis, template, testCase) {
  // Both sides get exactly what a JSON request body would carry (no -0, undefined, NaN…).
  const values = clone(testCase.values);
  const secrets = clone(testCase.secrets);
  return {
    values, secrets,
    bs: backstageSide(template.entity, values, secrets),
    tr: trellisSide(trellis, template.text, values, secrets),
  };
}

/** Did jsonschema throw on a visible page (or resolveParameterSteps throw)? */
function backstageThrows(bs) {
  return !!bs.thrown || bs.pages.some((p) => p.verdict === 'throws');
}

/** Backstage's verdict on one case, page by page, in one line. */
function backstageVerdict(bs) {
  if (bs.thrown) return bs.thrown;
  const pages = bs.pages.map((p, i) => {
    const label = `page ${i}${bs.titles[i] ? ` (${bs.titles[i]})` : ''}`;
    if (p.verdict === 'invalid') return `${label} invalid [${p.errors.map((e) => `${e.property}: ${e.message}`).join('; ')}]`;
    if (p.verdict === 'throws') return `${label} jsonschema throws ${p.thrown}`;
    return `${label} ${p.verdict}`;
  });
  const secrets = bs.secrets ? `; secrets ${bs.secrets.verdict}` : '';
  return `${pages.join(', ')}${secrets}`;
}

/**
 * Compare one case and record it in `tally`.
 * `template` = {id, text, entity}; `testCase` = {name, values, secrets?}; `sides` = `runCase(…)`
 * when the caller already ran it.
 */
function compareCase(tally, trellis, template, testCase, sides = runCase(trellis, template, testCase)) {
  const { values, secrets, bs, tr } = sides;
  const { name } = testCase;
  tally.templates.add(template.id);
  tally.cases += 1;
  const base = { template: template.id, case: name, values };
  const disagree = (detail) => tally.disagreements.push({ ...base, ...detail });

  const jsonschemaThrew = bs.thrown ? [] : bs.pages.map((p, i) => (p.verdict === 'throws' ? i : -1)).filter((i) => i >= 0);
  if (bs.thrown) {
    disagree({ kind: 'backstage-throws', category: 'backstage-throws', backstage: bs.thrown, trellis: tr.thrown ?? 'returned a result' });
    return;
  }
  if (tr.thrown || jsonschemaThrew.length) {
    const agreed = !!tr.thrown && jsonschemaThrew.length > 0;
    count(tally, 'schemaErrors', agreed);
    if (tr.thrown) {
      if (!agreed) {
        disagree({
          kind: 'trellis-throws',
          category: `trellis throws (${tr.rule}) where jsonschema does not: ${trellisReason(tr.thrown)}`,
          backstage: bs.pages.map((p, i) => `p${i}:${p.verdict}`).join(' '),
          trellis: tr.thrown,
          jsonschemaErrors: bs.pages.flatMap((p, i) => p.errors.map((e) => ({ page: i, ...e }))),
        });
      }
      return; // nothing else to compare
    }
  }
  const result = tr.result;
  const parameterErrors = (result.errors ?? []).filter((e) => e.scope === 'parameters');
  const unattributed = parameterErrors.filter((e) => typeof e.page !== 'number');
  if (unattributed.length) {
    disagree({ kind: 'shape', category: 'trellis parameter errors without a page index', trellisErrors: unattributed });
  }
  if (!Array.isArray(result.visiblePages) || result.visiblePages.length !== bs.pages.length) {
    disagree({
      kind: 'shape',
      category: 'visiblePages length differs from the number of pages',
      backstage: bs.pages.length,
      trellis: short(result.visiblePages),
    });
  }
  bs.pages.forEach((page, index) => {
    const title = bs.titles[index];
    const trVisible = Array.isArray(result.visiblePages) ? result.visiblePages[index] : undefined;
    const visibilityAgrees = trVisible === page.visible;
    count(tally, 'visibility', visibilityAgrees);
    if (bs.whens[index] !== undefined) {
      const key = JSON.stringify(bs.whens[index]);
      const entry = tally.byWhen.get(key) ?? { agree: 0, total: 0, first: null };
      entry.total += 1;
      if (visibilityAgrees) entry.agree += 1;
      else entry.first ??= { template: template.id, case: name, backstage: page.visible, trellis: trVisible };
      tally.byWhen.set(key, entry);
    }
    if (!visibilityAgrees) {
      disagree({
        kind: 'visibility',
        category: `visibility: backstage ${page.visible ? 'visible' : 'hidden'}, trellis ${trVisible === true ? 'visible' : trVisible === false ? 'hidden' : trVisible} (when: ${JSON.stringify(bs.whens[index])})`,
        page: index, pageTitle: title, backstage: page.visible, trellis: trVisible,
      });
    }
    if (!page.visible) return;
    const trErrors = parameterErrors.filter((e) => e.page === index);
    const trVerdict = trErrors.length ? 'invalid' : 'valid';
    const agreed = page.verdict === trVerdict;
    count(tally, 'pages', agreed);
    if (!agreed) {
      const keywords = page.verdict === 'invalid'
        ? [...new Set(page.errors.map((e) => e.name))].sort().join(',')
        : page.verdict === 'throws' ? page.thrown.replace(/[<"].*$/, '').trim()
          : [...new Set(trErrors.map((e) => e.keyword))].sort().join(',');
      disagree({
        kind: 'page-verdict',
        category: `page verdict: backstage ${page.verdict}, trellis ${trVerdict} [${keywords}]`,
        page: index, pageTitle: title,
        backstage: page.verdict === 'throws' ? `throws ${page.thrown}` : page.verdict,
        trellis: trVerdict,
        trellisErrors: trErrors,
        jsonschemaErrors: page.errors,
      });
    }
  });
  const visibilityDiffers = bs.pages.some((p, i) => p.visible !== result.visiblePages?.[i]);
  const valuesAgree = util.isDeepStrictEqual(bs.values, result.values);
  count(tally, 'values', valuesAgree);
  if (!valuesAgree) {
    // A visibility difference explains a values difference only if Backstage, given Trellis'
    // visibility, strips exactly as Trellis did.
    const explained = visibilityDiffers && Array.isArray(result.visiblePages) &&
      util.isDeepStrictEqual(backstageValuesUnder(template.entity, values, result.visiblePages), result.values);
    disagree({
      kind: 'values',
      category: explained ? 'filtered values differ (page visibility differs too)'
        : visibilityDiffers ? 'filtered values differ (even with trellis page visibility)' : 'filtered values differ (same page visibility)',
      backstage: short(bs.values), trellis: short(result.values),
      difference: firstDifference(bs.values, result.values),
    });
  }
  if (bs.secrets) {
    const trSecretErrors = (result.errors ?? []).filter((e) => e.scope === 'secrets');
    const trVerdict = trSecretErrors.length ? 'invalid' : 'valid';
    const agreed = bs.secrets.verdict === trVerdict;
    count(tally, 'secrets', agreed);
    if (!agreed) {
      disagree({
        kind: 'secrets',
        category: `secrets verdict: backstage ${bs.secrets.verdict}, trellis ${trVerdict}`,
        backstage: bs.secrets.verdict, trellis: trVerdict,
        trellisErrors: trSecretErrors, jsonschemaErrors: bs.secrets.errors, secrets,
      });
    }
  }
}

function ratio(m) {
  return `${m.agree}/${m.total}`;
}

function summaryLine(label, tally) {
  return (
    `${label}: pages ${ratio(tally.pages)} agree, visibility ${ratio(tally.visibility)}, values ${ratio(tally.values)}, ` +
    `secrets ${ratio(tally.secrets)}, schema errors ${ratio(tally.schemaErrors)} ` +
    `(${tally.templates.size} templates, ${tally.cases} cases)`
  );
}

function allAgree(tally) {
  return tally.disagreements.length === 0;
}

/** Human-readable report: categories with counts and first example, then up to `limit` details. */
function disagreementReport(tally, limit = 50) {
  const list = tally.disagreements;
  if (!list.length) return '';
  const lines = [`${list.length} disagreement(s):`, 'by category:'];
  const categories = new Map();
  for (const d of list) {
    const entry = categories.get(d.category) ?? { count: 0, first: d };
    entry.count += 1;
    categories.set(d.category, entry);
  }
  for (const [category, { count: n, first }] of [...categories].sort((a, b) => b[1].count - a[1].count)) {
    lines.push(`  ${String(n).padStart(5)}  ${category}   e.g. ${first.template} :: ${first.case}${first.page !== undefined ? ` :: page ${first.page}` : ''}`);
  }
  lines.push(`details (first ${Math.min(limit, list.length)}; the first of each category first):`);
  const firsts = [...categories.values()].map((c) => c.first);
  const ordered = [...firsts, ...list.filter((d) => !firsts.includes(d))].slice(0, limit);
  ordered.forEach((d, i) => {
    lines.push(`--- #${i + 1} ${d.kind}: ${d.category}`);
    lines.push(`  template: ${d.template}`);
    lines.push(`  case:     ${d.case}`);
    if (d.page !== undefined) lines.push(`  page:     ${d.page}${d.pageTitle ? ` (${d.pageTitle})` : ''}`);
    lines.push(`  values:   ${short(d.values)}`);
    if (d.secrets !== undefined) lines.push(`  secrets:  ${short(d.secrets)}`);
    if (d.backstage !== undefined) lines.push(`  backstage: ${typeof d.backstage === 'string' ? d.backstage : short(d.backstage)}`);
    if (d.trellis !== undefined) lines.push(`  trellis:   ${typeof d.trellis === 'string' ? d.trellis : short(d.trellis)}`);
    if (d.difference) lines.push(`  first difference: ${d.difference}`);
    if (d.jsonschemaErrors?.length) {
      lines.push(`  jsonschema errors: ${d.jsonschemaErrors.slice(0, 5).map((e) => `${e.page !== undefined ? `p${e.page} ` : ''}${e.name} ${e.property}: ${e.message}`).join(' | ')}`);
    }
    if (d.trellisErrors?.length) {
      lines.push(`  trellis errors:    ${d.trellisErrors.slice(0, 5).map((e) => `${e.keyword} ${e.path} (${e.schemaPath}): ${e.message}`).join(' | ')}`);
    }
  });
  return lines.join('\n');
}

module.exports = {
  loadTrellis, backstageSide, backstageValuesUnder, trellisSide, runJsonschema, runCase, compareCase, backstageThrows, backstageVerdict,
  makeTally, mergeTally, summaryLine, disagreementReport, allAgree, firstDifference, trellisReason,
};
