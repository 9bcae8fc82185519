/**
 * `trellis manifest --url URL`: reads the actions and templating extensions a Backstage
 * instance's scaffolder serves and writes them as a manifest for `trellis check --manifest`.
 * Fetching and normalising live in ../manifest (shared with scripts/snapshot-manifest.cjs).
 */
import * as fs from 'node:fs';
import { displayPath } from '../root';
import { describeManifest, fetchManifest, formatManifest, ManifestError } from '../manifest';

export const MANIFEST_USAGE = `Usage: trellis manifest --url BACKSTAGE_URL [options]

Reads the scaffolder actions (ids, input and output JSON Schemas, examples) and the templating
filters and globals of a running Backstage instance, from GET /api/scaffolder/v2/actions and
GET /api/scaffolder/v2/templating-extensions, and writes them as one JSON manifest, so that
\`trellis check --manifest FILE\` knows the instance's own actions and extensions.

Options:
  --url URL       the Backstage backend's base URL, e.g. https://backstage.example.com
                  (a URL ending in /api/scaffolder is used as is) (required)
  --token TOKEN   sent as \`Authorization: Bearer TOKEN\`; default: $BACKSTAGE_TOKEN, else none
  --out FILE      write the manifest to FILE (default: standard output)
  -h, --help      print this help

Exit status: 0 written, 2 usage error, unreachable backend, HTTP error or unexpected answer.
`;

export interface ManifestCommandOptions {
  url: string;
  token?: string;
  out?: string;
}

/**
 * Runs the command; returns the exit status. Fetch and write failures are reported here
 * (`error: …` and a `hint:` line on stderr, exit 2).
 */
export async function runManifest(options: ManifestCommandOptions): Promise<number> {
  try {
    const manifest = await fetchManifest({ url: options.url, token: options.token || undefined });
    const text = formatManifest(manifest);
    if (options.out === undefined || options.out === '-') {
      process.stdout.write(text);
      return 0;
    }
    try {
      fs.writeFileSync(options.out, text);
    } catch (error) {
      throw new ManifestError(`cannot write ${displayPath(options.out)}: ${(error as Error).message}`);
    }
    process.stderr.write(`wrote ${displayPath(options.out)}: ${describeManifest(manifest)}\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof ManifestError)) throw error;
    process.stderr.write(`error: ${error.message}\n`);
    if (error.hint) process.stderr.write(`  = hint: ${error.hint}\n`);
    return 2;
  }
}
