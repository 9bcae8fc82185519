#!/usr/bin/env node
// Writes docs/images/trellis-check.svg, the README's picture: what `trellis check` prints for
// docs/examples/mistakes (a template with mistakes the test corpus really holds), drawn as a
// terminal would show it. The text is the CLI's own output, taken by running the built CLI
// (`node dist/cli.js`, after `bash scripts/build.sh`); only the colours are added here, by the
// same structure the CLI colours on a terminal (src/diagnostics/text.rs). A test regenerates the
// picture and compares (plugin-wrapper/test/readme.test.cjs).
//
//   node scripts/readme-image.cjs          write the picture
//   node scripts/readme-image.cjs --print  print the output it is drawn from
'use strict';

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
/** What the picture shows, run from the repository root. */
const TEMPLATE_DIR = 'docs/examples/mistakes';
const COMMAND = `npx trellis check ${TEMPLATE_DIR}`;
const IMAGE = 'docs/images/trellis-check.svg';

/** A terminal this wide: longer lines wrap, as they would there. */
const COLUMNS = 100;
const FONT_SIZE = 14;
/** Monospace advance of the fonts named below, as a fraction of the font size. */
const CHAR_WIDTH = FONT_SIZE * 0.6;
const LINE_HEIGHT = 20;
const PADDING = 16;

const COLOURS = {
  text: '#c9d1d9',
  prompt: '#8b949e',
  error: '#ff7b72',
  warning: '#e3b341',
  info: '#56d4dd',
  accent: '#79c0ff',
  background: '#0d1117',
};

/** The CLI's output for the picture (stdout, and the exit status, which must be 1: findings). */
function checkOutput() {
  const run = spawnSync(process.execPath, [path.join(root, 'dist/cli.js'), 'check', TEMPLATE_DIR, '--no-color'], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  if (run.error) throw run.error;
  if (run.status !== 1) {
    throw new Error(`\`trellis check ${TEMPLATE_DIR}\` exited ${run.status}, expected 1 (findings):\n${run.stderr}${run.stdout}`);
  }
  return run.stdout;
}

/**
 * One output line as styled segments `[text, style]`, following the CLI's colouring: the
 * severity and rule in the severity's colour, the message bold, the `-->`, gutter and `=` blue,
 * the carets in the finding's colour, the summary counts in theirs.
 */
function paint(line, severity) {
  let m;
  if ((m = /^(error|warning|info)(\[[^\]]*\])(:.*)$/.exec(line))) {
    return { severity: m[1], segments: [[m[1] + m[2], m[1]], [m[3], 'bold']] };
  }
  if ((m = /^(\s*)(-->)(.*)$/.exec(line))) return { segments: [[m[1], ''], [m[2], 'accent'], [m[3], '']] };
  if ((m = /^(\s*)(=)( )(hint)(:.*)$/.exec(line))) {
    return { segments: [[m[1], ''], [m[2], 'accent'], [m[3], ''], [m[4], 'bold'], [m[5], '']] };
  }
  if ((m = /^(\s*)(\d*)(\s*)(\|)(.*)$/.exec(line))) {
    const carets = /^(\s*)(\^+)(.*)$/.exec(m[5]);
    const rest = carets ? [[carets[1], ''], [carets[2], severity], [carets[3], '']] : [[m[5], '']];
    return { segments: [[m[1], ''], [m[2], 'accent'], [m[3], ''], [m[4], 'accent'], ...rest] };
  }
  if (/^\d+ (error|warning|info)s?\b/.test(line)) {
    const segments = [];
    const counts = /(\d+ (error|warning|info)s?)/g;
    let at = 0;
    while ((m = counts.exec(line))) {
      segments.push([line.slice(at, m.index), ''], [m[1], m[2]]);
      at = m.index + m[1].length;
    }
    segments.push([line.slice(at), '']);
    return { segments };
  }
  return { segments: [[line, '']] };
}

/** Splits styled segments into rows of at most `COLUMNS` characters (code points). */
function wrap(segments) {
  const rows = [[]];
  let used = 0;
  for (const [text, style] of segments) {
    let chars = [...text];
    while (chars.length > 0) {
      if (used === COLUMNS) {
        rows.push([]);
        used = 0;
      }
      const take = chars.slice(0, COLUMNS - used);
      rows[rows.length - 1].push([take.join(''), style]);
      used += take.length;
      chars = chars.slice(take.length);
    }
  }
  return rows;
}

const escapeXml = (text) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function tspan([text, style]) {
  if (text === '') return '';
  const attributes = [];
  const colour = { error: COLOURS.error, warning: COLOURS.warning, info: COLOURS.info, accent: COLOURS.accent, prompt: COLOURS.prompt }[style];
  if (colour) attributes.push(`fill="${colour}"`);
  if (style && style !== 'prompt') attributes.push('font-weight="bold"');
  return attributes.length === 0 ? escapeXml(text) : `<tspan ${attributes.join(' ')}>${escapeXml(text)}</tspan>`;
}

/** The picture of `output` (the CLI's text) after the command line that printed it. */
function svgOf(output) {
  const rows = [[['$ ', 'prompt'], [COMMAND, '']]];
  let severity = 'error';
  for (const line of output.replace(/\n$/, '').split('\n')) {
    const painted = paint(line, severity);
    severity = painted.severity ?? severity;
    rows.push(...wrap(painted.segments));
  }
  const width = Math.ceil(PADDING * 2 + COLUMNS * CHAR_WIDTH);
  const height = PADDING * 2 + rows.length * LINE_HEIGHT;
  const lines = rows.map((row, i) => {
    const y = PADDING + (i + 1) * LINE_HEIGHT - 6;
    return `    <text x="${PADDING}" y="${y}">${row.map(tspan).join('')}</text>`;
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="title">`,
    `  <title id="title">${escapeXml(`${COMMAND}\n${output}`)}</title>`,
    `  <rect width="${width}" height="${height}" rx="8" fill="${COLOURS.background}"/>`,
    `  <g font-family="ui-monospace, SFMono-Regular, Menlo, Consolas, 'DejaVu Sans Mono', 'Liberation Mono', monospace" font-size="${FONT_SIZE}" fill="${COLOURS.text}" xml:space="preserve">`,
    ...lines,
    '  </g>',
    '</svg>',
    '',
  ].join('\n');
}

/** The picture as it should be now: `{output, svg}`. */
function renderImage() {
  const output = checkOutput();
  return { output, svg: svgOf(output) };
}

module.exports = { COMMAND, IMAGE, TEMPLATE_DIR, renderImage, svgOf };

if (require.main === module) {
  const { output, svg } = renderImage();
  if (process.argv.includes('--print')) {
    process.stdout.write(output);
  } else {
    fs.mkdirSync(path.dirname(path.join(root, IMAGE)), { recursive: true });
    fs.writeFileSync(path.join(root, IMAGE), svg);
    console.log(`wrote ${IMAGE} (${svg.length} bytes)`);
  }
}
