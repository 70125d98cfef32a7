// The runtime manager: the committed config, a runner per pipeline, and the operations that change them. Every change
// is validated against a copy of the whole committed config before anything starts, planned from the effective
// configs, executed by the rollout executor under a per-pipeline lock, and committed only when it succeeded. The
// manager is the only writer of the committed config, and of the engine's lifecycle (state/engine-lifecycle.ts); it
// changes a pipeline's runner only through the runner's methods. Beside the committed config it keeps its source (the
// same config as the operator wrote it, `${env:…}` references unsubstituted) and the pipelines an operator shut down;
// with a state dir, every change to them is handed to the state file's writer (persist()), and the front ends wait for
// that write before they answer (persisted()).
import type { EffectivePipeline } from '../config/effective.js';
import { validateEngineConfig, type ValidationContext } from '../config/index.js';
import type { ComponentCatalog } from '../config/catalog.js';
import { substituteEnvInValue } from '../config/env-subst-value.js';
import type { EngineConfig, GroupSpec, PipelineSpec } from '../config/types.js';
import { diffPipelines } from '../state/config-diff.js';
import type { Busy, OperationEntry, PutPipelineOutcome, PutPipelineRequest, ShutdownOutcome, StartOutcome, WaitOptions } from '../state/commands.js';
import { ENGINE_LIFECYCLE, type EngineEvent, type EngineState } from '../state/engine-lifecycle.js';
import { logIllegalMoves, StateMachine, type BugReporter } from '../state/machine.js';
import type { PipelinePlan, RolloutStatus, ShutdownInitiator, ShutdownStatus } from '../state/operations.js';
import type { DeepReadonly } from '../util/readonly.js';
import { RecordHistory, RolloutRecord, ShutdownRecord } from './operation-records.js';
import { OperationLock, drainWaitSecs, waitAtMost, type OperationRef } from './operation-lock.js';
import { PipelineRunner, type CoreDrainResult, type RunnerDeps } from './pipeline-runner.js';
import { keyOf } from './pipeline-key.js';
import { planRollout } from './planner.js';
import { runRollout } from './rollout.js';
import { runShutdown } from './shutdown.js';
import { StatePersistence, type CommitSink } from './state-persistence.js';

export const DEFAULT_STEP_TIMEOUT_SECS = 60;
export const DEFAULT_DRAIN_TIMEOUT_SECS = 60;
const ENGINE_SHUTDOWN: OperationRef = { type: 'shutdown', id: 'engine-shutdown' };
const ENGINE_START: OperationRef = { type: 'rollout', id: 'engine-start' };

/** Told when an operation reaches its end (metrics count them by action and outcome, with durations). */
export interface OperationObserver {
  rolloutFinished(status: RolloutStatus): void;
  shutdownFinished(status: ShutdownStatus): void;
}

export interface PipelineDrainResult {
  key: string;
  cores: CoreDrainResult[];
}

export interface ManagerDeps extends RunnerDeps {
  operations?: OperationObserver;
  catalog: ComponentCatalog;
  /** The committed config as written (references kept); a copy of the config itself when absent. */
  source?: Record<string, unknown>;
  sink?: CommitSink;
}

export interface StartedRollout {
  record: RolloutRecord;
  done: Promise<void>;
}

export class RuntimeManager {
  readonly runners = new Map<string, PipelineRunner>();
  readonly lock = new OperationLock();
  readonly rollouts = new RecordHistory<RolloutRecord>();
  readonly shutdowns = new RecordHistory<ShutdownRecord>();
  private readonly generations = new Map<string, number>();
  private readonly engine: StateMachine<EngineState, EngineEvent>;
  /** Where an illegal move of any of the control plane's tables is reported (the reconciler's too). */
  readonly reportBug: BugReporter;
  private nextId = 1;
  /** The committed config as written, the pipelines an operator stopped, and their writer (with a state dir). */
  readonly persistence: StatePersistence;

  constructor(
    private committedConfig: EngineConfig,
    readonly availableCores: number[],
    private readonly deps: ManagerDeps,
  ) {
    this.reportBug = logIllegalMoves(deps.logger);
    this.engine = new StateMachine('engine', 'engine', ENGINE_LIFECYCLE, 'idle', this.reportBug);
    const source = deps.source ?? (structuredClone(committedConfig) as unknown as Record<string, unknown>);
    this.persistence = new StatePersistence(source, deps.sink, deps.logger);
  }

  /** Every method that commits ends here, and only they. */
  private persist(): void {
    this.persistence.commit((key) => this.runners.has(key));
  }

  /** The config as committed: what runs, as the operator wrote it. Read-only: only the manager's methods change it. */
  get committed(): DeepReadonly<EngineConfig> {
    return this.committedConfig;
  }

  /** True until the boot has started every pipeline of the initial config: the engine is not ready before. */
  get isBooting(): boolean {
    return this.engine.state === 'booting';
  }

  /** What every live change is validated against: this engine's cores and node types. */
  get validationContext(): ValidationContext {
    return { availableCores: this.availableCores, catalog: this.deps.catalog };
  }

  /**
   * Boot: every pipeline of the initial config at generation 1, with runtime recovery from the first attempt.
   * `first` runs before them, inside the boot (every pipeline answers busy meanwhile): the engine's observability pipeline.
   */
  async boot(pipelines: EffectivePipeline[], first?: () => Promise<void>, stopped: ReadonlySet<string> = new Set()): Promise<void> {
    this.engine.apply('boot_started');
    try {
      await first?.();
      for (const pipeline of pipelines) {
        const key = keyOf(pipeline.group, pipeline.pipeline);
        // A pipeline an operator shut down before a restart is known, stopped, until it is started again.
        if (stopped.has(key)) this.persistence.markStopped(key);
        this.runners.set(key, this.newRunner(pipeline, this.takeGeneration(key), stopped.has(key) ? 'stopped' : 'provisioning'));
      }
      await Promise.allSettled([...this.runners.values()].filter((runner) => !this.persistence.isStopped(runner.key)).map((runner) => runner.start()));
    } finally {
      this.engine.apply('boot_ended');
    }
  }

  runner(group: string, pipeline: string): PipelineRunner | undefined {
    return this.runners.get(keyOf(group, pipeline));
  }

  hasGroup(group: string): boolean {
    return Object.hasOwn(this.committedConfig.groups, group);
  }

  async putPipeline(group: string, pipeline: string, request: PutPipelineRequest, wait: WaitOptions): Promise<PutPipelineOutcome> {
    if (!this.hasGroup(group)) return { kind: 'group_not_found' };
    const substituted = substituteEnvInValue(request.pipeline, `groups.${group}.pipelines.${pipeline}`);
    if (!substituted.ok) return { kind: 'invalid', errors: substituted.errors };
    const candidateDoc = structuredClone(this.committedConfig);
    candidateDoc.groups[group]!.pipelines[pipeline] = substituted.value as PipelineSpec;
    const validation = validateEngineConfig(candidateDoc, this.validationContext);
    if (!validation.ok) return { kind: 'invalid', errors: validation.errors };
    const candidate = validation.pipelines.find((p) => p.group === group && p.pipeline === pipeline)!;
    const spec = validation.config.groups[group]!.pipelines[pipeline]!;
    const running = this.runningConfig(group, pipeline);
    const plan = planRollout(running, candidate);
    if (request.dryRun) return { kind: 'dry_run', result: { action: plan.action, plan, diff: diffPipelines(running, candidate) } };
    const busy = this.busy(group, pipeline);
    if (busy) return busy;
    if (plan.action === 'noop') return { kind: 'noop', rollout: this.recordNoop(group, pipeline, spec, request.pipeline) };
    const started = this.startRollout(candidate, spec, request.pipeline, plan, request.stepTimeoutSecs, request.drainTimeoutSecs);
    return this.answerRollout(started, wait);
  }

  /**
   * Starts a rollout of `candidate` under the pipeline's lock; the caller has checked that it is free. `source` is the
   * spec as the operator wrote it: committed with `spec` if the rollout succeeds.
   */
  startRollout(
    candidate: EffectivePipeline,
    spec: PipelineSpec,
    source: unknown,
    plan: PipelinePlan,
    stepTimeoutSecs: number,
    drainTimeoutSecs: number,
  ): StartedRollout {
    const key = keyOf(candidate.group, candidate.pipeline);
    const action = plan.action;
    const existing = this.runners.get(key);
    const target = action === 'resize' && existing ? existing.generation : this.takeGeneration(key);
    const runner = existing ?? this.newRunner(candidate, target, 'stopped');
    this.runners.set(key, runner);
    const id = this.newId('rollout');
    const record = new RolloutRecord(id, candidate.group, candidate.pipeline, action, target, action === 'create' ? undefined : runner.generation, this.reportBug);
    const operation: OperationRef = { type: 'rollout', id };
    this.lock.acquire(key, operation);
    this.rollouts.add(key, id, record);
    runner.rolloutStarted(action, record.status);
    const done = runRollout({ runner, candidate, targetGeneration: target, plan, record, stepTimeoutMs: stepTimeoutSecs * 1000, drainTimeoutMs: drainTimeoutSecs * 1000 })
      .catch((error: unknown) => {
        record.move('fail', `internal error: ${(error as Error).message}`);
        this.deps.logger.error({ err: error, rolloutId: id }, 'rollout crashed');
        return false;
      })
      .then((succeeded) => {
        runner.rolloutEnded(succeeded);
        if (succeeded) this.commitSpec(candidate.group, candidate.pipeline, spec, source);
        else if (action === 'create' && !existing) {
          // Nothing of a failed create may stay behind, its listening sockets least of all.
          this.deps.listeners.close(key);
          this.runners.delete(key);
        }
      })
      .finally(() => {
        this.lock.release(key, operation);
        this.deps.operations?.rolloutFinished(record.status);
      });
    return { record, done };
  }

  async answerRollout(started: StartedRollout, wait: WaitOptions): Promise<PutPipelineOutcome> {
    if (!wait.wait) return { kind: 'accepted', rollout: started.record.status };
    if ((await waitAtMost(started.done, wait.timeoutSecs)) === 'timeout') return { kind: 'timeout', rollout: started.record.status };
    return { kind: started.record.status.state === 'succeeded' ? 'succeeded' : 'failed', rollout: started.record.status };
  }

  async shutdownPipeline(
    group: string,
    pipeline: string,
    drainTimeoutSecs: number,
    wait: WaitOptions,
    initiator?: ShutdownInitiator,
  ): Promise<ShutdownOutcome> {
    const missing = this.missing(group, pipeline);
    if (missing) return missing;
    const busy = this.busy(group, pipeline);
    if (busy) return busy;
    const runner = this.runner(group, pipeline)!;
    if (runner.desired === 'stopped' && runner.liveInstances().length === 0) return { kind: 'already_stopped' };
    const { record, done } = this.startShutdown(runner, drainTimeoutSecs, initiator);
    if (!wait.wait) return { kind: 'accepted', shutdown: record.status };
    if ((await waitAtMost(done, drainWaitSecs(wait.timeoutSecs, drainTimeoutSecs))) === 'timeout') return { kind: 'timeout', shutdown: record.status };
    return { kind: record.status.state === 'succeeded' ? 'succeeded' : 'failed', shutdown: record.status };
  }

  startShutdown(runner: PipelineRunner, drainTimeoutSecs: number, initiator?: ShutdownInitiator): { record: ShutdownRecord; done: Promise<void> } {
    const id = this.newId('shutdown');
    const record = new ShutdownRecord(id, runner.config.group, runner.config.pipeline, this.reportBug, initiator);
    const operation: OperationRef = { type: 'shutdown', id };
    this.lock.acquire(runner.key, operation);
    this.shutdowns.add(runner.key, id, record);
    const done = runShutdown({ runner, record, drainTimeoutSecs }).finally(() => {
      // Stopped, whether the drain was clean or not: a restart keeps it stopped (unless it is forgotten or started).
      if (runner.desired === 'stopped' && this.engine.state !== 'closing') {
        this.persistence.markStopped(runner.key);
        this.persist();
      }
      this.lock.release(runner.key, operation);
      this.deps.operations?.shutdownFinished(record.status);
    });
    return { record, done };
  }

  async startPipeline(group: string, pipeline: string): Promise<StartOutcome> {
    const missing = this.missing(group, pipeline);
    if (missing) return missing;
    const busy = this.busy(group, pipeline);
    if (busy) return busy;
    const runner = this.runner(group, pipeline)!;
    if (runner.desired === 'running') return { kind: 'already_running' };
    const spec = this.committedConfig.groups[group]!.pipelines[pipeline]!;
    const source = this.persistence.source.pipeline(group, pipeline) ?? spec;
    const { record } = this.startRollout(runner.config, spec, source, planRollout(undefined, runner.config), DEFAULT_STEP_TIMEOUT_SECS, DEFAULT_DRAIN_TIMEOUT_SECS);
    return { kind: 'accepted', rollout: record.status };
  }

  rollout(group: string, pipeline: string, id: string): RolloutStatus | undefined {
    return this.rollouts.get(keyOf(group, pipeline), id)?.status;
  }

  shutdown(group: string, pipeline: string, id: string): ShutdownStatus | undefined {
    return this.shutdowns.get(keyOf(group, pipeline), id)?.status;
  }

  recentOperations(limit: number): OperationEntry[] {
    const entries: OperationEntry[] = [
      ...this.rollouts.all().map((r): OperationEntry => ({ kind: 'rollout', record: r.status })),
      ...this.shutdowns.all().map((r): OperationEntry => ({ kind: 'shutdown', record: r.status })),
    ];
    return entries.sort((a, b) => b.record.startedAt.localeCompare(a.record.startedAt)).slice(0, Math.max(0, limit));
  }

  /** Engine shutdown: every pipeline drains, whatever operation runs. Resolves with how each core's drain ended. */
  async drainAll(deadlineMs: number): Promise<PipelineDrainResult[]> {
    this.engine.apply('drain_started');
    return Promise.all([...this.runners.values()].map(async (runner) => ({ key: runner.key, cores: await runner.drain(deadlineMs) })));
  }

  /**
   * The operation that holds pipeline `key`, if any. While the engine boots, that is its start, and once it drains,
   * its shutdown, for every pipeline: no operation may race a first start, or start an instance on a pipeline that
   * is going away.
   */
  holderOf(key: string): OperationRef | undefined {
    if (this.engine.state === 'closing') return ENGINE_SHUTDOWN;
    if (this.engine.state === 'booting') return ENGINE_START;
    return this.lock.holder(key);
  }

  busy(group: string, pipeline: string): Busy | undefined {
    const holder = this.holderOf(keyOf(group, pipeline));
    return holder ? { kind: 'busy', operation: holder } : undefined;
  }

  missing(group: string, pipeline: string): { kind: 'group_not_found' } | { kind: 'pipeline_not_found' } | undefined {
    if (!this.hasGroup(group)) return { kind: 'group_not_found' };
    return this.runner(group, pipeline) ? undefined : { kind: 'pipeline_not_found' };
  }

  /** What runs now, or undefined when nothing does (never created, or stopped): then any config is a create. */
  runningConfig(group: string, pipeline: string): EffectivePipeline | undefined {
    const runner = this.runner(group, pipeline);
    return runner && runner.desired === 'running' ? runner.config : undefined;
  }

  /** Commits a pipeline that now runs `spec`; `source` is the same spec as the operator wrote it. */
  commitSpec(group: string, pipeline: string, spec: PipelineSpec, source: unknown): void {
    const groupSpec = this.committedConfig.groups[group];
    if (!groupSpec) return;
    groupSpec.pipelines[pipeline] = spec;
    this.persistence.source.setPipeline(group, pipeline, source);
    // It runs: whatever stopped it before is over.
    this.persistence.markRunning(keyOf(group, pipeline));
    this.persist();
  }

  /** A new group with its group-level settings (validated by the caller) and no pipeline yet: each is committed as it succeeds. */
  addGroup(group: string, spec: GroupSpec, source: unknown): void {
    this.committedConfig.groups[group] = { ...spec, pipelines: {} };
    this.persistence.source.addGroup(group, source);
    this.persist();
  }

  /** The group is gone for every new request, while whatever of it still runs drains. */
  removeGroup(group: string): void {
    delete this.committedConfig.groups[group];
    this.persistence.source.removeGroup(group);
    this.persist();
  }

  /**
   * A reconcile's document takes effect for what is not a pipeline: its policies and its groups (one it leaves out
   * stays), never the engine section (set up once at start). Pipelines keep their committed specs: each is committed
   * when its own rollout succeeds.
   */
  adoptDocument(desired: EngineConfig, source: unknown): void {
    const previous = this.committedConfig;
    const { engine: _ignoredUntilRestart, groups, ...document } = desired;
    const merged: Record<string, GroupSpec> = {};
    for (const [g, spec] of Object.entries(groups)) merged[g] = { ...spec, pipelines: { ...(previous.groups[g]?.pipelines ?? {}) } };
    for (const [g, spec] of Object.entries(previous.groups)) merged[g] ??= spec;
    this.committedConfig = { ...document, ...(previous.engine !== undefined ? { engine: previous.engine } : {}), groups: merged };
    this.persistence.source.adopt(source);
    this.persist();
  }

  /** Forgets the pipeline; its operation records stay readable, so the Location a DELETE answered keeps working. */
  forget(group: string, pipeline: string): void {
    const key = keyOf(group, pipeline);
    this.runners.delete(key);
    this.deps.ledger.forget(group, pipeline);
    delete this.committedConfig.groups[group]?.pipelines[pipeline];
    this.persistence.source.deletePipeline(group, pipeline);
    this.persistence.markRunning(key);
    this.persist();
  }

  newId(kind: 'rollout' | 'shutdown' | 'reconcile' | 'delete'): string {
    return `${kind}-${this.nextId++}`;
  }

  private recordNoop(group: string, pipeline: string, spec: PipelineSpec, source: unknown): RolloutStatus {
    const runner = this.runner(group, pipeline)!;
    const id = this.newId('rollout');
    const record = new RolloutRecord(id, group, pipeline, 'noop', runner.generation, runner.generation, this.reportBug);
    record.move('noop');
    this.rollouts.add(runner.key, id, record);
    this.deps.operations?.rolloutFinished(record.status);
    runner.noteRollout(record.status);
    // The effective config is the same; the operator's latest wording of it becomes the committed text.
    this.commitSpec(group, pipeline, spec, source);
    return record.status;
  }

  private takeGeneration(key: string): number {
    const next = (this.generations.get(key) ?? 0) + 1;
    this.generations.set(key, next);
    return next;
  }

  private newRunner(config: EffectivePipeline, generation: number, initial: 'provisioning' | 'stopped' = 'provisioning'): PipelineRunner {
    return new PipelineRunner(config, generation, { ...this.deps, logger: this.deps.logger.child({ group: config.group, pipeline: config.pipeline }) }, initial);
  }
}

