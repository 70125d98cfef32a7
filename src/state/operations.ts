// Operation records (CONTRACT.md §3): what a rollout, a shutdown or a reconcile did and is doing, per core.
import type { ConfigError } from '../config/errors.js';

export type RolloutAction = 'create' | 'noop' | 'resize' | 'replace';
/**
 * Upstream's six rollout states, which dfctl decodes. A rollback that restored the old generation ends `failed`, with
 * the reason, and `rolled_back` on each core it restored (state/rollout-lifecycle.ts).
 */
export type RolloutState = 'pending' | 'running' | 'succeeded' | 'failed' | 'rolling_back' | 'rollback_failed';
export type CoreRolloutState =
  | 'pending'
  | 'starting'
  | 'ready'
  | 'switched'
  | 'draining_old'
  | 'retired'
  | 'failed'
  | 'rollback_starting'
  | 'rolled_back';

export interface CoreRolloutStatus {
  coreId: number;
  previousGeneration?: number;
  targetGeneration: number;
  state: CoreRolloutState;
  updatedAt: string;
  detail?: string;
}

export interface RolloutStatus {
  rolloutId: string;
  pipelineGroupId: string;
  pipelineId: string;
  action: RolloutAction;
  state: RolloutState;
  targetGeneration: number;
  previousGeneration?: number;
  startedAt: string;
  updatedAt: string;
  failureReason?: string;
  cores: CoreRolloutStatus[];
}

/** Upstream's shutdown states: a drain that had to be cut short at its deadline is `failed`, with the reason. */
export type ShutdownState = 'pending' | 'running' | 'succeeded' | 'failed';
/**
 * Upstream's per-core states: `shutdown_requested` while the instance drains, then `exited`, or `failed` (it exited
 * with an error, or was killed at the deadline); `detail` says which (`drained`, or why it failed).
 */
export type CoreShutdownState = 'pending' | 'shutdown_requested' | 'exited' | 'failed';

export interface CoreShutdownStatus {
  coreId: number;
  deploymentGeneration: number;
  state: CoreShutdownState;
  updatedAt: string;
  detail?: string;
}

/** Who asked for a shutdown, from the request's `User-Agent` (best effort, not an identity), as upstream records it. */
export type ShutdownInitiator = 'admin_api' | 'dfctl';

export interface ShutdownStatus {
  shutdownId: string;
  pipelineGroupId: string;
  pipelineId: string;
  state: ShutdownState;
  /** Set for a shutdown asked for through `POST …/shutdown`; absent for the drains of a delete or a reconcile. */
  initiator?: ShutdownInitiator;
  startedAt: string;
  updatedAt: string;
  failureReason?: string;
  cores: CoreShutdownStatus[];
}

/** Upstream's PipelineDeleteStatus: what `DELETE …/pipelines/{id}` did. `shutdown` is there when it drained instances. */
export interface PipelineDeleteStatus {
  pipelineGroupId: string;
  pipelineId: string;
  state: 'succeeded' | 'failed';
  startedAt: string;
  updatedAt: string;
  shutdown?: ShutdownStatus;
  failureReason?: string;
}

/** Upstream's GroupDeleteStatus: the delete of each pipeline, in id order, up to the first that failed. */
export interface GroupDeleteStatus {
  pipelineGroupId: string;
  state: 'succeeded' | 'failed';
  startedAt: string;
  updatedAt: string;
  /** Omitted when the group had no pipeline, as upstream does. */
  pipelines?: PipelineDeleteStatus[];
  failureReason?: string;
}

/** Upstream's answer to `POST /groups/shutdown` (the whole engine). */
export interface EngineShutdownResponse {
  status: 'accepted' | 'completed' | 'failed' | 'timeout';
  errors?: string[];
  durationMs?: number;
}

/**
 * Upstream's reconcile states, and ours beside them: `rejected`, refused before anything was planned (a reload of an
 * invalid file, or one that met a busy pipeline); only a reload's record can be `rejected`.
 */
export type ReconcileState = 'pending' | 'running' | 'succeeded' | 'failed' | 'rejected';
/** What asked for the reconcile: `POST /config/reconcile`, SIGHUP (`systemctl reload`), or an OpAMP server's remote config. */
export type ReconcileTrigger = 'api' | 'reload' | 'opamp';

/** Upstream's ConfigChangeAction (bar `unsupported`, which this engine never plans: what it cannot do is a 422). */
export type ReconcileChangeAction = RolloutAction | 'delete';

/**
 * Upstream's ConfigChangeStatus: one pipeline (or, for a group delete, one group) the reconcile touched. `rollout` or
 * `shutdown` is the record of the work it took; `detail` says why it failed.
 */
export interface ReconcileChange {
  pipelineGroupId: string;
  /** Absent for the delete of a whole group. */
  pipelineId?: string;
  action: ReconcileChangeAction;
  state: 'pending' | 'running' | 'succeeded' | 'failed';
  rollout?: RolloutStatus;
  shutdown?: ShutdownStatus;
  detail?: string;
}

/** Upstream's EngineConfigReconcileStatus, with `trigger`, `deleteMissing` and `errors` beside its fields. */
export interface ReconcileStatus {
  reconcileId: string;
  state: ReconcileState;
  /** sha256 of the desired document in canonical JSON (keys sorted), as it was asked for. */
  configHash?: string;
  startedAt: string;
  updatedAt: string;
  changes: ReconcileChange[];
  failureReason?: string;
  trigger: ReconcileTrigger;
  deleteMissing: boolean;
  /** Why the config was refused, for a `rejected` reconcile. */
  errors?: ConfigError[];
}

/** One change between two pipeline configs, for dry runs and logs. Paths are dotted like config errors. */
export interface ConfigChange {
  path: string;
  op: 'add' | 'remove' | 'change';
  from?: unknown;
  to?: unknown;
}

/** The per-core plan of an action. */
export type CorePlanStep = { coreId: number; step: 'start' | 'keep' | 'replace' | 'drain' };

export interface PipelinePlan {
  action: RolloutAction;
  cores: CorePlanStep[];
}

export interface DryRunResult {
  action: RolloutAction;
  plan: PipelinePlan;
  diff: ConfigChange[];
}

/** What a reconcile would do to one pipeline: `delete` drains every core of a pipeline the document leaves out. */
export interface ReconcilePipelinePlan {
  pipelineGroupId: string;
  pipelineId: string;
  action: RolloutAction | 'delete';
  cores: CorePlanStep[];
  diff: ConfigChange[];
}

/** The answer of `POST /config/reconcile?dry_run=true`. */
export interface ReconcileDryRun {
  deleteMissing: boolean;
  pipelines: ReconcilePipelinePlan[];
  /** The groups the document leaves out, which a reconcile with deleteMissing deletes once their pipelines are gone. */
  deleteGroups: string[];
}

export type { ConfigError };
