// The receiver's output: one ExportLogsServiceRequest per batch of log lines and one ExportMetricsServiceRequest per
// metric snapshot, both under the engine's resource.
import { ExportLogsServiceRequest, ExportMetricsServiceRequest } from '../../../pdata/otlp-schema.js';
import type { PData } from '../../../pipeline/pdata.js';
import type { Attributes, HistogramPoint, LogBatch, MetricData, MetricScope, NumberPoint, SummaryPoint } from '../../../ipc/telemetry.js';
import { convertLogLine, type ConvertedLog } from './log-records.js';
import { encodeJson, keyValues, nanos, type JsonObject } from './otlp-json.js';

export function encodeLogBatches(resource: Attributes, batches: readonly LogBatch[], nowMs = Date.now()): PData | undefined {
  const observed = nanos(nowMs);
  const scopes = new Map<string, { scope: ConvertedLog['scope']; records: JsonObject[] }>();
  let items = 0;
  for (const batch of batches) {
    for (const line of batch.lines) {
      const converted = convertLogLine(batch.origin, line, observed);
      let entry = scopes.get(converted.scopeKey);
      if (!entry) scopes.set(converted.scopeKey, (entry = { scope: converted.scope, records: [] }));
      entry.records.push(converted.record);
      items++;
    }
  }
  if (items === 0) return undefined;
  const scopeLogs = [...scopes.values()].map(({ scope, records }) => ({
    scope: { name: scope.name, attributes: keyValues(scope.attributes) },
    logRecords: records,
  }));
  const payload = encodeJson(ExportLogsServiceRequest, { resourceLogs: [{ resource: { attributes: keyValues(resource) }, scopeLogs }] });
  return { signal: 'logs', payload, items };
}

export interface MetricTimes {
  timeUnixMs: number;
  startTimeUnixMs: number;
}

export function encodeMetricScopes(resource: Attributes, scopes: readonly MetricScope[], times: MetricTimes): PData | undefined {
  let items = 0;
  const scopeMetrics = scopes
    .map((scope) => ({
      scope: { name: scope.name, attributes: keyValues(scope.attributes) },
      metrics: scope.metrics.filter((m) => m.points.length > 0).map((metric) => {
        items += metric.points.length;
        return metricJson(metric, times);
      }),
    }))
    .filter((scope) => scope.metrics.length > 0);
  if (items === 0) return undefined;
  const payload = encodeJson(ExportMetricsServiceRequest, { resourceMetrics: [{ resource: { attributes: keyValues(resource) }, scopeMetrics }] });
  return { signal: 'metrics', payload, items };
}

const CUMULATIVE = 2;

function metricJson(metric: MetricData, times: MetricTimes): JsonObject {
  const head: JsonObject = { name: metric.name, description: metric.description, unit: metric.unit };
  const time = { startTimeUnixNano: nanos(times.startTimeUnixMs), timeUnixNano: nanos(times.timeUnixMs) };
  switch (metric.kind) {
    case 'sum':
      return { ...head, sum: { aggregationTemporality: CUMULATIVE, isMonotonic: metric.monotonic, dataPoints: metric.points.map((p) => numberPoint(p, time)) } };
    case 'gauge':
      return { ...head, gauge: { dataPoints: metric.points.map((p) => numberPoint(p, { timeUnixNano: time.timeUnixNano })) } };
    case 'histogram':
      return { ...head, histogram: { aggregationTemporality: CUMULATIVE, dataPoints: metric.points.map((p) => histogramPoint(p, time)) } };
    case 'summary':
      return { ...head, summary: { dataPoints: metric.points.map((p) => summaryPoint(p, time)) } };
  }
}

function numberPoint(point: NumberPoint, time: JsonObject): JsonObject {
  const value = point.integer && Number.isSafeInteger(point.value) ? { asInt: point.value } : { asDouble: point.value };
  return { attributes: keyValues(point.attributes), ...time, ...value };
}

function histogramPoint(point: HistogramPoint, time: JsonObject): JsonObject {
  return {
    attributes: keyValues(point.attributes),
    ...time,
    count: point.count,
    sum: point.sum,
    bucketCounts: point.counts,
    explicitBounds: point.bounds,
  };
}

function summaryPoint(point: SummaryPoint, time: JsonObject): JsonObject {
  return { attributes: keyValues(point.attributes), ...time, count: point.count, sum: point.sum, quantileValues: point.quantiles };
}
