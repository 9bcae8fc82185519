/**
 * The ids of Trellis' actions. Kept apart from the action files so that reading them does not
 * load Backstage's packages (see index.ts).
 */
export const PARAMETERS_VALIDATE_ACTION_ID = 'trellis:parameters:validate';
export const TEMPLATE_CHECK_ACTION_ID = 'trellis:template:check';
export const FETCH_TEMPLATE_ACTION_ID = 'trellis:fetch:template';
export const FETCH_COOKIECUTTER_ACTION_ID = 'trellis:fetch:cookiecutter';
