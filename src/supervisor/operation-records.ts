// Operation records: a RolloutStatus or ShutdownStatus that an executor updates step by step, and the per-pipeline
// history the admin API serves (the last RECORDS_KEPT of each kind).
import type { CoreRolloutState, CoreShutdownStatus, RolloutAction, RolloutState, RolloutStatus, ShutdownState, ShutdownStatus } from '../state/operations.js';
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

  setState(state: RolloutState, failureReason?: string): void {
    this.status.state = state;
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

export class ShutdownRecord {
  readonly status: ShutdownStatus;

  constructor(id: string, group: string, pipeline: string) {
    const now = isoNow();
    this.status = { shutdownId: id, pipelineGroupId: group, pipelineId: pipeline, state: 'pending', startedAt: now, updatedAt: now, cores: [] };
  }

  get finished(): boolean {
    return this.status.state !== 'pending' && this.status.state !== 'running';
  }

  setState(state: ShutdownState, failureReason?: string): void {
    this.status.state = state;
    if (failureReason !== undefined) this.status.failureReason = failureReason;
    this.status.updatedAt = isoNow();
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
