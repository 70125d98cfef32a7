// Acceptance (live management under load): a replace while a client streams OTLP over keep-alive connections loses
// nothing and refuses no connection, with both generations visible on a core during the overlap; a replace that cannot
// become ready (an exporter failing at start, a node crashing at start) rolls back while the old generation serves on;
// resize 1→2 and 2→1 keeps the instance on the kept core untouched; a shutdown under load loses nothing acknowledged.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { processAlive, startEngine, usableCores, type RunningEngine } from '../support/engine.js';
import { adminClient } from '../support/admin.js';
import { startOtlpSink, type OtlpSink } from '../support/otlp-sink.js';
import { encodeLogsRequest, streamLogs, type Load } from '../support/otlp-load.js';

const cores = usableCores().slice(0, 2);

function pipeline(sinkUrl: string, options: { batch?: number; coreCount?: number; extraNode?: Record<string, unknown> } = {}) {
  const nodes: Record<string, unknown> = {
    ingest: { type: 'receiver:otlp', config: { protocols: { http: { listening_addr: '127.0.0.1:0' } } } },
    batch: { type: 'processor:batch', config: { otlp: { min_size: options.batch ?? 100, sizer: 'items' }, max_batch_duration: '100ms' } },
    out: { type: 'exporter:otlp_http', config: { endpoint: sinkUrl } },
  };
  const connections: Array<{ from: string; to: string }> = [
    { from: 'ingest', to: 'batch' },
    { from: 'batch', to: 'out' },
  ];
  if (options.extraNode) {
    Object.assign(nodes, options.extraNode);
    const name = Object.keys(options.extraNode)[0]!;
    connections.splice(1, 1, { from: 'batch', to: name }, { from: name, to: 'out' });
  }
  return { policies: { resources: { core_allocation: { type: 'core_count', count: options.coreCount ?? cores.length } } }, nodes, connections };
}

function yamlOf(spec: unknown): string {
  return `version: otel_dataflow/v1\ngroups:\n  default:\n    pipelines:\n      main: ${JSON.stringify(spec)}\n`;
}

describe('rollouts under load', () => {
  let sink: OtlpSink;
  let engine: RunningEngine;
  let api: ReturnType<typeof adminClient>;
  let load: Load | null = null;

  // A sink per test: each test's records are checked against its own, small, arrival list.
  beforeEach(async () => {
    sink = await startOtlpSink();
  });
  afterEach(async () => {
    await load?.stop();
    load = null;
    await engine?.stop();
    await sink?.close();
  });

  async function boot(spec: unknown): Promise<string> {
    engine = await startEngine(yamlOf(spec), [], { OTAP_ENGINE_ENABLE_FAULT_INJECTION: '1' });
    api = adminClient(engine.adminUrl);
    const status = await engine.waitRunning();
    return `http://${status.listeners[0]!.address}`;
  }

  async function expectNoLoss(): Promise<void> {
    const result = await load!.stop();
    load = null;
    expect(result.errors, 'requests that failed or found no listener').toBe(0);
    expect(result.acked.length).toBeGreaterThan(0);
    await sink.waitFor(() => {
      const arrived = new Set(sink.logs);
      return result.acked.every((b) => arrived.has(b));
    }, 15_000);
    const seen = new Map<string, number>();
    for (const body of sink.logs) seen.set(body, (seen.get(body) ?? 0) + 1);
    for (const body of result.acked) expect(seen.get(body), body).toBe(1);
  }

  it('replaces core by core with no loss, both generations side by side during the overlap', async () => {
    const url = await boot(pipeline(sink.url));
    load = streamLogs(url, { connections: 4, perRequest: 10, prefix: `replace-${Date.now()}` });
    await engine.waitFor(async () => load!.result.acked.length > 500 || undefined, 'load flowing');

    const put = await api.put('default', 'main', pipeline(sink.url, { batch: 150 }), 'wait=false');
    expect(put.status).toBe(202);
    expect(put.body.action).toBe('replace');
    const overlap = await engine.waitFor(async () => {
      const s = await engine.pipeline();
      const perCore = new Map<number, Set<number>>();
      for (const i of s.instances) perCore.set(i.coreId, (perCore.get(i.coreId) ?? new Set()).add(i.deploymentGeneration));
      return [...perCore.values()].some((gens) => gens.has(1) && gens.has(2)) ? s : undefined;
    }, 'an overlap of generations 1 and 2 on one core');
    expect(overlap.deploymentStatus).toBe('updating');
    const done = await api.settle(`/groups/default/pipelines/main/rollouts/${put.body.rolloutId}`);
    expect(done.state).toBe('succeeded');
    expect(done.cores.every((c: { state: string }) => c.state === 'retired')).toBe(true);

    await new Promise((r) => setTimeout(r, 300));
    await expectNoLoss();
    const after = await engine.pipeline();
    expect(after.activeGeneration).toBe(2);
    expect(new Set(after.instances.map((i) => i.deploymentGeneration))).toEqual(new Set([2]));
    expect(after.instances).toHaveLength(cores.length);
    expect(Object.values(after.servingGenerations)).toEqual(cores.map(() => 2));
  });

  it.each([
    ['an exporter that fails at start', { bad: { type: 'exporter:file', config: { path: '/etc/hostname/cannot-exist-{signal}-{core_id}-{generation}.jsonl' } } }, 'bad', true],
    ['a node that crashes at start', { bad: { type: 'processor:fault', config: { start: 'crash' } } }, 'bad', false],
  ])('rolls back %s while the old generation serves on', async (_what, extraNode, node, isExporter) => {
    const url = await boot(pipeline(sink.url));
    const before = await engine.pipeline();
    const committedBefore = (await api.get('/groups/default/pipelines/main')).body.pipeline;
    load = streamLogs(url, { connections: 3, perRequest: 10, prefix: `rollback-${node}-${Date.now()}` });
    await engine.waitFor(async () => load!.result.acked.length > 300 || undefined, 'load flowing');

    const spec = pipeline(sink.url);
    if (isExporter) {
      Object.assign(spec.nodes, extraNode);
      spec.connections.push({ from: 'batch', to: node });
    } else {
      Object.assign(spec, pipeline(sink.url, { extraNode }));
    }
    const put = await api.put('default', 'main', spec, 'wait=true&timeout_secs=60', { stepTimeoutSecs: 20 });
    // As upstream: the RolloutStatus itself is the body, and a rollout that was rolled back is `failed`.
    expect(put.status).toBe(409);
    const rollout = put.body;
    expect(rollout.state).toBe('failed');
    expect(rollout.failureReason).toContain(`node "${node}"`);

    await new Promise((r) => setTimeout(r, 300));
    await expectNoLoss();
    const after = await engine.pipeline();
    expect(after.activeGeneration).toBe(1);
    expect(after.instances.map((i) => i.pid)).toEqual(before.instances.map((i) => i.pid));
    expect(after.deploymentStatus).toBe('running');
    expect(after.rollout).toMatchObject({ rolloutId: rollout.rolloutId, state: 'failed' });
    expect((await api.get('/groups/default/pipelines/main')).body.pipeline).toEqual(committedBefore);
  });

  it.skipIf(cores.length < 2)('resizes 1→2 and 2→1 under load, the kept core untouched', async () => {
    const url = await boot(pipeline(sink.url, { coreCount: 1 }));
    load = streamLogs(url, { connections: 4, perRequest: 10, prefix: `resize-${Date.now()}` });
    await engine.waitFor(async () => load!.result.acked.length > 300 || undefined, 'load flowing');
    const one = await engine.pipeline();
    const kept = one.instances[0]!;

    const up = await api.put('default', 'main', pipeline(sink.url, { coreCount: 2 }));
    expect(up.status).toBe(200);
    expect(up.body).toMatchObject({ action: 'resize', state: 'succeeded', targetGeneration: 1 });
    const two = await engine.pipeline();
    expect(two.instances).toHaveLength(2);
    expect(two.instances.find((i) => i.coreId === kept.coreId)).toMatchObject({ pid: kept.pid, deploymentGeneration: 1 });
    expect(two.activeGeneration).toBe(1);
    await engine.waitFor(async () => load!.result.acked.length > 1500 || undefined, 'load flowing on two cores');

    const down = await api.put('default', 'main', pipeline(sink.url, { coreCount: 1 }));
    expect(down.status).toBe(200);
    expect(down.body).toMatchObject({ action: 'resize', state: 'succeeded' });
    const back = await engine.pipeline();
    expect(back.instances).toEqual([expect.objectContaining({ coreId: kept.coreId, pid: kept.pid, deploymentGeneration: 1 })]);

    await new Promise((r) => setTimeout(r, 300));
    await expectNoLoss();
  });
});

describe.skipIf(cores.length < 2)('rollback of cores already switched', () => {
  it('restores the old generation on the first core when the second core fails, with no loss', async () => {
    const sink = await startOtlpSink();
    const engine = await startEngine(yamlOf(pipeline(sink.url)), [], { OTAP_ENGINE_ENABLE_FAULT_INJECTION: '1' });
    const api = adminClient(engine.adminUrl);
    let load: Load | null = null;
    try {
      const before = await engine.waitRunning();
      load = streamLogs(`http://${before.listeners[0]!.address}`, { connections: 4, perRequest: 10, prefix: `partial-${Date.now()}` });
      await engine.waitFor(async () => load!.result.acked.length > 300 || undefined, 'load flowing');

      // The second core fails 2 s into its start: the first core, whose 500 ms gate that start overlaps, is switched by
      // then (a second core failing sooner would leave the first one unswitched, on its old process).
      const failing = pipeline(sink.url, { extraNode: { bad: { type: 'processor:fault', config: { start: 'fail', start_delay: '2s', cores: [cores[1]] } } } });
      const put = await api.put('default', 'main', failing, 'wait=true&timeout_secs=60', { stepTimeoutSecs: 20 });
      expect(put.status).toBe(409);
      const rollout = put.body;
      expect(rollout.state).toBe('failed');
      expect(rollout.failureReason).toContain(`core ${cores[1]}: node "bad"`);
      expect(rollout.cores).toEqual([
        expect.objectContaining({ coreId: cores[0], state: 'rolled_back', previousGeneration: 1, targetGeneration: 2 }),
        expect.objectContaining({ coreId: cores[1], state: 'failed' }),
      ]);

      const after = await engine.pipeline();
      expect(after.activeGeneration).toBe(1);
      expect(after.instances.map((i) => i.deploymentGeneration)).toEqual([1, 1]);
      expect(Object.values(after.servingGenerations)).toEqual([1, 1]);
      // The first core ran generation 2 for a while and got generation 1 back in a new process; the second never moved.
      expect(after.instances.find((i) => i.coreId === cores[0])!.pid).not.toBe(before.instances.find((i) => i.coreId === cores[0])!.pid);
      expect(after.instances.find((i) => i.coreId === cores[1])!.pid).toBe(before.instances.find((i) => i.coreId === cores[1])!.pid);

      await new Promise((r) => setTimeout(r, 300));
      const result = await load.stop();
      load = null;
      expect(result.errors).toBe(0);
      await sink.waitFor(() => {
        const arrived = new Set(sink.logs);
        return result.acked.every((b) => arrived.has(b));
      }, 15_000);
      expect(new Set(sink.logs).size).toBe(sink.logs.length);
    } finally {
      await load?.stop();
      await engine.stop();
      await sink.close();
    }
  });
});

describe('shutdown under load', () => {
  it('goes running → succeeded, every acknowledged record reaches the sink, no child is left, and start brings it back', async () => {
    const sink = await startOtlpSink();
    const engine = await startEngine(yamlOf(pipeline(sink.url)));
    const api = adminClient(engine.adminUrl);
    let load: Load | null = null;
    try {
      const before = await engine.waitRunning();
      const pids = before.instances.map((i) => i.pid!);
      load = streamLogs(`http://${before.listeners[0]!.address}`, { connections: 4, perRequest: 10, prefix: `shutdown-${Date.now()}` });
      await engine.waitFor(async () => load!.result.acked.length > 500 || undefined, 'load flowing');

      const res = await api.post('/groups/default/pipelines/main/shutdown?wait=false');
      expect(res.status).toBe(202);
      expect(res.body.state).toBe('running');
      const done = await api.settle(`/groups/default/pipelines/main/shutdowns/${res.body.shutdownId}`);
      expect(done.state).toBe('succeeded');
      const result = await load.stop();
      load = null;
      expect(result.acked.length).toBeGreaterThan(0);
      await sink.waitFor(() => {
        const arrived = new Set(sink.logs);
        return result.acked.every((b) => arrived.has(b));
      }, 15_000);
      expect(new Set(sink.logs).size).toBe(sink.logs.length);
      expect(pids.filter(processAlive)).toEqual([]);
      const stopped = await engine.pipeline();
      expect(stopped).toMatchObject({ desiredStatus: 'stopped', deploymentStatus: 'stopped', instances: [] });

      const start = await api.post('/groups/default/pipelines/main/start');
      expect(start.status).toBe(202);
      expect((await api.settle(`/groups/default/pipelines/main/rollouts/${start.body.rolloutId}`)).state).toBe('succeeded');
      const again = await engine.pipeline();
      expect(again.deploymentStatus).toBe('running');
      const accepted = await fetch(`http://${again.listeners[0]!.address}/v1/logs`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-protobuf' },
        body: encodeLogsRequest(['after start']),
      });
      expect(accepted.status).toBe(200);
      await sink.waitFor(() => sink.logs.includes('after start'), 10_000);
    } finally {
      await load?.stop();
      await engine.stop();
      await sink.close();
    }
  });
});
