// engine.observability end to end: a real engine whose own logs (the supervisor's and a pipeline instance's, routed to
// `its`) and metrics reach an OTLP sink through receiver:internal_telemetry and exporter:otlp_http, with the
// configured resource; the observability pipeline's own lines stay on the console (no loop); its last lines arrive
// before the engine exits. Without engine.observability there is no extra process.
import { execa, type ResultPromise } from 'execa';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINE_BIN, startEngine, writeConfig } from '../support/engine.js';
import { childPids } from '../support/proc.js';
import { startOtlpSink, type OtlpSink } from '../support/otlp-sink.js';
import type { Json } from '../support/otlp-decode.js';

const mainPipeline = {
  policies: { resources: { core_allocation: { type: 'core_count', count: 1 } } },
  nodes: { gen: { type: 'receiver:traffic_generator', config: { traffic_config: { signals_per_second: 20, log_weight: 1 } } }, out: { type: 'exporter:noop' } },
  connections: [{ from: 'gen', to: 'out' }],
};

function config(sinkUrl: string): string {
  return JSON.stringify({
    version: 'otel_dataflow/v1',
    engine: {
      telemetry: {
        reporting_interval: '200ms',
        logs: { level: 'info', providers: { global: 'its', engine: 'its', internal: 'console_direct', admin: 'console_direct' } },
        resource: { 'service.name': 'e2e-engine', 'deployment.environment': 'test' },
        detectors: ['service_instance'],
      },
      observability: {
        pipeline: {
          nodes: {
            itr: { type: 'receiver:internal_telemetry', config: { metrics: { interval: '300ms' } } },
            out: { type: 'exporter:otlp_http', config: { endpoint: sinkUrl } },
          },
          connections: [{ from: 'itr', to: 'out' }],
        },
      },
    },
    groups: { default: { pipelines: { main: mainPipeline } } },
  });
}

/** The engine's instance processes (other children, such as a short-lived helper command, are not counted). */
function instancePids(pid: number): number[] {
  return childPids(pid).filter((child) => {
    try {
      return readFileSync(`/proc/${child}/cmdline`, 'utf8').includes('instance/main.js');
    } catch {
      return false;
    }
  });
}

type Record = { body: string; scope: string; scopeAttributes: Json; attributes: Json; resource: Json };

const flatten = (kvs: Json[] | undefined): Json => Object.fromEntries((kvs ?? []).map((kv) => [kv.key, Object.values(kv.value)[0]]));

function logRecords(sink: OtlpSink): Record[] {
  return sink.received
    .filter((r) => r.signal === 'logs')
    .flatMap(({ json }) =>
      ((json.resourceLogs as Json[]) ?? []).flatMap((rl) =>
        (rl.scopeLogs ?? []).flatMap((sl: Json) =>
          (sl.logRecords ?? []).map((lr: Json) => ({
            body: lr.body?.stringValue,
            scope: sl.scope?.name,
            scopeAttributes: flatten(sl.scope?.attributes),
            attributes: flatten(lr.attributes),
            resource: flatten(rl.resource?.attributes),
          })),
        ),
      ),
    );
}

function metricPoints(sink: OtlpSink): Array<{ scope: string; name: string; attributes: Json }> {
  return sink.received
    .filter((r) => r.signal === 'metrics')
    .flatMap(({ json }) =>
      ((json.resourceMetrics as Json[]) ?? []).flatMap((rm) =>
        (rm.scopeMetrics ?? []).flatMap((sm: Json) =>
          (sm.metrics ?? []).flatMap((m: Json) =>
            ((m.sum ?? m.gauge ?? m.histogram ?? m.summary)?.dataPoints ?? []).map((p: Json) => ({ scope: sm.scope?.name, name: m.name, attributes: flatten(p.attributes) })),
          ),
        ),
      ),
    );
}

describe('engine.observability', () => {
  let sink: OtlpSink;
  let engine: ResultPromise;
  const stdout: string[] = [];

  beforeAll(async () => {
    sink = await startOtlpSink();
    engine = execa(process.execPath, [ENGINE_BIN, '--config', writeConfig(config(sink.url)), '--http-admin-bind', '127.0.0.1:0'], {
      reject: false,
      buffer: false,
      stdin: 'ignore',
      stderr: 'inherit',
      env: { OTAP_ENGINE_ADMIN_TOKEN: '' },
    });
    let pending = '';
    engine.stdout!.on('data', (chunk: Buffer) => {
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      stdout.push(...lines);
    });
  });
  afterAll(async () => {
    engine?.kill('SIGKILL');
    await sink?.close();
  });

  it("delivers the supervisor's and the instances' logs, with the configured resource, and keeps them off the console", async () => {
    const byBody = (body: string) => logRecords(sink).find((r) => r.body === body);
    await sink.waitFor(() => byBody('admin listening') !== undefined && byBody('instance ready') !== undefined, 30_000);
    const admin = byBody('admin listening')!;
    expect(admin.scope).toBe('otap_engine.controller');
    expect(admin.attributes).toMatchObject({ address: expect.stringMatching(/^127\.0\.0\.1:\d+$/), 'process.pid': String(engine.pid) });
    expect(admin.resource).toMatchObject({ 'service.name': 'e2e-engine', 'deployment.environment': 'test', 'service.instance.id': expect.any(String) });
    const ready = byBody('instance ready')!;
    expect(ready.scope).toBe('otap_engine.pipeline');
    expect(ready.scopeAttributes).toEqual({ 'pipeline.group.id': 'default', 'pipeline.id': 'main', 'core.id': '0', 'deployment.generation': '1' });
    // Routed to its: the supervisor's and the pipeline's lines are not printed.
    expect(stdout.some((line) => line.includes('"admin listening"'))).toBe(false);
    expect(stdout.some((line) => line.includes('"pipeline":"main"'))).toBe(false);
    // The observability instance runs beside the pipeline's: two instances.
    expect(instancePids(engine.pid!)).toHaveLength(2);
  });

  it("delivers the engine's metrics: upstream's engine set and the Prometheus families with upstream's attributes", async () => {
    await sink.waitFor(
      () => metricPoints(sink).some((p) => p.name === 'otap_pipeline_node_items_received_total' && p.attributes['node.id'] === 'gen'),
      30_000,
    );
    const points = metricPoints(sink);
    expect(points).toContainEqual({ scope: 'engine', name: 'memory.rss', attributes: {} });
    expect(points).toContainEqual({ scope: 'engine', name: 'cpu.utilization', attributes: {} });
    expect(points.find((p) => p.name === 'otap_pipeline_node_items_received_total' && p.attributes['node.id'] === 'gen')?.attributes).toEqual({
      'pipeline.group.id': 'default',
      'pipeline.id': 'main',
      'node.id': 'gen',
    });
    const pipelineScopes = points.filter((p) => p.scope === 'pipeline' && p.name === 'cpu.utilization');
    expect(pipelineScopes.length).toBeGreaterThan(0);
  });

  it("keeps the observability pipeline's own lines out of it, and hands on the last lines before the engine exits", async () => {
    const observabilityLine = stdout.find((line) => line.includes('"pipeline":"observability"') && line.includes('"instance ready"'));
    expect(observabilityLine).toBeDefined();
    const observabilityPid = String(JSON.parse(observabilityLine!).pid);
    engine.kill('SIGTERM');
    const result = await engine;
    expect(result.exitCode).toBe(0);
    const records = logRecords(sink);
    expect(records.some((r) => r.attributes['process.pid'] === observabilityPid)).toBe(false);
    const drained = records.find((r) => r.body === 'instance drained');
    expect(drained?.scopeAttributes['pipeline.id']).toBe('main');
    expect(records.some((r) => r.body === 'draining all pipelines')).toBe(true);
    // Once the observability pipeline is gone, the supervisor's last lines go to the console.
    expect(stdout.some((line) => line.includes('"engine stopped"'))).toBe(true);
  });
});

describe('without engine.observability', () => {
  it('runs no extra process', async () => {
    const engine = await startEngine(JSON.stringify({ version: 'otel_dataflow/v1', groups: { default: { pipelines: { main: mainPipeline } } } }));
    try {
      const status = await engine.waitRunning();
      expect(Object.keys((await engine.status()).pipelines)).toEqual(['default:main']);
      expect(instancePids(engine.pid)).toEqual(status.instances.map((i) => i.pid));
    } finally {
      await engine.stop();
    }
  });
});
