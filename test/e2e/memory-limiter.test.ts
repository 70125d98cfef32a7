// An instance over its memory limit pushes back on clients (retryable 429) instead of growing, and drops nothing:
// every record answered 2xx still reaches the sink.
import { describe, expect, it } from 'vitest';
import { startEngine } from '../support/engine.js';
import { startOtlpSink } from '../support/otlp-sink.js';
import { streamLogs } from '../support/otlp-load.js';

describe('memory_limiter in a running engine', () => {
  it('refuses with 429 while over the limit and loses nothing it accepted', async () => {
    const sink = await startOtlpSink();
    const spec = {
      policies: { resources: { core_allocation: { type: 'core_count', count: 1 } }, channel_capacity: { pdata: 4 } },
      nodes: {
        ingest: { type: 'receiver:otlp', config: { protocols: { http: { listening_addr: '127.0.0.1:0' } } } },
        // Far below any Node process: the limiter holds every message for max_hold.
        limit: { type: 'processor:memory_limiter', config: { limit: '1MiB', check_interval: '20ms', max_hold: '300ms' } },
        out: { type: 'exporter:otlp_http', config: { endpoint: sink.url } },
      },
      connections: [{ from: 'ingest', to: 'limit' }, { from: 'limit', to: 'out' }],
    };
    const engine = await startEngine(`version: otel_dataflow/v1\ngroups:\n  default:\n    pipelines:\n      main: ${JSON.stringify(spec)}\n`);
    try {
      const status = await engine.waitRunning();
      const load = streamLogs(`http://${status.listeners[0]!.address}`, { connections: 8, perRequest: 5, prefix: `mem-${Date.now()}` });
      await engine.waitFor(async () => (load.result.refused > 0 && load.result.acked.length > 20) || undefined, 'refusals and acceptances', 20_000);
      const result = await load.stop();
      expect(result.errors).toBe(0);
      await sink.waitFor(() => {
        const arrived = new Set(sink.logs);
        return result.acked.every((b) => arrived.has(b));
      }, 20_000);
      expect((await engine.pipeline()).instances[0]).toMatchObject({ phase: 'running', restarts: 0 });
    } finally {
      await engine.stop();
      await sink.close();
    }
  });
});
