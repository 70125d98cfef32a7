// Reconcile: make the engine match a whole config document through the same planner and rollouts as a PUT. Every
// pipeline of the document is planned and rolled out concurrently; with deleteMissing, pipelines it no longer names
// are drained and forgotten. What succeeded is committed; a pipeline whose rollout failed keeps its old config.
import type { Busy, ReconcileOutcome, ReconcileRequest, WaitOptions } from '../state/commands.js';
import type { ConfigError, EffectivePipeline, EngineConfig } from '../config/index.js';
import type { ReconcilePipelineStatus, ReconcileStatus, ReconcileTrigger } from '../state/operations.js';
import { isoNow } from '../util/time.js';
import { waitAtMost } from './operation-lock.js';
import { planRollout } from './planner.js';
import { validateReconcileConfig } from './reconcile-plan.js';
import { DEFAULT_DRAIN_TIMEOUT_SECS, DEFAULT_STEP_TIMEOUT_SECS, type RuntimeManager } from './runtime-manager.js';
import { keyOf } from './pipeline-key.js';

const RECONCILES_KEPT = 32;
/** `GET /config/reconciles/latest` names the most recent reconcile, whatever started it (an API call or a reload). */
export const LATEST_RECONCILE = 'latest';

export interface DesiredConfig {
  config: EngineConfig;
  pipelines: EffectivePipeline[];
}

export interface ApplyOptions {
  deleteMissing: boolean;
  trigger: ReconcileTrigger;
}

export class Reconciler {
  private readonly history: ReconcileStatus[] = [];

  constructor(
    private readonly manager: RuntimeManager,
    /** Told when a reconcile ends, whatever its outcome (metrics count them by trigger and outcome). */
    private readonly onFinished: (status: ReconcileStatus) => void = () => undefined,
  ) {}

  get(id: string): ReconcileStatus | undefined {
    if (id === LATEST_RECONCILE) return this.latest();
    return this.history.find((r) => r.reconcileId === id);
  }

  latest(): ReconcileStatus | undefined {
    return this.history.at(-1);
  }

  async reconcile(request: ReconcileRequest, wait: WaitOptions): Promise<ReconcileOutcome> {
    const validation = validateReconcileConfig(this.manager, request.config);
    if (!validation.ok) return { kind: 'invalid', errors: validation.errors };
    return this.apply(validation, { deleteMissing: request.deleteMissing, trigger: 'api' }, wait);
  }

  /** Reconciles to a config that is already validated (a reload validates the file the way the engine loads it). */
  async apply(validation: DesiredConfig, options: ApplyOptions, wait: WaitOptions): Promise<Exclude<ReconcileOutcome, { kind: 'invalid' }>> {
    const { manager } = this;
    const desired = validation.config;
    const wanted = new Set(validation.pipelines.map((p) => keyOf(p.group, p.pipeline)));
    const missing = [...manager.runners.values()].filter((r) => !wanted.has(r.key));
    for (const key of [...wanted, ...(options.deleteMissing ? missing.map((r) => r.key) : [])]) {
      const holder = manager.holderOf(key);
      if (holder) return { kind: 'busy', operation: holder } satisfies Busy;
    }

    const status = this.remember({
      reconcileId: manager.newId('reconcile'),
      trigger: options.trigger,
      state: 'running',
      startedAt: isoNow(),
      updatedAt: isoNow(),
      deleteMissing: options.deleteMissing,
      pipelines: [],
    });

    // Document-level policies and new groups take effect now; pipelines are committed one by one as they succeed. The
    // engine section (admin address and auth) is set up once at start: the committed one stays what is in force.
    manager.adoptDocument(desired);

    const work: Promise<void>[] = [];
    for (const candidate of validation.pipelines) {
      const spec = desired.groups[candidate.group]!.pipelines[candidate.pipeline]!;
      const plan = planRollout(manager.runningConfig(candidate.group, candidate.pipeline), candidate);
      const entry: ReconcilePipelineStatus = { pipelineGroupId: candidate.group, pipelineId: candidate.pipeline, action: plan.action, state: 'succeeded' };
      status.pipelines.push(entry);
      if (plan.action === 'noop') {
        manager.commitSpec(candidate.group, candidate.pipeline, spec);
        continue;
      }
      const { record, done } = manager.startRollout(candidate, spec, plan, DEFAULT_STEP_TIMEOUT_SECS, DEFAULT_DRAIN_TIMEOUT_SECS);
      entry.rolloutId = record.status.rolloutId;
      entry.state = record.status.state;
      work.push(done.then(() => this.settle(status, entry, record.status.state, record.status.failureReason)));
    }
    if (options.deleteMissing) {
      for (const runner of missing) {
        const entry: ReconcilePipelineStatus = { pipelineGroupId: runner.config.group, pipelineId: runner.config.pipeline, action: 'delete', state: 'running' };
        status.pipelines.push(entry);
        const { record, done } = manager.startShutdown(runner, DEFAULT_DRAIN_TIMEOUT_SECS);
        entry.shutdownId = record.status.shutdownId;
        work.push(
          done.then(() => {
            manager.forget(runner.config.group, runner.config.pipeline);
            this.settle(status, entry, record.status.state, record.status.failureReason);
          }),
        );
      }
    }
    const all = Promise.all(work).then(() => {
      const failed = status.pipelines.filter((p) => p.state !== 'succeeded');
      status.state = failed.length === 0 ? 'succeeded' : 'failed';
      if (failed.length > 0) status.failureReason = failed.map((p) => `${p.pipelineGroupId}:${p.pipelineId}: ${p.failureReason ?? p.state}`).join('; ');
      status.updatedAt = isoNow();
      this.onFinished(status);
    });
    if (!wait.wait) return { kind: 'accepted', reconcile: status };
    if ((await waitAtMost(all, wait.timeoutSecs)) === 'timeout') return { kind: 'timeout', reconcile: status };
    return { kind: status.state === 'succeeded' ? 'succeeded' : 'failed', reconcile: status };
  }

  /**
   * Records a reconcile that changed nothing because its config was refused before any planning (a reload of a broken
   * file): without an API answer to carry the errors, the record is where an operator finds them.
   */
  recordRejected(trigger: ReconcileTrigger, failureReason: string, errors: ConfigError[] = []): ReconcileStatus {
    const now = isoNow();
    const status = this.remember({
      reconcileId: this.manager.newId('reconcile'),
      trigger,
      state: 'rejected',
      startedAt: now,
      updatedAt: now,
      deleteMissing: false,
      pipelines: [],
      failureReason,
      ...(errors.length > 0 ? { errors } : {}),
    });
    this.onFinished(status);
    return status;
  }

  private remember(status: ReconcileStatus): ReconcileStatus {
    this.history.push(status);
    if (this.history.length > RECONCILES_KEPT) this.history.shift();
    return status;
  }

  private settle(status: ReconcileStatus, entry: ReconcilePipelineStatus, state: ReconcilePipelineStatus['state'], reason?: string): void {
    entry.state = state;
    if (reason) entry.failureReason = reason;
    status.updatedAt = isoNow();
  }
}
