import * as path from 'node:path';
import { isChildPath, resolveSafeChildPath, type UrlReaderService } from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError, isError } from '@backstage/errors';
import type { ScmIntegrations } from '@backstage/integration';
import { fetchContents, type TemplateAction } from '@backstage/plugin-scaffolder-node';
import type { JsonObject } from '@backstage/types';
import { readActionSchema } from '../paths';
import {
  readSkeletonDir,
  renderSkeleton,
  templateInputs,
  writeSkeleton,
  type SkeletonError,
  type SkeletonEntry,
  type SkeletonOptions,
  type SkeletonResult,
  type TemplateInputs,
} from '../skeleton';
import { withStepErrors } from './stepErrors';
import { examples } from './fetchTemplate.examples';
import { FETCH_TEMPLATE_ACTION_ID } from './ids';

export { FETCH_TEMPLATE_ACTION_ID };

/** Per-render bounds (schemas/actions/trellis-fetch-template.input.json, `limits`). */
export type FetchTemplateLimits = { [name in keyof NonNullable<SkeletonOptions['limits']>]?: number };

/**
 * The input the action accepts: fetch:template's (scaffolder-backend 4.3.0) plus `strict` and
 * `limits` (schemas/actions/trellis-fetch-template.input.json).
 */
export type FetchTemplateInput = {
  url: string;
  targetPath?: string;
  values?: JsonObject;
  /** Ignored, as fetch:template ignores it (still in its schema). */
  copyWithoutRender?: string[];
  copyWithoutTemplating?: string[];
  cookiecutterCompat?: boolean;
  templateFileExtension?: string | boolean;
  replace?: boolean;
  trimBlocks?: boolean;
  lstripBlocks?: boolean;
  token?: string;
  strict?: boolean;
  limits?: FetchTemplateLimits;
};

/** The outputs the action sets (schemas/actions/trellis-fetch-template.output.json). */
export type FetchTemplateOutput = {
  written: string[];
  kept: string[];
  skipped: { path: string; renderedPath: string; reason: string }[];
};

/** What the action needs from the backend: the same services fetch:template is built with. */
export interface FetchTemplateActionOptions {
  reader: UrlReaderService;
  integrations: ScmIntegrations;
  /** `scaffolder.requireScmUserCredentials`: demand a user token for GitHub and GitLab sources. */
  requireScmUserCredentials?: boolean;
}

/** Integration types whose user tokens the scaffolder can demand (as scaffolder-backend 4.3.0). */
const USER_TOKEN_INTEGRATION_TYPES = new Set(['github', 'gitlab']);

/**
 * fetch:template's check under `scaffolder.requireScmUserCredentials`: a GitHub or GitLab source
 * read without a user token is refused before anything is fetched.
 */
function assertUserCredentials(options: FetchTemplateActionOptions, url: string, baseUrl?: string, token?: string) {
  if (!options.requireScmUserCredentials || token) return;
  let source: URL | undefined;
  try {
    source = new URL(url);
  } catch {
    const base = baseUrl ? options.integrations.byUrl(baseUrl) : undefined;
    try {
      source = base && baseUrl ? new URL(base.resolveUrl({ url, base: baseUrl })) : undefined;
    } catch {
      source = undefined;
    }
  }
  if (!source) return;
  const integration = options.integrations.byUrl(source);
  if (integration && USER_TOKEN_INTEGRATION_TYPES.has(integration.type)) {
    throw new InputError(
      `No user credentials provided for host ${source.host}, but scaffolder.requireScmUserCredentials is enabled`,
    );
  }
}

/** SCM hosts → integration type, for `parseRepoUrl` as fetch:template's filters resolve it. */
function integrationHosts(integrations: ScmIntegrations): Record<string, string> {
  // Every integration class carries its config (with `host`), though the interface does not say so.
  return Object.fromEntries(
    integrations.list().flatMap(i => {
      const host = (i as { config?: { host?: unknown } }).config?.host;
      return typeof host === 'string' ? [[host, i.type]] : [];
    }),
  );
}

/** fetch:template's checks of its inputs (decided in the core), before anything is fetched:
 * its own `InputError` where it raises one, otherwise the core's located message. */
function checkedInputs(input: FetchTemplateInput): TemplateInputs {
  try {
    return templateInputs(input);
  } catch (error) {
    const backstageMessage = (error as { backstageMessage?: unknown }).backstageMessage;
    if (typeof backstageMessage === 'string') throw new InputError(backstageMessage);
    throw renderFailure(input.url, error);
  }
}

/** The target directory inside the workspace; leaving it is refused as fetch:template does (403). */
export function resolveTarget(workspacePath: string, targetPath: string): string {
  try {
    return resolveSafeChildPath(workspacePath, targetPath);
  } catch (error) {
    if (isError(error) && error.name === 'NotAllowedError') {
      throw new NotAllowedError(
        `targetPath ${targetPath} points outside the task workspace; give a path inside it, e.g. ./ or ./service`,
      );
    }
    throw error;
  }
}

/** Where a skeleton file is, for messages: under the step's `url` (`./skeleton` → `skeleton/…`). */
function skeletonLocation(url: string, file: string): string {
  const base = isAbsoluteUrl(url) ? url.replace(/\/+$/, '') : path.posix.normalize(url).replace(/\/+$/, '');
  return base === '' || base === '.' ? file : `${base}/${file}`;
}

function isAbsoluteUrl(url: string): boolean {
  try {
    return Boolean(new URL(url));
  } catch {
    return false;
  }
}

/** A render error as the step's author reads it: `url/file:line:col: message (hint: …)`. */
export function renderFailure(url: string, error: unknown): Error {
  const e = error as Partial<SkeletonError> & Error & { reason?: string };
  if (!isError(error) || typeof e.code !== 'string') return error as Error;
  const where = e.file !== undefined ? skeletonLocation(url, e.file) : url;
  const position = e.line !== undefined ? `:${e.line}:${e.column ?? 1}` : '';
  const hint = e.hint ? ` (hint: ${e.hint})` : '';
  // `reason` is the message without the location the core prefixes to `message`.
  return new InputError(`${where}${position}: ${e.reason ?? e.message}${hint}`);
}

/**
 * The directory holding the skeleton, fetched as fetch:template fetches it. A relative url of a
 * template on disk (`file://` base) is read where it is, as `fetchContents` would find it
 * (`resolveSafeChildPath` from the template's directory): `fetchContents` would only copy it
 * to a temporary directory first, and the read never follows symbolic links either way. Anything
 * else goes through `fetchContents` (UrlReader, SCM integrations) into a temporary directory.
 */
export async function fetchSkeleton(
  ctx: { input: Pick<FetchTemplateInput, 'url' | 'token'>; templateInfo?: { baseUrl?: string }; createTemporaryDirectory(): Promise<string> },
  options: FetchTemplateActionOptions,
): Promise<string> {
  const { url, token } = ctx.input;
  const baseUrl = ctx.templateInfo?.baseUrl;
  assertUserCredentials(options, url, baseUrl, token);
  if (!isAbsoluteUrl(url) && baseUrl?.startsWith('file://')) {
    return resolveSafeChildPath(path.dirname(baseUrl.slice('file://'.length)), url);
  }
  const workDir = await ctx.createTemporaryDirectory();
  const templateDir = resolveSafeChildPath(workDir, 'template');
  await fetchContents({
    reader: options.reader,
    integrations: options.integrations,
    baseUrl,
    fetchUrl: url,
    outputPath: templateDir,
    token,
  });
  return templateDir;
}

/** Paths as written in messages and outputs: relative to the target, `/`-separated. */
export function relativeTo(dir: string, paths: string[]): string[] {
  return paths.map(p => (path.isAbsolute(p) ? path.relative(dir, p) : p).split(path.sep).join('/'));
}

/**
 * `trellis:fetch:template`: fetch:template with the rendering in the Trellis core. The skeleton
 * is fetched as fetch:template fetches it (`fetchContents`: relative to the template or through
 * the UrlReader; a skeleton next to a template on disk is read in place), read without following
 * symbolic links, rendered in one call, and written
 * through a staging directory, so a failure leaves the target untouched.
 *
 * A hand-built action object rather than `createTemplateAction`, because the latter (in
 * scaffolder-node 1.0) drops plain JSON Schemas; the scaffolder validates inputs against
 * `schema.input` and lists both schemas in GET /v2/actions.
 */
export function createFetchTemplateAction(
  options: FetchTemplateActionOptions,
): TemplateAction<FetchTemplateInput, FetchTemplateOutput> {
  const hosts = integrationHosts(options.integrations);
  return withStepErrors({
    id: FETCH_TEMPLATE_ACTION_ID,
    description:
      'fetch:template rendered by Trellis (same inputs, same output tree): downloads a skeleton, ' +
      'renders file and directory names and contents, and places the result in the workspace ' +
      '(or `targetPath`). Unlike fetch:template, a template error fails the step with the ' +
      'skeleton file, line and column, symbolic links are never followed, nothing lands outside ' +
      'the target, and a failed render writes nothing. `strict: true` makes undefined names ' +
      'errors; `limits` bounds each render.',
    examples,
    supportsDryRun: true,
    schema: {
      input: readActionSchema('trellis-fetch-template', 'input'),
      output: readActionSchema('trellis-fetch-template', 'output'),
    },
    async handler(ctx) {
      const { input } = ctx;
      const outputDir = resolveTarget(ctx.workspacePath, input.targetPath ?? './');
      const inputs = checkedInputs(input);
      if (input.copyWithoutRender !== undefined) {
        ctx.logger.warn('copyWithoutRender is ignored (as fetch:template ignores it); use copyWithoutTemplating');
      }

      ctx.logger.info(`Fetching template content from ${input.url}`);
      const templateDir = await fetchSkeleton(ctx, options);
      if (isChildPath(templateDir, outputDir)) {
        throw new InputError('targetPath must not be within template path');
      }

      const started = Date.now();
      let files: SkeletonEntry[];
      let result: SkeletonResult;
      try {
        files = readSkeletonDir(templateDir);
        result = renderSkeleton(files, input.values ?? {}, {
          copyWithoutTemplating: inputs.copyWithoutTemplating,
          templateFileExtension: inputs.templateFileExtension,
          cookiecutterCompat: input.cookiecutterCompat,
          trimBlocks: input.trimBlocks,
          lstripBlocks: input.lstripBlocks,
          strict: input.strict,
          limits: input.limits,
          integrations: hosts,
          secrets: Object.values(ctx.secrets ?? {}).filter((v): v is string => typeof v === 'string'),
        });
      } catch (error) {
        throw renderFailure(input.url, error);
      }
      for (const entry of result.skipped) {
        ctx.logger.info(`Skipped ${entry.path}: rendered path "${entry.renderedPath}" ${entry.reason}`);
      }

      let report;
      try {
        report = writeSkeleton(result, outputDir, { replace: input.replace === true });
      } catch (error) {
        throw renderFailure(input.url, error);
      }
      const written = relativeTo(outputDir, report.written);
      const kept = relativeTo(outputDir, report.kept);
      for (const file of kept) {
        ctx.logger.info(`Kept existing ${file} (replace is not set)`);
      }
      ctx.logger.info(
        `Rendered ${files.length} skeleton entries in ${Date.now() - started} ms: ` +
          `${written.length} written, ${kept.length} kept, ${result.skipped.length} skipped; ` +
          `template result written to ${outputDir}`,
      );
      ctx.output('written', written);
      ctx.output('kept', kept);
      ctx.output('skipped', result.skipped.map(({ path: p, renderedPath, reason }) => ({ path: p, renderedPath, reason })));
    },
  });
}
