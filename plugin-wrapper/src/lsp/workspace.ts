/**
 * The core's `LspWorkspace` (src/wasm/lsp.rs) with typed results. After a fault replaced the
 * core instance (core.ts), the next call builds a fresh workspace and hands it the open
 * documents again, so one bad template does not end the server.
 */
import { callCoreAs, coreGeneration, type Diagnostic, type SkeletonReader } from '../core';
import type { CorePosition, CoreSpan } from './positions';

/** A diagnostic with the edit its did-you-mean proposes. */
export type Finding = Diagnostic & { fix?: { range: CoreSpan; newText: string } };

export interface FileFindings {
  path: string;
  diagnostics: Finding[];
}

export type ItemKind = 'field' | 'property' | 'module' | 'function' | 'variable' | 'value' | 'keyword';

export interface CoreCompletion {
  label: string;
  kind: ItemKind;
  detail?: string;
  documentation?: string;
  insertText: string;
  filterText?: string;
  range: CoreSpan;
}

export interface CoreHover {
  markdown: string;
  range: CoreSpan;
}

export interface CoreLocation {
  path: string;
  range: CoreSpan;
}

export interface CoreCodeAction {
  title: string;
  path: string;
  range: CoreSpan;
  newText: string;
  diagnostic: Diagnostic;
}

interface LspWorkspaceHandle {
  setManifest(manifestJson?: string): void;
  setDocument(path: string, text: string): void;
  closeDocument(path: string): void;
  setTemplatesOnDisk(pathsJson: string): void;
  diagnose(reader: SkeletonReader): string;
  complete(path: string, line: number, column: number): string;
  hover(path: string, line: number, column: number): string;
  definition(path: string, line: number, column: number): string;
  codeActions(path: string, line: number, column: number, endLine: number, endColumn: number): string;
  free(): void;
}

interface LspModule {
  LspWorkspace: new (rootsJson: string, manifestJson?: string) => LspWorkspaceHandle;
}

export class CoreWorkspace {
  private handle?: LspWorkspaceHandle;
  private generation = -1;
  private manifest?: string;
  private templates?: string[];

  /**
   * @param roots absolute workspace folders: nothing outside them is read
   * @param openDocuments the open documents' paths and texts (to rebuild after a core fault)
   */
  constructor(
    private readonly roots: string[],
    manifest: string | undefined,
    private readonly openDocuments: () => [string, string][],
  ) {
    this.manifest = manifest;
  }

  private call<T>(run: (handle: LspWorkspaceHandle) => T): T {
    return callCoreAs<LspModule, T>((module) => {
      if (this.handle === undefined || this.generation !== coreGeneration()) {
        const handle = new module.LspWorkspace(JSON.stringify(this.roots), this.manifest);
        for (const [path, text] of this.openDocuments()) handle.setDocument(path, text);
        if (this.templates) handle.setTemplatesOnDisk(JSON.stringify(this.templates));
        this.handle = handle;
        this.generation = coreGeneration();
      }
      return run(this.handle);
    });
  }

  /** Loads the core and builds the workspace now: throws (rule `invalid-manifest`) for a bad manifest. */
  load(): void {
    this.call(() => undefined);
  }

  /** Throws a `TrellisError` (rule `invalid-manifest`) when the text is not a manifest. */
  setManifest(manifest: string | undefined): void {
    this.call((h) => h.setManifest(manifest));
    this.manifest = manifest;
  }

  setDocument(path: string, text: string): void {
    this.call((h) => h.setDocument(path, text));
  }

  closeDocument(path: string): void {
    this.call((h) => h.closeDocument(path));
  }

  setTemplatesOnDisk(paths: string[]): void {
    this.templates = paths;
    this.call((h) => h.setTemplatesOnDisk(JSON.stringify(paths)));
  }

  diagnose(reader: SkeletonReader): FileFindings[] {
    return JSON.parse(this.call((h) => h.diagnose(reader))) as FileFindings[];
  }

  complete(path: string, at: CorePosition): CoreCompletion[] {
    return JSON.parse(this.call((h) => h.complete(path, at.line, at.column))) as CoreCompletion[];
  }

  hover(path: string, at: CorePosition): CoreHover | null {
    return JSON.parse(this.call((h) => h.hover(path, at.line, at.column))) as CoreHover | null;
  }

  definition(path: string, at: CorePosition): CoreLocation[] {
    return JSON.parse(this.call((h) => h.definition(path, at.line, at.column))) as CoreLocation[];
  }

  codeActions(path: string, range: CoreSpan): CoreCodeAction[] {
    const json = this.call((h) => h.codeActions(path, range.line, range.column, range.endLine, range.endColumn));
    return JSON.parse(json) as CoreCodeAction[];
  }
}
