import * as path from 'node:path';

/** The package root: this file is dist/paths.js once built, so one level up. */
export const packageRoot = path.resolve(__dirname, '..');

/** A file shipped in the package (see `files` in package.json), by its path from the root. */
export function packagePath(...segments: string[]): string {
  return path.join(packageRoot, ...segments);
}
