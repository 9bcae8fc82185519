#!/usr/bin/env node
/**
 * `trellis`, the command line over the same core: argument parsing and formatting only.
 *
 * Exit codes: 0 valid (manifest: written), 1 invalid values or findings, 2 usage, I/O, network or
 * template error.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { validateParametersReport, type ParameterResult, type TrellisError } from './core';
import { CHECK_USAGE, RULES_USAGE, runCheck, runRules } from './commands/check';
import { LSP_USAGE, runLsp } from './commands/lsp';
import { MANIFEST_USAGE, runManifest } from './commands/manifest';
import { RENDER_USAGE, runRender } from './commands/render';
import { commandRoot, confineIfInside, confinePath, displayPath, OUTSIDE_ROOT_HINT, OutsideRootError } from './root';
import { fileSkeletonReader } from './skeletonReader';

const USAGE = `Usage: trellis <command> [options]

Commands:
  check [PATH...]                      find mistakes in templates (trellis check --help)
  rules [--format text|markdown]       list the rules check runs
  params TEMPLATE_FILE --values FILE   check parameter values against a template's forms
  render TEMPLATE --values FILE        run a template offline like Backstage's dry-run
                                       (trellis render --help)
  manifest --url BACKSTAGE_URL         save an instance's scaffolder actions, filters and globals
  lsp [--stdio]                        run the language server for editors (trellis lsp --help)

Options:
  -h, --help     print this help (also: trellis params --help)
  -V, --version  print the version

Exit status: check: 0 clean, 1 findings; params: 0 valid, 1 invalid values; render: 0 rendered,
1 invalid values, a failing step or a golden-tree difference; manifest: 0 written;
2 usage, I/O, network or template error.
`;

const PARAMS_USAGE = `Usage: trellis params TEMPLATE_FILE --values FILE [options]

Checks values against the parameter pages (spec.parameters) of a template the way the
Backstage scaffolder checks a task request (draft-07, \`when\` hides pages), and reports
every error of every visible page with its place in the template.

Options:
  --values FILE        the values to check: a JSON or YAML object (required)
  --secrets FILE       secrets to check against spec.secrets.schema: a JSON or YAML object
  --apply-defaults     fill in schema defaults in the resulting values (shown with --format json)
  --format text|json   text (default): one error per entry, rustc style;
                       json: the result object {valid, values, visiblePages, errors}
  --root DIR           the repository root: nothing outside it is read (default: the nearest
                       folder above the template holding .git, else the current folder);
                       the template, and files named inside the root, must not lead out of it
                       through symbolic links (docs/security.md)
  -h, --help           print this help

Exit status: 0 valid, 1 invalid values, 2 usage, I/O or template error.
`;

/** A failure that ends the command with exit status 2 and a message on stderr. */
class UsageError extends Error {
  constructor(
    message: string,
    readonly usage?: string,
  ) {
    super(message);
  }
}

function readText(file: string, what: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new UsageError(`cannot read ${what} ${displayPath(file)}: ${reason}`);
  }
}

/** The root of a command (`--root`, else the repository root of `file`); a bad `--root` is a
 * usage error. */
function rootOption(given: string | undefined, file: string, usage: string): string {
  try {
    return commandRoot(given, file);
  } catch (error) {
    throw new UsageError((error as Error).message, usage);
  }
}

/** Reads a JSON or YAML file that must hold one object (values, secrets). */
function readObjectFile(file: string, what: string, root: string): Record<string, unknown> {
  const text = readText(confineIfInside(root, file), what);
  let data: unknown;
  try {
    data = /\.json$/i.test(file) ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new UsageError(`cannot parse ${what} ${displayPath(file)}: ${(error as Error).message}`);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    const found = data === null || data === undefined ? 'nothing' : Array.isArray(data) ? 'a list' : `a ${typeof data}`;
    throw new UsageError(`${what} ${displayPath(file)} must hold an object (a mapping of names to values), found ${found}`);
  }
  return data as Record<string, unknown>;
}

/** The core's messages already start with `file:line:col:` when they know the place. */
function formatCoreError(error: TrellisError): string {
  let message = error.message;
  if (error.file && error.line !== undefined && !message.includes(`${error.file}:${error.line}`)) {
    message = `${error.file}:${error.line}:${error.column ?? 1}: ${message}`;
  }
  const rule = error.rule ? `[${error.rule}]` : '';
  return `error${rule}: ${message}`;
}

/** `parseArgs` for one command: a malformed or unknown option is a {@link UsageError} with that
 * command's usage text. */
function parseCommandArgs<T extends ParseArgsConfig>(config: T, usage: string): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (error) {
    throw new UsageError((error as Error).message, usage);
  }
}

/** `params` and `render` take one template and `--values FILE` (returned). */
function requireTemplateAndValues(positionals: string[], values: string | undefined, what: string, usage: string): string {
  if (positionals.length !== 1) {
    throw new UsageError(
      positionals.length === 0 ? `missing ${what}` : `expected one ${what}, got ${positionals.length}`,
      usage,
    );
  }
  if (values === undefined) {
    throw new UsageError('missing --values FILE', usage);
  }
  return values;
}

function runParams(args: string[]): number {
  const { values: flags, positionals } = parseCommandArgs(
    {
      args,
      allowPositionals: true,
      strict: true,
      options: {
        values: { type: 'string' },
        secrets: { type: 'string' },
        'apply-defaults': { type: 'boolean' },
        format: { type: 'string' },
        root: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    },
    PARAMS_USAGE,
  );
  if (flags.help) {
    process.stdout.write(PARAMS_USAGE);
    return 0;
  }
  const valuesFile = requireTemplateAndValues(positionals, flags.values, 'TEMPLATE_FILE', PARAMS_USAGE);
  const format = flags.format ?? 'text';
  if (format !== 'text' && format !== 'json') {
    throw new UsageError(`--format must be text or json, got ${format}`, PARAMS_USAGE);
  }

  const templateFile = positionals[0];
  const root = rootOption(flags.root, templateFile, PARAMS_USAGE);
  const source = readText(confinePath(root, templateFile), 'template');
  const values = readObjectFile(valuesFile, 'values file', root);
  const secrets = flags.secrets === undefined ? undefined : readObjectFile(flags.secrets, 'secrets file', root);
  // Every message names files relative to the current folder.
  const shownPath = displayPath(templateFile);

  let result: ParameterResult;
  let report: string;
  try {
    ({ result, report } = validateParametersReport(source, values, {
      applyDefaults: flags['apply-defaults'] === true,
      secrets,
      path: shownPath,
      files: fileSkeletonReader('.', { root }),
    }));
  } catch (error) {
    process.stderr.write(`${formatCoreError(error as TrellisError)}\n`);
    return 2;
  }

  if (format === 'json') {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } else {
    process.stdout.write(report);
  }
  return result.valid ? 0 : 1;
}

function runCheckCommand(args: string[]): number {
  const { values: flags, positionals } = parseCommandArgs(
    {
      args,
      allowPositionals: true,
      strict: true,
      options: {
        format: { type: 'string' },
        'max-severity': { type: 'string' },
        'no-color': { type: 'boolean' },
        manifest: { type: 'string' },
        ignore: { type: 'string', multiple: true },
        root: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    },
    CHECK_USAGE,
  );
  if (flags.help) {
    process.stdout.write(CHECK_USAGE);
    return 0;
  }
  const format = flags.format ?? 'text';
  const colour = format === 'text' && !flags['no-color'] && !process.env.NO_COLOR && process.stdout.isTTY === true;
  try {
    return runCheck({
      paths: positionals,
      format,
      maxSeverity: flags['max-severity'] ?? 'error',
      colour,
      manifest: flags.manifest,
      ignore: flags.ignore,
      root: flags.root,
    });
  } catch (error) {
    if (error instanceof OutsideRootError) throw error;
    // Usage and I/O problems come without a rule; the core's (e.g. invalid-manifest) carry one
    // and a complete message, so they are shown without the usage text.
    const rule = (error as TrellisError).rule;
    const message = (error as Error).message;
    throw new UsageError(
      rule === 'invalid-manifest' ? `${displayPath(flags.manifest ?? '')}: ${message}` : message,
      rule === undefined ? CHECK_USAGE : undefined,
    );
  }
}

function runRenderCommand(args: string[]): number {
  const { values: flags, positionals } = parseCommandArgs(
    {
      args,
      allowPositionals: true,
      strict: true,
      options: {
        values: { type: 'string' },
        secrets: { type: 'string' },
        out: { type: 'string' },
        report: { type: 'string' },
        check: { type: 'string' },
        update: { type: 'boolean' },
        manifest: { type: 'string' },
        root: { type: 'string' },
        now: { type: 'string' },
        seed: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    },
    RENDER_USAGE,
  );
  if (flags.help) {
    process.stdout.write(RENDER_USAGE);
    return 0;
  }
  const valuesFile = requireTemplateAndValues(positionals, flags.values, 'TEMPLATE_FILE_OR_DIR', RENDER_USAGE);
  const root = rootOption(flags.root, positionals[0], RENDER_USAGE);
  const values = readObjectFile(valuesFile, 'values file', root);
  const secrets = flags.secrets === undefined ? undefined : readObjectFile(flags.secrets, 'secrets file', root);
  try {
    return runRender({
      template: positionals[0],
      root,
      values,
      secrets,
      out: flags.out,
      report: flags.report,
      check: flags.check,
      update: flags.update === true,
      manifest: flags.manifest,
      now: flags.now,
      seed: flags.seed,
    });
  } catch (error) {
    if ((error as TrellisError).rule !== undefined || error instanceof OutsideRootError) throw error;
    throw new UsageError((error as Error).message);
  }
}

function runRulesCommand(args: string[]): number {
  const flags = parseCommandArgs(
    {
      args,
      allowPositionals: false,
      strict: true,
      options: { format: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    },
    RULES_USAGE,
  ).values;
  if (flags.help) {
    process.stdout.write(RULES_USAGE);
    return 0;
  }
  try {
    return runRules(flags.format ?? 'text');
  } catch (error) {
    throw new UsageError((error as Error).message, RULES_USAGE);
  }
}

async function runManifestCommand(args: string[]): Promise<number> {
  const flags = parseCommandArgs(
    {
      args,
      allowPositionals: false,
      strict: true,
      options: {
        url: { type: 'string' },
        token: { type: 'string' },
        out: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    },
    MANIFEST_USAGE,
  ).values;
  if (flags.help) {
    process.stdout.write(MANIFEST_USAGE);
    return 0;
  }
  if (flags.url === undefined || flags.url === '') {
    throw new UsageError('missing --url BACKSTAGE_URL', MANIFEST_USAGE);
  }
  return runManifest({ url: flags.url, token: flags.token ?? process.env.BACKSTAGE_TOKEN, out: flags.out });
}

/** `trellis lsp`: the server runs until the client ends it (vscode-languageserver exits the process). */
function runLspCommand(args: string[]): Promise<number> | number {
  const flags = parseCommandArgs(
    {
      args,
      allowPositionals: false,
      strict: true,
      // vscode-languageclient adds --clientProcessId (read by vscode-languageserver itself).
      options: {
        stdio: { type: 'boolean' },
        manifest: { type: 'string' },
        clientProcessId: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    },
    LSP_USAGE,
  ).values;
  if (flags.help) {
    process.stdout.write(LSP_USAGE);
    return 0;
  }
  try {
    runLsp({ manifest: flags.manifest, version: version() });
  } catch (error) {
    throw new UsageError((error as Error).message, LSP_USAGE);
  }
  return new Promise<number>(() => {});
}

function version(): string {
  const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8'));
  return `trellis ${manifest.version}`;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'params':
        return runParams(rest);
      case 'check':
        return runCheckCommand(rest);
      case 'rules':
        return runRulesCommand(rest);
      case 'render':
        return runRenderCommand(rest);
      case 'manifest':
        return await runManifestCommand(rest);
      case 'lsp':
        return await runLspCommand(rest);
      case '-h':
      case '--help':
      case 'help':
        process.stdout.write(USAGE);
        return 0;
      case '-V':
      case '--version':
        process.stdout.write(`${version()}\n`);
        return 0;
      case undefined:
        process.stderr.write(USAGE);
        return 2;
      default:
        throw new UsageError(`unknown command '${command}'`, USAGE);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`error: ${error.message}\n`);
      if (error.usage) process.stderr.write(`\n${error.usage}`);
      return 2;
    }
    if (error instanceof OutsideRootError) {
      process.stderr.write(`error[${error.code}]: ${error.message}\n  = hint: ${OUTSIDE_ROOT_HINT}\n`);
      return 2;
    }
    process.stderr.write(`error: trellis failed unexpectedly: ${(error as Error)?.stack ?? String(error)}\n`);
    return 2;
  }
}

main(process.argv.slice(2)).then(status => {
  process.exitCode = status;
});
