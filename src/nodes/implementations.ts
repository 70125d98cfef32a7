// The implementation of every node type, by URN, loaded on demand. Kept apart from the descriptors (config schemas)
// so that an instance, which only builds nodes, never loads joi: that alone is ~6 MB of an idle instance's memory.
import type { FactoryResolver, NodeFactory } from '../pipeline/factory.js';

export type { NodeFactory };

export const implementations: Readonly<Record<string, () => Promise<NodeFactory>>> = {
  'urn:otel:receiver:otlp': async () => (await import('./receivers/otlp/receiver.js')).createOtlpReceiver,
  'urn:otel:receiver:traffic_generator': async () => (await import('./receivers/traffic-generator/receiver.js')).createTrafficGenerator,
  'urn:otel:receiver:host_metrics': async () => (await import('./receivers/host-metrics/receiver.js')).createHostMetricsReceiver,
  'urn:otel:receiver:internal_telemetry': async () => (await import('./receivers/internal-telemetry/receiver.js')).createInternalTelemetryReceiver,
  'urn:otel:processor:batch': async () => (await import('./processors/batch/processor.js')).createBatchProcessor,
  'urn:otel:processor:attribute': async () => (await import('./processors/attribute/processor.js')).createAttributeProcessor,
  'urn:otel:processor:filter': async () => (await import('./processors/filter/processor.js')).createFilterProcessor,
  'urn:otel:processor:type_router': async () => (await import('./processors/type-router/processor.js')).createTypeRouterProcessor,
  'urn:otel:processor:fanout': async () => (await import('./processors/fanout/processor.js')).createFanoutProcessor,
  'urn:otel:processor:memory_limiter': async () => (await import('./processors/memory-limiter/processor.js')).createMemoryLimiterProcessor,
  'urn:otel:processor:retry': async () => (await import('./processors/retry/processor.js')).createRetryProcessor,
  'urn:otel:processor:debug': async () => (await import('./processors/debug/processor.js')).createDebugProcessor,
  'urn:otel:processor:durable_buffer': async () => {
    const { DURABLE_BUFFER_NOT_AVAILABLE } = await import('./processors/durable-buffer/availability.js');
    throw new Error(DURABLE_BUFFER_NOT_AVAILABLE);
  },
  'urn:otel:processor:fault': async () => (await import('./processors/fault/processor.js')).createFaultProcessor,
  'urn:otel:exporter:otlp_http': async () => (await import('./exporters/otlp-http/exporter.js')).createOtlpHttpExporter,
  'urn:otel:exporter:console': async () => (await import('./exporters/console/exporter.js')).createConsoleExporter,
  'urn:otel:exporter:noop': async () => (await import('./exporters/noop/exporter.js')).createNoopExporter,
  'urn:otel:exporter:file': async () => (await import('./exporters/file/exporter.js')).createFileExporter,
  'urn:otel:exporter:otlp_grpc': async () => (await import('./exporters/otlp-grpc/exporter.js')).createOtlpGrpcExporter,
  'urn:otel:exporter:perf': async () => (await import('./exporters/perf/exporter.js')).createPerfExporter,
  'urn:otel:receiver:syslog_cef': async () => (await import('./receivers/syslog-cef/receiver.js')).createSyslogCefReceiver,
  'urn:otel:processor:log_sampling': async () => (await import('./processors/log-sampling/processor.js')).createLogSamplingProcessor,
};

/** The built-in node registry, as the pipeline runtime takes it (`RuntimeOptions.resolveFactory`). */
export const resolveBuiltinFactory: FactoryResolver = async (urn) => {
  const load = implementations[urn];
  return load === undefined ? undefined : load();
};
