import type { TemplateExample } from '@backstage/plugin-scaffolder-node';

/** Shown in the scaffolder's action list (GET /v2/actions and the "Installed actions" page). */
export const examples: TemplateExample[] = [
  {
    description:
      'Render the skeleton next to the template into the workspace root, exactly as ' +
      '`fetch:template` would (only the action id differs); a template error fails the step ' +
      'with the skeleton file, line and column.',
    example: `steps:
  - id: fetch
    name: Render the skeleton
    action: trellis:fetch:template
    input:
      url: ./skeleton
      values:
        name: \${{ parameters.name }}
        owner: \${{ parameters.owner }}
`,
  },
  {
    description:
      'Render into a subdirectory, replacing files that exist there, with undefined names as ' +
      'errors (`strict`) and a tighter bound on the work of each file.',
    example: `steps:
  - id: fetch-docs
    name: Render the docs skeleton
    action: trellis:fetch:template
    input:
      url: ./docs-skeleton
      targetPath: ./docs
      replace: true
      strict: true
      copyWithoutTemplating:
        - assets
      limits:
        workUnits: 100000
      values:
        name: \${{ parameters.name }}
`,
  },
];
