// The admin API's view of the engine: projections of the runtime manager (secrets redacted) and its operations.
import { isLive, isReady, livenessCondition, rolloutSummary } from './status-projection.js';
import type {
  CreateGroupOutcome,
  DeleteGroupOutcome,
  DeletePipelineOutcome,
  EngineShutdownOutcome,
  LiveAdminBackend,
  OperationEntry,
  PipelineDescription,
  PipelineProbe,
  PutPipelineOutcome,
  PutPipelineRequest,
  ReconcileOutcome,
  ReconcilePlanOutcome,
  ReconcileRequest,
  ReconcileWait,
  ShutdownOutcome,
  StartOutcome,
  WaitOptions,
} from '../state/commands.js';
import type { EngineConfig, GroupSpec, PipelineSpec } from '../config/types.js';
import type { ReconcileStatus, RolloutStatus, ShutdownInitiator, ShutdownStatus } from '../state/operations.js';
import type { Condition, EngineStatus, PipelineStatus, ProbeFailure, ProbeResult } from '../state/status-types.js';
import { redactSecrets } from '../util/redact.js';
import { isoNow } from '../util/time.js';
import type { Reconciler } from './reconcile.js';
import { planReconcile } from './reconcile-plan.js';
import type { RuntimeManager } from './runtime-manager.js';
import { deleteGroup, deletePipeline } from './deletes.js';
import { shutdownEngine, type StopEngine } from './engine-shutdown.js';
import { createGroup } from './groups.js';
import { StateWriteError } from '../state/state-store.js';

export class EngineAdminBackend implements LiveAdminBackend {
  constructor(
    private readonly manager: RuntimeManager,
    private readonly reconciler: Reconciler,
    /** Shuts the whole engine down (the composition root knows how); absent, `POST /groups/shutdown` fails. */
    private readonly stopEngine: StopEngine = () => Promise.reject(new Error('this engine cannot be shut down through its admin API')),
  ) {}

  status(): EngineStatus {
    const pipelines: Record<string, PipelineStatus> = {};
    for (const [key, runner] of this.manager.runners) pipelines[key] = runner.status();
    return { generatedAt: isoNow(), pipelines };
  }

  pipelineStatus(group: string, pipeline: string): PipelineStatus | undefined {
    return this.manager.runner(group, pipeline)?.status();
  }

  pipeline(group: string, pipeline: string): PipelineDescription | undefined {
    const runner = this.manager.runner(group, pipeline);
    const spec = this.manager.committed.groups[group]?.pipelines[pipeline];
    if (!runner || !spec) return undefined;
    return {
      pipelineGroupId: group,
      pipelineId: pipeline,
      activeGeneration: runner.generation,
      pipeline: redactSecrets<PipelineSpec>(spec),
      ...(runner.latestRollout ? { rollout: rolloutSummary(runner.latestRollout) } : {}),
      desiredStatus: runner.desired,
    };
  }

  hasGroup(group: string): boolean {
    return this.manager.hasGroup(group);
  }

  group(group: string): GroupSpec | undefined {
    const spec = this.manager.committed.groups[group];
    return spec ? redactSecrets<GroupSpec>(spec) : undefined;
  }

  committedConfig(): EngineConfig {
    return redactSecrets<EngineConfig>(this.manager.committed);
  }

  exportedConfig(): Record<string, unknown> {
    return this.manager.persistence.source.exportable();
  }

  /**
   * Live unless a pipeline has failed beyond its own recovery (that one will not heal without an operator) or one meant
   * to run has fewer cores in a live phase than its health policy's live quorum. Each failing pipeline is named with
   * the condition that fails it.
   */
  livez(): ProbeResult {
    const failing: ProbeFailure[] = [];
    for (const [key, runner] of this.manager.runners) {
      const status = runner.status();
      if (status.deploymentStatus === 'failed') failing.push({ pipeline: key, condition: deploymentFailure(status) });
      else if (runner.desired === 'running' && !isLive(runner)) failing.push({ pipeline: key, condition: livenessCondition(runner) });
    }
    return probe('livez', failing);
  }

  /** Ready when the boot is over and every pipeline meant to run meets its ready quorum. */
  readyz(): ProbeResult {
    const failing: ProbeFailure[] = [];
    for (const [key, runner] of this.manager.runners) {
      if (runner.desired !== 'running') continue;
      const ready = runner.status().conditions.find((c) => c.type === 'Ready');
      if (ready && ready.status !== 'True') failing.push({ pipeline: key, condition: ready });
    }
    // Before the boot has registered the initial pipelines there may be none to fail: say so rather than answer ready.
    return probe('readyz', failing, this.manager.isBooting ? 'the engine is starting its pipelines' : undefined);
  }

  pipelineProbe(group: string, pipeline: string, which: PipelineProbe): boolean {
    const runner = this.manager.runner(group, pipeline);
    if (!runner) return false;
    return which === 'livez' ? isLive(runner) : isReady(runner);
  }

  putPipeline(group: string, pipeline: string, request: PutPipelineRequest, wait: WaitOptions): Promise<PutPipelineOutcome> {
    return this.persisting(() => this.manager.putPipeline(group, pipeline, request, wait));
  }

  rollout(group: string, pipeline: string, rolloutId: string): RolloutStatus | undefined {
    return this.manager.rollout(group, pipeline, rolloutId);
  }

  shutdownPipeline(group: string, pipeline: string, drainTimeoutSecs: number, wait: WaitOptions, initiator?: ShutdownInitiator): Promise<ShutdownOutcome> {
    return this.persisting(() => this.manager.shutdownPipeline(group, pipeline, drainTimeoutSecs, wait, initiator));
  }

  shutdown(group: string, pipeline: string, shutdownId: string): ShutdownStatus | undefined {
    return this.manager.shutdown(group, pipeline, shutdownId);
  }

  recentOperations(limit: number): OperationEntry[] {
    return this.manager.recentOperations(limit);
  }

  startPipeline(group: string, pipeline: string): Promise<StartOutcome> {
    return this.persisting(() => this.manager.startPipeline(group, pipeline));
  }

  deletePipeline(group: string, pipeline: string, drainTimeoutSecs: number): Promise<DeletePipelineOutcome> {
    return this.persisting(() => deletePipeline(this.manager, group, pipeline, drainTimeoutSecs));
  }

  createGroup(group: string, spec: GroupSpec): Promise<CreateGroupOutcome> {
    return this.persisting(async () => createGroup(this.manager, group, spec));
  }

  deleteGroup(group: string, drainTimeoutSecs: number): Promise<DeleteGroupOutcome> {
    return this.persisting(() => deleteGroup(this.manager, group, drainTimeoutSecs));
  }

  shutdownEngine(wait: WaitOptions): Promise<EngineShutdownOutcome> {
    return shutdownEngine(this.stopEngine, wait);
  }

  reconcile(request: ReconcileRequest, wait: ReconcileWait): Promise<ReconcileOutcome> {
    return this.persisting(() => this.reconciler.reconcile(request, wait));
  }

  /**
   * Runs a command that may commit, the one place where a front end's answer waits for the state dir: refused up front
   * while the state dir cannot be written (after a failed write that still fails), and, when the command committed
   * something, answered only once that is on disk. Without a state dir, both checks pass at once.
   */
  private async persisting<T>(command: () => Promise<T>): Promise<T> {
    const { persistence } = this.manager;
    const writable = await persistence.writable();
    if (!writable.ok) throw new StateWriteError(false, writable.error);
    const before = persistence.commits;
    const outcome = await command();
    if (persistence.commits === before) return outcome;
    const written = await persistence.persisted();
    if (!written.ok) throw new StateWriteError(true, written.error);
    return outcome;
  }

  planReconcile(request: ReconcileRequest): ReconcilePlanOutcome {
    return planReconcile(this.manager, request);
  }

  reconcileStatus(reconcileId: string): ReconcileStatus | undefined {
    return this.reconciler.get(reconcileId);
  }
}

function probe(name: ProbeResult['probe'], failing: ProbeFailure[], blocker?: string): ProbeResult {
  const reasons = [...(blocker ? [blocker] : []), ...(failing.length > 0 ? [`${failing.length} pipeline(s) failing`] : [])];
  return {
    probe: name,
    status: reasons.length === 0 ? 'ok' : 'failed',
    generatedAt: isoNow(),
    ...(reasons.length > 0 ? { message: reasons.join('; ') } : {}),
    failing,
  };
}

/** A pipeline that failed beyond recovery, as the Ready condition upstream's probe answers name. */
function deploymentFailure(status: PipelineStatus): Condition {
  return {
    type: 'Ready',
    status: 'False',
    reason: status.deploymentError?.error_code ?? 'RuntimeError',
    message: status.deploymentError?.message ?? 'the pipeline failed',
    lastTransitionTime: status.deploymentStatusSince,
  };
}
