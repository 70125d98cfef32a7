// The shapes the admin API returns (CONTRACT.md §3). Base fields keep their shape forever; later issues only add.
import type { InstancePhase } from './phase.js';
import type { NodeCounters } from '../pipeline/counter-types.js';
import type { RolloutAction, RolloutState } from './operations.js';

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message?: string;
  lastTransitionTime: string;
}

/** What the supervisor records about a core as it happens (kept per core); shown as upstream's ObservedEvent. */
export interface CoreEvent {
  time: string;
  generation: number;
  event: string;
  message?: string;
}

/** Why a core failed, as upstream names it (`{ "failed": "runtime_error" }`). */
export type FailReason = 'admission_error' | 'config_rejected' | 'runtime_error' | 'drain_error' | 'rollback_failed' | 'delete_error' | 'update_failed';
export type DeletionMode = 'graceful' | 'forced';

/** Upstream's phase of a core: snake_case strings, except `failed` and `deleting`, which carry their reason or mode. */
export type CorePhase =
  | Exclude<InstancePhase, 'failed' | 'deleting'>
  | { failed: FailReason }
  | { deleting: DeletionMode };

/** Upstream's ObservedEvent: one key, `Engine` (a lifecycle event) or `Log` (anything else; `record` is free-form). */
export type ObservedEvent = { Engine: EngineEvent } | { Log: { time: string; record: Record<string, unknown> } };

export interface EngineEvent {
  key: { pipeline_group_id: string; pipeline_id: string; core_id: number; deployment_generation?: number };
  time: string;
  type: EngineEventType;
  message?: string;
  /** Ours, beside upstream's fields: the supervisor's name for the event (`spawned`, `ready`, `exited`, ...). */
  event: string;
}

export type EngineEventType =
  | { Request: 'StartRequested' | 'ShutdownRequested' | 'DeleteRequested' | 'ForceDeleteRequested' }
  | { Success: 'Admitted' | 'Ready' | 'IngressDrainStarted' | 'Drained' | 'Deleted' }
  | { Error: 'DrainDeadlineReached' | Partial<Record<'AdmissionError' | 'RuntimeError' | 'DrainError', ErrorSummary>> };

export interface ErrorSummary {
  Pipeline: { error_kind: string; message: string };
}

/** Upstream's CoreStatus: the runtime of one core (in `cores`) or of one instance (in `instances[].status`). */
export interface CoreStatus {
  phase: CorePhase;
  /** When the supervisor last heard of this runtime: its latest heartbeat or lifecycle event. */
  lastHeartbeatTime: string;
  /** `Accepted` and `Ready` of this runtime. */
  conditions: Condition[];
  deletePending: boolean;
  recentEvents: ObservedEvent[];
}

export interface InstanceStatus {
  coreId: number;
  deploymentGeneration: number;
  /** Upstream's status of this instance. */
  status: CoreStatus;
  pid: number | null;
  /** Ours: the instance's phase as a plain string (`failed` without its reason). */
  phase: InstancePhase;
  restarts: number;
  cpuPercent: number;
  rssBytes: number;
  /** Per-node counters from the instance's latest heartbeat (items received, sent, refused, dropped, failed; queue depth). */
  nodes?: Record<string, NodeCounters>;
}

export interface ListenerStatus {
  id: string;
  protocol: 'http' | 'grpc' | 'tcp' | 'udp';
  /** The address actually bound (port 0 resolved). */
  address: string;
}

export type DesiredStatus = 'running' | 'stopped';
export type DeploymentStatus = 'provisioning' | 'running' | 'updating' | 'degraded' | 'shutting_down' | 'stopped' | 'failed';

export interface DeploymentError {
  error_code: string;
  message: string;
  details: Record<string, unknown>;
}

export interface PipelineStatus {
  conditions: Condition[];
  totalCores: number;
  runningCores: number;
  cores: Record<string, CoreStatus>;
  instances: InstanceStatus[];
  activeGeneration: number;
  servingGenerations: Record<string, number>;
  desiredStatus: DesiredStatus;
  deploymentStatus: DeploymentStatus;
  deploymentStatusSince: string;
  deploymentError: DeploymentError | null;
  listeners: ListenerStatus[];
  /** The latest rollout of this pipeline (absent before the first one through the admin API). */
  rollout?: RolloutSummary;
}

export interface RolloutSummary {
  rolloutId: string;
  action: RolloutAction;
  state: RolloutState;
  targetGeneration: number;
  startedAt: string;
  updatedAt: string;
  failureReason?: string;
}

export interface EngineStatus {
  generatedAt: string;
  pipelines: Record<string, PipelineStatus>;
}

export interface ProbeFailure {
  /** `group:pipeline`. */
  pipeline: string;
  /** The pipeline's condition that fails the probe. */
  condition: Condition;
}

export interface ProbeResult {
  probe: 'livez' | 'readyz';
  status: 'ok' | 'failed';
  generatedAt: string;
  message?: string;
  failing: ProbeFailure[];
}
