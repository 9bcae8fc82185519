/**
 * The offline dry-run of a template (`trellis render`) and the comparison of rendered trees, in
 * the Rust core (src/dryrun). This file only converts arguments and results.
 */
import { localNow } from './cookiecutter';
import type { SkeletonReader, TrellisError } from './core';
import { checkedEntries, type SkeletonEntry } from './skeleton';
import { expectOptions, expectReader, expectString } from './arguments';
import { callCore, jsonFor, readJson } from './coreInstance';

export interface DryRunOptions {
  /** The template's path relative to the reader's root (skeleton urls resolve from it). */
  path?: string;
  values?: Record<string, unknown>;
  /** `task.secrets`; every value is shown as `***` in the report. */
  secrets?: Record<string, unknown>;
  /** An instance manifest (`trellis manifest` output) as JSON text: output schemas of its actions. */
  manifest?: string;
  /** `user` in the template context (`{entity?, ref?}`). */
  user?: Record<string, unknown>;
  /** Fill schema defaults into the values first, as the form does (default true). */
  applyDefaults?: boolean;
  /**
   * The clock of cookiecutter's `{% now %}` in fetch:cookiecutter steps (RFC 3339; its offset is
   * the `'local'` zone). Default: now, here, as a task renders at its own time.
   */
  now?: string;
  /** Seeds cookiecutter's `random_ascii_string` and `uuid4` (reproducible renders); default: random. */
  seed?: number;
}

/** The JSON report of a dry-run (see ARCHITECTURE.md and README.md for its fields). */
export interface DryRunReport {
  parameters: Record<string, unknown>;
  steps: {
    id: string;
    name: string;
    action: string;
    status: 'ran' | 'skipped' | 'faked' | 'failed';
    reason?: string;
    input?: unknown;
    iterations?: { key: string; value: unknown; ran: boolean; input: unknown }[];
    output?: unknown;
    log?: string[];
  }[];
  output?: unknown;
  files: string[];
  skipped: { step: string; path: string; renderedPath: string; reason: string }[];
  warnings: { message: string; file: string; line?: number; column?: number }[];
  error?: { rule: string; message: string; file?: string; line?: number; column?: number; hint?: string };
}

export interface DryRunResult {
  report: DryRunReport;
  /** The workspace at the end (directories included; contents are Uint8Arrays). */
  files: SkeletonEntry[];
  /** The first failing step's error (the report then has no `output`). */
  error?: TrellisError;
}

/** What `compareTrees` finds. */
export interface TreeDiff {
  equal: boolean;
  changed: string[];
  /** In the golden tree only. */
  missing: string[];
  /** In the rendered tree only. */
  extra: string[];
  /** A unified diff per differing file. */
  text: string;
}

/**
 * Runs a template's steps offline as Backstage's dry-run does. Throws a `TrellisError` when the
 * template cannot be read or the values are invalid; a failing step is returned in `error`.
 */
export function dryRunTemplate(source: string, reader: SkeletonReader, options: DryRunOptions = {}): DryRunResult {
  const fn = 'dryRunTemplate';
  expectString(source, fn, 'the source');
  expectReader(reader, fn, 'the reader');
  const checked = expectOptions(options, fn);
  const optionsJson = jsonFor('DryRunOptions', { ...checked, now: checked.now ?? localNow() }, fn, 'options');
  const result = callCore((core) => core.dryRunTemplate(source, optionsJson, reader));
  return { report: readJson(result.report), files: result.files, error: result.error };
}

/**
 * Compares a rendered tree with a golden one (directories are not compared). With `secrets`
 * (`task.secrets`), every secret and its derived forms are hidden in the paths and diff text.
 */
export function compareTrees(golden: SkeletonEntry[], rendered: SkeletonEntry[], secrets?: Record<string, unknown>): TreeDiff {
  checkedEntries(golden, 'compareTrees', 'golden');
  checkedEntries(rendered, 'compareTrees', 'rendered');
  const secretsJson = secrets === undefined ? undefined : jsonFor('Secrets', expectOptions(secrets, 'compareTrees', 'secrets'), 'compareTrees', 'secrets');
  return readJson(callCore((core) => core.compareTrees(golden, rendered, secretsJson)));
}
