// Bad input to the live management routes: refused with the registry's error body and the security headers, before
// the backend is ever asked to do anything.
import { describe, expect, it } from 'vitest';
import { createTestBackend } from './test-backend.js';
import { expectError, expectSecurityHeaders, rawRequest, harnessPerFile } from './helpers.js';

const backend = createTestBackend();
const h = harnessPerFile(backend);

const PIPE = '/api/v1/groups/default/pipelines/main';

interface BodyRoute {
  name: string;
  method: string;
  path: string;
  valid: Record<string, unknown>;
  /** The body field that holds an object, to fill past the size limit. */
  objectField: string | undefined;
  /** What a valid body answers with the test backend's default outcome (a reconcile waits by default). */
  ok: number;
}

const BODY_ROUTES: BodyRoute[] = [
  { name: 'PUT pipeline', method: 'PUT', path: PIPE, valid: { pipeline: { nodes: {} } }, objectField: 'pipeline', ok: 202 },
  { name: 'POST shutdown', method: 'POST', path: `${PIPE}/shutdown`, valid: {}, objectField: undefined, ok: 202 },
  { name: 'POST reconcile', method: 'POST', path: '/api/v1/config/reconcile', valid: { config: { groups: {} } }, objectField: 'config', ok: 200 },
];

function send(route: { method: string; path: string }, body: string | null, query = '', contentType = 'application/json'): Promise<Response> {
  return fetch(`${h.base}${route.path}${query}`, { method: route.method, headers: { 'content-type': contentType }, body });
}

function errorPaths(body: Record<string, unknown>): string[] {
  return (body.details as { errors: Array<{ path: string }> }).errors.map((e) => e.path).sort();
}

describe.each(BODY_ROUTES)('$name: bodies', (route) => {
  it('malformed JSON answers 400 MalformedJson', async () => {
    await expectError(await send(route, '{"a": '), 400, 'MalformedJson');
    await expectError(await send(route, '{"a": 1,}'), 400, 'MalformedJson');
    await expectError(await send(route, 'null'), 400, 'MalformedJson');
    await expectError(await send(route, '42'), 400, 'MalformedJson');
  });

  it('a body over 1 MiB answers 413 PayloadTooLarge', async () => {
    const field = route.objectField ?? 'padding';
    const big = JSON.stringify({ ...route.valid, [field]: { text: 'z'.repeat(1024 * 1024 + 1) } });
    await expectError(await send(route, big), 413, 'PayloadTooLarge');
  });

  it('a body that is not application/json answers 415', async () => {
    await expectError(await send(route, JSON.stringify(route.valid), '', 'text/plain'), 415, 'UnsupportedMediaType');
  });

  it('unknown fields answer 400 InvalidRequestBody naming them', async () => {
    const body = await expectError(await send(route, JSON.stringify({ ...route.valid, surprise: 1, other: {} })), 400, 'InvalidRequestBody');
    expect(body.kind).toBe('invalid_request');
    expect(errorPaths(body)).toEqual(['other', 'surprise']);
  });

  it('an array or a bare value where an object belongs answers 400', async () => {
    await expectError(await send(route, '[]'), 400, 'InvalidRequestBody');
    await expectError(await send(route, JSON.stringify([route.valid])), 400, 'InvalidRequestBody');
  });

  it('a valid body passes', async () => {
    expect((await send(route, JSON.stringify(route.valid))).status).toBe(route.ok);
  });
});

describe('wrong types and ranges in bodies', () => {
  const [put, shutdown, reconcile] = BODY_ROUTES as [BodyRoute, BodyRoute, BodyRoute];

  it('PUT: pipeline must be an object and present; timeouts integers in 1..3600, never strings', async () => {
    const cases: Array<[unknown, string[]]> = [
      [{}, ['pipeline']],
      [{ pipeline: null }, ['pipeline']],
      [{ pipeline: [] }, ['pipeline']],
      [{ pipeline: '{"nodes":{}}' }, ['pipeline']],
      [{ pipeline: {}, stepTimeoutSecs: '60' }, ['stepTimeoutSecs']],
      [{ pipeline: {}, stepTimeoutSecs: 0, drainTimeoutSecs: 3601 }, ['drainTimeoutSecs', 'stepTimeoutSecs']],
      [{ pipeline: {}, stepTimeoutSecs: 1.5, drainTimeoutSecs: true }, ['drainTimeoutSecs', 'stepTimeoutSecs']],
    ];
    for (const [body, paths] of cases) {
      const answer = await expectError(await send(put, JSON.stringify(body)), 400, 'InvalidRequestBody');
      expect(errorPaths(answer), JSON.stringify(body)).toEqual(paths);
    }
  });

  it('shutdown: drainTimeoutSecs an integer in 1..3600', async () => {
    for (const value of ['5', 0, 3601, -1, 2.5, null, {}]) {
      const answer = await expectError(await send(shutdown, JSON.stringify({ drainTimeoutSecs: value })), 400, 'InvalidRequestBody');
      expect(errorPaths(answer)).toEqual(['drainTimeoutSecs']);
    }
  });

  it('reconcile: config a required object; deleteMissing a boolean, never "true"; timeouts integers in 1..3600', async () => {
    const cases: Array<[unknown, string[]]> = [
      [{}, ['config']],
      [{ config: 'version: otel_dataflow/v1' }, ['config']],
      [{ config: [] }, ['config']],
      [{ config: {}, deleteMissing: 'true' }, ['deleteMissing']],
      [{ config: {}, deleteMissing: 1 }, ['deleteMissing']],
      [{ config: {}, stepTimeoutSecs: 0, drainTimeoutSecs: '60', deleteTimeoutSecs: 3601 }, ['deleteTimeoutSecs', 'drainTimeoutSecs', 'stepTimeoutSecs']],
    ];
    for (const [body, paths] of cases) {
      const answer = await expectError(await send(reconcile, JSON.stringify(body)), 400, 'InvalidRequestBody');
      expect(errorPaths(answer), JSON.stringify(body)).toEqual(paths);
    }
    // A missing body is a missing config, not "no body needed" as for shutdown.
    await expectError(await fetch(`${h.base}${reconcile.path}`, { method: 'POST' }), 400, 'InvalidRequestBody');
  });

  it('none of the above reached the backend', async () => {
    await send(put, '{}');
    await send(shutdown, '{"drainTimeoutSecs":0}');
    await send(reconcile, '{}');
    expect(backend.calls).toEqual([]);
  });
});

describe('query parameters', () => {
  const WAITABLE = [
    { method: 'PUT', path: PIPE, body: '{"pipeline":{}}', ok: 202 },
    { method: 'POST', path: `${PIPE}/shutdown`, body: '{}', ok: 202 },
    { method: 'POST', path: '/api/v1/config/reconcile', body: '{"config":{}}', ok: 200 },
    { method: 'POST', path: '/api/v1/groups/shutdown', body: null, ok: 202 },
  ];
  const BAD = [
    '?wait=maybe',
    '?wait=1',
    '?wait=',
    '?timeout_secs=0',
    '?timeout_secs=3601',
    '?timeout_secs=1.5',
    '?timeout_secs=abc',
    '?timeout_secs=-5',
    '?wait=true&wait=false',
    '?timeout_secs=5&timeout_secs=6',
    '?bogus=1',
  ];

  it('bad wait and timeout_secs values answer 400 InvalidQueryParameter on every waitable route', async () => {
    for (const route of WAITABLE) {
      for (const q of BAD) {
        const body = await expectError(await send(route, route.body, q), 400, 'InvalidQueryParameter');
        expect((body.details as { errors: unknown[] }).errors.length, `${route.path}${q}`).toBeGreaterThan(0);
      }
    }
    expect(backend.calls).toEqual([]);
  });

  it('DELETE of a pipeline or a group takes only timeout_secs, in 1..3600', async () => {
    for (const path of [PIPE, '/api/v1/groups/default']) {
      for (const q of ['?timeout_secs=0', '?timeout_secs=3601', '?timeout_secs=x', '?wait=true', '?timeout_secs=1&timeout_secs=2']) {
        await expectError(await fetch(`${h.base}${path}${q}`, { method: 'DELETE' }), 400, 'InvalidQueryParameter');
      }
      expect((await fetch(`${h.base}${path}?timeout_secs=3600`, { method: 'DELETE' })).status).toBe(200);
    }
    expect(backend.calls.map((c) => c.args.at(-1))).toEqual([3600, 3600]);
  });

  it('dry_run is a PUT and reconcile parameter only, and must be true or false', async () => {
    const [put, shutdown, reconcile] = WAITABLE as [(typeof WAITABLE)[0], (typeof WAITABLE)[0], (typeof WAITABLE)[0]];
    await expectError(await send(put, put.body, '?dry_run=yes'), 400, 'InvalidQueryParameter');
    await expectError(await send(shutdown, shutdown.body, '?dry_run=true'), 400, 'InvalidQueryParameter');
    await expectError(await send(reconcile, reconcile.body, '?dry_run=yes'), 400, 'InvalidQueryParameter');
    expect((await send(reconcile, reconcile.body, '?dry_run=true')).status).toBe(200);
    expect((await send(put, put.body, '?dry_run=true&wait=false&timeout_secs=3600')).status).toBe(202);
  });

  it('the edges of the ranges pass', async () => {
    for (const route of WAITABLE) {
      for (const q of ['?timeout_secs=1', '?timeout_secs=3600&wait=true', '?wait=false']) {
        expect((await send(route, route.body, q)).status, `${route.path}${q}`).toBe(route.ok);
      }
    }
  });
});

describe('operation ids in paths', () => {
  async function raw400(path: string, parameter: string): Promise<void> {
    const res = await rawRequest(h.base, 'GET', path);
    expect(res.status, path).toBe(400);
    expectSecurityHeaders(res.headers);
    const body = JSON.parse(res.body) as { error_code: string; details: Record<string, unknown> };
    expect(body.error_code, path).toBe('InvalidPathParameter');
    expect(body.details.parameter, path).toBe(parameter);
  }

  it('rollout, shutdown and reconcile ids outside ^[A-Za-z0-9_.-]{1,64}$ are refused with 400', async () => {
    for (const bad of ['..', '.', 'a%20b', 'a%2Fb', '%C3%A9', 'x'.repeat(65), 'a%00', 'a:b']) {
      await raw400(`${PIPE}/rollouts/${bad}`, 'rolloutId');
      await raw400(`${PIPE}/shutdowns/${bad}`, 'shutdownId');
      await raw400(`/api/v1/config/reconciles/${bad}`, 'reconcileId');
    }
  });

  it('64 characters, dots, dashes and a leading dash are fine (and answer 404 here)', async () => {
    for (const id of ['r'.repeat(64), '-r.1_x', '...']) {
      await expectError(await fetch(`${h.base}${PIPE}/rollouts/${id}`), 404, 'RolloutNotFound');
      await expectError(await fetch(`${h.base}${PIPE}/shutdowns/${id}`), 404, 'ShutdownNotFound');
      await expectError(await fetch(`${h.base}/api/v1/config/reconciles/${id}`), 404, 'ReconcileNotFound');
    }
  });

  it('group and pipeline ids are checked on the new routes too, before the backend is asked', async () => {
    await raw400('/api/v1/groups/../pipelines/main/rollouts/rollout-2', 'group');
    for (const [method, path, parameter] of [
      ['POST', '/api/v1/groups/-bad', 'group'],
      ['DELETE', '/api/v1/groups/a%20b', 'group'],
      ['POST', '/api/v1/groups/default/pipelines/a%2Fb/start', 'pipeline'],
      ['DELETE', `/api/v1/groups/default/pipelines/${'p'.repeat(129)}`, 'pipeline'],
    ] as const) {
      const body = await expectError(await fetch(h.base + path, { method }), 400, 'InvalidPathParameter');
      expect(body.details).toMatchObject({ parameter });
    }
    expect(backend.calls).toEqual([]);
  });

  it('the server still answers after all of the above', async () => {
    expect((await fetch(`${h.base}/api/v1/status`)).status).toBe(200);
  });
});
