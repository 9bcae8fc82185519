/**
 * Skeletons (`fetch:template`): `renderSkeleton` hands the entries to the Rust core (bytes as
 * `Uint8Array`, no JSON or base64) where every rule lives; `readSkeletonDir` and
 * `writeSkeleton` are the only file-system side, and never follow symbolic links.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as Core from '../pkg/trellis';
import { argumentError, expectBytes, expectOptions, expectString } from './arguments';
import { callCore, disposeAfter, jsonFor, objectJsonFor, readJson } from './coreInstance';
import type { HostFunction, RenderLimits } from './render';
import { confinePath } from './root';

/** One entry of a skeleton, or of a rendered tree: a file, a directory or a symbolic link. */
export interface SkeletonEntry {
  /** Relative, `/`-separated, no leading `/`; directories without a trailing `/`. */
  path: string;
  /** Files: the bytes (a string is taken as UTF-8). Rendered files always carry a Uint8Array. */
  content?: Uint8Array | string;
  /** Unix permission bits (default 0o644). */
  mode?: number;
  /** Default: `'symlink'` when `symlink` is given, else `'file'`. */
  type?: 'file' | 'directory' | 'symlink';
  /** Symlinks: the link target as `readlink` gives it. */
  symlink?: string;
}

/** The package's name for {@link SkeletonEntry} (it holds directories and links too). */
export type SkeletonFile = SkeletonEntry;

/** `fetch:template`'s inputs that decide rendering, plus Trellis' bounds and render options. */
export interface SkeletonOptions {
  /** globby patterns (directory names cover their contents, `!` negates). */
  copyWithoutTemplating?: string[];
  /** `true` means `.njk`; only files with the extension are rendered, and it is stripped. */
  templateFileExtension?: string | boolean;
  /** `{{ }}` variables, `cookiecutter` as the context name, the `jsonify` filter. */
  cookiecutterCompat?: boolean;
  trimBlocks?: boolean;
  lstripBlocks?: boolean;
  /** Undefined names are errors instead of "". */
  strict?: boolean;
  /** Per-file render limits (defaults: Nunjitsu's). */
  limits?: RenderLimits;
  /** Bound on the sum of the rendered files' bytes (default 256 MiB). */
  maxTotalOutput?: number;
  /** Filters added to Backstage's (a module's `addTemplateFilters`). */
  filters?: Record<string, HostFunction>;
  /** Global functions and values. */
  globals?: Record<string, HostFunction | unknown>;
  /** SCM hosts → integration type for `parseRepoUrl`. */
  integrations?: Record<string, string>;
  /**
   * Strings never to show in an error message (with their reversed, case-changed, base64 and
   * escaped forms): the task's secrets, which a step may pass to the skeleton in `values`.
   */
  secrets?: string[];
}

/** An entry Backstage's skip rule leaves out (rendered path empty, `/`-leading or with `//`). */
export interface SkippedEntry {
  path: string;
  renderedPath: string;
  reason: string;
}

export interface SkeletonResult {
  /** Rendered paths, in input order, directories included; `content` is a Uint8Array. */
  files: SkeletonEntry[];
  skipped: SkippedEntry[];
}

/** What `renderSkeleton` throws. */
export interface SkeletonError extends Error {
  code:
    | 'syntax_error'
    | 'render_error'
    | 'limit_error'
    | 'unsafe_path'
    | 'unsafe_symlink'
    /** A path needs a directory where the skeleton produces a file. */
    | 'path_conflict'
    | 'invalid_option';
  /** The skeleton path (input path) the problem is in; empty for option errors. */
  file: string;
  /** 1-based, inside the file (or inside its path, for an error in a name). */
  line?: number;
  column?: number;
  hint?: string;
  reason: string;
}

/** `fetch:template`'s inputs that decide how a skeleton renders, as it reads them. */
export interface TemplateInputs {
  copyWithoutTemplating?: string[];
  /** The extension of extension mode: `true` is `.njk`, a missing leading dot added. */
  templateFileExtension?: string;
}

/**
 * `fetch:template`'s decisions about its inputs (the core's, src/fetch_template.rs): what it
 * refuses is a {@link SkeletonError} `invalid_option`, with `backstageMessage` where
 * `fetch:template` raises an `InputError` of its own for it.
 */
export function templateInputs(input: {
  copyWithoutTemplating?: unknown;
  templateFileExtension?: unknown;
  cookiecutterCompat?: unknown;
}): TemplateInputs {
  const fn = 'templateInputs';
  const { copyWithoutTemplating, templateFileExtension, cookiecutterCompat } = expectOptions(input, fn, 'the input');
  const json = jsonFor(
    'FetchTemplateInputs',
    { copyWithoutTemplating, templateFileExtension, cookiecutterCompat: Boolean(cookiecutterCompat) },
    fn,
    'the input',
  );
  return readJson(callCore((core) => core.fetchTemplateInputs(json)));
}

/** Whether `fetch:template` copies these bytes unrendered (npm isbinaryfile 5's verdict). */
export function isBinaryContent(bytes: Uint8Array): boolean {
  expectBytes(bytes, 'isBinaryContent', 'bytes');
  return callCore((core) => core.isBinaryFile(bytes));
}

const encoder = new TextEncoder();

function bytesOf(content: Uint8Array | string | undefined): Uint8Array {
  if (content === undefined) return new Uint8Array(0);
  return typeof content === 'string' ? encoder.encode(content) : content;
}

function kindOf(file: SkeletonEntry): 'file' | 'directory' | 'symlink' {
  return file.type ?? (file.symlink !== undefined ? 'symlink' : 'file');
}

/**
 * The entries as the core takes them: every `path` and `symlink` a string, every `content` a
 * string or bytes, every `mode` a number; anything else is a TypeError naming the entry.
 */
export function checkedEntries(files: unknown, fn: string, what: string): SkeletonEntry[] {
  if (!Array.isArray(files)) throw argumentError(fn, what, 'an array of skeleton entries', files);
  files.forEach((file: unknown, i) => {
    const at = `${what}[${i}]`;
    if (file === null || typeof file !== 'object') throw argumentError(fn, at, 'a skeleton entry ({path, content?, mode?, type?, symlink?})', file);
    const entry = file as Record<string, unknown>;
    expectString(entry.path, fn, `${at}.path`);
    if (entry.content !== undefined && typeof entry.content !== 'string' && !(entry.content instanceof Uint8Array)) {
      throw argumentError(fn, `${at}.content`, 'a string or a Uint8Array', entry.content);
    }
    if (entry.mode !== undefined && typeof entry.mode !== 'number') throw argumentError(fn, `${at}.mode`, 'a number', entry.mode);
    if (entry.symlink !== undefined) expectString(entry.symlink, fn, `${at}.symlink`);
    if (entry.type !== undefined && entry.type !== 'file' && entry.type !== 'directory' && entry.type !== 'symlink') {
      throw argumentError(fn, `${at}.type`, "'file', 'directory' or 'symlink'", entry.type);
    }
  });
  return files as SkeletonEntry[];
}

/**
 * Renders a skeleton as Backstage's `fetch:template` does (names and contents, skip rule,
 * binaries, `copyWithoutTemplating`, `templateFileExtension`, cookiecutter mode), refusing
 * paths and symlinks that would leave the target. Nothing partial: it returns everything or
 * throws a {@link SkeletonError}.
 */
export function renderSkeleton(files: SkeletonEntry[], values: object, options: SkeletonOptions = {}): SkeletonResult {
  const fn = 'renderSkeleton';
  checkedEntries(files, fn, 'files');
  const valuesJson = objectJsonFor('Values', values, fn, 'values');
  const { filters, globals, ...rest } = expectOptions(options, fn);
  if (filters !== undefined) expectOptions(filters, fn, 'options.filters');
  if (globals !== undefined) expectOptions(globals, fn, 'options.globals');
  const optionsJson = jsonFor('SkeletonRenderOptions', rest, fn, 'options');
  return callCore((core) => {
    const output = disposeAfter(new core.SkeletonBuilder(), (builder) => {
      for (const file of files) {
        const kind = kindOf(file);
        if (kind === 'directory') builder.addDirectory(file.path, file.mode ?? 0);
        else if (kind === 'symlink') builder.addSymlink(file.path, file.symlink ?? '');
        else builder.addFile(file.path, bytesOf(file.content), file.mode ?? 0);
      }
      return builder.render(valuesJson, optionsJson, filters, globals);
    });
    return disposeAfter(output, readOutput);
  });
}

/** The rendered entries, copied out of the core's object. */
function readOutput(output: Core.SkeletonOutput): SkeletonResult {
  const result: SkeletonResult = { files: [], skipped: readJson(output.skippedJson()) };
  const count = output.count();
  for (let i = 0; i < count; i++) {
    const type = output.kind(i);
    const entry: SkeletonEntry = { path: output.path(i), type, mode: output.mode(i) };
    if (type === 'file') entry.content = output.content(i);
    if (type === 'symlink') entry.symlink = output.linkTarget(i);
    result.files.push(entry);
  }
  return result;
}

/** Bounds on reading a skeleton directory; each default, the core's one set of read limits
 * (src/read_limits.rs, which says why), fits any real skeleton. */
export interface ReadLimits {
  /** Files, directories and links together (default 50,000). */
  maxEntries?: number;
  /** Directory levels below the skeleton root (default 64). */
  maxDepth?: number;
  /** Sum of the files' sizes in bytes (default 256 MiB, the default bound on rendered output). */
  maxBytes?: number;
}

let coreReadLimits: Required<ReadLimits> | undefined;

/** The read limits every walker uses, the core's (`trellis check`'s path patterns cite them too). */
export function readLimits(): Required<ReadLimits> {
  coreReadLimits ??= callCore((core) => core.readLimits());
  return { ...coreReadLimits };
}

/** A skeleton directory beyond a {@link ReadLimits} bound: the first entry past it, and which. */
function readLimitError(dir: string, relative: string, reason: string): SkeletonError {
  const error = new Error(`${path.join(dir, relative)}: ${reason}`) as SkeletonError;
  error.name = 'TrellisSkeletonError';
  error.code = 'limit_error';
  error.file = relative;
  error.reason = reason;
  error.hint =
    'a skeleton this large is usually a mistake (a dependency or build directory inside it); ' +
    'remove what does not belong, or raise the bound if the skeleton really is this large';
  return error;
}

/** {@link ReadLimits} and where `dir` may be. */
export interface ReadOptions extends ReadLimits {
  /** A folder `dir` must be inside, symbolic links resolved (the repository root); else an
   * `OutsideRootError` (code `outside-root`) and nothing is read. Inside `dir` no link is followed. */
  root?: string;
}

/**
 * The entries under `dir` (relative `/` paths, parents before children, names sorted), read
 * with `lstat`: a symbolic link is an entry of type `symlink` with its link text, never followed.
 * Reading stops with a `limit_error` {@link SkeletonError} at the first entry past a bound, and
 * checks a file's size before reading it, so a huge tree is never held in memory.
 */
export function readSkeletonDir(dir: string, options: ReadOptions = {}): SkeletonEntry[] {
  expectString(dir, 'readSkeletonDir', 'the directory');
  const { root, ...limits } = expectOptions(options, 'readSkeletonDir', 'options');
  if (root !== undefined) confinePath(root, dir);
  const bounds = { ...readLimits(), ...limits };
  const out: SkeletonEntry[] = [];
  let bytes = 0;
  const walk = (relative: string, depth: number): void => {
    const names = fs.readdirSync(path.join(dir, relative)).sort();
    for (const name of names) {
      const rel = relative === '' ? name : `${relative}/${name}`;
      if (out.length >= bounds.maxEntries) {
        throw readLimitError(dir, rel, `the skeleton has more than ${bounds.maxEntries} entries`);
      }
      const full = path.join(dir, rel);
      const stats = fs.lstatSync(full);
      const mode = stats.mode & 0o7777;
      if (stats.isSymbolicLink()) {
        out.push({ path: rel, type: 'symlink', symlink: fs.readlinkSync(full), mode });
      } else if (stats.isDirectory()) {
        if (depth >= bounds.maxDepth) {
          throw readLimitError(dir, rel, `the skeleton nests directories more than ${bounds.maxDepth} levels deep`);
        }
        out.push({ path: rel, type: 'directory', mode });
        walk(rel, depth + 1);
      } else if (stats.isFile()) {
        bytes += stats.size;
        if (bytes > bounds.maxBytes) {
          throw readLimitError(dir, rel, `the skeleton's files add up to more than ${bounds.maxBytes} bytes`);
        }
        out.push({ path: rel, type: 'file', content: fs.readFileSync(full), mode });
      } else {
        throw new Error(`${full}: not a file, directory or symbolic link; a skeleton cannot hold it`);
      }
    }
  };
  walk('', 0);
  return out;
}

export interface WriteOptions {
  /** Overwrite files that already exist in the target (fetch:template's `replace`). */
  replace?: boolean;
}

export interface WriteReport {
  /** Paths written (created or replaced). */
  written: string[];
  /** Paths that existed and were kept (no `replace`). */
  kept: string[];
}

/** The relative path as it may be written: the core guarantees it, this re-checks (defence in depth). */
function checkedParts(relative: string): string[] {
  const parts = relative.split('/');
  if (
    relative === '' ||
    relative.includes('\\') ||
    relative.includes('\0') ||
    parts.some((p) => p === '' || p === '.' || p === '..') ||
    /^[A-Za-z]:/.test(relative)
  ) {
    throw Object.assign(new Error(`writeSkeleton: refusing to write \`${relative}\`: it would leave the target`), {
      code: 'unsafe_path',
      file: relative,
    });
  }
  return parts;
}

function writeError(message: string, file: string): Error {
  return Object.assign(new Error(`writeSkeleton: ${message}`), { code: 'write_conflict', file });
}

/**
 * Writes a rendered skeleton into `targetDir`. Everything is first written into a fresh sibling
 * directory of the target, then moved into place; any failure removes that stage and leaves the
 * target as it was. Existing files are kept unless `replace`. Symbolic links already in the
 * target are never written through: one on (or above) a path to write is an error.
 */
export function writeSkeleton(result: SkeletonResult, targetDir: string, options: WriteOptions = {}): WriteReport {
  const fn = 'writeSkeleton';
  if (result === null || typeof result !== 'object') throw argumentError(fn, 'the result', 'a SkeletonResult ({files, skipped})', result);
  checkedEntries(result.files, fn, 'result.files');
  options = expectOptions(options, fn);
  const target = path.resolve(expectString(targetDir, fn, 'the target directory'));
  const parent = path.dirname(target);
  fs.mkdirSync(parent, { recursive: true });
  const targetStats = fs.lstatSync(target, { throwIfNoEntry: false });
  if (targetStats && !targetStats.isDirectory()) {
    throw writeError(`${target} exists and is not a directory${targetStats.isSymbolicLink() ? ' (a symbolic link)' : ''}`, '');
  }
  const stage = fs.mkdtempSync(path.join(parent, `.${path.basename(target)}.trellis-`));
  const report: WriteReport = { written: [], kept: [] };
  // Kinds of what is already in the target, by relative path (lstat, cached).
  const existing = new Map<string, fs.Stats | undefined>();
  const existingAt = (rel: string): fs.Stats | undefined => {
    if (!targetStats) return undefined;
    if (!existing.has(rel)) existing.set(rel, fs.lstatSync(path.join(target, rel), { throwIfNoEntry: false }));
    return existing.get(rel);
  };
  const toMove: SkeletonEntry[] = [];
  try {
    for (const file of result.files) {
      const parts = checkedParts(file.path);
      for (let i = 1; i < parts.length; i++) {
        const ancestor = parts.slice(0, i).join('/');
        const stats = existingAt(ancestor);
        if (stats?.isSymbolicLink()) throw writeError(`\`${ancestor}\` in the target is a symbolic link; not writing \`${file.path}\` through it`, file.path);
        if (stats && !stats.isDirectory()) throw writeError(`\`${ancestor}\` in the target is not a directory; cannot write \`${file.path}\``, file.path);
      }
      const kind = kindOf(file);
      const stats = existingAt(file.path);
      if (stats?.isSymbolicLink()) throw writeError(`\`${file.path}\` in the target is a symbolic link; not writing through it`, file.path);
      if (stats && stats.isDirectory() !== (kind === 'directory')) {
        throw writeError(`\`${file.path}\` exists in the target as a ${stats.isDirectory() ? 'directory' : 'file'}; the skeleton has a ${kind}`, file.path);
      }
      if (stats && (kind === 'directory' || !options.replace)) {
        if (kind !== 'directory') report.kept.push(file.path);
        continue;
      }
      const staged = path.join(stage, ...parts);
      fs.mkdirSync(path.dirname(staged), { recursive: true });
      if (kind === 'directory') {
        fs.mkdirSync(staged, { recursive: true });
      } else if (kind === 'symlink') {
        fs.symlinkSync(file.symlink ?? '', staged);
      } else {
        const bytes = bytesOf(file.content);
        // As fetch:template: text is written with the mode under the umask (fs-extra
        // `outputFile`), a binary copied with its exact mode (fs-extra `copy`).
        fs.writeFileSync(staged, bytes, { mode: file.mode || 0o644, flag: 'wx' });
        if (isBinaryContent(bytes)) fs.chmodSync(staged, file.mode || 0o644);
      }
      toMove.push(file);
    }
    // The core checked link targets against the skeleton's own entries; what the target held
    // before is only known here: a link must not resolve through an existing symlink there.
    const ours = new Set(result.files.map((f) => f.path));
    for (const file of toMove) {
      if (kindOf(file) !== 'symlink') continue;
      const walk = file.path.split('/').slice(0, -1);
      for (const segment of (file.symlink ?? '').split('/')) {
        if (segment === '' || segment === '.') continue;
        if (segment === '..') walk.pop();
        else walk.push(segment);
        const rel = walk.join('/');
        if (rel !== '' && !ours.has(rel) && existingAt(rel)?.isSymbolicLink()) {
          throw writeError(`the symlink \`${file.path}\` would resolve through \`${rel}\`, a symbolic link already in the target`, file.path);
        }
      }
    }
    moveIntoPlace(stage, target, toMove, targetStats !== undefined);
  } catch (error) {
    fs.rmSync(stage, { recursive: true, force: true });
    throw error;
  }
  fs.rmSync(stage, { recursive: true, force: true });
  report.written = toMove.filter((f) => kindOf(f) !== 'directory').map((f) => f.path);
  return report;
}

/**
 * Moves the staged entries into the target. A target that did not exist is the stage renamed
 * (one step); otherwise directories are created and files renamed over, parents first, and on a
 * failure everything done is undone (replaced files come back from the stage's backup).
 */
function moveIntoPlace(stage: string, target: string, files: SkeletonEntry[], targetExisted: boolean): void {
  if (!targetExisted) {
    fs.renameSync(stage, target);
    return;
  }
  const backup = path.join(stage, '.trellis-backup');
  const undo: (() => void)[] = [];
  const ordered = [...files].sort((a, b) => a.path.split('/').length - b.path.split('/').length);
  try {
    for (const file of ordered) {
      const destination = path.join(target, ...file.path.split('/'));
      if (kindOf(file) === 'directory') {
        if (!fs.existsSync(destination)) {
          fs.mkdirSync(destination);
          undo.push(() => fs.rmSync(destination, { recursive: true, force: true }));
        }
        continue;
      }
      const staged = path.join(stage, ...file.path.split('/'));
      if (fs.lstatSync(destination, { throwIfNoEntry: false })) {
        const saved = path.join(backup, ...file.path.split('/'));
        fs.mkdirSync(path.dirname(saved), { recursive: true });
        fs.renameSync(destination, saved);
        undo.push(() => fs.renameSync(saved, destination));
      } else {
        undo.push(() => fs.rmSync(destination, { force: true }));
      }
      fs.renameSync(staged, destination);
    }
  } catch (error) {
    for (const step of undo.reverse()) {
      try {
        step();
      } catch {
        // Best effort: the remaining steps still run.
      }
    }
    throw error;
  }
}
