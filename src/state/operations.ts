// Operation records (CONTRACT.md §3): what a rollout, a shutdown or a reconcile did and is doing, per core.
import type { ConfigError } from '../config/errors.js';

export type RolloutAction = 'create' | 'noop' | 'resize' | 'replace';
export type RolloutState = 'pending' | 'running' | 'succeeded' | 'failed' | 'rolling_back' | 'rolled_back' | 'rollback_failed';
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

export type ShutdownState = 'pending' | 'running' | 'succeeded' | 'failed' | 'timeout';
export type CoreShutdownState = 'draining' | 'drained' | 'forced' | 'failed';

export interface CoreShutdownStatus {
  coreId: number;
  deploymentGeneration: number;
  state: CoreShutdownState;
  updatedAt: string;
}

export interface ShutdownStatus {
  shutdownId: string;
  pipelineGroupId: string;
  pipelineId: string;
  state: ShutdownState;
  startedAt: string;
  updatedAt: string;
  failureReason?: string;
  cores: CoreShutdownStatus[];
}

/** `rejected`: refused before anything was planned (a reload of an invalid file, or one that met a busy pipeline). */
export type ReconcileState = 'running' | 'succeeded' | 'failed' | 'rejected';
/** What asked for the reconcile: `POST /config/reconcile`, or SIGHUP (`systemctl reload`). */
export type ReconcileTrigger = 'api' | 'reload';

export interface ReconcilePipelineStatus {
  pipelineGroupId: string;
  pipelineId: string;
  action: RolloutAction | 'delete';
  state: RolloutState | ShutdownState;
  rolloutId?: string;
  shutdownId?: string;
  failureReason?: string;
}

export interface ReconcileStatus {
  reconcileId: string;
  trigger: ReconcileTrigger;
  state: ReconcileState;
  startedAt: string;
  updatedAt: string;
  deleteMissing: boolean;
  pipelines: ReconcilePipelineStatus[];
  failureReason?: string;
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
}

export type { ConfigError };
