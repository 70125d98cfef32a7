// Every route's happy path and not-found answers, over real HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONFIG, MAIN_DESCRIPTION, MAIN_STATUS, createTestBackend, probe } from './test-backend.js';
import { expectError, expectSecurityHeaders, startHarness, type Harness } from './helpers.js';

let h: Harness;
let failing: Harness;
beforeAll(async () => {
  h = await startHarness(createTestBackend());
  failing = await startHarness(createTestBackend({ livez: () => probe('livez', false), readyz: () => probe('readyz', false) }));
});
afterAll(async () => {
  await h.server.close();
  await failing.server.close();
});

async function ok(path: string, base = h.base): Promise<unknown> {
  const res = await fetch(base + path);
  expect(res.status, path).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  expectSecurityHeaders(res.headers);
  return res.json();
}

describe('admin routes', () => {
  it('GET /status and /api/v1/status answer the engine status', async () => {
    const expected = { generatedAt: '2025-01-01T00:00:00.000Z', pipelines: { 'default:main': MAIN_STATUS } };
    expect(await ok('/status')).toEqual(expected);
    expect(await ok('/api/v1/status')).toEqual(expected);
  });

  it('probes answer 200 when ok, and as upstream 500 (livez) or 503 (readyz) with the ProbeResult when failed', async () => {
    expect(await ok('/api/v1/livez')).toMatchObject({ probe: 'livez', status: 'ok', failing: [] });
    expect(await ok('/api/v1/readyz')).toMatchObject({ probe: 'readyz', status: 'ok', failing: [] });
    for (const [name, status] of [['livez', 500], ['readyz', 503]] as const) {
      const res = await fetch(`${failing.base}/api/v1/${name}`);
      expect(res.status).toBe(status);
      expectSecurityHeaders(res.headers);
      expect(await res.json()).toMatchObject({ probe: name, status: 'failed', failing: [{ pipeline: 'default:main', condition: { type: 'Ready', status: 'False' } }] });
    }
  });

  it('per-pipeline probes answer OK or NOT OK in plain text, as upstream (an unknown pipeline is NOT OK)', async () => {
    for (const [name, failed] of [['livez', 500], ['readyz', 503]] as const) {
      const good = await fetch(`${h.base}/api/v1/groups/default/pipelines/main/${name}`);
      expect([good.status, good.headers.get('content-type'), await good.text()]).toEqual([200, 'text/plain; charset=utf-8', 'OK']);
      const bad = await fetch(`${h.base}/api/v1/groups/default/pipelines/other/${name}`);
      expect([bad.status, await bad.text()]).toEqual([failed, 'NOT OK']);
      expectSecurityHeaders(bad.headers);
    }
  });

  it('GET /api/v1/telemetry/logs answers 404 LogTapDisabled while there is no log tap, as upstream answers 404', async () => {
    const body = await expectError(await fetch(`${h.base}/api/v1/telemetry/logs`), 404, 'LogTapDisabled');
    expect(body.message).toMatch(/engine\.telemetry\.logs\.tap\.enabled/);
  });

  it('GET /api/v1/groups/status answers the status of every pipeline, as /status', async () => {
    expect(await ok('/api/v1/groups/status')).toEqual({ generatedAt: '2025-01-01T00:00:00.000Z', pipelines: { 'default:main': MAIN_STATUS } });
  });

  it('GET /api/v1/config answers the committed config', async () => {
    expect(await ok('/api/v1/config')).toEqual(CONFIG);
  });

  it("GET /api/v1/groups/:group answers the group's committed config, as upstream, or GroupNotFound", async () => {
    expect(await ok('/api/v1/groups/default')).toEqual(CONFIG.groups.default);
    expect(await ok('/api/v1/groups/empty')).toEqual({ pipelines: {} });
    const body = await expectError(await fetch(`${h.base}/api/v1/groups/nope`), 404, 'GroupNotFound');
    expect(body).toMatchObject({ kind: 'group_not_found', details: { pipelineGroupId: 'nope' } });
  });

  it('GET a pipeline answers its description, GroupNotFound or PipelineNotFound', async () => {
    expect(await ok('/api/v1/groups/default/pipelines/main')).toEqual(MAIN_DESCRIPTION);
    const noGroup = await expectError(await fetch(`${h.base}/api/v1/groups/nope/pipelines/main`), 404, 'GroupNotFound');
    expect(noGroup.kind).toBe('group_not_found');
    const noPipe = await expectError(await fetch(`${h.base}/api/v1/groups/default/pipelines/other`), 404, 'PipelineNotFound');
    expect(noPipe).toMatchObject({ kind: 'pipeline_not_found', details: { pipelineGroupId: 'default', pipelineId: 'other' } });
  });

  it('GET a pipeline status answers the PipelineStatus, or null when there is no such pipeline (as upstream)', async () => {
    expect(await ok('/api/v1/groups/default/pipelines/main/status')).toEqual(MAIN_STATUS);
    expect(await ok('/api/v1/groups/nope/pipelines/main/status')).toBeNull();
    expect(await ok('/api/v1/groups/empty/pipelines/main/status')).toBeNull();
  });

  it('HEAD works wherever GET does, and OPTIONS lists the methods', async () => {
    const head = await fetch(`${h.base}/api/v1/status`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expectSecurityHeaders(head.headers);
    const options = await fetch(`${h.base}/api/v1/groups/default/pipelines/main`, { method: 'OPTIONS' });
    expect(options.status).toBe(204);
    expect(options.headers.get('allow')).toBe('GET, HEAD, PUT, DELETE, OPTIONS');
    expectSecurityHeaders(options.headers);
  });

  it('logs one debug line per request with method, path, status and duration', async () => {
    const path = '/api/v1/groups/default/pipelines/logged';
    await fetch(`${h.base}${path}?secret=1`);
    await expect.poll(() => h.logs.filter((l) => l.path === path)).toHaveLength(1);
    const line = h.logs.find((l) => l.path === path)!;
    expect(line).toMatchObject({ level: 20, method: 'GET', status: 404, msg: 'admin request' });
    expect(typeof line.durationMs).toBe('number');
  });
});
