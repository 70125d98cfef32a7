// The shapes of a node's counters, as instances report them over IPC and the supervisor shows them in status and
// metrics. Kept beside the counters (counters.ts) and apart from the IPC protocol, which carries them.

export interface ThroughputCounts {
  items: number;
  messages: number;
  bytes: number;
}

export interface ThroughputStats extends ThroughputCounts {
  bySignal: Record<'logs' | 'traces' | 'metrics', ThroughputCounts>;
}

/** Per node counters, cumulative since the instance started. */
export interface NodeCounters {
  itemsReceived: number;
  itemsSent: number;
  itemsRefused: number;
  itemsDropped: number;
  itemsFailed: number;
  /** Protobuf bytes of the messages counted above (whole messages only; see src/pipeline/counters.ts). */
  bytesReceived: number;
  bytesSent: number;
  bytesRefused: number;
  bytesDropped: number;
  bytesFailed: number;
  queueDepth: number;
  /** Per signal totals of a measuring exporter (`exporter:perf`), shown in status and metrics. */
  throughput?: ThroughputStats;
  /** Requests refused for missing or rejected credentials; only on receivers bound to an authorizer extension. */
  requestsUnauthorized?: number;
}
