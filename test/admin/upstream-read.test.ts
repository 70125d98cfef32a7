// Acceptance (#12): the read side of the admin API answers as upstream's does, against a real engine. Every answer is
// decoded with upstream's shapes as its dfctl decodes them (test/support/upstream-shapes.ts), and status codes and
// bodies are upstream's: /status, /groups/status, a pipeline's details (`pipeline`, `rollout`) and status (null when
// it does not exist), per-pipeline livez/readyz (`OK` / `NOT OK`), the engine probes (a failing livez is 500), the
// metrics in every format upstream has, and the in-memory log tap. Our own fields stay beside upstream's, and every
// answer also validates against our OpenAPI document.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiDocument } from '../../src/admin/openapi/document.js';
import { adminClient } from '../support/admin.js';
import { openApiValidator } from '../support/openapi.js';
import { startEngine, usableCores, type RunningEngine } from '../support/engine.js';
import {
  compactMetricsResponse,
  engineStatus,
  expectDecodes,
  logsResponse,
  metricsResponse,
  pipelineDetails,
  pipelineStatus,
  probeResponse,
} from '../support/upstream-shapes.js';

const core = usableCores()[0]!;
const generator = (rate: number) => ({
  policies: { resources: { core_allocation: { type: 'core_set', set: [{ start: core, end: core }] } } },
  nodes: {
    gen: { type: 'receiver:traffic_generator', config: { data_source: 'synthetic', traffic_config: { signals_per_second: rate, max_batch_size: 5, log_weight: 1 } } },
    out: { type: 'exporter:noop' },
  },
  connections: [{ from: 'gen', to: 'out' }],
});
const fragile = { ...generator(10), policies: { ...generator(10).policies, runtime_recovery: { enabled: false } } };

const CONFIG = `version: otel_dataflow/v1
engine:
  telemetry:
    logs:
      tap: { enabled: true, max_entries: 1000 }
groups:
  default:
    pipelines:
      main: ${JSON.stringify(generator(50))}
      fragile: ${JSON.stringify(fragile)}
`;

interface Answer {
  status: number;
  type: string | null;
  text: string;
}

describe('the admin API read side, decoded as upstream dfctl decodes it', () => {
  let engine: RunningEngine;
  const A = '/api/v1';
  const P = `${A}/groups/default/pipelines`;

  const validator = openApiValidator(openApiDocument());

  /** Every answer is also checked against our OpenAPI document, so that it stays exact. */
  async function get(path: string): Promise<Answer> {
    const res = await fetch(`${engine.adminUrl}${path}`);
    const answer = { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
    const body = answer.type?.startsWith('application/json') ? JSON.parse(answer.text) : answer.text;
    expect(validator.check('GET', path.split('?')[0]!, answer.status, answer.type, body), `${path} against the OpenAPI document`).toEqual([]);
    return answer;
  }
  async function json(path: string, status = 200): Promise<any> {
    const answer = await get(path);
    expect(answer.status, `${path}: ${answer.text.slice(0, 300)}`).toBe(status);
    expect(answer.type).toMatch(/^application\/json/);
    return JSON.parse(answer.text);
  }

  beforeAll(async () => {
    engine = await startEngine(CONFIG);
    await engine.waitRunning('default:main');
    await engine.waitRunning('default:fragile');
  });
  afterAll(async () => {
    await engine?.stop();
  });

  it('GET /status and /groups/status answer upstream\'s Status, with our fields beside it', async () => {
    for (const path of [`${A}/status`, `${A}/groups/status`]) {
      const body = await json(path);
      expectDecodes(engineStatus, body, path);
      const main = body.pipelines['default:main'];
      expect(main.cores[String(core)]).toMatchObject({ phase: 'running', deletePending: false });
      expect(main.cores[String(core)].conditions.map((c: any) => [c.type, c.status])).toEqual([['Accepted', 'True'], ['Ready', 'True']]);
      const [instance] = main.instances;
      expect(instance).toMatchObject({ coreId: core, deploymentGeneration: 1, status: { phase: 'running' }, phase: 'running', restarts: 0 });
      expect(instance.pid).toBeGreaterThan(0);
      // The core shows the instance that serves it.
      expect(main.cores[String(core)]).toEqual(instance.status);
      expect(main).toMatchObject({ desiredStatus: 'running', deploymentStatus: 'running', servingGenerations: { [String(core)]: 1 } });
    }
  });

  it('recent events are upstream\'s ObservedEvent objects', async () => {
    const events = (await json(`${P}/main/status`)).cores[String(core)].recentEvents;
    expect(events).toContainEqual({
      Engine: expect.objectContaining({
        key: { pipeline_group_id: 'default', pipeline_id: 'main', core_id: core, deployment_generation: 1 },
        type: { Success: 'Ready' },
        event: 'ready',
      }),
    });
    expect(events[0]).toMatchObject({ Engine: { type: { Request: 'StartRequested' }, event: 'spawned' } });
  });

  it('GET a pipeline answers upstream\'s PipelineDetails: `pipeline`, not `config`', async () => {
    const body = await json(`${P}/main`);
    expectDecodes(pipelineDetails, body, 'pipeline details');
    expect(body).toMatchObject({ pipelineGroupId: 'default', pipelineId: 'main', activeGeneration: 1, desiredStatus: 'running' });
    expect(body.pipeline.nodes.gen.type).toBe('receiver:traffic_generator');
    expect(body).not.toHaveProperty('config');
    // No rollout through the admin API yet.
    expect(body).not.toHaveProperty('rollout');
    // dfctl reads a 404 as "no such pipeline".
    expect((await get(`${P}/nope`)).status).toBe(404);
    expect((await get(`${A}/groups/nope/pipelines/main`)).status).toBe(404);
  });

  it('a pipeline\'s status decodes as upstream\'s; one that does not exist is 200 null, as upstream', async () => {
    expectDecodes(pipelineStatus, await json(`${P}/main/status`), 'pipeline status');
    expect(await json(`${P}/nope/status`)).toBeNull();
    expect(await json(`${A}/groups/nope/pipelines/main/status`)).toBeNull();
  });

  it('per-pipeline livez and readyz answer OK in plain text, NOT OK (500 / 503) for a pipeline that does not exist', async () => {
    for (const probe of ['livez', 'readyz']) {
      expect(await get(`${P}/main/${probe}`)).toEqual({ status: 200, type: 'text/plain; charset=utf-8', text: 'OK' });
    }
    expect(await get(`${P}/nope/livez`)).toMatchObject({ status: 500, text: 'NOT OK' });
    expect(await get(`${P}/nope/readyz`)).toMatchObject({ status: 503, text: 'NOT OK' });
  });

  it('the engine probes answer upstream\'s ProbeResponse', async () => {
    for (const probe of ['livez', 'readyz']) {
      const body = await json(`${A}/${probe}`);
      expectDecodes(probeResponse, body, probe);
      expect(body).toMatchObject({ probe, status: 'ok' });
    }
  });

  it('metrics: Prometheus text by default, and upstream\'s json, json_compact and line_protocol', async () => {
    for (const path of [`${A}/telemetry/metrics`, `${A}/telemetry/metrics?format=prometheus`, `${A}/metrics`]) {
      const answer = await get(path);
      expect(answer.status, path).toBe(200);
      expect(answer.type).toMatch(/^text\/plain; version=0\.0\.4/);
      expect(answer.text).toMatch(/^otap_pipeline_running_cores\{group="default",pipeline="main"\} 1$/m);
    }

    // An instance's memory is sampled every 2 s: until then its metric set is all zeroes, and left out.
    await engine.waitFor(async () => (await engine.pipeline('default:main')).instances[0]!.rssBytes > 0, 'the first process sample');
    // dfctl asks with reset=false&keep_all_zeroes=false besides the format.
    for (const path of [`${A}/telemetry/metrics?reset=false&keep_all_zeroes=false&format=json`, `${A}/metrics?format=json`]) {
      const verbose = await json(path);
      expectDecodes(metricsResponse, verbose, path);
      const instance = verbose.metric_sets.find(
        (s: any) => s.name === 'pipeline' && s.attributes['pipeline.id']?.String === 'main',
      );
      expect(instance.attributes).toEqual({
        'core.id': { Int: core },
        'deployment.generation': { Int: 1 },
        'pipeline.group.id': { String: 'default' },
        'pipeline.id': { String: 'main' },
      });
      expect(instance.metrics.find((m: any) => m.name === 'memory.rss')).toMatchObject({ unit: 'By', instrument: 'gauge', value_type: 'u64' });
      const running = verbose.metric_sets.find(
        (s: any) => s.name === 'otap_engine' && s.metrics.some((m: any) => m.name === 'otap_pipeline_running_cores') && s.attributes['pipeline.id']?.String === 'main',
      );
      expect(running.metrics).toContainEqual(expect.objectContaining({ name: 'otap_pipeline_running_cores', instrument: 'gauge', value: 1 }));
    }

    const compact = await json(`${A}/telemetry/metrics?format=json_compact`);
    expectDecodes(compactMetricsResponse, compact, 'json_compact');
    const cores = compact.metric_sets.find((s: any) => s.attributes['pipeline.id']?.String === 'main' && 'otap_pipeline_total_cores' in s.metrics);
    expect(cores).toMatchObject({ name: 'otap_engine', metrics: { otap_pipeline_running_cores: 1, otap_pipeline_total_cores: 1 } });

    // Sets whose values are all zero are left out unless asked for.
    const everything = await json(`${A}/telemetry/metrics?format=json_compact&keep_all_zeroes=true`);
    const zero = (s: any) => Object.values(s.metrics).every((v) => v === 0);
    expect(compact.metric_sets.some(zero)).toBe(false);
    expect(everything.metric_sets.some(zero)).toBe(true);

    const lines = await get(`${A}/telemetry/metrics?format=line_protocol`);
    expect(lines.status).toBe(200);
    expect(lines.type).toMatch(/^text\/plain/);
    expect(lines.text).toMatch(/^pipeline,core\.id=\d+,deployment\.generation=1,pipeline\.group\.id=default,pipeline\.id=main cpu\.utilization=[\d.e-]+,memory\.rss=\d+i \d{13}$/m);

    for (const bad of ['format=xml', 'reset=true', 'keep_all_zeroes=maybe']) {
      const refused = await json(`${A}/telemetry/metrics?${bad}`, 400);
      expect(refused).toMatchObject({ kind: 'invalid_request', error_code: 'InvalidQueryParameter' });
    }
  });

  it('the log tap answers upstream\'s LogsResponse and pages with after and limit', async () => {
    const all = await json(`${A}/telemetry/logs?limit=1000`);
    expectDecodes(logsResponse, all, 'logs');
    expect(all.logs.map((l: any) => l.event_name)).toEqual(expect.arrayContaining(['admin listening', 'engine started']));
    const started = all.logs.find((l: any) => l.event_name === 'engine started');
    expect(started).toMatchObject({ level: 'INFO', target: 'controller', file: null, line: null, contexts: [] });
    expect(started.rendered).toMatch(/^\S+ INFO controller: engine started pipelines=2 ready=2$/);
    expect(all).toMatchObject({ oldest_seq: 1, next_seq: all.newest_seq, truncated_before_seq: null, dropped_on_retention: 0 });

    // Without after: the newest `limit` entries. With after: what follows it, oldest first.
    const newest = await json(`${A}/telemetry/logs?limit=1`);
    expect(newest.logs).toHaveLength(1);
    expect(newest.logs[0].seq).toBeGreaterThanOrEqual(all.newest_seq);
    const page = await json(`${A}/telemetry/logs?after=0&limit=2`);
    expect(page.logs.map((l: any) => l.seq)).toEqual([1, 2]);
    expect(page.next_seq).toBe(2);
    const none = await json(`${A}/telemetry/logs?after=${newest.next_seq + 1000}`);
    expect(none).toMatchObject({ logs: [], next_seq: newest.next_seq + 1000 });
    expect((await json(`${A}/telemetry/logs?after=-1`, 400)).error_code).toBe('InvalidQueryParameter');
  });

  it('after a replace, the pipeline details and status show the rollout as upstream summarises it', async () => {
    const put = await adminClient(engine.adminUrl).put('default', 'main', generator(60));
    expect(put.status).toBe(200);
    const details = await json(`${P}/main`);
    expectDecodes(pipelineDetails, details, 'pipeline details after a replace');
    expect(details.activeGeneration).toBe(2);
    expect(details.pipeline.nodes.gen.config.traffic_config.signals_per_second).toBe(60);
    expect(details.rollout).toMatchObject({ rolloutId: put.body.rolloutId, state: 'succeeded', targetGeneration: 2 });
    const status = await json(`${P}/main/status`);
    expectDecodes(pipelineStatus, status, 'pipeline status after a replace');
    expect(status.rollout).toEqual(details.rollout);
    expect(status.instances.map((i: any) => i.deploymentGeneration)).toEqual([2]);
  });

  it('a pipeline whose recovery gave up: failed with its reason, error events, and failing probes as upstream answers them', async () => {
    const before = await engine.pipeline('default:fragile');
    process.kill(before.instances[0]!.pid!, 'SIGKILL');
    await engine.waitFor(async () => (await engine.pipeline('default:fragile')).deploymentStatus === 'failed', 'fragile to fail');

    const status = await json(`${P}/fragile/status`);
    expectDecodes(pipelineStatus, status, 'failed pipeline status');
    const failedCore = status.cores[String(core)];
    expect(failedCore.phase).toEqual({ failed: 'runtime_error' });
    expect(failedCore.conditions).toContainEqual(expect.objectContaining({ type: 'Ready', status: 'False', reason: 'RuntimeError' }));
    expect(failedCore.recentEvents).toContainEqual({
      Engine: expect.objectContaining({ type: { Error: { RuntimeError: { Pipeline: expect.objectContaining({ error_kind: 'process_exit' }) } } } }),
    });
    expect(status.instances[0]).toMatchObject({ status: { phase: { failed: 'runtime_error' } }, phase: 'failed' });

    // The engine's probes fail with upstream's codes and name the pipeline with a Condition.
    const live = await json(`${A}/livez`, 500);
    expectDecodes(probeResponse, live, 'failing livez');
    expect(live).toMatchObject({ status: 'failed', failing: [{ pipeline: 'default:fragile', condition: { type: 'Ready', status: 'False' } }] });
    const ready = await json(`${A}/readyz`, 503);
    expectDecodes(probeResponse, ready, 'failing readyz');
    expect(ready.failing.map((f: any) => f.pipeline)).toEqual(['default:fragile']);

    // Its own readyz is NOT OK; the default live_if counts a failed core as live, as upstream's does.
    expect(await get(`${P}/fragile/readyz`)).toMatchObject({ status: 503, text: 'NOT OK' });
    expect(await get(`${P}/fragile/livez`)).toMatchObject({ status: 200, text: 'OK' });
    expect(await get(`${P}/main/readyz`)).toMatchObject({ status: 200, text: 'OK' });

    // The supervisor's line about it is in the tap, with the pipeline as its context.
    const logs = await json(`${A}/telemetry/logs?limit=1000`);
    const failure = logs.logs.find((l: any) => l.level === 'ERROR' && l.contexts[0]?.attributes['pipeline.id']?.String === 'fragile');
    expect(failure.contexts[0]).toMatchObject({ entity_key: 'default:fragile', attributes: { 'pipeline.group.id': { String: 'default' } } });
  });
});
