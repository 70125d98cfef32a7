// Acceptance: the official OpenTelemetry JS SDK exporters (OTLP/HTTP protobuf, OTLP/HTTP JSON, OTLP/gRPC; logs and
// traces) send to a running engine, and every record arrives exactly once at an OTLP/HTTP sink run by the test.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEngine, usableCores, type RunningEngine } from '../support/engine.js';
import { startOtlpSink, type OtlpSink } from '../support/otlp-sink.js';
import { SDK_PROTOCOLS, sdkLogs, sdkTraces } from '../support/otlp-sdk.js';

const cores = usableCores().slice(0, 2);
const RECORDS = 300;

describe('OTLP from the official SDK exporters through the engine', () => {
  let sink: OtlpSink;
  let engine: RunningEngine;
  let httpUrl: string;
  let grpcUrl: string;

  beforeAll(async () => {
    sink = await startOtlpSink();
    engine = await startEngine(`
version: otel_dataflow/v1
groups:
  default:
    pipelines:
      main:
        policies:
          resources: { core_allocation: { type: core_count, count: ${cores.length} } }
        nodes:
          ingest:
            type: receiver:otlp
            config: { protocols: { http: { listening_addr: 127.0.0.1:0 }, grpc: { listening_addr: 127.0.0.1:0 } } }
          batch: { type: processor:batch, config: { otlp: { min_size: 100, sizer: 'items' }, max_batch_duration: 50ms } }
          out: { type: exporter:otlp_http, config: { endpoint: ${sink.url} } }
        connections:
          - { from: ingest, to: batch }
          - { from: batch, to: out }
`);
    const status = await engine.waitRunning();
    httpUrl = `http://${status.listeners.find((l) => l.protocol === 'http')!.address}`;
    grpcUrl = `http://${status.listeners.find((l) => l.protocol === 'grpc')!.address}`;
  });
  afterAll(async () => {
    await engine?.stop();
    await sink?.close();
  });

  it.each(SDK_PROTOCOLS)('logs over %s arrive exactly once', async (protocol) => {
    const sdk = sdkLogs(protocol, protocol === 'grpc' ? grpcUrl : httpUrl, { maxExportBatchSize: 64 });
    const bodies = Array.from({ length: RECORDS }, (_, i) => `log-${protocol}-${i}`);
    for (const body of bodies) sdk.logger.emit({ body, attributes: { protocol } });
    await sdk.flush();
    await sdk.shutdown();
    await sink.waitFor(() => bodies.every((b) => sink.logs.includes(b)), 15_000);
    for (const body of bodies) expect(sink.logs.filter((l) => l === body)).toHaveLength(1);
  });

  it.each(SDK_PROTOCOLS)('spans over %s arrive exactly once', async (protocol) => {
    const sdk = sdkTraces(protocol, protocol === 'grpc' ? grpcUrl : httpUrl, { maxExportBatchSize: 64 });
    const names = Array.from({ length: RECORDS }, (_, i) => `span-${protocol}-${i}`);
    for (const name of names) sdk.tracer.startSpan(name).end();
    await sdk.flush();
    await sdk.shutdown();
    await sink.waitFor(() => names.every((n) => sink.spans.includes(n)), 15_000);
    for (const name of names) expect(sink.spans.filter((s) => s === name)).toHaveLength(1);
  });
});
