/**
 * Rendering with Backstage's template dialect (Nunjitsu's Nunjucks with `${{ }}`), in the Rust
 * core: `renderString`, `renderValue` (step-input semantics), `renderInput` (a whole step input)
 * and `prepareContext` (convert a context once, render many times).
 *
 * This file only converts arguments; every rule lives in Rust (engine/src: the engine and value rendering).
 */
import type * as Core from '../pkg/trellis';
import { expectOptions, expectString } from './arguments';
import { InstanceCache, callCore, disposeAfter, jsonFor, madeJson, objectJsonFor } from './coreInstance';

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

/** How a prepared context is made, so it can be made again in a new core instance (its JSON
 * texts as `objectJsonFor`/`jsonFor` made them). */
type ContextRecipe =
  | { contextJson: string }
  | { parent: PreparedContext; path: string; valueJson: string };

/** The core's object of each `PreparedContext`, in the current core instance. */
const preparedContexts = new InstanceCache<PreparedContext, Core.PreparedContext>();

/** The core's object of a `PreparedContext`, made again from its recipe in a new core instance. */
let coreContext: (prepared: PreparedContext) => Core.PreparedContext;

/**
 * A context converted into the core once (Nunjitsu's `prepareContext`). It keeps how it was
 * made, not the core's object (see `preparedContexts`): when a fault replaced the core instance
 * (coreInstance.ts), it is converted again on next use, and nothing of the old instance stays
 * reachable.
 */
export class PreparedContext {
  readonly #recipe: ContextRecipe;

  static {
    coreContext = (prepared) => preparedContexts.get(prepared) ?? preparedContexts.set(prepared, prepared.#make());
  }

  /** @internal */
  constructor(recipe: ContextRecipe) {
    this.#recipe = recipe;
    coreContext(this);
  }

  #make(): Core.PreparedContext {
    const recipe = this.#recipe;
    if ('contextJson' in recipe) {
      return callCore((core) => core.prepareContextJson(madeJson('Context', recipe.contextJson)));
    }
    const parent = coreContext(recipe.parent);
    return callCore(() => parent.withValueJson(recipe.path, madeJson('Value', recipe.valueJson)));
  }

  /** A copy with `path` (dot-separated, e.g. `steps.fetch.output`) set to `value`. */
  withValue(path: string, value: unknown): PreparedContext {
    expectString(path, 'withValue', 'the path');
    return new PreparedContext({ parent: this, path, valueJson: jsonFor('Value', value, 'withValue', 'the value') });
  }
}

/** Converts `context` into the core once, for many renders. */
export function prepareContext(context: object): PreparedContext {
  return new PreparedContext({ contextJson: objectJsonFor('Context', context, 'prepareContext') });
}

/** Runs `use` with the core's form of `context`; a plain object is converted for this call only
 * and its wasm memory released right after (a PreparedContext is the caller's to keep). */
function withContext<T>(fn: string, context: object | PreparedContext, use: (prepared: Core.PreparedContext) => T): T {
  if (context instanceof PreparedContext) return callCore(() => use(coreContext(context)));
  const json = objectJsonFor('Context', context, fn);
  const prepared = callCore((core) => core.prepareContextJson(json));
  return disposeAfter(prepared, () => callCore(() => use(prepared)));
}

/** One core renderer per options object (and one for "no options"), so options, filters and
 * globals are set up once, not on every call. Options objects are treated as immutable; a
 * renderer whose options object is collected is freed by the core's FinalizationRegistry
 * (wasm-bindgen `--weak-refs`). A fault that replaces the core instance drops them all. */
const renderers = new InstanceCache<RenderOptions, Core.Renderer>();
/** The key of the renderer for calls without options. */
const NO_OPTIONS: RenderOptions = {};

function rendererFor(fn: string, given: RenderOptions | undefined): Core.Renderer {
  const options = given ?? NO_OPTIONS;
  const cached = renderers.get(options);
  if (cached) return cached;
  const { filters, globals, ...rest } = expectOptions(options, fn);
  if (filters !== undefined) expectOptions(filters, fn, 'options.filters');
  if (globals !== undefined) expectOptions(globals, fn, 'options.globals');
  const json = jsonFor('RenderOptions', rest, fn, 'options');
  return renderers.set(options, callCore((core) => new core.Renderer(json, filters, globals)));
}

const TEXT = 's'.charCodeAt(0);
const JSON_TEXT = 'j'.charCodeAt(0);
const UNDEFINED = 'u'.charCodeAt(0);

/** The value a render produced, or the {@link RenderError} its failure becomes, thrown here. */
function settle(outcome: Core.RenderOutcome): unknown {
  const tag = outcome.charCodeAt(0);
  if (tag === TEXT) return outcome.slice(1);
  if (tag === JSON_TEXT) return JSON.parse(outcome.slice(1));
  if (tag === UNDEFINED) return undefined;
  const { message, ...fields } = JSON.parse(outcome.slice(1)) as RenderError;
  throw Object.assign(new Error(message), fields) as RenderError;
}

/** Renders `template` to text, as Backstage renders a template string. */
export function renderString(template: string, context: object | PreparedContext, options?: RenderOptions): string {
  expectString(template, 'renderString', 'the template');
  const renderer = rendererFor('renderString', options);
  return settle(withContext('renderString', context, (prepared) => renderer.renderString(template, prepared))) as string;
}

/**
 * Renders one step-input string the way Backstage does (Nunjitsu's `renderValue` with JSON
 * coercion): a lone `${{ expr }}` keeps its type, a lone `{% if %}` block is JSON-decoded,
 * `undefined` means "leave the key out".
 */
export function renderValue(template: string, context: object | PreparedContext, options?: RenderOptions): unknown {
  expectString(template, 'renderValue', 'the template');
  const renderer = rendererFor('renderValue', options);
  return settle(withContext('renderValue', context, (prepared) => renderer.renderValue(template, prepared)));
}

/** Renders every string inside a step input (objects and arrays walked), in one call. */
export function renderInput(input: unknown, context: object | PreparedContext, options?: RenderOptions): unknown {
  const json = jsonFor('Value', input, 'renderInput', 'the input');
  const renderer = rendererFor('renderInput', options);
  return settle(withContext('renderInput', context, (prepared) => renderer.renderInput(json, prepared)));
}
