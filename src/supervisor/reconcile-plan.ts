// The dry run of a reconcile: the same validation and planner as the real one (reconcile.ts), run for every pipeline of
// the document against what runs now, without starting anything or taking a lock. Answers what a PUT dry run answers,
// pipeline by pipeline (and the groups it would delete), so an operator can review a whole config file before applying it.
import type { ReconcilePlanOutcome, ReconcileRequest } from '../state/commands.js';
import { validateEngineConfig, type ValidationResult } from '../config/index.js';
import { diffPipelines } from '../state/config-diff.js';
import { substituteEnvInValue } from '../config/env-subst-value.js';
import type { ReconcilePipelinePlan } from '../state/operations.js';
import { planRollout } from './planner.js';
import type { RuntimeManager } from './runtime-manager.js';
import { keyOf } from './pipeline-key.js';

/** A reconcile body's config as the engine would take it: `${env:…}` substituted, then validated as a whole document. */
export function validateReconcileConfig(manager: RuntimeManager, config: unknown): ValidationResult {
  const substituted = substituteEnvInValue(config, '');
  if (!substituted.ok) return { ok: false, errors: substituted.errors, warnings: [] };
  return validateEngineConfig(substituted.value, manager.validationContext);
}

export function planReconcile(manager: RuntimeManager, request: ReconcileRequest): ReconcilePlanOutcome {
  const validation = validateReconcileConfig(manager, request.config);
  if (!validation.ok) return { kind: 'invalid', errors: validation.errors };

  const pipelines: ReconcilePipelinePlan[] = validation.pipelines.map((candidate) => {
    const running = manager.runningConfig(candidate.group, candidate.pipeline);
    const plan = planRollout(running, candidate);
    return {
      pipelineGroupId: candidate.group,
      pipelineId: candidate.pipeline,
      action: plan.action,
      cores: plan.cores,
      diff: diffPipelines(running, candidate),
    };
  });
  if (request.deleteMissing) {
    const wanted = new Set(validation.pipelines.map((p) => keyOf(p.group, p.pipeline)));
    for (const runner of manager.runners.values()) {
      if (wanted.has(runner.key)) continue;
      pipelines.push({
        pipelineGroupId: runner.config.group,
        pipelineId: runner.config.pipeline,
        action: 'delete',
        // A stopped pipeline is forgotten too, but has nothing left to drain.
        cores: (manager.runningConfig(runner.config.group, runner.config.pipeline)?.cores ?? []).map((coreId) => ({ coreId, step: 'drain' as const })),
        diff: [],
      });
    }
  }
  const deleteGroups = request.deleteMissing ? Object.keys(manager.committed.groups).filter((g) => !Object.hasOwn(validation.config.groups, g)).sort() : [];
  return { kind: 'dry_run', result: { deleteMissing: request.deleteMissing, pipelines, deleteGroups } };
}
