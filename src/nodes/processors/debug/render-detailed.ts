// `detailed`: every field of every resource, scope and record, one per line, indented by depth; a field at its default
// value (absent in OTLP/JSON) is left out, attributes are listed one per line.
import type { Exemplar, KeyValue, LogRecord, LogsRequest, Metric, MetricsRequest, Resource, Scope, Span, TracesRequest } from '../../exporters/console/otlp-json.js';
import { toDouble } from '../../exporters/console/otlp-json.js';
import { valueText } from '../../exporters/console/text.js';
import { metricType } from './render-normal.js';

const TEMPORALITY = ['unspecified', 'delta', 'cumulative'];
const SPAN_KIND = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'];
const STATUS = ['unset', 'ok', 'error'];

class Lines {
  readonly out: string[] = [];

  line(depth: number, text: string): void {
    this.out.push(`${'  '.repeat(depth)}${text}`);
  }

  field(depth: number, name: string, value: string | number | boolean | undefined): void {
    if (value !== undefined && value !== '') this.line(depth, `${name}: ${value}`);
  }

  attributes(depth: number, name: string, list: readonly KeyValue[] | undefined): void {
    if (!list || list.length === 0) return;
    this.line(depth, `${name}:`);
    for (const kv of list) this.line(depth + 1, `${kv.key}: ${valueText(kv.value)}`);
  }

  resource(depth: number, kind: string, index: number, resource: Resource | undefined, schemaUrl: string | undefined): void {
    this.line(depth, `${kind} #${index}`);
    this.field(depth + 1, 'schema_url', schemaUrl);
    this.attributes(depth + 1, 'attributes', resource?.attributes);
    this.field(depth + 1, 'dropped_attributes_count', resource?.droppedAttributesCount);
  }

  scope(depth: number, kind: string, index: number, scope: Scope | undefined, schemaUrl: string | undefined): void {
    this.line(depth, `${kind} #${index}`);
    this.field(depth + 1, 'schema_url', schemaUrl);
    this.field(depth + 1, 'name', scope?.name);
    this.field(depth + 1, 'version', scope?.version);
    this.attributes(depth + 1, 'attributes', scope?.attributes);
    this.field(depth + 1, 'dropped_attributes_count', scope?.droppedAttributesCount);
  }

  logRecord(depth: number, r: LogRecord, index: number): void {
    this.line(depth, `LogRecord #${index}`);
    const d = depth + 1;
    this.field(d, 'time_unix_nano', r.timeUnixNano);
    this.field(d, 'observed_time_unix_nano', r.observedTimeUnixNano);
    this.field(d, 'severity_number', r.severityNumber);
    this.field(d, 'severity_text', r.severityText);
    this.field(d, 'event_name', r.eventName);
    if (r.body !== undefined) this.field(d, 'body', valueText(r.body));
    this.attributes(d, 'attributes', r.attributes);
    this.field(d, 'dropped_attributes_count', r.droppedAttributesCount);
    this.field(d, 'trace_id', r.traceId);
    this.field(d, 'span_id', r.spanId);
    this.field(d, 'flags', r.flags);
  }

  span(depth: number, s: Span, index: number): void {
    this.line(depth, `Span #${index}`);
    const d = depth + 1;
    this.field(d, 'trace_id', s.traceId);
    this.field(d, 'span_id', s.spanId);
    this.field(d, 'parent_span_id', s.parentSpanId);
    this.field(d, 'trace_state', s.traceState);
    this.field(d, 'name', s.name);
    this.field(d, 'kind', SPAN_KIND[s.kind ?? 0] ?? String(s.kind));
    this.field(d, 'start_time_unix_nano', s.startTimeUnixNano);
    this.field(d, 'end_time_unix_nano', s.endTimeUnixNano);
    this.field(d, 'flags', s.flags);
    if (s.status) this.field(d, 'status', `${STATUS[s.status.code ?? 0] ?? s.status.code}${s.status.message ? `: ${s.status.message}` : ''}`);
    this.attributes(d, 'attributes', s.attributes);
    this.field(d, 'dropped_attributes_count', s.droppedAttributesCount);
    (s.events ?? []).forEach((e, i) => {
      this.line(d, `Event #${i}`);
      this.field(d + 1, 'name', e.name);
      this.field(d + 1, 'time_unix_nano', e.timeUnixNano);
      this.attributes(d + 1, 'attributes', e.attributes);
      this.field(d + 1, 'dropped_attributes_count', e.droppedAttributesCount);
    });
    this.field(d, 'dropped_events_count', s.droppedEventsCount);
    (s.links ?? []).forEach((l, i) => {
      this.line(d, `Link #${i}`);
      this.field(d + 1, 'trace_id', l.traceId);
      this.field(d + 1, 'span_id', l.spanId);
      this.field(d + 1, 'trace_state', l.traceState);
      this.attributes(d + 1, 'attributes', l.attributes);
      this.field(d + 1, 'dropped_attributes_count', l.droppedAttributesCount);
    });
    this.field(d, 'dropped_links_count', s.droppedLinksCount);
  }

  metric(depth: number, m: Metric, index: number): void {
    this.line(depth, `Metric #${index}`);
    const d = depth + 1;
    this.field(d, 'name', m.name);
    this.field(d, 'description', m.description);
    this.field(d, 'unit', m.unit);
    this.field(d, 'type', metricType(m));
    const temporality = m.sum?.aggregationTemporality ?? m.histogram?.aggregationTemporality ?? m.exponentialHistogram?.aggregationTemporality;
    if (temporality !== undefined) this.field(d, 'aggregation_temporality', TEMPORALITY[temporality] ?? String(temporality));
    if (m.sum) this.field(d, 'is_monotonic', m.sum.isMonotonic ?? false);
    this.attributes(d, 'metadata', m.metadata);
    const num = (v: number | string | undefined): string | undefined => (v === undefined ? undefined : String(toDouble(v)));
    for (const [i, p] of (m.gauge?.dataPoints ?? m.sum?.dataPoints ?? []).entries()) {
      this.point(d, i, p);
      this.field(d + 1, 'value', p.asInt ?? num(p.asDouble));
      this.exemplars(d + 1, p.exemplars);
    }
    for (const [i, p] of (m.histogram?.dataPoints ?? []).entries()) {
      this.point(d, i, p);
      this.field(d + 1, 'count', p.count ?? '0');
      this.field(d + 1, 'sum', num(p.sum));
      this.field(d + 1, 'min', num(p.min));
      this.field(d + 1, 'max', num(p.max));
      this.field(d + 1, 'explicit_bounds', (p.explicitBounds ?? []).map(num).join(', '));
      this.field(d + 1, 'bucket_counts', (p.bucketCounts ?? []).join(', '));
      this.exemplars(d + 1, p.exemplars);
    }
    for (const [i, p] of (m.exponentialHistogram?.dataPoints ?? []).entries()) {
      this.point(d, i, p);
      this.field(d + 1, 'count', p.count ?? '0');
      this.field(d + 1, 'sum', num(p.sum));
      this.field(d + 1, 'min', num(p.min));
      this.field(d + 1, 'max', num(p.max));
      this.field(d + 1, 'scale', p.scale ?? 0);
      this.field(d + 1, 'zero_count', p.zeroCount ?? '0');
      this.field(d + 1, 'zero_threshold', num(p.zeroThreshold));
      for (const [name, b] of [['positive', p.positive], ['negative', p.negative]] as const) {
        if (b) this.field(d + 1, name, `offset ${b.offset ?? 0}, bucket_counts ${(b.bucketCounts ?? []).join(', ')}`);
      }
      this.exemplars(d + 1, p.exemplars);
    }
    for (const [i, p] of (m.summary?.dataPoints ?? []).entries()) {
      this.point(d, i, p);
      this.field(d + 1, 'count', p.count ?? '0');
      this.field(d + 1, 'sum', num(p.sum) ?? '0');
      for (const q of p.quantileValues ?? []) this.field(d + 1, `quantile ${num(q.quantile) ?? '0'}`, num(q.value) ?? '0');
    }
  }

  private point(depth: number, index: number, p: { attributes?: KeyValue[]; startTimeUnixNano?: string; timeUnixNano?: string; flags?: number }): void {
    this.line(depth, `DataPoint #${index}`);
    this.attributes(depth + 1, 'attributes', p.attributes);
    this.field(depth + 1, 'start_time_unix_nano', p.startTimeUnixNano);
    this.field(depth + 1, 'time_unix_nano', p.timeUnixNano);
    this.field(depth + 1, 'flags', p.flags);
  }

  private exemplars(depth: number, exemplars: readonly Exemplar[] | undefined): void {
    (exemplars ?? []).forEach((e, i) => {
      this.line(depth, `Exemplar #${i}`);
      this.field(depth + 1, 'time_unix_nano', e.timeUnixNano);
      this.field(depth + 1, 'value', e.asInt ?? (e.asDouble === undefined ? undefined : String(toDouble(e.asDouble))));
      this.field(depth + 1, 'trace_id', e.traceId);
      this.field(depth + 1, 'span_id', e.spanId);
      this.attributes(depth + 1, 'filtered_attributes', e.filteredAttributes);
    });
  }
}

export function detailedLogs(json: LogsRequest): string {
  const l = new Lines();
  (json.resourceLogs ?? []).forEach((rl, r) => {
    l.resource(0, 'ResourceLogs', r, rl.resource, rl.schemaUrl);
    (rl.scopeLogs ?? []).forEach((sl, s) => {
      l.scope(1, 'ScopeLogs', s, sl.scope, sl.schemaUrl);
      (sl.logRecords ?? []).forEach((record, i) => l.logRecord(2, record, i));
    });
  });
  return l.out.join('\n');
}

export function detailedTraces(json: TracesRequest): string {
  const l = new Lines();
  (json.resourceSpans ?? []).forEach((rs, r) => {
    l.resource(0, 'ResourceSpans', r, rs.resource, rs.schemaUrl);
    (rs.scopeSpans ?? []).forEach((ss, s) => {
      l.scope(1, 'ScopeSpans', s, ss.scope, ss.schemaUrl);
      (ss.spans ?? []).forEach((span, i) => l.span(2, span, i));
    });
  });
  return l.out.join('\n');
}

export function detailedMetrics(json: MetricsRequest): string {
  const l = new Lines();
  (json.resourceMetrics ?? []).forEach((rm, r) => {
    l.resource(0, 'ResourceMetrics', r, rm.resource, rm.schemaUrl);
    (rm.scopeMetrics ?? []).forEach((sm, s) => {
      l.scope(1, 'ScopeMetrics', s, sm.scope, sm.schemaUrl);
      (sm.metrics ?? []).forEach((metric, i) => l.metric(2, metric, i));
    });
  });
  return l.out.join('\n');
}

export function detailedLogRecord(r: LogRecord, index: number): string {
  const l = new Lines();
  l.logRecord(0, r, index);
  return l.out.join('\n');
}

export function detailedSpan(s: Span, index: number): string {
  const l = new Lines();
  l.span(0, s, index);
  return l.out.join('\n');
}

export function detailedMetric(m: Metric, index: number): string {
  const l = new Lines();
  l.metric(0, m, index);
  return l.out.join('\n');
}
