/**
 * The typed JavaScript face of the Rust core (pkg/trellis.js, built by wasm-bindgen).
 *
 * This file only converts: arguments become JSON text, results are parsed back. Every rule
 * (schemas, `when`, defaults, messages, locations) lives in the Rust core.
 */
import * as path from 'node:path';

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
}

/** Options of `validateParameters`. */
export interface ValidateParametersOptions {
  /** Fill in schema defaults in the returned `values` (as the Backstage form does). */
  applyDefaults?: boolean;
  /** Secrets to check against `spec.secrets.schema`. */
  secrets?: Record<string, unknown>;
  /** The template's file name, used in messages. */
  path?: string;
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

/** The functions pkg/trellis.js exports (JSON text in, JSON text out). */
interface CoreModule {
  checkTemplateSyntax(source: string, optionsJson: string): string;
  validateParameters(templateSource: string, valuesJson: string, optionsJson: string): string;
  checkTemplate(source: string, optionsJson: string, reader?: SkeletonReader): string;
  checkFiles(filesJson: string, optionsJson: string, reader?: SkeletonReader): string;
  expandGlob(pattern: string, reader: SkeletonReader): string;
  listRules(): string;
  actionManifest(instanceJson?: string): string;
  version(): string;
  /** The text of the panic that trapped the last call, once (see src/wasm.rs). */
  takePanicMessage(): string | undefined;
  /** Test-only: panics (src/wasm.rs). */
  __trellisPanicForTest(message: string): void;
}

/** pkg/ sits next to dist/ at the package root; this file is dist/core.js once built. */
const corePath = path.join(__dirname, '..', 'pkg', 'trellis.js');

let core: CoreModule | undefined;
/** Counts instances of the core: objects made by an older instance must not be used again. */
let generation = 0;
const resetListeners: (() => void)[] = [];

/** Loads the wasm core on first use, and again after a fault replaced it. */
function loadCore(): CoreModule {
  if (!core) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      core = require(corePath) as CoreModule;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(
        `Trellis could not load its WebAssembly core from ${corePath}: ${reason}. ` +
          'Build it with `npm run build` (scripts/build.sh) or reinstall the package.',
      );
    }
  }
  return core;
}

/** The number of the current core instance; it changes when a fault replaced the instance. */
export function coreGeneration(): number {
  return generation;
}

/** Runs `listener` whenever a fault replaced the core instance (render.ts drops its caches). */
export function onCoreReset(listener: () => void): void {
  resetListeners.push(listener);
}

/** The `Error` a core fault becomes: code `internal_error`, the panic text, where to report it. */
export interface InternalError extends Error {
  code: 'internal_error';
  hint: string;
}

/** `WebAssembly.RuntimeError` (the ES2022 lib this package compiles against does not declare it). */
const WasmRuntimeError = (globalThis as unknown as { WebAssembly: { RuntimeError: new () => Error } }).WebAssembly
  .RuntimeError;

/**
 * A trap (`WebAssembly.RuntimeError`: a Rust panic, which aborts on wasm32, or running out of
 * memory) or a stack overflow inside wasm leaves the instance in an unknown state: borrowed
 * objects, a moved stack pointer.
 */
function isCoreFault(error: unknown): boolean {
  if (error instanceof WasmRuntimeError) return true;
  return error instanceof RangeError && /call stack/i.test(error.message) && /wasm-function|wasm:\/\//.test(error.stack ?? '');
}

/** Replaces the faulted instance with a fresh one (loaded on the next call) and describes the fault. */
function recoverFrom(faulted: CoreModule, fault: Error): InternalError {
  let panic: string | undefined;
  try {
    panic = faulted.takePanicMessage();
  } catch {
    // The instance may be too broken to answer; the trap's own message is all there is then.
  }
  delete require.cache[require.resolve(corePath)];
  core = undefined;
  generation += 1;
  for (const listener of resetListeners) listener();
  // The hook's text is `panicked at FILE:LINE:COLUMN:\nMESSAGE`: the message first, then where.
  const parts = panic ? /^panicked at (.+?):\n([\s\S]*)$/.exec(panic) : null;
  const what = parts ? `${parts[2]} (panicked at ${parts[1]})` : (panic ?? fault.message);
  const error = new Error(
    `Trellis' core failed with an internal error: ${what}. The core was restarted, so further calls work.`,
  ) as InternalError;
  error.name = 'TrellisInternalError';
  error.code = 'internal_error';
  error.hint =
    'This is a bug in Trellis, not in your template: please report it to the Trellis maintainers ' +
    'with this message and the template or input that caused it.';
  (error as Error & { cause?: unknown }).cause = fault;
  return error;
}

/**
 * Calls into the core. A fault inside it (see `isCoreFault`) becomes an {@link InternalError}
 * and the next call runs on a fresh instance; every other error passes through unchanged.
 */
export function callCore<T>(call: (module: CoreModule) => T): T {
  const module = loadCore();
  try {
    return call(module);
  } catch (error) {
    if (!isCoreFault(error)) throw error;
    throw recoverFrom(module, error as Error);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return false;
  }
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') {
    const name = (value as object).constructor?.name;
    return name ? `a ${name}` : 'an object without a plain prototype';
  }
  return `a ${typeof value}`;
}

/**
 * Test-only, not part of the API (index.ts does not export it): makes the core panic with
 * `message`, to prove a panic becomes an {@link InternalError} and the next call works.
 */
export function __trellisPanicForTest(message: string): void {
  callCore((module) => module.__trellisPanicForTest(message));
}

/** {@link callCore} with the module typed by the caller (render.ts declares the render exports). */
export function callCoreAs<T, R>(call: (module: T) => R): R {
  return callCore((module) => call(module as unknown as T));
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
  let source: string;
  let templateFormat: 'yaml' | 'json';
  if (typeof template === 'string') {
    source = template;
    templateFormat = 'yaml';
  } else if (template !== null && typeof template === 'object' && !Array.isArray(template)) {
    source = JSON.stringify(template);
    templateFormat = 'json';
  } else {
    throw new TypeError(
      `validateParameters: the template must be YAML text or an object, got ${describe(template)}`,
    );
  }
  if (!isPlainObject(values)) {
    throw new TypeError(`validateParameters: values must be a plain object, got ${describe(values)}`);
  }
  if (options.secrets !== undefined && options.secrets !== null && !isPlainObject(options.secrets)) {
    throw new TypeError(
      `validateParameters: options.secrets must be a plain object, got ${describe(options.secrets)}`,
    );
  }
  const coreOptions = {
    templateFormat,
    applyDefaults: options.applyDefaults === true,
    secrets: options.secrets ?? null,
    path: options.path ?? null,
  };
  const resultJson = callCore((module) =>
    module.validateParameters(source, JSON.stringify(values), JSON.stringify(coreOptions)),
  );
  return JSON.parse(resultJson) as ParameterResult;
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
}

/**
 * Checks one template file's text (every `kind: Template` document in it) for mistakes that
 * Backstage only shows at run time; with `skeletons`, the skeletons of its fetch steps too.
 */
export function checkTemplate(
  source: string,
  options: { path?: string; skeletons?: SkeletonReader } = {},
): CheckResult {
  const optionsJson = JSON.stringify({ path: options.path ?? null });
  return JSON.parse(callCore((module) => module.checkTemplate(source, optionsJson, options.skeletons))) as CheckResult;
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
  } = {},
): CheckResult & { report: string } {
  // `manifest`: an instance manifest (`trellis manifest` output) as JSON text; `ignore`: rule ids.
  const coreOptions = {
    format: options.format ?? 'text',
    colour: options.colour === true,
    manifest: options.manifest ?? null,
    ignore: options.ignore ?? [],
  };
  const resultJson = callCore((module) =>
    module.checkFiles(JSON.stringify(files), JSON.stringify(coreOptions), options.skeletons),
  );
  return JSON.parse(resultJson) as CheckResult & { report: string };
}

/** An action as the manifest describes it. */
export interface ManifestAction {
  id: string;
  description?: string;
  schema: { input?: Record<string, unknown>; output?: Record<string, unknown> };
}

/**
 * The actions `trellis check` knows: scaffolder-backend 4.3.0's built-ins and Trellis' own, plus
 * those of `instanceManifest` (`trellis manifest` output as JSON text) when given.
 */
export function actionManifest(instanceManifest?: string): { actions: ManifestAction[] } {
  return JSON.parse(callCore((module) => module.actionManifest(instanceManifest))) as { actions: ManifestAction[] };
}

/**
 * The files a path pattern (`*` within a directory, `**` across) names, walked through `reader` and
 * matched in the core: `pattern` false when the text has no glob syntax. Throws (rule
 * `invalid-glob`) for a pattern that cannot be read.
 */
export function expandGlob(pattern: string, reader: SkeletonReader): { pattern: boolean; files: string[]; truncated: boolean } {
  return JSON.parse(callCore((module) => module.expandGlob(pattern, reader))) as { pattern: boolean; files: string[]; truncated: boolean };
}

/** Every rule `trellis check` runs. */
export function listRules(): RuleDescription[] {
  return JSON.parse(callCore((module) => module.listRules())) as RuleDescription[];
}

/**
 * Checks that a template string (a step input, a skeleton file…) parses in Backstage's template
 * language, Nunjucks as the `nunjitsu` engine implements it, without rendering it.
 *
 * @param source - the template text, e.g. `${{ parameters.name | upper }}`
 * @param options - the engine options the text is rendered with (all off by default)
 */
export function checkTemplateSyntax(source: string, options: SyntaxCheckOptions = {}): SyntaxCheck {
  const coreOptions = {
    cookiecutterCompat: options.cookiecutterCompat === true,
    trimBlocks: options.trimBlocks === true,
    lstripBlocks: options.lstripBlocks === true,
  };
  const resultJson = callCore((module) => module.checkTemplateSyntax(source, JSON.stringify(coreOptions)));
  return JSON.parse(resultJson) as SyntaxCheck;
}
