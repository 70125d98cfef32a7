// The schema against the OTLP .proto files, field by field: number, type and label of every field of every message,
// written out here a second time from the spec so that a typo in src/pdata/schema cannot pass unnoticed.
import { describe, expect, it } from 'vitest';
import protobuf from 'protobufjs';
import { otlpRoot } from '../../src/pdata/otlp-schema.js';

type Row = [field: string, id: number, type: string, label?: 'repeated' | 'optional'];
const P = 'opentelemetry.proto.';
const KV = `${P}common.v1.KeyValue`;

const SPEC: Record<string, Row[]> = {
  'common.v1.AnyValue': [['stringValue', 1, 'string'], ['boolValue', 2, 'bool'], ['intValue', 3, 'int64'], ['doubleValue', 4, 'double'], ['arrayValue', 5, 'ArrayValue'], ['kvlistValue', 6, 'KeyValueList'], ['bytesValue', 7, 'bytes']],
  'common.v1.ArrayValue': [['values', 1, 'AnyValue', 'repeated']],
  'common.v1.KeyValueList': [['values', 1, 'KeyValue', 'repeated']],
  'common.v1.KeyValue': [['key', 1, 'string'], ['value', 2, 'AnyValue']],
  'common.v1.InstrumentationScope': [['name', 1, 'string'], ['version', 2, 'string'], ['attributes', 3, 'KeyValue', 'repeated'], ['droppedAttributesCount', 4, 'uint32']],
  'common.v1.EntityRef': [['schemaUrl', 1, 'string'], ['type', 2, 'string'], ['idKeys', 3, 'string', 'repeated'], ['descriptionKeys', 4, 'string', 'repeated']],
  'resource.v1.Resource': [['attributes', 1, KV, 'repeated'], ['droppedAttributesCount', 2, 'uint32'], ['entityRefs', 3, `${P}common.v1.EntityRef`, 'repeated']],
  'logs.v1.ResourceLogs': [['resource', 1, `${P}resource.v1.Resource`], ['scopeLogs', 2, 'ScopeLogs', 'repeated'], ['schemaUrl', 3, 'string']],
  'logs.v1.ScopeLogs': [['scope', 1, `${P}common.v1.InstrumentationScope`], ['logRecords', 2, 'LogRecord', 'repeated'], ['schemaUrl', 3, 'string']],
  'logs.v1.LogRecord': [['timeUnixNano', 1, 'fixed64'], ['observedTimeUnixNano', 11, 'fixed64'], ['severityNumber', 2, 'SeverityNumber'], ['severityText', 3, 'string'], ['body', 5, `${P}common.v1.AnyValue`], ['attributes', 6, KV, 'repeated'], ['droppedAttributesCount', 7, 'uint32'], ['flags', 8, 'fixed32'], ['traceId', 9, 'bytes'], ['spanId', 10, 'bytes'], ['eventName', 12, 'string']],
  'trace.v1.ResourceSpans': [['resource', 1, `${P}resource.v1.Resource`], ['scopeSpans', 2, 'ScopeSpans', 'repeated'], ['schemaUrl', 3, 'string']],
  'trace.v1.ScopeSpans': [['scope', 1, `${P}common.v1.InstrumentationScope`], ['spans', 2, 'Span', 'repeated'], ['schemaUrl', 3, 'string']],
  'trace.v1.Span': [['traceId', 1, 'bytes'], ['spanId', 2, 'bytes'], ['traceState', 3, 'string'], ['parentSpanId', 4, 'bytes'], ['flags', 16, 'fixed32'], ['name', 5, 'string'], ['kind', 6, 'SpanKind'], ['startTimeUnixNano', 7, 'fixed64'], ['endTimeUnixNano', 8, 'fixed64'], ['attributes', 9, KV, 'repeated'], ['droppedAttributesCount', 10, 'uint32'], ['events', 11, 'Event', 'repeated'], ['droppedEventsCount', 12, 'uint32'], ['links', 13, 'Link', 'repeated'], ['droppedLinksCount', 14, 'uint32'], ['status', 15, 'Status']],
  'trace.v1.Span.Event': [['timeUnixNano', 1, 'fixed64'], ['name', 2, 'string'], ['attributes', 3, KV, 'repeated'], ['droppedAttributesCount', 4, 'uint32']],
  'trace.v1.Span.Link': [['traceId', 1, 'bytes'], ['spanId', 2, 'bytes'], ['traceState', 3, 'string'], ['attributes', 4, KV, 'repeated'], ['droppedAttributesCount', 5, 'uint32'], ['flags', 6, 'fixed32']],
  'trace.v1.Status': [['message', 2, 'string'], ['code', 3, 'StatusCode']],
  'metrics.v1.ResourceMetrics': [['resource', 1, `${P}resource.v1.Resource`], ['scopeMetrics', 2, 'ScopeMetrics', 'repeated'], ['schemaUrl', 3, 'string']],
  'metrics.v1.ScopeMetrics': [['scope', 1, `${P}common.v1.InstrumentationScope`], ['metrics', 2, 'Metric', 'repeated'], ['schemaUrl', 3, 'string']],
  'metrics.v1.Metric': [['name', 1, 'string'], ['description', 2, 'string'], ['unit', 3, 'string'], ['gauge', 5, 'Gauge'], ['sum', 7, 'Sum'], ['histogram', 9, 'Histogram'], ['exponentialHistogram', 10, 'ExponentialHistogram'], ['summary', 11, 'Summary'], ['metadata', 12, KV, 'repeated']],
  'metrics.v1.Gauge': [['dataPoints', 1, 'NumberDataPoint', 'repeated']],
  'metrics.v1.Sum': [['dataPoints', 1, 'NumberDataPoint', 'repeated'], ['aggregationTemporality', 2, 'AggregationTemporality'], ['isMonotonic', 3, 'bool']],
  'metrics.v1.Histogram': [['dataPoints', 1, 'HistogramDataPoint', 'repeated'], ['aggregationTemporality', 2, 'AggregationTemporality']],
  'metrics.v1.ExponentialHistogram': [['dataPoints', 1, 'ExponentialHistogramDataPoint', 'repeated'], ['aggregationTemporality', 2, 'AggregationTemporality']],
  'metrics.v1.Summary': [['dataPoints', 1, 'SummaryDataPoint', 'repeated']],
  'metrics.v1.NumberDataPoint': [['attributes', 7, KV, 'repeated'], ['startTimeUnixNano', 2, 'fixed64'], ['timeUnixNano', 3, 'fixed64'], ['asDouble', 4, 'double'], ['asInt', 6, 'sfixed64'], ['exemplars', 5, 'Exemplar', 'repeated'], ['flags', 8, 'uint32']],
  'metrics.v1.HistogramDataPoint': [['attributes', 9, KV, 'repeated'], ['startTimeUnixNano', 2, 'fixed64'], ['timeUnixNano', 3, 'fixed64'], ['count', 4, 'fixed64'], ['sum', 5, 'double', 'optional'], ['bucketCounts', 6, 'fixed64', 'repeated'], ['explicitBounds', 7, 'double', 'repeated'], ['exemplars', 8, 'Exemplar', 'repeated'], ['flags', 10, 'uint32'], ['min', 11, 'double', 'optional'], ['max', 12, 'double', 'optional']],
  'metrics.v1.ExponentialHistogramDataPoint': [['attributes', 1, KV, 'repeated'], ['startTimeUnixNano', 2, 'fixed64'], ['timeUnixNano', 3, 'fixed64'], ['count', 4, 'fixed64'], ['sum', 5, 'double', 'optional'], ['scale', 6, 'sint32'], ['zeroCount', 7, 'fixed64'], ['positive', 8, 'Buckets'], ['negative', 9, 'Buckets'], ['flags', 10, 'uint32'], ['exemplars', 11, 'Exemplar', 'repeated'], ['min', 12, 'double', 'optional'], ['max', 13, 'double', 'optional'], ['zeroThreshold', 14, 'double']],
  'metrics.v1.ExponentialHistogramDataPoint.Buckets': [['offset', 1, 'sint32'], ['bucketCounts', 2, 'uint64', 'repeated']],
  'metrics.v1.SummaryDataPoint': [['attributes', 7, KV, 'repeated'], ['startTimeUnixNano', 2, 'fixed64'], ['timeUnixNano', 3, 'fixed64'], ['count', 4, 'fixed64'], ['sum', 5, 'double'], ['quantileValues', 6, 'ValueAtQuantile', 'repeated'], ['flags', 8, 'uint32']],
  'metrics.v1.SummaryDataPoint.ValueAtQuantile': [['quantile', 1, 'double'], ['value', 2, 'double']],
  'metrics.v1.Exemplar': [['filteredAttributes', 7, KV, 'repeated'], ['timeUnixNano', 2, 'fixed64'], ['asDouble', 3, 'double'], ['asInt', 6, 'sfixed64'], ['spanId', 4, 'bytes'], ['traceId', 5, 'bytes']],
  'collector.logs.v1.ExportLogsServiceRequest': [['resourceLogs', 1, `${P}logs.v1.ResourceLogs`, 'repeated']],
  'collector.logs.v1.ExportLogsServiceResponse': [['partialSuccess', 1, 'ExportLogsPartialSuccess']],
  'collector.logs.v1.ExportLogsPartialSuccess': [['rejectedLogRecords', 1, 'int64'], ['errorMessage', 2, 'string']],
  'collector.trace.v1.ExportTraceServiceRequest': [['resourceSpans', 1, `${P}trace.v1.ResourceSpans`, 'repeated']],
  'collector.trace.v1.ExportTraceServiceResponse': [['partialSuccess', 1, 'ExportTracePartialSuccess']],
  'collector.trace.v1.ExportTracePartialSuccess': [['rejectedSpans', 1, 'int64'], ['errorMessage', 2, 'string']],
  'collector.metrics.v1.ExportMetricsServiceRequest': [['resourceMetrics', 1, `${P}metrics.v1.ResourceMetrics`, 'repeated']],
  'collector.metrics.v1.ExportMetricsServiceResponse': [['partialSuccess', 1, 'ExportMetricsPartialSuccess']],
  'collector.metrics.v1.ExportMetricsPartialSuccess': [['rejectedDataPoints', 1, 'int64'], ['errorMessage', 2, 'string']],
};

const ENUMS: Record<string, Record<string, number>> = {
  'logs.v1.SeverityNumber': { SEVERITY_NUMBER_UNSPECIFIED: 0, SEVERITY_NUMBER_TRACE: 1, SEVERITY_NUMBER_DEBUG: 5, SEVERITY_NUMBER_INFO: 9, SEVERITY_NUMBER_WARN: 13, SEVERITY_NUMBER_ERROR: 17, SEVERITY_NUMBER_FATAL: 21, SEVERITY_NUMBER_FATAL4: 24 },
  'trace.v1.Span.SpanKind': { SPAN_KIND_UNSPECIFIED: 0, SPAN_KIND_INTERNAL: 1, SPAN_KIND_SERVER: 2, SPAN_KIND_CLIENT: 3, SPAN_KIND_PRODUCER: 4, SPAN_KIND_CONSUMER: 5 },
  'trace.v1.Status.StatusCode': { STATUS_CODE_UNSET: 0, STATUS_CODE_OK: 1, STATUS_CODE_ERROR: 2 },
  'metrics.v1.AggregationTemporality': { AGGREGATION_TEMPORALITY_UNSPECIFIED: 0, AGGREGATION_TEMPORALITY_DELTA: 1, AGGREGATION_TEMPORALITY_CUMULATIVE: 2 },
};

describe('OTLP schema', () => {
  for (const [name, rows] of Object.entries(SPEC)) {
    it(`${name} has exactly the fields of the spec`, () => {
      const type = otlpRoot.lookupType(P + name);
      expect(type.fieldsArray.map((f) => f.name).sort()).toEqual(rows.map((r) => r[0]).sort());
      for (const [field, id, fieldType, label] of rows) {
        const f = type.fields[field]!;
        expect({ field, id: f.id, type: f.type }).toEqual({ field, id, type: fieldType });
        expect(f.repeated).toBe(label === 'repeated');
        // proto3 `optional` scalars track presence; other scalars do not.
        if (!(f.resolvedType instanceof protobuf.Type) && !f.repeated && !f.partOf) expect(label).toBeUndefined();
        if (label === 'optional') expect(Boolean(f.hasPresence)).toBe(true);
      }
    });
  }

  it('has the oneofs of the spec', () => {
    const oneof = (t: string, o: string) => otlpRoot.lookupType(P + t).oneofs?.[o]?.oneof;
    expect(oneof('common.v1.AnyValue', 'value')).toEqual(['stringValue', 'boolValue', 'intValue', 'doubleValue', 'arrayValue', 'kvlistValue', 'bytesValue']);
    expect(oneof('metrics.v1.Metric', 'data')).toEqual(['gauge', 'sum', 'histogram', 'exponentialHistogram', 'summary']);
    expect(oneof('metrics.v1.NumberDataPoint', 'value')).toEqual(['asDouble', 'asInt']);
    expect(oneof('metrics.v1.Exemplar', 'value')).toEqual(['asDouble', 'asInt']);
  });

  it('has the enum values of the spec', () => {
    for (const [name, values] of Object.entries(ENUMS)) {
      const e = otlpRoot.lookupEnum(P + name);
      for (const [key, value] of Object.entries(values)) expect([name, key, e.values[key]]).toEqual([name, key, value]);
    }
  });

  it('defines the three Export services', () => {
    for (const [svc, req] of [
      ['collector.logs.v1.LogsService', 'ExportLogsServiceRequest'],
      ['collector.trace.v1.TraceService', 'ExportTraceServiceRequest'],
      ['collector.metrics.v1.MetricsService', 'ExportMetricsServiceRequest'],
    ] as const) {
      const method = otlpRoot.lookupService(P + svc).methods.Export!;
      expect(method.requestType).toBe(req);
    }
  });
});
