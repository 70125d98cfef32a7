// The control plane's commands and their outcomes, as the admin API (and any other front end: OpAMP, ctl) calls them.
// Outcomes are unions; each front end maps every kind to one answer. The supervisor implements these interfaces.
import type { EngineStatus, PipelineStatus, ProbeResult, RolloutSummary } from './status-types.js';
import type { PipelineSpec, EngineConfig } from '../config/types.js';
import type { ConfigError } from '../config/errors.js';
import type {
  DryRunResult,
  EngineShutdownResponse,
  GroupDeleteStatus,
  PipelineDeleteStatus,
  ReconcileDryRun,
  ReconcileStatus,
  RolloutStatus,
  ShutdownInitiator,
  ShutdownStatus,
} from './operations.js';
import type { GroupSpec } from '../config/types.js';
import type { LogsPage, LogsQuery, MetricSetData } from './telemetry-types.js';

/** One kept operation record: a pipeline's rollout or its shutdown. */
export type OperationEntry = { kind: 'rollout'; record: RolloutStatus } | { kind: 'shutdown'; record: ShutdownStatus };

/** Upstream's PipelineDetails, and ours beside it (`desiredStatus`). */
export interface PipelineDescription {
  pipelineGroupId: string;
  pipelineId: string;
  activeGeneration: number;
  /** The committed pipeline config, secrets redacted. */
  pipeline: PipelineSpec;
  /** The latest rollout of the pipeline, as in its status (absent before the first one through the admin API). */
  rollout?: RolloutSummary;
  desiredStatus: PipelineStatus['desiredStatus'];
}

/** Upstream's per-pipeline probes: `livez` (live quorum) and `readyz` (ready quorum, at least one core). */
export type PipelineProbe = 'livez' | 'readyz';

export interface AdminBackend {
  status(): EngineStatus;
  /** undefined: group or pipeline unknown (the caller tells which with hasGroup). */
  pipelineStatus(group: string, pipeline: string): PipelineStatus | undefined;
  pipeline(group: string, pipeline: string): PipelineDescription | undefined;
  hasGroup(group: string): boolean;
  /** The committed group config (upstream's PipelineGroupConfig, secrets redacted); undefined: no such group. */
  group(group: string): GroupSpec | undefined;
  /** The committed config as it runs now, secrets redacted. */
  committedConfig(): EngineConfig;
  /**
   * The committed config as the operator wrote it (`ctl config export`): `${env:…}` references as given, never their
   * values, and any credential written literally redacted.
   */
  exportedConfig(): Record<string, unknown>;
  livez(): ProbeResult;
  readyz(): ProbeResult;
  /** false for a pipeline that does not exist, as upstream answers. */
  pipelineProbe(group: string, pipeline: string, probe: PipelineProbe): boolean;
}

// ---- Live management (CONTRACT.md §3). Outcomes are unions; the routes map each kind to one HTTP answer. ----

/** How long an operation may take: `wait` blocks the answer until it ends or `timeoutSecs` runs out. */
export interface WaitOptions {
  wait: boolean;
  timeoutSecs: number;
}

export interface PutPipelineRequest {
  /** The pipeline config as under groups.G.pipelines.P (unvalidated: the engine validates it in the whole config). */
  pipeline: unknown;
  stepTimeoutSecs: number;
  drainTimeoutSecs: number;
  dryRun: boolean;
}

/**
 * A pipeline is busy with another operation: 409 conflict, naming it. A group delete holds every pipeline of its group,
 * a reconcile every pipeline of the engine.
 */
export interface Busy {
  kind: 'busy';
  operation: { type: 'rollout' | 'shutdown' | 'delete' | 'reconcile'; id: string };
}

export type PutPipelineOutcome =
  | { kind: 'group_not_found' }
  | { kind: 'invalid'; errors: ConfigError[] }
  | Busy
  | { kind: 'dry_run'; result: DryRunResult }
  /** Nothing to change: answered 200 at once with a `noop` RolloutStatus (same generation, nothing restarted). */
  | { kind: 'noop'; rollout: RolloutStatus }
  /** wait=false: 202 with Location. */
  | { kind: 'accepted'; rollout: RolloutStatus }
  /** wait=true and it succeeded: 201 for create, 200 otherwise. */
  | { kind: 'succeeded'; rollout: RolloutStatus }
  /** wait=true and it failed (rolled back or not): 409 with the RolloutStatus as the body, as upstream. */
  | { kind: 'failed'; rollout: RolloutStatus }
  /** wait=true ran out of timeout_secs: 504 with the RolloutStatus as the body and Location; the rollout goes on. */
  | { kind: 'timeout'; rollout: RolloutStatus };

export type ShutdownOutcome =
  | { kind: 'group_not_found' }
  | { kind: 'pipeline_not_found' }
  | Busy
  /** Nothing runs to shut down: 422, as upstream. */
  | { kind: 'already_stopped' }
  | { kind: 'accepted'; shutdown: ShutdownStatus }
  | { kind: 'succeeded'; shutdown: ShutdownStatus }
  | { kind: 'failed'; shutdown: ShutdownStatus }
  | { kind: 'timeout'; shutdown: ShutdownStatus };

export type StartOutcome =
  | { kind: 'group_not_found' }
  | { kind: 'pipeline_not_found' }
  | Busy
  /** The pipeline runs already: 409 conflict. */
  | { kind: 'already_running' }
  | { kind: 'accepted'; rollout: RolloutStatus };

export type CreateGroupOutcome =
  | { kind: 'created'; group: GroupSpec }
  | { kind: 'exists' }
  /** The group config is not an empty group, or not valid in the committed config: 422. */
  | { kind: 'invalid'; errors: ConfigError[] }
  | Busy;

/** DELETE of a pipeline drains it and forgets it, waiting for the end: 200 or 409 with the PipelineDeleteStatus. */
export type DeletePipelineOutcome =
  | { kind: 'group_not_found' }
  | { kind: 'pipeline_not_found' }
  | Busy
  | { kind: 'succeeded' | 'failed'; delete: PipelineDeleteStatus };

/** DELETE of a group deletes its pipelines one by one, then the group: 200 or 409 with the GroupDeleteStatus. */
export type DeleteGroupOutcome =
  | { kind: 'group_not_found' }
  | Busy
  | { kind: 'succeeded' | 'failed'; delete: GroupDeleteStatus };

/** `POST /groups/shutdown`: upstream's answer, its HTTP status decided by `status`. */
export type EngineShutdownOutcome = EngineShutdownResponse;

export interface ReconcileRequest {
  /** A whole `otel_dataflow/v1` document (unvalidated). */
  config: unknown;
  /** Pipelines and groups the document leaves out are deleted (upstream's default). */
  deleteMissing: boolean;
  /** For each created, replaced or resized pipeline, as for a PUT. */
  stepTimeoutSecs: number;
  drainTimeoutSecs: number;
  /** The drain window of each pipeline a `deleteMissing` deletes. */
  deleteTimeoutSecs: number;
  /** Who asked, for the record: `api` unless a front end other than the admin API (OpAMP) says otherwise. */
  trigger?: 'api' | 'opamp';
}

/** A reconcile waits by default, as upstream's; without `timeoutSecs` until it ends. */
export interface ReconcileWait {
  wait: boolean;
  timeoutSecs?: number;
}

export type ReconcileOutcome =
  | { kind: 'invalid'; errors: ConfigError[] }
  | Busy
  | { kind: 'accepted'; reconcile: ReconcileStatus }
  | { kind: 'succeeded'; reconcile: ReconcileStatus }
  | { kind: 'failed'; reconcile: ReconcileStatus }
  | { kind: 'timeout'; reconcile: ReconcileStatus };

export type ReconcilePlanOutcome = { kind: 'invalid'; errors: ConfigError[] } | { kind: 'dry_run'; result: ReconcileDryRun };

export interface LiveAdminBackend extends AdminBackend {
  putPipeline(group: string, pipeline: string, request: PutPipelineRequest, wait: WaitOptions): Promise<PutPipelineOutcome>;
  rollout(group: string, pipeline: string, rolloutId: string): RolloutStatus | undefined;
  shutdownPipeline(
    group: string,
    pipeline: string,
    drainTimeoutSecs: number,
    wait: WaitOptions,
    initiator?: ShutdownInitiator,
  ): Promise<ShutdownOutcome>;
  shutdown(group: string, pipeline: string, shutdownId: string): ShutdownStatus | undefined;
  /**
   * The newest rollout and shutdown records the engine keeps (of every pipeline, deleted ones too), newest first, at
   * most `limit`: what the web console shows as history, whenever the page was opened.
   */
  recentOperations(limit: number): OperationEntry[];
  startPipeline(group: string, pipeline: string): Promise<StartOutcome>;
  /** Drains the pipeline (within `drainTimeoutSecs`) and forgets it; resolves when that has ended. */
  deletePipeline(group: string, pipeline: string, drainTimeoutSecs: number): Promise<DeletePipelineOutcome>;
  /** Creates an empty group with the given group-level settings (`pipelines` must be empty). */
  createGroup(group: string, spec: GroupSpec): Promise<CreateGroupOutcome>;
  deleteGroup(group: string, drainTimeoutSecs: number): Promise<DeleteGroupOutcome>;
  /** Drains every pipeline of the engine (within `wait.timeoutSecs`), after which the engine exits. */
  shutdownEngine(wait: WaitOptions): Promise<EngineShutdownOutcome>;
  reconcile(request: ReconcileRequest, wait: ReconcileWait): Promise<ReconcileOutcome>;
  /** `?dry_run=true` of a reconcile: what it would do to each pipeline; changes nothing and takes no lock. */
  planReconcile(request: ReconcileRequest): ReconcilePlanOutcome;
  reconcileStatus(reconcileId: string): ReconcileStatus | undefined;
}

/** The engine's own telemetry as the admin API serves it (`/telemetry/metrics`, `/telemetry/logs`). */
export interface TelemetryReader {
  /** Every metric of the engine now, grouped into metric sets. */
  metricSets(): Promise<MetricSetData[]>;
  /** undefined: the in-memory log tap is off (`engine.telemetry.logs.tap.enabled`), and the answer is 404 as upstream's. */
  logs(query: LogsQuery): LogsPage | undefined;
}
