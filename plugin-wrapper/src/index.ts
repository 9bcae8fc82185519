/**
 * backstage-plugin-scaffolder-backend-module-trellis: the Trellis scaffolder module (default
 * export), its actions, and the typed API over the Rust/WebAssembly core.
 *
 * The module and the action factories are loaded on first use (getters below): they import
 * Backstage's packages, which take the better part of a second to load, and a CLI or test that
 * only renders or checks should not pay for them. Backstage's `backend.add(import(...))` reads
 * `default` and gets the module as usual.
 */
import type * as ModuleFile from './module';
import type * as ParametersValidateFile from './actions/parametersValidate';
import type * as FetchTemplateFile from './actions/fetchTemplate';
import type * as TemplateCheckFile from './actions/templateCheck';
import type * as FetchCookiecutterFile from './actions/fetchCookiecutter';

export declare const scaffolderModuleTrellis: typeof ModuleFile.scaffolderModuleTrellis;
export { scaffolderModuleTrellis as default };
export declare const createParametersValidateAction: typeof ParametersValidateFile.createParametersValidateAction;
export declare const createFetchTemplateAction: typeof FetchTemplateFile.createFetchTemplateAction;
export declare const createTemplateCheckAction: typeof TemplateCheckFile.createTemplateCheckAction;
export declare const createFetchCookiecutterAction: typeof FetchCookiecutterFile.createFetchCookiecutterAction;

/** CommonJS `exports` of this file (the package is compiled to CommonJS). */
declare const exports: Record<string, unknown>;

// Written out so that Node's CommonJS export detection (cjs-module-lexer, which reads
// `exports.name =`) lets ES module importers name these exports too.
exports.scaffolderModuleTrellis = undefined;
exports.createParametersValidateAction = undefined;
exports.createFetchTemplateAction = undefined;
exports.createTemplateCheckAction = undefined;
exports.createFetchCookiecutterAction = undefined;

/** Makes `exports[name]` a getter that loads its file on first read. */
function exportLazily(name: string, load: () => unknown): void {
  Object.defineProperty(exports, name, { enumerable: true, configurable: true, get: load });
}
/* eslint-disable @typescript-eslint/no-require-imports */
const loadModule = (): typeof ModuleFile => require('./module');
exportLazily('default', () => loadModule().scaffolderModuleTrellis);
exportLazily('scaffolderModuleTrellis', () => loadModule().scaffolderModuleTrellis);
exportLazily('createParametersValidateAction', () =>
  (require('./actions/parametersValidate') as typeof ParametersValidateFile).createParametersValidateAction);
exportLazily('createFetchTemplateAction', () =>
  (require('./actions/fetchTemplate') as typeof FetchTemplateFile).createFetchTemplateAction);
exportLazily('createTemplateCheckAction', () =>
  (require('./actions/templateCheck') as typeof TemplateCheckFile).createTemplateCheckAction);
exportLazily('createFetchCookiecutterAction', () =>
  (require('./actions/fetchCookiecutter') as typeof FetchCookiecutterFile).createFetchCookiecutterAction);
/* eslint-enable @typescript-eslint/no-require-imports */

export {
  PARAMETERS_VALIDATE_ACTION_ID,
  FETCH_TEMPLATE_ACTION_ID,
  TEMPLATE_CHECK_ACTION_ID,
  FETCH_COOKIECUTTER_ACTION_ID,
} from './actions/ids';
export type { FetchCookiecutterInput, FetchCookiecutterOutput } from './actions/fetchCookiecutter';
export type {
  ParametersValidateInput,
  ParametersValidateOutput,
  ParametersValidateOutputError,
} from './actions/parametersValidate';
export type {
  FetchTemplateActionOptions,
  FetchTemplateInput,
  FetchTemplateOutput,
  FetchTemplateLimits,
} from './actions/fetchTemplate';
export type {
  TemplateCheckInput,
  TemplateCheckOutput,
  TemplateCheckFailOn,
  TemplateCheckDiagnostic,
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
  actionManifest,
  coreVersion,
  type SkeletonReader,
  type SkeletonEntryKind,
  type Diagnostic,
  type Severity,
  type CheckResult,
  type CheckSummary,
  type RuleDescription,
  type ManifestAction,
  type ReportFormat,
  type ParameterError,
  type ParameterErrorScope,
  type ParameterResult,
  type ParameterWarning,
  type ValidateParametersOptions,
  type SyntaxCheck,
  type SyntaxCheckOptions,
  type TrellisError,
} from './core';
export { fileSkeletonReader, type FileReaderOptions } from './skeletonReader';
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
  type ReadLimits,
  type ReadOptions,
} from './skeleton';
export {
  renderCookiecutter,
  localNow,
  type CookiecutterOptions,
  type CookiecutterLimits,
  type CookiecutterResult,
  type CookiecutterError,
} from './cookiecutter';
export {
  dryRunTemplate,
  compareTrees,
  type DryRunOptions,
  type DryRunReport,
  type DryRunResult,
  type TreeDiff,
} from './dryRun';
