// PipelineStatus (CONTRACT.md §3) projected from the runner's state machines at the moment it is asked for: the
// pipeline's lifecycle gives the deployment status, each core's lifecycle and its serving instance's phase give the
// core's phase. Nothing here decides a state; it only reads and shapes them.
import type { RolloutStatus } from '../state/operations.js';
import type { Condition, CoreStatus, RolloutSummary, DeploymentError, DeploymentStatus, InstanceStatus, ListenerStatus, PipelineStatus } from '../state/status-types.js';
import type { CoreView } from './core-slot.js';
import type { EffectivePipeline } from '../config/effective.js';
import type { DesiredStatus } from '../state/status-types.js';
import type { ProcessStats } from './process-stats.js';
import type { InstanceProcess } from './instance-process.js';
import { coreStatus, failReasonOf, type RuntimeView } from './core-status.js';
import { ConditionTracker } from '../state/conditions.js';
import { countInPhases, describeQuorum, quorumMet } from '../state/health.js';
import type { InstancePhase } from '../state/phase.js';
import { isoNow } from '../util/time.js';

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
    const { served, members } = runtimeStatuses(runner, slot, phase, deployment.since);
    cores[String(slot.core)] = served;
    // During an overlap the old and the new generation of a core are listed side by side.
    for (const { member, status } of members) {
      const sample = stats.get(member.pid);
      instances.push({
        coreId: slot.core,
        deploymentGeneration: member.generation,
        status,
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
    conditions: pipelineConditions(runner),
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

/**
 * Upstream's status of a core (its serving instance's, as upstream shows the runtime it selected for the core; with no
 * instance, stopped or waiting for a restart, every event of the core) and of each instance on it.
 */
function runtimeStatuses(
  runner: ProjectedRunner,
  slot: CoreView,
  phase: InstancePhase,
  fallbackTime: string,
): { served: CoreStatus; members: Array<{ member: InstanceProcess; status: CoreStatus }> } {
  const instance = slot.serving;
  const base = { group: runner.config.group, pipeline: runner.config.pipeline, core: slot.core, events: slot.events, fallbackTime };
  const served = coreStatus(
    {
      ...base,
      phase,
      ...(phase === 'failed' ? failure(slot, instance) : {}),
      ...(instance ? { generation: instance.generation } : {}),
      lastHeartbeatTime: instance?.lastHeartbeatTime ?? null,
    },
    slot.conditions,
  );
  const members = slot
    .members()
    .map((member) => ({
      member,
      status:
        member === instance
          ? served
          : coreStatus(
              {
                ...base,
                phase: member.phase,
                ...(member.phase === 'failed' ? failure(undefined, member) : {}),
                generation: member.generation,
                lastHeartbeatTime: member.lastHeartbeatTime,
              },
              instanceTracker(member),
            ),
    }));
  return { served, members };
}

/** Instances have no tracker of their own: one per instance object, gone with it, so transition times stay stable. */
const instanceTrackers = new WeakMap<InstanceProcess, ConditionTracker>();

function instanceTracker(instance: InstanceProcess): ConditionTracker {
  let tracker = instanceTrackers.get(instance);
  if (!tracker) instanceTrackers.set(instance, (tracker = new ConditionTracker()));
  return tracker;
}

/** Why a runtime failed: recovery gave up on its core, or the instance itself failed (starting or running). */
function failure(slot: CoreView | undefined, instance: InstanceProcess | null): Pick<RuntimeView, 'failReason' | 'failure'> {
  const failReason = failReasonOf(instance?.failedFrom ?? null);
  const cause = instance?.failureReason('the instance process exited');
  const gaveUp = slot?.gaveUpReason;
  if (gaveUp) return { failReason, failure: `runtime recovery gave up: ${gaveUp}${cause ? `; last failure: ${cause}` : ''}` };
  return { failReason, ...(cause ? { failure: cause } : {}) };
}

export function rolloutSummary(rollout: RolloutStatus): RolloutSummary {
  const { rolloutId, action, state, targetGeneration, startedAt, updatedAt, failureReason } = rollout;
  return { rolloutId, action, state, targetGeneration, startedAt, updatedAt, ...(failureReason ? { failureReason } : {}) };
}

/**
 * Observes every condition at a change (the runner calls this at each one), so that a condition's lastTransitionTime
 * is when it changed, not when it was first read: the pipeline's, and each core's and instance's.
 */
export function observeConditions(runner: ProjectedRunner): void {
  for (const slot of runner.cores()) runtimeStatuses(runner, slot, corePhase(runner, slot), isoNow());
  pipelineConditions(runner);
}

function pipelineConditions(runner: ProjectedRunner): Condition[] {
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

/** Ready as upstream's per-pipeline readyz: at least one core, and the ready quorum of them in a ready phase. */
export function isReady(runner: ProjectedRunner): boolean {
  const { readyIf, readyQuorum } = runner.config.policies.health;
  const total = runner.cores().length;
  return total > 0 && quorumMet(readyQuorum, countInPhases(corePhases(runner), readyIf), total);
}

/**
 * The live quorum as a condition, for the engine's livez to name when a pipeline misses it. Upstream's conditions are
 * only Accepted and Ready, so it is shown as a Ready condition; tracked apart so that it keeps its own transition time.
 */
export function livenessCondition(runner: ProjectedRunner): Condition {
  const { liveIf, liveQuorum } = runner.config.policies.health;
  const live = countInPhases(corePhases(runner), liveIf);
  const total = runner.cores().length;
  const met = quorumMet(liveQuorum, live, total);
  const observed = runner.conditions.observe(
    'Live',
    met ? 'True' : 'False',
    met ? 'LiveQuorumMet' : 'LiveQuorumNotMet',
    `${live} of ${total} cores live (live quorum ${describeQuorum(liveQuorum)})`,
  );
  return { ...observed, type: 'Ready' };
}
