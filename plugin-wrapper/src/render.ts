/**
 * Rendering with Backstage's template dialect (Nunjitsu's Nunjucks with `${{ }}`), in the Rust
 * core: `renderString`, `renderValue` (step-input semantics), `renderInput` (a whole step input)
 * and `prepareContext` (convert a context once, render many times).
 *
 * This file only converts arguments; every rule lives in Rust (engine/src: the engine and value rendering).
 */
import type * as Core from '../pkg/trellis';
import { expectOptions, expectString } from './arguments';
import { BoundedInstanceCache, callCore, disposeAfter, jsonFor, madeJson, objectJsonFor } from './coreInstance';

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

/** The core's objects of the `PreparedContext`s used last, in the current core instance: at first
 * at most 128 of them, up to 2,048 as contexts freed to make room are used again (each doubles
 * the bound; see `BoundedInstanceCache`), and 8 MiB of their JSON; the others are made again
 * from their recipes when used. */
const preparedContexts = new BoundedInstanceCache<PreparedContext, Core.PreparedContext>(128, 8 * 1024 * 1024, 2048);

/** The core's object of a `PreparedContext`, made again from its recipe in a new core instance. */
let coreContext: (prepared: PreparedContext) => Core.PreparedContext;

/**
 * A context converted into the core once (Nunjitsu's `prepareContext`). It keeps how it was
 * made, not the core's object (see `preparedContexts`): when a fault replaced the core instance
 * (coreInstance.ts), or more recently used contexts took its place, it is converted again on
 * next use, and nothing of an old instance stays reachable.
 */
export class PreparedContext {
  readonly #recipe: ContextRecipe;
  /** Whether its core object was made before (and so, when missing, freed while in use). */
  #made = false;

  static {
    coreContext = (prepared) => {
      const made = preparedContexts.get(prepared);
      if (made !== undefined) return made;
      if (prepared.#made) preparedContexts.grow();
      prepared.#made = true;
      return preparedContexts.set(prepared, prepared.#make(), prepared.#weight());
    };
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

  /** What its core object costs, roughly: the length of the JSON it is made of. */
  #weight(): number {
    const recipe = this.#recipe;
    return 'contextJson' in recipe ? recipe.contextJson.length : recipe.valueJson.length + recipe.path.length;
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
  if (context instanceof PreparedContext) {
    // Outside `callCore`: making it may free another context (see `BoundedInstanceCache`).
    const prepared = coreContext(context);
    return callCore(() => use(prepared));
  }
  const json = objectJsonFor('Context', context, fn);
  const prepared = callCore((core) => core.prepareContextJson(json));
  return disposeAfter(prepared, () => callCore(() => use(prepared)));
}

/** Core renderers by the value of their options (see `rendererFor`), so options, filters and
 * globals are set up once, not on every call, whether the caller reuses one options object or
 * writes `{ compat: 'backstage' }` inline. Bounded; a fault that replaces the core instance drops
 * them all. */
const renderers = new BoundedInstanceCache<string, Core.Renderer>(64);

/** Numbers standing for host functions in renderer keys: a function is known by its identity. */
const functionIds = new WeakMap<object, number>();
let functionsSeen = 0;

/** A host's filters or globals as a key: each name with its function's number, or the JSON of
 * a value (what the core keeps of it). */
function hostKey(host: Record<string, unknown>): string {
  let key = '';
  for (const name of Object.keys(host)) {
    const value = host[name];
    let id: string | undefined;
    if (typeof value === 'function') {
      let n = functionIds.get(value);
      if (n === undefined) functionIds.set(value, (n = functionsSeen++));
      id = `#${n}`;
    } else {
      id = `=${JSON.stringify(value)}`;
    }
    key += `${JSON.stringify(name)}${id},`;
  }
  return key;
}

/** The key of each filters or globals object last seen, with the values it was made from. */
const hostKeys = new WeakMap<object, { key: string; names: string[]; values: unknown[] }>();

/** {@link hostKey}, remembered per object while its own values stay the same (identical
 * functions and primitives; an object value is compared by its JSON again). */
function hostKeyOf(host: Record<string, unknown> | undefined): string {
  if (host === undefined || host === null) return '';
  const names = Object.keys(host);
  const known = hostKeys.get(host);
  if (known !== undefined && known.names.length === names.length) {
    const same = names.every((name, i) => {
      const value = host[name];
      return name === known.names[i] && value === known.values[i] && (typeof value !== 'object' || value === null);
    });
    if (same) return known.key;
  }
  const key = hostKey(host);
  hostKeys.set(host, { key, names, values: names.map((name) => host[name]) });
  return key;
}

/** The renderer for `given` options: the options' JSON (as the core reads them) and their host
 * functions by identity make the key, so equal options share one renderer. */
function rendererFor(fn: string, given: RenderOptions | undefined): Core.Renderer {
  const { filters, globals, ...rest } = expectOptions(given, fn);
  if (filters !== undefined) expectOptions(filters, fn, 'options.filters');
  if (globals !== undefined) expectOptions(globals, fn, 'options.globals');
  const json = jsonFor('RenderOptions', rest, fn, 'options');
  let key: string | undefined;
  try {
    key = `${json}\n${hostKeyOf(filters)}\n${hostKeyOf(globals)}`;
  } catch {
    // A global value JSON cannot hold: the core skips it, and this renderer is not kept.
  }
  const cached = key === undefined ? undefined : renderers.get(key);
  if (cached) return cached;
  const renderer = callCore((core) => new core.Renderer(json, filters, globals));
  return key === undefined ? renderer : renderers.set(key, renderer);
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
