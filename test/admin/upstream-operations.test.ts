// The operations side of the admin API replayed against a real engine the way upstream's dfctl sees it: every answer is
// decoded with the shapes dfctl decodes (written here as joi schemas: enums closed, unknown fields allowed where serde
// allows them) and its status code checked against upstream's. Covered: PUT (waited success, failure with rollback,
// timeout), pipeline shutdown (initiator, already stopped, a drain cut short, timeout), DELETE of pipelines and groups
// (waiting, failure that keeps the pipeline), group create, reconcile with and without deleteMissing (its timeouts
// honoured, a failure that deletes nothing, busy while it runs), and POST /groups/shutdown, after which the engine exits.
// A "stuck" pipeline exports to a server that accepts and never answers, so that its drain cannot finish in time.
import net from 'node:net';
import Joi from 'joi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processAlive, startEngine, type RunningEngine } from '../support/engine.js';

// ---- upstream's shapes, as dfctl decodes them ----
const str = Joi.string().required();
const int = Joi.number().integer().min(0);
const ROLLOUT_STATES = ['pending', 'running', 'succeeded', 'failed', 'rolling_back', 'rollback_failed'];
const rolloutCore = Joi.object({ coreId: int.required(), previousGeneration: int, targetGeneration: int.required(), state: str, updatedAt: str, detail: Joi.string() }).unknown(true);
const rolloutStatus = Joi.object({
  rolloutId: str,
  pipelineGroupId: str,
  pipelineId: str,
  action: str,
  state: Joi.string().valid(...ROLLOUT_STATES).required(),
  targetGeneration: int.required(),
  previousGeneration: int,
  startedAt: str,
  updatedAt: str,
  failureReason: Joi.string(),
  cores: Joi.array().items(rolloutCore).required(),
}).unknown(true);
const shutdownCore = Joi.object({ coreId: int.required(), deploymentGeneration: int.required(), state: str, updatedAt: str, detail: Joi.string() }).unknown(true);
const shutdownStatus = Joi.object({
  shutdownId: str,
  pipelineGroupId: str,
  pipelineId: str,
  state: str,
  initiator: Joi.string(),
  startedAt: str,
  updatedAt: str,
  failureReason: Joi.string(),
  cores: Joi.array().items(shutdownCore).required(),
}).unknown(true);
const pipelineDelete = Joi.object({
  pipelineGroupId: str,
  pipelineId: str,
  state: str,
  startedAt: str,
  updatedAt: str,
  shutdown: shutdownStatus,
  failureReason: Joi.string(),
}).unknown(true);
const groupDelete = Joi.object({ pipelineGroupId: str, state: str, startedAt: str, updatedAt: str, pipelines: Joi.array().items(pipelineDelete), failureReason: Joi.string() }).unknown(true);
const configChange = Joi.object({
  pipelineGroupId: Joi.string(),
  pipelineId: Joi.string(),
  action: Joi.string().valid('create', 'replace', 'resize', 'delete', 'noop', 'unsupported').required(),
  state: str,
  rollout: rolloutStatus,
  shutdown: shutdownStatus,
  detail: Joi.string(),
}).unknown(true);
const reconcileStatus = Joi.object({
  reconcileId: str,
  state: Joi.string().valid('pending', 'running', 'succeeded', 'failed').required(),
  configHash: Joi.string(),
  startedAt: str,
  updatedAt: str,
  changes: Joi.array().items(configChange),
  failureReason: Joi.string(),
}).unknown(true);
const operationError = Joi.object({
  kind: Joi.string().valid('group_not_found', 'pipeline_not_found', 'rollout_not_found', 'shutdown_not_found', 'conflict', 'invalid_request', 'internal').required(),
  message: Joi.string(),
}).unknown(true);
const engineShutdown = Joi.object({ status: Joi.string().valid('accepted', 'completed', 'failed', 'timeout').required(), errors: Joi.array().items(Joi.string()), durationMs: int }).unknown(true);
// PipelineGroupConfig denies unknown fields.
const groupConfig = Joi.object({ policies: Joi.object().unknown(true), topics: Joi.object(), pipelines: Joi.object() });

/** Decodes like serde would, or fails the test naming what did not decode. */
function decode<T = any>(schema: Joi.Schema, body: unknown): T {
  const { error, value } = schema.validate(body, { abortEarly: false, presence: 'optional' });
  expect(error?.message, JSON.stringify(body)).toBeUndefined();
  return value as T;
}

// ---- the engine and its pipelines ----
const generator = (rate = 50, extra: Record<string, unknown> = {}) => {
  const middle = Object.keys(extra)[0];
  return {
    policies: { resources: { core_allocation: { type: 'core_count', count: 1 } } },
    nodes: {
      gen: { type: 'receiver:traffic_generator', config: { data_source: 'synthetic', traffic_config: { signals_per_second: rate, max_batch_size: 10, log_weight: 1 } } },
      ...extra,
      out: { type: 'exporter:noop' },
    },
    connections: middle === undefined ? [{ from: 'gen', to: 'out' }] : [{ from: 'gen', to: middle }, { from: middle, to: 'out' }],
  };
};
const faulty = (start: 'fail' | 'hang') => generator(50, { fault: { type: 'processor:fault', config: { start } } });
const stuck = (endpoint: string, rate = 50) => ({
  policies: { resources: { core_allocation: { type: 'core_count', count: 1 } } },
  nodes: {
    gen: { type: 'receiver:traffic_generator', config: { data_source: 'synthetic', traffic_config: { signals_per_second: rate, max_batch_size: 10, log_weight: 1 } } },
    out: { type: 'exporter:otlp_http', config: { endpoint } },
  },
  connections: [{ from: 'gen', to: 'out' }],
});
const document = (groups: Record<string, Record<string, unknown>>) => ({
  version: 'otel_dataflow/v1',
  groups: Object.fromEntries(Object.entries(groups).map(([g, pipelines]) => [g, { pipelines }])),
});

/** Accepts connections and reads them forever without answering: an exporter's request to it never ends. */
async function blackHole(): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('data', () => undefined);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

interface Answer {
  status: number;
  headers: Headers;
  body: any;
}

function client(base: string) {
  return async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> => {
    const res = await fetch(`${base}/api/v1${path}`, {
      method,
      headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
  };
}

const FINAL_ROLLOUT = ['succeeded', 'failed', 'rollback_failed'];
const FINAL_SHUTDOWN = ['succeeded', 'failed'];

describe("the admin API's operations answer as upstream's", () => {
  let sink: Awaited<ReturnType<typeof blackHole>>;
  let engine: RunningEngine;
  let call: ReturnType<typeof client>;
  const put = (group: string, pipeline: string, spec: unknown, query = 'wait=true&timeout_secs=60', extra: Record<string, unknown> = {}) =>
    call('PUT', `/groups/${group}/pipelines/${pipeline}?${query}`, { pipeline: spec, ...extra });
  /** Polls a record until `done` says it ended. */
  async function settle(path: string, final: string[]): Promise<any> {
    return engine.waitFor(async () => {
      const { body } = await call('GET', path);
      return final.includes(body.state) ? body : undefined;
    }, `${path} to end`, 60_000);
  }
  async function startAgain(group: string, pipeline: string): Promise<void> {
    const started = await call('POST', `/groups/${group}/pipelines/${pipeline}/start`);
    expect(started.status).toBe(202);
    expect((await settle(`/groups/${group}/pipelines/${pipeline}/rollouts/${started.body.rolloutId}`, FINAL_ROLLOUT)).state).toBe('succeeded');
  }

  beforeAll(async () => {
    sink = await blackHole();
    const yaml = JSON.stringify(document({ default: { main: generator() }, slow: { stuck: stuck(sink.url) }, tenants: {} }));
    engine = await startEngine(yaml, [], { OTAP_ENGINE_ENABLE_FAULT_INJECTION: '1' });
    call = client(engine.adminUrl);
    await engine.waitRunning('default:main');
    await engine.waitRunning('slow:stuck');
  });
  afterAll(async () => {
    await engine?.stop();
    await sink?.close();
  });

  describe('PUT', () => {
    it('a waited create answers 200 with the RolloutStatus; wait=false 202 with Location; a noop 200 at once', async () => {
      const created = await put('tenants', 'a', generator());
      expect(created.status).toBe(200);
      expect(decode(rolloutStatus, created.body)).toMatchObject({ action: 'create', state: 'succeeded' });
      const accepted = await put('tenants', 'b', generator(), 'wait=false');
      expect(accepted.status).toBe(202);
      expect(accepted.headers.get('location')).toBe(`/api/v1/groups/tenants/pipelines/b/rollouts/${accepted.body.rolloutId}`);
      expect(decode(rolloutStatus, accepted.body).state).toMatch(/^(pending|running)$/);
      expect((await settle(`/groups/tenants/pipelines/b/rollouts/${accepted.body.rolloutId}`, FINAL_ROLLOUT)).state).toBe('succeeded');
      const noop = await put('tenants', 'a', generator(), 'wait=false');
      expect(noop.status).toBe(200);
      expect(decode(rolloutStatus, noop.body)).toMatchObject({ action: 'noop', state: 'succeeded' });
    });

    it('a waited replace that fails answers 409 with the RolloutStatus: failed (never rolled_back), the old generation serving', async () => {
      const before = await engine.pipeline('tenants:a');
      const res = await put('tenants', 'a', faulty('fail'));
      expect(res.status).toBe(409);
      const rollout = decode(rolloutStatus, res.body);
      expect(rollout).toMatchObject({ action: 'replace', state: 'failed', failureReason: expect.stringContaining('core') });
      // The core that could not start says so; a core already switched would say rolled_back.
      expect(rollout.cores.map((c: { state: string }) => c.state)).toEqual(['failed']);
      expect(decode(rolloutStatus, (await call('GET', `/groups/tenants/pipelines/a/rollouts/${rollout.rolloutId}`)).body)).toEqual(rollout);
      const after = await engine.pipeline('tenants:a');
      expect(after.rollout).toMatchObject({ rolloutId: rollout.rolloutId, state: 'failed' });
      expect(after.instances.map((i) => i.pid)).toEqual(before.instances.map((i) => i.pid));
    });

    it('a waited PUT that runs out of timeout_secs answers 504 with the RolloutStatus as it stands, and it goes on', async () => {
      const res = await put('tenants', 'a', faulty('hang'), 'wait=true&timeout_secs=1', { stepTimeoutSecs: 3 });
      expect(res.status).toBe(504);
      const rollout = decode(rolloutStatus, res.body);
      expect(['pending', 'running']).toContain(rollout.state);
      expect(res.headers.get('location')).toBe(`/api/v1/groups/tenants/pipelines/a/rollouts/${rollout.rolloutId}`);
      const ended = await settle(`/groups/tenants/pipelines/a/rollouts/${rollout.rolloutId}`, FINAL_ROLLOUT);
      expect(ended).toMatchObject({ state: 'failed', failureReason: expect.stringContaining('3') });
    });

    it('a second operation on a busy pipeline is 409 with an OperationError', async () => {
      const first = await put('tenants', 'a', faulty('hang'), 'wait=false', { stepTimeoutSecs: 2 });
      expect(first.status).toBe(202);
      const second = await put('tenants', 'a', generator(70));
      expect(second.status).toBe(409);
      expect(decode(operationError, second.body)).toMatchObject({ kind: 'conflict', message: expect.stringContaining(first.body.rolloutId) });
      await settle(`/groups/tenants/pipelines/a/rollouts/${first.body.rolloutId}`, FINAL_ROLLOUT);
    });
  });

  describe('pipeline shutdown', () => {
    it('waited: 200 with the ShutdownStatus, initiator dfctl from its User-Agent; again: 422 already stopped', async () => {
      const pids = (await engine.pipeline('tenants:a')).instances.map((i) => i.pid!);
      const res = await call('POST', '/groups/tenants/pipelines/a/shutdown?wait=true&timeout_secs=30', undefined, { 'user-agent': 'dfctl/0.51.0' });
      expect(res.status).toBe(200);
      const shutdown = decode(shutdownStatus, res.body);
      expect(shutdown).toMatchObject({ state: 'succeeded', initiator: 'dfctl' });
      expect(shutdown.cores.map((c: { state: string; detail: string }) => [c.state, c.detail])).toEqual([['exited', 'drained']]);
      expect(pids.filter(processAlive)).toEqual([]);
      expect(decode(shutdownStatus, (await call('GET', `/groups/tenants/pipelines/a/shutdowns/${shutdown.shutdownId}`)).body)).toEqual(shutdown);

      const again = await call('POST', '/groups/tenants/pipelines/a/shutdown');
      expect(again.status).toBe(422);
      expect(decode(operationError, again.body)).toMatchObject({ kind: 'invalid_request', message: expect.stringContaining('already stopped') });
      await startAgain('tenants', 'a');
    });

    it('a drain cut short at timeout_secs fails the waited shutdown: 409 with the ShutdownStatus, initiator admin_api', async () => {
      const res = await call('POST', '/groups/slow/pipelines/stuck/shutdown?wait=true&timeout_secs=1');
      expect(res.status).toBe(409);
      const shutdown = decode(shutdownStatus, res.body);
      expect(shutdown).toMatchObject({ state: 'failed', initiator: 'admin_api', failureReason: 'core 0 did not drain within 1s and was killed' });
      expect(shutdown.cores).toEqual([expect.objectContaining({ state: 'failed', detail: 'did not drain within 1s and was killed' })]);
      expect((await engine.pipeline('slow:stuck')).deploymentStatus).toBe('stopped');
      await startAgain('slow', 'stuck');
    });

    it('a waited shutdown that outlives timeout_secs answers 504 with the ShutdownStatus, and goes on', async () => {
      const res = await call('POST', '/groups/slow/pipelines/stuck/shutdown?wait=true&timeout_secs=1', { drainTimeoutSecs: 3 });
      expect(res.status).toBe(504);
      const shutdown = decode(shutdownStatus, res.body);
      expect(shutdown.state).toBe('running');
      expect(res.headers.get('location')).toBe(`/api/v1/groups/slow/pipelines/stuck/shutdowns/${shutdown.shutdownId}`);
      expect(await settle(`/groups/slow/pipelines/stuck/shutdowns/${shutdown.shutdownId}`, FINAL_SHUTDOWN)).toMatchObject({ state: 'failed' });
      await startAgain('slow', 'stuck');
    });
  });

  describe('DELETE', () => {
    it('of a pipeline waits: 200 with the PipelineDeleteStatus and its drain; then 404', async () => {
      const res = await call('DELETE', '/groups/tenants/pipelines/b?timeout_secs=30');
      expect(res.status).toBe(200);
      const deleted = decode(pipelineDelete, res.body);
      expect(deleted).toMatchObject({ pipelineGroupId: 'tenants', pipelineId: 'b', state: 'succeeded', shutdown: { state: 'succeeded' } });
      expect(deleted.shutdown.initiator).toBeUndefined();
      expect((await call('GET', '/groups/tenants/pipelines/b')).status).toBe(404);
      const again = await call('DELETE', '/groups/tenants/pipelines/b');
      expect(again.status).toBe(404);
      expect(decode(operationError, again.body).kind).toBe('pipeline_not_found');
    });

    it('that fails (the drain cut short) answers 409 and keeps the pipeline, stopped; deleting it again forgets it', async () => {
      const res = await call('DELETE', '/groups/slow/pipelines/stuck?timeout_secs=1');
      expect(res.status).toBe(409);
      const failed = decode(pipelineDelete, res.body);
      expect(failed).toMatchObject({ state: 'failed', shutdown: { state: 'failed' }, failureReason: expect.stringContaining('not deleted') });
      expect((await call('GET', '/groups/slow/pipelines/stuck')).status).toBe(200);
      expect((await engine.pipeline('slow:stuck')).deploymentStatus).toBe('stopped');
      const again = await call('DELETE', '/groups/slow/pipelines/stuck');
      expect(again.status).toBe(200);
      expect(decode(pipelineDelete, again.body)).toMatchObject({ state: 'succeeded' });
      expect(again.body.shutdown).toBeUndefined();
      expect((await engine.status()).pipelines['slow:stuck']).toBeUndefined();
    });
  });

  describe('groups', () => {
    it('POST creates an empty group (201, its config), 409 when it exists, 422 with pipelines; DELETE waits for them all', async () => {
      const created = await call('POST', '/groups/extra', {});
      expect(created.status).toBe(201);
      decode(groupConfig, created.body);
      decode(groupConfig, (await call('GET', '/groups/extra')).body);
      const exists = await call('POST', '/groups/extra', {});
      expect(exists.status).toBe(409);
      expect(decode(operationError, exists.body).kind).toBe('conflict');
      const notEmpty = await call('POST', '/groups/full', { pipelines: { p: generator() } });
      expect(notEmpty.status).toBe(422);
      expect(decode(operationError, notEmpty.body).kind).toBe('invalid_request');
      expect((await call('GET', '/groups/full')).status).toBe(404);

      expect((await put('extra', 'p', generator())).status).toBe(200);
      const deleted = await call('DELETE', '/groups/extra?timeout_secs=30');
      expect(deleted.status).toBe(200);
      expect(decode(groupDelete, deleted.body)).toMatchObject({
        pipelineGroupId: 'extra',
        state: 'succeeded',
        pipelines: [{ pipelineId: 'p', state: 'succeeded', shutdown: { state: 'succeeded' } }],
      });
      expect((await call('GET', '/groups/extra')).status).toBe(404);
      expect((await engine.status()).pipelines['extra:p']).toBeUndefined();
    });

    it('a group delete that fails answers 409 with the GroupDeleteStatus and keeps what it could not delete', async () => {
      expect((await call('POST', '/groups/slow', {})).status).toBe(409); // it still exists, emptied
      expect((await put('slow', 'ok', generator())).status).toBe(200);
      expect((await put('slow', 'stuck', stuck(sink.url))).status).toBe(200);
      const deleting = call('DELETE', '/groups/slow?timeout_secs=1');
      await new Promise((r) => setTimeout(r, 300));
      // While the group is being deleted, nothing may be created in it.
      const meanwhile = await put('slow', 'late', generator());
      expect(meanwhile.status).toBe(409);
      expect(decode(operationError, meanwhile.body).kind).toBe('conflict');
      const res = await deleting;
      expect(res.status).toBe(409);
      const failed = decode(groupDelete, res.body);
      expect(failed).toMatchObject({ state: 'failed', failureReason: expect.stringContaining("'slow:stuck'") });
      expect(failed.pipelines.map((p: { pipelineId: string; state: string }) => [p.pipelineId, p.state])).toEqual([
        ['ok', 'succeeded'],
        ['stuck', 'failed'],
      ]);
      expect(Object.keys((await call('GET', '/groups/slow')).body.pipelines)).toEqual(['stuck']);
      expect((await engine.status()).pipelines['slow:late']).toBeUndefined();
    });
  });

  describe('reconcile', () => {
    const current = () => ({ default: { main: generator() }, tenants: { a: generator() } });

    it('with deleteMissing false keeps what it leaves out, and honours drainTimeoutSecs', async () => {
      await startAgain('slow', 'stuck');
      const res = await call('POST', '/config/reconcile', {
        config: document({ ...current(), slow: { stuck: stuck(sink.url, 60) }, fresh: { x: generator() } }),
        deleteMissing: false,
        stepTimeoutSecs: 30,
        drainTimeoutSecs: 1,
        deleteTimeoutSecs: 30,
      });
      expect(res.status).toBe(200);
      const status = decode(reconcileStatus, res.body);
      expect(status.state).toBe('succeeded');
      const actions = Object.fromEntries(status.changes.map((c: any) => [`${c.pipelineGroupId}:${c.pipelineId}`, c.action]));
      expect(actions).toEqual({ 'default:main': 'noop', 'tenants:a': 'noop', 'slow:stuck': 'replace', 'fresh:x': 'create' });
      const replaced = status.changes.find((c: any) => c.action === 'replace');
      expect(replaced.rollout.cores[0].detail).toBe('the old instance did not drain within 1s and was killed');
      expect(Object.keys((await engine.status()).pipelines).sort()).toEqual(['default:main', 'fresh:x', 'slow:stuck', 'tenants:a']);
    });

    it('holds the engine while it runs (409), and one that fails deletes nothing: 409 with the ReconcileStatus', async () => {
      const res = await call('POST', '/config/reconcile?wait=false', { config: document({ ...current(), fresh: { x: faulty('hang') } }), stepTimeoutSecs: 2 });
      expect(res.status).toBe(202);
      expect(res.headers.get('location')).toBe(`/api/v1/config/reconciles/${res.body.reconcileId}`);
      const busy = await put('default', 'main', generator(70));
      expect(busy.status).toBe(409);
      expect(busy.body).toMatchObject({ kind: 'conflict', details: { operation: { type: 'reconcile', id: res.body.reconcileId } } });
      const ended = decode(reconcileStatus, await settle(`/config/reconciles/${res.body.reconcileId}`, ['succeeded', 'failed']));
      expect(ended.state).toBe('failed');
      expect(ended.failureReason).toContain("'fresh:x' replace");
      expect(ended.changes.map((c: any) => c.action)).not.toContain('delete');
      expect(Object.keys((await engine.status()).pipelines).sort()).toEqual(['default:main', 'fresh:x', 'slow:stuck', 'tenants:a']);
    });

    it('honours deleteTimeoutSecs: a left-out pipeline that cannot drain in time fails it (409), no group deleted', async () => {
      const res = await call('POST', '/config/reconcile', { config: document(current()), deleteTimeoutSecs: 1 });
      expect(res.status).toBe(409);
      const status = decode(reconcileStatus, res.body);
      const deletes = status.changes.filter((c: any) => c.action === 'delete');
      expect(deletes.find((c: any) => c.pipelineId === 'stuck')).toMatchObject({ state: 'failed', shutdown: { state: 'failed' } });
      expect(deletes.find((c: any) => c.pipelineId === 'x')).toMatchObject({ state: 'succeeded', shutdown: { state: 'succeeded' } });
      expect(deletes.some((c: any) => c.pipelineId === undefined)).toBe(false);
      expect((await call('GET', '/groups/slow')).status).toBe(200);
      expect((await call('GET', '/groups/fresh')).status).toBe(200);
    });

    it('deleteMissing defaults to true: left-out pipelines and groups are deleted', async () => {
      const res = await call('POST', '/config/reconcile', { config: document(current()) });
      expect(res.status).toBe(200);
      const status = decode(reconcileStatus, res.body);
      const deleted = status.changes.filter((c: any) => c.action === 'delete').map((c: any) => `${c.pipelineGroupId}${c.pipelineId ? `:${c.pipelineId}` : ''}`);
      expect(deleted.sort()).toEqual(['fresh', 'slow', 'slow:stuck']);
      expect(Object.keys((await engine.status()).pipelines).sort()).toEqual(['default:main', 'tenants:a']);
      expect(Object.keys((await call('GET', '/config')).body.groups).sort()).toEqual(['default', 'tenants']);
    });
  });

  describe('POST /groups/shutdown', () => {
    it('drains every pipeline; one cut short at timeout_secs answers 504 timeout; then the engine exits 0', async () => {
      expect((await call('POST', '/groups/slow', {})).status).toBe(201);
      expect((await put('slow', 'stuck', stuck(sink.url))).status).toBe(200);
      const pids = (await engine.status()).pipelines;
      const res = await call('POST', '/groups/shutdown?wait=true&timeout_secs=1');
      expect(res.status).toBe(504);
      const answer = decode(engineShutdown, res.body);
      expect(answer.status).toBe('timeout');
      expect(answer.errors).toEqual([expect.stringContaining('pipeline slow:stuck core')]);
      expect((await engine.exited).exitCode).toBe(0);
      const all = Object.values(pids).flatMap((p) => p.instances.map((i) => i.pid!));
      expect(all.filter(processAlive)).toEqual([]);
    });
  });
});

describe('POST /groups/shutdown on an engine that drains in time', () => {
  it('wait=true: 200 completed with its duration, then the engine exits 0', async () => {
    const engine = await startEngine(JSON.stringify(document({ default: { main: generator() } })));
    try {
      await engine.waitRunning('default:main');
      const res = await client(engine.adminUrl)('POST', '/groups/shutdown?wait=true&timeout_secs=30');
      expect(res.status).toBe(200);
      expect(decode(engineShutdown, res.body)).toEqual({ status: 'completed', durationMs: expect.any(Number) });
      expect((await engine.exited).exitCode).toBe(0);
    } finally {
      await engine.stop();
    }
  });
});
