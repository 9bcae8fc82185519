/**
 * `trellis check`: finds the template files under the given paths, hands them to the core and
 * prints its report. Which files to read is decided here; everything about them is decided in Rust.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkFiles, expandGlob, listRules, type ReportFormat, type Severity } from '../core';
import { readLimits } from '../skeleton';
import { fileSkeletonReader } from '../skeletonReader';
import { commandRoot, confineIfInside, confinePath, displayPath, repositoryRootOf } from '../root';
import { looksLikeTemplate, readManifestFile } from './files';

export const CHECK_USAGE = `Usage: trellis check [PATH...] [options]

Checks Backstage Software Templates for mistakes that Backstage only shows at run time:
expression syntax, references to steps and parameters that do not exist, duplicated step ids,
plain-string \`if\`, v1beta2 syntax in v1beta3 templates, and the skeleton directories of
fetch:template steps next to each template (missing directories, syntax, values not passed,
unescaped CI expressions). PATH is a template file, a directory searched for YAML files holding
\`kind: Template\` (default: the current directory), or a quoted glob such as
'templates/**/template.yaml' (\`*\` within a directory, \`**\` across; the template files it matches).

Options:
  --format text|json|sarif|github   text (default): code frames like rustc; json: {diagnostics,
                                    summary}; sarif: SARIF 2.1.0; github: workflow commands
  --max-severity error|warning|info exit 1 when a finding is at or above this (default: error)
  --manifest FILE                   your instance's actions, filters, globals and form fields (from
                                    \`trellis manifest --url …\`), added to Backstage's built-ins
  --ignore RULE                     do not report RULE (repeatable); in a file, a comment
                                    \`# trellis-ignore RULE\` silences its line and the next
  --no-color                        plain text even on a terminal (NO_COLOR is honoured too)
  --root DIR                        the repository root: nothing outside it is read, and a fetch
                                    url leaving it is an error (url-outside-root) (default: per
                                    template, the nearest folder above it holding .git, else the
                                    current folder; see docs/security.md)
  -h, --help                        print this help

Exit status: 0 nothing at or above --max-severity, 1 findings, 2 usage or I/O error.
`;

const SKIPPED_DIRECTORIES = new Set(['node_modules', '.git', 'dist', 'target']);
const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };
const FORMATS: ReportFormat[] = ['text', 'json', 'sarif', 'github'];

/** Template files under `root`, in a stable order (also the language server's workspace scan). */
export function findTemplates(root: string, out: string[]): void {
  const entries = fs.readdirSync(root, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    const full = path.join(root, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRECTORIES.has(entry.name)) findTemplates(full, out);
    } else if (entry.isFile() && /\.ya?ml$/i.test(entry.name) && looksLikeTemplate(fs.readFileSync(full, 'utf8'))) {
      out.push(full);
    }
  }
}

export interface CheckCommandOptions {
  paths: string[];
  format: string;
  maxSeverity: string;
  colour: boolean;
  /** Path of an instance manifest file. */
  manifest?: string;
  /** Rule ids not to report. */
  ignore?: string[];
  /** `--root DIR`; default: each template's repository root. */
  root?: string;
}

/** Runs the command; returns the exit status. Throws `Error` for usage and I/O problems. */
export function runCheck(options: CheckCommandOptions): number {
  if (!FORMATS.includes(options.format as ReportFormat)) {
    throw new Error(`--format must be one of ${FORMATS.join(', ')}, got ${options.format}`);
  }
  if (!(options.maxSeverity in SEVERITY_RANK)) {
    throw new Error(`--max-severity must be error, warning or info, got ${options.maxSeverity}`);
  }
  /** `--root`, else the repository root of each file (a bad `--root` fails here, first). */
  const rootOf = (file: string): string => commandRoot(options.root, file);
  const cwdRoot = rootOf('.');
  /** A template file's text; it must not lead out of its repository root (symbolic links). */
  const readTemplate = (file: string): string => fs.readFileSync(confinePath(rootOf(file), file), 'utf8');
  const files: string[] = [];
  for (const given of options.paths.length > 0 ? options.paths : ['.']) {
    const stat = fs.statSync(given, { throwIfNoEntry: false });
    // A folder (walked without following links) or a file named: not a link out of its repository.
    if (stat !== undefined) confinePath(rootOf(given), given);
    if (stat === undefined) {
      // Not a path: a quoted pattern (`'templates/**/template.yaml'`), expanded by the core.
      const expansion = expandGlob(given, fileSkeletonReader());
      if (!expansion.pattern) throw new Error(`cannot read ${displayPath(given)}: no such file or directory`);
      if (expansion.files.length === 0) throw new Error(`no files match the pattern ${given}`);
      if (expansion.truncated) process.stderr.write(`warning: ${given}: stopped after ${readLimits().maxEntries} entries; more files may match\n`);
      const templates = expansion.files.filter(file => /\.ya?ml$/i.test(file) && looksLikeTemplate(readTemplate(file)));
      if (templates.length === 0) {
        throw new Error(`no template files (YAML with \`kind: Template\`) among the ${expansion.files.length} files matching ${given}`);
      }
      files.push(...templates);
    } else if (stat.isDirectory()) {
      findTemplates(given, files);
    } else {
      files.push(given);
    }
  }
  if (files.length === 0) {
    throw new Error(`no template files (YAML with \`kind: Template\`) found in ${options.paths.join(', ') || '.'}`);
  }
  // Every message names files relative to the current folder, and so does the reader.
  const sources = files.map(file => ({ path: displayPath(file), source: readTemplate(file) }));
  const manifest = readManifestFile(options.manifest && confineIfInside(cwdRoot, options.manifest));
  const known = new Set(listRules().map(r => r.id));
  const unknownRule = (options.ignore ?? []).find(rule => !known.has(rule));
  if (unknownRule !== undefined) {
    throw new Error(`--ignore ${unknownRule}: no such rule (trellis rules lists them)`);
  }
  const result = checkContained(sources, {
    format: options.format as ReportFormat,
    colour: options.colour,
    manifest,
    ignore: options.ignore,
    // Template paths are relative to the working directory, and so are skeleton paths; reads
    // stay inside each template's repository root.
    skeletons: fileSkeletonReader('.', { root: rootOf }),
  });
  process.stdout.write(result.report);
  const threshold = SEVERITY_RANK[options.maxSeverity as Severity];
  return result.diagnostics.some(d => SEVERITY_RANK[d.severity] >= threshold) ? 1 : 0;
}

/**
 * `checkFiles`, where a file the core fails on (an internal error: the core is restarted) becomes
 * that file's finding instead of the end of the run: each file is then checked alone to find which
 * fail, and the run is made again with those marked as failed.
 */
function checkContained(sources: { path: string; source: string }[], options: Parameters<typeof checkFiles>[1]) {
  const isInternal = (error: unknown) => (error as { code?: string })?.code === 'internal_error';
  try {
    return checkFiles(sources, options);
  } catch (error) {
    if (!isInternal(error)) throw error;
  }
  const marked = sources.map(file => {
    try {
      checkFiles([file], { ...options, format: 'json' });
      return file;
    } catch (error) {
      if (!isInternal(error)) throw error;
      return { ...file, failure: (error as Error).message };
    }
  });
  return checkFiles(marked, options);
}

export const RULES_USAGE = `Usage: trellis rules [--format text|markdown]

Lists the rules \`trellis check\` runs: id, default severity and what each checks.

Options:
  --format text|markdown   text (default): one aligned line per rule; markdown: the page
                           docs/rules.md (a table of rule, default severity, what it checks)
  -h, --help               print this help
`;

/** `trellis rules [--format text|markdown]`: one line per rule, or docs/rules.md. */
export function runRules(format = 'text'): number {
  const rules = listRules();
  if (format === 'markdown') {
    process.stdout.write(rulesMarkdown(rules));
    return 0;
  }
  if (format !== 'text') {
    throw new Error(`--format must be text or markdown, got ${format}`);
  }
  const width = Math.max(...rules.map(r => r.id.length));
  for (const rule of rules) {
    process.stdout.write(`${rule.id.padEnd(width)}  ${rule.defaultSeverity.padEnd(7)}  ${rule.description}\n`);
  }
  return 0;
}

/** The rule list as a Markdown page (docs/rules.md is this output, checked for drift by a test). */
function rulesMarkdown(rules: ReturnType<typeof listRules>): string {
  // Outside code spans `<id>` would be read as HTML; `|` ends a cell everywhere.
  const cell = (text: string) =>
    text
      .split('`')
      .map((part, i) => (i % 2 === 1 ? part : part.replace(/</g, '&lt;').replace(/>/g, '&gt;')))
      .join('`')
      .replace(/\|/g, '\\|');
  const rows = rules.map(r => `| \`${r.id}\` | ${r.defaultSeverity} | ${cell(r.description)} |`);
  return [
    '# Rules of `trellis check`',
    '',
    '<!-- Generated by `trellis rules --format markdown`; do not edit (a test compares). -->',
    '',
    `${rules.length} rules, in the order they run. Each finding names its rule; silence one with`,
    '`--ignore RULE` or a `# trellis-ignore RULE` comment on the line before. `unknown-action` is an',
    'error when `--manifest` describes the whole instance.',
    '',
    '| rule | default severity | what it checks |',
    '|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}
