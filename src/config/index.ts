// The config module's entry point: text or a parsed document in, either a validated config with one effective
// pipeline per pipeline, or every error with its path. Nothing here throws for a bad config.
import type { EffectivePipeline } from './effective.js';
import type { CoreAllocation, EngineConfig } from './types.js';
import { configError, ROOT_PATH, sortConfigErrors, sortConfigWarnings, type ConfigError, type ConfigWarning } from './errors.js';
import { documentSchema } from './schema.js';
import { validateWithJoi } from './joi-errors.js';
import { validateSemantics, type SemanticContext } from './validate.js';
import { wellFormedParts } from './salvage.js';
import { checkControllerExtensions } from './controller.js';
import { ConfigLoadError, loadConfigText } from './load.js';
import { substituteEnv, type EnvEnvironment } from './env-subst.js';
import { envProblemsToErrors } from './env-errors.js';
import { substituteEnvInValue } from './env-subst-value.js';
import { parseYaml } from './yaml-parse.js';
import { writtenForm, type WrittenForm } from './written-form.js';

export type ValidationResult =
  | { ok: true; config: EngineConfig; pipelines: EffectivePipeline[]; warnings: ConfigWarning[] }
  | { ok: false; errors: ConfigError[]; warnings: ConfigWarning[] };

/** Cores the engine may use, how strictly to judge them, and the node and extension types a config may use. */
export type ValidationContext = SemanticContext;

export interface LoadContext extends ValidationContext {
  /** Environment for `env:VAR` sources and `${env:...}` references; process.env when absent. */
  env?: EnvEnvironment;
  /** `--num-cores` / `--core-id-range`: replaces the top-level `policies.resources.core_allocation`, as upstream. */
  coreAllocationOverride?: CoreAllocation;
}

export function validateEngineConfig(raw: unknown, ctx: ValidationContext): ValidationResult {
  // joi would say `"value" must be of type object`; an empty file or a bare scalar deserves a plainer answer.
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    const message = 'the config must be a map with version and groups';
    return { ok: false, errors: [configError(ROOT_PATH, 'InvalidValue', message)], warnings: [] };
  }
  const shaped = validateWithJoi<EngineConfig>(documentSchema, raw, []);
  if (!shaped.ok) {
    // Group and pipeline names the schema refused are reported already; what is well formed is still checked.
    const deeper = validateSemantics(wellFormedParts(raw as Record<string, unknown>), ctx);
    return {
      ok: false,
      errors: sortConfigErrors([...shaped.errors, ...deeper.errors]),
      warnings: sortConfigWarnings([...shaped.warnings, ...deeper.warnings]),
    };
  }
  const semantic = validateSemantics(shaped.value, ctx);
  const controller = checkControllerExtensions(shaped.value);
  const errors = [...semantic.errors, ...controller.errors];
  const pipelines = semantic.pipelines;
  const allWarnings = sortConfigWarnings([...shaped.warnings, ...semantic.warnings, ...controller.warnings]);
  if (errors.length > 0) return { ok: false, errors: sortConfigErrors(errors), warnings: allWarnings };
  return { ok: true, config: shaped.value, pipelines, warnings: allWarnings };
}

/** A loaded config: validated, and, when it is valid, as written (references unsubstituted, written-form.ts). */
export type LoadResult = ValidationResult & { written?: WrittenForm };

/** load (path, file:, env:, yaml:) → `${env:...}` substitution → YAML → validation. */
export async function loadAndValidate(source: string, ctx: LoadContext): Promise<LoadResult> {
  const env = ctx.env ?? process.env;
  let text: string;
  try {
    text = (await loadConfigText(source, env)).text;
  } catch (error) {
    if (!(error instanceof ConfigLoadError)) throw error;
    return { ok: false, errors: [configError(ROOT_PATH, 'ConfigLoadFailed', error.message)], warnings: [] };
  }
  const substituted = substituteEnv(text, env);
  if (!substituted.ok) {
    const errors = sortConfigErrors(envProblemsToErrors(substituted.problems, substituted.markedText));
    return { ok: false, errors, warnings: [] };
  }
  const parsed = parseYaml(substituted.text);
  if (!parsed.ok) return { ok: false, errors: sortConfigErrors(parsed.errors), warnings: [] };
  const result = validateEngineConfig(withCoreAllocation(parsed.value, ctx.coreAllocationOverride), ctx);
  return result.ok ? { ...result, written: writtenForm(text, parsed.value, env) } : result;
}

/**
 * A document kept as written (a state file's config), substituted and validated as a config file is: `${env:…}`
 * references mean what they mean in an admin API body, and `--num-cores` / `--core-id-range` apply as at start.
 */
export function validateWrittenDocument(document: unknown, ctx: LoadContext): ValidationResult {
  const substituted = substituteEnvInValue(document, '', ctx.env ?? process.env);
  if (!substituted.ok) return { ok: false, errors: sortConfigErrors(substituted.errors), warnings: [] };
  return validateEngineConfig(withCoreAllocation(substituted.value, ctx.coreAllocationOverride), ctx);
}

/** The document with its top-level core allocation replaced (other resources settings kept); as it was without one. */
function withCoreAllocation(doc: unknown, allocation: CoreAllocation | undefined): unknown {
  if (allocation === undefined || doc === null || typeof doc !== 'object' || Array.isArray(doc)) return doc;
  const { policies } = doc as { policies?: unknown };
  const top = policies !== null && typeof policies === 'object' && !Array.isArray(policies) ? (policies as Record<string, unknown>) : {};
  const resources = top.resources !== null && typeof top.resources === 'object' ? (top.resources as Record<string, unknown>) : {};
  return { ...doc, policies: { ...top, resources: { ...resources, core_allocation: allocation } } };
}

export { formatConfigErrors, sortConfigErrors, formatPath, ROOT_PATH } from './errors.js';
export type { ConfigError, ConfigErrorCode, ConfigWarning } from './errors.js';
export { ConfigLoadError, loadConfigText } from './load.js';
export { substituteEnv } from './env-subst.js';
export { parseDuration, parseByteSize } from './duration.js';
export { resolveCoreAllocation, formatCoreList } from './cores.js';
export { canonicalJson } from './hash.js';
export { parseComponentUrn } from './urn.js';
export { DEFAULT_RUNTIME_RECOVERY } from './policies.js';
export type { EffectivePipeline, ResolvedPolicies } from './effective.js';
export type { EngineConfig } from './types.js';
export type { WrittenForm } from './written-form.js';
