// Every node type the engine knows, by full URN. The supervisor validates configs against these descriptors; an
// instance loads the implementation it needs and nothing else.
import type { ComponentCatalog, NodeDescriptor } from '../config/catalog.js';
import { knownExtensionUrns, lookupExtension } from '../extensions/catalog.js';
import { otlpReceiver } from './receivers/otlp/descriptor.js';
import { trafficGenerator } from './receivers/traffic-generator/descriptor.js';
import { hostMetricsReceiver } from './receivers/host-metrics/descriptor.js';
import { internalTelemetryReceiver } from './receivers/internal-telemetry/descriptor.js';
import { batchProcessor } from './processors/batch/descriptor.js';
import { faultProcessor } from './processors/fault/descriptor.js';
import { filterProcessor } from './processors/filter/descriptor.js';
import { attributeProcessor } from './processors/attribute/descriptor.js';
import { typeRouterProcessor } from './processors/type-router/descriptor.js';
import { fanoutProcessor } from './processors/fanout/descriptor.js';
import { debugProcessor } from './processors/debug/descriptor.js';
import { memoryLimiterProcessor } from './processors/memory-limiter/descriptor.js';
import { retryProcessor } from './processors/retry/descriptor.js';
import { durableBufferProcessor } from './processors/durable-buffer/descriptor.js';
import { otlpHttpExporter } from './exporters/otlp-http/descriptor.js';
import { consoleExporter } from './exporters/console/descriptor.js';
import { noopExporter } from './exporters/noop/descriptor.js';
import { fileExporter } from './exporters/file/descriptor.js';
import { otlpGrpcExporter } from './exporters/otlp-grpc/descriptor.js';
import { perfExporter } from './exporters/perf/descriptor.js';
import { syslogCefReceiver } from './receivers/syslog-cef/descriptor.js';
import { logSamplingProcessor } from './processors/log-sampling/descriptor.js';

const descriptors: readonly NodeDescriptor[] = [
  otlpReceiver,
  trafficGenerator,
  hostMetricsReceiver,
  internalTelemetryReceiver,
  batchProcessor,
  faultProcessor,
  filterProcessor,
  attributeProcessor,
  typeRouterProcessor,
  fanoutProcessor,
  debugProcessor,
  memoryLimiterProcessor,
  retryProcessor,
  durableBufferProcessor,
  otlpHttpExporter,
  consoleExporter,
  noopExporter,
  fileExporter,
  otlpGrpcExporter,
  perfExporter,
  syslogCefReceiver,
  logSamplingProcessor,
];

const byUrn = new Map(descriptors.map((d) => [d.urn, d]));

export function lookupNode(urn: string): NodeDescriptor | undefined {
  return byUrn.get(urn);
}

export function knownNodeUrns(): string[] {
  return [...byUrn.keys()].sort();
}

/** Every node and extension type this engine has: what config validation is given outside tests. */
export const builtinCatalog: ComponentCatalog = {
  node: lookupNode,
  nodeUrns: knownNodeUrns,
  extension: lookupExtension,
  extensionUrns: knownExtensionUrns,
};
