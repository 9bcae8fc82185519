import { InputError } from '@backstage/errors';
import type { TemplateAction } from '@backstage/plugin-scaffolder-node';
import type { JsonObject } from '@backstage/types';
import { validateParameters, type ParameterError, type TrellisError } from '../core';
import { readActionSchema } from '../paths';
import { withStepErrors } from './stepErrors';
import { examples } from './parametersValidate.examples';
import { PARAMETERS_VALIDATE_ACTION_ID } from './ids';

export { PARAMETERS_VALIDATE_ACTION_ID };

/** The input the action accepts (schemas/actions/trellis-parameters-validate.input.json). */
export type ParametersValidateInput = {
  schema: JsonObject | JsonObject[];
  values: JsonObject;
  failOnError?: boolean;
};

/** One entry of the `errors` output: a {@link ParameterError} without source positions. */
export type ParametersValidateOutputError = Omit<ParameterError, 'line' | 'column'>;

/** The outputs the action sets (schemas/actions/trellis-parameters-validate.output.json). */
export type ParametersValidateOutput = {
  valid: boolean;
  errors: ParametersValidateOutputError[];
};


/**
 * The inline template the core checks: the step's schema becomes `spec.parameters`, so pages,
 * `when` and titles mean what they mean in a template.
 */
function inlineTemplate(schema: ParametersValidateInput['schema']): JsonObject {
  return {
    apiVersion: 'scaffolder.backstage.io/v1beta3',
    kind: 'Template',
    metadata: { name: 'inline' },
    spec: { type: 'inline', steps: [], parameters: schema },
  };
}

/** Line and column point into the inline template, which the step's author never sees. */
function toOutputError(error: ParameterError): ParametersValidateOutputError {
  return {
    scope: error.scope,
    page: error.page,
    pageTitle: error.pageTitle,
    path: error.path,
    keyword: error.keyword,
    message: error.message,
    schemaPath: error.schemaPath,
  };
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

function where(error: Pick<ParameterError, 'scope' | 'page' | 'pageTitle'>): string {
  if (error.page === null) {
    return error.scope;
  }
  const title = error.pageTitle ? ` "${error.pageTitle}"` : '';
  return `page ${error.page + 1}${title}`;
}

/**
 * `trellis:parameters:validate`: checks values against parameter pages with the Trellis core.
 *
 * A hand-built action object rather than `createTemplateAction`, because the latter (in
 * scaffolder-node 1.0) drops plain JSON Schemas; the scaffolder validates inputs against
 * `schema.input` and lists both schemas in GET /v2/actions.
 */
export function createParametersValidateAction(): TemplateAction<
  ParametersValidateInput,
  ParametersValidateOutput
> {
  return withStepErrors({
    id: PARAMETERS_VALIDATE_ACTION_ID,
    description:
      'Checks values against parameter forms (one JSON Schema or a list of pages with `title` ' +
      'and `when`) the way the scaffolder checks a task request, and reports every error of ' +
      'every visible page. Fails the step on invalid values unless `failOnError` is false.',
    examples,
    supportsDryRun: true,
    schema: {
      input: readActionSchema('trellis-parameters-validate', 'input'),
      output: readActionSchema('trellis-parameters-validate', 'output'),
    },
    async handler(ctx) {
      const { schema, values, failOnError } = ctx.input;
      let result;
      try {
        // Backstage's own verdict on pages its jsonschema reads leniently (core.ts, `compat`).
        result = validateParameters(inlineTemplate(schema), values, { compat: 'backstage' });
      } catch (error) {
        const rule = (error as TrellisError | undefined)?.rule;
        if (error instanceof TypeError || (rule !== undefined && rule !== 'internal')) {
          // The step's own input is at fault (a page that is not a schema, say): a 400, not a 500.
          throw new InputError(`Invalid input to ${PARAMETERS_VALIDATE_ACTION_ID}: ${(error as Error).message}`);
        }
        throw error;
      }

      const errors = result.errors.map(toOutputError);
      ctx.output('valid', result.valid);
      ctx.output('errors', errors);
      // Keywords read leniently, as Backstage's own form check reads them: valid for the task,
      // but not what the author meant (the offline dry-run logs the same lines, src/dryrun).
      for (const warning of result.warnings ?? []) {
        ctx.logger.warn(`${warning.message} (${where(warning)}, keyword ${warning.keyword})`);
      }

      const visible = result.visiblePages.filter(Boolean).length;
      const hidden = result.visiblePages.length - visible;
      if (result.valid) {
        const pages = visible === 1 ? 'the only visible page' : `all ${visible} visible pages`;
        ctx.logger.info(`Values are valid for ${pages} (${hidden} hidden)`);
        return;
      }
      for (const error of result.errors) {
        ctx.logger.warn(`${error.message} (${where(error)}, keyword ${error.keyword})`);
      }
      const summary =
        `Parameter validation failed with ${plural(errors.length, 'error')}: ` +
        errors.map(e => e.message).join('; ');
      if (failOnError !== false) {
        throw new InputError(summary);
      }
      ctx.logger.warn(`${summary} (failOnError is false: the step succeeds)`);
    },
  });
}
