// The implementation of every node type, by URN, loaded on demand. Kept apart from the descriptors (config schemas)
// so that an instance, which only builds nodes, never loads joi: that alone is ~6 MB of an idle instance's memory.
import type { NodeInstance } from '../pipeline/node.js';

export type NodeFactory = (name: string, config: Record<string, unknown>) => NodeInstance;

export const implementations: Readonly<Record<string, () => Promise<NodeFactory>>> = {
  'urn:otel:receiver:otlp': async () => (await import('./receivers/otlp/receiver.js')).createOtlpReceiver,
  'urn:otel:receiver:traffic_generator': async () => (await import('./receivers/traffic-generator/receiver.js')).createTrafficGenerator,
  'urn:otel:processor:batch': async () => (await import('./processors/batch/processor.js')).createBatchProcessor,
  'urn:otel:processor:fault': async () => (await import('./processors/fault/processor.js')).createFaultProcessor,
  'urn:otel:exporter:otlp_http': async () => (await import('./exporters/otlp-http/exporter.js')).createOtlpHttpExporter,
  'urn:otel:exporter:console': async () => (await import('./exporters/console/exporter.js')).createConsoleExporter,
  'urn:otel:exporter:noop': async () => (await import('./exporters/noop/exporter.js')).createNoopExporter,
  'urn:otel:exporter:file': async () => (await import('./exporters/file/exporter.js')).createFileExporter,
};
