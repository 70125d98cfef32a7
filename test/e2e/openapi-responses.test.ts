// Real answers of a real engine validate against the OpenAPI document: status, probes, config, groups, pipelines, a dry
// run, a create, a noop, a replace followed at its Location, a failed and a timed-out rollout, shutdown, start,
// reconcile (and its dry run), deletes, the engine's shutdown, and the 400, 404, 409, 415 and 422 errors. Each answer is checked against the
// schema documented for its path, method, status and content type; the test ends by checking that every one of those
// answers was really seen, so that none of them can pass by not happening.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiDocument } from '../../src/admin/openapi/document.js';
import { startEngine, type RunningEngine } from '../support/engine.js';
import { openApiValidator } from '../support/openapi.js';
import { GENERATOR_WITH_EMPTY_GROUP } from '../support/configs.js';

const validator = openApiValidator(openApiDocument());
const seen = new Set<string>();

interface Answer {
  status: number;
  headers: Headers;
  body: any;
}

const generator = (rate: number, extra: Record<string, unknown> = {}) => ({
  nodes: {
    gen: { type: 'receiver:traffic_generator', config: { data_source: 'synthetic', traffic_config: { signals_per_second: rate, max_batch_size: 10, log_weight: 1 } } },
    ...extra,
    out: { type: 'exporter:noop' },
  },
  connections: Object.keys(extra).length === 0 ? [{ from: 'gen', to: 'out' }] : [{ from: 'gen', to: Object.keys(extra)[0]! }, { from: Object.keys(extra)[0]!, to: 'out' }],
  policies: { resources: { core_allocation: { type: 'core_count', count: 1 } } },
});


describe('real admin answers validate against the OpenAPI document', () => {
  let engine: RunningEngine;

  /** Sends the request, validates the answer against the document, and records `METHOD template status`. */
  async function call(method: string, path: string, body?: unknown, rawBody?: { type: string; text: string }): Promise<Answer> {
    const init: RequestInit = { method };
    if (rawBody) init.body = rawBody.text;
    if (body !== undefined) init.body = JSON.stringify(body);
    if (rawBody || body !== undefined) init.headers = { 'content-type': rawBody?.type ?? 'application/json' };
    const res = await fetch(`${engine.adminUrl}${path}`, init);
    const contentType = res.headers.get('content-type');
    const text = await res.text();
    const parsed = contentType?.startsWith('application/json') ? JSON.parse(text) : text;
    const errors = validator.check(method, path.split('?')[0]!, res.status, contentType, parsed);
    expect(errors, `${method} ${path} answered ${res.status} ${text.slice(0, 500)}`).toEqual([]);
    seen.add(`${method} ${validator.templateOf(path.split('?')[0]!)} ${res.status}`);
    return { status: res.status, headers: res.headers, body: parsed };
  }

  /** GETs the Location until the operation is final, validating every answer on the way. */
  async function follow(location: string): Promise<any> {
    for (;;) {
      const { body } = await call('GET', location);
      if (!['pending', 'running', 'rolling_back'].includes(body.state)) return body;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  beforeAll(async () => {
    engine = await startEngine(GENERATOR_WITH_EMPTY_GROUP, [], { OTAP_ENGINE_ENABLE_FAULT_INJECTION: '1' });
    await engine.waitRunning();
  });
  afterAll(async () => {
    await engine?.stop();
  });

  const A = '/api/v1';
  const T = `${A}/groups/tenants/pipelines`;

  it('status, probes, config, metrics and the document itself', async () => {
    await call('GET', '/status');
    expect((await call('GET', `${A}/status`)).body.pipelines['default:main'].deploymentStatus).toBe('running');
    await call('GET', `${A}/livez`);
    await call('GET', `${A}/readyz`);
    await call('GET', `${A}/config`);
    await call('GET', `${A}/openapi.json`);
    await call('GET', `${A}/metrics`);
    await call('GET', `${A}/groups/status`);
    for (const format of ['prometheus', 'json', 'json_compact', 'line_protocol']) await call('GET', `${A}/telemetry/metrics?format=${format}`);
    expect((await call('GET', `${A}/telemetry/metrics?reset=true`)).status).toBe(400);
    // This engine keeps no log tap.
    expect((await call('GET', `${A}/telemetry/logs`)).body.error_code).toBe('LogTapDisabled');
  });

  it('groups and pipelines: reads, create, noop, dry run, not found', async () => {
    await call('GET', `${A}/groups/default`);
    expect((await call('POST', `${A}/groups/staging`)).status).toBe(201);
    expect((await call('POST', `${A}/groups/staging`)).body.error_code).toBe('GroupExists');
    expect((await call('GET', `${A}/groups/nope`)).status).toBe(404);
    await call('GET', `${A}/groups/default/pipelines/main`);
    await call('GET', `${A}/groups/default/pipelines/main/status`);
    expect((await call('GET', `${A}/groups/default/pipelines/nope`)).body.error_code).toBe('PipelineNotFound');
    expect((await call('GET', `${A}/groups/default/pipelines/nope/status`)).body).toBeNull();
    for (const probe of ['livez', 'readyz']) {
      expect((await call('GET', `${A}/groups/default/pipelines/main/${probe}`)).body).toBe('OK');
      expect((await call('GET', `${A}/groups/default/pipelines/nope/${probe}`)).body).toBe('NOT OK');
    }

    expect((await call('PUT', `${T}/a?dry_run=true`, { pipeline: generator(100) })).body.action).toBe('create');
    expect((await call('PUT', `${T}/a?wait=true`, { pipeline: generator(100) })).status).toBe(200);
    expect((await call('PUT', `${T}/a?wait=true`, { pipeline: generator(100) })).body.action).toBe('noop');
    expect((await call('PUT', `${T}/a?dry_run=true`, { pipeline: generator(200) })).body.diff).not.toEqual([]);
  });

  it('a replace followed at its Location, and the 409 of a second change meanwhile', async () => {
    const accepted = await call('PUT', `${T}/a`, { pipeline: generator(300) });
    expect(accepted.status).toBe(202);
    const busy = await call('PUT', `${T}/a`, { pipeline: generator(400) });
    expect(busy.body.error_code).toBe('PipelineBusy');
    expect((await follow(accepted.headers.get('location')!)).state).toBe('succeeded');
    expect((await call('GET', `${T}/a/rollouts/rollout-999`)).body.error_code).toBe('RolloutNotFound');
  });

  it('request errors: 400, 415 and 422', async () => {
    expect((await call('PUT', `${T}/a`, { pipeline: generator(1), stepTimeoutSecs: '60' })).body.error_code).toBe('InvalidRequestBody');
    expect((await call('PUT', `${T}/a?wait=maybe`, { pipeline: generator(1) })).body.error_code).toBe('InvalidQueryParameter');
    expect((await call('PUT', `${T}/a`, undefined, { type: 'application/json', text: '{"pipeline":' })).body.error_code).toBe('MalformedJson');
    expect((await call('PUT', `${T}/a`, undefined, { type: 'text/plain', text: 'hello' })).status).toBe(415);
    expect((await call('GET', `${A}/groups/bad%20id`)).body.error_code).toBe('InvalidPathParameter');
    const bad = generator(1);
    (bad.nodes.out as { type: string }).type = 'exporter:nonexistent';
    const invalid = await call('PUT', `${T}/broken`, { pipeline: bad });
    expect(invalid.status).toBe(422);
    expect(invalid.body.details.errors[0].path).toMatch(/^groups\.tenants\.pipelines\.broken\./);
  });

  it('a rollout that fails (409 with the RolloutStatus) and one that outlives timeout_secs (504 with it and Location)', async () => {
    const failing = generator(10, { fault: { type: 'processor:fault', config: { start: 'fail' } } });
    const failed = await call('PUT', `${T}/faulty?wait=true`, { pipeline: failing });
    expect(failed.status).toBe(409);
    expect(failed.body.state).toBe('failed');
    const slow = generator(10, { fault: { type: 'processor:fault', config: { start_delay: '2s' } } });
    const timeout = await call('PUT', `${T}/slow?wait=true&timeout_secs=1`, { pipeline: slow });
    expect(timeout.status).toBe(504);
    expect(timeout.body.rolloutId).toBeDefined();
    expect((await follow(timeout.headers.get('location')!)).state).toBe('succeeded');
  });

  it('shutdown, start, and their records', async () => {
    const stopped = await call('POST', `${T}/a/shutdown?wait=true`, { drainTimeoutSecs: 10 });
    expect(stopped.status).toBe(200);
    await call('GET', `${T}/a/shutdowns/${stopped.body.shutdownId}`);
    expect((await call('GET', `${T}/a/shutdowns/shutdown-999`)).body.error_code).toBe('ShutdownNotFound');
    const started = await call('POST', `${T}/a/start`);
    expect(started.status).toBe(202);
    expect((await follow(started.headers.get('location')!)).state).toBe('succeeded');
    expect((await call('POST', `${T}/a/start`)).body.error_code).toBe('PipelineRunning');
    const shutdown = await call('POST', `${T}/slow/shutdown`);
    expect(shutdown.status).toBe(202);
    await follow(shutdown.headers.get('location')!);
  });

  it('reconcile: dry run, waited, accepted, records and an invalid document', async () => {
    const config = (await call('GET', `${A}/config`)).body;
    const planned = await call('POST', `${A}/config/reconcile?dry_run=true`, { config, deleteMissing: true });
    expect(planned.body.pipelines.find((p: any) => p.pipelineId === 'main').action).toBe('noop');
    const waited = await call('POST', `${A}/config/reconcile`, { config });
    expect(waited.status).toBe(200);
    expect(waited.body.state).toBe('succeeded');
    // Not waited for, one with nothing to roll out has ended by the answer (200); one with a change runs on (202).
    expect((await call('POST', `${A}/config/reconcile?wait=false`, { config })).status).toBe(200);
    const changed = structuredClone(config);
    changed.groups.default.pipelines.main.nodes.gen.config.traffic_config.signals_per_second = 60;
    const accepted = await call('POST', `${A}/config/reconcile?wait=false`, { config: changed });
    expect(accepted.status).toBe(202);
    expect((await follow(accepted.headers.get('location')!)).state).toBe('succeeded');
    await call('GET', `${A}/config/reconciles/latest`);
    expect((await call('GET', `${A}/config/reconciles/reconcile-999`)).status).toBe(404);
    expect((await call('POST', `${A}/config/reconcile`, { config: { version: 'otel_dataflow/v2', groups: {} } })).status).toBe(422);
  });

  it('deletes a pipeline and a group, waiting', async () => {
    const deleted = await call('DELETE', `${T}/a?timeout_secs=30`);
    expect(deleted.status).toBe(200);
    expect(deleted.body.shutdown.state).toBe('succeeded');
    expect((await call('DELETE', `${A}/groups/staging`)).status).toBe(200);
  });

  it('shuts the engine down (last: the engine exits)', async () => {
    const answer = await call('POST', `${A}/groups/shutdown?wait=true&timeout_secs=30`);
    expect(answer.body.status).toBe('completed');
    expect((await engine.exited).exitCode).toBe(0);
  });

  it('saw every answer it meant to check', () => {
    const P = `${A}/groups/{group}/pipelines/{pipeline}`;
    const expected = [
      'GET /status 200', `GET ${A}/status 200`, `GET ${A}/livez 200`, `GET ${A}/readyz 200`, `GET ${A}/config 200`,
      `GET ${A}/metrics 200`, `GET ${A}/openapi.json 200`,
      `GET ${A}/groups/{group} 200`, `GET ${A}/groups/{group} 400`, `GET ${A}/groups/{group} 404`, `POST ${A}/groups/{group} 201`,
      `POST ${A}/groups/{group} 409`, `DELETE ${A}/groups/{group} 200`, `POST ${A}/groups/shutdown 200`,
      `GET ${A}/groups/status 200`, `GET ${A}/telemetry/metrics 200`, `GET ${A}/telemetry/metrics 400`, `GET ${A}/telemetry/logs 404`,
      `GET ${P} 200`, `GET ${P} 404`, `GET ${P}/status 200`,
      `GET ${P}/livez 200`, `GET ${P}/livez 500`, `GET ${P}/readyz 200`, `GET ${P}/readyz 503`,
      `PUT ${P} 200`, `PUT ${P} 202`, `PUT ${P} 400`, `PUT ${P} 409`, `PUT ${P} 415`, `PUT ${P} 422`, `PUT ${P} 504`,
      `DELETE ${P} 200`, `GET ${P}/rollouts/{rolloutId} 200`, `GET ${P}/rollouts/{rolloutId} 404`,
      `POST ${P}/shutdown 200`, `POST ${P}/shutdown 202`, `GET ${P}/shutdowns/{shutdownId} 200`, `GET ${P}/shutdowns/{shutdownId} 404`,
      `POST ${P}/start 202`, `POST ${P}/start 409`,
      `POST ${A}/config/reconcile 200`, `POST ${A}/config/reconcile 202`, `POST ${A}/config/reconcile 422`,
      `GET ${A}/config/reconciles/{reconcileId} 200`, `GET ${A}/config/reconciles/{reconcileId} 404`,
    ];
    expect(expected.filter((e) => !seen.has(e))).toEqual([]);
  });
});
