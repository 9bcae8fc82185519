/**
 * `trellis lsp --stdio`: the language server over standard input and output (the protocol side
 * is lsp/server.ts; every answer comes from the core).
 */
import * as fs from 'node:fs';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from '../lsp/server';

export const LSP_USAGE = `Usage: trellis lsp [--stdio] [--manifest FILE]

Runs the Trellis language server (Language Server Protocol 3.17) over standard input and output,
for editors: the findings of \`trellis check\` as you type (templates and the skeleton files of
their fetch steps, unsaved text included), completion inside \`\${{ }}\`, of action ids and of
input keys, hover, go to definition and quick fixes for every "did you mean". Set-up for VS Code,
Neovim, Helix and JetBrains IDEs: docs/editors.md.

Options:
  --stdio           talk over standard input and output (the default and only transport)
  --manifest FILE   your instance's actions, filters, globals and form fields (from \`trellis
                    manifest --url …\`); without it, backstage-manifest.json at the root of a
                    workspace folder is used when there is one
  -h, --help        print this help
`;

/** Starts the server; it runs until the client sends `exit` or closes the stream. */
export function runLsp(options: { manifest?: string; version: string }): void {
  let manifest: { text: string; file: string } | undefined;
  if (options.manifest !== undefined) {
    try {
      manifest = { text: fs.readFileSync(options.manifest, 'utf8'), file: options.manifest };
    } catch {
      throw new Error(`cannot read the manifest ${options.manifest}`);
    }
  }
  // Standard output carries the protocol: anything else printed there would corrupt it.
  const toStderr = (...args: unknown[]) => process.stderr.write(`${args.map(String).join(' ')}\n`);
  console.log = console.info = console.warn = console.debug = toStderr;
  const connection = createConnection(ProposedFeatures.all, process.stdin, process.stdout);
  startServer(connection, { manifest, version: options.version });
}
