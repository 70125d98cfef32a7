// Runs one pipeline: an instance per core of one deployment generation, the listeners its receivers need, and runtime
// recovery per core. Everything it reports is derived from the instances' phases, never kept as separate flags.
import type { Logger } from 'pino';
import type { EffectivePipeline } from '../config/effective.js';
import type { InstanceSpec } from '../ipc/messages.js';
import { lookupNode } from '../nodes/catalog.js';
import type { ListenerSpec } from '../pipeline/node.js';
import { ConditionTracker } from '../state/conditions.js';
import type { CoreEvent, DeploymentError, DeploymentStatus, DesiredStatus, PipelineStatus } from '../state/status-types.js';
import type { LogFormat } from '../util/logger.js';
import { isoNow, monotonicMs } from '../util/time.js';
import { InstanceProcess, RECENT_EVENTS, type ExitInfo } from './instance-process.js';
import type { ListenerTable } from './listener-table.js';
import type { ProcessStats } from './process-stats.js';
import { RestartWindow } from './restart-window.js';
import { projectPipelineStatus } from './status-projection.js';

export interface RunnerDeps {
  listeners: ListenerTable;
  stats: ProcessStats;
  logger: Logger;
  instanceOptions: { heartbeatIntervalMs: number; logLevel: string; logFormat: LogFormat };
}

export interface CoreSlot {
  core: number;
  current: InstanceProcess | null;
  window: RestartWindow;
  restarts: number;
  events: CoreEvent[];
  restartTimer: NodeJS.Timeout | null;
  gaveUp: string | null;
  conditions: ConditionTracker;
}

export interface CoreDrainResult {
  coreId: number;
  deploymentGeneration: number;
  state: 'drained' | 'forced' | 'failed';
}

export class PipelineRunner {
  readonly key: string;
  desired: DesiredStatus = 'running';
  private deployment: { status: DeploymentStatus; since: string; error: DeploymentError | null } = {
    status: 'provisioning',
    since: isoNow(),
    error: null,
  };
  readonly slots = new Map<number, CoreSlot>();
  readonly conditions = new ConditionTracker();
  private stopping = false;
  private everRunning = false;

  constructor(
    readonly config: EffectivePipeline,
    readonly generation: number,
    private readonly deps: RunnerDeps,
  ) {
    this.key = `${config.group}:${config.pipeline}`;
    for (const core of config.cores) {
      this.slots.set(core, {
        core,
        current: null,
        window: new RestartWindow(config.policies.runtimeRecovery),
        restarts: 0,
        events: [],
        restartTimer: null,
        gaveUp: null,
        conditions: new ConditionTracker(),
      });
    }
  }

  listenerSpecs(): ListenerSpec[] {
    return this.config.nodes.flatMap((node) => lookupNode(node.urn)?.listeners?.(node.name, node.config) ?? []);
  }

  /** Binds the listeners and starts every core; resolves when each core is ready or has failed its first start. */
  async start(): Promise<void> {
    try {
      for (const spec of this.listenerSpecs()) await this.deps.listeners.bind(this.key, spec);
    } catch (error) {
      this.deps.listeners.close(this.key);
      this.fail('ListenerBindFailed', `cannot listen: ${(error as Error).message}`);
      throw error;
    }
    await Promise.all([...this.slots.values()].map((slot) => this.startCore(slot)));
  }

  /** Stops accepting, drains every instance until `deadlineMs` (epoch ms), and reports each core. Idempotent. */
  async drain(deadlineMs: number): Promise<CoreDrainResult[]> {
    this.stopping = true;
    this.desired = 'stopped';
    for (const slot of this.slots.values()) {
      if (slot.restartTimer) clearTimeout(slot.restartTimer);
      slot.restartTimer = null;
    }
    this.refreshDeployment();
    // Receivers first: no new connection reaches this pipeline while its instances drain.
    this.deps.listeners.close(this.key);
    const results = await Promise.all(
      [...this.slots.values()].map(async (slot): Promise<CoreDrainResult> => {
        const instance = slot.current;
        if (!instance) return { coreId: slot.core, deploymentGeneration: this.generation, state: 'drained' };
        const exit = await instance.drain(deadlineMs);
        const state = exit.forced ? 'forced' : exit.code === 0 ? 'drained' : 'failed';
        if (state !== 'drained') {
          this.deps.logger.warn({ core: slot.core, generation: instance.generation, state, code: exit.code, signal: exit.signal }, 'instance did not drain cleanly');
        }
        return { coreId: slot.core, deploymentGeneration: instance.generation, state };
      }),
    );
    this.setDeployment('stopped');
    return results;
  }

  status(): PipelineStatus {
    return projectPipelineStatus(this, this.deps.stats, this.deployment, this.deps.listeners.boundAddresses(this.key));
  }

  private async startCore(slot: CoreSlot): Promise<void> {
    slot.restartTimer = null;
    if (this.stopping) return;
    const instance = new InstanceProcess(this.instanceSpec(slot.core), this.deps.logger, slot.events);
    slot.current = instance;
    instance.on('phase', () => this.onPhaseChange());
    instance.on('exit', (info) => this.onExit(slot, instance, info));
    try {
      await instance.start(this.config.policies.runtimeRecovery.startupTimeoutMs);
      if (instance.pid !== null) this.deps.stats.track(instance.pid);
    } catch (error) {
      // The exit that follows drives recovery; here it is only told.
      this.deps.logger.warn({ instance: instance.key, reason: (error as Error).message }, 'instance did not become ready');
    }
  }

  private onPhaseChange(): void {
    const serving = [...this.slots.values()]
      .map((slot) => slot.current)
      .filter((instance): instance is InstanceProcess => instance?.phase === 'running');
    if (!this.stopping) this.deps.listeners.setServing(this.key, serving);
    if (serving.length > 0) this.everRunning = true;
    this.refreshDeployment();
  }

  private onExit(slot: CoreSlot, instance: InstanceProcess, info: ExitInfo): void {
    if (instance.pid !== null) this.deps.stats.untrack(instance.pid);
    this.onPhaseChange();
    if (instance !== slot.current || info.intended || this.stopping) return;
    const reason = instance.lastError?.message ?? `exited with code ${info.code ?? '-'} signal ${info.signal ?? '-'}`;
    const decision = slot.window.onCrash(monotonicMs());
    if (decision.kind === 'restart') {
      slot.restarts += 1;
      this.recordCore(slot, 'restart_scheduled', `attempt ${decision.attempt} in ${decision.delayMs} ms after: ${reason}`);
      this.deps.logger.warn({ core: slot.core, delayMs: decision.delayMs, reason }, 'instance crashed: restarting');
      slot.restartTimer = setTimeout(() => void this.startCore(slot), decision.delayMs);
    } else {
      slot.gaveUp = decision.kind === 'give_up' ? decision.reason : 'runtime recovery is disabled';
      this.recordCore(slot, 'gave_up', slot.gaveUp);
      this.fail('RestartLimitExceeded', `core ${slot.core}: ${slot.gaveUp}; last failure: ${reason}`, { coreId: slot.core });
    }
    this.refreshDeployment();
  }

  private refreshDeployment(): void {
    if (this.stopping) return this.setDeployment('shutting_down');
    const slots = [...this.slots.values()];
    if (slots.some((slot) => slot.gaveUp !== null)) return this.setDeployment('failed');
    if (slots.every((slot) => slot.current?.phase === 'running')) return this.setDeployment('running');
    this.setDeployment(this.everRunning ? 'degraded' : 'provisioning');
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

  private recordCore(slot: CoreSlot, event: string, message: string): void {
    slot.events.push({ time: isoNow(), generation: this.generation, event, message });
    if (slot.events.length > RECENT_EVENTS) slot.events.shift();
  }

  private instanceSpec(core: number): InstanceSpec {
    return {
      group: this.config.group,
      pipeline: this.config.pipeline,
      core,
      generation: this.generation,
      config: this.config,
      listeners: this.listenerSpecs(),
      ...this.deps.instanceOptions,
    };
  }
}
