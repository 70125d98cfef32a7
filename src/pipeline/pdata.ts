import type { Ack } from './ack.js';
import type { Signal } from '../pdata/signal.js';

// What flows between nodes: one OTLP Export*ServiceRequest per message, kept as its protobuf encoding. Only a node
// that must look inside decodes it; receivers validate and count items with a wire-level scan (src/pdata/wire.ts).

export { SIGNALS, type Signal } from '../pdata/signal.js';

export interface PData {
  signal: Signal;
  /** Protobuf encoding of ExportLogsServiceRequest / ExportTraceServiceRequest / ExportMetricsServiceRequest. */
  payload: Uint8Array;
  /** Log records, spans or metric data points in `payload`. */
  items: number;
  /**
   * Acknowledgements waiting on this data (receivers with `wait_for_result`). A node that builds a new PData from this
   * one carries them on (`{ ...pdata, payload }`); see ack.ts.
   */
  acks?: readonly Ack[];
}

/** Expected outcomes are values, not exceptions. `retryable` carries the peer's hint when it gave one. */
export type ExportResult =
  /** OTLP partial_success: the peer accepted the request but dropped `rejectedItems` items, saying `message`. */
  | { kind: 'success'; rejectedItems?: number; message?: string }
  | { kind: 'retryable'; reason: string; retryAfterMs?: number }
  | { kind: 'failure'; reason: string };
