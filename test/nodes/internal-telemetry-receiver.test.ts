// receiver:internal_telemetry in-process: the engine's pino lines become OTLP log records with upstream's entity
// attributes on their scope; metric snapshots become OTLP metrics once per new snapshot, renamed by views; a slow
// downstream costs dropped batches, never a growing queue; drain emits what is left.
import { afterEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { internalTelemetryReceiver } from '../../src/nodes/receivers/internal-telemetry/descriptor.js';
import { InternalTelemetryReceiver } from '../../src/nodes/receivers/internal-telemetry/receiver.js';
import { TelemetryFeed } from '../../src/nodes/receivers/internal-telemetry/feed.js';
import type { InternalTelemetryConfig } from '../../src/nodes/receivers/internal-telemetry/descriptor.js';
import type { LogBatch, MetricSnapshot, ObservabilitySettings } from '../../src/ipc/telemetry.js';
import { createTestContext, type TestContext } from '../support/otlp-context.js';
import { decodePData, records, type Json } from '../support/otlp-decode.js';

const SETTINGS: ObservabilitySettings = { resource: { 'service.name': 'engine-under-test' }, reportingIntervalMs: 1000, maxPendingBatches: 2 };
const running: InternalTelemetryReceiver[] = [];
afterEach(async () => {
  for (const r of running.splice(0)) await r.stop();
});

async function receiver(config: Record<string, unknown>, settings: ObservabilitySettings = SETTINGS): Promise<{ r: InternalTelemetryReceiver; ctx: TestContext; feed: TelemetryFeed }> {
  const validated = internalTelemetryReceiver.configSchema.validate(config);
  if (validated.error) throw validated.error;
  const feed = new TelemetryFeed();
  feed.configure(settings);
  const r = new InternalTelemetryReceiver(validated.value as InternalTelemetryConfig, feed);
  running.push(r);
  const ctx = createTestContext('itr');
  await r.start(ctx);
  return { r, ctx, feed };
}

/** Real pino lines, as the engine's loggers write them. */
function pinoLines(write: (logger: pino.Logger) => void, bindings: Record<string, unknown> = {}): string[] {
  const lines: string[] = [];
  const logger = pino({ base: { pid: 4242, ...bindings }, timestamp: pino.stdTimeFunctions.isoTime }, { write: (line: string) => void lines.push(line.trim()) });
  write(logger);
  return lines;
}

const attrs = (kvs: Json[] | undefined): Json => Object.fromEntries((kvs ?? []).map((kv) => [kv.key, Object.values(kv.value)[0]]));

function snapshot(value: number, at = Date.now()): MetricSnapshot {
  return {
    timeUnixMs: at,
    startTimeUnixMs: at - 60_000,
    scopes: [
      {
        name: 'engine',
        attributes: {},
        metrics: [{ name: 'memory.rss', description: 'rss', unit: 'By', kind: 'gauge', points: [{ attributes: {}, value, integer: true }] }],
      },
      {
        name: 'otap_engine',
        attributes: {},
        metrics: [
          { name: 'otap_items_total', description: 'items', unit: '', kind: 'sum', monotonic: true, points: [{ attributes: { 'pipeline.id': 'main' }, value: 7 }] },
          { name: 'otap_seconds', description: 'h', unit: 's', kind: 'histogram', points: [{ attributes: {}, count: 3, sum: 1.5, bounds: [0.1, 1], counts: [1, 1, 1] }] },
        ],
      },
    ],
  };
}

describe('receiver:internal_telemetry logs', () => {
  it('turns each pino line into a log record: entity on the scope, message as body, level as severity', async () => {
    const { ctx, feed } = await receiver({ signals: ['logs'] });
    const supervisor = pinoLines((l) => l.warn({ address: '127.0.0.1:8080', err: new TypeError('boom') }, 'admin listening'));
    const instance = pinoLines((l) => l.info({ node: 'gen', items: 3, ok: true }, 'instance ready'), { group: 'default', pipeline: 'main', core: 1, generation: 2 });
    const batches: LogBatch[] = [
      { origin: 'controller', lines: supervisor },
      { origin: 'pipeline', lines: [...instance, 'not json at all'] },
    ];
    feed.deliver({ logs: batches });
    await ctx.waitForItems(3);
    expect(ctx.emitted.map((p) => [p.signal, p.items])).toEqual([['logs', 3]]);

    const request = decodePData(ctx.emitted[0]!);
    const [resourceLogs] = request.resourceLogs;
    expect(attrs(resourceLogs.resource.attributes)).toEqual({ 'service.name': 'engine-under-test' });
    const scopes = resourceLogs.scopeLogs.map((sl: Json) => ({ name: sl.scope.name, attributes: attrs(sl.scope.attributes), bodies: sl.logRecords.map((r: Json) => r.body.stringValue) }));
    expect(scopes).toEqual([
      { name: 'otap_engine.controller', attributes: {}, bodies: ['admin listening'] },
      {
        name: 'otap_engine.pipeline',
        attributes: { 'pipeline.group.id': 'default', 'pipeline.id': 'main', 'core.id': '1', 'deployment.generation': '2', 'node.id': 'gen' },
        bodies: ['instance ready'],
      },
      { name: 'otap_engine.pipeline', attributes: {}, bodies: ['not json at all'] },
    ]);

    const [warn, info, raw] = records(ctx.emitted, 'logs') as [Json, Json, Json];
    expect(warn).toMatchObject({ severityNumber: 13, severityText: 'WARN' });
    expect(attrs(warn.attributes)).toMatchObject({
      'process.pid': '4242',
      address: '127.0.0.1:8080',
      'exception.type': 'TypeError',
      'exception.message': 'boom',
      'exception.stacktrace': expect.stringContaining('TypeError: boom'),
    });
    expect(BigInt(warn.timeUnixNano)).toBeGreaterThan(BigInt(Date.now() - 60_000) * 1_000_000n);
    expect(info).toMatchObject({ severityNumber: 9, severityText: 'INFO' });
    expect(attrs(info.attributes)).toEqual({ 'process.pid': '4242', items: '3', ok: true });
    expect(raw.severityNumber).toBeUndefined();
  });

  it('drops what arrives while too many batches wait on downstream, and counts it', async () => {
    const { r, ctx, feed } = await receiver({ signals: ['logs'] });
    let open!: () => void;
    ctx.gate = new Promise<void>((resolve) => (open = resolve));
    const line = (i: number) => pinoLines((l) => l.info(`line ${i}`));
    // One batch is taken by the pump and waits in emit; two more wait in the queue; the rest are dropped.
    for (let i = 0; i < 6; i++) feed.deliver({ logs: [{ origin: 'controller', lines: line(i) }] });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(ctx.emitted).toEqual([]);
    expect(ctx.logs.filter((l) => String(l.msg).includes('dropping log batches'))).toHaveLength(1);
    ctx.gate = undefined;
    open();
    await ctx.waitForItems(3);
    await r.drain(Date.now() + 1000);
    expect(records(ctx.emitted, 'logs').map((rec) => rec.body.stringValue)).toEqual(['line 0', 'line 1', 'line 2']);
  });

  it('ignores logs when its signals are metrics only', async () => {
    const { r, ctx, feed } = await receiver({ signals: ['metrics'] });
    feed.deliver({ logs: [{ origin: 'controller', lines: pinoLines((l) => l.info('x')) }] });
    await r.drain(Date.now() + 1000);
    expect(ctx.emitted).toEqual([]);
  });
});

describe('receiver:internal_telemetry metrics', () => {
  it('emits the newest snapshot once per interval, and nothing when no new one came', async () => {
    const { r, ctx, feed } = await receiver({ signals: ['metrics'], metrics: { interval: '20ms' } });
    feed.deliver({ metrics: snapshot(100) });
    feed.deliver({ metrics: snapshot(200) });
    await ctx.waitForItems(3);
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(ctx.emitted).toHaveLength(1);
    const metrics = records(ctx.emitted, 'metrics') as [Json, Json, Json];
    expect(metrics.map((m) => m.name)).toEqual(['memory.rss', 'otap_items_total', 'otap_seconds']);
    expect(metrics[0].gauge.dataPoints[0].asInt).toBe('200');
    expect(metrics[1].sum).toMatchObject({ aggregationTemporality: 2, isMonotonic: true, dataPoints: [{ asDouble: 7 }] });
    expect(attrs(metrics[1].sum.dataPoints[0].attributes)).toEqual({ 'pipeline.id': 'main' });
    expect(metrics[2].histogram.dataPoints[0]).toMatchObject({ count: '3', sum: 1.5, bucketCounts: ['1', '1', '1'], explicitBounds: [0.1, 1] });
    const request = decodePData(ctx.emitted[0]!);
    expect(request.resourceMetrics[0].scopeMetrics.map((sm: Json) => sm.scope.name)).toEqual(['engine', 'otap_engine']);

    feed.deliver({ metrics: snapshot(300) });
    await r.drain(Date.now() + 1000);
    expect(ctx.emitted).toHaveLength(2);
  });

  it("applies upstream's views: exact selectors, every matching view a stream, the rest unchanged", async () => {
    const views = [
      { selector: { scope_name: 'engine', instrument_name: 'memory.rss' }, stream: { name: 'process_memory_usage', description: 'Memory.' } },
      { selector: { scope_name: 'engine', instrument_name: 'memory.rss' }, stream: { name: 'rss_again' } },
      { selector: { scope_name: 'otap_engine', scope_attributes: { 'pipeline.id': 'main' } }, stream: { name: 'never' } },
    ];
    const { r, ctx, feed } = await receiver({ signals: ['metrics'], metrics: { interval: '10ms', views } });
    feed.deliver({ metrics: snapshot(1) });
    await ctx.waitForItems(1);
    await r.drain(Date.now() + 1000);
    const metrics = records(ctx.emitted, 'metrics');
    expect(metrics.map((m) => [m.name, m.description])).toEqual([
      ['process_memory_usage', 'Memory.'],
      ['rss_again', 'rss'],
      ['otap_items_total', 'items'],
      ['otap_seconds', 'h'],
    ]);
  });

  it('emits its last snapshot on drain', async () => {
    const { r, ctx, feed } = await receiver({}, { ...SETTINGS, reportingIntervalMs: 60_000 });
    feed.deliver({ metrics: snapshot(5) });
    await r.drain(Date.now() + 1000);
    expect(records(ctx.emitted, 'metrics').map((m) => m.name)).toContain('memory.rss');
  });

  it('refuses to start outside the observability pipeline', async () => {
    const r = new InternalTelemetryReceiver({ signals: ['logs'], metrics: { views: [] } }, new TelemetryFeed());
    await expect(r.start(createTestContext())).rejects.toThrow(/only in engine.observability.pipeline/);
  });
});
