// The durable buffer's log across live changes, with real processes. A rolling replace starts the new generation on a
// core while the old one still runs: each writes its own log, and the new one adopts the old one's once the old one has
// drained and let go of it. A resize 2→1 drains a core: its log is adopted by the core that stays, which gets the whole
// retention_size_cap back (each had half). The peer is down while the change happens, so everything acknowledged
// before and during it has to come out of a log: once the peer is back, every record a client had a 2xx for arrives,
// and duplicates are counted and reported.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { adminClient } from '../support/admin.js';
import { startEngine, usableCores, type RunningEngine } from '../support/engine.js';
import { startOtlpSink, type OtlpSink } from '../support/otlp-sink.js';
import { streamLogs } from '../support/otlp-load.js';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function spec(path: string, sinkUrl: string, cores: number, pollInterval = '50ms'): Record<string, unknown> {
  return {
    policies: { resources: { core_allocation: { type: 'core_count', count: cores } }, channel_capacity: { pdata: 8 } },
    nodes: {
      ingest: { type: 'receiver:otlp', config: { protocols: { http: { listening_addr: '127.0.0.1:0' } } } },
      buffer: {
        type: 'processor:durable_buffer',
        config: { path, poll_interval: pollInterval, max_segment_open_duration: '200ms', initial_retry_interval: '100ms', max_retry_interval: '500ms' },
      },
      out: { type: 'exporter:otlp_http', config: { endpoint: sinkUrl, http: { timeout: '1s' } } },
    },
    connections: [{ from: 'ingest', to: 'buffer' }, { from: 'buffer', to: 'out' }],
  };
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'otap-e2e-handover-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function peerDown(): Promise<{ url: string; port: number }> {
  const sink = await startOtlpSink();
  await sink.close();
  return { url: sink.url, port: Number(new URL(sink.url).port) };
}

async function allArrived(acked: string[], sink: OtlpSink, engine?: RunningEngine): Promise<number> {
  await sink.waitFor(() => {
    const all = new Set(sink.logs);
    return acked.every((body) => all.has(body));
  }, 40_000).catch(async (error: Error) => {
    // What a failure needs to be understood: what is missing, and what the buffers say they hold.
    const all = new Set(sink.logs);
    const missing = acked.filter((b) => !all.has(b));
    const buffers = engine ? (await engine.pipeline()).instances.map((i) => ({ core: i.coreId, generation: i.deploymentGeneration, buffer: i.nodes?.buffer?.durableBuffer })) : [];
    throw new Error(`${error.message}: ${missing.length} of ${acked.length} acknowledged records missing (first ${missing.slice(0, 3).join(', ')}); buffers ${JSON.stringify(buffers)}`);
  });
  return sink.logs.length - new Set(sink.logs).size;
}

/** Logs the running instances say they adopted (from their heartbeats). */
async function adopted(engine: RunningEngine): Promise<number> {
  const instances = (await engine.pipeline()).instances.filter((i) => i.phase === 'running');
  return instances.reduce((n, i) => n + (i.nodes?.buffer?.durableBuffer?.logsAdopted ?? 0), 0);
}

const GiB = 1024 ** 3;

/** Each running instance's share of the cap, by core. */
async function caps(engine: RunningEngine): Promise<number[]> {
  const instances = (await engine.pipeline()).instances.filter((i) => i.phase === 'running').sort((a, b) => a.coreId - b.coreId);
  return instances.map((i) => i.nodes?.buffer?.durableBuffer?.bytesCap ?? 0);
}

/** Log directories left under the buffer's path (each core's, each generation's). */
function logDirs(path: string): string[] {
  return readdirSync(path).flatMap((core) => readdirSync(join(path, core)).map((log) => `${core}/${log}`));
}

describe('durable buffer across live changes', () => {
  it('a rolling replace hands the old generation’s log to the new one, and nothing acknowledged is lost', async () => {
    const path = tempDir();
    const peer = await peerDown();
    const yaml = `version: otel_dataflow/v1\ngroups:\n  default:\n    pipelines:\n      main: ${JSON.stringify(spec(path, peer.url, 1))}\n`;
    const engine = await startEngine(yaml);
    cleanups.push(() => engine.stop());
    const status = await engine.waitRunning();
    const load = streamLogs(`http://${status.listeners[0]!.address}`, { connections: 4, perRequest: 10, pauseMs: 40, prefix: `replace-${Date.now()}` });
    cleanups.push(() => load.stop());
    await engine.waitFor(async () => load.result.acked.length > 1000 || undefined, 'accepted while the peer is down');

    const api = adminClient(engine.adminUrl);
    const replaced = await api.put('default', 'main', spec(path, peer.url, 1, '60ms'), 'wait=true&timeout_secs=60', { drainTimeoutSecs: 3 });
    expect([replaced.status, replaced.body.state]).toEqual([200, 'succeeded']);
    const ackedAfter = load.result.acked.length;
    await engine.waitFor(async () => load.result.acked.length > ackedAfter + 500 || undefined, 'accepted by the new generation');
    // The new generation took the old one's log over (it says so in its figures), and holds both until the peer is back.
    await engine.waitFor(async () => (await adopted(engine)) >= 1 || undefined, 'the old log adopted', 20_000);
    expect(logDirs(path).sort()).toEqual(['core_0/gen_1', 'core_0/gen_2']);

    const sink = await startOtlpSink({ port: peer.port });
    cleanups.push(() => sink.close());
    const result = await load.stop();
    const duplicates = await allArrived(result.acked, sink, engine);
    // Delivered, the adopted log is deleted: the new generation's own is left.
    await engine.waitFor(async () => logDirs(path).length === 1 || undefined, 'the adopted log deleted', 15_000);
    expect(logDirs(path)).toEqual(['core_0/gen_2']);
    console.log(`rolling replace: ${result.acked.length} records acknowledged, ${sink.logs.length} arrived, ${duplicates} duplicates, ${result.errors} requests failed`);
  }, 90_000);

  it.skipIf(usableCores().length < 2)('a resize 2→1 drains a core and the core that stays delivers its log', async () => {
    const path = tempDir();
    const peer = await peerDown();
    const yaml = `version: otel_dataflow/v1\ngroups:\n  default:\n    pipelines:\n      main: ${JSON.stringify(spec(path, peer.url, 2))}\n`;
    const engine = await startEngine(yaml);
    cleanups.push(() => engine.stop());
    const status = await engine.waitRunning();
    expect(status.runningCores).toBe(2);
    const load = streamLogs(`http://${status.listeners[0]!.address}`, { connections: 4, perRequest: 10, pauseMs: 40, prefix: `resize-${Date.now()}` });
    cleanups.push(() => load.stop());
    await engine.waitFor(async () => load.result.acked.length > 1000 || undefined, 'accepted on both cores while the peer is down');
    expect(logDirs(path).sort()).toEqual(['core_0/gen_1', 'core_1/gen_1']);
    // Each core has half of retention_size_cap (10 GiB by default).
    expect(await caps(engine)).toEqual([5 * GiB, 5 * GiB]);

    const api = adminClient(engine.adminUrl);
    const resized = await api.put('default', 'main', spec(path, peer.url, 1), 'wait=true&timeout_secs=60', { drainTimeoutSecs: 3 });
    expect([resized.status, resized.body.action, resized.body.state]).toEqual([200, 'resize', 'succeeded']);
    // Core 1's log is free once its instance is gone; core 0 adopts it after seeing it free for a while.
    await engine.waitFor(async () => (await adopted(engine)) >= 1 || undefined, 'core 1’s log adopted', 25_000);
    // The core that stays has the whole cap again, with core 1's data counted against it.
    await engine.waitFor(async () => (await caps(engine))[0] === 10 * GiB || undefined, 'core 0’s share back to the whole cap', 10_000);

    const sink = await startOtlpSink({ port: peer.port });
    cleanups.push(() => sink.close());
    const result = await load.stop();
    const duplicates = await allArrived(result.acked, sink, engine);
    await engine.waitFor(async () => logDirs(path).length === 1 || undefined, 'the adopted log deleted', 15_000);
    expect(logDirs(path)).toEqual(['core_0/gen_1']);
    console.log(`resize 2→1: ${result.acked.length} records acknowledged, ${sink.logs.length} arrived, ${duplicates} duplicates, ${result.errors} requests failed`);
  }, 90_000);
});
