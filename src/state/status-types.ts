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

export interface CoreEvent {
  time: string;
  generation: number;
  event: string;
  message?: string;
}

export interface CoreStatus {
  phase: InstancePhase;
  lastHeartbeatTime: string | null;
  conditions: Condition[];
  deletePending: boolean;
  recentEvents: CoreEvent[];
}

export interface InstanceStatus {
  coreId: number;
  deploymentGeneration: number;
  pid: number | null;
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
  pipeline: string;
  condition: string;
}

export interface ProbeResult {
  probe: 'livez' | 'readyz';
  status: 'ok' | 'failed';
  generatedAt: string;
  message?: string;
  failing: ProbeFailure[];
}
