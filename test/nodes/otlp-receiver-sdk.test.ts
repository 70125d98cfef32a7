// receiver:otlp against the official OpenTelemetry JS SDK exporters, over every OTLP protocol: every record sent
// arrives downstream exactly once, as protobuf bytes that decode to what the SDK sent.
import { afterEach, describe, expect, it } from 'vitest';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { SpanStatusCode } from '@opentelemetry/api';
import { startReceiver, type ReceiverHarness } from '../support/otlp-harness.js';
import { SDK_PROTOCOLS, sdkLogs, sdkTraces, type SdkProtocol } from '../support/otlp-sdk.js';
import { records } from '../support/otlp-decode.js';

let harness: ReceiverHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

function endpointFor(h: ReceiverHarness, protocol: SdkProtocol): string {
  return protocol === 'grpc' ? `http://${h.grpcAddress}` : h.httpUrl;
}

describe('receiver:otlp with the OpenTelemetry SDK', () => {
  for (const protocol of SDK_PROTOCOLS) {
    for (const compression of ['none', 'gzip'] as const) {
      it(`logs over ${protocol} (${compression}) arrive exactly once`, async () => {
        harness = await startReceiver();
        const sdk = sdkLogs(protocol, endpointFor(harness, protocol), { maxExportBatchSize: 40, compression });
        const n = 250;
        for (let i = 0; i < n; i++) {
          sdk.logger.emit({
            body: `log ${protocol} ${i}`,
            severityNumber: SeverityNumber.WARN,
            severityText: 'WARN',
            attributes: { index: i, ratio: i / 2, ok: true },
          });
        }
        await sdk.flush();
        await sdk.shutdown();

        const { ctx } = harness;
        expect(ctx.emitted.length).toBeGreaterThanOrEqual(Math.ceil(n / 40));
        expect(ctx.emitted.every((p) => p.signal === 'logs')).toBe(true);
        const logs = records(ctx.emitted, 'logs');
        expect(ctx.items()).toBe(n);
        expect(logs.map((l) => l.body.stringValue).sort()).toEqual(
          Array.from({ length: n }, (_, i) => `log ${protocol} ${i}`).sort(),
        );
        const first = logs.find((l) => l.body.stringValue === `log ${protocol} 7`)!;
        expect(first.severityNumber).toBe(SeverityNumber.WARN);
        expect(first.severityText).toBe('WARN');
        expect(first.attributes).toEqual(
          expect.arrayContaining([
            { key: 'index', value: { intValue: '7' } },
            { key: 'ratio', value: { doubleValue: 3.5 } },
            { key: 'ok', value: { boolValue: true } },
          ]),
        );
        expect(BigInt(first.timeUnixNano)).toBeGreaterThan(0n);
        expect(harness.receiver.stats()).toMatchObject({ acceptedItems: n, refusedRequests: 0, invalidRequests: 0 });
      });
    }

    it(`traces over ${protocol} arrive exactly once with events, links and status`, async () => {
      harness = await startReceiver();
      const sdk = sdkTraces(protocol, endpointFor(harness, protocol), { maxExportBatchSize: 30 });
      const n = 100;
      let parentContext: { traceId: string; spanId: string } | undefined;
      for (let i = 0; i < n; i++) {
        const span = sdk.tracer.startSpan(`span ${protocol} ${i}`, { attributes: { index: i } });
        if (i === 0) parentContext = span.spanContext();
        if (i === 1) {
          span.addEvent('checkpoint', { step: 1 });
          span.addLink({ context: span.spanContext(), attributes: { self: true } });
          span.setStatus({ code: SpanStatusCode.ERROR, message: 'boom' });
        }
        span.end();
      }
      await sdk.flush();
      await sdk.shutdown();

      const spans = records(harness.ctx.emitted, 'traces');
      expect(harness.ctx.items()).toBe(n);
      expect(spans.map((s) => s.name).sort()).toEqual(Array.from({ length: n }, (_, i) => `span ${protocol} ${i}`).sort());
      const first = spans.find((s) => s.name === `span ${protocol} 0`)!;
      expect(first.traceId).toBe(parentContext!.traceId);
      expect(first.spanId).toBe(parentContext!.spanId);
      const second = spans.find((s) => s.name === `span ${protocol} 1`)!;
      expect(second.events).toEqual([
        expect.objectContaining({ name: 'checkpoint', attributes: [{ key: 'step', value: { intValue: '1' } }] }),
      ]);
      expect(second.links[0].spanId).toBe(second.spanId);
      expect(second.status).toEqual({ code: 2, message: 'boom' });
    });
  }

  // Only over HTTP: the SDK's gRPC exporter (0.223) retries no gRPC status at all, RESOURCE_EXHAUSTED with RetryInfo
  // included, so a refused gRPC batch is lost on the client side.
  for (const protocol of ['http/protobuf', 'http/json'] as const) {
    it(`a refusal while the pipeline is full is retried by the SDK over ${protocol} and lands once`, async () => {
      harness = await startReceiver();
      const h = harness;
      h.ctx.full = true;
      const sdk = sdkLogs(protocol, endpointFor(h, protocol));
      sdk.logger.emit({ body: 'retry me' });
      const flushed = sdk.flush();
      while (h.receiver.stats().refusedRequests === 0) await new Promise((r) => setTimeout(r, 10));
      h.ctx.full = false;
      await flushed;
      await h.ctx.waitForItems(1);
      await sdk.shutdown();
      expect(records(h.ctx.emitted, 'logs').map((l) => l.body.stringValue)).toEqual(['retry me']);
      expect(h.receiver.stats()).toMatchObject({ refusedRequests: 1, acceptedRequests: 1 });
    });
  }
});
