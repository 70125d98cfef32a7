// The live state of one pipeline: per core, the instance that serves and, during an operation, the instance coming in
// and those draining out; the listeners its receivers need; runtime recovery of serving instances. Operations
// (rollout.ts, the runtime manager) compose its steps: launch, serve, retire. What it reports is derived from the
// instances' phases, never kept as separate flags.
import type { Logger } from 'pino';
import type { EffectivePipeline } from '../config/effective.js';
import type { InstanceSpec } from '../ipc/messages.js';
import type { InstanceTelemetry } from '../ipc/telemetry.js';
import type { ListenerSpec } from '../pipeline/node.js';
import { ConditionTracker } from '../state/conditions.js';
import type { RolloutStatus } from '../state/operations.js';
import type { CoreEvent, DeploymentError, DeploymentStatus, DesiredStatus, PipelineStatus } from '../state/status-types.js';
import type { LogFormat } from '../util/logger.js';
import { isoNow, monotonicMs, sleep } from '../util/time.js';
import { InstanceProcess, RECENT_EVENTS, type ExitInfo } from './instance-process.js';
import type { ListenerTable } from './listener-table.js';
import type { ProcessStats } from './process-stats.js';
import type { CounterLedger } from './counter-ledger.js';
import type { CoreSlot } from './core-slot.js';
import { RestartWindow } from './restart-window.js';
import { observeConditions, projectPipelineStatus } from './status-projection.js';

export interface RunnerDeps {
  listeners: ListenerTable;
  stats: ProcessStats;
  /** Keeps every instance's node counters, and the pipeline totals of those that exited. */
  ledger: CounterLedger;
  logger: Logger;
  instanceOptions: { heartbeatIntervalMs: number; logLevel: string; logFormat: LogFormat; telemetry?: InstanceTelemetry };
  /** Takes the log lines instances send for the observability pipeline. */
  instanceLogs?: (lines: string[], dropped: number) => void;
  /** How long a new instance must stay up after `ready` before it counts as healthy. */
  stabilisationMs: number;
}


export interface CoreDrainResult {
  coreId: number;
  deploymentGeneration: number;
  state: 'drained' | 'forced' | 'failed';
}

export type RunnerOperation = 'rollout' | 'shutdown' | null;

export class PipelineRunner {
  readonly key: string;
  desired: DesiredStatus = 'running';
  /** Set by the runtime manager while an operation runs; shown as `updating` / `shutting_down`. */
  operation: RunnerOperation = null;
  latestRollout: RolloutStatus | null = null;
  readonly slots = new Map<number, CoreSlot>();
  readonly conditions = new ConditionTracker();
  private deployment: { status: DeploymentStatus; since: string; error: DeploymentError | null } = {
    status: 'provisioning',
    since: isoNow(),
    error: null,
  };
  private everRunning = false;

  constructor(
    public config: EffectivePipeline,
    public generation: number,
    private readonly deps: RunnerDeps,
  ) {
    this.key = `${config.group}:${config.pipeline}`;
  }

  get logger(): Logger {
    return this.deps.logger;
  }

  /** Boot path: binds the listeners and starts every core with runtime recovery from the first attempt. */
  async start(): Promise<void> {
    this.desired = 'running';
    try {
      await this.bindListeners(this.config);
    } catch (error) {
      this.fail('ListenerBindFailed', `cannot listen: ${(error as Error).message}`);
      throw error;
    }
    await Promise.all(this.config.cores.map((core) => this.startServing(this.slot(core), this.instanceSpec(core, this.config, this.generation))));
  }

  async bindListeners(config: EffectivePipeline): Promise<void> {
    const bound: ListenerSpec[] = [];
    try {
      for (const spec of listenerSpecs(config)) {
        await this.deps.listeners.bind(this.key, spec);
        bound.push(spec);
      }
    } catch (error) {
      this.releaseListeners();
      throw error;
    }
  }

  /** Closes listeners that no live instance of this pipeline has in its config any more. */
  releaseListeners(): void {
    const inUse = this.liveInstances().flatMap((instance) => instance.spec.listeners);
    this.deps.listeners.close(this.key, [...inUse, ...(this.desired === 'running' ? listenerSpecs(this.config) : [])]);
  }

  /**
   * Starts an instance of `config`/`generation` on `core` beside whatever serves there, and resolves once it is ready
   * and still alive after the stabilisation window. On failure it is killed and the error names the reason.
   */
  async launch(core: number, config: EffectivePipeline, generation: number, stepTimeoutMs: number): Promise<InstanceProcess> {
    // An engine shutdown may overtake a rollout: nothing new starts on a pipeline that is going away.
    if (this.desired !== 'running') throw new Error('the pipeline is stopping');
    const slot = this.slot(core);
    const instance = new InstanceProcess(this.instanceSpec(core, config, generation), this.deps.logger, slot.events, this.deps.instanceLogs);
    this.deps.ledger.watch(instance);
    slot.incoming = instance;
    instance.on('phase', () => this.refresh());
    // Until it serves, an exit only takes it out of the slot (serve() re-wires it for recovery).
    instance.on('exit', () => this.onOtherExit(slot, instance));
    try {
      await instance.start(stepTimeoutMs);
      if (instance.pid !== null) this.deps.stats.track(instance.pid);
      // The health gate's last part: still alive after a short window. An exit ends the wait at once.
      const exit = await Promise.race([sleep(this.deps.stabilisationMs).then(() => null), instance.whenExited()]);
      if (exit || instance.phase !== 'running') {
        throw new Error(instance.failureReason(`exited with code ${exit?.code ?? '-'} signal ${exit?.signal ?? '-'} within ${this.deps.stabilisationMs} ms of becoming ready`));
      }
      return instance;
    } catch (error) {
      instance.kill();
      await instance.whenExited();
      if (slot.incoming === instance) slot.incoming = null;
      this.dropEmptySlot(core);
      throw error;
    }
  }

  /** Cutover on `core`: `instance` takes new connections from now on. Returns the instance it replaced, if any. */
  serve(core: number, instance: InstanceProcess): InstanceProcess | null {
    const slot = this.slot(core);
    const previous = slot.current;
    if (slot.incoming === instance) slot.incoming = null;
    // A restart that recovery scheduled for the instance being replaced must not start it again over this one.
    if (slot.restartTimer) clearTimeout(slot.restartTimer);
    slot.restartTimer = null;
    slot.current = instance;
    slot.gaveUp = null;
    instance.removeAllListeners('exit');
    instance.on('exit', (info) => this.onServingExit(slot, instance, info));
    if (previous) this.toDraining(slot, previous);
    this.refresh();
    return previous;
  }

  /**
   * An instance that no longer serves leaves its slot when it exits. Its exit promise, not its 'exit' event: the
   * instance may have died already (killed while recovery was waiting to restart it), and the event will not come again.
   */
  private toDraining(slot: CoreSlot, instance: InstanceProcess): void {
    instance.removeAllListeners('exit');
    slot.draining.add(instance);
    void instance.whenExited().then(() => this.onOtherExit(slot, instance));
  }

  /** Drains an instance that no longer serves, until `deadlineMs` (epoch ms). */
  async retire(instance: InstanceProcess, deadlineMs: number): Promise<ExitInfo> {
    const exit = await instance.drain(deadlineMs);
    if (exit.forced || exit.code !== 0) {
      this.deps.logger.warn({ instance: instance.key, code: exit.code, signal: exit.signal, forced: exit.forced }, 'instance did not drain cleanly');
    }
    return exit;
  }

  /** Takes `core` out of service (resize down, replace onto fewer cores). Returns the instance to retire. */
  release(core: number): InstanceProcess | null {
    const slot = this.slots.get(core);
    if (!slot) return null;
    if (slot.restartTimer) clearTimeout(slot.restartTimer);
    const current = slot.current;
    slot.current = null;
    if (current) this.toDraining(slot, current);
    this.refresh();
    return current;
  }

  commit(config: EffectivePipeline, generation: number): void {
    this.config = config;
    this.generation = generation;
    this.refresh();
  }

  /** Stops accepting, drains every instance until `deadlineMs` (epoch ms), and reports each core. */
  async drain(deadlineMs: number): Promise<CoreDrainResult[]> {
    this.desired = 'stopped';
    for (const slot of this.slots.values()) {
      if (slot.restartTimer) clearTimeout(slot.restartTimer);
      slot.restartTimer = null;
    }
    // Receivers first: no new connection reaches this pipeline while its instances drain.
    this.deps.listeners.close(this.key);
    this.refresh();
    const results = await Promise.all(
      [...this.slots.values()].map(async (slot): Promise<CoreDrainResult> => {
        const instance = this.release(slot.core);
        if (!instance) return { coreId: slot.core, deploymentGeneration: this.generation, state: 'drained' };
        const exit = await this.retire(instance, deadlineMs);
        const state = exit.forced ? 'forced' : exit.code === 0 ? 'drained' : 'failed';
        return { coreId: slot.core, deploymentGeneration: instance.generation, state };
      }),
    );
    await Promise.all(this.liveInstances().map((instance) => instance.drain(deadlineMs)));
    this.refresh();
    return results;
  }

  /** Every instance of this pipeline with a process, whatever its role. */
  liveInstances(): InstanceProcess[] {
    return [...this.slots.values()].flatMap((slot) =>
      [slot.current, slot.incoming, ...slot.draining].filter((i): i is InstanceProcess => i !== null && i.pid !== null && i.phase !== 'stopped' && i.phase !== 'failed'),
    );
  }

  killAll(): void {
    for (const instance of this.liveInstances()) instance.kill();
  }

  status(): PipelineStatus {
    return projectPipelineStatus(this, this.deps.stats, this.deployment, this.deps.listeners.boundAddresses(this.key));
  }

  refresh(): void {
    const serving = [...this.slots.values()]
      .map((slot) => slot.current)
      .filter((instance): instance is InstanceProcess => instance?.phase === 'running');
    if (this.desired === 'running') this.deps.listeners.setServing(this.key, serving);
    if (serving.length > 0) this.everRunning = true;
    this.setDeployment(this.deploymentNow());
    // Conditions are observed at every change, so that their lastTransitionTime is when it happened, not when read.
    observeConditions(this);
  }

  private deploymentNow(): DeploymentStatus {
    if (this.operation === 'shutdown') return 'shutting_down';
    if (this.desired === 'stopped') return this.liveInstances().length > 0 ? 'shutting_down' : 'stopped';
    if (this.operation === 'rollout') return this.everRunning ? 'updating' : 'provisioning';
    const slots = [...this.slots.values()];
    if (slots.some((slot) => slot.gaveUp !== null)) return 'failed';
    if (slots.length > 0 && slots.every((slot) => slot.current?.phase === 'running')) return 'running';
    return this.everRunning ? 'degraded' : 'provisioning';
  }

  private slot(core: number): CoreSlot {
    let slot = this.slots.get(core);
    if (!slot) {
      slot = {
        core,
        current: null,
        incoming: null,
        draining: new Set(),
        window: new RestartWindow(this.config.policies.runtimeRecovery),
        restarts: 0,
        events: [],
        restartTimer: null,
        gaveUp: null,
        conditions: new ConditionTracker(),
      };
      this.slots.set(core, slot);
    }
    return slot;
  }

  /** A core with nothing on it and no place in the config goes away (after resize down, or a failed launch). */
  dropEmptySlot(core: number): void {
    const slot = this.slots.get(core);
    if (slot && !slot.current && !slot.incoming && slot.draining.size === 0 && !this.config.cores.includes(core)) this.slots.delete(core);
  }

  private async startServing(slot: CoreSlot, spec: InstanceSpec): Promise<void> {
    slot.restartTimer = null;
    if (this.desired !== 'running') return;
    const instance = new InstanceProcess(spec, this.deps.logger, slot.events, this.deps.instanceLogs);
    this.deps.ledger.watch(instance);
    slot.current = instance;
    instance.on('phase', () => this.refresh());
    instance.on('exit', (info) => this.onServingExit(slot, instance, info));
    try {
      await instance.start(this.config.policies.runtimeRecovery.startupTimeoutMs);
      if (instance.pid !== null) this.deps.stats.track(instance.pid);
    } catch (error) {
      // The exit that follows drives recovery; here it is only told.
      this.deps.logger.warn({ instance: instance.key, reason: (error as Error).message }, 'instance did not become ready');
    }
  }

  private onOtherExit(slot: CoreSlot, instance: InstanceProcess): void {
    if (instance.pid !== null) this.deps.stats.untrack(instance.pid);
    slot.draining.delete(instance);
    this.dropEmptySlot(slot.core);
    this.refresh();
  }

  private onServingExit(slot: CoreSlot, instance: InstanceProcess, info: ExitInfo): void {
    if (instance.pid !== null) this.deps.stats.untrack(instance.pid);
    this.refresh();
    if (instance !== slot.current || info.intended || this.desired !== 'running') return;
    const reason = instance.failureReason(`exited with code ${info.code ?? '-'} signal ${info.signal ?? '-'}`);
    const decision = slot.window.onCrash(monotonicMs());
    if (decision.kind === 'restart') {
      slot.restarts += 1;
      this.recordCore(slot, instance.generation, 'restart_scheduled', `attempt ${decision.attempt} in ${decision.delayMs} ms after: ${reason}`);
      this.deps.logger.warn({ core: slot.core, generation: instance.generation, delayMs: decision.delayMs, reason }, 'instance crashed: restarting');
      // Same config and generation: recovery repairs what runs, it does not deploy anything new.
      slot.restartTimer = setTimeout(() => void this.startServing(slot, instance.spec), decision.delayMs);
    } else {
      slot.gaveUp = decision.kind === 'give_up' ? decision.reason : 'runtime recovery is disabled';
      this.recordCore(slot, instance.generation, 'gave_up', slot.gaveUp);
      this.fail('RestartLimitExceeded', `core ${slot.core}: ${slot.gaveUp}; last failure: ${reason}`, { coreId: slot.core });
    }
    this.refresh();
  }

  private setDeployment(status: DeploymentStatus): void {
    if (this.deployment.status === status) return;
    const error = status === 'failed' ? this.deployment.error : null;
    this.deployment = { status, since: isoNow(), error };
  }

  private fail(errorCode: string, message: string, details: Record<string, unknown> = {}): void {
    this.deployment = { status: 'failed', since: isoNow(), error: { error_code: errorCode, message, details } };
    this.deps.logger.error({ errorCode, ...details }, message);
  }

  private recordCore(slot: CoreSlot, generation: number, event: string, message: string): void {
    slot.events.push({ time: isoNow(), generation, event, message });
    if (slot.events.length > RECENT_EVENTS) slot.events.shift();
  }

  private instanceSpec(core: number, config: EffectivePipeline, generation: number): InstanceSpec {
    return {
      group: config.group,
      pipeline: config.pipeline,
      core,
      generation,
      config,
      listeners: listenerSpecs(config),
      ...this.deps.instanceOptions,
    };
  }
}

/** Computed at validation from the receivers' descriptors: the supervisor needs no node catalog. */
export function listenerSpecs(config: EffectivePipeline): ListenerSpec[] {
  return config.listeners;
}
