// PipelineStatus (CONTRACT.md §3) derived from the runner's slots and instances at the moment it is asked for.
import type { CoreStatus, DeploymentError, DeploymentStatus, InstanceStatus, ListenerStatus, PipelineStatus } from '../state/status-types.js';
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
    if (instance) {
      const sample = stats.get(instance.pid);
      instances.push({
        coreId: slot.core,
        deploymentGeneration: instance.generation,
        pid: instance.pid,
        phase: instance.phase,
        restarts: slot.restarts,
        cpuPercent: sample.cpuPercent,
        rssBytes: sample.rssBytes,
      });
    }
  }

  const totalCores = runner.slots.size;
  const quorum = runner.config.policies.readyQuorumPercent;
  const quorumMet = totalCores > 0 && (runningCores * 100) / totalCores >= quorum && runningCores > 0;
  return {
    conditions: [
      runner.conditions.observe('Accepted', 'True', 'ConfigValid', 'the pipeline configuration is valid'),
      runner.conditions.observe(
        'Ready',
        quorumMet ? 'True' : 'False',
        quorumMet ? 'QuorumMet' : 'QuorumNotMet',
        `${runningCores} of ${totalCores} cores running (quorum ${quorum}%)`,
      ),
    ],
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
  };
}
