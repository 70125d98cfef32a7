// receiver:traffic_generator with upstream's config: synthetic and semantic-convention data of every signal that
// decodes with the OTLP schema, the synthetic knobs, weights, max_signal_count, runs of one second, pre-generated
// replay, resource attribute rotation, ack counting, backpressure, drain and stop.
import { afterEach, describe, expect, it } from 'vitest';
import { holdAcks } from '../../src/pipeline/ack.js';
import { trafficGenerator } from '../../src/nodes/receivers/traffic-generator/descriptor.js';
import { createTrafficGenerator, type TrafficGenerator } from '../../src/nodes/receivers/traffic-generator/receiver.js';
import { SIGNALS } from '../../src/pipeline/pdata.js';
import { scanRequest } from '../../src/pdata/wire.js';
import { createTestContext, type TestContext } from '../support/otlp-context.js';
import { decodePData, records, type Json } from '../support/otlp-decode.js';

const running: TrafficGenerator[] = [];
afterEach(async () => {
  for (const g of running.splice(0)) await g.stop();
});

async function generator(config: Record<string, unknown>, ctx: TestContext = createTestContext('gen')): Promise<[TrafficGenerator, TestContext]> {
  const validated = trafficGenerator.configSchema.validate(config);
  if (validated.error) throw validated.error;
  const g = createTrafficGenerator('gen', validated.value as Record<string, unknown>).node as TrafficGenerator;
  running.push(g);
  await g.start(ctx);
  return [g, ctx];
}

/** Runs an uncapped synthetic generator until it stopped at max_signal_count; what it emitted. */
async function generate(traffic: Record<string, unknown>, extra: Record<string, unknown> = {}): Promise<TestContext> {
  const [g, ctx] = await generator({ data_source: 'synthetic', ...extra, traffic_config: { signals_per_second: null, ...traffic } });
  await waitFor(() => g.stats().logs + g.stats().spans + g.stats().metrics >= (traffic.max_signal_count as number));
  await g.drain();
  return ctx;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function waitFor(done: () => boolean, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > until) throw new Error('timed out');
    await sleep(5);
  }
}

const attrs = (item: Json): Record<string, unknown> =>
  Object.fromEntries((item.attributes ?? []).map((a: Json) => [a.key, Object.values(a.value ?? {})[0]]));

describe('receiver:traffic_generator, synthetic data', () => {
  it('makes logs as upstream describes them: 2 attributes, rotating severities and bodies, no ids by default', async () => {
    const ctx = await generate({ log_weight: 1, max_signal_count: 40, max_batch_size: 20 });
    expect(ctx.emitted.map((p) => [p.signal, p.items])).toEqual([['logs', 20], ['logs', 20]]);
    for (const p of ctx.emitted) expect(scanRequest('logs', p.payload)).toEqual({ ok: true, items: 20 });
    const logs = records(ctx.emitted, 'logs');
    expect(Object.keys(attrs(logs[0]!))).toEqual(['thread.id', 'thread.name']);
    expect(logs.slice(0, 20).map((l) => l.severityText)).toEqual([...Array(16).fill('INFO'), 'WARN', 'WARN', 'WARN', 'ERROR']);
    expect(logs.map((l) => attrs(l)['thread.name'])).toContain('worker-1');
    expect(new Set(logs.map((l) => l.body.stringValue)).size).toBeGreaterThan(10);
    expect(logs.every((l) => l.traceId === undefined || l.traceId === '')).toBe(true);
    const resource = decodePData(ctx.emitted[0]!).resourceLogs[0];
    expect(attrs(resource.resource)).toMatchObject({ 'service.name': 'load-generator' });
    expect(resource.scopeLogs[0].scope).toMatchObject({ name: 'traffic_generator', version: '1.0.0' });
  });

  it('honours log_body_size_bytes, num_log_attributes and use_trace_context', async () => {
    const ctx = await generate({ log_weight: 1, max_signal_count: 600, max_batch_size: 600, log_body_size_bytes: 1024, num_log_attributes: 5, use_trace_context: true });
    const logs = records(ctx.emitted, 'logs');
    expect(logs.every((l) => Buffer.byteLength(l.body.stringValue) === 1024)).toBe(true);
    expect(new Set(logs.map((l) => l.body.stringValue)).size).toBe(512);
    expect(logs.every((l) => l.attributes.length === 5)).toBe(true);
    expect(new Set(logs.map((l) => l.traceId)).size).toBe(600);
    expect(new Set(logs.map((l) => l.spanId)).size).toBe(600);
    const bodiless = await generate({ log_weight: 1, max_signal_count: 3, log_body_size_bytes: 0, num_log_attributes: 0 });
    expect(records(bodiless.emitted, 'logs').every((l) => l.body === undefined && (l.attributes ?? []).length === 0)).toBe(true);
  });

  it('makes spans with random ids and metrics of every type, data points per num_data_points_per_metric', async () => {
    const traces = await generate({ trace_weight: 1, max_signal_count: 50 });
    const spans = records(traces.emitted, 'traces');
    expect(new Set(spans.map((s) => s.traceId)).size).toBe(50);
    expect(spans.every((s) => BigInt(s.endTimeUnixNano) - BigInt(s.startTimeUnixNano) === 10_000n)).toBe(true);
    const metrics = await generate({ metric_weight: 1, max_signal_count: 16, num_data_points_per_metric: 3, num_metric_attributes: 4 });
    expect(metrics.emitted.map((p) => p.items)).toEqual([48]);
    expect(scanRequest('metrics', metrics.emitted[0]!.payload)).toEqual({ ok: true, items: 48 });
    const decoded = records(metrics.emitted, 'metrics');
    expect(new Set(decoded.map((m) => Object.keys(m).find((k) => ['gauge', 'sum', 'histogram', 'exponentialHistogram', 'summary'].includes(k))))).toEqual(
      new Set(['gauge', 'sum', 'histogram', 'exponentialHistogram', 'summary']),
    );
    expect(decoded.map((m) => m.name)).toEqual(expect.arrayContaining(['http.server.request.count', 'process.cpu.utilization']));
    const points = decoded.flatMap((m) => (m.gauge ?? m.sum ?? m.histogram ?? m.exponentialHistogram ?? m.summary).dataPoints);
    expect(points).toHaveLength(48);
    expect(points.every((p: Json) => p.attributes.length === 4)).toBe(true);
  });

  it('shares signals out by weight and stops at exactly max_signal_count', async () => {
    const ctx = await generate({ log_weight: 1, metric_weight: 1, trace_weight: 1, max_signal_count: 30, max_batch_size: 5 });
    const count = (signal: string) => ctx.emitted.filter((p) => p.signal === signal).length;
    expect([count('logs'), count('metrics'), count('traces')]).toEqual([2, 2, 2]);
    expect(records(ctx.emitted, 'logs')).toHaveLength(10);
    expect(records(ctx.emitted, 'metrics')).toHaveLength(10);
    await sleep(50);
    expect(ctx.emitted).toHaveLength(6);
  });

  it('rotates resource attribute sets by weight, batch by batch', async () => {
    const ctx = await generate(
      { log_weight: 1, max_signal_count: 8, max_batch_size: 1 },
      { resource_attributes: [{ attrs: { 'tenant.id': 'prod' }, weight: 3 }, { attrs: { 'tenant.id': 'ppe' } }] },
    );
    const tenants = ctx.emitted.map((p) => attrs(decodePData(p).resourceLogs[0].resource)['tenant.id']);
    expect(tenants).toEqual(['prod', 'prod', 'prod', 'ppe', 'prod', 'prod', 'prod', 'ppe']);
  });

  it('replays the same bytes with pre_generated, and makes fresh times and ids with fresh', async () => {
    const replay = await generate({ trace_weight: 1, max_signal_count: 4, max_batch_size: 2 }, { generation_strategy: 'pre_generated' });
    expect(Buffer.from(replay.emitted[0]!.payload).equals(Buffer.from(replay.emitted[1]!.payload))).toBe(true);
    const fresh = await generate({ trace_weight: 1, max_signal_count: 4, max_batch_size: 2 });
    expect(Buffer.from(fresh.emitted[0]!.payload).equals(Buffer.from(fresh.emitted[1]!.payload))).toBe(false);
  });
});

describe('receiver:traffic_generator, semantic conventions', () => {
  for (const signal of SIGNALS) {
    it(`makes ${signal} from the built-in registry snapshot`, async () => {
      const weight = { logs: 'log_weight', traces: 'trace_weight', metrics: 'metric_weight' }[signal];
      const [g, ctx] = await generator({ traffic_config: { signals_per_second: null, max_signal_count: 30, [weight]: 1 } });
      await ctx.waitForItems(30);
      await g.drain();
      for (const p of ctx.emitted) expect(scanRequest(signal, p.payload).ok).toBe(true);
      const found = records(ctx.emitted, signal);
      expect(found).toHaveLength(30);
      if (signal === 'traces') expect(found.map((s) => s.name)).toEqual(expect.arrayContaining(['span.http.client', 'span.db.client']));
      if (signal === 'metrics') expect(found.map((m) => m.name)).toEqual(expect.arrayContaining(['http.server.request.duration', 'system.cpu.time']));
      if (signal === 'logs') {
        expect(found.map((l) => l.eventName)).toEqual(expect.arrayContaining(['exception', 'device.app.lifecycle']));
        expect(found.map((l) => attrs(l)['ios.app.state'])).toContain('active');
      }
    });
  }
});

describe('receiver:traffic_generator runs', () => {
  it('sends one second of signals per run, spread over it, and no more before the next second', async () => {
    const [g, ctx] = await generator({ data_source: 'synthetic', traffic_config: { signals_per_second: 20, max_batch_size: 5, log_weight: 1, max_signal_count: 40 } });
    await ctx.waitForItems(5);
    // A later second cannot start early: half a second in, at most the first run's 20 were sent.
    await sleep(500);
    expect(ctx.items()).toBeLessThanOrEqual(20);
    await ctx.waitForItems(40, 5_000);
    await g.drain();
    expect(ctx.items()).toBe(40);
  });

  it('counts acknowledgements with enable_ack_nack', async () => {
    // Each delivery holds a reference, as the runtime's channels do.
    const ctx = createTestContext('gen');
    const emit = ctx.emit.bind(ctx);
    ctx.emit = (pdata) => {
      holdAcks(pdata);
      return emit(pdata);
    };
    const [g] = await generator({ data_source: 'synthetic', enable_ack_nack: true, traffic_config: { signals_per_second: null, max_signal_count: 3, max_batch_size: 1, log_weight: 1 } }, ctx);
    await ctx.waitForItems(3);
    await g.drain();
    expect(ctx.emitted.every((p) => p.acks?.length === 1)).toBe(true);
    await sleep(10);
    expect(g.stats()).toMatchObject({ acked: 0, nacked: 0 });
    ctx.emitted[0]!.acks![0]!.release();
    ctx.emitted[1]!.acks![0]!.release('exporter refused it');
    await sleep(10);
    expect(g.stats()).toMatchObject({ acked: 1, nacked: 1, logs: 3, requests: 3 });
    ctx.emitted[2]!.acks![0]!.release();
    await sleep(10);
    expect(g.stats()).toMatchObject({ acked: 2, nacked: 1 });
  });

  it('waits on emit when downstream is full, and drain resolves once that last emit did', async () => {
    const ctx = createTestContext('gen');
    let release!: () => void;
    ctx.gate = new Promise((r) => (release = r));
    const [g] = await generator({ data_source: 'synthetic', traffic_config: { signals_per_second: null, max_batch_size: 10, trace_weight: 1 } }, ctx);
    await sleep(100);
    expect(ctx.emitted).toEqual([]);
    let drained = false;
    const drain = g.drain().then(() => (drained = true));
    await sleep(50);
    expect(drained).toBe(false);
    ctx.gate = undefined;
    release();
    await drain;
    expect(ctx.items()).toBe(10);
    await sleep(50);
    expect(ctx.items()).toBe(10);
  });

  it('an open run whose emits complete at once still gives timers and a drain their turn before the run ends', async () => {
    // One second's run of 200,000 1-log batches, pre-generated: far more than one event-loop turn can send.
    const [g, ctx] = await generator({
      data_source: 'synthetic',
      generation_strategy: 'pre_generated',
      traffic_config: { signals_per_second: 200_000, production_mode: 'open', max_batch_size: 1, log_weight: 1 },
    });
    await new Promise<void>((resolve) => setTimeout(resolve, 0));
    const atTimer = g.stats().logs;
    expect(atTimer).toBeLessThan(200_000);
    await g.drain();
    const atDrain = g.stats().logs;
    expect(atDrain).toBeLessThan(200_000);
    expect(ctx.items()).toBe(atDrain);
  });

  it('wakes a sleeping generator on drain; resolves drain at the deadline when an emit never completes; stops at once', async () => {
    const [g, ctx] = await generator({ data_source: 'synthetic', traffic_config: { signals_per_second: 1, max_batch_size: 1, metric_weight: 1 } });
    await ctx.waitForItems(1);
    const began = performance.now();
    await g.drain();
    expect(performance.now() - began).toBeLessThan(500);
    expect(ctx.items()).toBe(1);

    const stuck = createTestContext('gen');
    stuck.gate = new Promise(() => undefined);
    const [h] = await generator({ data_source: 'synthetic', traffic_config: { signals_per_second: null, log_weight: 1 } }, stuck);
    await sleep(20);
    const deadline = Date.now() + 200;
    await h.drain(deadline);
    expect(Date.now()).toBeGreaterThanOrEqual(deadline - 5);
    await h.stop();
    expect(stuck.emitted).toEqual([]);
  });

  it('refuses connections: it has no listeners', async () => {
    const [g] = await generator({ data_source: 'synthetic', traffic_config: { log_weight: 1, max_signal_count: 1 } });
    const { Socket } = await import('node:net');
    const socket = new Socket();
    expect(() => g.accept('gen/http', socket)).toThrow(/no listeners/);
    expect(socket.destroyed).toBe(true);
  });
});
