/**
 * Trees of files on disk for `trellis render`: read one (never following symlinks), write one
 * through a stage next to the target so that a failure leaves the target as it was.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TreeFile } from './dryRun';

/** Every entry under `root` (lstat: symlinks are read as links), sorted by path; [] when absent. */
export function readTree(root: string): TreeFile[] {
  const out: TreeFile[] = [];
  if (!fs.existsSync(root)) return out;
  const walk = (dir: string, prefix: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
      const stats = fs.lstatSync(full);
      if (stats.isSymbolicLink()) {
        out.push({ path: relative, type: 'symlink', mode: 0, content: new Uint8Array(), symlink: fs.readlinkSync(full) });
      } else if (stats.isDirectory()) {
        out.push({ path: relative, type: 'directory', mode: stats.mode & 0o7777, content: new Uint8Array() });
        walk(full, relative);
      } else if (stats.isFile()) {
        out.push({ path: relative, type: 'file', mode: stats.mode & 0o7777, content: fs.readFileSync(full) });
      }
    }
  };
  walk(root, '');
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function isInside(parent: string, child: string): boolean {
  const relative = path.relative(parent, child);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/** Writes `files` under `root` (which must exist). Paths and link targets must stay inside it. */
function writeEntries(root: string, files: TreeFile[]): void {
  for (const file of files) {
    const full = path.resolve(root, file.path);
    if (!isInside(root, full) || full === root) {
      throw new Error(`refusing to write ${file.path}: outside ${root}`);
    }
    fs.mkdirSync(path.dirname(full), { recursive: true });
    if (file.type === 'directory') {
      fs.mkdirSync(full, { recursive: true });
    } else if (file.type === 'symlink') {
      const target = file.symlink ?? '';
      if (path.isAbsolute(target) || !isInside(root, path.resolve(path.dirname(full), target))) {
        throw new Error(`refusing to write the symlink ${file.path} -> ${target}: it leads outside the tree`);
      }
      fs.symlinkSync(target, full);
    } else {
      fs.writeFileSync(full, file.content);
      fs.chmodSync(full, file.mode ? file.mode & 0o777 : 0o644);
    }
  }
}

/** A fresh directory next to `target`, on the same file system (so renames are atomic). */
function makeStage(target: string): string {
  const parent = path.dirname(path.resolve(target));
  fs.mkdirSync(parent, { recursive: true });
  return fs.mkdtempSync(path.join(parent, `.${path.basename(target)}.trellis-`));
}

/**
 * Makes `target` hold exactly `files` (a golden tree): written to a stage first, then swapped in;
 * on failure the stage is removed and `target` is unchanged.
 */
export function replaceTree(target: string, files: TreeFile[]): void {
  const stage = makeStage(target);
  try {
    writeEntries(stage, files);
  } catch (error) {
    fs.rmSync(stage, { recursive: true, force: true });
    throw error;
  }
  const old = fs.existsSync(target) ? `${stage}.old` : undefined;
  if (old) fs.renameSync(target, old);
  try {
    fs.renameSync(stage, target);
  } catch (error) {
    if (old) fs.renameSync(old, target);
    fs.rmSync(stage, { recursive: true, force: true });
    throw error;
  }
  if (old) fs.rmSync(old, { recursive: true, force: true });
}

/**
 * Writes `files` into `target`, replacing files of the same paths and keeping the others:
 * everything is written to a stage first, then moved into place.
 */
export function writeTree(target: string, files: TreeFile[]): string[] {
  const stage = makeStage(target);
  const written: string[] = [];
  try {
    writeEntries(stage, files);
    fs.mkdirSync(target, { recursive: true });
    for (const file of files) {
      const destination = path.join(target, file.path);
      if (file.type === 'directory') {
        fs.mkdirSync(destination, { recursive: true });
        continue;
      }
      fs.mkdirSync(path.dirname(destination), { recursive: true });
      if (fs.lstatSync(destination, { throwIfNoEntry: false })?.isDirectory()) {
        fs.rmSync(destination, { recursive: true });
      }
      fs.renameSync(path.join(stage, file.path), destination);
      written.push(file.path);
    }
  } finally {
    fs.rmSync(stage, { recursive: true, force: true });
  }
  return written;
}
