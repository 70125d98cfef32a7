// The rollout planner: which action a PUT takes and what happens on each core. Pure, so that a dry run, the real
// rollout and the tests all agree on the same answer for the same two effective pipelines.
import type { EffectivePipeline } from '../config/effective.js';
import type { CorePlanStep, PipelinePlan, RolloutAction } from '../state/operations.js';

type Step = CorePlanStep['step'];

export function planRollout(committed: EffectivePipeline | undefined, candidate: EffectivePipeline): PipelinePlan {
  if (committed === undefined) return plan('create', steps([], candidate.cores, 'keep'));
  if (committed.hash === candidate.hash) return plan('noop', steps(committed.cores, candidate.cores, 'keep'));
  // Same graph, other placement: instances on cores that stay run exactly what they would run after the change.
  if (committed.graphHash === candidate.graphHash) {
    return plan('resize', steps(committed.cores, candidate.cores, 'keep'));
  }
  return plan('replace', steps(committed.cores, candidate.cores, 'replace'));
}

/** `replace: 0,1 replace; 2 drain`, cores grouped by step in the order start, keep, replace, drain. */
export function planLabel(p: PipelinePlan): string {
  const order: Step[] = ['start', 'keep', 'replace', 'drain'];
  const parts: string[] = [];
  for (const step of order) {
    const cores = p.cores.filter((c) => c.step === step).map((c) => c.coreId);
    if (cores.length > 0) parts.push(`${cores.join(',')} ${step}`);
  }
  return parts.length > 0 ? `${p.action}: ${parts.join('; ')}` : `${p.action}: no cores`;
}

function plan(action: RolloutAction, cores: CorePlanStep[]): PipelinePlan {
  return { action, cores };
}

/** Cores only in `before` drain, only in `after` start, in both take `both`; ascending by core id. */
function steps(before: readonly number[], after: readonly number[], both: Step): CorePlanStep[] {
  const old = new Set(before);
  const next = new Set(after);
  const all = [...new Set([...before, ...after])].sort((a, b) => a - b);
  return all.map((coreId) => ({
    coreId,
    step: old.has(coreId) && next.has(coreId) ? both : next.has(coreId) ? 'start' : 'drain',
  }));
}
