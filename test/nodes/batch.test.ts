// processor:batch on its own, with a NodeContext that records what the batch emits.
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { batchSettings, createBatchProcessor } from '../../src/nodes/processors/batch/processor.js';
import type { NodeContext, Processor } from '../../src/pipeline/node.js';
import type { PData } from '../../src/pipeline/pdata.js';
import { logBodies, uniqueLogs } from '../pipeline/helpers/otlp.js';

function recordingContext(): NodeContext & { emitted: PData[] } {
  const emitted: PData[] = [];
  return {
    name: 'batch',
    logger: pino({ level: 'silent' }),
    emitted,
    emit: async (pdata) => void emitted.push(pdata),
    tryEmit: (pdata) => emitted.push(pdata) > 0,
    reportError: () => undefined,
  };
}

async function batch(config: Record<string, unknown>): Promise<{ node: Processor; ctx: ReturnType<typeof recordingContext> }> {
  const instance = createBatchProcessor('batch', config);
  if (instance.kind !== 'processor') throw new Error('not a processor');
  const ctx = recordingContext();
  await instance.node.start?.(ctx);
  return { node: instance.node, ctx };
}

const nothing = new Uint8Array(0);

describe('processor:batch', () => {
  it('sends once send_batch_size items are held, as one valid concatenated request', async () => {
    const { node, ctx } = await batch({ send_batch_size: 5, send_batch_max_size: 0, timeout: '1h' });
    const sent: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { pdata, bodies } = uniqueLogs(2);
      sent.push(...bodies);
      await node.process(pdata, ctx);
    }
    expect(ctx.emitted).toHaveLength(1);
    expect(ctx.emitted[0]?.items).toBe(6);
    expect(logBodies(ctx.emitted[0]?.payload ?? nothing)).toEqual(sent);
    await node.stop?.();
  });

  it('sends a partial batch when the timeout runs out after its first item', async () => {
    const { node, ctx } = await batch({ send_batch_size: 100, timeout: '50ms' });
    const { pdata, bodies } = uniqueLogs(3);
    const at = Date.now();
    await node.process(pdata, ctx);
    await new Promise((r) => setTimeout(r, 20));
    await node.process(uniqueLogs(1).pdata, ctx);
    expect(ctx.emitted).toHaveLength(0);
    while (ctx.emitted.length === 0) await new Promise((r) => setTimeout(r, 5));
    expect(Date.now() - at).toBeGreaterThanOrEqual(45);
    expect(Date.now() - at).toBeLessThan(1000);
    expect(ctx.emitted[0]?.items).toBe(4);
    expect(logBodies(ctx.emitted[0]?.payload ?? nothing).slice(0, 3)).toEqual(bodies);
    await node.stop?.();
  });

  it('closes the current batch before a message would exceed send_batch_max_size; a bigger one goes alone', async () => {
    const { node, ctx } = await batch({ send_batch_size: 8, send_batch_max_size: 10, timeout: '1h' });
    for (const n of [4, 4, 3, 25, 2]) await node.process(uniqueLogs(n).pdata, ctx);
    expect(ctx.emitted.map((p) => p.items)).toEqual([8, 3, 25]);
    await node.flush?.(ctx);
    expect(ctx.emitted.map((p) => p.items)).toEqual([8, 3, 25, 2]);
  });

  it('keeps one buffer per signal and flush sends everything held', async () => {
    const { node, ctx } = await batch({ send_batch_size: 10, timeout: '1h' });
    const logs = uniqueLogs(2).pdata;
    const traces: PData = { signal: 'traces', payload: new Uint8Array([10, 0]), items: 1 };
    const moreTraces: PData = { signal: 'traces', payload: new Uint8Array([10, 2, 8, 1]), items: 2 };
    for (const p of [logs, traces, moreTraces]) await node.process(p, ctx);
    expect(ctx.emitted).toHaveLength(0);
    await node.flush?.(ctx);
    expect(ctx.emitted.map((p) => [p.signal, p.items])).toEqual([
      ['logs', 2],
      ['traces', 3],
    ]);
    expect([...(ctx.emitted[1]?.payload ?? nothing)]).toEqual([10, 0, 10, 2, 8, 1]);
    // A single message is passed on as it came, without a copy.
    expect(ctx.emitted[0]?.payload).toBe(logs.payload);
    await node.flush?.(ctx);
    expect(ctx.emitted).toHaveLength(2);
  });

  it('waits for a timed-out send that is blocked downstream before taking more (backpressure)', async () => {
    const { node, ctx } = await batch({ send_batch_size: 100, timeout: '10ms' });
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    ctx.emit = async (pdata) => {
      await gate;
      ctx.emitted.push(pdata);
    };
    await node.process(uniqueLogs(1).pdata, ctx);
    await new Promise((r) => setTimeout(r, 30));
    let done = false;
    const next = Promise.resolve(node.process(uniqueLogs(1).pdata, ctx)).then(() => (done = true));
    await new Promise((r) => setTimeout(r, 10));
    expect(done).toBe(false);
    release();
    await next;
    expect(ctx.emitted.map((p) => p.items)).toEqual([1]);
    await node.flush?.(ctx);
    expect(ctx.emitted.map((p) => p.items)).toEqual([1, 1]);
  });

  it('parses its settings and defaults', () => {
    expect(batchSettings({})).toEqual({ triggerItems: 8192, maxItems: 0, timeoutMs: 200 });
    expect(batchSettings({ send_batch_size: 500, send_batch_max_size: 100, timeout: '1.5s' })).toEqual({
      triggerItems: 100,
      maxItems: 100,
      timeoutMs: 1500,
    });
  });
});
