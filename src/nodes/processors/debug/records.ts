// The records of a request one by one, for the debug processor's `signal` mode: each with its position, and as a
// request of its own (its resource and scope kept) for output ports.
import type { LogRecord, LogsRequest, Metric, MetricsRequest, Span, TracesRequest } from '../../exporters/console/otlp-json.js';
import { dataPoints } from './render-normal.js';

export type AnyRequest = LogsRequest & MetricsRequest & TracesRequest;

export type Single =
  | { kind: 'log'; record: LogRecord; alone: LogsRequest; items: number }
  | { kind: 'metric'; record: Metric; alone: MetricsRequest; items: number }
  | { kind: 'span'; record: Span; alone: TracesRequest; items: number };

export function singles(signal: 'logs' | 'metrics' | 'traces', json: AnyRequest): Single[] {
  const out: Single[] = [];
  if (signal === 'logs') {
    for (const { scopeLogs, ...resource } of json.resourceLogs ?? []) {
      for (const { logRecords, ...scope } of scopeLogs ?? []) {
        for (const record of logRecords ?? []) {
          out.push({ kind: 'log', record, items: 1, alone: { resourceLogs: [{ ...resource, scopeLogs: [{ ...scope, logRecords: [record] }] }] } });
        }
      }
    }
  } else if (signal === 'traces') {
    for (const { scopeSpans, ...resource } of json.resourceSpans ?? []) {
      for (const { spans, ...scope } of scopeSpans ?? []) {
        for (const record of spans ?? []) {
          out.push({ kind: 'span', record, items: 1, alone: { resourceSpans: [{ ...resource, scopeSpans: [{ ...scope, spans: [record] }] }] } });
        }
      }
    }
  } else {
    for (const { scopeMetrics, ...resource } of json.resourceMetrics ?? []) {
      for (const { metrics, ...scope } of scopeMetrics ?? []) {
        for (const record of metrics ?? []) {
          const alone = { resourceMetrics: [{ ...resource, scopeMetrics: [{ ...scope, metrics: [record] }] }] };
          out.push({ kind: 'metric', record, items: dataPoints(record).length, alone });
        }
      }
    }
  }
  return out;
}

/** Items (log records, spans, data points) of a request. */
export function itemsOf(signal: 'logs' | 'metrics' | 'traces', json: AnyRequest): number {
  return singles(signal, json).reduce((n, s) => n + s.items, 0);
}
