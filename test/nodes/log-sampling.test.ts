// processor:log_sampling: upstream's `ratio` (deterministic: emit out of out_of, counted across messages) and `zip`
// (at most max_items per interval) policies; the kept records are the first of a message; other signals pass as
// they came; the byte path keeps exactly what the decode path keeps.
import { describe, expect, it } from 'vitest';
import { logSamplingProcessor } from '../../src/nodes/processors/log-sampling/descriptor.js';
import { keepFirstLogRecords } from '../../src/nodes/processors/log-sampling/keep-first.js';
import { createLogSamplingProcessor, LogSamplingProcessor } from '../../src/nodes/processors/log-sampling/processor.js';
import { RatioSampler } from '../../src/nodes/processors/log-sampling/samplers.js';
import { ExportLogsServiceRequest } from '../../src/pdata/otlp-schema.js';
import { scanRequest } from '../../src/pdata/wire.js';
import type { PData } from '../../src/pipeline/pdata.js';
import { createTestContext } from '../support/otlp-context.js';
import { records } from '../support/otlp-decode.js';
import { logsProto, tracesProto } from '../support/otlp-requests.js';
import { canonical, randomRequest, rng } from '../support/wire-requests.js';

function processor(config: Record<string, unknown>): LogSamplingProcessor {
  const validated = logSamplingProcessor.configSchema.validate(config);
  if (validated.error) throw validated.error;
  const instance = createLogSamplingProcessor('sampler', validated.value as Record<string, unknown>);
  if (instance.kind !== 'processor') throw new Error('not a processor');
  return instance.node as LogSamplingProcessor;
}

function logs(bodies: string[]): PData {
  return { signal: 'logs', payload: logsProto(bodies), items: bodies.length };
}

const bodies = (emitted: PData[]): string[] => records(emitted, 'logs').map((r) => r.body?.stringValue);

/** Resources and scopes as given: each inner array is a scope's record bodies. */
function nested(resources: string[][][]): PData {
  const payload = ExportLogsServiceRequest.encode({
    resourceLogs: resources.map((scopes, i) => ({
      resource: { attributes: [{ key: 'r', value: { intValue: i } }] },
      scopeLogs: scopes.map((scope, j) => ({ scope: { name: `s${i}.${j}` }, logRecords: scope.map((b) => ({ body: { stringValue: b } })) })),
    })),
  }).finish();
  return { signal: 'logs', payload, items: resources.flat(2).length };
}

describe('ratio', () => {
  it("keeps emit of every out_of records across messages (upstream's worked example)", () => {
    const sampler = new RatioSampler(2, 5);
    expect([12, 4, 5, 4].map((n) => sampler.keep(n))).toEqual([6, 1, 2, 1]);
  });

  it('over any split of the same records, keeps exactly emit/out_of of each full cycle', () => {
    const r = rng(7);
    for (const [emit, outOf] of [[1, 3], [1, 10], [3, 7], [5, 5]] as const) {
      const sampler = new RatioSampler(emit, outOf);
      let seen = 0;
      let kept = 0;
      for (let i = 0; i < 200; i++) {
        const n = Math.floor(r() * 25);
        kept += sampler.keep(n);
        seen += n;
        // Within a cycle the first `emit` are kept: after `seen` records, the kept count is exact.
        expect(kept).toBe(Math.floor(seen / outOf) * emit + Math.min(emit, seen % outOf));
      }
    }
  });

  it('keeps the first records of a message and counts the others as dropped', async () => {
    const node = processor({ policy: { ratio: { emit: 1, out_of: 3 } } });
    const ctx = createTestContext();
    for (const batch of [['a', 'b', 'c', 'd'], ['e', 'f'], ['g', 'h', 'i', 'j']]) await node.process(logs(batch), ctx);
    // 4 records: two cycles begin in them (a, d), so two are kept, and the kept ones are the first two.
    expect(bodies(ctx.emitted)).toEqual(['a', 'b', 'g', 'h']);
    expect(ctx.emitted.map((p) => p.items)).toEqual([2, 2]);
    expect(node.stats()).toEqual({ dropped: 6 });
  });

  it('a message with no record kept goes no further; emit = out_of passes messages as they came', async () => {
    const node = processor({ policy: { ratio: { emit: 1, out_of: 10 } } });
    const ctx = createTestContext();
    await node.process(logs(['a']), ctx);
    await node.process(logs(['b', 'c']), ctx);
    expect(ctx.emitted).toHaveLength(1);
    const all = processor({ policy: { ratio: { emit: 4, out_of: 4 } } });
    const message = logs(['x', 'y']);
    await all.process(message, ctx);
    expect(ctx.emitted[1]).toBe(message);
  });
});

describe('zip', () => {
  it('keeps at most max_items per interval, and a new window brings a new budget', async () => {
    const node = processor({ policy: { zip: { interval: '100ms', max_items: 3 } } });
    const ctx = createTestContext();
    await node.process(logs(['a', 'b']), ctx);
    await node.process(logs(['c', 'd']), ctx);
    await node.process(logs(['e']), ctx);
    expect(bodies(ctx.emitted)).toEqual(['a', 'b', 'c']);
    await new Promise((r) => setTimeout(r, 250));
    await node.process(logs(['f', 'g', 'h', 'i']), ctx);
    expect(bodies(ctx.emitted).slice(3)).toEqual(['f', 'g', 'h']);
    expect(node.stats().dropped).toBe(3);
    await node.stop();
  });
});

describe('signals and containers', () => {
  it('traces and metrics pass through untouched', async () => {
    const node = processor({ policy: { ratio: { emit: 1, out_of: 100 } } });
    const ctx = createTestContext();
    const traces: PData = { signal: 'traces', payload: tracesProto(['s1', 's2']), items: 2 };
    await node.process(traces, ctx);
    expect(ctx.emitted).toEqual([traces]);
    expect(ctx.emitted[0]).toBe(traces);
  });

  it('cuts across resources and scopes: emptied ones go, ones that came empty stay, lengths rewritten', async () => {
    const node = processor({ policy: { ratio: { emit: 3, out_of: 7 } } });
    const ctx = createTestContext();
    await node.process(nested([[['a', 'b'], []], [['c', 'd', 'e']], [['f'], ['g']]]), ctx);
    const [out] = ctx.emitted;
    expect(scanRequest('logs', out!.payload)).toEqual({ ok: true, items: 3 });
    const decoded = ExportLogsServiceRequest.toObject(ExportLogsServiceRequest.decode(out!.payload)) as {
      resourceLogs: Array<{ scopeLogs: Array<{ scope: { name: string }; logRecords?: unknown[] }> }>;
    };
    expect(decoded.resourceLogs.map((r) => r.scopeLogs.map((s) => [s.scope.name, s.logRecords?.length ?? 0]))).toEqual([
      [
        ['s0.0', 2],
        ['s0.1', 0],
      ],
      [['s1.0', 1]],
    ]);
    expect(bodies(ctx.emitted)).toEqual(['a', 'b', 'c']);
  });

  it('the byte path keeps what the decode path keeps, on random requests', () => {
    const r = rng(42);
    let compared = 0;
    for (let i = 0; i < 120; i++) {
      const payload = randomRequest(r, 'logs');
      const total = scanRequest('logs', payload);
      if (!total.ok || total.items < 2) continue;
      const keep = 1 + Math.floor(r() * (total.items - 1));
      const wire = keepFirstLogRecords(payload, keep, 'wire');
      const decoded = keepFirstLogRecords(payload, keep, 'decode');
      expect(wire.kept).toBe(keep);
      expect(decoded.kept).toBe(keep);
      expect(canonical('logs', wire.payload).equals(canonical('logs', decoded.payload)), `request ${i}, keep ${keep}`).toBe(true);
      compared++;
    }
    expect(compared).toBeGreaterThan(30);
  });
});

describe('config', () => {
  const error = (config: unknown): string | undefined => logSamplingProcessor.configSchema.validate(config).error?.message;

  it("accepts upstream's policies", () => {
    expect(error({ policy: { ratio: { emit: 1, out_of: 10 } } })).toBeUndefined();
    expect(error({ policy: { zip: { interval: '60s', max_items: 100 } } })).toBeUndefined();
  });

  it('refuses what upstream refuses', () => {
    expect(error({})).toMatch(/policy/);
    expect(error({ policy: {} })).toMatch(/zip|ratio/);
    expect(error({ policy: { ratio: { emit: 1, out_of: 2 }, zip: { interval: '1s', max_items: 1 } } })).toMatch(/exclusive|conflict/);
    expect(error({ policy: { ratio: { emit: 0, out_of: 2 } } })).toMatch(/emit/);
    expect(error({ policy: { ratio: { emit: 1, out_of: 0 } } })).toMatch(/out_of/);
    expect(error({ policy: { ratio: { emit: 3, out_of: 2 } } })).toMatch(/less than or equal/);
    expect(error({ policy: { zip: { interval: '0s', max_items: 1 } } })).toMatch(/greater than 0/);
    expect(error({ policy: { zip: { interval: '1s', max_items: 0 } } })).toMatch(/max_items/);
    expect(error({ policy: { zip: { max_items: 1 } } })).toMatch(/interval/);
    expect(error({ policy: { ratio: { emit: 1, out_of: 2 } }, extra: true })).toMatch(/extra/);
  });
});
