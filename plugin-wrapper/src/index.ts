/**
 * backstage-plugin-scaffolder-backend-module-trellis: the Trellis scaffolder module (default
 * export), its actions, and the typed API over the Rust/WebAssembly core.
 */
export { scaffolderModuleTrellis as default, scaffolderModuleTrellis } from './module';
export {
  createParametersValidateAction,
  PARAMETERS_VALIDATE_ACTION_ID,
  type ParametersValidateInput,
  type ParametersValidateOutput,
  type ParametersValidateOutputError,
} from './actions/parametersValidate';
export {
  createTemplateCheckAction,
  TEMPLATE_CHECK_ACTION_ID,
  type TemplateCheckInput,
  type TemplateCheckOutput,
  type TemplateCheckFailOn,
  type TemplateCheckDiagnostic,
} from './actions/templateCheck';
export {
  renderString,
  renderValue,
  renderInput,
  prepareContext,
  PreparedContext,
  type RenderOptions,
  type RenderLimits,
  type RenderError,
  type HostFunction,
} from './render';
export {
  validateParameters,
  checkTemplateSyntax,
  checkTemplate,
  checkFiles,
  listRules,
  coreVersion,
  type SkeletonReader,
  type SkeletonEntryKind,
  type Diagnostic,
  type Severity,
  type CheckResult,
  type CheckSummary,
  type RuleDescription,
  type ReportFormat,
  type ParameterError,
  type ParameterErrorScope,
  type ParameterResult,
  type ValidateParametersOptions,
  type SyntaxCheck,
  type SyntaxCheckOptions,
  type TrellisError,
} from './core';
export { fileSkeletonReader } from './skeletonReader';
export {
  renderSkeleton,
  readSkeletonDir,
  writeSkeleton,
  isBinaryContent,
  type SkeletonFile,
  type SkeletonOptions,
  type SkeletonResult,
  type SkeletonError,
  type SkippedEntry,
  type WriteOptions,
  type WriteReport,
} from './skeleton';
