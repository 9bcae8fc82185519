import { coreServices, createBackendModule } from '@backstage/backend-plugin-api';
import { ScmIntegrations } from '@backstage/integration';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createFetchCookiecutterAction } from './actions/fetchCookiecutter';
import { createFetchTemplateAction } from './actions/fetchTemplate';
import { createParametersValidateAction } from './actions/parametersValidate';
import { createTemplateCheckAction } from './actions/templateCheck';

/**
 * The Trellis scaffolder module: registers Trellis' actions with the scaffolder plugin.
 *
 * ```ts
 * backend.add(import('backstage-plugin-scaffolder-backend-module-trellis'));
 * ```
 */
export const scaffolderModuleTrellis = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'trellis',
  register(reg) {
    reg.registerInit({
      deps: {
        actions: scaffolderActionsExtensionPoint,
        config: coreServices.rootConfig,
        reader: coreServices.urlReader,
      },
      async init({ actions, config, reader }) {
        // Built from the same services and settings as the scaffolder's own fetch:template.
        const fetchTemplate = createFetchTemplateAction({
          reader,
          integrations: ScmIntegrations.fromConfig(config),
          requireScmUserCredentials: config.getOptionalBoolean('scaffolder.requireScmUserCredentials'),
        });
        const fetchCookiecutter = createFetchCookiecutterAction({ reader, integrations: ScmIntegrations.fromConfig(config) });
        actions.addActions(createParametersValidateAction(), createTemplateCheckAction(), fetchTemplate, fetchCookiecutter);
      },
    });
  },
});
