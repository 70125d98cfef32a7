// Acceptance (live management): create in an existing group, 404 for an unknown group, 422 with paths for an invalid
// pipeline (nothing starts), dry run, noop (also reordered and with defaults spelled out), concurrent PUTs, shutdown
// and start, delete, groups. (A group held while it is deleted: test/admin/upstream-operations.test.ts.)
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processAlive, startEngine, type RunningEngine } from '../support/engine.js';
import { adminClient } from '../support/admin.js';
import { GENERATOR_WITH_EMPTY_GROUP } from '../support/configs.js';

const generator = (rate = 200) => ({
  nodes: {
    gen: { type: 'receiver:traffic_generator', config: { data_source: 'synthetic', traffic_config: { signals_per_second: rate, max_batch_size: 10, log_weight: 1 } } },
    out: { type: 'exporter:noop' },
  },
  connections: [{ from: 'gen', to: 'out' }],
  policies: { resources: { core_allocation: { type: 'core_count', count: 1 } } },
});

describe('live pipeline lifecycle through the admin API', () => {
  let engine: RunningEngine;
  let api: ReturnType<typeof adminClient>;

  beforeAll(async () => {
    engine = await startEngine(GENERATOR_WITH_EMPTY_GROUP);
    api = adminClient(engine.adminUrl);
    await engine.waitRunning();
  });
  afterAll(async () => {
    await engine?.stop();
  });

  it('creates a pipeline in an existing group (200 with wait=true, as upstream)', async () => {
    const res = await api.put('tenants', 'a', generator());
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ action: 'create', state: 'succeeded', targetGeneration: 1, pipelineGroupId: 'tenants', pipelineId: 'a' });
    const status = await engine.pipeline('tenants:a');
    expect(status.deploymentStatus).toBe('running');
    expect(status.instances).toHaveLength(1);
    expect(processAlive(status.instances[0]!.pid!)).toBe(true);
    const rollout = await api.get(`/groups/tenants/pipelines/a/rollouts/${res.body.rolloutId}`);
    expect(rollout.status).toBe(200);
    expect(rollout.body.state).toBe('succeeded');
  });

  it('answers 404 group_not_found for an unknown group, and 422 with paths for an invalid pipeline', async () => {
    const missing = await api.put('nogroup', 'a', generator());
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ kind: 'group_not_found', error_code: 'GroupNotFound' });

    const bad = generator();
    (bad.nodes as any).out.type = 'exporter:nonexistent';
    (bad.connections as any).push({ from: 'out', to: 'gen' });
    const invalid = await api.put('tenants', 'broken', bad);
    expect(invalid.status).toBe(422);
    expect(invalid.body.kind).toBe('invalid_request');
    const paths = invalid.body.details.errors.map((e: { path: string }) => e.path);
    expect(paths).toContain('groups.tenants.pipelines.broken.nodes.out.type');
    expect((await engine.status()).pipelines['tenants:broken']).toBeUndefined();
  });

  it('answers a dry run with the action, plan and diff, and changes nothing', async () => {
    const before = await engine.pipeline('tenants:a');
    const res = await api.put('tenants', 'a', generator(300), 'dry_run=true');
    expect(res.status).toBe(200);
    expect(res.body.action).toBe('replace');
    expect(res.body.plan.cores).toEqual([{ coreId: expect.any(Number), step: 'replace' }]);
    expect(res.body.diff).toContainEqual({ path: 'nodes.gen.config.traffic_config.signals_per_second', op: 'change', from: 200, to: 300 });
    const after = await engine.pipeline('tenants:a');
    expect(after.instances.map((i) => i.pid)).toEqual(before.instances.map((i) => i.pid));
    expect(after.activeGeneration).toBe(before.activeGeneration);
  });

  it('answers noop for the same pipeline, also reordered and with defaults spelled out', async () => {
    const before = await engine.pipeline('tenants:a');
    const same = await api.put('tenants', 'a', generator());
    expect(same.status).toBe(200);
    expect(same.body.action).toBe('noop');
    const spelledOut = {
      policies: { resources: { core_allocation: { count: 1, type: 'core_count' } }, channel_capacity: { pdata: 128 } },
      connections: [{ to: 'out', from: 'gen' }],
      nodes: {
        out: { type: 'urn:otel:exporter:noop', config: {} },
        gen: { config: { data_source: 'synthetic', traffic_config: { max_batch_size: 10, signals_per_second: 200, log_weight: 1 } }, type: 'urn:otel:receiver:traffic_generator' },
      },
    };
    const reordered = await api.put('tenants', 'a', spelledOut);
    expect(reordered.status).toBe(200);
    expect(reordered.body.action).toBe('noop');
    const after = await engine.pipeline('tenants:a');
    expect(after.instances.map((i) => i.pid)).toEqual(before.instances.map((i) => i.pid));
    expect(after.activeGeneration).toBe(before.activeGeneration);
  });

  it('refuses a second operation on a busy pipeline with 409 while two pipelines proceed together', async () => {
    const [first, second] = await Promise.all([
      api.put('tenants', 'a', generator(400), 'wait=false'),
      api.put('tenants', 'a', generator(500), 'wait=false'),
    ]);
    const statuses = [first.status, second.status].sort();
    expect(statuses).toEqual([202, 409]);
    const conflict = first.status === 409 ? first : second;
    expect(conflict.body).toMatchObject({ kind: 'conflict', error_code: 'PipelineBusy' });
    const accepted = first.status === 202 ? first : second;
    expect(accepted.headers.get('location')).toBe(`/api/v1/groups/tenants/pipelines/a/rollouts/${accepted.body.rolloutId}`);

    const [b, c] = await Promise.all([api.put('tenants', 'b', generator(), 'wait=false'), api.put('tenants', 'c', generator(), 'wait=false')]);
    expect([b.status, c.status]).toEqual([202, 202]);
    const results = await Promise.all([
      api.settle(`/groups/tenants/pipelines/a/rollouts/${accepted.body.rolloutId}`),
      api.settle(`/groups/tenants/pipelines/b/rollouts/${b.body.rolloutId}`),
      api.settle(`/groups/tenants/pipelines/c/rollouts/${c.body.rolloutId}`),
    ]);
    expect(results.map((r) => r.state)).toEqual(['succeeded', 'succeeded', 'succeeded']);
  });

  it('shuts a pipeline down (running → succeeded), leaves no child, shows stopped, and starts it again', async () => {
    const pids = (await engine.pipeline('tenants:b')).instances.map((i) => i.pid!);
    const res = await api.post('/groups/tenants/pipelines/b/shutdown?wait=false');
    expect(res.status).toBe(202);
    expect(['pending', 'running']).toContain(res.body.state);
    const done = await api.settle(`/groups/tenants/pipelines/b/shutdowns/${res.body.shutdownId}`);
    expect(done.state).toBe('succeeded');
    expect(done.cores.every((c: { state: string; detail: string }) => c.state === 'exited' && c.detail === 'drained')).toBe(true);
    expect(pids.filter(processAlive)).toEqual([]);
    const stopped = await engine.pipeline('tenants:b');
    expect(stopped.desiredStatus).toBe('stopped');
    expect(stopped.deploymentStatus).toBe('stopped');
    expect(stopped.instances).toEqual([]);

    const start = await api.post('/groups/tenants/pipelines/b/start');
    expect(start.status).toBe(202);
    const started = await api.settle(`/groups/tenants/pipelines/b/rollouts/${start.body.rolloutId}`);
    expect(started.state).toBe('succeeded');
    const running = await engine.pipeline('tenants:b');
    expect(running.deploymentStatus).toBe('running');
    expect(running.activeGeneration).toBe(2);
  });

  it('deletes a pipeline (waiting, as upstream), and creates, reads and deletes groups', async () => {
    const del = await api.del('/groups/tenants/pipelines/c');
    expect(del.status).toBe(200);
    expect(del.body).toMatchObject({ pipelineGroupId: 'tenants', pipelineId: 'c', state: 'succeeded', shutdown: { state: 'succeeded' } });
    expect((await engine.status()).pipelines['tenants:c']).toBeUndefined();
    expect((await api.get('/groups/tenants/pipelines/c')).status).toBe(404);

    expect((await api.post('/groups/extra')).status).toBe(201);
    expect((await api.post('/groups/extra')).status).toBe(409);
    expect((await api.put('extra', 'p', generator())).status).toBe(200);
    expect(Object.keys((await api.get('/groups/extra')).body.pipelines)).toEqual(['p']);
    const groupDel = await api.del('/groups/extra');
    expect(groupDel.status).toBe(200);
    expect(groupDel.body).toMatchObject({ pipelineGroupId: 'extra', state: 'succeeded', pipelines: [{ pipelineId: 'p', state: 'succeeded' }] });
    expect((await api.get('/groups/extra')).status).toBe(404);
    expect((await engine.status()).pipelines['extra:p']).toBeUndefined();
  });

  it('leaves nothing behind after a failed create: its listening address is free again', async () => {
    const port = await freePort();
    const spec = {
      policies: { resources: { core_allocation: { type: 'core_count', count: 1 } } },
      nodes: {
        ingest: { type: 'receiver:otlp', config: { protocols: { http: { listening_addr: `127.0.0.1:${port}` } } } },
        out: { type: 'exporter:file', config: { path: '/etc/hostname/cannot-{signal}-{core_id}-{generation}.jsonl' } },
      },
      connections: [{ from: 'ingest', to: 'out' }],
    };
    const res = await api.put('tenants', 'doomed', spec);
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ action: 'create', state: 'failed' });
    expect(res.body.failureReason).toContain('node "out"');
    expect((await engine.status()).pipelines['tenants:doomed']).toBeUndefined();
    expect(await canListen(port)).toBe(true);
  });

});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
