// PipelineStatus (CONTRACT.md §3) projected from the runner's state machines at the moment it is asked for: the
// pipeline's lifecycle gives the deployment status, each core's lifecycle and its serving instance's phase give the
// core's phase. Nothing here decides a state; it only reads and shapes them.
import type { RolloutStatus } from '../state/operations.js';
import type { Condition, CoreStatus, RolloutSummary, DeploymentError, DeploymentStatus, InstanceStatus, ListenerStatus, PipelineStatus } from '../state/status-types.js';
import type { CoreView } from './core-slot.js';
import type { EffectivePipeline } from '../config/effective.js';
import type { ConditionTracker } from '../state/conditions.js';
import type { DesiredStatus } from '../state/status-types.js';
import type { ProcessStats } from './process-stats.js';
import { countInPhases, describeQuorum, quorumMet } from '../state/health.js';
import type { InstancePhase } from '../state/phase.js';

/** What the projection reads of a pipeline runner (the runner calls the projection, so it names no runner type). */
export interface ProjectedRunner {
  cores(): readonly CoreView[];
  readonly desired: DesiredStatus;
  readonly deployment: { status: DeploymentStatus; since: string; error: DeploymentError | null };
  readonly config: EffectivePipeline;
  readonly conditions: ConditionTracker;
  readonly generation: number;
  readonly latestRollout: RolloutStatus | null;
}

export function projectPipelineStatus(runner: ProjectedRunner, stats: ProcessStats, listeners: ListenerStatus[]): PipelineStatus {
  const { deployment } = runner;
  const slots = runner.cores();
  const cores: Record<string, CoreStatus> = {};
  const instances: InstanceStatus[] = [];
  const servingGenerations: Record<string, number> = {};
  let runningCores = 0;

  for (const slot of slots) {
    const instance = slot.serving;
    const phase = corePhase(runner, slot);
    if (phase === 'running') {
      runningCores += 1;
      servingGenerations[String(slot.core)] = instance!.generation;
    }
    cores[String(slot.core)] = {
      phase,
      lastHeartbeatTime: instance?.lastHeartbeatTime ?? null,
      conditions: slot.gaveUpReason !== null ? [slot.conditions.observe('Failed', 'True', 'RestartLimitExceeded', slot.gaveUpReason)] : [],
      deletePending: false,
      recentEvents: [...slot.events],
    };
    // During an overlap the old and the new generation of a core are listed side by side.
    for (const member of slot.members()) {
      const sample = stats.get(member.pid);
      instances.push({
        coreId: slot.core,
        deploymentGeneration: member.generation,
        pid: member.pid,
        phase: member.phase,
        restarts: member === instance ? slot.restarts : 0,
        cpuPercent: sample.cpuPercent,
        rssBytes: sample.rssBytes,
        ...(Object.keys(member.counters).length > 0 ? { nodes: member.counters } : {}),
      });
    }
  }

  const totalCores = slots.length;
  return {
    conditions: observeConditions(runner),
    totalCores,
    runningCores,
    cores,
    instances,
    activeGeneration: runner.generation,
    servingGenerations,
    desiredStatus: runner.desired,
    deploymentStatus: deployment.status,
    deploymentStatusSince: deployment.since,
    deploymentError: deployment.error,
    listeners,
    ...(runner.latestRollout ? { rollout: rolloutSummary(runner.latestRollout) } : {}),
  };
}

function rolloutSummary(rollout: RolloutStatus): RolloutSummary {
  const { rolloutId, action, state, targetGeneration, startedAt, updatedAt, failureReason } = rollout;
  return { rolloutId, action, state, targetGeneration, startedAt, updatedAt, ...(failureReason ? { failureReason } : {}) };
}

export function observeConditions(runner: ProjectedRunner): Condition[] {
  const totalCores = runner.cores().length;
  const { readyIf, readyQuorum } = runner.config.policies.health;
  const readyCores = countInPhases(corePhases(runner), readyIf);
  const met = quorumMet(readyQuorum, readyCores, totalCores);
  return [
    runner.conditions.observe('Accepted', 'True', 'ConfigValid', 'the pipeline configuration is valid'),
    runner.conditions.observe(
      'Ready',
      met ? 'True' : 'False',
      met ? 'QuorumMet' : 'QuorumNotMet',
      `${readyCores} of ${totalCores} cores ready (quorum ${describeQuorum(readyQuorum)})`,
    ),
  ];
}

/** Live when enough cores are in a live phase (upstream's live_if and live_quorum). */
export function isLive(runner: ProjectedRunner): boolean {
  const { liveIf, liveQuorum } = runner.config.policies.health;
  return quorumMet(liveQuorum, countInPhases(corePhases(runner), liveIf), runner.cores().length);
}

/** The phase each core shows: its serving instance's, failed once recovery gave up, else pending or stopped. */
function corePhases(runner: ProjectedRunner): InstancePhase[] {
  return runner.cores().map((slot) => corePhase(runner, slot));
}

function corePhase(runner: ProjectedRunner, slot: CoreView): InstancePhase {
  if (slot.state === 'gave_up') return 'failed';
  return slot.serving?.phase ?? (runner.desired === 'stopped' ? 'stopped' : 'pending');
}
