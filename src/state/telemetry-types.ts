// What `GET /api/v1/telemetry/metrics` and `/telemetry/logs` answer, in upstream's terms: metrics grouped into metric
// sets (a name, the attributes of the entity they describe, and its metrics), and the retained log entries of the
// in-memory log tap in upstream's wire shape (snake_case, attribute values tagged by type).

/** Upstream's attribute value: one key naming the type (`{ "String": "main" }`, `{ "Int": 0 }`). */
export type TaggedAttribute = { String: string } | { Int: number } | { Double: number } | { Boolean: boolean };

export type AttributeScalar = string | number | boolean;

export function tagAttribute(value: AttributeScalar | readonly AttributeScalar[]): TaggedAttribute {
  if (typeof value === 'string') return { String: value };
  if (typeof value === 'boolean') return { Boolean: value };
  if (typeof value === 'number') return Number.isInteger(value) ? { Int: value } : { Double: value };
  // Upstream has no list values: a list is shown as its JSON text rather than dropped.
  return { String: JSON.stringify(value) };
}

export function tagAttributes(attributes: Readonly<Record<string, AttributeScalar | readonly AttributeScalar[]>>): Record<string, TaggedAttribute> {
  const out: Record<string, TaggedAttribute> = {};
  for (const key of Object.keys(attributes).sort()) out[key] = tagAttribute(attributes[key]!);
  return out;
}

export interface MetricPoint {
  name: string;
  /** UCUM, as upstream (`By`, `s`, `1`), or empty when the metric has none. */
  unit: string;
  brief: string;
  instrument: 'counter' | 'gauge';
  /** Counters only: they count from the engine's (or the instance's) start. */
  temporality?: 'cumulative';
  valueType: 'u64' | 'f64';
  value: number;
}

export interface MetricSetData {
  /** `engine`, `pipeline` (upstream's names) or `otap_engine` (the families of GET /api/v1/metrics). */
  name: string;
  brief: string;
  attributes: Record<string, AttributeScalar>;
  metrics: MetricPoint[];
}

export interface LogsQuery {
  /** Entries with a greater sequence number; absent: the newest `limit` entries. */
  after?: number;
  limit: number;
}

/** Upstream's LogsResponse. */
export interface LogsPage {
  oldest_seq: number | null;
  newest_seq: number | null;
  next_seq: number;
  truncated_before_seq: number | null;
  dropped_on_ingest: number;
  dropped_on_retention: number;
  retained_bytes: number;
  logs: LogEntry[];
}

export interface LogEntry {
  seq: number;
  timestamp: string;
  level: string;
  target: string;
  event_name: string;
  file: string | null;
  line: number | null;
  rendered: string;
  contexts: LogContext[];
}

export interface LogContext {
  entity_key: string;
  schema_name: string | null;
  attributes: Record<string, TaggedAttribute>;
}
