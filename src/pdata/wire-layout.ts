// Where the attribute lists and the records sit in each signal's Export*ServiceRequest, as field numbers, for the
// walkers that edit requests on the wire. Read from the project's OTLP schema descriptor (the data the protobufjs schema
// is built from, without loading protobufjs), so walker and decoder cannot disagree.
import type { IField } from 'protobufjs';
import type { Signal } from './signal.js';
import { otlpMessage } from './schema/otlp-descriptor.js';

export function fieldId(typeName: string, field: string): number {
  const type = otlpMessage(typeName);
  const found = (type.fields as Record<string, IField | undefined>)[field];
  if (found === undefined) throw new Error(`wire layout: ${typeName} has no field ${field}`);
  return found.id;
}

const P = 'opentelemetry.proto.';

/** A metric's data field (gauge, sum, …), its data points' field, and their attribute list's field. */
export interface MetricDataLayout {
  name: string;
  field: number;
  points: number;
  pointAttributes: number;
}

export interface SignalLayout {
  /** Export*ServiceRequest: the repeated Resource* (ResourceLogs, ResourceSpans, ResourceMetrics). */
  resources: number;
  /** Resource*: its Resource. */
  resource: number;
  /** Resource: its attributes. */
  resourceAttributes: number;
  /** Resource*: the repeated Scope*. */
  scopes: number;
  /** Scope*: its InstrumentationScope. */
  scope: number;
  /** InstrumentationScope: its attributes. */
  scopeAttributes: number;
  /** Scope*: the repeated log records, spans or metrics. */
  records: number;
  /** LogRecord, Span: the attributes (0 for metrics, whose records are data points inside `metricData`). */
  recordAttributes: number;
  /** LogRecord: severity_number (0 for the other signals). */
  severity: number;
  metricData: readonly MetricDataLayout[];
}

const RESOURCE_ATTRIBUTES = fieldId(`${P}resource.v1.Resource`, 'attributes');
const SCOPE_ATTRIBUTES = fieldId(`${P}common.v1.InstrumentationScope`, 'attributes');

function metricData(): MetricDataLayout[] {
  const m = `${P}metrics.v1.`;
  const data = (name: string, dataType: string, pointType: string): MetricDataLayout => ({
    name,
    field: fieldId(`${m}Metric`, name),
    points: fieldId(`${m}${dataType}`, 'dataPoints'),
    pointAttributes: fieldId(`${m}${pointType}`, 'attributes'),
  });
  return [
    data('gauge', 'Gauge', 'NumberDataPoint'),
    data('sum', 'Sum', 'NumberDataPoint'),
    data('histogram', 'Histogram', 'HistogramDataPoint'),
    data('exponentialHistogram', 'ExponentialHistogram', 'ExponentialHistogramDataPoint'),
    data('summary', 'Summary', 'SummaryDataPoint'),
  ];
}

function layout(signal: Signal): SignalLayout {
  const [ns, request, resourceItem, scopeItem, resources, scopes, records] = {
    logs: ['logs', 'ExportLogsServiceRequest', 'ResourceLogs', 'ScopeLogs', 'resourceLogs', 'scopeLogs', 'logRecords'],
    traces: ['trace', 'ExportTraceServiceRequest', 'ResourceSpans', 'ScopeSpans', 'resourceSpans', 'scopeSpans', 'spans'],
    metrics: ['metrics', 'ExportMetricsServiceRequest', 'ResourceMetrics', 'ScopeMetrics', 'resourceMetrics', 'scopeMetrics', 'metrics'],
  }[signal] as [string, string, string, string, string, string, string];
  return {
    resources: fieldId(`${P}collector.${ns}.v1.${request}`, resources),
    resource: fieldId(`${P}${ns}.v1.${resourceItem}`, 'resource'),
    resourceAttributes: RESOURCE_ATTRIBUTES,
    scopes: fieldId(`${P}${ns}.v1.${resourceItem}`, scopes),
    scope: fieldId(`${P}${ns}.v1.${scopeItem}`, 'scope'),
    scopeAttributes: SCOPE_ATTRIBUTES,
    records: fieldId(`${P}${ns}.v1.${scopeItem}`, records),
    recordAttributes: signal === 'logs' ? fieldId(`${P}logs.v1.LogRecord`, 'attributes') : signal === 'traces' ? fieldId(`${P}trace.v1.Span`, 'attributes') : 0,
    severity: signal === 'logs' ? fieldId(`${P}logs.v1.LogRecord`, 'severityNumber') : 0,
    metricData: signal === 'metrics' ? metricData() : [],
  };
}

export const SIGNAL_LAYOUTS: Readonly<Record<Signal, SignalLayout>> = {
  logs: layout('logs'),
  traces: layout('traces'),
  metrics: layout('metrics'),
};

/** KeyValue's fields. */
export const KEY_VALUE = {
  key: fieldId(`${P}common.v1.KeyValue`, 'key'),
  value: fieldId(`${P}common.v1.KeyValue`, 'value'),
} as const;

/** AnyValue's oneof members, by field number. */
export const ANY_VALUE = {
  string: fieldId(`${P}common.v1.AnyValue`, 'stringValue'),
  bool: fieldId(`${P}common.v1.AnyValue`, 'boolValue'),
  int: fieldId(`${P}common.v1.AnyValue`, 'intValue'),
  double: fieldId(`${P}common.v1.AnyValue`, 'doubleValue'),
  array: fieldId(`${P}common.v1.AnyValue`, 'arrayValue'),
  kvlist: fieldId(`${P}common.v1.AnyValue`, 'kvlistValue'),
  bytes: fieldId(`${P}common.v1.AnyValue`, 'bytesValue'),
} as const;
