/**
 * Rendering with Backstage's template dialect (Nunjitsu's Nunjucks with `${{ }}`), in the Rust
 * core: `renderString`, `renderValue` (step-input semantics), `renderInput` (a whole step input)
 * and `prepareContext` (convert a context once, render many times).
 *
 * This file only converts arguments; every rule lives in Rust (engine/src: the engine and value rendering).
 */
import { callCoreAs, coreGeneration, onCoreReset } from './core';

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
  /**
   * Values that must never appear in an error message (with their reversed, upper/lower-case,
   * base64, URL- and JSON-escaped forms), besides every string in the context's `secrets`
   * object, which is always treated as secret. Values under 4 characters are not redacted.
   */
  secrets?: string[];
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

/** What every object of wasm-bindgen's classes has. */
interface WasmObject {
  free(): void;
  /** Detaches the JS object from its wasm memory without freeing it (wasm-bindgen). Used on
   * objects of a faulted instance, whose own free could fault again from a finalizer. */
  __destroy_into_raw(): number;
}

interface WasmPreparedContext extends WasmObject {
  withValueJson(path: string, valueJson: string): WasmPreparedContext;
}

/**
 * A render's outcome as the core returns it (src/wasm.rs `outcome`): the first character says
 * what the rest is: `s` text, `j` JSON of a non-string value, `u` undefined, `e` JSON of the
 * failure. The core returns failures rather than throwing them because an `Error` raised under
 * wasm frames costs V8 more than the render.
 */
type RenderOutcome = string;

interface WasmRenderer extends WasmObject {
  renderString(source: string, context: WasmPreparedContext): RenderOutcome;
  renderValue(source: string, context: WasmPreparedContext): RenderOutcome;
  renderInput(input: string, context: WasmPreparedContext): RenderOutcome;
}

interface RenderCore {
  prepareContextJson(contextJson: string): WasmPreparedContext;
  Renderer: new (options: string, filters: unknown, globals: unknown) => WasmRenderer;
}

/** How a prepared context is made, so it can be made again in a new core instance. */
type ContextRecipe =
  | { contextJson: string }
  | { parent: PreparedContext; path: string; valueJson: string };

/**
 * A context converted into the core once (Nunjitsu's `prepareContext`). It keeps how it was
 * made: when a fault replaced the core instance (core.ts), it is converted again on next use.
 */
export class PreparedContext {
  readonly #recipe: ContextRecipe;
  #inner: WasmPreparedContext;
  #generation: number;

  /** @internal */
  constructor(recipe: ContextRecipe) {
    this.#recipe = recipe;
    this.#generation = coreGeneration();
    this.#inner = this.#make();
  }

  #make(): WasmPreparedContext {
    const recipe = this.#recipe;
    if ('contextJson' in recipe) {
      return callCoreAs((core: RenderCore) => core.prepareContextJson(recipe.contextJson));
    }
    const parent = recipe.parent.inner;
    return callCoreAs(() => parent.withValueJson(recipe.path, recipe.valueJson));
  }

  /** @internal The core's object, of the current instance. */
  get inner(): WasmPreparedContext {
    if (this.#generation !== coreGeneration()) {
      this.#inner.__destroy_into_raw();
      this.#generation = coreGeneration();
      this.#inner = this.#make();
    }
    return this.#inner;
  }

  /** A copy with `path` (dot-separated, e.g. `steps.fetch.output`) set to `value`. */
  withValue(path: string, value: unknown): PreparedContext {
    return new PreparedContext({ parent: this, path, valueJson: JSON.stringify(value ?? null) });
  }
}

/** Converts `context` into the core once, for many renders. */
export function prepareContext(context: object): PreparedContext {
  return new PreparedContext({ contextJson: JSON.stringify(context ?? {}) });
}

/** Runs `use` with the core's form of `context`; a plain object is converted for this call only
 * and its wasm memory released right after (a PreparedContext is the caller's to keep). */
function withContext<T>(context: object | PreparedContext, use: (prepared: WasmPreparedContext) => T): T {
  if (context instanceof PreparedContext) return callCoreAs(() => use(context.inner));
  const contextJson = JSON.stringify(context ?? {});
  const prepared = callCoreAs((core: RenderCore) => core.prepareContextJson(contextJson));
  const made = coreGeneration();
  try {
    return callCoreAs(() => use(prepared));
  } finally {
    // After a fault the object belongs to the discarded instance: detach it, do not call it.
    if (made === coreGeneration()) prepared.free();
    else prepared.__destroy_into_raw();
  }
}

function optionsJson(options: RenderOptions): string {
  const { filters: _filters, globals: _globals, ...rest } = options;
  return JSON.stringify(rest);
}

/** One core renderer per options object (and one for "no options"), so options, filters and
 * globals are set up once, not on every call. Options objects are treated as immutable; a
 * renderer whose options object is collected is freed by the core's FinalizationRegistry
 * (wasm-bindgen `--weak-refs`). A fault that replaces the core instance drops them all. */
let renderers = new WeakMap<RenderOptions, WasmRenderer>();
let defaultRenderer: WasmRenderer | undefined;
/** The cached renderers, weakly, to detach them from a faulted instance. */
let rendererRefs: WeakRef<WasmRenderer>[] = [];
/** Collected renderers' refs are pruned when the list doubles, so adding one stays O(1). */
let pruneRefsAt = 64;

onCoreReset(() => {
  for (const ref of rendererRefs) ref.deref()?.__destroy_into_raw();
  rendererRefs = [];
  pruneRefsAt = 64;
  renderers = new WeakMap();
  defaultRenderer = undefined;
});

function newRenderer(options: string, filters: unknown, globals: unknown): WasmRenderer {
  const renderer = callCoreAs((core: RenderCore) => new core.Renderer(options, filters, globals));
  if (rendererRefs.length >= pruneRefsAt) {
    rendererRefs = rendererRefs.filter((ref) => ref.deref() !== undefined);
    pruneRefsAt = Math.max(64, 2 * rendererRefs.length);
  }
  rendererRefs.push(new WeakRef(renderer));
  return renderer;
}

function rendererFor(options: RenderOptions | undefined): WasmRenderer {
  if (!options) {
    defaultRenderer ??= newRenderer('{}', undefined, undefined);
    return defaultRenderer;
  }
  let renderer = renderers.get(options);
  if (!renderer) {
    renderer = newRenderer(optionsJson(options), options.filters, options.globals);
    renderers.set(options, renderer);
  }
  return renderer;
}

const TEXT = 's'.charCodeAt(0);
const JSON_TEXT = 'j'.charCodeAt(0);
const UNDEFINED = 'u'.charCodeAt(0);

/** The value a render produced, or the {@link RenderError} its failure becomes, thrown here. */
function settle(outcome: RenderOutcome): unknown {
  const tag = outcome.charCodeAt(0);
  if (tag === TEXT) return outcome.slice(1);
  if (tag === JSON_TEXT) return JSON.parse(outcome.slice(1));
  if (tag === UNDEFINED) return undefined;
  const { message, ...fields } = JSON.parse(outcome.slice(1)) as RenderError;
  throw Object.assign(new Error(message), fields) as RenderError;
}

/** Renders `template` to text, as Backstage renders a template string. */
export function renderString(template: string, context: object | PreparedContext, options?: RenderOptions): string {
  const renderer = rendererFor(options);
  return settle(withContext(context, (prepared) => renderer.renderString(template, prepared))) as string;
}

/**
 * Renders one step-input string the way Backstage does (Nunjitsu's `renderValue` with JSON
 * coercion): a lone `${{ expr }}` keeps its type, a lone `{% if %}` block is JSON-decoded,
 * `undefined` means "leave the key out".
 */
export function renderValue(template: string, context: object | PreparedContext, options?: RenderOptions): unknown {
  const renderer = rendererFor(options);
  return settle(withContext(context, (prepared) => renderer.renderValue(template, prepared)));
}

/** Renders every string inside a step input (objects and arrays walked), in one call. */
export function renderInput(input: unknown, context: object | PreparedContext, options?: RenderOptions): unknown {
  const renderer = rendererFor(options);
  const json = JSON.stringify(input ?? null);
  return settle(withContext(context, (prepared) => renderer.renderInput(json, prepared)));
}
