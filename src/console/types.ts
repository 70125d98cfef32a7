// The admin API shapes the console reads (docs/admin/openapi.json), written out here because the browser code imports
// none of the engine's modules. Only the fields the console shows; records may carry more.

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message?: string;
  lastTransitionTime: string;
}

export interface NodeCounters {
  itemsReceived: number;
  itemsSent: number;
  itemsRefused: number;
  itemsDropped: number;
  itemsFailed: number;
  queueDepth: number;
}

export interface InstanceStatus {
  coreId: number;
  deploymentGeneration: number;
  pid: number | null;
  phase: string;
  restarts: number;
  cpuPercent: number;
  rssBytes: number;
  nodes?: Record<string, NodeCounters>;
}

/** One entry of a core's `recentEvents` (upstream's ObservedEvent): a lifecycle event, or a log record. */
export type ObservedEvent =
  | { Engine: { time: string; event?: string; message?: string; type?: unknown; key?: { core_id?: number; deployment_generation?: number } } }
  | { Log: { time: string; record?: Record<string, unknown> } };

export interface RolloutSummary {
  rolloutId: string;
  action: string;
  state: string;
  targetGeneration: number;
  startedAt: string;
  updatedAt: string;
  failureReason?: string;
}

export interface PipelineStatus {
  conditions: Condition[];
  totalCores: number;
  runningCores: number;
  cores: Record<string, { recentEvents?: ObservedEvent[] }>;
  instances: InstanceStatus[];
  activeGeneration: number;
  servingGenerations: Record<string, number>;
  desiredStatus: string;
  deploymentStatus: string;
  deploymentStatusSince: string;
  deploymentError: { error_code: string; message: string } | null;
  rollout?: RolloutSummary;
}

export interface EngineStatus {
  generatedAt: string;
  pipelines: Record<string, PipelineStatus>;
}

export interface CoreRolloutStatus {
  coreId: number;
  previousGeneration?: number;
  targetGeneration: number;
  state: string;
  updatedAt: string;
  detail?: string;
}

export interface RolloutStatus {
  rolloutId: string;
  pipelineGroupId: string;
  pipelineId: string;
  action: string;
  state: string;
  targetGeneration: number;
  previousGeneration?: number;
  startedAt: string;
  updatedAt: string;
  failureReason?: string;
  cores: CoreRolloutStatus[];
}

export interface ShutdownStatus {
  shutdownId: string;
  pipelineGroupId: string;
  pipelineId: string;
  state: string;
  startedAt: string;
  updatedAt: string;
  failureReason?: string;
}

/** A kept operation record, as the event `operation` sends it. */
export type OperationEntry = { kind: 'rollout'; record: RolloutStatus } | { kind: 'shutdown'; record: ShutdownStatus };

/** One line of the engine's log tap (upstream's LogEntry); `contexts` name the pipeline instance it is about. */
export interface LogEntry {
  seq: number;
  timestamp: string;
  level: string;
  target: string;
  event_name: string;
  rendered: string;
  contexts: Array<{ entity_key: string; attributes: Record<string, Record<string, string | number | boolean>> }>;
}

/** The data of the event `logs`. */
export type LogsEvent = { tap: 'off' } | { tap: 'on'; logs: LogEntry[]; truncatedBeforeSeq: number | null };

export interface PipelineConfig {
  nodes?: Record<string, { type?: string }>;
  connections?: Array<{ from: string | string[]; to: string | string[] }>;
  [key: string]: unknown;
}

export interface PipelineDescription {
  pipelineGroupId: string;
  pipelineId: string;
  /** The committed config (engines before upstream's shape named it `config`). */
  pipeline?: PipelineConfig;
  config?: PipelineConfig;
  desiredStatus: string;
  activeGeneration: number;
}

export function committedConfig(description: PipelineDescription): PipelineConfig | undefined {
  return description.pipeline ?? description.config;
}

/** What any API call answered: the status code and the parsed body (or its text when it was not JSON). */
export interface ApiAnswer {
  status: number;
  body: unknown;
}

/** Rollouts that ended and will not change again. */
export const FINAL_ROLLOUT_STATES: ReadonlySet<string> = new Set(['succeeded', 'failed', 'rolled_back', 'rollback_failed']);
