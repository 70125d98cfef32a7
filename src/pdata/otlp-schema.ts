// The OTLP protobuf schema as a protobufjs reflection root, built from the project's own JSON descriptor (schema/*).
// Field names are the lowerCamelCase JSON names, so a decoded message and its OTLP/JSON form use the same keys.
import protobuf from 'protobufjs';
import type { Signal } from './signal.js';
import { OTLP_DESCRIPTOR } from './schema/otlp-descriptor.js';

/** The whole schema: `opentelemetry.proto.*` and the `google.*` messages OTLP answers use. */
export const otlpRoot: protobuf.Root = protobuf.Root.fromJSON(OTLP_DESCRIPTOR);
otlpRoot.resolveAll();

function type(name: string): protobuf.Type {
  return otlpRoot.lookupType(name);
}

const P = 'opentelemetry.proto.';
export const AnyValue = type(`${P}common.v1.AnyValue`);
export const KeyValue = type(`${P}common.v1.KeyValue`);
export const InstrumentationScope = type(`${P}common.v1.InstrumentationScope`);
export const Resource = type(`${P}resource.v1.Resource`);
export const LogRecord = type(`${P}logs.v1.LogRecord`);
export const LogsData = type(`${P}logs.v1.LogsData`);
export const Span = type(`${P}trace.v1.Span`);
export const TracesData = type(`${P}trace.v1.TracesData`);
export const Metric = type(`${P}metrics.v1.Metric`);
export const MetricsData = type(`${P}metrics.v1.MetricsData`);
export const ExportLogsServiceRequest = type(`${P}collector.logs.v1.ExportLogsServiceRequest`);
export const ExportLogsServiceResponse = type(`${P}collector.logs.v1.ExportLogsServiceResponse`);
export const ExportTraceServiceRequest = type(`${P}collector.trace.v1.ExportTraceServiceRequest`);
export const ExportTraceServiceResponse = type(`${P}collector.trace.v1.ExportTraceServiceResponse`);
export const ExportMetricsServiceRequest = type(`${P}collector.metrics.v1.ExportMetricsServiceRequest`);
export const ExportMetricsServiceResponse = type(`${P}collector.metrics.v1.ExportMetricsServiceResponse`);
export const RpcStatus = type('google.rpc.Status');
export const RetryInfo = type('google.rpc.RetryInfo');

/** The Export*ServiceRequest type of each signal. */
export const REQUEST_TYPES: Readonly<Record<Signal, protobuf.Type>> = {
  logs: ExportLogsServiceRequest,
  traces: ExportTraceServiceRequest,
  metrics: ExportMetricsServiceRequest,
};

/** The Export*ServiceResponse type of each signal. */
export const RESPONSE_TYPES: Readonly<Record<Signal, protobuf.Type>> = {
  logs: ExportLogsServiceResponse,
  traces: ExportTraceServiceResponse,
  metrics: ExportMetricsServiceResponse,
};

export { GRPC_EXPORT_PATHS } from './otlp-paths.js';
