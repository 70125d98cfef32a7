// The gRPC paths of the OTLP Export methods, apart from the schema: the receivers and exporters that route by path
// need no protobuf reflection (otlp-schema.ts builds it for the whole OTLP schema when loaded).
import type { Signal } from './signal.js';

/** gRPC service path of each signal's Export method. */
export const GRPC_EXPORT_PATHS: Readonly<Record<Signal, string>> = {
  logs: '/opentelemetry.proto.collector.logs.v1.LogsService/Export',
  traces: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
  metrics: '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export',
};
