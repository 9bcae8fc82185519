import type { TemplateExample } from '@backstage/plugin-scaffolder-node';

/** Shown in the scaffolder's action list (GET /v2/actions and the "Installed actions" page). */
export const examples: TemplateExample[] = [
  {
    description:
      'Render the cookiecutter skeleton next to the template into the workspace root, as ' +
      '`fetch:cookiecutter` would with a local cookiecutter (only the action id differs), ' +
      'with nothing to install on the backend host.',
    example: `steps:
  - id: fetch
    name: Render the docs skeleton
    action: trellis:fetch:cookiecutter
    input:
      url: ./skeleton
      values:
        name: \${{ parameters.name }}
        description: \${{ parameters.description }}
        destination: \${{ parameters.repoUrl | parseRepoUrl }}
`,
  },
  {
    description:
      'Render into a subdirectory, copying images without rendering them, with Jinja2 loop ' +
      'controls and a tighter bound on the work of each file.',
    example: `steps:
  - id: fetch-service
    name: Render the service
    action: trellis:fetch:cookiecutter
    input:
      url: ./service
      targetPath: ./service
      copyWithoutRender:
        - "*.png"
      extensions:
        - jinja2.ext.loopcontrols
      limits:
        fuel: 1000000
      values:
        project_name: \${{ parameters.name }}
`,
  },
];
