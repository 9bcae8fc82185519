/**
 * Rendering with Backstage's template dialect (Nunjitsu's Nunjucks with `${{ }}`), in the Rust
 * core: `renderString`, `renderValue` (step-input semantics), `renderInput` (a whole step input)
 * and `prepareContext` (convert a context once, render many times).
 *
 * This file only converts arguments; every rule lives in Rust (src/engine, src/render).
 */
import { coreModule } from './core';

/** Per-render resource limits (defaults: Nunjitsu's). */
export interface RenderLimits {
  sourceCodeUnits?: number;
  workUnits?: number;
  nestingDepth?: number;
  outputCodeUnits?: number;
  scratchBytes?: number;
  capabilityCalls?: number;
}

/** A filter or global function: synchronous, JSON values in and out. */
export type HostFunction = (...args: unknown[]) => unknown;

export interface RenderOptions {
  /** Filters added to the built-in and Backstage ones (a module's `addTemplateFilters`). */
  filters?: Record<string, HostFunction>;
  /** Global functions (called as `name()`) and values. */
  globals?: Record<string, HostFunction | unknown>;
  /** `{{ }}` variables and the `jsonify` filter, as `fetch:template`'s `cookiecutterCompat`. */
  cookiecutterCompat?: boolean;
  trimBlocks?: boolean;
  lstripBlocks?: boolean;
  /** Undefined names and lookups on undefined are errors instead of "". */
  strict?: boolean;
  limits?: RenderLimits;
  /**
   * `'backstage'`: `renderInput` keeps a string whose rendering failed, as Backstage does,
   * instead of throwing.
   */
  compat?: 'backstage';
  /** SCM hosts → integration type for `parseRepoUrl` (default github.com, gitlab.com,
   * bitbucket.org, dev.azure.com). */
  integrations?: Record<string, string>;
}

/** What the render functions throw: an `Error` with the position inside the template. */
export interface RenderError extends Error {
  code: 'syntax_error' | 'evaluation_error' | 'limit_error';
  reason: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** For `renderInput`: JSON pointer of the failing string inside the input. */
  pointer?: string;
}

interface WasmPreparedContext {
  withValueJson(path: string, valueJson: string): WasmPreparedContext;
  free(): void;
}

interface WasmRenderer {
  renderString(source: string, context: WasmPreparedContext): string;
  renderValue(source: string, context: WasmPreparedContext): string;
  renderInput(input: string, context: WasmPreparedContext): string;
}

interface RenderCore {
  prepareContextJson(contextJson: string): WasmPreparedContext;
  Renderer: new (options: string, filters: unknown, globals: unknown) => WasmRenderer;
}

/** A context converted into the core once (Nunjitsu's `prepareContext`). */
export class PreparedContext {
  /** @internal */
  readonly inner: WasmPreparedContext;

  /** @internal */
  constructor(inner: WasmPreparedContext) {
    this.inner = inner;
  }

  /** A copy with `path` (dot-separated, e.g. `steps.fetch.output`) set to `value`. */
  withValue(path: string, value: unknown): PreparedContext {
    return new PreparedContext(this.inner.withValueJson(path, JSON.stringify(value ?? null)));
  }
}

/** Converts `context` into the core once, for many renders. */
export function prepareContext(context: object): PreparedContext {
  return new PreparedContext(coreModule<RenderCore>().prepareContextJson(JSON.stringify(context ?? {})));
}

/** Runs `use` with the core's form of `context`; a plain object is converted for this call only
 * and its wasm memory released right after (a PreparedContext is the caller's to keep). */
function withContext<T>(context: object | PreparedContext, use: (prepared: WasmPreparedContext) => T): T {
  if (context instanceof PreparedContext) return use(context.inner);
  const prepared = coreModule<RenderCore>().prepareContextJson(JSON.stringify(context ?? {}));
  try {
    return use(prepared);
  } finally {
    prepared.free();
  }
}

function optionsJson(options: RenderOptions): string {
  const { filters: _filters, globals: _globals, ...rest } = options;
  return JSON.stringify(rest);
}

/** One core renderer per options object (and one for "no options"), so options, filters and
 * globals are set up once, not on every call. Options objects are treated as immutable; a
 * renderer whose options object is collected is freed by the core's FinalizationRegistry
 * (wasm-bindgen `--weak-refs`). */
const renderers = new WeakMap<RenderOptions, WasmRenderer>();
let defaultRenderer: WasmRenderer | undefined;

function rendererFor(options: RenderOptions | undefined): WasmRenderer {
  const { Renderer } = coreModule<RenderCore>();
  if (!options) {
    defaultRenderer ??= new Renderer('{}', undefined, undefined);
    return defaultRenderer;
  }
  let renderer = renderers.get(options);
  if (!renderer) {
    renderer = new Renderer(optionsJson(options), options.filters, options.globals);
    renderers.set(options, renderer);
  }
  return renderer;
}

function parseOrUndefined(text: string): unknown {
  return text === '' ? undefined : JSON.parse(text);
}

/** Renders `template` to text, as Backstage renders a template string. */
export function renderString(template: string, context: object | PreparedContext, options?: RenderOptions): string {
  const renderer = rendererFor(options);
  return withContext(context, (prepared) => renderer.renderString(template, prepared));
}

/**
 * Renders one step-input string the way Backstage does (Nunjitsu's `renderValue` with JSON
 * coercion): a lone `${{ expr }}` keeps its type, a lone `{% if %}` block is JSON-decoded,
 * `undefined` means "leave the key out".
 */
export function renderValue(template: string, context: object | PreparedContext, options?: RenderOptions): unknown {
  const renderer = rendererFor(options);
  return parseOrUndefined(withContext(context, (prepared) => renderer.renderValue(template, prepared)));
}

/** Renders every string inside a step input (objects and arrays walked), in one call. */
export function renderInput(input: unknown, context: object | PreparedContext, options?: RenderOptions): unknown {
  const renderer = rendererFor(options);
  const json = JSON.stringify(input ?? null);
  return parseOrUndefined(withContext(context, (prepared) => renderer.renderInput(json, prepared)));
}
