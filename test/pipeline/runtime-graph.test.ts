// The runtime over a hand-written graph: nodes built through the catalog, fan-out, backpressure, counters, routing.
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { PipelineRuntime } from '../../src/pipeline/runtime.js';
import { captureLogs, until } from './helpers/logs.js';
import { logBodies, uniqueLogs } from './helpers/otlp.js';
import { edge, node, pipeline } from './helpers/pipeline.js';
import { startSink, type Sink } from './helpers/sink.js';
import { resolver, ScriptedExporter, TestReceiver } from './helpers/test-nodes.js';

const silent = pino({ level: 'silent' });
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function sinkFor(): Promise<Sink> {
  const sink = await startSink();
  cleanups.push(() => sink.close());
  return sink;
}

describe('PipelineRuntime graph', () => {
  it('moves data receiver -> batch -> otlp_http to a real peer and counts it', async () => {
    const sink = await sinkFor();
    const receiver = new TestReceiver();
    const config = pipeline(
      [
        node('in', 'receiver', 'test'),
        node('batch', 'processor', 'batch', { otlp: { min_size: 4, sizer: 'items' }, max_batch_duration: '1h' }),
        node('out', 'exporter', 'otlp_http', { endpoint: sink.url, http: { timeout: '5s', headers: { 'x-tenant': 't1' } } }),
      ],
      [edge('in', 'batch'), edge('batch', 'out')],
    );
    const runtime = await PipelineRuntime.build(config, { logger: silent, resolveFactory: resolver({ in: receiver }) });
    cleanups.push(() => runtime.stop());
    await runtime.start();
    expect(runtime.state).toBe('running');

    const sent: string[] = [];
    for (let i = 0; i < 4; i++) {
      const { pdata, bodies } = uniqueLogs(2);
      sent.push(...bodies);
      await receiver.emit(pdata);
    }
    await until(() => sink.requests.length === 2, 5000, 'two batches');
    expect(sink.requests.map((r) => r.path)).toEqual(['/v1/logs', '/v1/logs']);
    expect(sink.requests[0]?.headers['content-type']).toBe('application/x-protobuf');
    expect(sink.requests[0]?.headers['x-tenant']).toBe('t1');
    expect(sink.requests.flatMap((r) => logBodies(r.body))).toEqual(sent);
    await until(() => runtime.counters().out?.itemsSent === 8, 2000, 'exporter counters');
    const counters = runtime.counters();
    const clean = { itemsReceived: 8, itemsSent: 8, itemsRefused: 0, itemsDropped: 0, itemsFailed: 0, bytesRefused: 0, bytesDropped: 0, bytesFailed: 0, queueDepth: 0 };
    for (const node of ['in', 'batch', 'out']) expect(counters[node], node).toMatchObject(clean);
    // Bytes follow the messages: what one node sends is what the next receives; the batch re-encodes the merge.
    expect(counters.in!.bytesReceived).toBeGreaterThan(8 * 10);
    expect(counters.in!.bytesSent).toBe(counters.in!.bytesReceived);
    expect(counters.batch!.bytesReceived).toBe(counters.in!.bytesSent);
    expect(counters.out!.bytesReceived).toBe(counters.batch!.bytesSent);
    expect(counters.out!.bytesSent).toBe(counters.out!.bytesReceived);
    expect(counters.out!.bytesSent).toBe(sink.requests.reduce((total, r) => total + r.body.length, 0));
  });

  it('fans an emit out to every node connected to the port', async () => {
    const [a, b] = [await sinkFor(), await sinkFor()];
    const receiver = new TestReceiver();
    const config = pipeline(
      [
        node('in', 'receiver', 'test'),
        node('a', 'exporter', 'otlp_http', { endpoint: a.url }),
        node('b', 'exporter', 'otlp_http', { endpoint: `${b.url}/prefix/` }),
      ],
      [edge('in', 'a'), edge('in', 'b')],
    );
    const runtime = await PipelineRuntime.build(config, { logger: silent, resolveFactory: resolver({ in: receiver }) });
    cleanups.push(() => runtime.stop());
    await runtime.start();
    const { pdata, bodies } = uniqueLogs(3);
    await receiver.emit(pdata);
    await until(() => a.requests.length === 1 && b.requests.length === 1, 5000, 'both peers');
    expect(logBodies(a.requests[0]?.body ?? Buffer.alloc(0))).toEqual(bodies);
    expect(logBodies(b.requests[0]?.body ?? Buffer.alloc(0))).toEqual(bodies);
    expect(b.requests[0]?.path).toBe('/prefix/v1/logs');
    expect(runtime.counters().in?.itemsSent).toBe(3);
  });

  it('dispatch one_of gives each message to one member of the group, in turn', async () => {
    const receiver = new TestReceiver();
    const [a, b, all] = [new ScriptedExporter(), new ScriptedExporter(), new ScriptedExporter()];
    const group = ['a', 'b'];
    const config = pipeline(
      [node('in', 'receiver', 'test'), node('a', 'exporter', 'test'), node('b', 'exporter', 'test'), node('all', 'exporter', 'test')],
      [{ ...edge('in', 'a'), oneOf: group }, { ...edge('in', 'b'), oneOf: group }, edge('in', 'all')],
    );
    const runtime = await PipelineRuntime.build(config, { logger: silent, resolveFactory: resolver({ in: receiver, a, b, all }) });
    cleanups.push(() => runtime.stop());
    await runtime.start();
    for (let i = 0; i < 6; i++) await receiver.emit(uniqueLogs(1).pdata);
    await until(() => all.exported.length === 6 && a.exported.length + b.exported.length === 6, 5000, 'every message delivered');
    expect([a.exported.length, b.exported.length]).toEqual([3, 3]);
    const counters = runtime.counters();
    expect(counters.in?.itemsSent).toBe(6);
    expect(counters.a?.itemsReceived).toBe(3);
  });

  it('sends a node\'s unnamed emits to its default_output', async () => {
    const receiver = new TestReceiver();
    const out = new ScriptedExporter();
    const config = pipeline(
      [{ ...node('in', 'receiver', 'test'), defaultOutput: 'main' }, node('out', 'exporter', 'test')],
      [edge('in', 'out', 'main')],
    );
    const runtime = await PipelineRuntime.build(config, { logger: silent, resolveFactory: resolver({ in: receiver, out }) });
    cleanups.push(() => runtime.stop());
    await runtime.start();
    await receiver.emit(uniqueLogs(2).pdata);
    await until(() => out.exported.length === 1, 5000, 'delivered through the default output');
    expect(runtime.counters().in?.itemsDropped).toBe(0);
  });

  it('tryEmit is all or nothing across fan-out and counts refusals; emit waits for room', async () => {
    const receiver = new TestReceiver();
    const slow = new ScriptedExporter();
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    slow.answer = async () => {
      await gate;
      return { kind: 'success' };
    };
    const logs = captureLogs();
    const config = pipeline(
      [node('in', 'receiver', 'test'), node('slow', 'exporter', 'test'), node('fast', 'exporter', 'noop')],
      [edge('in', 'slow'), edge('in', 'fast')],
      1,
    );
    const runtime = await PipelineRuntime.build(config, { logger: logs.logger, resolveFactory: resolver({ in: receiver, slow }) });
    cleanups.push(() => runtime.stop());
    await runtime.start();

    expect(receiver.tryEmit(uniqueLogs(1).pdata)).toBe(true); // slow takes it and blocks in export
    await until(() => runtime.counters().slow?.itemsReceived === 1, 2000, 'slow busy');
    expect(receiver.tryEmit(uniqueLogs(1).pdata)).toBe(true); // fills slow's queue
    await until(() => runtime.counters().fast?.itemsReceived === 2, 2000, 'fast got two');
    for (let i = 0; i < 3; i++) expect(receiver.tryEmit(uniqueLogs(2).pdata)).toBe(false);
    // Refused means sent nowhere: the fast branch did not get it either.
    await new Promise((r) => setTimeout(r, 20));
    expect(runtime.counters().fast?.itemsReceived).toBe(2);
    expect(runtime.counters().in).toMatchObject({ itemsReceived: 8, itemsSent: 2, itemsRefused: 6 });
    expect(runtime.counters().slow?.queueDepth).toBe(1);
    expect(logs.count('downstream full: refusing data')).toBe(1);

    let accepted = false;
    const waiting = receiver.emit(uniqueLogs(1).pdata).then(() => (accepted = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(accepted).toBe(false);
    expect(runtime.counters().slow?.queueDepth).toBe(2);
    release();
    await waiting;
    await until(() => runtime.counters().slow?.itemsSent === 3, 2000, 'slow done');
    expect(runtime.counters().fast?.itemsSent).toBe(3);
  });

  it('routes accepted connections by listener id and closes those for unknown listeners', async () => {
    const receiver = new TestReceiver();
    const config = pipeline([node('in', 'receiver', 'test'), node('out', 'exporter', 'noop')], [edge('in', 'out')]);
    const runtime = await PipelineRuntime.build(config, { logger: silent, resolveFactory: resolver({ in: receiver }) });
    cleanups.push(() => runtime.stop());
    await runtime.start();

    const server = net.createServer({ pauseOnConnect: true });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise((r) => server.close(r)));
    const port = (server.address() as AddressInfo).port;
    const handOver = (listenerId: string) =>
      new Promise<string>((resolve) => {
        server.once('connection', (socket) => runtime.accept(listenerId, socket));
        const client = net.connect(port, '127.0.0.1');
        let text = '';
        client.on('data', (d) => (text += d.toString()));
        client.on('close', () => resolve(text));
      });

    expect(await handOver('in/http')).toBe('accepted\n');
    expect(receiver.accepted.map((a) => a.listenerId)).toEqual(['in/http']);
    expect(await handOver('nope/http')).toBe('');
    expect(await handOver('out/http')).toBe('');
    expect(receiver.accepted).toHaveLength(1);
  });
});
