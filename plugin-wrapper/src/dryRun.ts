/**
 * The offline dry-run of a template (`trellis render`) and the comparison of rendered trees, in
 * the Rust core (src/dryrun). This file only converts arguments and results.
 */
import { localNow } from './cookiecutter';
import { callCoreAs, type SkeletonReader, type TrellisError } from './core';
import type { SkeletonFile } from './skeleton';

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
  files: SkeletonFile[];
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

interface DryRunCore {
  dryRunTemplate(
    source: string,
    optionsJson: string,
    reader: SkeletonReader,
  ): { report: string; files: SkeletonFile[]; error?: TrellisError };
  compareTrees(golden: SkeletonFile[], rendered: SkeletonFile[], secretsJson?: string): string;
}

/**
 * Runs a template's steps offline as Backstage's dry-run does. Throws a `TrellisError` when the
 * template cannot be read or the values are invalid; a failing step is returned in `error`.
 */
export function dryRunTemplate(source: string, reader: SkeletonReader, options: DryRunOptions = {}): DryRunResult {
  const optionsJson = JSON.stringify({ ...options, now: options.now ?? localNow() });
  const result = callCoreAs<DryRunCore, ReturnType<DryRunCore["dryRunTemplate"]>>((core) => core.dryRunTemplate(source, optionsJson, reader));
  return { report: JSON.parse(result.report) as DryRunReport, files: result.files, error: result.error };
}

/**
 * Compares a rendered tree with a golden one (directories are not compared). With `secrets`
 * (`task.secrets`), every secret and its derived forms are hidden in the paths and diff text.
 */
export function compareTrees(golden: SkeletonFile[], rendered: SkeletonFile[], secrets?: Record<string, unknown>): TreeDiff {
  const secretsJson = secrets === undefined ? undefined : JSON.stringify(secrets);
  return JSON.parse(callCoreAs<DryRunCore, string>((core) => core.compareTrees(golden, rendered, secretsJson))) as TreeDiff;
}
