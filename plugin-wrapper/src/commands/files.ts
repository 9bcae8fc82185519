// File helpers the CLI commands share: which YAML files hold templates, reading a manifest export.
import * as fs from 'node:fs';
import { displayPath } from '../root';

/** A file holds a Template entity when a document declares `kind: Template`. */
export function looksLikeTemplate(text: string): boolean {
  return /^kind:\s*["']?Template["']?\s*$/m.test(text);
}

/** The text of a `--manifest FILE` (a `trellis manifest` export), or undefined when not given. */
export function readManifestFile(file: string | undefined): string | undefined {
  if (file === undefined) return undefined;
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    throw new Error(`cannot read the manifest ${displayPath(file)}`);
  }
}
