// processor:batch options not covered in batch.test.ts, through the node's public factory with a validated config:
// `timeout: 0ms` sends every message at once, and a `send_batch_max_size` below `send_batch_size` is what triggers a send.
import { describe, expect, it } from 'vitest';
import { batchProcessor } from '../../src/nodes/processors/batch/descriptor.js';
import { createBatchProcessor } from '../../src/nodes/processors/batch/processor.js';
import type { Processor } from '../../src/pipeline/node.js';
import { logBodies, uniqueLogs } from '../pipeline/helpers/otlp.js';
import { createTestContext, type TestContext } from '../support/otlp-context.js';

async function batch(config: Record<string, unknown>): Promise<{ node: Processor; ctx: TestContext }> {
  const validated = batchProcessor.configSchema.validate(config);
  if (validated.error) throw validated.error;
  const instance = createBatchProcessor('batch', validated.value as Record<string, unknown>);
  if (instance.kind !== 'processor') throw new Error('processor:batch is not a processor');
  const ctx = createTestContext('batch');
  await instance.node.start?.(ctx);
  return { node: instance.node, ctx };
}

describe('processor:batch options', () => {
  it('timeout 0ms: every message goes out at once, unmerged, however small', async () => {
    const { node, ctx } = await batch({ send_batch_size: 1000, timeout: '0ms' });
    const first = uniqueLogs(2);
    const second = uniqueLogs(3);
    await node.process(first.pdata, ctx);
    expect(ctx.emitted.map((p) => p.items)).toEqual([2]);
    await node.process(second.pdata, ctx);
    expect(ctx.emitted.map((p) => logBodies(p.payload))).toEqual([first.bodies, second.bodies]);
    await node.stop?.();
  });

  it('send_batch_max_size below send_batch_size: a batch goes out once it holds send_batch_max_size items', async () => {
    const { node, ctx } = await batch({ send_batch_size: 100, send_batch_max_size: 4, timeout: '1h' });
    const sent: string[] = [];
    for (let i = 0; i < 4; i++) {
      const { pdata, bodies } = uniqueLogs(2);
      sent.push(...bodies);
      await node.process(pdata, ctx);
    }
    // 8 items in messages of 2: two batches of 4, long before send_batch_size or the timeout.
    expect(ctx.emitted.map((p) => p.items)).toEqual([4, 4]);
    expect(ctx.emitted.flatMap((p) => logBodies(p.payload))).toEqual(sent);
    await node.stop?.();
  });
});
