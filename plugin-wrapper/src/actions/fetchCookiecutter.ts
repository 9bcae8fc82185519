import * as fs from 'node:fs';
import * as path from 'node:path';
import { isChildPath } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import type { TemplateAction } from '@backstage/plugin-scaffolder-node';
import type { JsonObject } from '@backstage/types';
import { renderCookiecutter, type CookiecutterLimits, type CookiecutterResult } from '../cookiecutter';
import { readActionSchema } from '../paths';
import { readSkeletonDir, writeSkeleton, type SkeletonEntry } from '../skeleton';
import { examples } from './fetchCookiecutter.examples';
import { fetchSkeleton, relativeTo, renderFailure, resolveTarget, type FetchTemplateActionOptions } from './fetchTemplate';
import { FETCH_COOKIECUTTER_ACTION_ID } from './ids';

export { FETCH_COOKIECUTTER_ACTION_ID };

/**
 * The input the action accepts: fetch:cookiecutter's (plugin-scaffolder-backend-module-cookiecutter
 * 0.3.27) plus `limits` (schemas/actions/trellis-fetch-cookiecutter.input.json).
 */
export type FetchCookiecutterInput = {
  url: string;
  targetPath?: string;
  values: JsonObject;
  copyWithoutRender?: string[];
  extensions?: string[];
  /** Accepted and ignored (logged): nothing runs in a container. */
  imageName?: string;
  limits?: { [name in keyof CookiecutterLimits]?: number };
};

/** The outputs the action sets (schemas/actions/trellis-fetch-cookiecutter.output.json). */
export type FetchCookiecutterOutput = {
  written: string[];
  skipped: { path: string; renderedPath: string; reason: string }[];
};

/**
 * `trellis:fetch:cookiecutter`: fetch:cookiecutter without Docker or Python. The folder is fetched
 * as fetch:cookiecutter fetches it (`fetchContents`), read without following symbolic links,
 * rendered by the core as fetch:cookiecutter composes it for a local `cookiecutter` (Backstage
 * mode of `renderCookiecutter`), and written through a staging directory into `targetPath`,
 * replacing files there as fetch:cookiecutter's copy does; a failure writes nothing.
 */
export function createFetchCookiecutterAction(
  options: FetchTemplateActionOptions,
): TemplateAction<FetchCookiecutterInput, FetchCookiecutterOutput> {
  return {
    id: FETCH_COOKIECUTTER_ACTION_ID,
    description:
      'fetch:cookiecutter rendered by Trellis, in-process (no Docker, no Python): downloads a ' +
      'cookiecutter template folder, renders it as fetch:cookiecutter with a local cookiecutter ' +
      '2.7.1 does, and places the result in the workspace (or `targetPath`). A template error ' +
      'fails the step with the file, line and column; symbolic links are never followed, nothing ' +
      'lands outside the target, and a failed render writes nothing. `imageName` is ignored.',
    examples,
    supportsDryRun: true,
    schema: {
      input: readActionSchema('trellis-fetch-cookiecutter', 'input'),
      output: readActionSchema('trellis-fetch-cookiecutter', 'output'),
    },
    async handler(ctx) {
      const { input } = ctx;
      // fetch:cookiecutter's input checks, in its order, with its messages.
      if (input.copyWithoutRender && !Array.isArray(input.copyWithoutRender)) {
        throw new InputError('Fetch action input copyWithoutRender must be an Array');
      }
      if (input.extensions && !Array.isArray(input.extensions)) {
        throw new InputError('Fetch action input extensions must be an Array');
      }
      if (input.imageName !== undefined) {
        ctx.logger.info(`imageName ${input.imageName} is ignored: Trellis renders cookiecutter templates without a container`);
      }
      const outputDir = resolveTarget(ctx.workspacePath, input.targetPath ?? './');
      ctx.logger.info(`Fetching cookiecutter template from ${input.url}`);
      const templateDir = await fetchSkeleton({ ...ctx, input: { url: input.url } }, options);
      if (isChildPath(templateDir, outputDir)) {
        throw new InputError('targetPath must not be within template path');
      }
      const started = Date.now();
      let files: SkeletonEntry[];
      let result: CookiecutterResult;
      try {
        files = readSkeletonDir(templateDir);
        result = renderCookiecutter(files, input.values ?? {}, {
          mode: 'backstage',
          copyWithoutRender: input.copyWithoutRender,
          extensions: input.extensions,
          templatePath: path.join(templateDir, '..', 'template'),
          outputDir: path.join(templateDir, '..', 'intermediate'),
          limits: input.limits,
        });
      } catch (error) {
        throw renderFailure(input.url, error);
      }
      for (const entry of result.skipped) {
        ctx.logger.info(`Skipped ${entry.path}: its name renders to "${entry.renderedPath}"`);
      }
      let report;
      try {
        report = writeSkeleton({ files: result.files, skipped: [] }, outputDir, { replace: true });
      } catch (error) {
        throw renderFailure(input.url, error);
      }
      // fetch:cookiecutter copies with fs-extra, which keeps every file's mode exactly.
      for (const file of result.files) {
        if (file.type === 'file' && file.mode) fs.chmodSync(path.join(outputDir, ...file.path.split('/')), file.mode);
      }
      const written = relativeTo(outputDir, report.written);
      ctx.logger.info(
        `Rendered ${files.length} template entries in ${Date.now() - started} ms: ${written.length} files written to ${outputDir}`,
      );
      ctx.output('written', written);
      ctx.output('skipped', result.skipped);
    },
  };
}
