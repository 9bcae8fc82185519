import { createBackendModule } from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
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
      deps: { actions: scaffolderActionsExtensionPoint },
      async init({ actions }) {
        actions.addActions(createParametersValidateAction(), createTemplateCheckAction());
      },
    });
  },
});
