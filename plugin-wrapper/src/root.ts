/**
 * The repository root that bounds every read of the CLI (docs/security.md). A template is
 * untrusted input — on a fork's pull request it may point a fetch url at `../../../etc/passwd` or
 * be a symbolic link to a runner's credentials — so nothing outside its repository is read. The
 * core refuses urls that leave the root with a located error (src/confine.rs); these helpers
 * refuse, with symbolic links resolved, whatever reaches the file system anyway.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** A path outside the repository root was asked for; nothing was read. (The core recognises a
 * reader's refusal by "is outside the repository root": src/confine.rs `REFUSED_BY_READER`.) */
export class OutsideRootError extends Error {
  readonly code = 'outside-root';
  constructor(
    readonly file: string,
    readonly root: string,
  ) {
    super(`${displayPath(file)} is outside the repository root ${displayPath(root)}; nothing was read`);
    this.name = 'OutsideRootError';
  }
}

/** `file` relative to the current folder, `/`-separated (`.` for the folder itself): how every
 * CLI message names a file. */
export function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), path.resolve(file));
  return relative === '' ? '.' : relative.split(path.sep).join('/');
}

/** Whether `child` is `parent` or inside it (both absolute). */
export function isInside(parent: string, child: string): boolean {
  const relative = path.relative(parent, child);
  return relative === '' || (!relative.startsWith(`..${path.sep}`) && relative !== '..' && !path.isAbsolute(relative));
}

/**
 * The real path of `file` (absolute): every symbolic link on the way resolved, the last one too
 * unless `followLast` is false (an lstat or readlink looks at the link itself). A path that does
 * not exist resolves through its deepest existing ancestor.
 */
export function realPathOf(file: string, followLast = true): string {
  const full = path.resolve(file);
  if (!followLast) {
    const parent = path.dirname(full);
    return parent === full ? full : path.join(realPathOf(parent), path.basename(full));
  }
  // `realpathSync.native` is one realpath(3) call; the JavaScript `realpathSync` makes an lstat
  // per path component, which was a tenth of a `trellis check` of the corpus (4,560 calls).
  let probe = full;
  while (!fs.existsSync(probe) && path.dirname(probe) !== probe) probe = path.dirname(probe);
  return path.join(fs.realpathSync.native(probe), path.relative(probe, full));
}

/**
 * The repository root of `file`: the nearest folder at or above it that holds `.git` (a
 * directory, or a file in worktrees and submodules); else the current folder when `file` is
 * inside it; else the outermost of `namedFolders` (folders named on the command line, chosen by
 * the user, never by a template) that holds it; else the file's own folder. Absolute. Found from where `file` is named, not from
 * where a symbolic link leads: a template that is a link out of its repository must be refused
 * by {@link confinePath}, not given the root of wherever it points.
 */
export function repositoryRootOf(file: string, namedFolders: readonly string[] = []): string {
  const full = path.resolve(file);
  // A folder named itself is where the search starts (a link to one is a file here: its folder).
  const start = fs.lstatSync(full, { throwIfNoEntry: false })?.isDirectory() ? full : path.dirname(full);
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, '.git'))) return dir;
    if (path.dirname(dir) === dir) break;
  }
  const cwd = process.cwd();
  if (isInside(cwd, full)) return cwd;
  const named = namedFolders.map(folder => path.resolve(folder)).filter(folder => isInside(folder, full));
  return named.sort((a, b) => a.length - b.length)[0] ?? path.dirname(full);
}

/** `file` itself when it (symbolic links resolved) is inside `root`; else an {@link OutsideRootError}. */
export function confinePath(root: string, file: string, followLast = true): string {
  if (!isInside(realPathOf(root), realPathOf(file, followLast))) throw new OutsideRootError(file, root);
  return file;
}

/**
 * A file named on the command line (values, secrets, manifest, golden tree): read where it is
 * when it is outside the repository (the caller chose it), but one inside the repository must
 * not lead out of it through a symbolic link (a pull request can change what it holds).
 */
export function confineIfInside(root: string, file: string): string {
  return namedInside(root, file) ? confinePath(root, file) : file;
}

/** Whether `file` is named inside `root` (its own last link not followed). */
export function namedInside(root: string, file: string): boolean {
  return isInside(path.resolve(root), path.resolve(file)) || isInside(realPathOf(root), realPathOf(file, false));
}

/** The root a command works in: `--root DIR` (which must be a folder), else the repository
 * root of `file` ({@link repositoryRootOf}, with the folders named on the command line). */
export function commandRoot(given: string | undefined, file: string, namedFolders: readonly string[] = []): string {
  if (given === undefined) return repositoryRootOf(file, namedFolders);
  if (!fs.statSync(given, { throwIfNoEntry: false })?.isDirectory()) {
    throw new Error(`--root ${given}: no such folder`);
  }
  return path.resolve(given);
}

/** What to do about an {@link OutsideRootError}, for the CLI's messages. */
export const OUTSIDE_ROOT_HINT =
  'Trellis reads only inside the repository root: the nearest folder above the template that holds .git ' +
  '(else the current folder, or the folder named on the command line); pass --root DIR to choose it';
