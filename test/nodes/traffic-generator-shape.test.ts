// receiver:traffic_generator `record_size` and `attribute_cardinality`: items of about the requested encoded size for
// every signal, and a `gen.key` attribute cycling through exactly the requested number of values.
import { afterEach, describe, expect, it } from 'vitest';
import { fillBatch } from '../../src/nodes/receivers/traffic-generator/batch.js';
import { trafficGenerator } from '../../src/nodes/receivers/traffic-generator/descriptor.js';
import { createTrafficGenerator, type TrafficGenerator } from '../../src/nodes/receivers/traffic-generator/receiver.js';
import { buildTemplate } from '../../src/nodes/receivers/traffic-generator/template.js';
import { SIGNALS, type Signal } from '../../src/pipeline/pdata.js';
import { scanRequest } from '../../src/pdata/wire.js';
import { createTestContext, type TestContext } from '../support/otlp-context.js';
import { records, type Json } from '../support/otlp-decode.js';

const running: TrafficGenerator[] = [];
afterEach(async () => {
  for (const g of running.splice(0)) await g.stop();
});

const schema = trafficGenerator.configSchema;

/** Runs a generator as fast as it goes until it made `max_items` items; what it emitted. */
async function generate(config: Record<string, unknown>): Promise<TestContext> {
  const validated = schema.validate({ rate: 0, ...config });
  if (validated.error) throw validated.error;
  const ctx = createTestContext('gen');
  const g = createTrafficGenerator('gen', validated.value as Record<string, unknown>).node as TrafficGenerator;
  running.push(g);
  await g.start(ctx);
  await ctx.waitForItems(validated.value.max_items as number);
  await g.drain();
  return ctx;
}

/** Data points stand for the items of a metrics request. */
function items(ctx: TestContext, signal: Signal): Json[] {
  const found = records(ctx.emitted, signal);
  return signal === 'metrics' ? found.flatMap((m) => m.gauge.dataPoints) : found;
}

function attribute(item: Json, key: string): string | undefined {
  return (item.attributes as Json[]).find((a) => a.key === key)?.value.stringValue;
}

function seqOf(signal: Signal, item: Json): number {
  if (signal === 'metrics') return Number(item.asInt);
  const text = (signal === 'logs' ? item.body.stringValue : item.name) as string;
  const match = /^gen\/[0-9]+ (log|span) ([0-9]{12})( |$)/.exec(text);
  if (!match) throw new Error(`no sequence number in ${text.slice(0, 60)}`);
  return Number(match[2]);
}

/** Encoded bytes of one item inside a request: what a request of two items has more than one of one. */
function itemBytes(signal: Signal, recordSize: number, cardinality = 1): number {
  const options = { recordSize, cardinality };
  return buildTemplate(signal, 2, 'gen/1', options).part.bytes.length - buildTemplate(signal, 1, 'gen/1', options).part.bytes.length;
}

describe('receiver:traffic_generator record_size and attribute_cardinality', () => {
  it('validates both, with canonical defaults and bounds', () => {
    const defaults = schema.validate({}).value;
    expect(defaults).toMatchObject({ record_size: 0, attribute_cardinality: 1 });
    expect(schema.validate(defaults).value).toEqual(defaults);
    expect(schema.validate({ record_size: '4KiB' }).value.record_size).toBe(4096);
    expect(schema.validate({ record_size: '64KiB' }).error).toBeUndefined();
    expect(schema.validate({ record_size: 65537 }).error?.message).toMatch(/record_size" must be at most 65536 bytes/);
    expect(schema.validate({ record_size: '64KiB', batch_size: 1025 }).error?.message).toMatch(/record_size × batch_size must be at most 64MiB/);
    expect(schema.validate({ record_size: -1 }).error).toBeDefined();
    expect(schema.validate({ attribute_cardinality: 1_000_000 }).error).toBeUndefined();
    expect(schema.validate({ attribute_cardinality: 1_000_001 }).error).toBeDefined();
    expect(schema.validate({ attribute_cardinality: 0 }).error).toBeDefined();
    expect(schema.validate({ attribute_cardinality: 2.5 }).error).toBeDefined();
  });

  for (const signal of SIGNALS) {
    it(`makes ${signal} items of about record_size bytes, padding the ${signal === 'logs' ? 'body' : signal === 'traces' ? 'name' : 'gen.pad attribute'}`, async () => {
      const natural = itemBytes(signal, 0);
      expect(natural).toBeLessThan(160);
      // Below the natural size nothing changes.
      expect(itemBytes(signal, natural - 10)).toBe(natural);
      // Just above it, a data point can only grow by a whole gen.pad attribute (its key and headers): it stays nearest.
      expect(Math.abs(itemBytes(signal, natural + 1) - (natural + 1))).toBeLessThanOrEqual(signal === 'metrics' ? 1 : 0);
      for (const size of [200, 1000, 1024, 4096, 65_536]) {
        expect(Math.abs(itemBytes(signal, size) - size), `record_size ${size}`).toBeLessThanOrEqual(1);
        expect(Math.abs(itemBytes(signal, size, 1_000_000) - size), `record_size ${size}, 6-digit keys`).toBeLessThanOrEqual(1);
      }

      const ctx = await generate({ signal, batch_size: 50, max_items: 100, record_size: '1KiB' });
      expect(ctx.emitted).toHaveLength(2);
      for (const p of ctx.emitted) {
        expect(scanRequest(signal, p.payload)).toEqual({ ok: true, items: 50 });
        // The request's own envelope (resource, scope) comes on top, shared by the 50 items.
        expect(p.payload.length / 50).toBeGreaterThanOrEqual(1023);
        expect(p.payload.length / 50).toBeLessThan(1024 + 200 / 50);
      }
      const all = items(ctx, signal);
      expect(all.map((i) => seqOf(signal, i))).toEqual(Array.from({ length: 100 }, (_, i) => i));
      const padding = all.map((i) =>
        signal === 'logs' ? i.body.stringValue : signal === 'traces' ? i.name : attribute(i, 'gen.pad'),
      ) as string[];
      // The padding takes what the item lacked, less a gen.pad attribute's own key and headers for a data point.
      for (const text of padding) expect(text.length).toBeGreaterThan(1024 - natural - 20);
      // Items of a batch are not padded with the same text (gzip would make them vanish); batches repeat the template.
      expect(new Set(padding.map((t) => t.slice(-100))).size).toBeGreaterThanOrEqual(45);
    });

    it(`cycles gen.key of ${signal} items through attribute_cardinality values, ready-made or written per batch`, async () => {
      for (const [cardinality, batchSize, count, strategy] of [
        [1, 10, 30, 'none'],
        [7, 10, 100, 'variants'],
        [997, 100, 2_000, 'written'],
        [1_000_000, 1_000, 3_000, 'written'],
      ] as const) {
        const template = buildTemplate(signal, batchSize, 'gen/1', { recordSize: 0, cardinality });
        const used = template.keys === undefined ? 'none' : template.keys.variants ? 'variants' : 'written';
        expect(used, `cardinality ${cardinality}`).toBe(strategy);

        const ctx = await generate({ signal, batch_size: batchSize, max_items: count, attribute_cardinality: cardinality });
        const all = items(ctx, signal);
        expect(all).toHaveLength(count);
        if (cardinality === 1) {
          // One value says nothing: the default leaves the attribute out, and items as they always were.
          expect(all.every((i) => attribute(i, 'gen.key') === undefined)).toBe(true);
          continue;
        }
        const width = String(cardinality - 1).length;
        for (const item of all) {
          expect(attribute(item, 'gen.key')).toBe(`k${String(seqOf(signal, item) % cardinality).padStart(width, '0')}`);
        }
        expect(new Set(all.map((i) => attribute(i, 'gen.key'))).size).toBe(Math.min(cardinality, count));
      }
    });
  }

  it('gives the same bytes whether keys come from a variant or are written for the batch', () => {
    for (const signal of SIGNALS) {
      const kept = buildTemplate(signal, 6, 'gen/1', { recordSize: 300, cardinality: 4 });
      const written = buildTemplate(signal, 6, 'gen/1', { recordSize: 300, cardinality: 4 });
      written.keys!.variants = undefined;
      // Batches of 6 over 4 keys start at phases 0 and 2 only; a first item out of step (3) makes a third.
      for (const first of [0, 6, 12, 18, 6, 0, 3]) {
        const a = fillBatch(kept, first, 1_000).payload;
        const b = fillBatch(written, first, 1_000).payload;
        // Ids carry a per-batch random salt; everything else must match.
        const decode = (payload: Uint8Array) =>
          items({ emitted: [{ signal, payload, items: 6 }] } as unknown as TestContext, signal).map((i) => attribute(i, 'gen.key'));
        expect(decode(a)).toEqual(decode(b));
        expect(a.length).toBe(b.length);
      }
      expect([...kept.keys!.variants!.keys()].sort()).toEqual([0, 2, 3]);
    }
  });
});
