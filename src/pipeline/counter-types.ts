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

/** The storage of a durable buffer (processor:durable_buffer) in one instance: levels, then cumulative counts. */
export interface DurableBufferStats {
  /** Bytes of the segment files this core's buffer holds (its own log, logs it adopted, and logs of its core it waits for). */
  bytesUsed: number;
  /** This core's share of `retention_size_cap`. */
  bytesCap: number;
  /** Items stored and not delivered yet, and the age of the oldest of them in seconds (0 when there is none). */
  itemsQueued: number;
  oldestAgeSeconds: number;
  /** Records sent downstream and waiting for their outcome or for a retry. */
  inFlight: number;
  itemsStored: number;
  itemsDelivered: number;
  /** Deliveries sent again after a failure downstream. */
  retries: number;
  /** Items lost on purpose, by reason: older than max_age; dropped to make room (drop_oldest); refused for good downstream. */
  itemsExpired: number;
  itemsDroppedOldest: number;
  itemsRejected: number;
  /** Items refused upstream: at the cap (backpressure), or because the disk refused the write. */
  itemsRefused: number;
  /** Writes to the log that failed (a full disk, an I/O error). */
  writeErrors: number;
  /** Damaged stretches of a recovered log passed over, and their bytes (a tail torn by a crash, flipped bits). */
  damagedStretches: number;
  damagedBytes: number;
  /** Log directories taken over from instances that are gone. */
  logsAdopted: number;
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
  /** Only on processor:durable_buffer nodes. */
  durableBuffer?: DurableBufferStats;
}
