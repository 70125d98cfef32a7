// receiver:traffic_generator: well-formed requests of every signal with distinct ids, times near now and consecutive
// sequence numbers; pacing to `rate`; backpressure through emit; drain that waits for the last emit only.
import { afterEach, describe, expect, it } from 'vitest';
import { trafficGenerator } from '../../src/nodes/receivers/traffic-generator/descriptor.js';
import { createTrafficGenerator, type TrafficGenerator } from '../../src/nodes/receivers/traffic-generator/receiver.js';
import { SIGNALS, type Signal } from '../../src/pipeline/pdata.js';
import { scanRequest } from '../../src/pdata/wire.js';
import { createTestContext, type TestContext } from '../support/otlp-context.js';
import { records } from '../support/otlp-decode.js';

const running: TrafficGenerator[] = [];
afterEach(async () => {
  for (const g of running.splice(0)) await g.stop();
});

async function generator(config: Record<string, unknown>, ctx: TestContext = createTestContext('gen')): Promise<[TrafficGenerator, TestContext]> {
  const validated = trafficGenerator.configSchema.validate(config);
  if (validated.error) throw validated.error;
  const instance = createTrafficGenerator('gen', validated.value as Record<string, unknown>);
  const g = instance.node as TrafficGenerator;
  running.push(g);
  await g.start(ctx);
  return [g, ctx];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const seqOf = (text: string) => Number(text.slice(-12));

describe('receiver:traffic_generator', () => {
  for (const signal of SIGNALS) {
    it(`generates valid ${signal} requests with distinct items, stopping at max_items`, async () => {
      const before = BigInt(Date.now()) * 1_000_000n;
      const [g, ctx] = await generator({ signal, rate: 0, batch_size: 100, max_items: 250 });
      await ctx.waitForItems(250);
      await g.drain();
      expect(ctx.emitted.map((p) => [p.signal, p.items])).toEqual([[signal, 100], [signal, 100], [signal, 50]]);
      for (const p of ctx.emitted) expect(scanRequest(signal, p.payload)).toEqual({ ok: true, items: p.items });
      expect(g.stats()).toEqual({ items: 250, requests: 3 });
      checkItems(signal, ctx, before);
    });
  }

  function checkItems(signal: Signal, ctx: TestContext, before: bigint): void {
    const after = BigInt(Date.now()) * 1_000_000n + 1_000_000n;
    const inRange = (t: string) => BigInt(t) >= before && BigInt(t) <= after;
    if (signal === 'metrics') {
      const metrics = records(ctx.emitted, 'metrics');
      const points = metrics.flatMap((m) => m.gauge.dataPoints);
      expect(points.map((p) => Number(p.asInt))).toEqual(Array.from({ length: 250 }, (_, i) => i));
      expect(points.every((p) => inRange(p.timeUnixNano))).toBe(true);
      expect(points.map((p) => seqOf(p.attributes[0].value.stringValue))).toEqual(Array.from({ length: 250 }, (_, i) => i));
      return;
    }
    const items = records(ctx.emitted, signal);
    const texts = items.map((i) => (signal === 'logs' ? i.body.stringValue : i.name) as string);
    expect(texts.map(seqOf)).toEqual(Array.from({ length: 250 }, (_, i) => i));
    expect(texts[0]).toMatch(new RegExp(`^gen/${process.pid} ${signal === 'logs' ? 'log' : 'span'} 000000000000$`));
    expect(new Set(items.map((i) => i.traceId)).size).toBe(250);
    expect(new Set(items.map((i) => i.spanId)).size).toBe(250);
    expect(items.every((i) => /^[0-9a-f]{32}$/.test(i.traceId) && /^[0-9a-f]{16}$/.test(i.spanId))).toBe(true);
    const times = items.map((i) => (signal === 'logs' ? i.timeUnixNano : i.startTimeUnixNano) as string);
    expect(times.every(inRange)).toBe(true);
    if (signal === 'traces') expect(items.every((s) => BigInt(s.endTimeUnixNano) - BigInt(s.startTimeUnixNano) === 1_000_000n)).toBe(true);
  }

  it('paces itself to rate items per second', async () => {
    const began = performance.now();
    const [g, ctx] = await generator({ signal: 'logs', rate: 200, batch_size: 20, max_items: 100 });
    await ctx.waitForItems(100);
    const elapsed = performance.now() - began;
    await g.drain();
    // Five batches of 20 at 200/s: the first at once, the last 400 ms later.
    expect(elapsed).toBeGreaterThanOrEqual(380);
    expect(elapsed).toBeLessThan(2_000);
    expect(ctx.items()).toBe(100);
  });

  it('waits on emit when downstream is full, and drain resolves once that last emit did', async () => {
    const ctx = createTestContext('gen');
    let release!: () => void;
    ctx.gate = new Promise((r) => (release = r));
    const [g] = await generator({ signal: 'traces', rate: 0, batch_size: 10 }, ctx);
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

  it('keeps generating until drained when max_items is 0, and drain wakes a sleeping generator', async () => {
    const [g, ctx] = await generator({ signal: 'metrics', rate: 2, batch_size: 1 });
    await ctx.waitForItems(1);
    const began = performance.now();
    await g.drain();
    expect(performance.now() - began).toBeLessThan(100);
    expect(ctx.items()).toBeLessThanOrEqual(2);
  });

  it('resolves drain at the deadline when the last emit never completes', async () => {
    const ctx = createTestContext('gen');
    ctx.gate = new Promise(() => undefined);
    const [g] = await generator({ signal: 'logs', rate: 0 }, ctx);
    await sleep(20);
    const began = performance.now();
    await g.drain(Date.now() + 200);
    expect(performance.now() - began).toBeGreaterThanOrEqual(190);
  });

  it('stops at once even when an emit never completes', async () => {
    const ctx = createTestContext('gen');
    ctx.gate = new Promise(() => undefined);
    const [g] = await generator({ signal: 'logs', rate: 0 }, ctx);
    await sleep(20);
    await g.stop();
    expect(ctx.emitted).toEqual([]);
  });

  it('refuses connections: it has no listeners', async () => {
    const [g] = await generator({ signal: 'logs', max_items: 1 });
    const { Socket } = await import('node:net');
    const socket = new Socket();
    expect(() => g.accept('gen/http', socket)).toThrow(/no listeners/);
    expect(socket.destroyed).toBe(true);
  });
});
