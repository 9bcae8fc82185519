/**
 * A `SkeletonReader` on the file system, for `trellis check` on files on disk. The core decides
 * what to read (which urls are local, limits, binary files); this only answers its calls.
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

/** Reads paths relative to `root` (default: the current directory). */
export function fileSkeletonReader(root = '.'): SkeletonReader {
  const resolve = (p: string) => path.resolve(root, p);
  return {
    kind(p) {
      const stats = fs.lstatSync(resolve(p), { throwIfNoEntry: false });
      return stats ? kindOf(stats) : null;
    },
    list(p) {
      return fs.readdirSync(resolve(p), { withFileTypes: true }).map(entry => [entry.name, kindOf(entry)]);
    },
    read(p, maxBytes) {
      const size = fs.statSync(resolve(p)).size;
      return size > maxBytes ? size : fs.readFileSync(resolve(p));
    },
  };
}
