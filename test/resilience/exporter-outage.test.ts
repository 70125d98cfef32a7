// Resilience: the exporter's endpoint is down for 30 s, then back. No crash, memory bounded by the channel capacities,
// every refusal the clients see is retryable (429/503 with Retry-After), and everything acknowledged arrives.
import { afterAll, describe, expect, it } from 'vitest';
import { startEngine, type RunningEngine } from '../support/engine.js';
import { encodeLogsRequest, streamLogs } from '../support/otlp-load.js';
import { startOtlpSink, type OtlpSink } from '../support/otlp-sink.js';
import { rssBytes, sleep } from './support.js';
import http from 'node:http';

const OUTAGE_MS = 30_000;
/** Far above an instance's working set under this load; only unbounded buffering would reach it. */
const RSS_BOUND_BYTES = 300 * 1024 * 1024;

describe('exporter endpoint down for 30 s', () => {
  let engine: RunningEngine | undefined;
  const sinks: OtlpSink[] = [];
  afterAll(async () => {
    await engine?.stop();
    for (const sink of sinks) await sink.close();
  });

  it('pushes back with retryable refusals, stays bounded, and delivers everything acknowledged', async () => {
    const first = await startOtlpSink();
    sinks.push(first);
    const port = Number(new URL(first.url).port);
    const spec = {
      policies: { resources: { core_allocation: { type: 'core_count', count: 1 } }, channel_capacity: { pdata: 16 } },
      nodes: {
        ingest: { type: 'receiver:otlp', config: { protocols: { http: { listening_addr: '127.0.0.1:0' } } } },
        batch: { type: 'processor:batch', config: { otlp: { min_size: 200, sizer: 'items' }, max_batch_duration: '50ms' } },
        out: { type: 'exporter:otlp_http', config: { endpoint: first.url, http: { timeout: '1s' } } },
      },
      connections: [
        { from: 'ingest', to: 'batch' },
        { from: 'batch', to: 'out' },
      ],
    };
    engine = await startEngine(JSON.stringify({ version: 'otel_dataflow/v1', groups: { default: { pipelines: { main: spec } } } }));
    const running = engine;
    const status = await running.waitRunning();
    const pid = status.instances[0]!.pid!;
    const url = `http://${status.listeners[0]!.address}`;
    const load = streamLogs(url, { connections: 4, perRequest: 20, prefix: `outage30-${Date.now()}` });
    await running.waitFor(async () => load.result.acked.length > 500 || undefined, 'load flowing');

    await first.close();
    const outageStart = Date.now();
    let peakRss = 0;
    const refusalHeaders: Array<{ status: number; retryAfter: string | undefined }> = [];
    const agent = new http.Agent({ keepAlive: true });
    while (Date.now() - outageStart < OUTAGE_MS) {
      peakRss = Math.max(peakRss, rssBytes(pid));
      // A probe request beside the load, to read the refusal's headers.
      const probe = await new Promise<{ status: number; retryAfter: string | undefined }>((resolve, reject) => {
        const body = encodeLogsRequest(['probe']);
        const req = http.request(`${url}/v1/logs`, { method: 'POST', agent, headers: { 'content-type': 'application/x-protobuf', 'content-length': body.length } }, (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'] }));
        });
        req.on('error', reject);
        req.end(body);
      });
      if (probe.status !== 200) refusalHeaders.push(probe);
      await sleep(1000);
    }
    agent.destroy();
    const during = await running.pipeline();
    expect(during.instances[0]).toMatchObject({ pid, phase: 'running', restarts: 0 });
    expect(load.result.refused).toBeGreaterThan(0);
    expect(load.result.errors).toBe(0);
    expect(refusalHeaders.length).toBeGreaterThan(0);
    for (const refusal of refusalHeaders) {
      expect([429, 503]).toContain(refusal.status);
      expect(Number(refusal.retryAfter)).toBeGreaterThan(0);
    }
    expect(peakRss).toBeLessThan(RSS_BOUND_BYTES);

    const second = await startOtlpSink({ port });
    sinks.push(second);
    const ackedAtReturn = load.result.acked.length;
    await running.waitFor(async () => load.result.acked.length > ackedAtReturn + 500 || undefined, 'load flowing again', 60_000);
    const result = await load.stop();
    expect(result.errors).toBe(0);
    const arrived = new Set<string>(first.logs);
    let seen = 0;
    await second.waitFor(() => {
      for (; seen < second.logs.length; seen++) arrived.add(second.logs[seen]!);
      return result.acked.every((body) => arrived.has(body));
    }, 60_000).catch(() => undefined);
    const missing = result.acked.filter((body) => !arrived.has(body));
    console.log(
      `exporter-outage: ${result.acked.length} acked, ${result.refused} refused requests, peak instance RSS ${(peakRss / 2 ** 20).toFixed(1)} MiB, ${missing.length} missing`,
    );
    // Delivery is at least once: a peer that answers after the exporter's timeout may get a message twice, so
    // duplicates are allowed here; losing one is not.
    expect(missing).toEqual([]);
    expect((await running.pipeline()).instances[0]).toMatchObject({ pid, phase: 'running' });
  });
});
