// processor:memory_limiter holds data back while the instance's memory is over the limit (so the bounded channel in
// front of it fills and receivers refuse), lets it go once memory is under the limit, and never holds a message past
// max_hold.
import { describe, expect, it } from 'vitest';
import { memoryLimiterProcessor } from '../../src/nodes/processors/memory-limiter/descriptor.js';
import { MemoryLimiter } from '../../src/nodes/processors/memory-limiter/processor.js';
import type { PData } from '../../src/pipeline/pdata.js';
import { createTestContext } from '../support/otlp-context.js';

const pdata: PData = { signal: 'logs', payload: new Uint8Array([1, 2, 3]), items: 3 };
const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('processor:memory_limiter', () => {
  it('passes data on at once while memory is under the limit', async () => {
    const ctx = createTestContext();
    await new MemoryLimiter({ limitBytes: 100, checkIntervalMs: 5, maxHoldMs: 1000 }, () => 50).process(pdata, ctx);
    expect(ctx.emitted).toEqual([pdata]);
  });

  it('holds data while memory is over the limit and lets it go when it falls', async () => {
    const ctx = createTestContext();
    let rss = 500;
    const done = new MemoryLimiter({ limitBytes: 100, checkIntervalMs: 5, maxHoldMs: 10_000 }, () => rss).process(pdata, ctx);
    await settle(60);
    expect(ctx.emitted).toEqual([]);
    rss = 80;
    await done;
    expect(ctx.emitted).toEqual([pdata]);
  });

  it('never holds a message longer than max_hold', async () => {
    const ctx = createTestContext();
    const done = new MemoryLimiter({ limitBytes: 100, checkIntervalMs: 5, maxHoldMs: 80 }, () => 500).process(pdata, ctx);
    await settle(20);
    expect(ctx.emitted).toEqual([]);
    await done;
    expect(ctx.emitted).toEqual([pdata]);
  });

  it('requires a limit and writes sizes and durations canonically', () => {
    expect(memoryLimiterProcessor.configSchema.validate({}).error?.message).toMatch(/limit/);
    expect(memoryLimiterProcessor.configSchema.validate({ limit: '512MiB' }).value).toEqual({
      limit: 512 * 1024 * 1024,
      check_interval: '100ms',
      max_hold: '5000ms',
    });
  });
});
