// The validated config of processor:batch, as upstream's engine names and nests it, and what this engine does with
// it. Shared by the descriptor (joi schema, supervisor) and the processor (instance); no joi here.
import { parseDuration } from '../../../config/duration.js';

export type Sizer = 'requests' | 'items' | 'bytes';

/** Sizing for one payload format: `otap` (Arrow records, never seen here) or `otlp` (protobuf bytes). */
export interface FormatConfig {
  /** A batch is sent once it holds this much (in the sizer's unit); null: only the timer (or max_size) sends. */
  min_size: number | null;
  /** A batch never holds more than this (an oversize message is split); null: no bound. */
  max_size: number | null;
  sizer: Sizer;
  /** An oversize message is split into at most this many parts, else sent whole; null: no bound. */
  max_split_fragments: number | null;
  /** Splitting may repeat at most this many bytes of resource and scope headers, else the message goes whole. */
  max_split_overhead_bytes: number | null;
  /** Parts one flush may make by splitting; past it, oversize messages go whole. */
  max_split_fragments_per_flush: number | null;
}

export interface BatchProcessorConfig {
  otap: FormatConfig;
  otlp: FormatConfig;
  /** How long the first message of a batch waits at most; 0: every message is sent at once (split if oversize). */
  max_batch_duration: string;
  /** A batch holding this many messages is sent. */
  inbound_request_limit: number;
  outbound_request_limit: number;
  format: 'otap' | 'otlp' | 'preserve';
}

export const DEFAULT_OTAP: FormatConfig = {
  min_size: 8192,
  max_size: null,
  sizer: 'items',
  max_split_fragments: null,
  max_split_overhead_bytes: null,
  max_split_fragments_per_flush: null,
};

export const DEFAULT_OTLP: FormatConfig = {
  min_size: 262144,
  max_size: null,
  sizer: 'bytes',
  max_split_fragments: 65536,
  max_split_overhead_bytes: 8 * 1024 * 1024,
  max_split_fragments_per_flush: 65536,
};

/**
 * What the processor runs on: every message here is OTLP bytes, so the `otlp` sizing governs. Upstream sizes OTLP in
 * bytes only; this engine also takes `items` (log records, spans, data points) and `requests` (messages) there.
 */
export interface BatchSettings {
  sizer: Sizer;
  /** Size (in the sizer's unit) that triggers a send; Infinity: none. */
  minSize: number;
  /** Size a batch may hold at most; Infinity: no bound. */
  maxSize: number;
  timeoutMs: number;
  maxRequests: number;
  maxFragments: number;
  maxOverheadBytes: number;
  maxFragmentsPerFlush: number;
}

const orInfinity = (n: number | null | undefined): number => (n == null ? Number.POSITIVE_INFINITY : n);

export function batchSettings(config: Partial<BatchProcessorConfig>): BatchSettings {
  const otlp = config.otlp ?? DEFAULT_OTLP;
  return {
    sizer: otlp.sizer,
    minSize: orInfinity(otlp.min_size),
    maxSize: orInfinity(otlp.max_size),
    timeoutMs: parseDuration(config.max_batch_duration ?? '200ms'),
    maxRequests: config.inbound_request_limit ?? 1024,
    maxFragments: orInfinity(otlp.max_split_fragments),
    maxOverheadBytes: orInfinity(otlp.max_split_overhead_bytes),
    maxFragmentsPerFlush: orInfinity(otlp.max_split_fragments_per_flush),
  };
}
