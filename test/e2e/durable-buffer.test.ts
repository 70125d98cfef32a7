// Acceptance of processor:durable_buffer with real processes: OTLP/HTTP clients with keep-alive and the default
// acknowledgement at admission, a buffer, exporter:otlp_http to a peer that goes down. The buffer keeps accepting while
// the peer is down; then a kill -9 of the instance under load (runtime recovery restarts it on the same log), or a
// kill -9 of the whole engine and a new engine on the same path. In each case every record a client had an answer 2xx
// for reaches the peer once it is back; duplicates (at-least-once) are counted and reported.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startEngine, type RunningEngine } from '../support/engine.js';
import { startOtlpSink, type OtlpSink } from '../support/otlp-sink.js';
import { streamLogs } from '../support/otlp-load.js';
import { Scrape } from '../support/prometheus.js';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function bufferConfig(path: string, sinkUrl: string): string {
  const spec = {
    policies: { resources: { core_allocation: { type: 'core_count', count: 1 } }, channel_capacity: { pdata: 16 } },
    nodes: {
      ingest: { type: 'receiver:otlp', config: { protocols: { http: { listening_addr: '127.0.0.1:0' } } } },
      buffer: {
        type: 'processor:durable_buffer',
        config: { path, retention_size_cap: '256MiB', poll_interval: '50ms', max_segment_open_duration: '200ms', initial_retry_interval: '100ms', max_retry_interval: '500ms' },
      },
      out: { type: 'exporter:otlp_http', config: { endpoint: sinkUrl, http: { timeout: '1s' } } },
    },
    connections: [{ from: 'ingest', to: 'buffer' }, { from: 'buffer', to: 'out' }],
  };
  return `version: otel_dataflow/v1\ngroups:\n  default:\n    pipelines:\n      main: ${JSON.stringify(spec)}\n`;
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'otap-e2e-buffer-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function engineWith(yaml: string): Promise<{ engine: RunningEngine; url: string; pid: number }> {
  const engine = await startEngine(yaml);
  cleanups.push(() => engine.stop());
  const status = await engine.waitRunning();
  return { engine, url: `http://${status.listeners[0]!.address}`, pid: status.instances[0]!.pid! };
}

/** Waits until every acknowledged record reached one of the sinks; returns how many arrived more than once. */
async function deliveredOnce(acked: string[], sinks: OtlpSink[], timeoutMs: number): Promise<{ duplicates: number; arrived: number }> {
  const last = sinks.at(-1)!;
  await last.waitFor(() => {
    const all = new Set(sinks.flatMap((s) => s.logs));
    return acked.every((body) => all.has(body));
  }, timeoutMs);
  const arrived = sinks.flatMap((s) => s.logs);
  return { duplicates: arrived.length - new Set(arrived).size, arrived: arrived.length };
}

describe('processor:durable_buffer end to end', () => {
  it('keeps accepting while the peer is down, survives a kill -9 of the instance under load, and delivers every acknowledged record', async () => {
    const path = tempDir();
    const first = await startOtlpSink();
    cleanups.push(() => first.close());
    const port = Number(new URL(first.url).port);
    const { engine, url, pid } = await engineWith(bufferConfig(path, first.url));
    const load = streamLogs(url, { connections: 4, perRequest: 20, prefix: `kill-${Date.now()}` });
    cleanups.push(() => load.stop());
    await engine.waitFor(async () => first.logs.length > 400 || undefined, 'data flowing to the peer');

    // The peer goes down: clients keep getting 2xx, because the buffer stores what they send.
    await first.close();
    const ackedAtOutage = load.result.acked.length;
    await engine.waitFor(async () => load.result.acked.length > ackedAtOutage + 2000 || undefined, 'accepted while the peer is down', 20_000);

    // kill -9 of the instance while clients send; runtime recovery starts it again on the same log.
    process.kill(pid, 'SIGKILL');
    const restarted = await engine.waitFor(async () => {
      const p = await engine.pipeline();
      const instance = p.instances.find((i) => i.phase === 'running' && i.pid !== pid);
      return instance?.pid ?? undefined;
    }, 'the instance restarted', 20_000);
    const ackedAtRestart = load.result.acked.length;
    await engine.waitFor(async () => load.result.acked.length > ackedAtRestart + 500 || undefined, 'accepting after the restart', 20_000);

    const second = await startOtlpSink({ port });
    cleanups.push(() => second.close());
    const result = await load.stop();
    const { duplicates, arrived } = await deliveredOnce(result.acked, [first, second], 30_000);
    console.log(`kill -9 of the instance: ${result.acked.length} records acknowledged, ${arrived} arrived, ${duplicates} duplicates, ${result.errors} requests failed (connections cut by the kill)`);
    expect(result.acked.length).toBeGreaterThan(ackedAtOutage + 2500);

    // The buffer's figures reach status: everything delivered, its disk use within the cap.
    const stats = await engine.waitFor(async () => {
      const nodes = (await engine.pipeline()).instances.find((i) => i.pid === restarted)?.nodes;
      const buffer = nodes?.buffer?.durableBuffer;
      return buffer && buffer.itemsQueued === 0 && buffer.itemsDelivered > 0 ? buffer : undefined;
    }, 'buffer figures in status', 20_000);
    expect(stats.bytesCap).toBe(256 * 1024 * 1024);
    expect(stats.bytesUsed).toBeLessThan(stats.bytesCap);
    // And the metrics: the restarted instance's buffer, by core and generation.
    const scrape = await Scrape.of(engine.adminUrl);
    const labels = { group: 'default', pipeline: 'main', node: 'buffer' };
    expect(scrape.sum('otap_durable_buffer_bytes_cap', labels)).toBe(256 * 1024 * 1024);
    expect(scrape.sum('otap_durable_buffer_items_delivered_total', labels)).toBeGreaterThan(0);
    expect(scrape.all('otap_durable_buffer_items_lost_total', labels).map((s) => s.labels.reason).sort()).toEqual(['drop_oldest', 'expired', 'refused', 'rejected']);
  }, 90_000);

  it('picks up the log a killed engine left, when a new engine starts on the same path', async () => {
    const path = tempDir();
    const down = await startOtlpSink();
    const port = Number(new URL(down.url).port);
    await down.close();
    const { engine, url } = await engineWith(bufferConfig(path, down.url));
    const load = streamLogs(url, { connections: 4, perRequest: 20, prefix: `engine-${Date.now()}` });
    cleanups.push(() => load.stop());
    await engine.waitFor(async () => load.result.acked.length > 3000 || undefined, 'accepted while the peer is down', 20_000);
    // kill -9 of the supervisor: its instances see their IPC channel close and exit.
    const instancePids = (await engine.pipeline()).instances.map((i) => i.pid!);
    engine.signal('SIGKILL');
    await engine.exited;
    const result = await load.stop();
    for (const p of instancePids) await waitGone(p);

    const sink = await startOtlpSink({ port });
    cleanups.push(() => sink.close());
    await engineWith(bufferConfig(path, sink.url));
    const { duplicates, arrived } = await deliveredOnce(result.acked, [sink], 30_000);
    console.log(`kill -9 of the engine: ${result.acked.length} records acknowledged, ${arrived} delivered by the next engine, ${duplicates} duplicates`);
  }, 90_000);
});

async function waitGone(pid: number): Promise<void> {
  const until = Date.now() + 10_000;
  for (;;) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    if (Date.now() > until) {
      execFileSync('kill', ['-9', String(pid)]);
      return;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
