'use strict';
// Runs one template source through the real `nunjitsu` engine (configured as Backstage's
// scaffolder-backend 4.3.0 configures it) and through Trellis' `checkTemplateSyntax`, and
// compares the two syntax verdicts.

const fs = require('node:fs');
const path = require('node:path');
const { createTemplateRenderer, TemplateRenderError, TemplateLimitError } = require('nunjitsu');

// ---------------------------------------------------------------------------------------------
// nunjitsu, as Backstage sets it up (NunjucksWorkflowRunner.cjs.js in scaffolder-backend 4.3.0):
//
//   createTemplateRenderer({
//     allowRegexExecution: true,
//     filters: { ...defaultFilters (parseRepoUrl, parseEntityRef, pick, projectSlug), ...module filters },
//     globals: { ...module globals, always: () => …, failure: () => … },
//   })
//
// and `fetch:template` (templateActionHandler.cjs.js) adds `cookiecutterCompat`, `trimBlocks` and
// `lstripBlocks` from the step input. The filters and globals here are STUBS with the real names:
// a syntax verdict never depends on what a filter or global does (nunjitsu parses the whole source
// before it evaluates anything, and an unknown or failing filter is an evaluation error, not a
// syntax error), so the real parseRepoUrl/projectSlug (which need SCM integrations) are not needed.
// ---------------------------------------------------------------------------------------------

const stubFilter = (input) => input;
const BACKSTAGE_FILTERS = Object.freeze({
  parseRepoUrl: stubFilter,
  parseEntityRef: stubFilter,
  pick: stubFilter,
  projectSlug: stubFilter,
});
const BACKSTAGE_GLOBALS = Object.freeze({
  always: () => true,
  failure: () => false,
});

/** Normalised engine options: the three booleans that change how source is read. */
function normaliseOptions(options = {}) {
  return {
    cookiecutterCompat: options.cookiecutterCompat === true,
    trimBlocks: options.trimBlocks === true,
    lstripBlocks: options.lstripBlocks === true,
  };
}

function optionsKey(options) {
  const o = normaliseOptions(options);
  return `${o.cookiecutterCompat ? 'cc' : 'bs'}${o.trimBlocks ? '+trim' : ''}${o.lstripBlocks ? '+lstrip' : ''}`;
}

const renderers = new Map();

/** One renderer per option combination, configured like Backstage's. */
function backstageRenderer(options) {
  const key = optionsKey(options);
  if (!renderers.has(key)) {
    renderers.set(
      key,
      createTemplateRenderer({
        allowRegexExecution: true,
        filters: { ...BACKSTAGE_FILTERS },
        globals: { ...BACKSTAGE_GLOBALS },
        ...normaliseOptions(options),
      }),
    );
  }
  return renderers.get(key);
}

/**
 * nunjitsu's verdict: `syntaxError` iff `render(source, {})` throws a TemplateRenderError with
 * `code === 'syntax_error'`. Rendering fine, an evaluation/capability error or a
 * TemplateLimitError all mean the syntax was accepted.
 */
function nunjitsuVerdict(source, options) {
  try {
    backstageRenderer(options).render(source, {});
    return { syntaxError: false, outcome: 'rendered' };
  } catch (error) {
    if (error instanceof TemplateRenderError) {
      return {
        syntaxError: error.code === 'syntax_error',
        outcome: error.code,
        phase: error.phase,
        message: error.message,
        line: error.line,
        column: error.column,
      };
    }
    if (error instanceof TemplateLimitError) {
      return {
        syntaxError: false,
        outcome: `limit:${error.limit}`,
        phase: error.phase,
        message: error.message,
        line: error.line,
        column: error.column,
      };
    }
    return { syntaxError: false, outcome: `thrown:${error?.name}`, message: String(error?.message ?? error) };
  }
}

// ---------------------------------------------------------------------------------------------
// Trellis
// ---------------------------------------------------------------------------------------------

/** Warns when the wasm core is older than the Rust sources (the test then checks an old build). */
function staleCoreWarning(root) {
  const wasm = path.join(root, 'pkg', 'trellis_bg.wasm');
  if (!fs.existsSync(wasm)) return null;
  const built = fs.statSync(wasm).mtimeMs;
  const newer = [];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (fs.statSync(full).mtimeMs > built) newer.push(path.relative(root, full));
    }
  };
  for (const dir of ['src', 'engine/src']) {
    if (fs.existsSync(path.join(root, dir))) walk(path.join(root, dir));
  }
  return newer.length
    ? `warning: pkg/trellis_bg.wasm is older than ${newer.slice(0, 3).join(', ')}${newer.length > 3 ? ', …' : ''}: run \`bash scripts/build.sh\``
    : null;
}

/** The Trellis wrapper (dist/index.js); `TRELLIS_PARITY_MODULE` may point at another module
 * exporting the same `checkTemplateSyntax(source, options)`. */
function loadTrellisSyntax() {
  const root = path.resolve(__dirname, '../../..');
  const file = process.env.TRELLIS_PARITY_MODULE
    ? path.resolve(process.env.TRELLIS_PARITY_MODULE)
    : path.join(root, 'dist', 'index.js');
  let trellis;
  try {
    trellis = require(file);
  } catch (error) {
    throw new Error(`cannot load Trellis from ${file} (run \`bash scripts/build.sh\` first): ${error.message}`);
  }
  if (typeof trellis.checkTemplateSyntax !== 'function') {
    throw new Error(`${file} does not export checkTemplateSyntax (run \`bash scripts/build.sh\` to rebuild dist/)`);
  }
  return { checkTemplateSyntax: trellis.checkTemplateSyntax, warning: staleCoreWarning(root) };
}

/** Trellis' verdict: `syntaxError` iff `checkTemplateSyntax(...).ok === false`. A throw (e.g. a
 * panic in the core) is recorded as its own outcome and always counts as a disagreement. */
function trellisVerdict(checkTemplateSyntax, source, options) {
  try {
    const result = checkTemplateSyntax(source, normaliseOptions(options));
    if (result.ok === false) {
      return { syntaxError: true, outcome: 'syntax_error', message: result.message, line: result.line, column: result.column };
    }
    if (result.ok === true) return { syntaxError: false, outcome: 'ok' };
    return { syntaxError: null, outcome: 'bad-result', message: JSON.stringify(result) };
  } catch (error) {
    return { syntaxError: null, outcome: 'thrown', message: `${error?.name}: ${error?.message ?? error}` };
  }
}

// ---------------------------------------------------------------------------------------------
// Comparison and reporting
// ---------------------------------------------------------------------------------------------

function makeTally(name) {
  return {
    name,
    total: 0,
    agree: 0,
    nunjitsuSyntaxErrors: 0,
    bothErrors: 0,
    lineAgree: 0,
    columnAgree: 0,
    lineMismatches: [],
    disagreements: [],
    outcomes: new Map(),
  };
}

/** Runs one case on both sides and records the result in `tally`. */
function runCase(tally, checkTemplateSyntax, item) {
  const options = normaliseOptions(item.options);
  const nunjitsu = nunjitsuVerdict(item.source, options);
  const trellis = trellisVerdict(checkTemplateSyntax, item.source, options);
  tally.total += 1;
  tally.outcomes.set(nunjitsu.outcome, (tally.outcomes.get(nunjitsu.outcome) ?? 0) + 1);
  if (nunjitsu.syntaxError) tally.nunjitsuSyntaxErrors += 1;
  if (trellis.syntaxError === nunjitsu.syntaxError) {
    tally.agree += 1;
    if (nunjitsu.syntaxError) {
      tally.bothErrors += 1;
      if (nunjitsu.line === trellis.line) tally.lineAgree += 1;
      else tally.lineMismatches.push({ ...item, options, nunjitsu, trellis });
      if (nunjitsu.line === trellis.line && nunjitsu.column === trellis.column) tally.columnAgree += 1;
    }
  } else {
    tally.disagreements.push({ ...item, options, nunjitsu, trellis });
  }
}

function truncate(text, max = 200) {
  const s = JSON.stringify(text);
  return s.length > max ? `${s.slice(0, max)}…" (${text.length} chars)` : s;
}

function verdictText(v) {
  if (v.syntaxError === true) return 'syntax error';
  if (v.syntaxError === false) return `no syntax error (${v.outcome})`;
  return `FAILED (${v.outcome})`;
}

function locationText(v) {
  return v.line === undefined ? '' : ` [line ${v.line}, column ${v.column}]`;
}

/** `syntax parity <set>: N/M agree (K syntax errors according to nunjitsu)`. */
function summaryLine(tally) {
  return `syntax parity ${tally.name}: ${tally.agree}/${tally.total} agree (${tally.nunjitsuSyntaxErrors} syntax errors according to nunjitsu)`;
}

function lineAgreementLine(tally) {
  return (
    `  both report a syntax error in ${tally.bothErrors} source(s): same line in ${tally.lineAgree}/${tally.bothErrors}, ` +
    `same line and column in ${tally.columnAgree}/${tally.bothErrors} (not asserted)`
  );
}

/** Every disagreement: the source (≤ 200 chars), both verdicts, both messages with line/column. */
function disagreementReport(tally) {
  const list = tally.disagreements;
  if (!list.length) return '';
  const lines = [`  ${list.length} disagreement(s) in ${tally.name}:`];
  list.forEach((d, i) => {
    lines.push(`  --- #${i + 1} ${d.id} (${optionsKey(d.options)})`);
    lines.push(`    source:   ${truncate(d.source)}`);
    lines.push(`    nunjitsu: ${verdictText(d.nunjitsu)}${d.nunjitsu.message ? `: ${d.nunjitsu.message}` : ''}${locationText(d.nunjitsu)}`);
    lines.push(`    trellis:  ${verdictText(d.trellis)}${d.trellis.message ? `: ${d.trellis.message}` : ''}${locationText(d.trellis)}`);
  });
  return lines.join('\n');
}

/** Sources where both sides report a syntax error on different lines (not asserted). */
function lineMismatchReport(tally, limit = 20) {
  const list = tally.lineMismatches;
  if (!list.length) return '';
  const lines = [`  line differs in ${list.length} source(s) where both report a syntax error (first ${Math.min(limit, list.length)}):`];
  for (const d of list.slice(0, limit)) {
    lines.push(`    ${d.id} (${optionsKey(d.options)}): ${truncate(d.source, 120)}`);
    lines.push(`      nunjitsu${locationText(d.nunjitsu)}: ${d.nunjitsu.message}`);
    lines.push(`      trellis${locationText(d.trellis)}: ${d.trellis.message}`);
  }
  return lines.join('\n');
}

module.exports = {
  BACKSTAGE_FILTERS,
  BACKSTAGE_GLOBALS,
  normaliseOptions,
  optionsKey,
  nunjitsuVerdict,
  loadTrellisSyntax,
  trellisVerdict,
  makeTally,
  runCase,
  summaryLine,
  lineAgreementLine,
  disagreementReport,
  lineMismatchReport,
  truncate,
};
