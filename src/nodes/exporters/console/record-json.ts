// `record_json`: one compact JSON object per log record, one per line, with logging-style snake_case fields and native
// JSON values, and the record's resource and scope repeated in it when asked. Int64 values are written as JSON
// integers with every digit (or as strings), which JSON.stringify cannot do for values past 2^53: the object is
// built with RawNumber leaves and serialized here.
import type { AnyValue, KeyValue, LogRecord, LogsRequest, Resource, Scope } from './otlp-json.js';
import { rfc3339Nanos } from './text.js';

export interface RecordJsonOptions {
  timestamp_format: 'rfc3339' | 'unix_nano';
  body_field: 'body' | 'message';
  int64_format: 'number' | 'string';
  resource: boolean;
  scope: boolean;
  otel: boolean;
}

/** A JSON number written as it is (a decimal int64). */
class RawNumber {
  constructor(readonly digits: string) {}
}

type Json = string | number | boolean | null | RawNumber | Json[] | { [key: string]: Json };

function serialize(value: Json): string {
  if (value instanceof RawNumber) return value.digits;
  if (Array.isArray(value)) return `[${value.map(serialize).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value)
      .map(([k, v]) => `${JSON.stringify(k)}:${serialize(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

export class RecordJson {
  constructor(private readonly options: RecordJsonOptions) {}

  render(request: LogsRequest): string {
    let out = '';
    for (const rl of request.resourceLogs ?? []) {
      for (const sl of rl.scopeLogs ?? []) {
        for (const record of sl.logRecords ?? []) out += `${serialize(this.record(record, rl.resource, sl.scope, rl.schemaUrl, sl.schemaUrl))}\n`;
      }
    }
    return out;
  }

  private record(r: LogRecord, resource: Resource | undefined, scope: Scope | undefined, resourceSchema?: string, scopeSchema?: string): Json {
    const o = this.options;
    const out: { [key: string]: Json } = {};
    if (r.timeUnixNano !== undefined) out.timestamp = this.time(r.timeUnixNano);
    if (r.observedTimeUnixNano !== undefined) out.observed_timestamp = this.time(r.observedTimeUnixNano);
    if (r.severityNumber !== undefined) out.severity_number = r.severityNumber;
    if (r.severityText !== undefined) out.severity_text = r.severityText;
    if (r.body !== undefined) out[o.body_field] = this.value(r.body);
    if (r.eventName !== undefined) out.event_name = r.eventName;
    out.attributes = this.attributes(r.attributes);
    if (o.resource) out.resource = this.attributes(resource?.attributes);
    if (o.scope) {
      const s: { [key: string]: Json } = {};
      if (scope?.name !== undefined) s.name = scope.name;
      if (scope?.version !== undefined) s.version = scope.version;
      s.attributes = this.attributes(scope?.attributes);
      out.scope = s;
    }
    if (r.traceId?.length === 32) out.trace_id = r.traceId;
    if (r.spanId?.length === 16) out.span_id = r.spanId;
    if (r.flags !== undefined) out.trace_flags = r.flags;
    if (o.otel) {
      const otel: { [key: string]: Json } = { dropped_attributes_count: r.droppedAttributesCount ?? 0 };
      if (resourceSchema !== undefined) otel.resource_schema_url = resourceSchema;
      if (scopeSchema !== undefined) otel.scope_schema_url = scopeSchema;
      out.otel = otel;
    }
    return out;
  }

  private time(nanos: string): string {
    return this.options.timestamp_format === 'rfc3339' ? rfc3339Nanos(nanos) : nanos;
  }

  /** The last occurrence of a key wins; a last occurrence without a value removes the key. */
  private attributes(list: readonly KeyValue[] | undefined): { [key: string]: Json } {
    // No prototype: a key such as `__proto__` is data like any other.
    const out: { [key: string]: Json } = Object.create(null) as { [key: string]: Json };
    for (const kv of list ?? []) {
      if (kv.value === undefined) delete out[kv.key];
      else out[kv.key] = this.value(kv.value);
    }
    return out;
  }

  private value(v: AnyValue): Json {
    if (v.stringValue !== undefined) return v.stringValue;
    if (v.boolValue !== undefined) return v.boolValue;
    if (v.intValue !== undefined) return this.options.int64_format === 'number' ? new RawNumber(v.intValue) : v.intValue;
    if (v.doubleValue !== undefined) return typeof v.doubleValue === 'number' ? v.doubleValue : null;
    if (v.arrayValue !== undefined) return (v.arrayValue.values ?? []).map((x) => this.value(x));
    if (v.kvlistValue !== undefined) return this.attributes(v.kvlistValue.values);
    if (v.bytesValue !== undefined) return v.bytesValue;
    return null;
  }
}
