// Live management routes (CONTRACT.md §3) over real HTTP: every outcome kind of every operation gets exactly one answer,
// with its status code, body shape, Location and the security headers; and the backend is called with what was asked.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ConfigError } from '../../src/config/errors.js';
import type { RolloutStatus } from '../../src/state/operations.js';
import { RECONCILE, ROLLOUT, SHUTDOWN, createTestBackend, type TestBackend } from './test-backend.js';
import { expectError, expectSecurityHeaders, startHarness, type Harness } from './helpers.js';

let backend: TestBackend;
let h: Harness;
beforeAll(async () => {
  backend = createTestBackend();
  h = await startHarness(backend);
});
afterAll(async () => {
  await h.server.close();
});
beforeEach(() => backend.reset());

const PIPE = '/api/v1/groups/default/pipelines/main';
const ROLLOUT_URL = `${PIPE}/rollouts/rollout-2`;
const SHUTDOWN_URL = `${PIPE}/shutdowns/shutdown-1`;
const RECONCILE_URL = '/api/v1/config/reconciles/reconcile-1';
const PIPELINE = { nodes: { gen: { type: 'receiver:traffic_generator', config: { data_source: 'synthetic', traffic_config: { signals_per_second: 100, log_weight: 1 } } } }, connections: [] };
const BUSY = { kind: 'busy', operation: { type: 'rollout', id: 'rollout-7' } } as const;
const CONFIG_ERRORS: ConfigError[] = [
  { path: 'groups.default.pipelines.main.connections[0].to', code: 'UnknownNode', message: 'unknown node "nope"' },
  { path: 'groups.default.pipelines.main.nodes', code: 'NoExporter', message: 'the pipeline has no exporter' },
];

function send(method: string, path: string, body?: unknown): Promise<Response> {
  const init: RequestInit = { method };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers = { 'content-type': 'application/json' };
  }
  return fetch(h.base + path, init);
}

/** A successful answer: status, JSON, security headers, and the Location it must (or must not) carry. */
async function expectAnswer(res: Response, status: number, location: string | null = null): Promise<unknown> {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  expect(res.headers.get('location')).toBe(location);
  expectSecurityHeaders(res.headers);
  return res.json();
}

function rollout(fields: Partial<RolloutStatus>): RolloutStatus {
  return { ...ROLLOUT, ...fields };
}

describe('PUT /groups/{g}/pipelines/{p}', () => {
  const put = (query = '', body: unknown = { pipeline: PIPELINE }): Promise<Response> => send('PUT', `${PIPE}${query}`, body);

  it('accepted: 202 with the RolloutStatus and Location; defaults reach the backend', async () => {
    expect(await expectAnswer(await put(), 202, ROLLOUT_URL)).toEqual(ROLLOUT);
    expect(backend.calls).toEqual([
      {
        method: 'putPipeline',
        args: [
          'default',
          'main',
          { pipeline: PIPELINE, stepTimeoutSecs: 60, drainTimeoutSecs: 60, dryRun: false },
          { wait: false, timeoutSecs: 60 },
        ],
      },
    ]);
  });

  it('passes query and body values through as typed values', async () => {
    await put('?wait=true&timeout_secs=5&dry_run=true', { pipeline: PIPELINE, stepTimeoutSecs: 10, drainTimeoutSecs: 3600 });
    expect(backend.calls[0]?.args.slice(2)).toEqual([
      { pipeline: PIPELINE, stepTimeoutSecs: 10, drainTimeoutSecs: 3600, dryRun: true },
      { wait: true, timeoutSecs: 5 },
    ]);
  });

  it('group_not_found: 404 GroupNotFound', async () => {
    backend.script('putPipeline', { kind: 'group_not_found' });
    const body = await expectError(await put(), 404, 'GroupNotFound');
    expect(body).toMatchObject({ kind: 'group_not_found', details: { pipelineGroupId: 'default' } });
  });

  it('invalid: 422 InvalidPipelineConfig listing the config errors with path, message and code', async () => {
    const extra = { ...CONFIG_ERRORS[0]!, internal: 'not for callers' } as ConfigError;
    backend.script('putPipeline', { kind: 'invalid', errors: [extra, CONFIG_ERRORS[1]!] });
    const body = await expectError(await put(), 422, 'InvalidPipelineConfig');
    expect(body.kind).toBe('invalid_request');
    expect(body.details).toEqual({ errors: CONFIG_ERRORS });
    expect(body.message).toContain('2 problems');
  });

  it('busy: 409 PipelineBusy naming the operation in the way', async () => {
    backend.script('putPipeline', BUSY);
    const body = await expectError(await put(), 409, 'PipelineBusy');
    expect(body.kind).toBe('conflict');
    expect(body.details).toEqual({ pipelineGroupId: 'default', pipelineId: 'main', operation: { type: 'rollout', id: 'rollout-7' } });
    expect(body.message).toContain('rollout-7');
  });

  it('dry_run: 200 with exactly { action, plan, diff }', async () => {
    const result = {
      action: 'resize' as const,
      plan: { action: 'resize' as const, cores: [{ coreId: 0, step: 'keep' as const }, { coreId: 1, step: 'start' as const }] },
      diff: [{ path: 'policies.resources.core_allocation', op: 'change' as const, from: 1, to: 2 }],
    };
    backend.script('putPipeline', { kind: 'dry_run', result: { ...result, note: 'dropped' } as typeof result });
    expect(await expectAnswer(await put('?dry_run=true'), 200)).toEqual(result);
  });

  it('noop: 200 with the RolloutStatus at once, no Location', async () => {
    const noop = rollout({ action: 'noop', state: 'succeeded' });
    backend.script('putPipeline', { kind: 'noop', rollout: noop });
    expect(await expectAnswer(await put(), 200)).toEqual(noop);
  });

  it('succeeded: 200 for a create (as upstream), a replace and a resize', async () => {
    const created = rollout({ action: 'create', state: 'succeeded' });
    const replaced = rollout({ action: 'replace', state: 'succeeded' });
    const resized = rollout({ action: 'resize', state: 'succeeded' });
    backend.script('putPipeline', { kind: 'succeeded', rollout: created }, { kind: 'succeeded', rollout: replaced }, { kind: 'succeeded', rollout: resized });
    expect(await expectAnswer(await put('?wait=true'), 200)).toEqual(created);
    expect(await expectAnswer(await put('?wait=true'), 200)).toEqual(replaced);
    expect(await expectAnswer(await put('?wait=true'), 200)).toEqual(resized);
  });

  it('failed: 409 RolloutFailed naming the reason, the RolloutStatus in details', async () => {
    const failed = rollout({ state: 'rolled_back', failureReason: 'core 0 not ready within 60 s' });
    backend.script('putPipeline', { kind: 'failed', rollout: failed }, { kind: 'failed', rollout: rollout({ state: 'rollback_failed' }) });
    const body = await expectError(await put('?wait=true'), 409, 'RolloutFailed');
    expect(body.kind).toBe('conflict');
    expect(body.message).toContain('core 0 not ready within 60 s');
    expect(body.message).toContain('rollout-2');
    expect(body.details).toEqual({ rollout: failed });
    // Without a reason the message still says how it ended.
    expect((await expectError(await put('?wait=true'), 409, 'RolloutFailed')).message).toContain('rollback_failed');
  });

  it('timeout: 504 WaitTimeout with Location and the rollout as it stands', async () => {
    backend.script('putPipeline', { kind: 'timeout', rollout: ROLLOUT });
    const res = await put('?wait=true&timeout_secs=3');
    expect(res.headers.get('location')).toBe(ROLLOUT_URL);
    const body = await expectError(res, 504, 'WaitTimeout');
    expect(body.kind).toBe('internal');
    expect(body.details).toEqual({ rollout: ROLLOUT, timeoutSecs: 3 });
    expect(body.message).toContain('3 s');
  });

  it('percent-encodes operation ids from the engine in Location', async () => {
    backend.script('putPipeline', { kind: 'accepted', rollout: rollout({ rolloutId: 'r 1/x?' }) });
    await expectAnswer(await put(), 202, `${PIPE}/rollouts/r%201%2Fx%3F`);
  });

  it('an outcome kind outside the union, or a backend that throws, is a logged 500 Internal', async () => {
    const rejected = Promise.reject(new Error('engine exploded: secret=x'));
    rejected.catch(() => undefined); // handled when the route awaits it; not an unhandled rejection before then
    backend.script('putPipeline', { kind: 'surprise' } as never, rejected);
    await expectError(await put(), 500, 'Internal');
    const res = await put();
    expect(await res.clone().text()).not.toContain('secret');
    await expectError(res, 500, 'Internal');
    expect(h.logs.filter((l) => l.level === 50 && JSON.stringify(l).includes('surprise'))).toHaveLength(1);
  });

  it('a waiting PUT blocks neither the server nor other requests', async () => {
    let finish!: (value: { kind: 'succeeded'; rollout: RolloutStatus }) => void;
    backend.script('putPipeline', new Promise((resolve) => (finish = resolve)));
    const pending = put('?wait=true&timeout_secs=30');
    await expect.poll(() => backend.calls.length).toBe(1);
    expect((await fetch(`${h.base}/api/v1/status`)).status).toBe(200);
    finish({ kind: 'succeeded', rollout: rollout({ state: 'succeeded' }) });
    expect(await expectAnswer(await pending, 200)).toMatchObject({ state: 'succeeded' });
  });
});

describe('GET /groups/{g}/pipelines/{p}/rollouts/{rolloutId}', () => {
  it('answers the RolloutStatus, or the most specific 404', async () => {
    expect(await expectAnswer(await send('GET', ROLLOUT_URL), 200)).toEqual(ROLLOUT);
    const missing = await expectError(await send('GET', `${PIPE}/rollouts/rollout-9`), 404, 'RolloutNotFound');
    expect(missing).toMatchObject({ kind: 'rollout_not_found', details: { pipelineGroupId: 'default', pipelineId: 'main', rolloutId: 'rollout-9' } });
    await expectError(await send('GET', '/api/v1/groups/nope/pipelines/main/rollouts/rollout-2'), 404, 'GroupNotFound');
    await expectError(await send('GET', '/api/v1/groups/empty/pipelines/main/rollouts/rollout-2'), 404, 'PipelineNotFound');
  });
});

describe('POST /groups/{g}/pipelines/{p}/shutdown', () => {
  const post = (query = '', body?: unknown): Promise<Response> => send('POST', `${PIPE}/shutdown${query}`, body);

  it('accepted: 202 with the ShutdownStatus and Location; no body means the default drain timeout', async () => {
    expect(await expectAnswer(await post(), 202, SHUTDOWN_URL)).toEqual(SHUTDOWN);
    expect(backend.calls).toEqual([{ method: 'shutdownPipeline', args: ['default', 'main', 60, { wait: false, timeoutSecs: 60 }] }]);
  });

  it('takes an empty JSON body, {} or { drainTimeoutSecs }, and the wait query', async () => {
    const empty = await fetch(`${h.base}${PIPE}/shutdown`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '' });
    expect(empty.status).toBe(202);
    expect((await post('', {})).status).toBe(202);
    expect((await post('?wait=true&timeout_secs=7', { drainTimeoutSecs: 5 })).status).toBe(202);
    expect(backend.calls.map((c) => c.args.slice(2))).toEqual([
      [60, { wait: false, timeoutSecs: 60 }],
      [60, { wait: false, timeoutSecs: 60 }],
      [5, { wait: true, timeoutSecs: 7 }],
    ]);
  });

  it('succeeded: 200 with the ShutdownStatus', async () => {
    const done = { ...SHUTDOWN, state: 'succeeded' as const };
    backend.script('shutdownPipeline', { kind: 'succeeded', shutdown: done });
    expect(await expectAnswer(await post('?wait=true'), 200)).toEqual(done);
  });

  it('failed: 409 ShutdownFailed naming the reason, the ShutdownStatus in details', async () => {
    const failed = { ...SHUTDOWN, state: 'failed' as const, failureReason: 'core 1 did not drain' };
    backend.script('shutdownPipeline', { kind: 'failed', shutdown: failed });
    const body = await expectError(await post('?wait=true'), 409, 'ShutdownFailed');
    expect(body).toMatchObject({ kind: 'conflict', details: { shutdown: failed } });
    expect(body.message).toContain('core 1 did not drain');
  });

  it('timeout: 504 WaitTimeout with Location', async () => {
    backend.script('shutdownPipeline', { kind: 'timeout', shutdown: SHUTDOWN });
    const res = await post('?wait=true&timeout_secs=2');
    expect(res.headers.get('location')).toBe(SHUTDOWN_URL);
    expect((await expectError(res, 504, 'WaitTimeout')).details).toEqual({ shutdown: SHUTDOWN, timeoutSecs: 2 });
  });

  it('busy: 409 PipelineBusy; unknown group or pipeline: 404', async () => {
    backend.script('shutdownPipeline', { kind: 'busy', operation: { type: 'shutdown', id: 'shutdown-0' } }, { kind: 'group_not_found' }, { kind: 'pipeline_not_found' });
    expect((await expectError(await post(), 409, 'PipelineBusy')).details).toMatchObject({ operation: { type: 'shutdown', id: 'shutdown-0' } });
    expect((await expectError(await post(), 404, 'GroupNotFound')).kind).toBe('group_not_found');
    expect((await expectError(await post(), 404, 'PipelineNotFound')).kind).toBe('pipeline_not_found');
  });
});

describe('GET /groups/{g}/pipelines/{p}/shutdowns/{shutdownId}', () => {
  it('answers the ShutdownStatus, or the most specific 404', async () => {
    expect(await expectAnswer(await send('GET', SHUTDOWN_URL), 200)).toEqual(SHUTDOWN);
    const missing = await expectError(await send('GET', `${PIPE}/shutdowns/shutdown-9`), 404, 'ShutdownNotFound');
    expect(missing).toMatchObject({ kind: 'shutdown_not_found', details: { shutdownId: 'shutdown-9' } });
    await expectError(await send('GET', '/api/v1/groups/nope/pipelines/main/shutdowns/shutdown-1'), 404, 'GroupNotFound');
    await expectError(await send('GET', '/api/v1/groups/empty/pipelines/main/shutdowns/shutdown-1'), 404, 'PipelineNotFound');
  });

  it("a deleted pipeline's shutdown stays readable while the backend keeps it", async () => {
    const h2 = await startHarness(createTestBackend({ pipeline: () => undefined }));
    expect((await fetch(h2.base + SHUTDOWN_URL)).status).toBe(200);
    await expectError(await fetch(`${h2.base}${PIPE}/shutdowns/shutdown-9`), 404, 'PipelineNotFound');
    await h2.server.close();
  });
});

describe('POST /groups/{g}/pipelines/{p}/start', () => {
  const start = (): Promise<Response> => send('POST', `${PIPE}/start`);

  it('accepted: 202 with the RolloutStatus and Location', async () => {
    expect(await expectAnswer(await start(), 202, ROLLOUT_URL)).toEqual(ROLLOUT);
    expect(backend.calls).toEqual([{ method: 'startPipeline', args: ['default', 'main'] }]);
  });

  it('already_running: 409 PipelineRunning; busy: 409 PipelineBusy; unknown: 404', async () => {
    backend.script('startPipeline', { kind: 'already_running' }, BUSY, { kind: 'group_not_found' }, { kind: 'pipeline_not_found' });
    const running = await expectError(await start(), 409, 'PipelineRunning');
    expect(running).toMatchObject({ kind: 'conflict', details: { pipelineGroupId: 'default', pipelineId: 'main' } });
    expect((await expectError(await start(), 409, 'PipelineBusy')).details).toMatchObject({ operation: BUSY.operation });
    await expectError(await start(), 404, 'GroupNotFound');
    await expectError(await start(), 404, 'PipelineNotFound');
  });
});

describe('DELETE /groups/{g}/pipelines/{p}', () => {
  const del = (): Promise<Response> => send('DELETE', PIPE);

  it('accepted: 202 with the ShutdownStatus and Location', async () => {
    expect(await expectAnswer(await del(), 202, SHUTDOWN_URL)).toEqual(SHUTDOWN);
    expect(backend.calls).toEqual([{ method: 'deletePipeline', args: ['default', 'main'] }]);
  });

  it('succeeded: 200; busy: 409; unknown: 404', async () => {
    const done = { ...SHUTDOWN, state: 'succeeded' as const };
    backend.script('deletePipeline', { kind: 'succeeded', shutdown: done }, BUSY, { kind: 'group_not_found' }, { kind: 'pipeline_not_found' });
    expect(await expectAnswer(await del(), 200)).toEqual(done);
    await expectError(await del(), 409, 'PipelineBusy');
    await expectError(await del(), 404, 'GroupNotFound');
    await expectError(await del(), 404, 'PipelineNotFound');
  });

  it('failed and timeout map as for a shutdown', async () => {
    backend.script('deletePipeline', { kind: 'failed', shutdown: { ...SHUTDOWN, state: 'failed' } }, { kind: 'timeout', shutdown: SHUTDOWN });
    await expectError(await del(), 409, 'ShutdownFailed');
    const res = await del();
    expect(res.headers.get('location')).toBe(SHUTDOWN_URL);
    const body = await expectError(res, 504, 'WaitTimeout');
    // DELETE never waits, so there is no timeout_secs to report.
    expect(body.details).toEqual({ shutdown: SHUTDOWN });
    expect(body.message).toContain('in time');
  });
});

describe('POST and DELETE /groups/{g}', () => {
  it('created: 201 with the GroupDescription; exists: 409 GroupExists', async () => {
    backend.script('createGroup', { kind: 'created', group: { pipelineGroupId: 'fresh', pipelines: [] } }, { kind: 'exists' });
    expect(await expectAnswer(await send('POST', '/api/v1/groups/fresh'), 201)).toEqual({ pipelineGroupId: 'fresh', pipelines: [] });
    const exists = await expectError(await send('POST', '/api/v1/groups/default'), 409, 'GroupExists');
    expect(exists).toMatchObject({ kind: 'conflict', details: { pipelineGroupId: 'default' } });
    expect(backend.calls).toEqual([
      { method: 'createGroup', args: ['fresh'] },
      { method: 'createGroup', args: ['default'] },
    ]);
  });

  it('DELETE accepted: 202 with { pipelineGroupId, shutdowns }', async () => {
    expect(await expectAnswer(await send('DELETE', '/api/v1/groups/default'), 202)).toEqual({ pipelineGroupId: 'default', shutdowns: [SHUTDOWN] });
    expect(backend.calls).toEqual([{ method: 'deleteGroup', args: ['default'] }]);
  });

  it('DELETE busy: 409 PipelineBusy; unknown: 404 GroupNotFound', async () => {
    backend.script('deleteGroup', BUSY, { kind: 'group_not_found' });
    const busy = await expectError(await send('DELETE', '/api/v1/groups/default'), 409, 'PipelineBusy');
    expect(busy.details).toEqual({ pipelineGroupId: 'default', operation: BUSY.operation });
    await expectError(await send('DELETE', '/api/v1/groups/nope'), 404, 'GroupNotFound');
  });
});

describe('POST /config/reconcile and GET /config/reconciles/{id}', () => {
  const CONFIG_DOC = { version: 'otel_dataflow/v1', groups: {} };
  const post = (query = '', body: unknown = { config: CONFIG_DOC }): Promise<Response> => send('POST', `/api/v1/config/reconcile${query}`, body);

  it('accepted: 202 with the ReconcileStatus and Location; defaults reach the backend', async () => {
    expect(await expectAnswer(await post(), 202, RECONCILE_URL)).toEqual(RECONCILE);
    await post('?wait=true&timeout_secs=9', { config: CONFIG_DOC, deleteMissing: true });
    expect(backend.calls).toEqual([
      { method: 'reconcile', args: [{ config: CONFIG_DOC, deleteMissing: false }, { wait: false, timeoutSecs: 60 }] },
      { method: 'reconcile', args: [{ config: CONFIG_DOC, deleteMissing: true }, { wait: true, timeoutSecs: 9 }] },
    ]);
  });

  it('invalid: 422 InvalidConfig with details.errors', async () => {
    backend.script('reconcile', { kind: 'invalid', errors: CONFIG_ERRORS });
    const body = await expectError(await post(), 422, 'InvalidConfig');
    expect(body).toMatchObject({ kind: 'invalid_request', details: { errors: CONFIG_ERRORS } });
  });

  it('busy: 409; succeeded: 200; failed: 409 ReconcileFailed; timeout: 504 with Location', async () => {
    const done = { ...RECONCILE, state: 'succeeded' as const };
    const failed = { ...RECONCILE, state: 'failed' as const, failureReason: 'rollout rollout-2 of default:main rolled back' };
    backend.script('reconcile', BUSY, { kind: 'succeeded', reconcile: done }, { kind: 'failed', reconcile: failed }, { kind: 'timeout', reconcile: RECONCILE });
    expect((await expectError(await post(), 409, 'PipelineBusy')).details).toEqual({ operation: BUSY.operation });
    expect(await expectAnswer(await post('?wait=true'), 200)).toEqual(done);
    const failure = await expectError(await post('?wait=true'), 409, 'ReconcileFailed');
    expect(failure).toMatchObject({ kind: 'conflict', details: { reconcile: failed } });
    expect(failure.message).toContain('rolled back');
    const res = await post('?wait=true&timeout_secs=1');
    expect(res.headers.get('location')).toBe(RECONCILE_URL);
    expect((await expectError(res, 504, 'WaitTimeout')).details).toEqual({ reconcile: RECONCILE, timeoutSecs: 1 });
  });

  it('GET answers the ReconcileStatus or 404 ReconcileNotFound', async () => {
    expect(await expectAnswer(await send('GET', RECONCILE_URL), 200)).toEqual(RECONCILE);
    const missing = await expectError(await send('GET', '/api/v1/config/reconciles/reconcile-9'), 404, 'ReconcileNotFound');
    expect(missing).toMatchObject({ kind: 'rollout_not_found', details: { reconcileId: 'reconcile-9' } });
  });
});

describe('methods of the new paths', () => {
  it('other methods answer 405 with Allow; OPTIONS lists the methods', async () => {
    const cases: Array<[string, string]> = [
      [`${PIPE}/rollouts/rollout-2`, 'GET, HEAD, OPTIONS'],
      [`${PIPE}/shutdown`, 'POST, OPTIONS'],
      [`${PIPE}/shutdowns/shutdown-1`, 'GET, HEAD, OPTIONS'],
      [`${PIPE}/start`, 'POST, OPTIONS'],
      ['/api/v1/groups/default', 'GET, HEAD, POST, DELETE, OPTIONS'],
      [PIPE, 'GET, HEAD, PUT, DELETE, OPTIONS'],
      ['/api/v1/config/reconcile', 'POST, OPTIONS'],
      ['/api/v1/config/reconciles/reconcile-1', 'GET, HEAD, OPTIONS'],
    ];
    for (const [path, allow] of cases) {
      const options = await send('OPTIONS', path);
      expect(options.status, path).toBe(204);
      expect(options.headers.get('allow'), path).toBe(allow);
      expectSecurityHeaders(options.headers);
      const res = await send('PATCH', path, { any: 'body' });
      expect(res.headers.get('allow'), `PATCH ${path}`).toBe(allow);
      expect((await expectError(res, 405, 'MethodNotAllowed')).details).toEqual({ method: 'PATCH', allowed: allow.split(', ') });
    }
    expect(backend.calls).toEqual([]);
  });
});
