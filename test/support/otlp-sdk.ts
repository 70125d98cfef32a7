// The official OpenTelemetry JS SDK as a test client: logger and tracer providers whose exporter speaks one OTLP
// protocol to `endpoint` (a base URL like `http://127.0.0.1:4318`; the HTTP exporters get `/v1/<signal>` appended).
import { OTLPLogExporter as GrpcLogExporter } from '@opentelemetry/exporter-logs-otlp-grpc';
import { OTLPLogExporter as JsonLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as ProtoLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPTraceExporter as GrpcTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider, type LogRecordExporter } from '@opentelemetry/sdk-logs';
import { BasicTracerProvider, BatchSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { Logger } from '@opentelemetry/api-logs';
import type { Tracer } from '@opentelemetry/api';
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import * as grpc from '@grpc/grpc-js';

export type SdkProtocol = 'http/protobuf' | 'http/json' | 'grpc';
export const SDK_PROTOCOLS: readonly SdkProtocol[] = ['http/protobuf', 'http/json', 'grpc'];

export interface SdkOptions {
  /** gzip request bodies (HTTP and gRPC). */
  compression?: 'gzip' | 'none';
  /** Records per export request (default 512, the SDK's). */
  maxExportBatchSize?: number;
  /** Extra HTTP headers (HTTP exporters only). */
  headers?: Record<string, string>;
  /** TLS for an `https://` endpoint: the CA to trust and, for mutual TLS, the client certificate and key (PEM). */
  tls?: { ca: Buffer; cert?: Buffer; key?: Buffer };
}

const resource = resourceFromAttributes({ 'service.name': 'otap-engine-test' });

function logExporter(protocol: SdkProtocol, endpoint: string, options: SdkOptions): LogRecordExporter {
  const compression = options.compression === 'gzip' ? CompressionAlgorithm.GZIP : CompressionAlgorithm.NONE;
  const { tls } = options;
  switch (protocol) {
    case 'grpc':
      if (tls) {
        const credentials = grpc.credentials.createSsl(tls.ca, tls.key ?? null, tls.cert ?? null);
        return new GrpcLogExporter({ url: endpoint, compression, credentials });
      }
      return new GrpcLogExporter({ url: endpoint, compression });
    case 'http/json':
      return new JsonLogExporter({ url: `${endpoint}/v1/logs`, compression, headers: options.headers, ...(tls ? { httpAgentOptions: tls } : {}) });
    case 'http/protobuf':
      return new ProtoLogExporter({ url: `${endpoint}/v1/logs`, compression, headers: options.headers, ...(tls ? { httpAgentOptions: tls } : {}) });
  }
}

function spanExporter(protocol: SdkProtocol, endpoint: string, options: SdkOptions): SpanExporter {
  const compression = options.compression === 'gzip' ? CompressionAlgorithm.GZIP : CompressionAlgorithm.NONE;
  switch (protocol) {
    case 'grpc':
      return new GrpcTraceExporter({ url: endpoint, compression });
    case 'http/json':
      return new JsonTraceExporter({ url: `${endpoint}/v1/traces`, compression, headers: options.headers });
    case 'http/protobuf':
      return new ProtoTraceExporter({ url: `${endpoint}/v1/traces`, compression, headers: options.headers });
  }
}

export interface SdkLogs {
  logger: Logger;
  provider: LoggerProvider;
  /** Exports everything emitted so far and waits for the answers. */
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

export function sdkLogs(protocol: SdkProtocol, endpoint: string, options: SdkOptions = {}): SdkLogs {
  const processor = new BatchLogRecordProcessor({
    exporter: logExporter(protocol, endpoint, options),
    maxExportBatchSize: options.maxExportBatchSize ?? 512,
    scheduledDelayMillis: 50,
  });
  const provider = new LoggerProvider({ resource, processors: [processor] });
  return {
    logger: provider.getLogger('otap-engine-test', '1.0.0'),
    provider,
    flush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}

export interface SdkTraces {
  tracer: Tracer;
  provider: BasicTracerProvider;
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

export function sdkTraces(protocol: SdkProtocol, endpoint: string, options: SdkOptions = {}): SdkTraces {
  const processor = new BatchSpanProcessor(spanExporter(protocol, endpoint, options), {
    maxExportBatchSize: options.maxExportBatchSize ?? 512,
    scheduledDelayMillis: 50,
  });
  const provider = new BasicTracerProvider({ resource, spanProcessors: [processor] });
  return {
    tracer: provider.getTracer('otap-engine-test', '1.0.0'),
    provider,
    flush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}
