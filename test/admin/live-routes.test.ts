// Live management routes (CONTRACT.md §3) over real HTTP: every outcome kind of every operation gets exactly one answer,
// with its status code, body shape, Location and the security headers; and the backend is called with what was asked.
import { describe, expect, it } from 'vitest';
import type { ConfigError } from '../../src/config/errors.js';
import type { RolloutStatus } from '../../src/state/operations.js';
import { GROUP_DELETE, PIPELINE_DELETE, RECONCILE, ROLLOUT, SHUTDOWN, createTestBackend } from './test-backend.js';
import { expectError, expectSecurityHeaders, harnessPerFile, startHarness } from './helpers.js';

const backend = createTestBackend();
const h = harnessPerFile(backend);

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

  it('failed: 409 with the RolloutStatus itself as the body, as upstream', async () => {
    const failed = rollout({ state: 'failed', failureReason: 'core 0 not ready within 60 s' });
    const unrestored = rollout({ state: 'rollback_failed' });
    backend.script('putPipeline', { kind: 'failed', rollout: failed }, { kind: 'failed', rollout: unrestored });
    expect(await expectAnswer(await put('?wait=true'), 409)).toEqual(failed);
    expect(await expectAnswer(await put('?wait=true'), 409)).toEqual(unrestored);
  });

  it('timeout: 504 with the rollout as it stands as the body, and Location to follow it', async () => {
    backend.script('putPipeline', { kind: 'timeout', rollout: ROLLOUT });
    expect(await expectAnswer(await put('?wait=true&timeout_secs=3'), 504, ROLLOUT_URL)).toEqual(ROLLOUT);
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

  it('accepted: 202 with the ShutdownStatus and Location; no body: timeout_secs is the drain window, as upstream', async () => {
    expect(await expectAnswer(await post(), 202, SHUTDOWN_URL)).toEqual(SHUTDOWN);
    expect(backend.calls).toEqual([{ method: 'shutdownPipeline', args: ['default', 'main', 60, { wait: false, timeoutSecs: 60 }, 'admin_api'] }]);
  });

  it('takes an empty JSON body, {} or { drainTimeoutSecs }, and the wait query', async () => {
    const empty = await fetch(`${h.base}${PIPE}/shutdown`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '' });
    expect(empty.status).toBe(202);
    expect((await post('?timeout_secs=9', {})).status).toBe(202);
    expect((await post('?wait=true&timeout_secs=7', { drainTimeoutSecs: 5 })).status).toBe(202);
    expect(backend.calls.map((c) => c.args.slice(2, 4))).toEqual([
      [60, { wait: false, timeoutSecs: 60 }],
      [9, { wait: false, timeoutSecs: 9 }],
      [5, { wait: true, timeoutSecs: 7 }],
    ]);
  });

  it('initiator: dfctl for a dfctl/ User-Agent, admin_api for any other, as upstream', async () => {
    const as = (agent: string) => fetch(`${h.base}${PIPE}/shutdown`, { method: 'POST', headers: { 'user-agent': agent } });
    for (const agent of ['dfctl/0.51.0', 'dfctl/', 'automation-dfctl-compatible/1', 'curl/8.5.0', 'DFCTL/1']) expect((await as(agent)).status).toBe(202);
    expect(backend.calls.map((c) => c.args[4])).toEqual(['dfctl', 'dfctl', 'admin_api', 'admin_api', 'admin_api']);
  });

  it('succeeded: 200 with the ShutdownStatus', async () => {
    const done = { ...SHUTDOWN, state: 'succeeded' as const };
    backend.script('shutdownPipeline', { kind: 'succeeded', shutdown: done });
    expect(await expectAnswer(await post('?wait=true'), 200)).toEqual(done);
  });

  it('failed: 409 with the ShutdownStatus itself as the body', async () => {
    const failed = { ...SHUTDOWN, state: 'failed' as const, failureReason: 'core 1 did not drain within 60s and was killed' };
    backend.script('shutdownPipeline', { kind: 'failed', shutdown: failed });
    expect(await expectAnswer(await post('?wait=true'), 409)).toEqual(failed);
  });

  it('timeout: 504 with the ShutdownStatus as the body and Location', async () => {
    backend.script('shutdownPipeline', { kind: 'timeout', shutdown: SHUTDOWN });
    expect(await expectAnswer(await post('?wait=true&timeout_secs=2'), 504, SHUTDOWN_URL)).toEqual(SHUTDOWN);
  });

  it('busy: 409 PipelineBusy; unknown group or pipeline: 404; already stopped: 422 PipelineStopped', async () => {
    backend.script(
      'shutdownPipeline',
      { kind: 'busy', operation: { type: 'shutdown', id: 'shutdown-0' } },
      { kind: 'group_not_found' },
      { kind: 'pipeline_not_found' },
      { kind: 'already_stopped' },
    );
    expect((await expectError(await post(), 409, 'PipelineBusy')).details).toMatchObject({ operation: { type: 'shutdown', id: 'shutdown-0' } });
    expect((await expectError(await post(), 404, 'GroupNotFound')).kind).toBe('group_not_found');
    expect((await expectError(await post(), 404, 'PipelineNotFound')).kind).toBe('pipeline_not_found');
    const stopped = await expectError(await post(), 422, 'PipelineStopped');
    expect(stopped).toMatchObject({ kind: 'invalid_request', details: { pipelineGroupId: 'default', pipelineId: 'main' } });
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
  const del = (query = ''): Promise<Response> => send('DELETE', `${PIPE}${query}`);

  it('waits: 200 with the PipelineDeleteStatus; timeout_secs (default 60) is the drain window', async () => {
    expect(await expectAnswer(await del(), 200)).toEqual(PIPELINE_DELETE);
    expect(await expectAnswer(await del('?timeout_secs=5'), 200)).toEqual(PIPELINE_DELETE);
    expect(backend.calls).toEqual([
      { method: 'deletePipeline', args: ['default', 'main', 60] },
      { method: 'deletePipeline', args: ['default', 'main', 5] },
    ]);
  });

  it('failed: 409 with the PipelineDeleteStatus as the body; busy: 409 PipelineBusy; unknown: 404', async () => {
    const failed = { ...PIPELINE_DELETE, state: 'failed' as const, failureReason: 'core 0 did not drain within 5s and was killed' };
    backend.script('deletePipeline', { kind: 'failed', delete: failed }, BUSY, { kind: 'group_not_found' }, { kind: 'pipeline_not_found' });
    expect(await expectAnswer(await del(), 409)).toEqual(failed);
    await expectError(await del(), 409, 'PipelineBusy');
    await expectError(await del(), 404, 'GroupNotFound');
    await expectError(await del(), 404, 'PipelineNotFound');
  });

  it('refuses a bad timeout_secs or another query parameter with 400', async () => {
    for (const q of ['?timeout_secs=0', '?timeout_secs=x', '?wait=true']) await expectError(await del(q), 400, 'InvalidQueryParameter');
    expect(backend.calls).toEqual([]);
  });
});

describe('POST and DELETE /groups/{g}', () => {
  it('created: 201 with the group config; exists: 409 GroupExists; invalid: 422; busy: 409', async () => {
    backend.script(
      'createGroup',
      { kind: 'created', group: { pipelines: {} } },
      { kind: 'exists' },
      { kind: 'invalid', errors: [CONFIG_ERRORS[0]!] },
      BUSY,
    );
    expect(await expectAnswer(await send('POST', '/api/v1/groups/fresh'), 201)).toEqual({ pipelines: {} });
    const exists = await expectError(await send('POST', '/api/v1/groups/default', {}), 409, 'GroupExists');
    expect(exists).toMatchObject({ kind: 'conflict', details: { pipelineGroupId: 'default' } });
    const invalid = await expectError(await send('POST', '/api/v1/groups/x', { pipelines: { p: {} } }), 422, 'InvalidGroupConfig');
    expect(invalid).toMatchObject({ kind: 'invalid_request', details: { errors: [CONFIG_ERRORS[0]] } });
    await expectError(await send('POST', '/api/v1/groups/y', { policies: {} }), 409, 'PipelineBusy');
    expect(backend.calls).toEqual([
      { method: 'createGroup', args: ['fresh', { pipelines: {} }] },
      { method: 'createGroup', args: ['default', { pipelines: {} }] },
      { method: 'createGroup', args: ['x', { pipelines: { p: {} } }] },
      { method: 'createGroup', args: ['y', { pipelines: {}, policies: {} }] },
    ]);
  });

  it('GET answers the committed group config, as upstream', async () => {
    expect(await expectAnswer(await send('GET', '/api/v1/groups/empty'), 200)).toEqual({ pipelines: {} });
    await expectError(await send('GET', '/api/v1/groups/nope'), 404, 'GroupNotFound');
  });

  it('DELETE waits: 200 with the GroupDeleteStatus, timeout_secs its drain window; failed: 409 with it', async () => {
    expect(await expectAnswer(await send('DELETE', '/api/v1/groups/default?timeout_secs=3'), 200)).toEqual(GROUP_DELETE);
    const failed = { ...GROUP_DELETE, state: 'failed' as const, failureReason: 'pipeline main could not be deleted' };
    backend.script('deleteGroup', { kind: 'failed', delete: failed });
    expect(await expectAnswer(await send('DELETE', '/api/v1/groups/default'), 409)).toEqual(failed);
    expect(backend.calls).toEqual([
      { method: 'deleteGroup', args: ['default', 3] },
      { method: 'deleteGroup', args: ['default', 60] },
    ]);
  });

  it('DELETE busy: 409 PipelineBusy; unknown: 404 GroupNotFound', async () => {
    backend.script('deleteGroup', BUSY, { kind: 'group_not_found' });
    const busy = await expectError(await send('DELETE', '/api/v1/groups/default'), 409, 'PipelineBusy');
    expect(busy.details).toEqual({ pipelineGroupId: 'default', operation: BUSY.operation });
    await expectError(await send('DELETE', '/api/v1/groups/nope'), 404, 'GroupNotFound');
  });
});

describe('POST /groups/shutdown', () => {
  it("answers upstream's ShutdownResponse with the status code of its status", async () => {
    backend.script(
      'shutdownEngine',
      { status: 'accepted' },
      { status: 'completed', durationMs: 120 },
      { status: 'timeout', errors: ['pipeline default:main core 0 generation 1 did not drain within 1 seconds and was killed'], durationMs: 1010 },
      { status: 'failed', errors: ['boom'], durationMs: 3 },
    );
    expect(await expectAnswer(await send('POST', '/api/v1/groups/shutdown'), 202)).toEqual({ status: 'accepted' });
    expect(await expectAnswer(await send('POST', '/api/v1/groups/shutdown?wait=true'), 200)).toEqual({ status: 'completed', durationMs: 120 });
    expect(await expectAnswer(await send('POST', '/api/v1/groups/shutdown?wait=true&timeout_secs=1'), 504)).toMatchObject({ status: 'timeout' });
    expect(await expectAnswer(await send('POST', '/api/v1/groups/shutdown?wait=true'), 500)).toMatchObject({ status: 'failed', errors: ['boom'] });
    expect(backend.calls.map((c) => c.args)).toEqual([
      [{ wait: false, timeoutSecs: 60 }],
      [{ wait: true, timeoutSecs: 60 }],
      [{ wait: true, timeoutSecs: 1 }],
      [{ wait: true, timeoutSecs: 60 }],
    ]);
  });

  it('is not a group: no group named shutdown is created, other methods answer 405', async () => {
    await send('POST', '/api/v1/groups/shutdown');
    expect(backend.calls.map((c) => c.method)).toEqual(['shutdownEngine']);
    await expectError(await send('GET', '/api/v1/groups/shutdown'), 405, 'MethodNotAllowed');
    await expectError(await send('DELETE', '/api/v1/groups/shutdown'), 405, 'MethodNotAllowed');
  });
});

describe('POST /config/reconcile and GET /config/reconciles/{id}', () => {
  const CONFIG_DOC = { version: 'otel_dataflow/v1', groups: {} };
  const post = (query = '', body: unknown = { config: CONFIG_DOC }): Promise<Response> => send('POST', `/api/v1/config/reconcile${query}`, body);
  const DEFAULTS = { deleteMissing: true, stepTimeoutSecs: 60, drainTimeoutSecs: 60, deleteTimeoutSecs: 60 };

  it("waits by default, as upstream's: 200 with the ReconcileStatus; upstream's defaults reach the backend", async () => {
    expect(await expectAnswer(await post(), 200)).toEqual({ ...RECONCILE, state: 'succeeded' });
    const timeouts = { stepTimeoutSecs: 5, drainTimeoutSecs: 6, deleteTimeoutSecs: 7 };
    await post('?timeout_secs=9', { config: CONFIG_DOC, deleteMissing: false, ...timeouts });
    expect(backend.calls).toEqual([
      { method: 'reconcile', args: [{ config: CONFIG_DOC, ...DEFAULTS }, { wait: true }] },
      { method: 'reconcile', args: [{ config: CONFIG_DOC, deleteMissing: false, ...timeouts }, { wait: true, timeoutSecs: 9 }] },
    ]);
  });

  it('wait=false: 202 with the ReconcileStatus and Location', async () => {
    backend.script('reconcile', { kind: 'accepted', reconcile: RECONCILE });
    expect(await expectAnswer(await post('?wait=false'), 202, RECONCILE_URL)).toEqual(RECONCILE);
    expect(backend.calls[0]?.args[1]).toEqual({ wait: false });
  });

  it('invalid: 422 InvalidConfig with details.errors; a bad timeout: 400', async () => {
    backend.script('reconcile', { kind: 'invalid', errors: CONFIG_ERRORS });
    const body = await expectError(await post(), 422, 'InvalidConfig');
    expect(body).toMatchObject({ kind: 'invalid_request', details: { errors: CONFIG_ERRORS } });
    await expectError(await post('', { config: CONFIG_DOC, deleteTimeoutSecs: 0 }), 400, 'InvalidRequestBody');
    await expectError(await post('', { config: CONFIG_DOC, deleteMissing: 'yes' }), 400, 'InvalidRequestBody');
  });

  it('busy: 409 PipelineBusy; failed: 409 and timeout: 504 with the ReconcileStatus as the body', async () => {
    const failed = { ...RECONCILE, state: 'failed' as const, failureReason: "'default:main' replace: core 0 not ready" };
    backend.script('reconcile', BUSY, { kind: 'failed', reconcile: failed }, { kind: 'timeout', reconcile: RECONCILE });
    expect((await expectError(await post(), 409, 'PipelineBusy')).details).toEqual({ operation: BUSY.operation });
    expect(await expectAnswer(await post(), 409)).toEqual(failed);
    expect(await expectAnswer(await post('?timeout_secs=1'), 504, RECONCILE_URL)).toEqual(RECONCILE);
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
      ['/api/v1/groups/shutdown', 'POST, OPTIONS'],
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
