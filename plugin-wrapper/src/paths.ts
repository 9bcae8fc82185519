import * as fs from 'node:fs';
import * as path from 'node:path';

/** The package root: this file is dist/paths.js once built, so one level up. */
export const packageRoot = path.resolve(__dirname, '..');

/** A file shipped in the package (see `files` in package.json), by its path from the root. */
export function packagePath(...segments: string[]): string {
  return path.join(packageRoot, ...segments);
}

/** An action's input or output JSON Schema, shipped in schemas/actions/<action>.<kind>.json. */
export function readActionSchema(action: string, kind: 'input' | 'output'): { [key: string]: any } {
  return JSON.parse(fs.readFileSync(packagePath('schemas', 'actions', `${action}.${kind}.json`), 'utf8'));
}
