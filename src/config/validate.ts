// Semantic validation of a document that already passed the schema: every pipeline on its own, then what pipelines
// share (listening addresses).
import type { EffectivePipeline } from './effective.js';
import type { EngineConfig } from './types.js';
import type { ConfigError, ConfigWarning } from './errors.js';
import { findAddressConflicts, type ListenerEntry } from './listeners.js';
import { checkPipeline } from './pipeline-check.js';
import type { SemanticContext } from './model.js';

export type { SemanticContext };
import { findHostWideConflicts, type HostWideEntry } from './host-wide.js';
import { checkObservability } from './observability.js';


export interface SemanticResult {
  errors: ConfigError[];
  warnings: ConfigWarning[];
  /** One per pipeline, ordered by group then pipeline name; complete only when `errors` is empty. */
  pipelines: EffectivePipeline[];
}

const byKey = ([a]: [string, unknown], [b]: [string, unknown]): number => (a < b ? -1 : a > b ? 1 : 0);

export function validateSemantics(config: EngineConfig, ctx: SemanticContext): SemanticResult {
  const errors: ConfigError[] = [];
  const warnings: ConfigWarning[] = [];
  const listeners: ListenerEntry[] = [];
  const hostWide: HostWideEntry[] = [];
  const pipelines: EffectivePipeline[] = [];
  for (const [group, groupSpec] of Object.entries(config.groups).sort(byKey)) {
    for (const [pipeline, spec] of Object.entries(groupSpec.pipelines).sort(byKey)) {
      const check = checkPipeline({
        at: { group, pipeline, base: ['groups', group, 'pipelines', pipeline] },
        spec,
        layers: { top: config.policies, group: groupSpec.policies, pipeline: spec.policies },
        availableCores: ctx.availableCores,
        coreCheck: ctx.coreCheck ?? 'enforce',
        catalog: ctx.catalog,
      });
      errors.push(...check.errors);
      warnings.push(...check.warnings);
      listeners.push(...check.listeners);
      hostWide.push(...check.hostWide);
      if (check.effective) pipelines.push(check.effective);
    }
  }
  const observability = checkObservability(config, ctx);
  errors.push(...observability.errors);
  warnings.push(...observability.warnings);
  listeners.push(...observability.listeners);
  errors.push(...findAddressConflicts(listeners));
  errors.push(...findHostWideConflicts(hostWide));
  return { errors, warnings, pipelines };
}
