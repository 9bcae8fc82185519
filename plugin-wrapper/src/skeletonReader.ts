/**
 * A `SkeletonReader` on the file system, for checking templates on disk. The core decides what
 * to read (which urls are local, limits, binary files); this only answers its calls.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SkeletonEntryKind, SkeletonReader } from './core';

function kindOf(entry: fs.Stats | fs.Dirent): SkeletonEntryKind {
  if (entry.isSymbolicLink()) return 'symlink';
  if (entry.isDirectory()) return 'dir';
  if (entry.isFile()) return 'file';
  return 'other';
}

/** Whether `child` is `parent` or inside it. */
function isInside(parent: string, child: string): boolean {
  const relative = path.relative(parent, child);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/**
 * Reads paths relative to `root` (default: the current directory). With `confine`, nothing
 * outside `root` is shown, through `..` or symbolic links: the reader throws, and the core then
 * leaves that skeleton unchecked (used for the task workspace).
 */
export function fileSkeletonReader(root = '.', options: { confine?: boolean } = {}): SkeletonReader {
  const base = path.resolve(root);
  const realBase = options.confine ? fs.realpathSync(base) : base;
  const resolve = (p: string): string => {
    const full = path.resolve(base, p);
    if (!options.confine) return full;
    // The real path of the deepest existing ancestor decides (symlinks resolved).
    let probe = full;
    while (!fs.existsSync(probe) && path.dirname(probe) !== probe) probe = path.dirname(probe);
    const real = path.join(fs.realpathSync(probe), path.relative(probe, full));
    if (!isInside(realBase, real)) throw new Error(`${p} is outside ${root}`);
    return full;
  };
  return {
    kind(p) {
      const stats = fs.lstatSync(resolve(p), { throwIfNoEntry: false });
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
      return fs.lstatSync(resolve(p)).mode & 0o7777;
    },
    readlink(p) {
      return fs.readlinkSync(resolve(p));
    },
  };
}
