// Operation records: a RolloutStatus or ShutdownStatus that an executor updates step by step, and the per-pipeline
// history the admin API serves (the last RECORDS_KEPT of each kind). The records show upstream's states, whatever
// words the executors use for them.
import type {
  CoreRolloutState,
  CoreShutdownStatus,
  RolloutAction,
  RolloutState,
  RolloutStatus,
  ShutdownInitiator,
  ShutdownState,
  ShutdownStatus,
} from '../state/operations.js';
import { isoNow } from '../util/time.js';

export const RECORDS_KEPT = 32;

export class RolloutRecord {
  readonly status: RolloutStatus;

  constructor(id: string, group: string, pipeline: string, action: RolloutAction, targetGeneration: number, previousGeneration?: number) {
    const now = isoNow();
    this.status = {
      rolloutId: id,
      pipelineGroupId: group,
      pipelineId: pipeline,
      action,
      state: 'pending',
      targetGeneration,
      ...(previousGeneration !== undefined ? { previousGeneration } : {}),
      startedAt: now,
      updatedAt: now,
      cores: [],
    };
  }

  get finished(): boolean {
    return !['pending', 'running', 'rolling_back'].includes(this.status.state);
  }

  /** A rollback that restored the old generation ends `failed`, as upstream's does; its cores say `rolled_back`. */
  setState(state: RolloutState, failureReason?: string): void {
    this.status.state = state === 'rolled_back' ? 'failed' : state;
    if (failureReason !== undefined) this.status.failureReason = failureReason;
    this.status.updatedAt = isoNow();
  }

  core(coreId: number, state: CoreRolloutState, detail?: string, previousGeneration?: number): void {
    const now = isoNow();
    let core = this.status.cores.find((c) => c.coreId === coreId);
    if (!core) {
      core = { coreId, targetGeneration: this.status.targetGeneration, state, updatedAt: now };
      if (previousGeneration !== undefined) core.previousGeneration = previousGeneration;
      this.status.cores.push(core);
      this.status.cores.sort((a, b) => a.coreId - b.coreId);
    }
    core.state = state;
    core.updatedAt = now;
    if (detail !== undefined) core.detail = detail;
    else delete core.detail;
    this.status.updatedAt = now;
  }
}

/** How one core's drain ended, as the pipeline runner reports it. */
export interface CoreDrainOutcome {
  coreId: number;
  deploymentGeneration: number;
  state: 'drained' | 'forced' | 'failed';
}

export class ShutdownRecord {
  readonly status: ShutdownStatus;

  constructor(id: string, group: string, pipeline: string, initiator?: ShutdownInitiator) {
    const now = isoNow();
    this.status = {
      shutdownId: id,
      pipelineGroupId: group,
      pipelineId: pipeline,
      state: 'pending',
      ...(initiator !== undefined ? { initiator } : {}),
      startedAt: now,
      updatedAt: now,
      cores: [],
    };
  }

  get finished(): boolean {
    return this.status.state !== 'pending' && this.status.state !== 'running';
  }

  setState(state: ShutdownState, failureReason?: string): void {
    this.status.state = state;
    if (failureReason !== undefined) this.status.failureReason = failureReason;
    this.status.updatedAt = isoNow();
  }

  /** The instance serving `coreId` was asked to drain. */
  requested(coreId: number, deploymentGeneration: number): void {
    this.core({ coreId, deploymentGeneration, state: 'shutdown_requested' });
  }

  /**
   * Ends the shutdown from how each core's drain ended. A drain cut short at its deadline (the instance was killed) or
   * one that ended in an error fails the shutdown, as upstream's does: data the instance held may be lost.
   */
  finish(results: readonly CoreDrainOutcome[], drainTimeoutSecs: number): void {
    const forced: number[] = [];
    const failed: number[] = [];
    for (const result of results) {
      if (!this.status.cores.some((c) => c.coreId === result.coreId)) continue;
      const { coreId, deploymentGeneration } = result;
      if (result.state === 'drained') {
        this.core({ coreId, deploymentGeneration, state: 'exited', detail: 'drained' });
      } else if (result.state === 'forced') {
        forced.push(coreId);
        this.core({ coreId, deploymentGeneration, state: 'failed', detail: `did not drain within ${drainTimeoutSecs}s and was killed` });
      } else {
        failed.push(coreId);
        this.core({ coreId, deploymentGeneration, state: 'failed', detail: 'exited with an error while draining' });
      }
    }
    const reasons = [
      ...(forced.length > 0 ? [`${coresLabel(forced)} did not drain within ${drainTimeoutSecs}s and ${forced.length === 1 ? 'was' : 'were'} killed`] : []),
      ...(failed.length > 0 ? [`${coresLabel(failed)} exited with an error while draining`] : []),
    ];
    if (reasons.length > 0) this.setState('failed', reasons.join('; '));
    else this.setState('succeeded');
  }

  core(core: Omit<CoreShutdownStatus, 'updatedAt'>): void {
    const entry = { ...core, updatedAt: isoNow() };
    const i = this.status.cores.findIndex((c) => c.coreId === core.coreId);
    if (i >= 0) this.status.cores[i] = entry;
    else this.status.cores.push(entry);
    this.status.cores.sort((a, b) => a.coreId - b.coreId);
    this.status.updatedAt = entry.updatedAt;
  }
}

function coresLabel(cores: readonly number[]): string {
  return `${cores.length === 1 ? 'core' : 'cores'} ${cores.join(', ')}`;
}

/** Bounded per-pipeline history; the oldest record goes first. */
export class RecordHistory<T> {
  private readonly byPipeline = new Map<string, Array<{ id: string; record: T }>>();

  add(pipelineKey: string, id: string, record: T): void {
    const list = this.byPipeline.get(pipelineKey) ?? [];
    list.push({ id, record });
    if (list.length > RECORDS_KEPT) list.shift();
    this.byPipeline.set(pipelineKey, list);
  }

  get(pipelineKey: string, id: string): T | undefined {
    return this.byPipeline.get(pipelineKey)?.find((entry) => entry.id === id)?.record;
  }
}
