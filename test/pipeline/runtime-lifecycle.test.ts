// Start order, start failures, node exceptions, drain order and deadline, immediate stop.
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { NodeError } from '../../src/pipeline/errors.js';
import { PipelineRuntime } from '../../src/pipeline/runtime.js';
import { captureLogs, until } from './helpers/logs.js';
import { logBodies, uniqueLogs } from './helpers/otlp.js';
import { edge, node, pipeline } from './helpers/pipeline.js';
import { startSink, type Sink } from './helpers/sink.js';
import { resolver, ScriptedExporter, TestProcessor, TestReceiver } from './helpers/test-nodes.js';

const silent = pino({ level: 'silent' });
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function sinkFor(answer?: Sink['answer']): Promise<Sink> {
  const sink = await startSink(answer);
  cleanups.push(() => sink.close());
  return sink;
}

async function run(config: ReturnType<typeof pipeline>, nodes: Parameters<typeof resolver>[0], logger = silent) {
  const runtime = await PipelineRuntime.build(config, { logger, resolveFactory: resolver(nodes) });
  cleanups.push(() => runtime.stop());
  return runtime;
}

describe('PipelineRuntime lifecycle', () => {
  it('starts exporters, then processors, then receivers; drains the other way round', async () => {
    const timeline: string[] = [];
    const [receiver, proc, out] = [new TestReceiver(timeline), new TestProcessor(timeline), new ScriptedExporter(timeline)];
    const config = pipeline(
      [node('in', 'receiver', 'test'), node('p', 'processor', 'test'), node('out', 'exporter', 'test')],
      [edge('in', 'p'), edge('p', 'out')],
    );
    const runtime = await run(config, { in: receiver, p: proc, out });
    await runtime.start();
    expect(timeline).toEqual(['out:start', 'p:start', 'in:start']);
    const result = await runtime.drain(Date.now() + 5000);
    expect(result).toEqual({ forcedNodes: [] });
    expect(timeline.slice(3)).toEqual(['in:drain', 'in:drained', 'p:flush', 'out:flush', 'in:stop', 'out:stop']);
    expect(runtime.state).toBe('stopped');
  });

  it('names the node that failed to start, stops what had started and starts no receiver', async () => {
    const receiver = new TestReceiver();
    const out = new ScriptedExporter();
    out.startError = new Error('boom');
    const config = pipeline([node('in', 'receiver', 'test'), node('out', 'exporter', 'test')], [edge('in', 'out')]);
    const runtime = await run(config, { in: receiver, out });
    const error = await runtime.start().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NodeError);
    expect((error as NodeError).message).toBe('node "out" (urn:otel:exporter:test) failed to start: boom');
    expect((error as NodeError).node).toBe('out');
    expect(receiver.events).toEqual([]);
    expect(out.events).toEqual(['start', 'stop']);
    expect(runtime.state).toBe('stopped');
  });

  it('reports a start failure of a catalog node with its URN', async () => {
    const config = pipeline(
      [node('in', 'receiver', 'test'), node('out', 'exporter', 'otlp_http', { endpoint: 'ftp://127.0.0.1:1' })],
      [edge('in', 'out')],
    );
    const runtime = await run(config, { in: new TestReceiver() });
    await expect(runtime.start()).rejects.toThrow(/^node "out" \(urn:otel:exporter:otlp_http\) failed to start: endpoint must be http/);
  });

  it('names the node whose type is unknown when building', async () => {
    const config = pipeline([node('in', 'receiver', 'test'), node('x', 'exporter', 'nope')], [edge('in', 'x')]);
    await expect(PipelineRuntime.build(config, { logger: silent, resolveFactory: resolver({ in: new TestReceiver() }) })).rejects.toThrow(
      'node "x" (urn:otel:exporter:nope) failed to build: unknown node type urn:otel:exporter:nope',
    );
  });

  it('counts a node exception as failed, reports it with the node name once per episode, and keeps going', async () => {
    const receiver = new TestReceiver();
    const proc = new TestProcessor();
    proc.fail = (pdata) => pdata.items === 3;
    const config = pipeline(
      [node('in', 'receiver', 'test'), node('p', 'processor', 'test'), node('out', 'exporter', 'noop')],
      [edge('in', 'p'), edge('p', 'out')],
    );
    const runtime = await run(config, { in: receiver, p: proc });
    const errors: Array<[string, string, boolean]> = [];
    runtime.onError((n, e, fatal) => errors.push([n, e.message, fatal]));
    await runtime.start();
    for (const n of [1, 3, 3, 2]) await receiver.emit(uniqueLogs(n).pdata);
    await until(() => runtime.counters().out?.itemsSent === 3, 2000, 'good data through');
    expect(runtime.counters().p).toMatchObject({ itemsReceived: 9, itemsSent: 3, itemsFailed: 6 });
    expect(errors).toEqual([['p', 'cannot process 3 items', false]]);
    receiver.ctx?.reportError(new Error('listener lost'));
    expect(errors[1]).toEqual(['in', 'listener lost', true]);
  });

  it('drain: a receiver finishes its in-flight emits first, then the batch hands its partial batch to the exporter', async () => {
    const sink = await sinkFor(() => ({ status: 200, delayMs: 30 }));
    const receiver = new TestReceiver();
    const config = pipeline(
      [
        node('in', 'receiver', 'test'),
        node('batch', 'processor', 'batch', { otlp: { min_size: 5, sizer: 'items' }, max_batch_duration: '1h' }),
        node('out', 'exporter', 'otlp_http', { endpoint: sink.url }),
      ],
      [edge('in', 'batch'), edge('batch', 'out')],
      1,
    );
    const runtime = await run(config, { in: receiver });
    await runtime.start();
    const sent: string[] = [];
    const emits: Promise<void>[] = [];
    // 2 items each: batches of 6 go out while these are queued; the last 2 items stay in the batch until drain.
    for (let i = 0; i < 7; i++) {
      const { pdata, bodies } = uniqueLogs(2);
      sent.push(...bodies);
      emits.push(receiver.emit(pdata));
    }
    const result = await runtime.drain(Date.now() + 10_000);
    expect(result.forcedNodes).toEqual([]);
    expect(await Promise.allSettled(emits)).toEqual(emits.map(() => ({ status: 'fulfilled', value: undefined })));
    expect(receiver.events).toEqual(['start', 'drain', 'drained', 'stop']);
    const received = sink.requests.flatMap((r) => logBodies(r.body));
    expect(received).toEqual(sent);
    expect(logBodies(sink.requests.at(-1)?.body ?? Buffer.alloc(0))).toEqual(sent.slice(12));
    expect(runtime.counters().out).toMatchObject({ itemsReceived: 14, itemsSent: 14, itemsDropped: 0, queueDepth: 0 });
  });

  it('drain deadline: what cannot finish is abandoned, counted as dropped, logged once and named', async () => {
    const sink = await sinkFor(() => ({ status: 503 }));
    const receiver = new TestReceiver();
    const logs = captureLogs();
    const config = pipeline(
      [node('in', 'receiver', 'test'), node('out', 'exporter', 'otlp_http', { endpoint: sink.url, max_in_flight: 1 })],
      [edge('in', 'out')],
      4,
    );
    const runtime = await run(config, { in: receiver }, logs.logger);
    await runtime.start();
    for (let i = 0; i < 3; i++) await receiver.emit(uniqueLogs(2).pdata);
    const started = Date.now();
    const result = await runtime.drain(started + 400);
    expect(Date.now() - started).toBeLessThan(1500);
    expect(result.forcedNodes).toEqual(['out']);
    expect(runtime.counters().out).toMatchObject({ itemsReceived: 2, itemsSent: 0, itemsDropped: 6, queueDepth: 0 });
    expect(logs.count('pipeline abandoned queued data')).toBe(1);
    expect(logs.count('export failed with a retryable error: retrying (further')).toBe(1);
    expect(sink.requests.length).toBeGreaterThan(1);
  });

  it('drain deadline: a receiver that never finishes is named forced and still stopped', async () => {
    const receiver = new TestReceiver();
    receiver.hangDrain = true;
    const out = new ScriptedExporter();
    const config = pipeline([node('in', 'receiver', 'test'), node('out', 'exporter', 'test')], [edge('in', 'out')]);
    const runtime = await run(config, { in: receiver, out });
    await runtime.start();
    const result = await runtime.drain(Date.now() + 200);
    expect(result.forcedNodes).toEqual(['in', 'out']);
    expect(receiver.events).toEqual(['start', 'drain', 'stop']);
    expect(out.events).toEqual(['start', 'stop']);
  });

  it('stop is immediate: queued data is dropped and counted, later emits are refused', async () => {
    const receiver = new TestReceiver();
    const out = new ScriptedExporter();
    out.answer = () => new Promise(() => undefined);
    const config = pipeline([node('in', 'receiver', 'test'), node('out', 'exporter', 'test')], [edge('in', 'out')], 2);
    const runtime = await run(config, { in: receiver, out });
    await runtime.start();
    for (let i = 0; i < 3; i++) await receiver.emit(uniqueLogs(1).pdata);
    const blocked = receiver.emit(uniqueLogs(1).pdata);
    await until(() => runtime.counters().out?.queueDepth === 3, 2000, 'queue full with a waiting sender');
    await runtime.stop();
    await expect(blocked).rejects.toThrow(/aborted/);
    expect(runtime.counters().out).toMatchObject({ itemsReceived: 1, itemsDropped: 4, queueDepth: 0 });
    await expect(receiver.emit(uniqueLogs(5).pdata)).rejects.toThrow(/closed/);
    expect(receiver.tryEmit(uniqueLogs(1).pdata)).toBe(false);
    expect(runtime.counters().in).toMatchObject({ itemsDropped: 5, itemsRefused: 1 });
    expect(await runtime.drain(Date.now() + 1000)).toEqual({ forcedNodes: [] });
    expect(runtime.state).toBe('stopped');
  });
});
