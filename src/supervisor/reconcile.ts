// Reconcile: make the engine match a whole config document, as upstream's `POST /config/reconcile` does, through the
// same planner and rollouts as a PUT. The reconcile holds the whole engine (any other operation answers busy) while
// it runs. Its pipelines roll out together; only when every one succeeded are the pipelines and groups the document
// leaves out deleted (deleteMissing), and only then are the document's policies committed. A failed reconcile keeps
// what succeeded (as upstream: it is not atomic across pipelines), deletes nothing, and names what failed.
import type { Busy, ReconcileOutcome, ReconcileRequest, ReconcileWait } from '../state/commands.js';
import type { ConfigError, EffectivePipeline, EngineConfig } from '../config/index.js';
import { canonicalJson, sha256Hex } from '../config/hash.js';
import { StateMachine } from '../state/machine.js';
import type { ReconcileChange, ReconcileState, ReconcileStatus, ReconcileTrigger } from '../state/operations.js';
import { RECONCILE_LIFECYCLE, type ReconcileEvent } from '../state/reconcile-lifecycle.js';
import { isoNow } from '../util/time.js';
import { deleteHeldGroup, drainAndForget, pipelinesOf } from './deletes.js';
import { waitAtMost, type LockScope, type OperationRef } from './operation-lock.js';
import type { PipelineRunner } from './pipeline-runner.js';
import { planRollout } from './planner.js';
import { validateReconcileConfig } from './reconcile-plan.js';
import type { RuntimeManager } from './runtime-manager.js';
import { keyOf } from './pipeline-key.js';

const RECONCILES_KEPT = 32;
const ENGINE: LockScope = { kind: 'engine' };
/** `GET /config/reconciles/latest` names the most recent reconcile, whatever started it (an API call or a reload). */
export const LATEST_RECONCILE = 'latest';

export interface DesiredConfig {
  config: EngineConfig;
  pipelines: EffectivePipeline[];
  /** The document as written, `${env:…}` references unsubstituted: what is committed beside `config`. */
  source: unknown;
}

export interface ApplyOptions extends Omit<ReconcileRequest, 'config' | 'trigger'> {
  trigger: ReconcileTrigger;
}

export class Reconciler {
  private readonly history: ReconcileStatus[] = [];
  /** Each record's state machine (state/reconcile-lifecycle.ts): the record's state changes only through it. */
  private readonly machines = new WeakMap<ReconcileStatus, StateMachine<ReconcileState, ReconcileEvent>>();

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

  async reconcile(request: ReconcileRequest, wait: ReconcileWait): Promise<ReconcileOutcome> {
    const validation = validateReconcileConfig(this.manager, request.config);
    if (!validation.ok) return { kind: 'invalid', errors: validation.errors };
    const { config: _config, ...options } = request;
    return this.apply({ ...validation, source: request.config }, { ...options, trigger: request.trigger ?? 'api' }, wait);
  }

  /** Reconciles to a config that is already validated (a reload validates the file the way the engine loads it). */
  async apply(validation: DesiredConfig, options: ApplyOptions, wait: ReconcileWait): Promise<Exclude<ReconcileOutcome, { kind: 'invalid' }>> {
    const { manager } = this;
    const wanted = new Set(validation.pipelines.map((p) => keyOf(p.group, p.pipeline)));
    const missing = options.deleteMissing ? [...manager.runners.values()].filter((r) => !wanted.has(r.key)) : [];
    for (const key of [...wanted, ...missing.map((r) => r.key)]) {
      const holder = manager.holderOf(key);
      if (holder) return { kind: 'busy', operation: holder } satisfies Busy;
    }
    const operation: OperationRef = { type: 'reconcile', id: manager.newId('reconcile') };
    const holder = manager.lock.scopeHolder(ENGINE);
    if (holder || !manager.lock.acquireScope(ENGINE, operation)) return { kind: 'busy', operation: holder ?? operation };

    const now = isoNow();
    const status = this.remember({
      reconcileId: operation.id,
      state: 'pending',
      configHash: sha256Hex(canonicalJson(validation.config)),
      startedAt: now,
      updatedAt: now,
      changes: [],
      trigger: options.trigger,
      deleteMissing: options.deleteMissing,
    });
    this.move(status, 'begin');
    const all = this.run(status, validation, options, missing)
      .catch((error: unknown) => this.end(status, `internal error: ${(error as Error).message}`))
      .finally(() => {
        manager.lock.releaseScope(ENGINE, operation);
        this.onFinished(status);
      });
    if (!wait.wait) {
      // One with nothing to roll out (all noops) ends within a turn of the event loop: answered as ended, as upstream's.
      await Promise.race([all, new Promise((resolve) => setImmediate(resolve))]);
      if (status.state === 'running') return { kind: 'accepted', reconcile: status };
    } else if (wait.timeoutSecs === undefined) await all;
    else if ((await waitAtMost(all, wait.timeoutSecs)) === 'timeout') return { kind: 'timeout', reconcile: status };
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
      state: 'pending',
      startedAt: now,
      updatedAt: now,
      changes: [],
      failureReason,
      trigger,
      deleteMissing: false,
      ...(errors.length > 0 ? { errors } : {}),
    });
    this.move(status, 'reject');
    this.onFinished(status);
    return status;
  }

  private async run(status: ReconcileStatus, validation: DesiredConfig, options: ApplyOptions, missing: PipelineRunner[]): Promise<void> {
    const { manager } = this;
    const desired = validation.config;
    // A new group takes its settings now, so that its pipelines can be committed into it as they succeed.
    const created = Object.keys(desired.groups).filter((g) => !manager.hasGroup(g));
    for (const g of created) manager.addGroup(g, desired.groups[g]!, groupSource(validation.source, g));

    await Promise.all(validation.pipelines.map((candidate) => this.rollOut(status, candidate, validation, options)));
    if (this.failed(status)) {
      // Nothing of a group whose every create failed may stay behind.
      for (const g of created) if (pipelinesOf(manager, g).length === 0) manager.removeGroup(g);
      return this.end(status);
    }

    if (options.deleteMissing) {
      await Promise.all(missing.map((runner) => this.deletePipeline(status, runner, options.deleteTimeoutSecs)));
      if (this.failed(status)) return this.end(status);
      for (const group of Object.keys(manager.committed.groups).sort()) {
        if (Object.hasOwn(desired.groups, group)) continue;
        const change = this.change(status, { pipelineGroupId: group, action: 'delete', state: 'running' });
        const deleted = await deleteHeldGroup(manager, group, pipelinesOf(manager, group), options.deleteTimeoutSecs);
        this.settle(status, change, deleted.state, deleted.failureReason);
        if (deleted.state === 'failed') return this.end(status);
      }
    }
    // The document's own settings, once everything it asked for is done: its version and policies, and each group's
    // settings with the pipelines committed so far (the runtime manager keeps the engine section in force).
    manager.adoptDocument(desired, validation.source);
    this.end(status);
  }

  private async rollOut(status: ReconcileStatus, candidate: EffectivePipeline, desired: DesiredConfig, options: ApplyOptions): Promise<void> {
    const { manager } = this;
    const { group, pipeline } = candidate;
    const spec = desired.config.groups[group]!.pipelines[pipeline]!;
    const source = groupSource(desired.source, group).pipelines?.[pipeline] ?? spec;
    const plan = planRollout(manager.runningConfig(group, pipeline), candidate);
    if (plan.action === 'noop') {
      manager.commitSpec(group, pipeline, spec, source);
      this.change(status, { pipelineGroupId: group, pipelineId: pipeline, action: 'noop', state: 'succeeded' });
      return;
    }
    const { record, done } = manager.startRollout(candidate, spec, source, plan, options.stepTimeoutSecs, options.drainTimeoutSecs);
    const change = this.change(status, { pipelineGroupId: group, pipelineId: pipeline, action: plan.action, state: 'running', rollout: record.status });
    await done;
    this.settle(status, change, record.status.state === 'succeeded' ? 'succeeded' : 'failed', record.status.failureReason);
  }

  private async deletePipeline(status: ReconcileStatus, runner: PipelineRunner, deleteTimeoutSecs: number): Promise<void> {
    const { group, pipeline } = runner.config;
    const change = this.change(status, { pipelineGroupId: group, pipelineId: pipeline, action: 'delete', state: 'running' });
    const deleted = await drainAndForget(this.manager, runner, deleteTimeoutSecs, (shutdown) => (change.shutdown = shutdown));
    this.settle(status, change, deleted.state, deleted.failureReason);
  }

  private change(status: ReconcileStatus, change: ReconcileChange): ReconcileChange {
    status.changes.push(change);
    status.updatedAt = isoNow();
    return change;
  }

  private settle(status: ReconcileStatus, change: ReconcileChange, state: 'succeeded' | 'failed', reason?: string): void {
    change.state = state;
    if (state === 'failed' && reason) change.detail = reason;
    status.updatedAt = isoNow();
  }

  private failed(status: ReconcileStatus): boolean {
    return status.changes.some((c) => c.state === 'failed');
  }

  /** Ends the reconcile: failed, naming each change that failed, or succeeded. */
  private end(status: ReconcileStatus, internalError?: string): void {
    const failures = status.changes
      .filter((c) => c.state === 'failed')
      .map((c) => `${c.pipelineId === undefined ? `group '${c.pipelineGroupId}'` : `'${c.pipelineGroupId}:${c.pipelineId}'`} ${c.action}: ${c.detail ?? 'failed'}`);
    if (internalError !== undefined) failures.push(internalError);
    if (failures.length > 0) status.failureReason = failures.join('; ');
    this.move(status, failures.length === 0 ? 'succeed' : 'fail');
  }

  /** Moves the record as its table allows; a move the table lacks is reported as a bug and changes nothing. */
  private move(status: ReconcileStatus, event: ReconcileEvent): void {
    const machine = this.machines.get(status);
    if (!machine) return;
    if (machine.apply(event).kind === 'moved') status.state = machine.state;
    status.updatedAt = isoNow();
  }

  private remember(status: ReconcileStatus): ReconcileStatus {
    this.machines.set(status, new StateMachine('reconcile', status.reconcileId, RECONCILE_LIFECYCLE, 'pending', this.manager.reportBug));
    this.history.push(status);
    if (this.history.length > RECONCILES_KEPT) this.history.shift();
    return status;
  }
}

/** One group of a document as written (validated already, so it has the same shape as the substituted one). */
function groupSource(document: unknown, group: string): { pipelines?: Record<string, unknown> } & Record<string, unknown> {
  const groups = (document as { groups?: Record<string, unknown> } | null)?.groups;
  const spec = groups?.[group];
  return spec !== null && typeof spec === 'object' ? (spec as Record<string, unknown>) : {};
}
