// A template is one message of `signals` signals, encoded once: fresh batches are copies of it with the times and
// ids written (batch.ts); pre-generated ones are the copy made at start, replayed as it is. Field numbers are the OTLP
// protos' (see src/pdata/schema); tests decode every template with the schema.
import type { Signal } from '../../../pipeline/pdata.js';
import { concat, forItem, message, string, attribute, type Part, type Scalar } from './parts.js';

export interface Template {
  signal: Signal;
  /** Signals in the message: log records, spans or metrics (what signals_per_second counts). */
  signals: number;
  /** Items in the message as the engine counts them: log records, spans, metric data points. */
  items: number;
  part: Part;
}

export const SCOPE_NAME = 'traffic_generator';
export const SCOPE_VERSION = '1.0.0';

/** The items of a batch, each with its marks tagged with its index (items are 1 ns apart). */
export function items(count: number, build: (i: number) => Part): Part[] {
  return Array.from({ length: count }, (_, i) => forItem(build(i), i));
}

/** Export*ServiceRequest{resource item{resource{attributes}, scope item{scope, records}}}. */
export function request(resource: ReadonlyArray<readonly [string, Scalar]>, records: readonly Part[]): Part {
  // ResourceLogs/ResourceSpans/ResourceMetrics: resource = 1, scope items = 2; Scope*: scope = 1, records = 2.
  const resourcePart = message(1, ...resource.map(([k, v]) => attribute(1, k, v)));
  const scope = message(1, string(1, SCOPE_NAME), string(2, SCOPE_VERSION));
  return message(1, resourcePart, message(2, scope, concat(records)));
}
