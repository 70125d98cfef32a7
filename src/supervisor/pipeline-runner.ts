// The live state of one pipeline: its cores (core-slot.ts), the listeners its receivers need, and its lifecycle
// (state/pipeline-lifecycle.ts), of which the runner is the one writer. Operations (rollout.ts, shutdown.ts, the runtime
// manager) compose its steps: launch, cut over, release, retire, drain; they change it only through these methods.
// After every change of an instance or a core the runner tells its lifecycle what the cores show; the table decides
// what that means, and the status projection reads the result.
import type { Logger } from 'pino';
import type { EffectivePipeline } from '../config/effective.js';
import type { ListenerSpec } from '../pipeline/node.js';
import { ConditionTracker } from '../state/conditions.js';
import { logIllegalMoves, type BugReporter } from '../state/machine.js';
import type { RolloutAction, RolloutStatus } from '../state/operations.js';
import { observe, PipelineLifecycle, type PipelineState } from '../state/pipeline-lifecycle.js';
import type { DeploymentError, DeploymentStatus, DesiredStatus, PipelineStatus } from '../state/status-types.js';
import { monotonicMs } from '../util/time.js';
import { CoreSlot, type CoreView } from './core-slot.js';
import type { CounterLedger } from './counter-ledger.js';
import type { InstanceLauncher } from './instance-launcher.js';
import type { ExitInfo, InstanceProcess } from './instance-process.js';
import type { ListenerTable } from './listener-table.js';
import { bindPipelineListeners, listenerSpecs } from './pipeline-listeners.js';
import type { ProcessStats } from './process-stats.js';
import { observeConditions, projectPipelineStatus } from './status-projection.js';

export interface RunnerDeps {
  listeners: ListenerTable;
  stats: ProcessStats;
  /** Keeps every instance's node counters, and the pipeline totals of those that exited. */
  ledger: CounterLedger;
  logger: Logger;
  launcher: InstanceLauncher;
  /** How long a new instance must stay up after `ready` before it counts as healthy. */
  stabilisationMs: number;
}

export interface CoreDrainResult {
  coreId: number;
  deploymentGeneration: number;
  state: 'drained' | 'forced' | 'failed';
}

export class PipelineRunner {
  readonly key: string;
  /** The pipeline's conditions, observed at every change so that a transition time is when it happened. */
  readonly conditions = new ConditionTracker();
  private readonly lifecycle: PipelineLifecycle;
  private readonly slots = new Map<number, CoreSlot>();
  private latest: RolloutStatus | null = null;
  private readonly reportBug: BugReporter;

  /** `initial`: `provisioning` for a pipeline that start() boots, `stopped` for one a create rollout will start. */
  constructor(
    private committedConfig: EffectivePipeline,
    private committedGeneration: number,
    private readonly deps: RunnerDeps,
    initial: Extract<PipelineState, 'provisioning' | 'stopped'> = 'provisioning',
  ) {
    this.key = `${committedConfig.group}:${committedConfig.pipeline}`;
    this.reportBug = logIllegalMoves(deps.logger);
    this.lifecycle = new PipelineLifecycle(this.key, this.reportBug, initial);
  }

  get logger(): Logger {
    return this.deps.logger;
  }

  /** The config the pipeline's serving generation runs (a rollout commits its candidate when it succeeded). */
  get config(): EffectivePipeline {
    return this.committedConfig;
  }

  get generation(): number {
    return this.committedGeneration;
  }

  get state(): PipelineState {
    return this.lifecycle.state;
  }

  get desired(): DesiredStatus {
    return this.lifecycle.desired;
  }

  get deployment(): { status: DeploymentStatus; since: string; error: DeploymentError | null } {
    return this.lifecycle.deployment;
  }

  /** The latest rollout of this pipeline, shown in its status. */
  get latestRollout(): RolloutStatus | null {
    return this.latest;
  }

  /** The pipeline's cores, read-only, in the order they were first used. */
  cores(): CoreView[] {
    return [...this.slots.values()];
  }

  /** Boot path: binds the listeners and starts every core with runtime recovery from the first attempt. */
  async start(): Promise<void> {
    try {
      await this.bindListeners(this.config);
    } catch (error) {
      const message = `cannot listen: ${(error as Error).message}`;
      this.lifecycle.apply('listeners_failed', { error_code: 'ListenerBindFailed', message, details: {} });
      this.deps.logger.error({ errorCode: 'ListenerBindFailed' }, message);
      throw error;
    }
    await Promise.all(this.config.cores.map((core) => this.startServing(this.slot(core), this.config, this.generation)));
  }

  bindListeners(config: EffectivePipeline): Promise<void> {
    return bindPipelineListeners(this.deps.listeners, this.key, config, () => this.listenersInUse());
  }

  /** Closes listeners that no live instance of this pipeline has in its config any more. */
  releaseListeners(): void {
    this.deps.listeners.close(this.key, this.listenersInUse());
  }

  private listenersInUse(): ListenerSpec[] {
    const inUse = this.liveInstances().flatMap((instance) => instance.spec.listeners);
    return [...inUse, ...(this.desired === 'running' ? listenerSpecs(this.config) : [])];
  }

  /** A rollout of `action` begins; `status` is what the pipeline's status shows of it. */
  rolloutStarted(action: RolloutAction, status: RolloutStatus): void {
    this.latest = status;
    this.lifecycle.apply(action === 'create' ? 'create_started' : 'update_started');
    this.refresh();
  }

  /** A rollout ended; a start that failed leaves the pipeline stopped, with no listener left open. */
  rolloutEnded(succeeded: boolean): void {
    this.lifecycle.apply(succeeded ? 'rollout_succeeded' : 'rollout_failed');
    if (this.desired === 'stopped') this.releaseListeners();
    this.refresh();
  }

  /** A rollout that had nothing to do: shown as the latest, nothing else changes. */
  noteRollout(status: RolloutStatus): void {
    this.latest = status;
  }

  /**
   * Starts an instance of `config`/`generation` on `core` beside whatever serves there, and resolves once it is ready
   * and still alive after the stabilisation window. On failure it is killed and the error names the reason.
   */
  async launch(core: number, config: EffectivePipeline, generation: number, stepTimeoutMs: number): Promise<InstanceProcess> {
    const instance = await this.startInstance(core, config, generation, stepTimeoutMs);
    await this.gate(instance);
    return instance;
  }

  /**
   * Starts an instance of `config`/`generation` on `core` beside whatever serves there, and resolves once it is ready
   * (the health gate's first part). On failure it is killed and the error names the reason.
   */
  async startInstance(core: number, config: EffectivePipeline, generation: number, stepTimeoutMs: number): Promise<InstanceProcess> {
    // An engine shutdown may overtake a rollout: nothing new starts on a pipeline that is going away.
    if (this.desired !== 'running') throw new Error('the pipeline is stopping');
    const slot = this.slot(core);
    const instance = this.createInstance(slot, config, generation);
    slot.admit(instance);
    // Until it serves, an exit only takes it out of the core (cutOver() wires it for recovery).
    instance.on('exit', () => this.onOtherExit(slot, instance));
    try {
      await instance.start(stepTimeoutMs);
      if (instance.pid !== null) this.deps.stats.track(instance.pid);
      return instance;
    } catch (error) {
      await this.discard(slot, instance);
      throw error;
    }
  }

  /** The health gate's last part: a started instance is still alive after the stabilisation window, or is killed. */
  async gate(instance: InstanceProcess): Promise<void> {
    try {
      await instance.stayUp(this.deps.stabilisationMs);
    } catch (error) {
      await this.discard(this.slot(instance.core), instance);
      throw error;
    }
  }

  private async discard(slot: CoreSlot, instance: InstanceProcess): Promise<void> {
    instance.kill();
    await instance.whenExited();
    slot.dismiss(instance);
    this.dropEmptySlots();
  }

  /**
   * The cutover on `core`: `instance` serves it from now on, and the listener table routes the core's new connections
   * to it. Returns the instance it replaced, if any, which no longer gets connections and is the caller's to retire.
   */
  cutOver(core: number, instance: InstanceProcess): InstanceProcess | null {
    const slot = this.slot(core);
    const previous = this.serveOn(slot, instance);
    if (previous) this.watchDraining(slot, previous);
    this.refresh();
    return previous;
  }

  /** Takes `core` out of service (resize down, replace onto fewer cores). Returns the instance to retire. */
  release(core: number): InstanceProcess | null {
    const slot = this.slots.get(core);
    if (!slot) return null;
    const previous = slot.release();
    this.deps.listeners.withdraw(this.key, core);
    if (previous) this.watchDraining(slot, previous);
    this.refresh();
    return previous;
  }

  /** Drains an instance that no longer serves, until `deadlineMs` (epoch ms). */
  async retire(instance: InstanceProcess, deadlineMs: number): Promise<ExitInfo> {
    const exit = await instance.drain(deadlineMs);
    if (exit.forced || exit.code !== 0) {
      this.deps.logger.warn({ instance: instance.key, code: exit.code, signal: exit.signal, forced: exit.forced }, 'instance did not drain cleanly');
    }
    return exit;
  }

  /** The rollout succeeded: its config and generation are what the pipeline runs. */
  commit(config: EffectivePipeline, generation: number): void {
    this.committedConfig = config;
    this.committedGeneration = generation;
    this.dropEmptySlots();
    this.refresh();
  }

  /** Stops accepting, drains every instance until `deadlineMs` (epoch ms), and reports each core. */
  async drain(deadlineMs: number): Promise<CoreDrainResult[]> {
    this.lifecycle.apply('shutdown_started');
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
    this.lifecycle.apply('drained');
    this.refresh();
    return results;
  }

  /** Every instance of this pipeline with a process, whatever its role. */
  liveInstances(): InstanceProcess[] {
    return [...this.slots.values()].flatMap((slot) => slot.members().filter((i) => i.pid !== null && i.phase !== 'stopped' && i.phase !== 'failed'));
  }

  /** An instance that serves now, if any (the engine's observability pipeline sends its telemetry there). */
  servingInstance(): InstanceProcess | undefined {
    for (const slot of this.slots.values()) if (slot.serving?.phase === 'running') return slot.serving;
    return undefined;
  }

  killAll(): void {
    for (const instance of this.liveInstances()) instance.kill();
  }

  status(): PipelineStatus {
    return projectPipelineStatus(this, this.deps.stats, this.deps.listeners.boundAddresses(this.key));
  }

  /** Cores with nothing on them and no place in the config go away (after resize down, or a failed launch). */
  dropEmptySlots(): void {
    for (const [core, slot] of this.slots) if (slot.isEmpty && !this.config.cores.includes(core)) this.slots.delete(core);
  }

  /** What the cores show now, told to the lifecycle; conditions are observed at every change too. */
  private refresh(): void {
    const seen = observe([...this.slots.values()].map((slot) => slot.observation()));
    this.lifecycle.apply(seen.event, seen.event === 'core_failed' ? seen.error : undefined);
    observeConditions(this);
  }

  private slot(core: number): CoreSlot {
    let slot = this.slots.get(core);
    if (!slot) {
      slot = new CoreSlot(core, this.config.policies.runtimeRecovery, this.key, this.reportBug);
      this.slots.set(core, slot);
    }
    return slot;
  }

  private createInstance(slot: CoreSlot, config: EffectivePipeline, generation: number): InstanceProcess {
    const instance = this.deps.launcher.create(slot.core, config, generation, this.deps.logger, slot.events);
    this.deps.ledger.watch(instance);
    instance.on('phase', (phase) => {
      // A routed instance that became ready takes the connections held for the pipeline meanwhile.
      if (phase === 'running') this.deps.listeners.resume(this.key);
      this.refresh();
    });
    return instance;
  }

  /** `instance` serves `slot` (the slot's move and the listener table's cutover), with recovery watching its exit. */
  private serveOn(slot: CoreSlot, instance: InstanceProcess): InstanceProcess | null {
    const previous = slot.serve(instance);
    this.deps.listeners.cutOver(this.key, slot.core, instance);
    instance.removeAllListeners('exit');
    instance.on('exit', (info) => this.onServingExit(slot, instance, info));
    return previous;
  }

  /**
   * An instance that no longer serves leaves its core when it exits. Its exit promise, not its 'exit' event: the
   * instance may have died already (killed while recovery was waiting to restart it), and the event will not come again.
   */
  private watchDraining(slot: CoreSlot, instance: InstanceProcess): void {
    instance.removeAllListeners('exit');
    void instance.whenExited().then(() => this.onOtherExit(slot, instance));
  }

  private async startServing(slot: CoreSlot, config: EffectivePipeline, generation: number): Promise<void> {
    if (this.desired !== 'running') return;
    const instance = this.createInstance(slot, config, generation);
    // What served before crashed (a restart) or never existed (the boot): nothing to retire.
    this.serveOn(slot, instance);
    this.refresh();
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
    slot.dismiss(instance);
    this.dropEmptySlots();
    this.refresh();
  }

  private onServingExit(slot: CoreSlot, instance: InstanceProcess, info: ExitInfo): void {
    if (instance.pid !== null) this.deps.stats.untrack(instance.pid);
    if (!info.intended && this.desired === 'running') this.recover(slot, instance, info);
    this.refresh();
  }

  private recover(slot: CoreSlot, instance: InstanceProcess, info: ExitInfo): void {
    const reason = instance.failureReason(`exited with code ${info.code ?? '-'} signal ${info.signal ?? '-'}`);
    const outcome = slot.recover(instance, reason, monotonicMs(), () => void this.startServing(slot, instance.spec.config, instance.generation));
    if (outcome.kind === 'restarting') {
      this.deps.logger.warn({ core: slot.core, generation: instance.generation, delayMs: outcome.delayMs, reason }, 'instance crashed: restarting');
    } else if (outcome.kind === 'gave_up') {
      const failure = slot.observation().failure;
      this.deps.logger.error({ errorCode: failure?.error_code, coreId: slot.core }, failure?.message ?? outcome.reason);
    }
  }
}
