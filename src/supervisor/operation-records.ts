// Operation records: a RolloutStatus or ShutdownStatus that an executor updates step by step, and the per-pipeline
// history the admin API serves (the last RECORDS_KEPT of each kind). A record is where an operation's state machines
// live: its own and each core's (state/rollout-lifecycle.ts, state/shutdown-lifecycle.ts), in upstream's state names;
// the status is their state.
import { StateMachine, type BugReporter } from '../state/machine.js';
import type {
  CoreRolloutState,
  CoreRolloutStatus,
  CoreShutdownState,
  RolloutAction,
  RolloutState,
  RolloutStatus,
  ShutdownInitiator,
  ShutdownState,
  ShutdownStatus,
} from '../state/operations.js';
import { CORE_ROLLOUT_LIFECYCLE, isRolloutFinished, ROLLOUT_LIFECYCLE, type CoreRolloutEvent, type RolloutEvent } from '../state/rollout-lifecycle.js';
import { CORE_SHUTDOWN_LIFECYCLE, isShutdownFinished, SHUTDOWN_LIFECYCLE, type CoreShutdownEvent, type ShutdownEvent } from '../state/shutdown-lifecycle.js';
import { isoNow } from '../util/time.js';

export const RECORDS_KEPT = 32;

export class RolloutRecord {
  readonly status: RolloutStatus;
  private readonly machine: StateMachine<RolloutState, RolloutEvent>;
  private readonly coreMachines = new Map<number, StateMachine<CoreRolloutState, CoreRolloutEvent>>();

  constructor(
    id: string,
    group: string,
    pipeline: string,
    action: RolloutAction,
    targetGeneration: number,
    previousGeneration: number | undefined,
    private readonly reportBug: BugReporter,
  ) {
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
    this.machine = new StateMachine('rollout', id, ROLLOUT_LIFECYCLE, 'pending', reportBug);
  }

  get finished(): boolean {
    return isRolloutFinished(this.status.state);
  }

  /** Moves the rollout as its table allows; false (reported as a bug) when it does not. */
  move(event: RolloutEvent, failureReason?: string): boolean {
    if (this.machine.apply(event).kind === 'refused') return false;
    this.status.state = this.machine.state;
    if (failureReason !== undefined) this.status.failureReason = failureReason;
    this.status.updatedAt = isoNow();
    return true;
  }

  /** A core the plan touches, `pending` until the executor reaches it. */
  addCore(coreId: number, previousGeneration?: number): void {
    if (this.coreMachines.has(coreId)) return;
    const subject = `${this.status.rolloutId} core ${coreId}`;
    this.coreMachines.set(coreId, new StateMachine('rollout core', subject, CORE_ROLLOUT_LIFECYCLE, 'pending', this.reportBug));
    const core: CoreRolloutStatus = { coreId, targetGeneration: this.status.targetGeneration, state: 'pending', updatedAt: isoNow() };
    if (previousGeneration !== undefined) core.previousGeneration = previousGeneration;
    this.status.cores.push(core);
    this.status.cores.sort((a, b) => a.coreId - b.coreId);
  }

  /** Moves one core as its table allows; `detail` replaces what the core said before (a drain that did not end cleanly). */
  moveCore(coreId: number, event: CoreRolloutEvent, detail?: string): boolean {
    const machine = this.coreMachines.get(coreId);
    const core = this.status.cores.find((c) => c.coreId === coreId);
    if (!machine || !core) {
      this.reportBug({ machine: 'rollout core', subject: `${this.status.rolloutId} core ${coreId}`, from: 'absent', event });
      return false;
    }
    if (machine.apply(event).kind === 'refused') return false;
    const now = isoNow();
    core.state = machine.state;
    core.updatedAt = now;
    if (detail !== undefined) core.detail = detail;
    else delete core.detail;
    this.status.updatedAt = now;
    return true;
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
  private readonly machine: StateMachine<ShutdownState, ShutdownEvent>;
  private readonly coreMachines = new Map<number, StateMachine<CoreShutdownState, CoreShutdownEvent>>();

  constructor(
    id: string,
    group: string,
    pipeline: string,
    private readonly reportBug: BugReporter,
    initiator?: ShutdownInitiator,
  ) {
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
    this.machine = new StateMachine('shutdown', id, SHUTDOWN_LIFECYCLE, 'pending', reportBug);
  }

  get finished(): boolean {
    return isShutdownFinished(this.status.state);
  }

  move(event: ShutdownEvent, failureReason?: string): boolean {
    if (this.machine.apply(event).kind === 'refused') return false;
    this.status.state = this.machine.state;
    if (failureReason !== undefined) this.status.failureReason = failureReason;
    this.status.updatedAt = isoNow();
    return true;
  }

  /** A core whose instance of `deploymentGeneration` is asked to drain. */
  addCore(coreId: number, deploymentGeneration: number): void {
    if (this.coreMachines.has(coreId)) return;
    const subject = `${this.status.shutdownId} core ${coreId}`;
    const machine = new StateMachine<CoreShutdownState, CoreShutdownEvent>('shutdown core', subject, CORE_SHUTDOWN_LIFECYCLE, 'pending', this.reportBug);
    machine.apply('request');
    this.coreMachines.set(coreId, machine);
    this.status.cores.push({ coreId, deploymentGeneration, state: machine.state, updatedAt: isoNow() });
    this.status.cores.sort((a, b) => a.coreId - b.coreId);
    this.status.updatedAt = isoNow();
  }

  /** Moves one core as its table allows; `detail` says how its drain ended (`drained`, or why it failed). */
  moveCore(coreId: number, event: CoreShutdownEvent, detail?: string): boolean {
    const machine = this.coreMachines.get(coreId);
    const core = this.status.cores.find((c) => c.coreId === coreId);
    if (!machine || !core) {
      this.reportBug({ machine: 'shutdown core', subject: `${this.status.shutdownId} core ${coreId}`, from: 'absent', event });
      return false;
    }
    if (machine.apply(event).kind === 'refused') return false;
    core.state = machine.state;
    core.updatedAt = isoNow();
    if (detail !== undefined) core.detail = detail;
    else delete core.detail;
    this.status.updatedAt = core.updatedAt;
    return true;
  }

  /**
   * Ends the shutdown from how each core's drain ended. A drain cut short at its deadline (the instance was killed) or
   * one that ended in an error fails the shutdown, as upstream's does: data the instance held may be lost. A core the
   * shutdown did not ask to drain (nothing served there) is left out.
   */
  finish(results: readonly CoreDrainOutcome[], drainTimeoutSecs: number): void {
    const forced: number[] = [];
    const failed: number[] = [];
    for (const { coreId, state } of results) {
      if (!this.coreMachines.has(coreId)) continue;
      if (state === 'drained') this.moveCore(coreId, 'drain_ended', 'drained');
      else if (state === 'forced') {
        forced.push(coreId);
        this.moveCore(coreId, 'drain_forced', `did not drain within ${drainTimeoutSecs}s and was killed`);
      } else {
        failed.push(coreId);
        this.moveCore(coreId, 'drain_failed', 'exited with an error while draining');
      }
    }
    const reasons = [
      ...(forced.length > 0 ? [`${coresLabel(forced)} did not drain within ${drainTimeoutSecs}s and ${forced.length === 1 ? 'was' : 'were'} killed`] : []),
      ...(failed.length > 0 ? [`${coresLabel(failed)} exited with an error while draining`] : []),
    ];
    if (reasons.length > 0) this.move('fail', reasons.join('; '));
    else this.move('succeed');
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

  /** Every kept record, of every pipeline. */
  all(): T[] {
    return [...this.byPipeline.values()].flatMap((list) => list.map((entry) => entry.record));
  }

  get(pipelineKey: string, id: string): T | undefined {
    return this.byPipeline.get(pipelineKey)?.find((entry) => entry.id === id)?.record;
  }
}
