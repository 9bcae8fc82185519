'use strict';
// An editor's side of `trellis lsp --stdio`: the built dist/cli.js started as a child process and
// driven with vscode-jsonrpc (the JSON-RPC library VS Code's own client uses), with the
// diagnostics the server publishes kept per document. Shared by plugin-wrapper/test/lsp.test.cjs
// and bench/lsp.cjs.
const path = require('node:path');
const { spawn } = require('node:child_process');
const { performance } = require('node:perf_hooks');
const rpc = require('vscode-jsonrpc/node');

const root = path.resolve(__dirname, '../../..');

/** Starts the server with `args` after `lsp --stdio`; `stderr` collects what it logs there. */
function startLspServer(args = []) {
  const child = spawn(process.execPath, [path.join(root, 'dist/cli.js'), 'lsp', '--stdio', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
  const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  const connection = rpc.createMessageConnection(new rpc.StreamMessageReader(child.stdout), new rpc.StreamMessageWriter(child.stdin));
  /** uri → the last published diagnostics; waiters re-test their predicate on every publish. */
  const published = new Map();
  const waiters = new Set();
  connection.onNotification('textDocument/publishDiagnostics', ({ uri, diagnostics }) => {
    published.set(uri, { diagnostics, at: performance.now() });
    for (const waiter of [...waiters]) waiter();
  });
  connection.listen();

  /**
   * Resolves with `{diagnostics, at}` (the time it was received) once the last publication for
   * `uri` satisfies `predicate`; rejects after `timeoutMs` with what was published last.
   */
  function diagnosticsFor(uri, predicate = () => true, timeoutMs = 20000) {
    return new Promise((resolve, reject) => {
      const check = () => {
        const last = published.get(uri);
        if (last && predicate(last.diagnostics)) {
          waiters.delete(check);
          clearTimeout(timer);
          resolve(last);
        }
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        const last = JSON.stringify(published.get(uri)?.diagnostics ?? null, null, 1);
        reject(new Error(`no matching diagnostics for ${uri} within ${timeoutMs} ms; last: ${last}\nserver stderr: ${stderr}`));
      }, timeoutMs);
      waiters.add(check);
      check();
    });
  }

  /** Forgets what was published for `uri`, so the next wait sees only new publications. */
  function forget(uri) {
    published.delete(uri);
  }

  async function initialize(folders, initializationOptions) {
    const result = await connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: null,
      capabilities: {},
      workspaceFolders: folders.map((folder) => ({ uri: `file://${folder}`, name: path.basename(folder) })),
      initializationOptions,
    });
    connection.sendNotification('initialized', {});
    return result;
  }

  /** `shutdown`, `exit`; resolves with the exit code. */
  async function stop() {
    await connection.sendRequest('shutdown');
    connection.sendNotification('exit');
    const code = await exited;
    connection.dispose();
    return code;
  }

  return { connection, child, exited, initialize, diagnosticsFor, forget, stop, stderr: () => stderr };
}

module.exports = { startLspServer };
