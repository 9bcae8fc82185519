/**
 * `trellis render`: the offline dry-run of a template. This file finds the template, reads the
 * values, secrets and golden tree, writes the results; the steps, the report and the diff are the
 * core's (src/dryrun).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TrellisError } from '../core';
import { compareTrees, dryRunTemplate, type DryRunReport } from '../dryRun';
import { fileSkeletonReader } from '../skeletonReader';
import { confineIfInside, confinePath, displayPath, namedInside } from '../root';
import { looksLikeTemplate, readManifestFile } from './files';
import { readSkeletonDir, writeSkeleton, type SkeletonEntry } from '../skeleton';

export const RENDER_USAGE = `Usage: trellis render TEMPLATE_FILE_OR_DIR --values FILE [options]

Runs a template offline the way Backstage's dry-run does: validates the values, evaluates each
step's \`if\` and \`each\`, renders step inputs, and runs these actions against the skeletons next
to the template and an in-memory workspace, with the outputs the real dry-run gives:
  fetch:template, fetch:template:file, fetch:plain, fetch:plain:file, fs:rename, fs:delete,
  fs:readdir, debug:log, trellis:fetch:template, trellis:parameters:validate,
  trellis:template:check, trellis:fetch:cookiecutter, and fetch:cookiecutter (which the
  dry-run skips: offline it writes what a task would, with a local cookiecutter 2.7.1).
Other actions do not run: their outputs are made up from their output schemas, as the dry-run
does for actions without dry-run support (also for catalog:fetch, which would need the
catalog, and catalog:write, whose file is not written); the schemas are Backstage's built-in
actions', the known modules' (publish:github, …; docs/manifest.md) and, with --manifest, your
instance's. Then it renders spec.output.

Options:
  --values FILE         parameter values: a JSON or YAML object (required); schema defaults
                        are filled in as the form does
  --secrets FILE        task secrets: a JSON or YAML object (shown as *** in the report)
  --out DIR             write the rendered files into DIR (files of the same path replaced,
                        others kept; nothing is written when the render fails); DIR (not /)
                        must be writable, which is checked before anything renders
  --report FILE         write the JSON report (steps ran/skipped/faked, rendered inputs with
                        secrets redacted, outputs, spec.output, skipped skeleton entries)
  --check GOLDEN_DIR    compare the rendered files with GOLDEN_DIR; print a unified diff per
                        differing file and exit 1 when they differ
  --update              with --check: make GOLDEN_DIR hold exactly the rendered files
  --manifest FILE       your instance's actions (from \`trellis manifest --url …\`): their output
                        schemas are used for the made-up outputs, and an action it does not
                        list fails the step (the instance does not have it)
  --now TIME            the clock of cookiecutter's {% now %} (RFC 3339, its offset being the
                        'local' zone, e.g. 2024-05-01T12:00:00+02:00) (default: the time of the
                        run, here, as a task renders at its own time)
  --seed N              seeds cookiecutter's random_ascii_string() and uuid4() (a whole number;
                        default: random); with --now, makes golden trees (--check) reproducible
  --root DIR            the repository root: nothing outside it is read, and a fetch url
                        leaving it fails the step (url-outside-root) (default: the nearest
                        folder above the template holding .git, else the current folder;
                        see docs/security.md)
  -h, --help            print this help

Exit status: 0 rendered (and equal to the golden tree), 1 invalid values, a failing step or a
difference from the golden tree, 2 usage, I/O or template error.
`;

export interface RenderCommandOptions {
  template: string;
  /** The repository root (absolute): every read stays inside it. */
  root: string;
  values: Record<string, unknown>;
  secrets?: Record<string, unknown>;
  out?: string;
  report?: string;
  check?: string;
  update: boolean;
  manifest?: string;
  /** cookiecutter's clock (RFC 3339) and random seed (a whole number, as given). */
  now?: string;
  seed?: string;
}

/** `--seed N`: a whole number JavaScript holds exactly. */
export function parseSeed(given: string | undefined): number | undefined {
  if (given === undefined) return undefined;
  const seed = Number(given);
  if (!/^\d+$/.test(given) || !Number.isSafeInteger(seed)) {
    throw new Error(`--seed must be a whole number from 0 to ${Number.MAX_SAFE_INTEGER}, got ${given}`);
  }
  return seed;
}

/**
 * The template file of `given`: the file itself, or `template.yaml` or the one template in a
 * directory; neither may lead out of `root` through a symbolic link.
 */
export function findTemplateFile(given: string, root: string): string {
  let stats: fs.Stats;
  try {
    stats = fs.statSync(confinePath(root, given));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    throw new Error(`cannot read ${displayPath(given)}: no such file or directory`);
  }
  if (!stats.isDirectory()) return given;
  for (const name of ['template.yaml', 'template.yml']) {
    if (fs.existsSync(path.join(given, name))) return confinePath(root, path.join(given, name));
  }
  const candidates = fs
    .readdirSync(given, { withFileTypes: true })
    .filter(entry => entry.isFile() && /\.ya?ml$/i.test(entry.name))
    .map(entry => path.join(given, entry.name))
    .filter(file => looksLikeTemplate(fs.readFileSync(file, 'utf8')));
  if (candidates.length === 1) return candidates[0];
  throw new Error(
    candidates.length === 0
      ? `no template file (YAML with \`kind: Template\`) in ${displayPath(given)}`
      : `${displayPath(given)} holds several templates (${candidates.map(c => path.basename(c)).join(', ')}); name one`,
  );
}

/** `file:line:col: message` for an error the core located. */
export function formatLocated(error: TrellisError | DryRunReport['error']): string {
  if (!error) return '';
  let message = (error as TrellisError).reason ?? error.message;
  if (error.file) {
    const place = error.line !== undefined ? `${error.file}:${error.line}:${error.column ?? 1}` : error.file;
    message = `${place}: ${message}`;
  }
  const hint = error.hint ? `\n  hint: ${error.hint}` : '';
  return `error[${error.rule ?? 'render'}]: ${message}${hint}`;
}

function summary(report: DryRunReport): string {
  const lines = report.steps.map(step => {
    const each = step.iterations?.length ? ` (${step.iterations.filter(i => i.ran).length}/${step.iterations.length} iterations)` : '';
    const reason = step.reason && step.status !== 'ran' ? `: ${step.reason}` : '';
    return `  ${step.status.padEnd(7)} ${step.id} [${step.action}]${each}${reason}`;
  });
  for (const warning of report.warnings) {
    const place = warning.line !== undefined ? `${warning.file}:${warning.line}:${warning.column ?? 1}` : warning.file;
    lines.push(`warning: ${place}: ${warning.message}`);
  }
  for (const skipped of report.skipped) {
    lines.push(`  skipped entry ${skipped.path} (step ${skipped.step}): ${skipped.reason}`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Makes `target` hold exactly `files` (a golden tree): written with `writeSkeleton` to a fresh
 * sibling, then swapped in; on failure `target` is unchanged.
 */
function replaceTree(target: string, files: SkeletonEntry[]): void {
  const resolved = path.resolve(target);
  fs.mkdirSync(path.dirname(resolved), { recursive: true });
  const fresh = `${resolved}.trellis-new-${process.pid}`;
  const old = `${resolved}.trellis-old-${process.pid}`;
  fs.rmSync(fresh, { recursive: true, force: true });
  writeSkeleton({ files, skipped: [] }, fresh, { replace: true });
  const existed = fs.existsSync(resolved);
  if (existed) fs.renameSync(resolved, old);
  try {
    fs.renameSync(fresh, resolved);
  } catch (error) {
    if (existed) fs.renameSync(old, resolved);
    fs.rmSync(fresh, { recursive: true, force: true });
    throw error;
  }
  if (existed) fs.rmSync(old, { recursive: true, force: true });
}

/**
 * Refuses, before any work, a folder the command must not or cannot write: the root of the file
 * system (`folder`'s files would land in `/`), a path through a file, a place without write
 * permission or on a read-only file system. Probed by making and removing a folder where the
 * files are staged (beside the target, see `writeSkeleton`) and in the target when it exists.
 */
export function checkWritableFolder(shown: string, folder: string, { refuseRoot = true } = {}): void {
  const target = path.resolve(folder);
  if (refuseRoot && path.parse(target).root === target) {
    throw new Error(`${shown}: that is the root of the file system; name a folder for the rendered files`);
  }
  let existing = target;
  while (!fs.existsSync(existing)) existing = path.dirname(existing);
  if (!fs.statSync(existing).isDirectory()) {
    throw new Error(`${shown}: ${displayPath(existing)} is not a folder; nothing was rendered`);
  }
  // Staged beside the target (its parent), then moved into it when it exists.
  const places = existing === target ? [path.dirname(target), target] : [existing];
  for (const place of places) {
    try {
      fs.rmdirSync(fs.mkdtempSync(path.join(place, '.trellis-probe-')));
    } catch (error) {
      throw new Error(`${shown}: cannot write in ${displayPath(place)} (${whyUnwritable(error)}); nothing was rendered`);
    }
  }
}

function whyUnwritable(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EROFS') return 'a read-only file system';
  if (code === 'ENOENT') return 'nothing can be created there';
  return code ?? (error as Error).message;
}

/** Runs the command; returns the exit status. Throws `Error` for usage and I/O problems. */
export function runRender(options: RenderCommandOptions): number {
  if (options.update && options.check === undefined) {
    throw new Error('--update needs --check GOLDEN_DIR (the tree to rewrite)');
  }
  const seed = parseSeed(options.seed);
  // Every place written to is checked first: a failure after rendering would waste the work.
  if (options.out !== undefined) checkWritableFolder(`--out ${options.out}`, options.out);
  if (options.update && options.check !== undefined) checkWritableFolder(`--check ${options.check}`, options.check);
  if (options.report !== undefined) {
    const folder = path.dirname(path.resolve(options.report));
    checkWritableFolder(`--report ${options.report}`, folder, { refuseRoot: false });
  }
  const templateFile = findTemplateFile(options.template, options.root);
  const source = fs.readFileSync(templateFile, 'utf8');
  const manifest = readManifestFile(options.manifest && confineIfInside(options.root, options.manifest));
  // Template paths are relative to the working directory, and so are skeleton paths.
  const relative = displayPath(templateFile);
  let result;
  try {
    result = dryRunTemplate(source, fileSkeletonReader('.', { root: options.root }), {
      path: relative,
      values: options.values,
      secrets: options.secrets,
      manifest,
      now: options.now,
      seed,
    });
  } catch (error) {
    const trellisError = error as TrellisError;
    process.stderr.write(`${formatLocated(trellisError)}\n`);
    return trellisError.rule === 'invalid-values' ? 1 : 2;
  }
  const { report, files } = result;
  if (options.report !== undefined) {
    fs.mkdirSync(path.dirname(path.resolve(options.report)), { recursive: true });
    fs.writeFileSync(options.report, `${JSON.stringify(report, null, 2)}\n`);
  }
  process.stdout.write(summary(report));
  if (result.error) {
    process.stderr.write(`${formatLocated(result.error)}\n`);
    process.stderr.write('the render failed: nothing was written\n');
    return 1;
  }
  process.stdout.write(`rendered ${report.files.length} file${report.files.length === 1 ? '' : 's'}\n`);
  if (options.out !== undefined) {
    // Files of the same path are replaced, others kept; staged, so a failed write changes nothing.
    const written = writeSkeleton({ files, skipped: [] }, options.out, { replace: true });
    process.stdout.write(`wrote ${written.written.length} files to ${displayPath(options.out)}\n`);
  }
  if (options.check === undefined) return 0;
  if (options.update) {
    replaceTree(options.check, files);
    process.stdout.write(`updated the golden tree ${displayPath(options.check)}\n`);
    return 0;
  }
  // A golden tree named inside the repository must not lead out of it.
  const bound = namedInside(options.root, options.check) ? { root: options.root } : {};
  const golden = fs.existsSync(options.check) ? readSkeletonDir(options.check, bound) : [];
  const diff = compareTrees(golden, files, options.secrets);
  if (diff.equal) {
    process.stdout.write(`the rendered files match ${displayPath(options.check)}\n`);
    return 0;
  }
  process.stdout.write(diff.text);
  const parts = [
    diff.changed.length ? `${diff.changed.length} changed` : '',
    diff.missing.length ? `${diff.missing.length} only in the golden tree` : '',
    diff.extra.length ? `${diff.extra.length} only in the render` : '',
  ].filter(Boolean);
  process.stdout.write(
    `the rendered files differ from ${displayPath(options.check)}: ${parts.join(', ')} (run with --update to accept them)\n`,
  );
  return 1;
}
