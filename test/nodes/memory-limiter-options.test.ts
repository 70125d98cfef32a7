// processor:memory_limiter options as the config spells them: the settings its factory builds from a validated
// config, and check_interval as the pace at which held data is looked at again.
import { describe, expect, it } from 'vitest';
import { memoryLimiterProcessor } from '../../src/nodes/processors/memory-limiter/descriptor.js';
import { MemoryLimiter, memoryLimiterSettings } from '../../src/nodes/processors/memory-limiter/processor.js';
import type { PData } from '../../src/pipeline/pdata.js';
import { createTestContext } from '../support/otlp-context.js';

function settings(config: Record<string, unknown>) {
  const validated = memoryLimiterProcessor.configSchema.validate(config);
  if (validated.error) throw validated.error;
  return memoryLimiterSettings(validated.value as Record<string, unknown>);
}

const pdata: PData = { signal: 'logs', payload: new Uint8Array([1, 2, 3]), items: 3 };

describe('processor:memory_limiter options', () => {
  it('limit, check_interval and max_hold become the settings, in bytes and milliseconds', () => {
    expect(settings({ limit: '1KiB', check_interval: '250ms', max_hold: '2s' })).toEqual({ limitBytes: 1024, checkIntervalMs: 250, maxHoldMs: 2000 });
    expect(settings({ limit: 4096 })).toEqual({ limitBytes: 4096, checkIntervalMs: 100, maxHoldMs: 5000 });
  });

  it('check_interval: held data is looked at again only after the interval, even when memory fell at once', async () => {
    // A different interval than the default, so that ignoring it would show.
    const ctx = createTestContext('limit');
    let rss = 500;
    const limiter = new MemoryLimiter(settings({ limit: 100, check_interval: '150ms', max_hold: '10s' }), () => rss);
    const start = Date.now();
    // Memory is read as the message arrives: over the limit, so it is held; right after, memory falls.
    const done = limiter.process(pdata, ctx);
    rss = 50;
    expect(ctx.emitted).toEqual([]);
    await done;
    expect(ctx.emitted).toEqual([pdata]);
    // Lower bound only: a loaded machine can make the wait longer, never shorter.
    expect(Date.now() - start).toBeGreaterThanOrEqual(148);
  });
});
