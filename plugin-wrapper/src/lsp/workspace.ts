/**
 * The core's `LspWorkspace` (src/wasm/lsp.rs) with typed results. After a fault replaced the
 * core instance (core.ts), the next call builds a fresh workspace and hands it the open
 * documents again, so one bad template does not end the server.
 */
import type * as Core from '../../pkg/trellis';
import type { Diagnostic, SkeletonReader } from '../core';
import { InstanceCache, callCore } from '../coreInstance';
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

/** The core's workspace of each `CoreWorkspace`, forgotten when a fault replaces the instance. */
const workspaces = new InstanceCache<CoreWorkspace, Core.LspWorkspace>();

export class CoreWorkspace {
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

  private call<T>(run: (handle: Core.LspWorkspace) => T): T {
    return callCore((module) => {
      let handle = workspaces.get(this);
      if (handle === undefined) {
        handle = new module.LspWorkspace(JSON.stringify(this.roots), this.manifest);
        for (const [path, text] of this.openDocuments()) handle.setDocument(path, text);
        if (this.templates) handle.setTemplatesOnDisk(JSON.stringify(this.templates));
        workspaces.set(this, handle);
      }
      return run(handle);
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
