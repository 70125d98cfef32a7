// Deleting pipelines and groups, as upstream's DELETE does: drain what runs (within the drain window asked for), then
// forget the pipeline; a group's pipelines one by one in id order, then the group. Each answer is the terminal status.
// A drain that fails (an instance killed at the deadline, or exiting with an error) stops there: that pipeline is
// stopped but kept, so that nothing is half deleted, and the status says so; deleting it again forgets it.
import type { DeleteGroupOutcome, DeletePipelineOutcome } from '../state/commands.js';
import type { GroupDeleteStatus, PipelineDeleteStatus, ShutdownStatus } from '../state/operations.js';
import { isoNow } from '../util/time.js';
import type { OperationRef } from './operation-lock.js';
import type { PipelineRunner } from './pipeline-runner.js';
import type { RuntimeManager } from './runtime-manager.js';

/** A drain window of 0 s would kill every instance at once: upstream takes at least one second too. */
export function drainWindowSecs(timeoutSecs: number): number {
  return Math.max(1, timeoutSecs);
}

export async function deletePipeline(
  manager: RuntimeManager,
  group: string,
  pipeline: string,
  drainTimeoutSecs: number,
): Promise<DeletePipelineOutcome> {
  const missing = manager.missing(group, pipeline);
  if (missing) return missing;
  const busy = manager.busy(group, pipeline);
  if (busy) return busy;
  const status = await drainAndForget(manager, manager.runner(group, pipeline)!, drainTimeoutSecs);
  return { kind: status.state, delete: status };
}

/**
 * The group's pipelines are held for the whole delete (a PUT into the group answers busy), deleted one by one, and the
 * group goes last, once empty. A failed pipeline delete ends the group delete: the group stays with what is left.
 */
export async function deleteGroup(manager: RuntimeManager, group: string, drainTimeoutSecs: number): Promise<DeleteGroupOutcome> {
  if (!manager.hasGroup(group)) return { kind: 'group_not_found' };
  const ids = pipelinesOf(manager, group);
  for (const id of ids) {
    const busy = manager.busy(group, id);
    if (busy) return busy;
  }
  const operation: OperationRef = { type: 'delete', id: manager.newId('delete') };
  const scope = { kind: 'group', group } as const;
  const holder = manager.lock.scopeHolder(scope);
  if (holder || !manager.lock.acquireScope(scope, operation)) return { kind: 'busy', operation: holder ?? operation };
  try {
    const status = await deleteHeldGroup(manager, group, ids, drainTimeoutSecs);
    return { kind: status.state, delete: status };
  } finally {
    manager.lock.releaseScope(scope, operation);
  }
}

/** Deletes a group whose scope the caller holds (a group delete, or a reconcile holding the whole engine). */
export async function deleteHeldGroup(
  manager: RuntimeManager,
  group: string,
  ids: readonly string[],
  drainTimeoutSecs: number,
): Promise<GroupDeleteStatus> {
  const startedAt = isoNow();
  const pipelines: PipelineDeleteStatus[] = [];
  for (const id of ids) {
    const runner = manager.runner(group, id);
    // A committed spec without a runner should not exist; if one did, it is forgotten like a stopped pipeline.
    const status = runner ? await drainAndForget(manager, runner, drainTimeoutSecs) : forget(manager, group, id, isoNow());
    pipelines.push(status);
    if (status.state === 'failed') {
      const reason = `pipeline '${group}:${id}' could not be deleted: ${status.failureReason ?? 'its drain failed'}; the group and its other pipelines are kept`;
      return groupStatus(group, 'failed', startedAt, pipelines, reason);
    }
  }
  manager.removeGroup(group);
  return groupStatus(group, 'succeeded', startedAt, pipelines);
}

/** A group's pipelines: committed ones, and any being created (a runner without a committed spec yet), by id. */
export function pipelinesOf(manager: RuntimeManager, group: string): string[] {
  const ids = new Set(Object.keys(manager.committed.groups[group]?.pipelines ?? {}));
  for (const runner of manager.runners.values()) if (runner.config.group === group) ids.add(runner.config.pipeline);
  return [...ids].sort();
}

/**
 * Drains the pipeline if anything of it runs, then forgets it. The drain is a shutdown under the pipeline's own lock,
 * recorded like any other (without an initiator, as upstream's deletes).
 */
export async function drainAndForget(
  manager: RuntimeManager,
  runner: PipelineRunner,
  drainTimeoutSecs: number,
  /** Told the drain's ShutdownStatus as it starts (a reconcile shows it while it runs). */
  onDrain?: (shutdown: ShutdownStatus) => void,
): Promise<PipelineDeleteStatus> {
  const { group, pipeline } = runner.config;
  const startedAt = isoNow();
  const running = runner.desired === 'running' || runner.liveInstances().length > 0;
  if (!running) return forget(manager, group, pipeline, startedAt);
  const window = drainWindowSecs(drainTimeoutSecs);
  const { record, done } = manager.startShutdown(runner, window);
  onDrain?.(record.status);
  await done;
  const shutdown = record.status;
  if (shutdown.state !== 'succeeded') {
    const reason = `${shutdown.failureReason ?? 'the drain failed'}; the pipeline is stopped but not deleted (delete it again to forget it)`;
    return { pipelineGroupId: group, pipelineId: pipeline, state: 'failed', startedAt, updatedAt: isoNow(), shutdown, failureReason: reason };
  }
  return { ...forget(manager, group, pipeline, startedAt), shutdown };
}

function forget(manager: RuntimeManager, group: string, pipeline: string, startedAt: string): PipelineDeleteStatus {
  manager.forget(group, pipeline);
  return { pipelineGroupId: group, pipelineId: pipeline, state: 'succeeded', startedAt, updatedAt: isoNow() };
}

function groupStatus(
  group: string,
  state: GroupDeleteStatus['state'],
  startedAt: string,
  pipelines: PipelineDeleteStatus[],
  failureReason?: string,
): GroupDeleteStatus {
  return {
    pipelineGroupId: group,
    state,
    startedAt,
    updatedAt: isoNow(),
    ...(pipelines.length > 0 ? { pipelines } : {}),
    ...(failureReason !== undefined ? { failureReason } : {}),
  };
}
