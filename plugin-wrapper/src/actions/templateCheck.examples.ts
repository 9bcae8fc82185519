import type { TemplateExample } from '@backstage/plugin-scaffolder-node';

/** Shown in the scaffolder's action list (GET /v2/actions and the "Installed actions" page). */
export const examples: TemplateExample[] = [
  {
    description:
      'Copy a new Software Template into the workspace and stop the task, before anything is ' +
      'published, when `trellis check` finds an error in it; every finding is logged with its ' +
      'line and column.',
    example: `steps:
  - id: fetch
    name: Fetch the new template
    action: fetch:plain
    input:
      url: ./skeleton
      targetPath: templates/service
  - id: check
    name: Check the template
    action: trellis:template:check
    input:
      path: templates/service/template.yaml
`,
  },
  {
    description:
      'Check a template without failing the step (`failOn: never`) and report the findings ' +
      'from the outputs in a later step; `failOn: warning` would also fail on warnings.',
    example: `steps:
  - id: fetch
    name: Fetch the template
    action: fetch:plain
    input:
      url: ./skeleton
  - id: check
    name: Check the template, report only
    action: trellis:template:check
    input:
      path: template.yaml
      failOn: never
  - id: report
    name: Report the findings
    if: \${{ steps.check.output.errors > 0 }}
    action: debug:log
    input:
      message: \${{ steps.check.output.diagnostics | dump }}
`,
  },
];
