// Acceptance: SIGTERM while a client streams OTLP drains receivers first: every request answered 2xx reaches the sink,
// the engine exits 0 and no instance remains. SIGKILL of the supervisor leaves no instance behind within 2 seconds.
import { describe, expect, it } from 'vitest';
import { processAlive, startEngine, usableCores } from '../support/engine.js';
import { startOtlpSink } from '../support/otlp-sink.js';
import { streamLogs } from '../support/otlp-load.js';

const cores = usableCores().slice(0, 2);

function pipelineConfig(sinkUrl: string): string {
  return `
version: otel_dataflow/v1
policies:
  resources: { core_allocation: { type: core_count, count: ${cores.length} } }
groups:
  default:
    pipelines:
      main:
        nodes:
          ingest: { type: receiver:otlp, config: { protocols: { http: { listening_addr: 127.0.0.1:0 } } } }
          batch: { type: processor:batch, config: { otlp: { min_size: 200, sizer: 'items' }, max_batch_duration: 2s } }
          out: { type: exporter:otlp_http, config: { endpoint: ${sinkUrl} } }
        connections:
          - { from: ingest, to: batch }
          - { from: batch, to: out }
`;
}

async function waitGone(pids: number[], withinMs: number): Promise<number[]> {
  const until = Date.now() + withinMs;
  for (;;) {
    const alive = pids.filter(processAlive);
    if (alive.length === 0 || Date.now() > until) return alive;
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('engine shutdown', () => {
  it('drains on SIGTERM under load: every acknowledged record reaches the sink, exit 0, no child left', async () => {
    const sink = await startOtlpSink();
    const engine = await startEngine(pipelineConfig(sink.url));
    try {
      const status = await engine.waitRunning();
      const pids = status.instances.map((i) => i.pid!);
      const http = status.listeners.find((l) => l.protocol === 'http')!;
      const load = streamLogs(`http://${http.address}`, { connections: 4, perRequest: 20 });
      await engine.waitFor(async () => load.result.acked.length >= 2000 || undefined, 'load flowing');
      engine.signal('SIGTERM');
      const exit = await engine.exited;
      const result = await load.stop();
      expect(exit, engine.lines.slice(-15).join("\n")).toEqual({ exitCode: 0, signal: undefined });
      expect(await waitGone(pids, 2000)).toEqual([]);
      // The batch timeout (2 s) is longer than the run: records held in batches were flushed by the drain.
      const received = new Set(sink.logs);
      const missing = result.acked.filter((body) => !received.has(body));
      expect(missing).toEqual([]);
      expect(sink.logs.length).toBe(received.size);
      expect(result.acked.length).toBeGreaterThan(0);
    } finally {
      await engine.stop();
      await sink.close();
    }
  });

  it('leaves no instance behind within 2 seconds of a SIGKILL of the supervisor', async () => {
    const sink = await startOtlpSink();
    const engine = await startEngine(pipelineConfig(sink.url));
    try {
      const status = await engine.waitRunning();
      const pids = status.instances.map((i) => i.pid!);
      expect(pids.every(processAlive)).toBe(true);
      engine.signal('SIGKILL');
      await engine.exited;
      expect(await waitGone(pids, 2000)).toEqual([]);
    } finally {
      await sink.close();
    }
  });
});
