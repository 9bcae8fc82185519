/**
 * `trellis lsp`: the Language Server Protocol side. It keeps the open documents, turns URIs into
 * paths and positions into the core's, debounces diagnostics, and asks the core's LspWorkspace
 * (src/lsp/) for everything it answers.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  CodeActionKind,
  CompletionItemKind,
  DiagnosticSeverity,
  MarkupKind,
  TextDocumentSyncKind,
  TextDocuments,
  type CodeAction,
  type CompletionItem,
  type Connection,
  type Diagnostic as LspDiagnostic,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Diagnostic, SkeletonReader } from '../core';
import { findTemplates } from '../commands/check';
import { looksLikeTemplate } from '../commands/files';
import { fileSkeletonReader } from '../skeletonReader';
import { PositionMap } from './positions';
import { CoreWorkspace, type ItemKind } from './workspace';

/**
 * Milliseconds after the last change before a document is checked. Short, because a check of a
 * 1,000-line template takes tens of milliseconds once warm (bench/lsp.cjs) and findings should
 * appear within 100 ms of the last keystroke; long enough that changes arriving together (key
 * repeat, multi-cursor edits, a paste in several parts) are checked once.
 */
export const DIAGNOSTICS_DEBOUNCE_MS = 30;

/** The manifest file looked for at the root of each workspace folder (docs/editors.md). */
export const WORKSPACE_MANIFEST = 'backstage-manifest.json';

export interface ServerOptions {
  /** `--manifest FILE`: the manifest text and where it came from. */
  manifest?: { text: string; file: string };
  version: string;
}

/** The `/`-separated absolute path of a `file:` URI; undefined for other schemes. */
function uriToPath(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  return fileURLToPath(uri).split(path.sep).join('/');
}

const SEVERITY = { error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning, info: DiagnosticSeverity.Information };

const ITEM_KIND: Record<ItemKind, CompletionItemKind> = {
  field: CompletionItemKind.Field,
  property: CompletionItemKind.Property,
  module: CompletionItemKind.Module,
  function: CompletionItemKind.Function,
  variable: CompletionItemKind.Variable,
  value: CompletionItemKind.Value,
  keyword: CompletionItemKind.Keyword,
};

function toLspDiagnostic(diagnostic: Diagnostic, positions: PositionMap): LspDiagnostic {
  return {
    range: positions.rangeToLsp(diagnostic),
    severity: SEVERITY[diagnostic.severity],
    code: diagnostic.rule,
    source: 'trellis',
    message: diagnostic.hint ? `${diagnostic.message}\nhint: ${diagnostic.hint}` : diagnostic.message,
  };
}

/** A reader of absolute paths inside the workspace folders (symbolic links may not lead out). */
function workspaceReader(roots: string[]): SkeletonReader {
  const readers = roots.filter((root) => fs.existsSync(root)).map((root) => ({ root, reader: fileSkeletonReader(root, { confine: true }) }));
  const readerOf = (p: string): SkeletonReader => {
    const found = readers.find(({ root }) => {
      const relative = path.relative(root, p);
      return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
    });
    if (!found) throw new Error(`${p} is outside the workspace`);
    return found.reader;
  };
  return {
    kind: (p) => readerOf(p).kind(p),
    list: (p) => readerOf(p).list(p),
    read: (p, max) => readerOf(p).read(p, max),
    mode: (p) => readerOf(p).mode?.(p) ?? 0,
    readlink: (p) => readerOf(p).readlink?.(p) ?? '',
  };
}

export function startServer(connection: Connection, options: ServerOptions): void {
  const documents = new TextDocuments(TextDocument);
  let workspace: CoreWorkspace | undefined;
  let reader: SkeletonReader | undefined;
  let roots: string[] = [];
  let workspaceManifest: string | undefined;
  let scanned = false;
  let timer: NodeJS.Timeout | undefined;

  const openDocuments = (): [string, string][] =>
    documents.all().flatMap((doc) => {
      const p = uriToPath(doc.uri);
      return p === undefined ? [] : [[p, doc.getText()] as [string, string]];
    });
  const uriOf = (p: string): string => documents.all().find((doc) => uriToPath(doc.uri) === p)?.uri ?? pathToFileURL(p).href;
  /** Positions of `p`: the open document's text, else the file's. */
  const positionsOf = (p: string): PositionMap => {
    const open = documents.all().find((doc) => uriToPath(doc.uri) === p);
    if (open) return new PositionMap(open.getText());
    try {
      return new PositionMap(fs.readFileSync(p, 'utf8'));
    } catch {
      return new PositionMap('');
    }
  };

  /** The manifest: `--manifest FILE`, else the first workspace folder's `backstage-manifest.json`. */
  const readWorkspaceManifest = (): string | undefined => {
    if (options.manifest) return options.manifest.text;
    for (const root of roots) {
      const file = path.join(root, WORKSPACE_MANIFEST);
      if (fs.existsSync(file)) {
        workspaceManifest = file.split(path.sep).join('/');
        return fs.readFileSync(file, 'utf8');
      }
    }
    return undefined;
  };

  const diagnose = (): void => {
    timer = undefined;
    if (!workspace || !reader) return;
    try {
      for (const file of workspace.diagnose(reader)) {
        const positions = positionsOf(file.path);
        const diagnostics = file.diagnostics.map((d) => toLspDiagnostic(d, positions));
        void connection.sendDiagnostics({ uri: uriOf(file.path), diagnostics });
      }
    } catch (error) {
      connection.console.error(`trellis: checking failed: ${(error as Error).message}`);
    }
  };
  const schedule = (): void => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(diagnose, DIAGNOSTICS_DEBOUNCE_MS);
  };
  /** Runs a pending check now, so results match the text a request sees. */
  const flush = (): void => {
    if (!timer) return;
    clearTimeout(timer);
    diagnose();
  };

  connection.onInitialize((params): InitializeResult => {
    const folders = params.workspaceFolders?.map((f) => uriToPath(f.uri)) ?? [params.rootUri ? uriToPath(params.rootUri) : undefined];
    roots = folders.filter((f): f is string => f !== undefined);
    if (roots.length === 0) roots = [process.cwd().split(path.sep).join('/')];
    reader = workspaceReader(roots);
    try {
      workspace = new CoreWorkspace(roots, readWorkspaceManifest(), openDocuments);
      workspace.load();
    } catch (error) {
      const file = options.manifest?.file ?? workspaceManifest;
      connection.console.error(`trellis: ${file}: ${(error as Error).message}; using the built-in manifest`);
      workspace = new CoreWorkspace(roots, undefined, openDocuments);
    }
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        completionProvider: { triggerCharacters: ['.', '|'] },
        hoverProvider: true,
        definitionProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
      },
      serverInfo: { name: 'trellis', version: options.version },
    };
  });

  documents.onDidChangeContent(({ document }) => {
    const p = uriToPath(document.uri);
    if (p === undefined || !workspace) return;
    const text = document.getText();
    workspace.setDocument(p, text);
    if (!scanned && !looksLikeTemplate(text)) {
      // Maybe a skeleton file: the workspace's templates say which one (read once).
      scanned = true;
      const found: string[] = [];
      for (const root of roots) if (fs.existsSync(root)) findTemplates(root, found);
      workspace.setTemplatesOnDisk(found.map((f) => f.split(path.sep).join('/')));
    }
    schedule();
  });

  documents.onDidClose(({ document }) => {
    const p = uriToPath(document.uri);
    if (p === undefined || !workspace) return;
    workspace.closeDocument(p);
    schedule();
  });

  documents.onDidSave(({ document }) => {
    if (uriToPath(document.uri) !== workspaceManifest || !workspace) return;
    try {
      workspace.setManifest(document.getText());
      schedule();
    } catch (error) {
      connection.window.showErrorMessage(`trellis: ${workspaceManifest}: ${(error as Error).message}`);
    }
  });

  const at = (uri: string) => {
    const doc = documents.get(uri);
    const p = uriToPath(uri);
    return doc && p !== undefined && workspace ? { doc, path: p, positions: new PositionMap(doc.getText()), workspace } : undefined;
  };

  connection.onCompletion(({ textDocument, position }): CompletionItem[] => {
    const here = at(textDocument.uri);
    if (!here) return [];
    return here.workspace.complete(here.path, here.positions.toCore(position)).map((item, index) => ({
      label: item.label,
      kind: ITEM_KIND[item.kind],
      detail: item.detail,
      documentation: item.documentation ? { kind: MarkupKind.Markdown, value: item.documentation } : undefined,
      textEdit: { range: here.positions.rangeToLsp(item.range), newText: item.insertText },
      filterText: item.filterText,
      // The core's order (declaration order, earlier steps first) rather than alphabetical.
      sortText: String(index).padStart(5, '0'),
    }));
  });

  connection.onHover(({ textDocument, position }) => {
    const here = at(textDocument.uri);
    const hover = here?.workspace.hover(here.path, here.positions.toCore(position));
    if (!here || !hover) return null;
    return { contents: { kind: MarkupKind.Markdown, value: hover.markdown }, range: here.positions.rangeToLsp(hover.range) };
  });

  connection.onDefinition(({ textDocument, position }) => {
    const here = at(textDocument.uri);
    if (!here) return [];
    return here.workspace.definition(here.path, here.positions.toCore(position)).map((location) => ({
      uri: uriOf(location.path),
      range: positionsOf(location.path).rangeToLsp(location.range),
    }));
  });

  connection.onCodeAction(({ textDocument, range }): CodeAction[] => {
    const here = at(textDocument.uri);
    if (!here) return [];
    flush();
    return here.workspace.codeActions(here.path, here.positions.rangeToCore(range)).map((action) => ({
      title: action.title,
      kind: CodeActionKind.QuickFix,
      isPreferred: true,
      diagnostics: [toLspDiagnostic(action.diagnostic, here.positions)],
      edit: { changes: { [textDocument.uri]: [{ range: here.positions.rangeToLsp(action.range), newText: action.newText }] } },
    }));
  });

  documents.listen(connection);
  connection.listen();
}
