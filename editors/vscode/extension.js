// Starts `trellis lsp --stdio` (the language server of the Trellis package) for the workspace and
// connects VS Code to it with vscode-languageclient. Everything the server answers is computed by
// Trellis' core; this file only finds the command and says which documents to send.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const vscode = require('vscode');
const { LanguageClient, TransportKind } = require('vscode-languageclient/node');

/** The npm package that ships the `trellis` CLI. */
const PACKAGE = 'backstage-plugin-scaffolder-backend-module-trellis';

let client;

/** `[command, ...args]` that run the CLI: the setting, the workspace's package, or `trellis`. */
function cliCommand() {
  const configured = vscode.workspace.getConfiguration('trellis').get('command', []);
  if (configured.length > 0) return configured;
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    const cli = path.join(folder.uri.fsPath, 'node_modules', PACKAGE, 'dist', 'cli.js');
    if (fs.existsSync(cli)) return ['node', cli];
  }
  return ['trellis'];
}

function activate(context) {
  const [command, ...args] = cliCommand();
  const manifest = vscode.workspace.getConfiguration('trellis').get('manifest', '');
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (manifest) args.push('lsp', '--manifest', folder ? path.resolve(folder, manifest) : manifest);
  else args.push('lsp');
  // With the stdio transport the client adds `--stdio`.
  const server = { command, args, transport: TransportKind.stdio, options: { cwd: folder } };
  client = new LanguageClient('trellis', 'Trellis', server, {
    // Templates are YAML; skeleton files can be anything, so every file is sent and the server
    // keeps only templates and the skeleton files of their fetch steps.
    documentSelector: [{ scheme: 'file' }],
  });
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client?.stop();
}

module.exports = { activate, deactivate };
