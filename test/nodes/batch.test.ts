// processor:batch with upstream's config, through its factory with a validated config and a NodeContext that records
// what it emits: sizes in bytes (upstream's OTLP sizer) or items and requests (this engine's extras), the timer,
// max_size with oversize messages cut on the wire, split budgets, inbound_request_limit, acks, backpressure.
import { describe, expect, it } from 'vitest';
import { batchProcessor } from '../../src/nodes/processors/batch/descriptor.js';
import { createBatchProcessor, type BatchStats } from '../../src/nodes/processors/batch/processor.js';
import { Ack, holdAcks, releaseAcks } from '../../src/pipeline/ack.js';
import type { Processor } from '../../src/pipeline/node.js';
import type { PData } from '../../src/pipeline/pdata.js';
import { otlpJsonToProto } from '../../src/pdata/json.js';
import { scanRequest } from '../../src/pdata/wire.js';
import { logBodies, uniqueLogs } from '../pipeline/helpers/otlp.js';
import { createTestContext, type TestContext } from '../support/otlp-context.js';

type BatchNode = Processor & { stats(): BatchStats };

async function batch(config: Record<string, unknown>): Promise<{ node: BatchNode; ctx: TestContext }> {
  const validated = batchProcessor.configSchema.validate(config);
  if (validated.error) throw validated.error;
  const instance = createBatchProcessor('batch', validated.value as Record<string, unknown>);
  if (instance.kind !== 'processor') throw new Error('not a processor');
  const ctx = createTestContext('batch');
  await instance.node.start?.(ctx);
  return { node: instance.node as BatchNode, ctx };
}

const items = (config: Record<string, unknown>) => ({ otlp: { sizer: 'items', ...config } });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A logs request of `resources` resources × `scopes` scopes × `records` records, bodies `r<i>s<j>n<k>`. */
function nested(resources: number, scopes: number, records: number, pad = 0): { pdata: PData; bodies: string[] } {
  const bodies: string[] = [];
  const json = {
    resourceLogs: Array.from({ length: resources }, (_, r) => ({
      resource: { attributes: [{ key: 'service.name', value: { stringValue: `svc-${r}` } }] },
      scopeLogs: Array.from({ length: scopes }, (_, s) => ({
        scope: { name: `scope-${s}` },
        logRecords: Array.from({ length: records }, (_, n) => {
          const body = `r${r}s${s}n${n}${'x'.repeat(pad)}`;
          bodies.push(body);
          return { body: { stringValue: body } };
        }),
      })),
    })),
  };
  const proto = otlpJsonToProto('logs', Buffer.from(JSON.stringify(json)));
  if (!proto.ok) throw new Error(proto.reason);
  return { pdata: { signal: 'logs', payload: proto.payload, items: bodies.length }, bodies };
}

describe('processor:batch', () => {
  it('sends once min_size bytes are held, as one valid concatenated request (the OTLP default sizer)', async () => {
    const first = uniqueLogs(2);
    const { node, ctx } = await batch({ otlp: { min_size: first.pdata.payload.length * 3 - 1 }, max_batch_duration: '1h' });
    const sent: string[] = [];
    for (const m of [first, uniqueLogs(2), uniqueLogs(2)]) {
      sent.push(...m.bodies);
      await node.process(m.pdata, ctx);
    }
    expect(ctx.emitted).toHaveLength(1);
    expect(ctx.emitted[0]?.items).toBe(6);
    expect(logBodies(ctx.emitted[0]!.payload)).toEqual(sent);
    await node.stop?.();
  });

  it('sizes in items or requests when asked (extras beside upstream)', async () => {
    const byItems = await batch({ ...items({ min_size: 5 }), max_batch_duration: '1h' });
    for (const n of [2, 2, 2]) await byItems.node.process(uniqueLogs(n).pdata, byItems.ctx);
    expect(byItems.ctx.emitted.map((p) => p.items)).toEqual([6]);
    const byRequests = await batch({ otlp: { sizer: 'requests', min_size: 2 }, max_batch_duration: '1h' });
    for (const n of [1, 3, 5]) await byRequests.node.process(uniqueLogs(n).pdata, byRequests.ctx);
    expect(byRequests.ctx.emitted.map((p) => p.items)).toEqual([4]);
  });

  it('sends a partial batch max_batch_duration after its first message', async () => {
    const { node, ctx } = await batch({ max_batch_duration: '50ms' });
    const { pdata, bodies } = uniqueLogs(3);
    await node.process(pdata, ctx);
    await sleep(20);
    await node.process(uniqueLogs(1).pdata, ctx);
    expect(ctx.emitted).toHaveLength(0);
    await ctx.waitForItems(4, 2_000);
    expect(ctx.emitted[0]?.items).toBe(4);
    expect(logBodies(ctx.emitted[0]!.payload).slice(0, 3)).toEqual(bodies);
    await node.stop?.();
  });

  it('closes the current batch before a message would pass max_size (items); a bigger one goes alone', async () => {
    const { node, ctx } = await batch({ ...items({ min_size: 8, max_size: 10 }), max_batch_duration: '1h' });
    for (const n of [4, 4, 3, 25, 2]) await node.process(uniqueLogs(n).pdata, ctx);
    expect(ctx.emitted.map((p) => p.items)).toEqual([8, 3, 25]);
    await node.flush?.(ctx);
    expect(ctx.emitted.map((p) => p.items)).toEqual([8, 3, 25, 2]);
  });

  it('cuts a message bigger than max_size bytes between resources, scopes and records, keeping every record once', async () => {
    const { pdata, bodies } = nested(3, 2, 20, 40);
    const maxSize = 900;
    const { node, ctx } = await batch({ otlp: { max_size: maxSize, min_size: maxSize }, max_batch_duration: '1h' });
    await node.process(pdata, ctx);
    expect(ctx.emitted.length).toBeGreaterThan(3);
    for (const part of ctx.emitted) {
      expect(part.payload.length).toBeLessThanOrEqual(maxSize);
      expect(scanRequest('logs', part.payload)).toEqual({ ok: true, items: part.items });
    }
    expect(ctx.emitted.flatMap((p) => logBodies(p.payload))).toEqual(bodies);
    expect(ctx.emitted.reduce((n, p) => n + p.items, 0)).toBe(120);
    expect(node.stats()).toEqual({ splitBudgetFallbacks: 0 });
  });

  it('sends an oversize message whole when cutting it would pass max_split_fragments', async () => {
    const { pdata } = nested(1, 1, 50, 40);
    const { node, ctx } = await batch({ otlp: { max_size: 600, max_split_fragments: 2 }, max_batch_duration: '0s', format: 'otlp' });
    await node.process(pdata, ctx);
    expect(ctx.emitted.map((p) => p.payload)).toEqual([pdata.payload]);
    expect(node.stats()).toEqual({ splitBudgetFallbacks: 1 });
  });

  it('with max_batch_duration 0s sends every message at once, unmerged, cut only when oversize', async () => {
    const { node, ctx } = await batch({ otlp: { max_size: 100_000 }, max_batch_duration: '0s', format: 'otlp' });
    const first = uniqueLogs(2);
    const second = uniqueLogs(3);
    await node.process(first.pdata, ctx);
    expect(ctx.emitted.map((p) => p.items)).toEqual([2]);
    await node.process(second.pdata, ctx);
    expect(ctx.emitted.map((p) => logBodies(p.payload))).toEqual([first.bodies, second.bodies]);
  });

  it('sends a batch once it holds inbound_request_limit messages', async () => {
    const { node, ctx } = await batch({ inbound_request_limit: 3, max_batch_duration: '1h' });
    for (let i = 0; i < 7; i++) await node.process(uniqueLogs(1).pdata, ctx);
    expect(ctx.emitted.map((p) => p.items)).toEqual([3, 3]);
  });

  it('settles the acks of a message cut in parts only once every part was handed on and released', async () => {
    const { pdata } = nested(2, 1, 10, 40);
    const ack = new Ack(pdata.items);
    const { node, ctx } = await batch({ otlp: { max_size: 400 }, max_batch_duration: '0s', format: 'otlp' });
    const emit = ctx.emit.bind(ctx);
    ctx.emit = (p) => {
      holdAcks(p);
      return emit(p);
    };
    const message = { ...pdata, acks: [ack] };
    await node.process(message, ctx);
    ack.release(); // the delivery to this node is done
    let settled = false;
    void ack.settled.then(() => (settled = true));
    expect(ctx.emitted.length).toBeGreaterThan(1);
    for (const part of ctx.emitted.slice(0, -1)) releaseAcks(part);
    await sleep(5);
    expect(settled).toBe(false);
    releaseAcks(ctx.emitted[ctx.emitted.length - 1]!);
    expect(await ack.settled).toEqual({ ok: true });
  });

  it('keeps one buffer per signal, and flush sends everything held', async () => {
    const { node, ctx } = await batch({ max_batch_duration: '1h' });
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
    expect([...ctx.emitted[1]!.payload]).toEqual([10, 0, 10, 2, 8, 1]);
    // A single message is passed on as it came, without a copy.
    expect(ctx.emitted[0]?.payload).toBe(logs.payload);
  });

  it('waits for a timed-out send that is blocked downstream before taking more (backpressure)', async () => {
    const { node, ctx } = await batch({ max_batch_duration: '10ms' });
    let release: () => void = () => undefined;
    ctx.gate = new Promise<void>((r) => (release = r));
    await node.process(uniqueLogs(1).pdata, ctx);
    await sleep(30);
    let done = false;
    const next = Promise.resolve(node.process(uniqueLogs(1).pdata, ctx)).then(() => (done = true));
    await sleep(10);
    expect(done).toBe(false);
    ctx.gate = undefined;
    release();
    await next;
    expect(ctx.emitted.map((p) => p.items)).toEqual([1]);
    await node.flush?.(ctx);
    expect(ctx.emitted.map((p) => p.items)).toEqual([1, 1]);
  });
});
