/**
 * Cookiecutter templates without Python: `renderCookiecutter` hands the entries (as
 * `readSkeletonDir` gives them) to the Rust core, which renders them as cookiecutter 2.7.1 does
 * (src/cookiecutter/, docs/cookiecutter.md). Bytes cross as `Uint8Array`s.
 */
import { callCore, jsonFor, objectJsonFor, readJson } from './coreInstance';
import type { SkeletonEntry, SkippedEntry } from './skeleton';

export interface CookiecutterOptions {
  /**
   * `plain` (default): a cookiecutter template folder (`cookiecutter.json` beside a
   * `{{cookiecutter.…}}` folder), rendered as `cookiecutter --no-input` writes `OUT/<project>/…`.
   * `backstage`: the folder Backstage's `fetch:cookiecutter` fetches; result paths are relative
   * to the action's `targetPath` (what it copies there).
   */
  mode?: 'plain' | 'backstage';
  /** The clock of `{% now %}` (RFC 3339; its offset is the `'local'` zone). Default: now, here. */
  now?: string;
  /** Seeds `random_ascii_string` and `uuid4` (reproducible renders); default: random. */
  seed?: number;
  /** Backstage mode: fetch:cookiecutter's `copyWithoutRender` input. */
  copyWithoutRender?: string[];
  /** Backstage mode: fetch:cookiecutter's `extensions` input. */
  extensions?: string[];
  /** What `cookiecutter._template` / `_repo_dir` and `_output_dir` hold (default `.`). */
  templatePath?: string;
  outputDir?: string;
  limits?: CookiecutterLimits;
}

export interface CookiecutterLimits {
  /** minijinja fuel per file, path or variable (default 50,000,000). */
  fuel?: number;
  /** Nesting of includes, macros and blocks (default 100). */
  recursionLimit?: number;
  /** Sum of the output files' bytes (default 256 MiB). */
  maxTotalOutput?: number;
}

export interface CookiecutterResult {
  /** Directories and files; `content` is a Uint8Array for files. */
  files: SkeletonEntry[];
  /** Files whose name rendered empty (cookiecutter leaves them out). */
  skipped: SkippedEntry[];
  /** The rendered project folder (`contents` in backstage mode). */
  projectDir: string;
  /** What Trellis did not do that cookiecutter would (hooks). */
  warnings: string[];
  /** The context rendered with: `{cookiecutter, _cookiecutter}`. */
  context: Record<string, unknown>;
}

/** What `renderCookiecutter` throws: file, 1-based line and column, a code and a hint. */
export interface CookiecutterError extends Error {
  code:
    | 'syntax_error'
    | 'render_error'
    | 'limit_error'
    | 'unsafe_path'
    | 'unsafe_symlink'
    | 'path_conflict'
    | 'empty_name'
    | 'invalid_context'
    | 'invalid_template'
    | 'invalid_option'
    | 'unsupported_extension';
  file: string;
  line?: number;
  column?: number;
  hint?: string;
  reason: string;
}

const encoder = new TextEncoder();

/** The host's clock as RFC 3339 with its own offset (so `{% now 'local' %}` is local time). */
export function localNow(date: Date = new Date()): string {
  const offset = -date.getTimezoneOffset();
  const local = new Date(date.getTime() + offset * 60_000).toISOString().replace('Z', '');
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/**
 * Renders a cookiecutter template as cookiecutter 2.7.1 does with `--no-input` and hooks off.
 * `values` is the extra context (plain mode) or fetch:cookiecutter's `values` (backstage mode).
 * Nothing partial: it returns everything or throws a {@link CookiecutterError}.
 */
export function renderCookiecutter(files: SkeletonEntry[], values: object = {}, options: CookiecutterOptions = {}): CookiecutterResult {
  const { limits, ...rest } = options;
  const entries = files.map((f) => ({
    path: f.path,
    type: f.type ?? (f.symlink !== undefined ? 'symlink' : 'file'),
    mode: f.mode ?? 0,
    symlink: f.symlink,
  }));
  const contents = files.map((f) => (typeof f.content === 'string' ? encoder.encode(f.content) : f.content ?? new Uint8Array(0)));
  const fn = 'renderCookiecutter';
  const entriesJson = jsonFor('CookiecutterEntries', entries, fn, 'files');
  const valuesJson = objectJsonFor('Values', values ?? {}, fn, 'values');
  const optionsJson = jsonFor('CookiecutterOptions', { ...rest, ...limits, now: options.now ?? localNow() }, fn, 'options');
  const out = callCore((core) => core.renderCookiecutter(entriesJson, contents, valuesJson, optionsJson));
  const meta = readJson(out.meta);
  const described = readJson(out.entries);
  const result: SkeletonEntry[] = described.map((entry, index) =>
    entry.type === 'file' ? { ...entry, content: out.contents[index] } : entry,
  );
  return { ...meta, files: result };
}
