// receiver:otlp with metrics made by the official SDK (sdk-metrics + otlp-transformer): sums, gauges, explicit and
// exponential histograms arrive over OTLP/HTTP protobuf, OTLP/HTTP JSON and OTLP/gRPC, counted per data point.
import { afterEach, describe, expect, it } from 'vitest';
import { startReceiver, type ReceiverHarness } from '../support/otlp-harness.js';
import { sdkMetricsRequest } from '../support/otlp-metrics.js';
import { RawOtlpGrpcClient } from '../support/otlp-grpc-client.js';
import { records } from '../support/otlp-decode.js';

let harness: ReceiverHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

function post(url: string, body: Uint8Array, contentType: string): Promise<Response> {
  return fetch(`${url}/v1/metrics`, { method: 'POST', body, headers: { 'Content-Type': contentType } });
}

describe('receiver:otlp metrics from the OpenTelemetry SDK', () => {
  it('counts every data point of every metric type, over all three encodings', async () => {
    harness = await startReceiver();
    const request = await sdkMetricsRequest(3);
    expect(request.points).toBe(15);

    const proto = await post(harness.httpUrl, request.protobuf, 'application/x-protobuf');
    expect(proto.status).toBe(200);
    expect(proto.headers.get('content-type')).toBe('application/x-protobuf');
    const json = await post(harness.httpUrl, request.json, 'application/json; charset=utf-8');
    expect(json.status).toBe(200);
    expect(await json.json()).toEqual({});
    const client = new RawOtlpGrpcClient(harness.grpcAddress);
    expect(await client.export('metrics', request.protobuf)).toEqual({ ok: true });
    client.close();

    const { emitted } = harness.ctx;
    expect(emitted.map((p) => [p.signal, p.items])).toEqual([
      ['metrics', 15],
      ['metrics', 15],
      ['metrics', 15],
    ]);
    // JSON was converted to protobuf once: the three messages decode to the same metrics.
    const byRequest = emitted.map((p) => records([p], 'metrics'));
    expect(byRequest[1]).toEqual(byRequest[0]);
    expect(byRequest[2]).toEqual(byRequest[0]);
    const metrics = byRequest[0]!;
    expect(metrics.map((m) => m.name).sort()).toEqual([...request.names].sort());
    const kinds = Object.fromEntries(metrics.map((m) => [m.name, Object.keys(m).find((k) => k !== 'name' && k !== 'description' && k !== 'unit')]));
    expect(kinds).toEqual({
      requests: 'sum',
      'queue.depth': 'sum',
      latency: 'histogram',
      'latency.exp': 'exponentialHistogram',
      temperature: 'gauge',
    });
    const histogram = metrics.find((m) => m.name === 'latency')!.histogram;
    expect(histogram.dataPoints).toHaveLength(3);
    expect(histogram.dataPoints[0].bucketCounts.length).toBe(histogram.dataPoints[0].explicitBounds.length + 1);
  });
});
