// What the debug processor shows: the counts of a message (`basic`, always), and one line per resource, scope and
// record (`normal`): a record's time, severity, event name or name, ids, value and attributes.
import type { KeyValue, LogRecord, LogsRequest, Metric, MetricsRequest, Scope, Span, TracesRequest } from '../../exporters/console/otlp-json.js';
import { toDouble } from '../../exporters/console/otlp-json.js';
import { attributesText, hasContent, rfc3339Nanos, valueText } from '../../exporters/console/text.js';

function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function countsLine(signal: 'logs' | 'metrics' | 'traces', json: LogsRequest & MetricsRequest & TracesRequest): string {
  if (signal === 'logs') {
    const records = (json.resourceLogs ?? []).flatMap((r) => (r.scopeLogs ?? []).flatMap((s) => s.logRecords ?? []));
    const events = records.filter((r) => r.eventName).length;
    return `logs: ${count(json.resourceLogs?.length ?? 0, 'resource')}, ${count(records.length, 'log record')}, ${count(events, 'event')}`;
  }
  if (signal === 'traces') {
    const spans = (json.resourceSpans ?? []).flatMap((r) => (r.scopeSpans ?? []).flatMap((s) => s.spans ?? []));
    const events = spans.reduce((n, s) => n + (s.events?.length ?? 0), 0);
    const links = spans.reduce((n, s) => n + (s.links?.length ?? 0), 0);
    return `traces: ${count(json.resourceSpans?.length ?? 0, 'resource')}, ${count(spans.length, 'span')}, ${count(events, 'event')}, ${count(links, 'link')}`;
  }
  const metrics = (json.resourceMetrics ?? []).flatMap((r) => (r.scopeMetrics ?? []).flatMap((s) => s.metrics ?? []));
  const points = metrics.reduce((n, m) => n + dataPoints(m).length, 0);
  return `metrics: ${count(json.resourceMetrics?.length ?? 0, 'resource')}, ${count(metrics.length, 'metric')}, ${count(points, 'data point')}`;
}

export function dataPoints(m: Metric): Array<{ attributes?: KeyValue[] }> {
  return m.gauge?.dataPoints ?? m.sum?.dataPoints ?? m.histogram?.dataPoints ?? m.exponentialHistogram?.dataPoints ?? m.summary?.dataPoints ?? [];
}

export function metricType(m: Metric): string {
  if (m.gauge) return 'gauge';
  if (m.sum) return 'sum';
  if (m.histogram) return 'histogram';
  if (m.exponentialHistogram) return 'exponential histogram';
  if (m.summary) return 'summary';
  return 'empty';
}

const num = (v: number | string | undefined): string => String(toDouble(v) ?? 0);

function severity(r: LogRecord): string {
  if (r.severityText) return r.severityText;
  const n = r.severityNumber ?? 0;
  return n >= 21 ? 'FATAL' : n >= 17 ? 'ERROR' : n >= 13 ? 'WARN' : n >= 9 ? 'INFO' : n >= 5 ? 'DEBUG' : n >= 1 ? 'TRACE' : '-';
}

export function logLine(r: LogRecord, index: number): string {
  const time = r.timeUnixNano ?? r.observedTimeUnixNano;
  const body = hasContent(r.body) ? valueText(r.body) : '';
  const what = r.eventName ? (body ? `${r.eventName}: ${body}` : r.eventName) : body;
  return `LogRecord #${index}${time ? ` ${rfc3339Nanos(time)}` : ''} ${severity(r)}${what ? ` ${what}` : ''}${attributesText(r.attributes)}`;
}

export function spanLine(s: Span, index: number): string {
  return `Span #${index} ${s.name ?? ''} trace_id=${s.traceId ?? ''} span_id=${s.spanId ?? ''}${attributesText(s.attributes)}`;
}

/** One line per data point: the metric's name, type and unit, the point's attributes and its value(s). */
export function metricLines(m: Metric, index: number): string[] {
  const head = `Metric #${index} ${m.name ?? ''} (${metricType(m)}${m.unit ? `, ${m.unit}` : ''})`;
  const lines: string[] = [];
  for (const p of m.gauge?.dataPoints ?? m.sum?.dataPoints ?? []) lines.push(`${head}${attributesText(p.attributes)} ${p.asInt ?? num(p.asDouble)}`);
  for (const p of m.histogram?.dataPoints ?? []) {
    const optional = (name: string, v: number | string | undefined) => (v === undefined ? '' : ` ${name}=${num(v)}`);
    lines.push(`${head}${attributesText(p.attributes)} count=${p.count ?? '0'}${optional('sum', p.sum)}${optional('min', p.min)}${optional('max', p.max)}`);
  }
  for (const p of m.exponentialHistogram?.dataPoints ?? []) {
    lines.push(`${head}${attributesText(p.attributes)} count=${p.count ?? '0'}${p.sum !== undefined ? ` sum=${num(p.sum)}` : ''} scale=${p.scale ?? 0} zero_count=${p.zeroCount ?? '0'}`);
  }
  for (const p of m.summary?.dataPoints ?? []) {
    const quantiles = (p.quantileValues ?? []).map((q) => `q${num(q.quantile)}=${num(q.value)}`).join(' ');
    lines.push(`${head}${attributesText(p.attributes)} count=${p.count ?? '0'} sum=${num(p.sum)}${quantiles ? ` ${quantiles}` : ''}`);
  }
  return lines.length > 0 ? lines : [head];
}

function header(kind: string, index: number, attributes: string, schemaUrl: string | undefined): string {
  return `${kind} #${index}${attributes}${schemaUrl ? ` schema_url=${schemaUrl}` : ''}`;
}

function scopeHeader(kind: string, index: number, scope: Scope | undefined, schemaUrl?: string): string {
  const name = scope?.name ? ` ${scope.name}${scope.version ? ` ${scope.version}` : ''}` : '';
  return `  ${header(kind, index, `${name}${attributesText(scope?.attributes)}`, schemaUrl)}`;
}

export function normalLogs(json: LogsRequest): string {
  const out: string[] = [];
  (json.resourceLogs ?? []).forEach((rl, r) => {
    out.push(header('ResourceLogs', r, attributesText(rl.resource?.attributes), rl.schemaUrl));
    (rl.scopeLogs ?? []).forEach((sl, s) => {
      out.push(scopeHeader('ScopeLogs', s, sl.scope, sl.schemaUrl));
      (sl.logRecords ?? []).forEach((record, i) => out.push(`    ${logLine(record, i)}`));
    });
  });
  return out.join('\n');
}

export function normalTraces(json: TracesRequest): string {
  const out: string[] = [];
  (json.resourceSpans ?? []).forEach((rs, r) => {
    out.push(header('ResourceSpans', r, attributesText(rs.resource?.attributes), rs.schemaUrl));
    (rs.scopeSpans ?? []).forEach((ss, s) => {
      out.push(scopeHeader('ScopeSpans', s, ss.scope, ss.schemaUrl));
      (ss.spans ?? []).forEach((span, i) => out.push(`    ${spanLine(span, i)}`));
    });
  });
  return out.join('\n');
}

export function normalMetrics(json: MetricsRequest): string {
  const out: string[] = [];
  (json.resourceMetrics ?? []).forEach((rm, r) => {
    out.push(header('ResourceMetrics', r, attributesText(rm.resource?.attributes), rm.schemaUrl));
    (rm.scopeMetrics ?? []).forEach((sm, s) => {
      out.push(scopeHeader('ScopeMetrics', s, sm.scope, sm.schemaUrl));
      (sm.metrics ?? []).forEach((metric, i) => out.push(...metricLines(metric, i).map((l) => `    ${l}`)));
    });
  });
  return out.join('\n');
}
