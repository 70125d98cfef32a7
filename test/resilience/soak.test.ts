// Resilience: 1,000 noop PUTs and 100 replace rollouts in a row. Nothing may leak: no process, file descriptor,
// listening socket or memory that grows with the number of operations.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminClient } from '../support/admin.js';
import { startEngine, type RunningEngine } from '../support/engine.js';
import { childPids, fdTotal, openFds, rssBytes } from './support.js';

const NOOP_PUTS = 1000;
const REPLACES = 100;
/** Supervisor memory may grow by this much across every operation: operation records are capped, nothing else stays. */
const RSS_GROWTH_BOUND_BYTES = 40 * 1024 * 1024;
/** Descriptors the runtime may open lazily (a DNS socket, a timer fd) beyond the baseline. */
const FD_SLACK = 4;

const spec = (batchSize: number) => ({
  policies: { resources: { core_allocation: { type: 'core_count', count: 1 } } },
  nodes: {
    ingest: { type: 'receiver:otlp', config: { protocols: { http: { listening_addr: '127.0.0.1:0' }, grpc: { listening_addr: '127.0.0.1:0' } } } },
    batch: { type: 'processor:batch', config: { otlp: { min_size: batchSize, sizer: 'items' }, max_batch_duration: '50ms' } },
    out: { type: 'exporter:noop' },
  },
  connections: [
    { from: 'ingest', to: 'batch' },
    { from: 'batch', to: 'out' },
  ],
});

interface Footprint {
  children: number;
  fds: number;
  fdKinds: Record<string, number>;
  rss: number;
  listeners: number;
}

describe('1,000 noop PUTs and 100 replace rollouts in a row', () => {
  let engine: RunningEngine;
  let api: ReturnType<typeof adminClient>;
  beforeAll(async () => {
    engine = await startEngine(JSON.stringify({ version: 'otel_dataflow/v1', groups: { default: { pipelines: { main: spec(100) } } } }));
    api = adminClient(engine.adminUrl);
    await engine.waitRunning();
  });
  afterAll(async () => {
    await engine?.stop();
  });

  async function footprint(): Promise<Footprint> {
    const pipeline = await engine.pipeline();
    return { children: childPids(engine.pid).length, fds: fdTotal(engine.pid), fdKinds: openFds(engine.pid), rss: rssBytes(engine.pid), listeners: pipeline.listeners.length };
  }

  /**
   * Once the engine is quiet: one instance, its old ones reaped, and descriptors back to the level of `baseline`
   * (the process sampler lets go of a retired pid's /proc file a few seconds after its last reading).
   */
  async function settled(baseline?: Footprint): Promise<Footprint> {
    let last: Footprint | undefined;
    try {
      return await engine.waitFor(async () => {
        const p = await engine.pipeline();
        last = await footprint();
        const quiet = p.deploymentStatus === 'running' && p.instances.length === 1 && last.children === 1;
        return quiet && (baseline === undefined || last.fds <= baseline.fds + FD_SLACK) && last;
      }, 'the engine to settle on one instance', 30_000);
    } catch (error) {
      throw new Error(`${(error as Error).message}; last footprint ${JSON.stringify(last)}, baseline ${JSON.stringify(baseline)}`);
    }
  }

  it('leaks no process, descriptor, listener or memory', async () => {
    // Warm-up, so that lazy initialisation (module loads, JIT, pools) is not mistaken for growth.
    for (let i = 0; i < 50; i++) expect((await api.put('default', 'main', spec(100))).status).toBe(200);
    expect((await api.put('default', 'main', spec(101))).body.state).toBe('succeeded');
    const start = await settled();

    for (let i = 0; i < NOOP_PUTS; i++) {
      const res = await api.put('default', 'main', spec(101));
      expect(res.status).toBe(200);
      expect(res.body.action).toBe('noop');
    }
    const afterNoops = await settled(start);
    const generationAfterNoops = (await engine.pipeline()).activeGeneration;

    for (let i = 0; i < REPLACES; i++) {
      const res = await api.put('default', 'main', spec(200 + i));
      expect(res.body.state, `replace ${i}: ${JSON.stringify(res.body)}`).toBe('succeeded');
    }
    const end = await settled(start);
    const pipeline = await engine.pipeline();
    expect(pipeline.activeGeneration).toBe(generationAfterNoops + REPLACES);
    console.log(`soak: start ${JSON.stringify(start)}\nsoak: after noops ${JSON.stringify(afterNoops)}\nsoak: end ${JSON.stringify(end)}`);

    expect(end.children).toBe(1);
    expect(end.listeners).toBe(start.listeners);
    // Descriptors: the same sockets, pipes and files as before, within a few for what the runtime opens lazily.
    expect(end.fds).toBeLessThanOrEqual(start.fds + FD_SLACK);
    expect(afterNoops.fds).toBeLessThanOrEqual(start.fds + FD_SLACK);
    expect(end.rss - start.rss).toBeLessThan(RSS_GROWTH_BOUND_BYTES);
  }, 1_200_000);
});
