/**
 * The loaded wasm core (pkg/trellis.js, built by wasm-bindgen): every call into it, what a fault
 * in it becomes, the core objects kept across calls, and the JSON texts that cross. Its types
 * are the ones wasm-bindgen generates (pkg/trellis.d.ts, through plugin-wrapper/pkg/); this file
 * is internal: no public declaration refers to it, so the package's types never load the
 * generated ones.
 */
import * as path from 'node:path';
import type * as Core from '../pkg/trellis';
import { contextJson, toJson } from './arguments';
import type {
  CheckResult,
  ManifestAction,
  ParameterResult,
  ReportFormat,
  SyntaxCheck,
  SyntaxCheckOptions,
} from './core';
import type { CookiecutterLimits, CookiecutterOptions, CookiecutterResult } from './cookiecutter';
import type { DryRunOptions, DryRunReport, TreeDiff } from './dryRun';
import type { RenderOptions } from './render';
import type { SkeletonOptions, SkippedEntry, TemplateInputs } from './skeleton';

/** The module pkg/trellis.js exports. */
export type CoreModule = typeof Core;

/**
 * What each JSON text crossing the boundary holds, by the name the generated types give it
 * (`Json<"ParameterResult">`, src/wasm/*.rs): a name the core uses and this map lacks, or a value
 * of another type, does not compile.
 */
export interface CoreJson {
  Values: object;
  Context: object;
  Value: unknown;
  ValidateOptions: {
    templateFormat: 'yaml' | 'json';
    applyDefaults: boolean;
    secrets: Record<string, unknown> | null;
    path: string | null;
    compat?: 'backstage' | 'strict' | null;
  };
  ParameterResult: ParameterResult;
  ParametersReport: { result: ParameterResult; report: string };
  SyntaxOptions: Required<SyntaxCheckOptions>;
  SyntaxCheck: SyntaxCheck;
  CheckTemplateOptions: { path: string | null };
  CheckResult: CheckResult;
  CheckFiles: { path: string; source: string; failure?: string }[];
  CheckFilesOptions: {
    format: ReportFormat;
    colour: boolean;
    manifest: string | null;
    ignore: string[];
    baseline: string | null;
    updateBaseline: boolean;
  };
  CheckReport: CheckResult & { report: string; baselined: number; baseline: string | null };
  Manifest: { actions: ManifestAction[] };
  GlobExpansion: { pattern: boolean; files: string[]; truncated: boolean };
  RenderOptions: Omit<RenderOptions, 'filters' | 'globals'>;
  SkeletonRenderOptions: Omit<SkeletonOptions, 'filters' | 'globals'>;
  SkippedEntries: SkippedEntry[];
  FetchTemplateInputs: { copyWithoutTemplating?: unknown; templateFileExtension?: unknown; cookiecutterCompat: boolean };
  TemplateInputs: TemplateInputs;
  DryRunOptions: DryRunOptions;
  DryRunReport: DryRunReport;
  TreeDiff: TreeDiff;
  Secrets: Record<string, unknown>;
  CookiecutterEntries: { path: string; type: 'file' | 'directory' | 'symlink'; mode: number; symlink?: string }[];
  CookiecutterOptions: Omit<CookiecutterOptions, 'limits'> & CookiecutterLimits;
  CookiecutterMeta: Omit<CookiecutterResult, 'files'>;
}

/** `value` as the JSON text of `kind` for the core (a TypeError naming `fn`'s `what` when JSON
 * cannot hold it). */
export function jsonFor<K extends keyof CoreJson>(_kind: K, value: CoreJson[K], fn: string, what: string): Core.Json<K> {
  return toJson(value, fn, what) as Core.Json<K>;
}

/** JSON text `jsonFor` or `objectJsonFor` made, kept as a plain string (a `PreparedContext`'s
 * recipe, part of its declared shape), for the core again. */
export function madeJson<K extends keyof CoreJson>(_kind: K, text: string): Core.Json<K> {
  return text as Core.Json<K>;
}

/** A context, or values, as the core's JSON: an object (see arguments.ts `contextJson`). */
export function objectJsonFor<K extends 'Context' | 'Values'>(_kind: K, value: unknown, fn: string, what?: string): Core.Json<K> {
  return contextJson(value, fn, what) as Core.Json<K>;
}

/** The value of a JSON text the core returned. */
export function readJson<K extends keyof CoreJson>(text: Core.Json<K>): CoreJson[K] {
  return JSON.parse(text) as CoreJson[K];
}

/** pkg/ sits next to dist/ at the package root; this file is dist/coreInstance.js once built. */
const corePath = path.join(__dirname, '..', 'pkg', 'trellis.js');

let core: CoreModule | undefined;
/** Counts instances of the core: objects made by an older instance must not be used again. */
let generation = 0;
const resetListeners: (() => void)[] = [];
/** Calls into the core under way: more than one when a filter, global or reader calls it again. */
let depth = 0;
/** A fault in a nested call, reported again when the outermost call ends (see `callCore`). */
let nestedFault: InternalError | undefined;

/** Loads the wasm core on first use. */
function loadCore(): CoreModule {
  if (!core) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      core = require(corePath) as CoreModule;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(
        `Trellis could not load its WebAssembly core from ${corePath}: ${reason}. ` +
          'Build it with `npm run build` (scripts/build.sh) or reinstall the package.',
      );
    }
  }
  return core;
}

/** The `Error` a core fault becomes: code `internal_error`, the panic text, where to report it. */
export interface InternalError extends Error {
  code: 'internal_error';
  hint: string;
}

/** `WebAssembly.RuntimeError` (the ES2022 lib this package compiles against does not declare it). */
const WasmRuntimeError = (globalThis as unknown as { WebAssembly: { RuntimeError: new () => Error } }).WebAssembly
  .RuntimeError;

/**
 * A trap (`WebAssembly.RuntimeError`: a Rust panic, which aborts on wasm32, or running out of
 * memory) or a stack overflow inside wasm leaves the instance in an unknown state: borrowed
 * objects, a moved stack pointer.
 */
function isCoreFault(error: unknown): boolean {
  if (error instanceof WasmRuntimeError) return true;
  return error instanceof RangeError && /call stack/i.test(error.message) && /wasm-function|wasm:\/\//.test(error.stack ?? '');
}

/** The {@link InternalError} of a fault, with the text of the panic behind it when there was one. */
function describeFault(faulted: CoreModule, fault: Error): InternalError {
  let panic: string | undefined;
  try {
    panic = faulted.takePanicMessage();
  } catch {
    // The instance may be too broken to answer; the trap's own message is all there is then.
  }
  // The hook's text is `panicked at FILE:LINE:COLUMN:\nMESSAGE`: the message first, then where.
  const parts = panic ? /^panicked at (.+?):\n([\s\S]*)$/.exec(panic) : null;
  const what = parts ? `${parts[2]} (panicked at ${parts[1]})` : (panic ?? fault.message);
  const error = new Error(
    `Trellis' core failed with an internal error: ${what}. The core was restarted, so further calls work.`,
  ) as InternalError;
  error.name = 'TrellisInternalError';
  error.code = 'internal_error';
  error.hint =
    'This is a bug in Trellis, not in your template: please report it to the Trellis maintainers ' +
    'with this message and the template or input that caused it.';
  (error as Error & { cause?: unknown }).cause = fault;
  return error;
}

/**
 * Replaces the faulted instance with a fresh one of the same compiled module. wasm-bindgen's
 * reset (`--experimental-reset-state-function`, scripts/build.sh) keeps the glue and its
 * exported classes and swaps the instance under them, so nothing is compiled or loaded again, and
 * objects made by the old instance hold no reference to it: once they are dropped (see
 * {@link InstanceCache}) the old memory is garbage. Its finalizers and methods refuse objects of
 * an older instance, so they never reach the new memory either.
 */
function resetCore(faulted: CoreModule): void {
  faulted.__wbg_reset_state();
  generation += 1;
  for (const listener of resetListeners) listener();
}

/**
 * Calls into the core. A fault inside it (see `isCoreFault`) becomes an {@link InternalError}
 * and the next call runs on a fresh instance; every other error passes through unchanged.
 *
 * A fault in a nested call (a filter, global or skeleton reader that called the core again) is
 * thrown to that callback as an InternalError, which the core's callback wrapper turns into a
 * trap of the call still running (src/wasm/panic.rs `propagate_fault`); the instance is replaced
 * only when the outermost call ends, never under a call still running in it. If the callback
 * swallowed the error, the outermost call fails with it all the same: it ran on a faulted instance.
 */
export function callCore<T>(call: (module: CoreModule) => T): T {
  const module = loadCore();
  const outermost = depth === 0;
  depth += 1;
  let value: T;
  let fault: InternalError | undefined;
  try {
    value = call(module);
  } catch (error) {
    if (isCoreFault(error)) fault = describeFault(module, error as Error);
    else if (!(outermost && nestedFault)) throw error;
  } finally {
    depth -= 1;
  }
  if (!outermost) {
    if (fault === undefined) return value!;
    nestedFault ??= fault;
    throw fault;
  }
  // The first fault is the cause; the outer call's own trap (see above) is its consequence.
  fault = nestedFault ?? fault;
  if (fault === undefined) return value!;
  nestedFault = undefined;
  resetCore(module);
  throw fault;
}

/** What every object of wasm-bindgen's classes has. */
export interface CoreObject {
  free(): void;
}

/**
 * Detaches a core object from its wasm memory without freeing it, and unregisters it from its
 * class' FinalizationRegistry (wasm-bindgen's `__destroy_into_raw`, on every object of its
 * classes though the d.ts does not declare it). For objects of a faulted or replaced instance:
 * `free` does not check which instance an object belongs to, and would free its pointer in the
 * new instance's memory.
 */
function detach(object: CoreObject): void {
  (object as { __destroy_into_raw?: () => number }).__destroy_into_raw?.();
}

/**
 * Runs `use(object)`, then frees `object`; after a fault (in `use`, or one that replaced the
 * instance meanwhile) the object is only detached.
 */
export function disposeAfter<O extends CoreObject, R>(object: O, use: (object: O) => R): R {
  const made = generation;
  let faulted = false;
  try {
    return use(object);
  } catch (error) {
    faulted = isCoreFault(error) || (error as Partial<InternalError>)?.code === 'internal_error';
    throw error;
  } finally {
    if (faulted || made !== generation) detach(object);
    else callCore(() => object.free());
  }
}

/**
 * Core objects kept for reuse, at most `limit` of them and at most `budget` of their weights
 * (what each costs, in the owner's unit): a renderer per options key, a prepared context per
 * `PreparedContext` weighing its JSON text (render.ts). Adding one past either bound frees the
 * least recently used quarter, which their owners make again when next needed: JavaScript has no destructor the core could wait
 * for, and finalizers only run when the event loop turns, so a caller preparing a context per
 * task in a synchronous loop would otherwise grow the wasm memory with every one. An object that
 * may be in use further up the stack (the eviction happens inside a call into the core, from a
 * host filter) is not freed but dropped, for wasm-bindgen's FinalizationRegistry.
 *
 * The count bound can start small and grow: `grow()` doubles it, up to `largestLimit`; an owner
 * calls it when it must make again an object that was freed while still in use (render.ts'
 * prepared contexts). A caller that prepares a context per task and drops it never does, so few
 * stay kept, and a loop over tasks renders its steps faster (docs/benchmarks.md); one that keeps
 * many contexts and takes turns with them soon has them all kept instead of remaking each one at
 * every use.
 *
 * A fault that replaces the core instance forgets them all: the next `get` misses and the
 * caller makes a new object in the new instance. The old objects are then unreachable;
 * wasm-bindgen's finalizer, which skips objects of an older instance, never frees them through
 * the new one.
 */
export class BoundedInstanceCache<K, V extends CoreObject> {
  #entries = new Map<K, { value: V; weight: number; used: number }>();
  #weight = 0;
  /** Counts uses; an entry remembers the count of its last use. */
  #clock = 0;
  #limit: number;

  constructor(
    limit: number,
    private readonly budget = Infinity,
    private readonly largestLimit = limit,
  ) {
    this.#limit = limit;
    resetListeners.push(() => {
      this.#entries = new Map();
      this.#weight = 0;
    });
  }

  get(key: K): V | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    entry.used = ++this.#clock;
    return entry.value;
  }

  /** Doubles the count bound, up to the largest (see the class' comment). */
  grow(): void {
    this.#limit = Math.min(this.largestLimit, this.#limit * 2);
  }

  set(key: K, value: V, weight = 0): V {
    if (this.#entries.size >= this.#limit || this.#weight + weight > this.budget) this.#evict(weight);
    this.#entries.set(key, { value, weight, used: ++this.#clock });
    this.#weight += weight;
    return value;
  }

  /** Frees the least recently used entries until a quarter of each bound is free (room for
   * `weight` more), so evictions come in batches rather than one scan per addition. */
  #evict(weight: number): void {
    const oldestFirst = [...this.#entries].sort(([, a], [, b]) => a.used - b.used);
    for (const [key, entry] of oldestFirst) {
      if (this.#entries.size <= (this.#limit * 3) / 4 && this.#weight + weight <= (this.budget * 3) / 4) break;
      this.#entries.delete(key);
      this.#weight -= entry.weight;
      if (depth === 0) callCore(() => entry.value.free());
    }
  }
}

/**
 * Core objects kept for as long as the JavaScript object they serve (the LSP's workspaces),
 * keyed by it. A fault that replaces the core instance forgets them all, as in
 * {@link BoundedInstanceCache}. A value whose key is collected goes with it, and the finalizer
 * frees its memory.
 */
export class InstanceCache<K extends object, V extends CoreObject> {
  #values = new WeakMap<K, V>();

  constructor() {
    resetListeners.push(() => {
      this.#values = new WeakMap();
    });
  }

  get(key: K): V | undefined {
    return this.#values.get(key);
  }

  set(key: K, value: V): V {
    this.#values.set(key, value);
    return value;
  }
}
