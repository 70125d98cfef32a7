// The OTLP/HTTP test sink other tests rely on (test/support/otlp-sink.ts): it records what the official SDK exporters
// send in every HTTP encoding, refuses on demand, and receives what receiver:otlp emitted, byte for byte.
import { afterEach, describe, expect, it } from 'vitest';
import { startOtlpSink, type OtlpSink } from '../support/otlp-sink.js';
import { sdkLogs, sdkTraces } from '../support/otlp-sdk.js';
import { startReceiver } from '../support/otlp-harness.js';
import { logsProto } from '../support/otlp-requests.js';
import { sdkMetricsRequest } from '../support/otlp-metrics.js';

let sink: OtlpSink | undefined;
afterEach(async () => {
  await sink?.close();
  sink = undefined;
});

describe('test OTLP sink', () => {
  for (const protocol of ['http/protobuf', 'http/json'] as const) {
    it(`records log bodies and span names sent over ${protocol}, in order`, async () => {
      sink = await startOtlpSink();
      const logs = sdkLogs(protocol, sink.url, { compression: 'gzip', headers: { authorization: 'Bearer t' } });
      for (let i = 0; i < 30; i++) logs.logger.emit({ body: `body ${i}` });
      logs.logger.emit({ body: { structured: true } });
      await logs.shutdown();
      const traces = sdkTraces(protocol, sink.url);
      for (let i = 0; i < 5; i++) traces.tracer.startSpan(`span ${i}`).end();
      await traces.shutdown();
      expect(sink.logs).toEqual([...Array.from({ length: 30 }, (_, i) => `body ${i}`), '{"kvlistValue":{"values":[{"key":"structured","value":{"boolValue":true}}]}}']);
      expect(sink.spans).toEqual(Array.from({ length: 5 }, (_, i) => `span ${i}`));
      expect(sink.requests).toBeGreaterThanOrEqual(2);
      expect(sink.headers[0]!.authorization).toBe('Bearer t');
    });
  }

  it('records one metric name per data point', async () => {
    sink = await startOtlpSink();
    const request = await sdkMetricsRequest(2);
    const res = await fetch(`${sink.url}/v1/metrics`, { method: 'POST', body: request.protobuf, headers: { 'Content-Type': 'application/x-protobuf' } });
    expect(res.status).toBe(200);
    expect(sink.metrics).toHaveLength(request.points);
    expect(new Set(sink.metrics)).toEqual(new Set(request.names));
  });

  it('refuses when told to, and the SDK retry lands once', async () => {
    sink = await startOtlpSink({ respond: ({ index }) => (index === 0 ? { status: 503, retryAfterSeconds: 0 } : undefined) });
    const logs = sdkLogs('http/protobuf', sink.url);
    logs.logger.emit({ body: 'retried' });
    await logs.flush();
    await sink.waitFor(() => sink!.logs.length === 1);
    await logs.shutdown();
    expect(sink.refused).toBe(1);
    expect(sink.logs).toEqual(['retried']);
  });

  it('answers 400 to a request that does not decode', async () => {
    sink = await startOtlpSink();
    const res = await fetch(`${sink.url}/v1/logs`, { method: 'POST', body: new Uint8Array([0x0a, 0x09]), headers: { 'Content-Type': 'application/x-protobuf' } });
    expect(res.status).toBe(400);
    expect(sink.malformed).toBe(1);
    expect(sink.requests).toBe(0);
  });

  it('receives what receiver:otlp emitted, unchanged', async () => {
    sink = await startOtlpSink();
    const harness = await startReceiver({ http: {} });
    try {
      const res = await fetch(`${harness.httpUrl}/v1/logs`, { method: 'POST', body: logsProto(['through', 'the receiver']), headers: { 'Content-Type': 'application/x-protobuf' } });
      expect(res.status).toBe(200);
      for (const p of harness.ctx.emitted) {
        await fetch(`${sink.url}/v1/${p.signal}`, { method: 'POST', body: p.payload, headers: { 'Content-Type': 'application/x-protobuf' } });
      }
      expect(sink.logs).toEqual(['through', 'the receiver']);
    } finally {
      await harness.close();
    }
  });
});
