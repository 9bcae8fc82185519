/**
 * A `SkeletonReader` on the file system, for checking templates on disk. The core decides what
 * to read (which urls are local, limits, binary files); this only answers its calls.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SkeletonEntryKind, SkeletonReader } from './core';
import { isInside, OutsideRootError, realPathOf } from './root';

function kindOf(entry: fs.Stats | fs.Dirent): SkeletonEntryKind {
  if (entry.isSymbolicLink()) return 'symlink';
  if (entry.isDirectory()) return 'dir';
  if (entry.isFile()) return 'file';
  return 'other';
}

export interface FileReaderOptions {
  /** Refuse every path outside `base` itself, through `..` or symbolic links (the task
   * workspace); the core is not told of it (see `root`). */
  confine?: boolean;
  /**
   * The repository root reads are confined to: one folder, or a function giving the root of
   * each template file (absolute path in, absolute folder out; `repositoryRootOf` in root.ts).
   * The core asks for it (`root(templatePath)`) and refuses urls that leave it with a located
   * error; the reader itself refuses every path outside the roots it gave, symbolic links
   * resolved (a link inside the repository pointing out of it), and before any root was asked
   * for, everything.
   */
  root?: string | ((templateFile: string) => string);
}

/**
 * Reads paths relative to `base` (default: the current directory). Without `root` or `confine`
 * it reads anywhere (the API's own callers decide), so the CLI always passes a root.
 */
export function fileSkeletonReader(base = '.', options: FileReaderOptions = {}): SkeletonReader {
  const from = path.resolve(base);
  const given = options.root;
  /** Real paths of the folders reads may be in; `undefined` = unbounded. */
  const roots = given === undefined && !options.confine ? undefined : new Set<string>();
  if (options.confine) roots?.add(realPathOf(from));
  if (typeof given === 'string') roots?.add(realPathOf(given));
  const resolve = (p: string, followLast = true): string => {
    const full = path.resolve(from, p);
    if (roots === undefined) return full;
    // The roots are real paths already: the file's real path is found once, for all of them.
    const real = realPathOf(full, followLast);
    for (const root of roots) if (isInside(root, real)) return full;
    // Under `confine` alone the core knows no root: a plain refusal, and it skips the skeleton.
    if (given === undefined) throw new Error(`${p} is outside ${base}`);
    throw new OutsideRootError(full, [...roots][0] ?? from);
  };
  const reader: SkeletonReader = {
    kind(p) {
      const stats = fs.lstatSync(resolve(p, false), { throwIfNoEntry: false });
      return stats ? kindOf(stats) : null;
    },
    list(p) {
      return fs.readdirSync(resolve(p), { withFileTypes: true }).map(entry => [entry.name, kindOf(entry)]);
    },
    read(p, maxBytes) {
      const file = resolve(p);
      const size = fs.statSync(file).size;
      return size > maxBytes ? size : fs.readFileSync(file);
    },
    mode(p) {
      return fs.lstatSync(resolve(p, false)).mode & 0o7777;
    },
    readlink(p) {
      return fs.readlinkSync(resolve(p, false));
    },
  };
  // `confine` alone keeps its older meaning for the task workspace (trellis:template:check): the
  // reader refuses, the core is not told a root, and a skeleton outside is left unchecked.
  if (given !== undefined) {
    reader.root = (templatePath: string): string => {
      const root = typeof given === 'string' ? path.resolve(given) : given(path.resolve(from, templatePath));
      roots?.add(realPathOf(root));
      // In the form of the template's path: relative to `base`, or absolute.
      if (path.isAbsolute(templatePath)) return root.split(path.sep).join('/');
      return (path.relative(from, root) || '.').split(path.sep).join('/');
    };
  }
  return reader;
}
