/**
 * Argument checks of the public API: a value of the wrong type is a `TypeError` here, before it
 * reaches the core. wasm-bindgen's glue does not check types in a release build, so a number
 * where a string is expected would otherwise be read as a pointer and trap inside wasm.
 */

/** What a value is, for messages: `a number`, `an array`, `a Date`, `null`. */
export function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') {
    let name: unknown;
    try {
      name = (value as object).constructor?.name;
    } catch {
      name = undefined; // a Proxy whose `get` throws
    }
    return typeof name === 'string' && name !== '' ? article(name) : 'an object without a plain prototype';
  }
  return article(typeof value);
}

function article(noun: string): string {
  return `${/^[aeiou]/i.test(noun) ? 'an' : 'a'} ${noun}`;
}

/** An object made by `{}`, `Object.create(null)` or JSON: not an array, class instance or Date. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** `TypeError: renderString: the template must be a string, got a number`. */
export function argumentError(fn: string, what: string, expected: string, value: unknown): TypeError {
  return new TypeError(`${fn}: ${what} must be ${expected}, got ${describe(value)}`);
}

export function expectString(value: unknown, fn: string, what: string): string {
  if (typeof value !== 'string') throw argumentError(fn, what, 'a string', value);
  return value;
}

/** A string, or `undefined` for `undefined` and `null`. */
export function expectOptionalString(value: unknown, fn: string, what: string): string | undefined {
  return value === undefined || value === null ? undefined : expectString(value, fn, what);
}

/** An options argument: an object, or `{}` for `undefined` and `null`. */
export function expectOptions<T extends object>(value: T | null | undefined, fn: string, what = 'options'): T {
  if (value === undefined || value === null) return {} as T;
  if (typeof value !== 'object' || Array.isArray(value)) throw argumentError(fn, what, 'an object', value);
  return value;
}

/** The JSON text of a value (`undefined` → `null`); what JSON cannot hold is a TypeError. */
export function toJson(value: unknown, fn: string, what: string): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(value ?? null);
  } catch (error) {
    // JSON.stringify recurses per level: thousands of levels exhaust the stack before the core,
    // which reads at most 128 (engine/src/engine/json.rs), ever sees the value.
    if (error instanceof RangeError) {
      throw new TypeError(`${fn}: ${what} nests too deeply to be converted to JSON (the core reads at most 128 levels)`);
    }
    throw new TypeError(`${fn}: ${what} cannot be converted to JSON: ${(error as Error).message}`);
  }
  if (json === undefined) throw argumentError(fn, what, 'a JSON value', value);
  return json;
}

/**
 * The JSON text of a context (template values): an object whose JSON form is an object. `null`
 * and `undefined` are the empty context; arrays, Dates (JSON strings) and primitives are not.
 */
export function contextJson(value: unknown, fn: string, what = 'the context'): string {
  if (value === undefined || value === null) return '{}';
  if (typeof value !== 'object' || Array.isArray(value)) throw argumentError(fn, what, 'an object', value);
  const json = toJson(value, fn, what);
  if (!json.startsWith('{')) throw argumentError(fn, what, 'an object (one whose JSON form is an object)', value);
  return json;
}

/** Bytes: a `Uint8Array` (a Node `Buffer` is one). */
export function expectBytes(value: unknown, fn: string, what: string): Uint8Array {
  if (!(value instanceof Uint8Array)) throw argumentError(fn, what, 'a Uint8Array', value);
  return value;
}

/** A skeleton reader (`kind`, `list` and `read` functions; see core.ts `SkeletonReader`). */
export function expectReader<R>(value: R, fn: string, what: string): R {
  const reader = value as { kind?: unknown; list?: unknown; read?: unknown } | null;
  const ok =
    reader !== null &&
    typeof reader === 'object' &&
    typeof reader.kind === 'function' &&
    typeof reader.list === 'function' &&
    typeof reader.read === 'function';
  if (!ok) throw argumentError(fn, what, 'a skeleton reader (an object with kind, list and read functions)', value);
  return value;
}

/** An optional reader: `undefined` and `null` mean none. */
export function expectOptionalReader<R>(value: R | null | undefined, fn: string, what: string): R | undefined {
  return value === undefined || value === null ? undefined : expectReader(value, fn, what);
}
