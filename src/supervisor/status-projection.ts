// PipelineStatus (CONTRACT.md §3) derived from the runner's slots and instances at the moment it is asked for.
import type { RolloutStatus } from '../state/operations.js';
import type { Condition, CoreStatus, RolloutSummary, DeploymentError, DeploymentStatus, InstanceStatus, ListenerStatus, PipelineStatus } from '../state/status-types.js';
import type { PipelineRunner } from './pipeline-runner.js';
import type { ProcessStats } from './process-stats.js';

export function projectPipelineStatus(
  runner: PipelineRunner,
  stats: ProcessStats,
  deployment: { status: DeploymentStatus; since: string; error: DeploymentError | null },
  listeners: ListenerStatus[],
): PipelineStatus {
  const cores: Record<string, CoreStatus> = {};
  const instances: InstanceStatus[] = [];
  const servingGenerations: Record<string, number> = {};
  let runningCores = 0;

  for (const slot of runner.slots.values()) {
    const instance = slot.current;
    const phase = slot.gaveUp !== null ? 'failed' : (instance?.phase ?? (runner.desired === 'stopped' ? 'stopped' : 'pending'));
    if (phase === 'running') {
      runningCores += 1;
      servingGenerations[String(slot.core)] = instance!.generation;
    }
    cores[String(slot.core)] = {
      phase,
      lastHeartbeatTime: instance?.lastHeartbeatTime ?? null,
      conditions: slot.gaveUp !== null ? [slot.conditions.observe('Failed', 'True', 'RestartLimitExceeded', slot.gaveUp)] : [],
      deletePending: false,
      recentEvents: [...slot.events],
    };
    // During an overlap the old and the new generation of a core are listed side by side.
    for (const member of [instance, slot.incoming, ...slot.draining]) {
      if (!member) continue;
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

  const totalCores = runner.slots.size;
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

export function observeConditions(runner: PipelineRunner): Condition[] {
  const totalCores = runner.slots.size;
  const runningCores = [...runner.slots.values()].filter((slot) => slot.gaveUp === null && slot.current?.phase === 'running').length;
  const quorum = runner.config.policies.readyQuorumPercent;
  const quorumMet = runningCores > 0 && (runningCores * 100) / totalCores >= quorum;
  return [
    runner.conditions.observe('Accepted', 'True', 'ConfigValid', 'the pipeline configuration is valid'),
    runner.conditions.observe(
      'Ready',
      quorumMet ? 'True' : 'False',
      quorumMet ? 'QuorumMet' : 'QuorumNotMet',
      `${runningCores} of ${totalCores} cores running (quorum ${quorum}%)`,
    ),
  ];
}
