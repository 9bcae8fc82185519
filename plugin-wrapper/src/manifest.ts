/**
 * The scaffolder manifest: what a Backstage instance's scaffolder knows (actions with their
 * input/output JSON Schemas, templating filters and globals), read from the two endpoints that
 * list them and normalised into one deterministic document. `trellis check --manifest FILE`
 * reads it; `schemas/manifest/` holds the one of a stock scaffolder-backend.
 *
 * Used by `trellis manifest --url` (commands/manifest.ts) and by scripts/snapshot-manifest.cjs,
 * so the checked-in snapshot and a manifest fetched from an instance go through the same code.
 */

/** Any JSON value as served. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** Where a manifest came from. No timestamps: the same source gives the same file. */
export interface ManifestSource {
  generatedBy: string;
  /** The backend the manifest was fetched from (`trellis manifest --url`). */
  url?: string;
  /** Package versions the manifest was generated with (the snapshot script). */
  packages?: Record<string, string>;
}

export interface ManifestAction {
  id: string;
  description?: string;
  /**
   * `{input?, output?}`: JSON Schemas as served (draft-07, key order kept); `{}` when the action
   * declares none.
   */
  schema: JsonObject;
  /** `{description, example}` with `example` a YAML text of steps. */
  examples?: JsonObject[];
  [key: string]: Json | undefined;
}

export interface ManifestFilter {
  name: string;
  description?: string;
  /** `{input?, arguments?: [...], output?}`: the piped value, the call arguments, the result. */
  schema?: JsonObject;
  /** `{description?, example, notes?}`. */
  examples?: JsonObject[];
  [key: string]: Json | undefined;
}

export interface ManifestGlobalFunction {
  name: string;
  description?: string;
  /** `{arguments?: [...], output?}`. */
  schema?: JsonObject;
  examples?: JsonObject[];
  [key: string]: Json | undefined;
}

export interface ManifestGlobalValue {
  name: string;
  /** Absent when the value is `undefined` (JSON cannot carry it). */
  value?: Json;
  description?: string;
  [key: string]: Json | undefined;
}

export interface Manifest {
  source: ManifestSource;
  actions: ManifestAction[];
  filters: ManifestFilter[];
  globals: { functions: ManifestGlobalFunction[]; values: ManifestGlobalValue[] };
  /** Custom form field extensions (`ui:field` names); only added by hand, the API has no list. */
  fields?: { name: string }[];
}

/** A manifest could not be fetched or read; the message says which request and why. */
export class ManifestError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'ManifestError';
  }
}

export const ACTIONS_ROUTE = '/v2/actions';
export const EXTENSIONS_ROUTE = '/v2/templating-extensions';

function describeJson(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Code-unit order: the same on every machine and locale. */
function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * `{[nameKey]: name, ...first keys in the given order, ...any other keys sorted}`, leaving out
 * keys whose value is `undefined`. Values are kept as served (schemas keep their key order).
 */
function entry(nameKey: string, name: string, fields: JsonObject, first: string[]): JsonObject {
  const out: JsonObject = { [nameKey]: name };
  for (const key of first) {
    if (fields[key] !== undefined) out[key] = fields[key];
  }
  for (const key of Object.keys(fields).sort(compareNames)) {
    if (key !== nameKey && !first.includes(key) && fields[key] !== undefined) out[key] = fields[key];
  }
  return out;
}

/** A `{name: metadata}` record of the templating-extensions payload as a sorted array. */
function namedEntries(record: unknown, where: string, first: string[]): JsonObject[] {
  if (record === undefined) return [];
  if (!isObject(record)) {
    throw new ManifestError(`${where}: expected an object of name → metadata, got ${describeJson(record)}`);
  }
  return Object.keys(record)
    .sort(compareNames)
    .map(name => {
      const metadata = record[name];
      if (!isObject(metadata)) {
        throw new ManifestError(`${where}.${name}: expected an object, got ${describeJson(metadata)}`);
      }
      return entry('name', name, metadata, first);
    });
}

/**
 * The two endpoint payloads as one manifest:
 * - `GET /v2/actions`: `[{id, description?, examples?, schema?: {input?, output?}}]`;
 * - `GET /v2/templating-extensions`: `{filters: {NAME: {description?, examples?, schema?}},
 *   globals: {functions: {NAME: {description?, examples?, schema?}}, values: {NAME: {value?,
 *   description?}}}}`.
 * Records become arrays sorted by name, actions are sorted by id; every field served is kept.
 * Throws `ManifestError` when a payload does not have that shape.
 */
export function normalizeManifest(actionsPayload: unknown, extensionsPayload: unknown, source: ManifestSource): Manifest {
  if (!Array.isArray(actionsPayload)) {
    throw new ManifestError(`GET ${ACTIONS_ROUTE}: expected an array of actions, got ${describeJson(actionsPayload)}`);
  }
  const seen = new Set<string>();
  const actions = actionsPayload.map((action, index) => {
    if (!isObject(action) || typeof action.id !== 'string') {
      throw new ManifestError(`GET ${ACTIONS_ROUTE}: item ${index} is not an action (an object with a string id)`);
    }
    if (seen.has(action.id)) {
      throw new ManifestError(`GET ${ACTIONS_ROUTE}: action ${action.id} is listed twice`);
    }
    seen.add(action.id);
    if (action.schema !== undefined && action.schema !== null && !isObject(action.schema)) {
      throw new ManifestError(`GET ${ACTIONS_ROUTE}: ${action.id}.schema is ${describeJson(action.schema)}, not an object`);
    }
    const schema = isObject(action.schema) ? action.schema : {};
    return entry('id', action.id, { ...action, schema }, ['description', 'schema', 'examples']) as ManifestAction;
  });
  actions.sort((a, b) => compareNames(a.id, b.id));

  if (!isObject(extensionsPayload)) {
    throw new ManifestError(`GET ${EXTENSIONS_ROUTE}: expected an object {filters, globals}, got ${describeJson(extensionsPayload)}`);
  }
  const where = `GET ${EXTENSIONS_ROUTE}`;
  const filters = namedEntries(extensionsPayload.filters, `${where}: filters`, ['description', 'schema', 'examples']);
  const globals = extensionsPayload.globals ?? {};
  if (!isObject(globals)) {
    throw new ManifestError(`${where}: globals: expected an object {functions, values}, got ${describeJson(globals)}`);
  }
  return {
    source,
    actions,
    filters: filters as ManifestFilter[],
    globals: {
      functions: namedEntries(globals.functions, `${where}: globals.functions`, [
        'description',
        'schema',
        'examples',
      ]) as ManifestGlobalFunction[],
      values: namedEntries(globals.values, `${where}: globals.values`, ['value', 'description']) as ManifestGlobalValue[],
    },
  };
}

/** Pretty JSON with a final newline: the file format. */
export function formatManifest(manifest: Manifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/** `12 actions, 4 filters, 0 global functions, 0 global values`. */
export function describeManifest(manifest: Manifest): string {
  const count = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return [
    count(manifest.actions.length, 'action'),
    count(manifest.filters.length, 'filter'),
    count(manifest.globals.functions.length, 'global function'),
    count(manifest.globals.values.length, 'global value'),
  ].join(', ');
}

/**
 * The scaffolder's base URL (`…/api/scaffolder`) for what a user gives as `--url`: the backend's
 * base URL (`https://backstage.example.com`), or the scaffolder's own (ending in `/api/scaffolder`).
 * `backend` is the backend's base URL as recorded in the manifest: without credentials, query or
 * fragment.
 */
export function scaffolderBaseUrl(given: string): { scaffolder: string; backend: string } {
  let url: URL;
  try {
    url = new URL(given);
  } catch {
    throw new ManifestError(`--url ${given} is not a URL (expected e.g. https://backstage.example.com)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ManifestError(`--url ${given}: only http and https URLs are supported`);
  }
  url.username = '';
  url.password = '';
  url.search = '';
  url.hash = '';
  const trimmed = url.toString().replace(/\/+$/, '');
  const backend = trimmed.replace(/\/api\/scaffolder$/, '');
  return { scaffolder: `${backend}/api/scaffolder`, backend };
}

const BODY_EXCERPT = 300;

/** `AuthenticationError: Unknown mock token` for Backstage's error bodies, else the first characters. */
function bodyExcerpt(text: string): string {
  try {
    const body = JSON.parse(text);
    if (isObject(body) && isObject(body.error) && typeof body.error.message === 'string') {
      return typeof body.error.name === 'string' ? `${body.error.name}: ${body.error.message}` : body.error.message;
    }
  } catch {
    // not JSON: show the text
  }
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat === '') return '(empty body)';
  return flat.length > BODY_EXCERPT ? `${flat.slice(0, BODY_EXCERPT)}…` : flat;
}

function statusHint(status: number, withToken: boolean): string | undefined {
  if (status === 401) {
    return withToken
      ? 'the backend rejected the token given with --token'
      : 'the backend wants a token: pass one with --token (a Backstage user token, or a static token configured under backend.auth.externalAccess)';
  }
  if (status === 403) return "the token's principal is not allowed to read the scaffolder's actions";
  if (status === 404) {
    return '--url must be the base URL of a Backstage backend with the scaffolder plugin (its routes are under /api/scaffolder)';
  }
  return undefined;
}

/** Why fetch() failed, from its `cause`: `connect ECONNREFUSED 127.0.0.1:1`, `getaddrinfo ENOTFOUND x`, … */
function networkReason(error: unknown): string {
  const cause = ((error as { cause?: unknown }).cause ?? error) as NodeJS.ErrnoException;
  let message = cause.message ?? '';
  if (!message && Array.isArray((cause as Partial<AggregateError>).errors)) {
    // Several addresses tried (localhost: ::1 and 127.0.0.1); each error says which.
    message = (cause as AggregateError).errors.map(e => (e as Error).message).join('; ');
  }
  if (!message) message = String(cause);
  if (message === 'bad port') message = "fetch refuses this port (it is on the Fetch standard's list of bad ports)";
  return cause.code && !message.includes(cause.code) ? `${cause.code}: ${message}` : message;
}

export interface FetchManifestOptions {
  /** `--url`: the backend's base URL (or the scaffolder's, ending in `/api/scaffolder`). */
  url: string;
  /** Sent as `Authorization: Bearer TOKEN`. */
  token?: string;
  /** Defaults to `{generatedBy: 'trellis manifest', url}`. */
  source?: ManifestSource;
  /** Per request, in milliseconds (default 30 000). */
  timeoutMs?: number;
}

async function getJson(url: string, token: string | undefined, timeoutMs: number): Promise<unknown> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  let response: Response;
  let text: string;
  try {
    response = await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
    text = await response.text();
  } catch (error) {
    if ((error as Error).name === 'TimeoutError') {
      throw new ManifestError(`GET ${url}: no answer within ${timeoutMs / 1000} s`);
    }
    throw new ManifestError(`cannot reach ${url}: ${networkReason(error)}`);
  }
  if (!response.ok) {
    const status = `${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
    throw new ManifestError(`GET ${url}: HTTP ${status}: ${bodyExcerpt(text)}`, statusHint(response.status, Boolean(token)));
  }
  try {
    return JSON.parse(text);
  } catch {
    const type = response.headers.get('content-type') ?? 'no content-type';
    throw new ManifestError(
      `GET ${url}: the answer is not JSON (${type}): ${bodyExcerpt(text)}`,
      "--url must be the Backstage backend's base URL (backend.baseUrl), not the frontend's",
    );
  }
}

/**
 * GETs `/api/scaffolder/v2/actions` and `/api/scaffolder/v2/templating-extensions` and
 * normalises them. Throws `ManifestError` (with the URL, HTTP status and a body excerpt, or the
 * network error) when either cannot be read.
 */
export async function fetchManifest(options: FetchManifestOptions): Promise<Manifest> {
  const { scaffolder, backend } = scaffolderBaseUrl(options.url);
  const timeoutMs = options.timeoutMs ?? 30_000;
  const actions = await getJson(`${scaffolder}${ACTIONS_ROUTE}`, options.token, timeoutMs);
  const extensions = await getJson(`${scaffolder}${EXTENSIONS_ROUTE}`, options.token, timeoutMs);
  return normalizeManifest(actions, extensions, options.source ?? { generatedBy: 'trellis manifest', url: backend });
}
