// What the engine's own telemetry looks like while it travels between processes: instances hand their log lines to the
// supervisor, and the supervisor hands log lines and metric snapshots to the observability instance, whose
// `receiver:internal_telemetry` turns them into OTLP. Plain JSON values: they cross IPC with `serialization: 'json'`.

import type { Attributes, AttributeValue, ProviderMode } from '../config/types.js';

export type { AttributeScalar, AttributeValue, Attributes, ProviderMode } from '../config/types.js';

/** What an instance needs to know about the engine's telemetry; absent means console lines as before. */
export interface InstanceTelemetry {
  /** Where this instance's own log lines go. `its` sends them to the supervisor; never set on the observability instance. */
  logs: ProviderMode;
  /** Log lines an instance holds for the supervisor at most; more are dropped and counted. */
  maxPendingLines: number;
  /** Set only on the observability instance: what its internal_telemetry receiver needs. */
  observability?: ObservabilitySettings;
}

export interface ObservabilitySettings {
  /** Resource attributes of everything the receiver emits (`engine.telemetry.resource` and the detectors'). */
  resource: Attributes;
  /** `engine.telemetry.reporting_interval`: the default of the receiver's `metrics.interval`. */
  reportingIntervalMs: number;
  /** Batches the receiver holds while downstream is slow; more are dropped and counted. */
  maxPendingBatches: number;
}

/**
 * Where a log line was written: the supervisor (upstream's controller, `global` provider), its admin API (`admin`),
 * or a pipeline instance (`engine`).
 */
export type LogOrigin = 'controller' | 'admin' | 'pipeline';

export interface LogBatch {
  origin: LogOrigin;
  /** pino's JSON lines, as written. */
  lines: string[];
}

/** supervisor → observability instance. */
export interface TelemetryBatch {
  logs?: LogBatch[];
  metrics?: MetricSnapshot;
}

/** The engine's metrics at one moment, grouped as upstream groups them: one scope per metric set and entity. */
export interface MetricSnapshot {
  timeUnixMs: number;
  /** Start of the cumulative counts (the supervisor's start). */
  startTimeUnixMs: number;
  scopes: MetricScope[];
}

export interface MetricScope {
  /** The metric set (`engine`, `pipeline`, `otap_engine`). */
  name: string;
  /** The entity the set describes (`pipeline.group.id`, `core.id`, ...). */
  attributes: Attributes;
  metrics: MetricData[];
}

export type MetricData = {
  name: string;
  description: string;
  unit: string;
} & (
  | { kind: 'sum'; monotonic: boolean; points: NumberPoint[] }
  | { kind: 'gauge'; points: NumberPoint[] }
  | { kind: 'histogram'; points: HistogramPoint[] }
  | { kind: 'summary'; points: SummaryPoint[] }
);

export interface NumberPoint {
  attributes: Attributes;
  value: number;
  /** asInt rather than asDouble. */
  integer?: boolean;
}

export interface HistogramPoint {
  attributes: Attributes;
  count: number;
  sum: number;
  /** Upper bounds, ascending, without +Inf. */
  bounds: number[];
  /** One more than bounds: the last bucket is (last bound, +Inf). */
  counts: number[];
}

export interface SummaryPoint {
  attributes: Attributes;
  count: number;
  sum: number;
  quantiles: Array<{ quantile: number; value: number }>;
}
