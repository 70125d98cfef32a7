// The supervisor's and the instances' side of the engine's telemetry: lines wait in bounded buffers and leave in
// batches, drops are counted and never waited for, a refused batch is retried, a closed hub writes to the console;
// metric snapshots carry the Prometheus families under upstream's attribute keys; the resource takes config over
// detectors over the engine's own name.
import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { TelemetryHub } from '../../src/supervisor/observability/telemetry-hub.js';
import { LogForwarder } from '../../src/util/log-forwarder.js';
import { MetricSnapshots } from '../../src/supervisor/observability/metric-snapshot.js';
import { detectResource, parseResourceAttributes } from '../../src/supervisor/observability/resource.js';
import { CounterLedger } from '../../src/supervisor/counter-ledger.js';
import { ProcessStats } from '../../src/supervisor/process-stats.js';
import type { MetricData, TelemetryBatch } from '../../src/ipc/telemetry.js';

const tick = (ms = 0) => new Promise((resolve) => setTimeout(resolve, ms));

function target(accept: () => boolean = () => true) {
  const batches: TelemetryBatch[] = [];
  const send = async (batch: TelemetryBatch) => {
    if (!accept()) return false;
    batches.push(batch);
    return true;
  };
  const lines = () => batches.flatMap((b) => (b.logs ?? []).flatMap((l) => l.lines.map((line) => `${l.origin}:${line}`)));
  return { send, batches, lines };
}

describe('TelemetryHub', () => {
  it('keeps lines (bounded) until the observability instance is there, then hands them over in order', async () => {
    const hub = new TelemetryHub(4);
    const controller = hub.destination('controller');
    for (let i = 0; i < 3; i++) controller.write(`c${i}\n`);
    hub.instanceLines(['p0', 'p1', 'p2'], 5);
    expect(hub.stats).toEqual({ forwardedLines: 0, droppedLines: 7, metricSnapshots: 0 });
    const t = target();
    hub.connect(t.send);
    await hub.flush(Date.now() + 1000);
    expect(t.lines()).toEqual(['controller:c0', 'controller:c1', 'controller:c2', 'pipeline:p0']);
    expect(hub.stats.forwardedLines).toBe(4);
  });

  it('retries a batch the instance could not take, and logs one warning per episode of drops', async () => {
    const warnings: string[] = [];
    const hub = new TelemetryHub(2);
    hub.useLogger(pino({}, { write: (line: string) => void warnings.push(JSON.parse(line).msg) }));
    let up = false;
    const t = target(() => up);
    hub.connect(t.send);
    hub.destination('admin').write('a0');
    hub.destination('admin').write('a1');
    hub.destination('admin').write('a2');
    hub.destination('admin').write('a3');
    await tick(20);
    expect(t.batches).toEqual([]);
    up = true;
    await hub.flush(Date.now() + 2000);
    expect(t.lines()).toEqual(['admin:a0', 'admin:a1']);
    expect(hub.stats.droppedLines).toBe(2);
    expect(warnings.filter((w) => w.includes('dropping log lines (further occurrences'))).toHaveLength(1);
    expect(warnings.filter((w) => w.includes('dropping log lines: episode ended'))).toHaveLength(1);
  });

  it('does not hold a stopping engine for an observability instance that cannot take lines', async () => {
    const printed: string[] = [];
    const hub = new TelemetryHub(10, (line) => printed.push(line));
    hub.connect(async () => false);
    hub.destination('controller').write('last words');
    // A deadline far beyond the test's own timeout: flush must give up at the refusal, not at the deadline.
    await hub.flush(Date.now() + 600_000);
    hub.close();
    expect(printed).toEqual(['last words']);
  });

  it('writes to the console once closed, and sends metric snapshots only while connected', async () => {
    const printed: string[] = [];
    const hub = new TelemetryHub(10, (line) => printed.push(line));
    const snapshot = { timeUnixMs: 1, startTimeUnixMs: 0, scopes: [] };
    expect(await hub.sendMetrics(snapshot)).toBe(false);
    hub.destination('controller').write('waiting');
    const t = target();
    hub.connect(t.send);
    expect(await hub.sendMetrics(snapshot)).toBe(true);
    expect(hub.stats.metricSnapshots).toBe(1);
    hub.close();
    hub.destination('controller').write('after');
    hub.instanceLines(['late'], 0);
    expect(t.lines()).toEqual(['controller:waiting']);
    expect(printed).toEqual(['after', 'late']);
  });
});

describe('LogForwarder (an instance sending its lines to the supervisor)', () => {
  it('sends batches one at a time, drops past its bound and reports the drops with the next batch', async () => {
    const sent: Array<[string[], number]> = [];
    let release!: () => void;
    // Four lines at most; a batch leaves at once from two lines on, after 5 ms below that.
    const forwarder = new LogForwarder(4, (lines, dropped) => {
      sent.push([lines, dropped]);
      return new Promise<void>((resolve) => (release = resolve));
    }, 5);
    forwarder.write('one\n');
    await tick(20);
    expect(sent).toEqual([[['one'], 0]]);
    release();
    await tick();
    forwarder.write('two\n');
    forwarder.write('three\n');
    expect(sent).toEqual([[['one'], 0], [['two', 'three'], 0]]);
    for (const line of ['4', '5', '6', '7', '8']) forwarder.write(line);
    expect(sent).toHaveLength(2);
    release();
    const flushed = forwarder.flush();
    await tick();
    release();
    await flushed;
    expect(sent).toEqual([
      [['one'], 0],
      [['two', 'three'], 0],
      [['4', '5', '6', '7'], 1],
    ]);
  });
});

describe('MetricSnapshots', () => {
  it("carries every Prometheus family under upstream's attribute keys, beside the engine set", async () => {
    const registry = new Registry();
    const counter = new Counter({ name: 'otap_pipeline_node_items_received_total', help: 'items', labelNames: ['group', 'pipeline', 'node', 'core'], registers: [registry] });
    counter.inc({ group: 'default', pipeline: 'main', node: 'gen', core: '1' }, 5);
    new Gauge({ name: 'otap_instance_rss_bytes', help: 'rss', registers: [registry] }).set(1024);
    const histogram = new Histogram({ name: 'otap_rollout_duration_seconds', help: 'durations', buckets: [1, 10], registers: [registry] });
    for (const v of [0.5, 5, 50]) histogram.observe(v);
    const snapshot = await new MetricSnapshots({ registry, ledger: new CounterLedger(), stats: new ProcessStats(), startTimeMs: 1000 }).take();
    expect(snapshot.startTimeUnixMs).toBe(1000);
    expect(snapshot.scopes.map((s) => s.name)).toEqual(['engine', 'otap_engine']);
    const byName = new Map<string, MetricData>(snapshot.scopes.flatMap((s) => s.metrics.map((m) => [`${s.name}/${m.name}`, m] as const)));
    expect(byName.get('engine/memory.rss')).toMatchObject({ kind: 'gauge', unit: 'By', points: [{ value: expect.any(Number), integer: true }] });
    expect((byName.get('engine/memory.rss') as { points: Array<{ value: number }> }).points[0]!.value).toBeGreaterThan(0);
    expect(byName.get('otap_engine/otap_pipeline_node_items_received_total')).toEqual({
      name: 'otap_pipeline_node_items_received_total',
      description: 'items',
      unit: '',
      kind: 'sum',
      monotonic: true,
      points: [{ attributes: { 'pipeline.group.id': 'default', 'pipeline.id': 'main', 'node.id': 'gen', 'core.id': 1 }, value: 5 }],
    });
    expect(byName.get('otap_engine/otap_instance_rss_bytes')).toMatchObject({ kind: 'gauge', unit: 'By', points: [{ value: 1024 }] });
    expect(byName.get('otap_engine/otap_rollout_duration_seconds')).toMatchObject({
      kind: 'histogram',
      unit: 's',
      points: [{ attributes: {}, count: 3, sum: 55.5, bounds: [1, 10], counts: [1, 1, 1] }],
    });
  });
});

describe('resource', () => {
  it('takes engine.telemetry.resource over the detectors over the engine name and version', () => {
    const env = { OTEL_SERVICE_NAME: 'from-env-name', OTEL_RESOURCE_ATTRIBUTES: 'service.instance.id=from%20env,team=core,broken' };
    const detected = detectResource(['service_instance', 'env', 'service_name', 'host', 'os', 'process'], { team: 'config' }, env);
    expect(detected).toMatchObject({
      'service.name': 'from-env-name',
      'service.instance.id': 'from env',
      team: 'config',
      'host.name': expect.any(String),
      'os.type': 'linux',
      'process.pid': process.pid,
      'process.runtime.name': 'nodejs',
    });
    expect(detected['service.version']).toMatch(/^\d+\.\d+\.\d+/);
    const plain = detectResource(['service_instance'], {}, {});
    expect(plain['service.name']).toBe('otap-engine');
    expect(plain['service.instance.id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(detectResource([], {}, {})['service.instance.id']).toBeUndefined();
    expect(parseResourceAttributes('a=1, b = x%2Cy ,=no,c=%E0%A4%A')).toEqual({ a: '1', b: 'x,y' });
  });
});
