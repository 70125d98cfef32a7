// One core of a pipeline, as the supervisor keeps it: the instance that serves it, one an operation is starting beside
// it, the old ones draining, and runtime recovery (restart window, backoff timer). What belongs to the core outlives
// every instance that serves it: its restarts, its recent events, its conditions. Its state (state/core-lifecycle.ts)
// changes only here; the pipeline runner moves it through the methods below.
import type { ResolvedPolicies } from '../config/effective.js';
import { ConditionTracker } from '../state/conditions.js';
import { CORE_LIFECYCLE, type CoreState, type CoreTrigger } from '../state/core-lifecycle.js';
import { StateMachine, type BugReporter } from '../state/machine.js';
import type { CoreObservation } from '../state/pipeline-lifecycle.js';
import { isTerminal } from '../state/phase.js';
import type { CoreEvent } from '../state/status-types.js';
import { isoNow } from '../util/time.js';
import { RECENT_EVENTS, type InstanceProcess } from './instance-process.js';
import { RestartWindow } from './restart-window.js';

/** What recovery did about a crash of the serving instance. */
export type RecoveryOutcome =
  | { kind: 'restarting'; attempt: number; delayMs: number }
  | { kind: 'gave_up'; reason: string }
  /** The crash was not the serving instance's (an old one, or the core changed meanwhile): nothing to recover. */
  | { kind: 'ignored' };

/** What the status projection and other readers see of a core: its state and instances, and no way to change them. */
export interface CoreView {
  readonly core: number;
  readonly state: CoreState;
  readonly serving: InstanceProcess | null;
  readonly restarts: number;
  readonly gaveUpReason: string | null;
  readonly events: readonly CoreEvent[];
  readonly conditions: ConditionTracker;
  members(): InstanceProcess[];
}

export class CoreSlot implements CoreView {
  /** The core's recent events; its instances write theirs here too, so the ring survives restarts. */
  readonly events: CoreEvent[] = [];
  readonly conditions = new ConditionTracker();
  private readonly machine: StateMachine<CoreState, CoreTrigger>;
  private readonly window: RestartWindow;
  private current: InstanceProcess | null = null;
  private incoming: InstanceProcess | null = null;
  private readonly draining = new Set<InstanceProcess>();
  private restartCount = 0;
  private restartTimer: NodeJS.Timeout | null = null;
  /** Why recovery gave up, and the failure that made it, while the core is `gave_up`. */
  private failure: { reason: string; lastFailure: string } | null = null;

  constructor(
    readonly core: number,
    policy: ResolvedPolicies['runtimeRecovery'],
    subject: string,
    reportBug: BugReporter,
  ) {
    this.window = new RestartWindow(policy);
    this.machine = new StateMachine('core', `${subject}/core-${core}`, CORE_LIFECYCLE, 'vacant', reportBug);
  }

  get state(): CoreState {
    return this.machine.state;
  }

  /** The instance that serves the core (or did, until it crashed and recovery replaces it). */
  get serving(): InstanceProcess | null {
    return this.current;
  }

  /** Restarts by recovery since the engine started. */
  get restarts(): number {
    return this.restartCount;
  }

  /** Why recovery gave up, while it has. */
  get gaveUpReason(): string | null {
    return this.state === 'gave_up' ? (this.failure?.reason ?? null) : null;
  }

  /** Every instance of the core, whatever its role: serving, coming in, draining out. */
  members(): InstanceProcess[] {
    return [this.current, this.incoming, ...this.draining].filter((i): i is InstanceProcess => i !== null);
  }

  /** Nothing serves, comes in or drains here. */
  get isEmpty(): boolean {
    return this.current === null && this.incoming === null && this.draining.size === 0;
  }

  /** What the core shows its pipeline's lifecycle. */
  observation(): CoreObservation {
    const failure = this.state === 'gave_up' ? this.failure : null;
    return {
      serving: this.current?.phase === 'running',
      failure:
        failure === null
          ? null
          : { error_code: 'RestartLimitExceeded', message: `core ${this.core}: ${failure.reason}; last failure: ${failure.lastFailure}`, details: { coreId: this.core } },
    };
  }

  /** An operation's new instance, started beside whatever serves the core. */
  admit(instance: InstanceProcess): void {
    this.incoming = instance;
  }

  /** An instance that will not serve (its launch failed) or no longer does (it drained) leaves the core. */
  dismiss(instance: InstanceProcess): void {
    if (this.incoming === instance) this.incoming = null;
    this.draining.delete(instance);
  }

  /**
   * `instance` serves the core from now on (a first start, a restart, a cutover); a pending restart is cancelled, a
   * recovery that gave up is over. Returns what served before, which starts draining if it still runs.
   */
  serve(instance: InstanceProcess): InstanceProcess | null {
    this.move('serve');
    const previous = this.current;
    if (this.incoming === instance) this.incoming = null;
    this.current = instance;
    this.failure = null;
    if (previous && previous !== instance && !isTerminal(previous.phase)) this.draining.add(previous);
    return previous === instance ? null : previous;
  }

  /** Takes the core out of service (resize down, shutdown): no restart follows. Returns what served it. */
  release(): InstanceProcess | null {
    this.move('release');
    const previous = this.current;
    this.current = null;
    if (previous && !isTerminal(previous.phase)) this.draining.add(previous);
    return previous;
  }

  /**
   * The serving instance exited unasked: the restart window decides. A restart of the same spec (recovery repairs what
   * runs, it deploys nothing new) is handed to `restart` after the backoff, unless the core changes meanwhile.
   */
  recover(instance: InstanceProcess, reason: string, nowMs: number, restart: () => void): RecoveryOutcome {
    if (instance !== this.current || this.state !== 'serving') return { kind: 'ignored' };
    const decision = this.window.onCrash(nowMs);
    if (decision.kind === 'restart') {
      this.move('restart_scheduled');
      this.restartCount += 1;
      this.record(instance.generation, 'restart_scheduled', `attempt ${decision.attempt} in ${decision.delayMs} ms after: ${reason}`);
      this.restartTimer = setTimeout(() => {
        this.restartTimer = null;
        if (this.state === 'backing_off') restart();
      }, decision.delayMs);
      return { kind: 'restarting', attempt: decision.attempt, delayMs: decision.delayMs };
    }
    this.move('give_up');
    this.failure = { reason: decision.kind === 'give_up' ? decision.reason : 'runtime recovery is disabled', lastFailure: reason };
    this.record(instance.generation, 'gave_up', this.failure.reason);
    return { kind: 'gave_up', reason: this.failure.reason };
  }

  private move(trigger: CoreTrigger): void {
    if (this.machine.apply(trigger).kind === 'refused') return;
    // Leaving `backing_off` in any way cancels the restart it was waiting for.
    if (this.state !== 'backing_off' && this.restartTimer) {
      clearTimeout(this.restartTimer);
      this.restartTimer = null;
    }
  }

  private record(generation: number, event: string, message: string): void {
    this.events.push({ time: isoNow(), generation, event, message });
    if (this.events.length > RECENT_EVENTS) this.events.shift();
  }
}
