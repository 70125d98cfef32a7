// Acceptance (data plane): the exporter's peer goes away for a while and comes back. The engine does not crash, its
// memory stays bounded by the channel capacities, clients get retryable refusals (429 with Retry-After) while the
// pipeline is full, and every record answered 2xx arrives once the peer is back, exactly once.
import { describe, expect, it } from 'vitest';
import { startEngine } from '../support/engine.js';
import { startOtlpSink } from '../support/otlp-sink.js';
import { streamLogs } from '../support/otlp-load.js';

const OUTAGE_MS = 4000;
/** Far above an instance's working set: only unbounded buffering would reach it. */
const RSS_BOUND_BYTES = 300 * 1024 * 1024;

describe('exporter peer outage', () => {
  it('pushes back while the peer is down and delivers everything acknowledged once it is back', async () => {
    const first = await startOtlpSink();
    const port = Number(new URL(first.url).port);
    const spec = {
      policies: { resources: { core_allocation: { type: 'core_count', count: 1 } }, channel_capacity: { pdata: 8 } },
      nodes: {
        ingest: { type: 'receiver:otlp', config: { protocols: { http: { listening_addr: '127.0.0.1:0' } } } },
        batch: { type: 'processor:batch', config: { otlp: { min_size: 200, sizer: 'items' }, max_batch_duration: '50ms' } },
        out: { type: 'exporter:otlp_http', config: { endpoint: first.url, http: { timeout: '1s' } } },
      },
      connections: [{ from: 'ingest', to: 'batch' }, { from: 'batch', to: 'out' }],
    };
    const engine = await startEngine(`version: otel_dataflow/v1\ngroups:\n  default:\n    pipelines:\n      main: ${JSON.stringify(spec)}\n`);
    let second: Awaited<ReturnType<typeof startOtlpSink>> | undefined;
    try {
      const status = await engine.waitRunning();
      const pid = status.instances[0]!.pid!;
      const load = streamLogs(`http://${status.listeners[0]!.address}`, { connections: 4, perRequest: 20, prefix: `outage-${Date.now()}` });
      await engine.waitFor(async () => load.result.acked.length > 500 || undefined, 'load flowing');

      await first.close();
      const ackedAtOutage = load.result.acked.length;
      await engine.waitFor(async () => load.result.refused > 0 || undefined, 'retryable refusals while the peer is down', 15_000);
      await new Promise((r) => setTimeout(r, OUTAGE_MS));
      const during = await engine.pipeline();
      expect(during.instances[0]).toMatchObject({ pid, phase: 'running', restarts: 0 });
      expect(during.instances[0]!.rssBytes).toBeLessThan(RSS_BOUND_BYTES);

      second = await startOtlpSink({ port });
      await engine.waitFor(async () => load.result.acked.length > ackedAtOutage + 500 || undefined, 'load flowing again', 20_000);
      const result = await load.stop();
      expect(result.errors).toBe(0);
      const arrived = [...first.logs, ...second.logs];
      await second.waitFor(() => {
        const all = new Set([...first.logs, ...second!.logs]);
        return result.acked.every((b) => all.has(b));
      }, 20_000);
      const all = [...first.logs, ...second.logs];
      expect(new Set(all).size).toBe(all.length);
      expect(arrived.length).toBeGreaterThan(0);
      const after = await engine.pipeline();
      expect(after.instances[0]).toMatchObject({ pid, phase: 'running' });
      // The refusals and the deliveries show in the instance's node counters (heartbeats, every 5 s).
      const counted = await engine.waitFor(async () => {
        const nodes = (await engine.pipeline()).instances[0]!.nodes;
        return nodes && nodes.ingest!.itemsRefused > 0 && nodes.out!.itemsSent >= result.acked.length ? nodes : undefined;
      }, 'node counters in status', 15_000);
      expect(counted.out!.itemsSent).toBeLessThanOrEqual(all.length);
    } finally {
      await engine.stop();
      await second?.close();
    }
  });
});
