import type { TemplateAction } from '@backstage/plugin-scaffolder-node';
import type { JsonObject } from '@backstage/types';

/** Errors that say the step's input is at fault (HTTP 400 and 403 in a dry-run). */
const STEP_AUTHOR_ERRORS = new Set(['InputError', 'NotAllowedError']);

/**
 * The action, its handler's errors about the step's input logged as `Name: message` only.
 *
 * The scaffolder logs a failed step as `String(error.stack)` (`markFailed` in scaffolder-backend's
 * NunjucksWorkflowRunner), built-in actions included, so a refusal such as "Parameter validation
 * failed …" would be followed in the task log by the frames of this package and of the scaffolder,
 * paths into node_modules that tell the template's author nothing. Other errors keep their stack:
 * there it is what a maintainer needs.
 */
export function withStepErrors<I extends JsonObject, O extends JsonObject>(
  action: TemplateAction<I, O>,
): TemplateAction<I, O> {
  const handler = action.handler;
  return {
    ...action,
    async handler(ctx) {
      try {
        await handler(ctx);
      } catch (error) {
        if (error instanceof Error && STEP_AUTHOR_ERRORS.has(error.name)) {
          error.stack = `${error.name}: ${error.message}`;
        }
        throw error;
      }
    },
  };
}
