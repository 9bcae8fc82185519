import * as fs from 'node:fs';
import * as path from 'node:path';
import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { InputError, isError } from '@backstage/errors';
import type { TemplateAction } from '@backstage/plugin-scaffolder-node';
import { checkTemplate, type Diagnostic, type Severity } from '../core';
import { readActionSchema } from '../paths';
import { fileSkeletonReader } from '../skeletonReader';
import { withStepErrors } from './stepErrors';
import { examples } from './templateCheck.examples';
import { TEMPLATE_CHECK_ACTION_ID } from './ids';

export { TEMPLATE_CHECK_ACTION_ID };

/** When the step fails: on errors, on errors and warnings, or never. */
export type TemplateCheckFailOn = 'error' | 'warning' | 'never';

/** The input the action accepts (schemas/actions/trellis-template-check.input.json). */
export type TemplateCheckInput = {
  /** The template file, relative to the task workspace (default `template.yaml`). */
  path?: string;
  /** The least severe finding that fails the step (default `error`). */
  failOn?: TemplateCheckFailOn;
};

/** One entry of the `diagnostics` output (`file` relative to the workspace). */
export type TemplateCheckDiagnostic = Diagnostic;

/** The outputs the action sets (schemas/actions/trellis-template-check.output.json). */
export type TemplateCheckOutput = {
  /** Every finding, in file order. */
  diagnostics: TemplateCheckDiagnostic[];
  errors: number;
  warnings: number;
  infos: number;
};

const DEFAULT_PATH = 'template.yaml';
const DEFAULT_FAIL_ON: TemplateCheckFailOn = 'error';
/** How many findings the failure message quotes. */
const QUOTED_FINDINGS = 5;


function toOutputDiagnostic(d: Diagnostic): TemplateCheckDiagnostic {
  const out: TemplateCheckDiagnostic = {
    file: d.file,
    line: d.line,
    column: d.column,
    endLine: d.endLine,
    endColumn: d.endColumn,
    severity: d.severity,
    rule: d.rule,
    message: d.message,
  };
  if (d.hint) out.hint = d.hint;
  return out;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

function location(d: TemplateCheckDiagnostic): string {
  return `${d.file}:${d.line}:${d.column}`;
}

/** One log line per finding: `file:line:col severity[rule] message (hint: …)`. */
function logLine(d: TemplateCheckDiagnostic): string {
  const hint = d.hint ? ` (hint: ${d.hint})` : '';
  return `${location(d)} ${d.severity}[${d.rule}] ${d.message}${hint}`;
}

/** Whether a finding of this severity fails the step under `failOn`. */
function fails(severity: Severity, failOn: TemplateCheckFailOn): boolean {
  switch (failOn) {
    case 'error':
      return severity === 'error';
    case 'warning':
      return severity === 'error' || severity === 'warning';
    default:
      return false;
  }
}

/** A file holds a Template entity when a document declares `kind: Template` (as `trellis check` finds them). */
function looksLikeTemplate(text: string): boolean {
  return /^kind:\s*["']?Template["']?\s*$/m.test(text);
}

/**
 * Resolves `given` inside the workspace; returns the absolute path and the path relative to the
 * workspace (with `/` separators) that messages and diagnostics use.
 */
function resolveInWorkspace(workspacePath: string, given: string): { absolute: string; relative: string } {
  let absolute: string;
  try {
    absolute = resolveSafeChildPath(workspacePath, given);
  } catch (error) {
    if (isError(error) && error.name === 'NotAllowedError') {
      // resolveSafeChildPath says NotAllowedError (403); here it is the step's input at fault.
      throw new InputError(
        `Invalid input to ${TEMPLATE_CHECK_ACTION_ID}: path ${given} points outside the task workspace; ` +
          'give a template file relative to the workspace, e.g. template.yaml',
      );
    }
    throw error;
  }
  const relative = path.relative(workspacePath, absolute).split(path.sep).join('/');
  return { absolute, relative: relative === '' ? '.' : relative };
}

async function readTemplate(absolute: string, relative: string): Promise<string> {
  try {
    return await fs.promises.readFile(absolute, 'utf8');
  } catch (error) {
    const code = isError(error) ? (error as { code?: string }).code : undefined;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new InputError(`Template file ${relative} does not exist in the task workspace`);
    }
    if (code === 'EISDIR') {
      throw new InputError(`Template file ${relative} is a directory; give the path of a template YAML file`);
    }
    throw new InputError(`Cannot read template file ${relative}: ${isError(error) ? error.message : String(error)}`);
  }
}

/**
 * `trellis:template:check`: runs `trellis check` on a template file in the task workspace, for
 * templates that create or update other templates.
 *
 * A hand-built action object rather than `createTemplateAction`, because the latter (in
 * scaffolder-node 1.0) drops plain JSON Schemas; the scaffolder validates inputs against
 * `schema.input` and lists both schemas in GET /v2/actions.
 */
export function createTemplateCheckAction(): TemplateAction<TemplateCheckInput, TemplateCheckOutput> {
  return withStepErrors({
    id: TEMPLATE_CHECK_ACTION_ID,
    description:
      'Checks a Software Template file in the workspace for mistakes Backstage only shows at run ' +
      'time (expression syntax, `steps.X` that is not an earlier step, undeclared `parameters.X`, ' +
      'duplicated step ids, plain-string `if`, v1beta2 `{{ }}`, YAML syntax), logs every finding ' +
      'with its line and column, and fails the step on errors (or warnings) unless `failOn` is `never`.',
    examples,
    supportsDryRun: true,
    schema: {
      input: readActionSchema('trellis-template-check', 'input'),
      output: readActionSchema('trellis-template-check', 'output'),
    },
    async handler(ctx) {
      const given = ctx.input.path ?? DEFAULT_PATH;
      const failOn = ctx.input.failOn ?? DEFAULT_FAIL_ON;
      const { absolute, relative } = resolveInWorkspace(ctx.workspacePath, given);
      const text = await readTemplate(absolute, relative);

      // Skeletons next to the template are checked too, never reading outside the workspace.
      const skeletons = fileSkeletonReader(ctx.workspacePath, { confine: true });
      const { summary, ...result } = checkTemplate(text, { path: relative, skeletons });
      const diagnostics = result.diagnostics.map(toOutputDiagnostic);
      ctx.output('diagnostics', diagnostics);
      ctx.output('errors', summary.errors);
      ctx.output('warnings', summary.warnings);
      ctx.output('infos', summary.infos);

      if (!looksLikeTemplate(text)) {
        ctx.logger.warn(`${relative} has no document with \`kind: Template\`: there was nothing to check`);
      }
      for (const d of diagnostics) {
        if (d.severity === 'info') {
          ctx.logger.info(logLine(d));
        } else {
          ctx.logger.warn(logLine(d));
        }
      }
      const counts =
        `${plural(summary.errors, 'error')} and ${plural(summary.warnings, 'warning')}`;
      ctx.logger.info(
        `Checked ${relative}: ${counts}` + (summary.infos > 0 ? `, ${plural(summary.infos, 'info')}` : ''),
      );

      const failing = diagnostics.filter(d => fails(d.severity, failOn));
      if (failing.length === 0) {
        if (failOn === 'never' && summary.errors + summary.warnings > 0) {
          ctx.logger.warn(`Template check found ${counts} (failOn is never: the step succeeds)`);
        }
        return;
      }
      const quoted = failing
        .slice(0, QUOTED_FINDINGS)
        .map(d => `${location(d)} ${d.message}`)
        .join('; ');
      const more = failing.length > QUOTED_FINDINGS ? ` (and ${failing.length - QUOTED_FINDINGS} more)` : '';
      throw new InputError(`Template check found ${counts}: ${quoted}${more}`);
    },
  });
}
