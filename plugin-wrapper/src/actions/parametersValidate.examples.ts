import type { TemplateExample } from '@backstage/plugin-scaffolder-node';

/** Shown in the scaffolder's action list (GET /v2/actions and the "Installed actions" page). */
export const examples: TemplateExample[] = [
  {
    description:
      'Check the values of the form against one schema and stop the task with every error ' +
      'message when they do not fit.',
    example: `steps:
  - id: validate
    name: Validate the service values
    action: trellis:parameters:validate
    input:
      schema:
        type: object
        required: [name, owner]
        properties:
          name:
            type: string
            pattern: '^[a-z][a-z0-9-]*$'
          owner:
            type: string
      values: \${{ parameters }}
`,
  },
  {
    description:
      'Check values against several pages, one of them shown only for large databases ' +
      '(write `when` as a bare expression so the scaffolder does not render it first), ' +
      'and carry on with the verdict in the outputs instead of failing.',
    example: `steps:
  - id: validate
    name: Validate the database request
    action: trellis:parameters:validate
    input:
      failOnError: false
      values:
        name: \${{ parameters.name }}
        database: \${{ parameters.database }}
        maintenanceWindow: \${{ parameters.maintenanceWindow }}
      schema:
        - title: Service
          required: [name]
          properties:
            name:
              type: string
        - title: Database
          required: [database]
          properties:
            database:
              type: object
              required: [size]
              properties:
                size:
                  type: string
                  enum: [small, medium, large]
        - title: Production settings
          when: "parameters.database.size === 'large'"
          required: [maintenanceWindow]
          properties:
            maintenanceWindow:
              type: string
  - id: report
    name: Report
    if: \${{ not steps.validate.output.valid }}
    action: debug:log
    input:
      message: \${{ steps.validate.output.errors | dump }}
`,
  },
];
