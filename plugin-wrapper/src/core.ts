/**
 * The typed JavaScript face of the Rust core (pkg/trellis.js, built by wasm-bindgen).
 *
 * This file only converts: arguments become JSON text, results are parsed back. Every rule
 * (schemas, `when`, defaults, messages, locations) lives in the Rust core.
 */
import {
  argumentError,
  expectOptionalReader,
  expectOptionalString,
  expectOptions,
  expectReader,
  expectString,
  isPlainObject,
  toJson,
} from './arguments';
import { callCore, jsonFor, readJson } from './coreInstance';
import { repositoryRootOf } from './root';
import { fileSkeletonReader } from './skeletonReader';

/** Which part of the request an error is about. */
export type ParameterErrorScope = 'parameters' | 'secrets';

/** One failed check of a value against a parameter page (or the secrets schema). */
export interface ParameterError {
  scope: ParameterErrorScope;
  /** 0-based index of the page in `[spec.parameters].flat()`; null for secrets. */
  page: number | null;
  /** The page's `title`, when it has one. */
  pageTitle: string | null;
  /** JSON pointer into the values (or secrets), e.g. `/database/size`; `""` for the root. */
  path: string;
  /** The JSON Schema keyword that failed, e.g. `required`, `pattern`, `enum`. */
  keyword: string;
  /** A sentence naming the field, e.g. `repoUrl: is required`. */
  message: string;
  /** JSON pointer to the failing keyword inside the page schema. */
  schemaPath: string;
  /** 1-based line of the failing keyword in the template source, when known. */
  line?: number;
  /** 1-based column of the failing keyword in the template source, when known. */
  column?: number;
  /** The file `line` and `column` are in, when a catalog placeholder included it (absent: the
   * template itself). */
  file?: string;
}

/** What `validateParameters` returns. */
export interface ParameterResult {
  /** True when no visible page and no secret has an error. */
  valid: boolean;
  /**
   * The values a task would receive: values owned only by hidden pages removed, and defaults
   * filled in when `applyDefaults` was asked for.
   */
  values: Record<string, unknown>;
  /** One entry per page of `[spec.parameters].flat()`: false when the page's `when` hides it. */
  visiblePages: boolean[];
  /** Every error of every visible page, then those of the secrets. */
  errors: ParameterError[];
  /**
   * With `compat: 'backstage'`: each keyword npm `jsonschema` reads leniently (`minimum: '5'`),
   * and each broken page left unread because it is hidden; absent when there is none.
   */
  warnings?: ParameterWarning[];
}

/** A keyword of a page Backstage reads leniently (`compat: 'backstage'`). */
export interface ParameterWarning {
  scope: ParameterErrorScope;
  page: number | null;
  pageTitle: string | null;
  /** The keyword, e.g. `minimum`, `enum`. */
  keyword: string;
  /** What is wrong with it and what Backstage makes of it. */
  message: string;
  /** JSON pointer to the keyword inside the page schema. */
  schemaPath: string;
  line?: number;
  column?: number;
  /** The included file `line` and `column` are in (see {@link ParameterError.file}). */
  file?: string;
}

/** Options of `validateParameters`. */
export interface ValidateParametersOptions {
  /** Fill in schema defaults in the returned `values` (as the Backstage form does). */
  applyDefaults?: boolean;
  /** Secrets to check against `spec.secrets.schema`. */
  secrets?: Record<string, unknown>;
  /**
   * The template's file name, used in messages. For a template given as text, also where its
   * catalog placeholders (`$yaml`, `$json`, `$text`) are resolved from: the files they include
   * are read from disk, confined to the template's repository root (the nearest folder above it
   * holding `.git`, else the current folder), unless `files` is given.
   */
  path?: string;
  /**
   * Reads the files the template's catalog placeholders include (paths relative like `path`),
   * instead of the disk; `fileSkeletonReader` builds one. A placeholder the catalog would refuse
   * (missing file, bad YAML, outside the repository) is a {@link TrellisError}.
   */
  files?: SkeletonReader;
  /**
   * `'backstage'`: a page npm `jsonschema` reads leniently (`minimum: '5'`, `enum: a`, …) gets
   * Backstage's verdict plus a warning naming the keyword, and a broken page is read only when
   * visible; by default (`'strict'`) such a page is an `invalid-page-schema` error.
   */
  compat?: 'backstage' | 'strict';
}

/**
 * The shape of the `Error`s the core throws: a full sentence as `message`, plus where in the
 * input the problem is, when that is known.
 */
export interface TrellisError extends Error {
  /** Short name of the broken rule, e.g. `yaml-syntax`, `invalid-page-schema`, `invalid-values`. */
  rule?: string;
  /** The message without the location prefix. */
  reason?: string;
  hint?: string;
  file?: string;
  line?: number;
  column?: number;
  endLine?: number;
  endColumn?: number;
}

/** Options of `checkTemplateSyntax`: how the template engine reads the source. */
export interface SyntaxCheckOptions {
  /** Read variables as `{{ }}` instead of Backstage's `${{ }}` (`fetch:template`'s option). */
  cookiecutterCompat?: boolean;
  /** Remove the first newline after a block tag. */
  trimBlocks?: boolean;
  /** Remove the indentation before a block tag on an otherwise blank line. */
  lstripBlocks?: boolean;
}

/** What `checkTemplateSyntax` returns: `{ok: true}`, or the syntax error and where it is. */
export type SyntaxCheck =
  | { ok: true }
  | {
      ok: false;
      /** What is wrong, as a sentence. */
      message: string;
      /** 1-based line of the start of the offending text. */
      line: number;
      /** 1-based column (in characters) of the start of the offending text. */
      column: number;
      /** 1-based line of the end of the offending text. */
      endLine: number;
      /** 1-based column (in characters) of the end of the offending text. */
      endColumn: number;
    };

/**
 * Test-only, not part of the API (index.ts does not export it): makes the core panic with
 * `message`, to prove a panic becomes an {@link InternalError} and the next call works.
 */
export function __trellisPanicForTest(message: string): void {
  callCore((module) => module.__trellisPanicForTest(message));
}

/** The version of the Rust core. */
export function coreVersion(): string {
  return callCore((module) => module.version());
}

/**
 * Checks `values` against the parameter pages of a template, the way Backstage checks a task
 * request, but reports every error of every visible page.
 *
 * @param template - the template's YAML text, or the template as an object (e.g. a parsed entity)
 * @param values - the form values, a plain object
 * @throws TypeError when `values` (or `options.secrets`) is not a plain object or the template
 *   is neither a string nor an object; a {@link TrellisError} when the template cannot be read.
 */
export function validateParameters(
  template: string | object,
  values: object,
  options: ValidateParametersOptions = {},
): ParameterResult {
  const { source, valuesJson, optionsJson, files } = parameterArguments('validateParameters', template, values, options);
  return readJson(callCore((module) => module.validateParameters(source, valuesJson, optionsJson, files)));
}

/**
 * {@link validateParameters} with `trellis params`' text report of the result (formatted in the
 * core, as `trellis check`'s is), the template named by `options.path`. Not part of the API.
 */
export function validateParametersReport(
  template: string | object,
  values: object,
  options: ValidateParametersOptions = {},
): { result: ParameterResult; report: string } {
  const { source, valuesJson, optionsJson, files } = parameterArguments('validateParameters', template, values, options);
  return readJson(callCore((module) => module.parametersReport(source, valuesJson, optionsJson, files)));
}

/** The core's arguments for validating `values` against `template` (TypeErrors named for `fn`). */
function parameterArguments(fn: string, template: string | object, values: object, options: ValidateParametersOptions) {
  let source: string;
  let templateFormat: 'yaml' | 'json';
  if (typeof template === 'string') {
    source = template;
    templateFormat = 'yaml';
  } else if (template !== null && typeof template === 'object' && !Array.isArray(template)) {
    source = toJson(template, fn, 'the template');
    templateFormat = 'json';
    if (!source.startsWith('{')) throw argumentError(fn, 'the template', 'YAML text or an object', template);
  } else {
    throw argumentError(fn, 'the template', 'YAML text or an object', template);
  }
  if (!isPlainObject(values)) throw argumentError(fn, 'values', 'a plain object', values);
  options = expectOptions(options, fn);
  if (options.secrets !== undefined && options.secrets !== null && !isPlainObject(options.secrets)) {
    throw argumentError(fn, 'options.secrets', 'a plain object', options.secrets);
  }
  const coreOptions = {
    templateFormat,
    applyDefaults: options.applyDefaults === true,
    secrets: options.secrets ?? null,
    path: expectOptionalString(options.path, fn, 'options.path') ?? null,
    compat: options.compat ?? null,
  };
  // A template file's placeholders are read from its repository, as the CLI reads them.
  const given = expectOptionalReader(options.files, fn, 'options.files');
  const files =
    given ??
    (coreOptions.path !== null && templateFormat === 'yaml'
      ? fileSkeletonReader('.', { root: repositoryRootOf })
      : undefined);
  return {
    source,
    valuesJson: jsonFor('Values', values, fn, 'values'),
    optionsJson: jsonFor('ValidateOptions', coreOptions, fn, 'options'),
    files,
  };
}

/** How bad a finding is. */
export type Severity = 'error' | 'warning' | 'info';

/**
 * One finding of `trellis check` (1-based lines and columns, end exclusive). A type alias rather
 * than an interface, so it is a JSON object for the scaffolder's action output types.
 */
export type Diagnostic = {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: Severity;
  /** Stable rule id, e.g. `step-reference`. */
  rule: string;
  message: string;
  hint?: string;
};

/** Counts of a check run. */
export interface CheckSummary {
  errors: number;
  warnings: number;
  infos: number;
  files: number;
}

/** What `checkTemplate` returns. */
export interface CheckResult {
  diagnostics: Diagnostic[];
  summary: CheckSummary;
}

/** A rule of `trellis check`. */
export interface RuleDescription {
  id: string;
  description: string;
  defaultSeverity: Severity;
}

/** Output formats of `trellis check`. */
export type ReportFormat = 'text' | 'json' | 'sarif' | 'github';

/** What a path is; symbolic links are reported as such, never followed. */
export type SkeletonEntryKind = 'file' | 'dir' | 'symlink' | 'other';

/**
 * Read access to the files next to a template (the skeletons of its fetch steps), called
 * synchronously by the core. Paths use `/` and are relative to the same place as the template
 * paths given to the check (they may start with `..`). `fileSkeletonReader` (skeletonReader.ts)
 * implements it on the file system.
 */
export interface SkeletonReader {
  /** What is at `path` (not following a symlink), or null when nothing is there. */
  kind(path: string): SkeletonEntryKind | null;
  /** The entries of directory `path` as `[name, kind]`. */
  list(path: string): [string, SkeletonEntryKind][];
  /** The bytes of file `path`, or its size (a number) when it is bigger than `maxBytes`. */
  read(path: string, maxBytes: number): Uint8Array | number;
  /** Optional: the permission bits of `path` (rendered files keep them). */
  mode?(path: string): number;
  /** Optional: the link text of symlink `path`. */
  readlink?(path: string): string;
  /** Optional: the folder reads for the template at `templatePath` are confined to (its
   * repository root), in the form of the paths; urls leaving it are located errors. */
  root?(templatePath: string): string;
}

/**
 * Checks one template file's text (every `kind: Template` document in it) for mistakes that
 * Backstage only shows at run time; with `skeletons`, the skeletons of its fetch steps too.
 */
export function checkTemplate(
  source: string,
  options: { path?: string; skeletons?: SkeletonReader } = {},
): CheckResult {
  const fn = 'checkTemplate';
  expectString(source, fn, 'the source');
  options = expectOptions(options, fn);
  const path = expectOptionalString(options.path, fn, 'options.path') ?? null;
  const optionsJson = jsonFor('CheckTemplateOptions', { path }, fn, 'options');
  const reader = expectOptionalReader(options.skeletons, fn, 'options.skeletons');
  return readJson(callCore((module) => module.checkTemplate(source, optionsJson, reader)));
}

/**
 * `trellis check` over several files: the findings and the report rendered in `format`; with
 * `skeletons`, the skeletons of fetch steps are read through it.
 */
export function checkFiles(
  /** `failure`: the file could not be checked (its own check failed inside); reported as its finding. */
  files: { path: string; source: string; failure?: string }[],
  options: {
    format?: ReportFormat;
    colour?: boolean;
    manifest?: string;
    ignore?: string[];
    skeletons?: SkeletonReader;
    /** A baseline file's text (`trellis check --baseline`): the findings it records are left out. */
    baseline?: string;
    /** Record every finding: `baseline` in the result is the new file's text. */
    updateBaseline?: boolean;
  } = {},
): CheckResult & { report: string; baselined: number; baseline: string | null } {
  const fn = 'checkFiles';
  if (!Array.isArray(files)) throw argumentError(fn, 'files', 'an array of {path, source}', files);
  files.forEach((file, i) => {
    if (file === null || typeof file !== 'object') throw argumentError(fn, `files[${i}]`, 'a {path, source} object', file);
    expectString(file.path, fn, `files[${i}].path`);
    expectString(file.source, fn, `files[${i}].source`);
  });
  options = expectOptions(options, fn);
  // `manifest`: an instance manifest (`trellis manifest` output) as JSON text; `ignore`: rule ids.
  const coreOptions = {
    format: options.format ?? 'text',
    colour: options.colour === true,
    manifest: expectOptionalString(options.manifest, fn, 'options.manifest') ?? null,
    ignore: options.ignore ?? [],
    baseline: expectOptionalString(options.baseline, fn, 'options.baseline') ?? null,
    updateBaseline: options.updateBaseline === true,
  };
  const reader = expectOptionalReader(options.skeletons, fn, 'options.skeletons');
  const filesJson = jsonFor('CheckFiles', files, fn, 'files');
  const optionsJson = jsonFor('CheckFilesOptions', coreOptions, fn, 'options');
  return readJson(callCore((module) => module.checkFiles(filesJson, optionsJson, reader)));
}

/** An action as the manifest describes it. */
export interface ManifestAction {
  id: string;
  description?: string;
  schema: { input?: Record<string, unknown>; output?: Record<string, unknown> };
}

/**
 * The actions `trellis check` knows: scaffolder-backend 4.3.0's built-ins and Trellis' own, plus
 * those of `instanceManifest` (`trellis manifest` output as JSON text) when given. (Without one,
 * the check also knows the module snapshot's actions, schemas/manifest/module-actions.json.)
 */
export function actionManifest(instanceManifest?: string): { actions: ManifestAction[] } {
  const instance = expectOptionalString(instanceManifest, 'actionManifest', 'the instance manifest');
  return readJson(callCore((module) => module.actionManifest(instance)));
}

/**
 * The files a path pattern (`*` within a directory, `**` across) names, walked through `reader` and
 * matched in the core: `pattern` false when the text has no glob syntax. Throws (rule
 * `invalid-glob`) for a pattern that cannot be read.
 */
export function expandGlob(pattern: string, reader: SkeletonReader): { pattern: boolean; files: string[]; truncated: boolean } {
  expectString(pattern, 'expandGlob', 'the pattern');
  expectReader(reader, 'expandGlob', 'the reader');
  return readJson(callCore((module) => module.expandGlob(pattern, reader)));
}

/** Every rule `trellis check` runs. */
export function listRules(): RuleDescription[] {
  return callCore((module) => module.listRules());
}

/**
 * Checks that a template string (a step input, a skeleton file…) parses in Backstage's template
 * language, Nunjucks as the `nunjitsu` engine implements it, without rendering it.
 *
 * @param source - the template text, e.g. `${{ parameters.name | upper }}`
 * @param options - the engine options the text is rendered with (all off by default)
 */
export function checkTemplateSyntax(source: string, options: SyntaxCheckOptions = {}): SyntaxCheck {
  expectString(source, 'checkTemplateSyntax', 'the source');
  options = expectOptions(options, 'checkTemplateSyntax');
  const coreOptions = {
    cookiecutterCompat: options.cookiecutterCompat === true,
    trimBlocks: options.trimBlocks === true,
    lstripBlocks: options.lstripBlocks === true,
  };
  const optionsJson = jsonFor('SyntaxOptions', coreOptions, 'checkTemplateSyntax', 'options');
  return readJson(callCore((module) => module.checkTemplateSyntax(source, optionsJson)));
}
