// Every node type the engine knows, by full URN. The supervisor validates configs against these descriptors; an
// instance loads the implementation it needs and nothing else. Test-only nodes (processor:fault, which can kill
// processes) exist only in an engine started for tests: anywhere else they are unknown types, refused and never listed.
import type { ComponentCatalog, NodeDescriptor } from '../config/catalog.js';
import { knownExtensionUrns, lookupExtension } from '../extensions/catalog.js';
import { otlpReceiver } from './receivers/otlp/descriptor.js';
import { trafficGenerator } from './receivers/traffic-generator/descriptor.js';
import { hostMetricsReceiver } from './receivers/host-metrics/descriptor.js';
import { internalTelemetryReceiver } from './receivers/internal-telemetry/descriptor.js';
import { batchProcessor } from './processors/batch/descriptor.js';
import { faultProcessor } from './processors/fault/descriptor.js';
import { faultInjectionEnabled } from './processors/fault/enable.js';
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

/** Node types of an engine started for tests only (OTAP_ENGINE_ENABLE_FAULT_INJECTION=1, which the test harness sets). */
const testOnly: readonly NodeDescriptor[] = [faultProcessor];

const byUrn = new Map(descriptors.map((d) => [d.urn, d]));
const withTestNodes = new Map([...descriptors, ...testOnly].map((d) => [d.urn, d]));

/** A node type a user's engine has; test-only types are not among them. */
export function lookupNode(urn: string): NodeDescriptor | undefined {
  return byUrn.get(urn);
}

/** The node types a user's engine has. */
export function knownNodeUrns(): string[] {
  return [...byUrn.keys()].sort();
}

/** The test-only node types (for the tests that keep the docs apart from them). */
export function testOnlyNodeUrns(): string[] {
  return testOnly.map((d) => d.urn).sort();
}

function catalogOf(nodes: ReadonlyMap<string, NodeDescriptor>): ComponentCatalog {
  const urns = [...nodes.keys()].sort();
  return { node: (urn) => nodes.get(urn), nodeUrns: () => [...urns], extension: lookupExtension, extensionUrns: knownExtensionUrns };
}

/** Every node and extension type a user's engine has: what config validation is given outside tests. */
export const builtinCatalog: ComponentCatalog = catalogOf(byUrn);

/** The same and the test-only node types, for an engine started for tests. */
export const testEngineCatalog: ComponentCatalog = catalogOf(withTestNodes);

/** The catalog of the engine this process runs: with the test-only node types only when started for tests. */
export function engineCatalog(env: NodeJS.ProcessEnv = process.env): ComponentCatalog {
  return faultInjectionEnabled(env) ? testEngineCatalog : builtinCatalog;
}
