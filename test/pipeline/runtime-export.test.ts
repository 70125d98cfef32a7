// Exporter outcomes as the runtime handles them, against a real OTLP/HTTP peer: retries with the peer's Retry-After
// until the data is in (exactly once), failures dropped and counted, partial success counted.
import protobuf from 'protobufjs/minimal.js';
import { afterEach, describe, expect, it } from 'vitest';
import { PipelineRuntime } from '../../src/pipeline/runtime.js';
import { captureLogs, until } from './helpers/logs.js';
import { logBodies, uniqueLogs } from './helpers/otlp.js';
import { edge, node, pipeline } from './helpers/pipeline.js';
import { startSink, type Sink } from './helpers/sink.js';
import { resolver, TestReceiver } from './helpers/test-nodes.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function graphTo(sink: Sink, capacity = 16) {
  const receiver = new TestReceiver();
  const logs = captureLogs();
  // One export at a time: these tests follow each message through its retries in order.
  const config = pipeline(
    [node('in', 'receiver', 'test'), node('out', 'exporter', 'otlp_http', { endpoint: sink.url, max_in_flight: 1, http: { timeout: '2s' } })],
    [edge('in', 'out')],
    capacity,
  );
  const runtime = await PipelineRuntime.build(config, { logger: logs.logger, resolveFactory: resolver({ in: receiver }) });
  cleanups.push(() => runtime.stop(), () => sink.close());
  await runtime.start();
  return { receiver, runtime, logs };
}

describe('PipelineRuntime exporting', () => {
  it('retries 503 after the Retry-After the peer asked for, and every item arrives exactly once', async () => {
    const sink = await startSink((_req, i) => (i < 2 ? { status: 503, headers: { 'retry-after': '1' } } : { status: 200 }));
    const { receiver, runtime, logs } = await graphTo(sink);
    const sent: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { pdata, bodies } = uniqueLogs(4);
      sent.push(...bodies);
      await receiver.emit(pdata);
    }
    await until(() => runtime.counters().out?.itemsSent === 12, 10_000, 'all exported');
    const accepted = sink.requests.filter((_r, i) => i >= 2).flatMap((r) => logBodies(r.body));
    expect(accepted).toEqual(sent);
    const [first, second, third] = sink.requests;
    expect(logBodies(first?.body ?? Buffer.alloc(0))).toEqual(logBodies(third?.body ?? Buffer.alloc(0)));
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(950);
    expect((third?.at ?? 0) - (second?.at ?? 0)).toBeGreaterThanOrEqual(950);
    expect(runtime.counters().out).toMatchObject({ itemsReceived: 12, itemsSent: 12, itemsDropped: 0, itemsFailed: 0 });
    expect(logs.count('export failed with a retryable error: retrying (further')).toBe(1);
    expect(logs.count('retrying: episode ended (recovered)')).toBe(1);
  });

  it('retries a peer that is down (connection refused) with backoff until it comes up', async () => {
    const sink = await startSink();
    const url = sink.url;
    await sink.close();
    const receiver = new TestReceiver();
    const logs = captureLogs();
    const config = pipeline([node('in', 'receiver', 'test'), node('out', 'exporter', 'otlp_http', { endpoint: url })], [edge('in', 'out')]);
    const runtime = await PipelineRuntime.build(config, { logger: logs.logger, resolveFactory: resolver({ in: receiver }) });
    cleanups.push(() => runtime.stop());
    await runtime.start();
    const { pdata, bodies } = uniqueLogs(2);
    await receiver.emit(pdata);
    await until(() => logs.count('export failed with a retryable error') === 1, 2000, 'first retry');
    expect(JSON.stringify(logs.lines)).toContain('ECONNREFUSED');
    // Bring a peer up on the same port.
    const { default: http } = await import('node:http');
    const got: Buffer[] = [];
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        got.push(Buffer.concat(chunks));
        res.end();
      });
    });
    await new Promise<void>((r) => server.listen(Number(new URL(url).port), '127.0.0.1', r));
    cleanups.push(() => new Promise((r) => server.close(r)));
    await until(() => runtime.counters().out?.itemsSent === 2, 8000, 'export after the peer came up');
    expect(got.map((b) => logBodies(b))).toEqual([bodies]);
  });

  it('drops and counts data the peer refuses for good, logging once per episode', async () => {
    let status = 400;
    const sink = await startSink(() => ({ status, headers: { 'content-type': 'text/plain' }, body: 'bad data' }));
    const { receiver, runtime, logs } = await graphTo(sink);
    for (let i = 0; i < 3; i++) await receiver.emit(uniqueLogs(5).pdata);
    await until(() => runtime.counters().out?.itemsDropped === 15, 5000, 'dropped');
    expect(sink.requests).toHaveLength(3);
    expect(logs.count('export failed: dropping data (further')).toBe(1);
    expect(JSON.stringify(logs.lines)).toContain('HTTP 400: bad data');
    status = 200;
    await receiver.emit(uniqueLogs(1).pdata);
    await until(() => runtime.counters().out?.itemsSent === 1, 5000, 'recovered');
    expect(logs.count('export failed: dropping data: episode ended')).toBe(1);
    expect(runtime.counters().out).toMatchObject({ itemsReceived: 16, itemsSent: 1, itemsDropped: 15 });
  });

  it('counts items rejected in a partial success as dropped', async () => {
    const w = protobuf.Writer.create();
    w.uint32((1 << 3) | 2).fork().uint32(1 << 3).int64(2).uint32((2 << 3) | 2).string('two records too old').ldelim();
    const body = w.finish();
    const sink = await startSink(() => ({ status: 200, body }));
    const { receiver, runtime, logs } = await graphTo(sink);
    await receiver.emit(uniqueLogs(5).pdata);
    await until(() => runtime.counters().out?.itemsSent === 3, 5000, 'exported');
    expect(runtime.counters().out).toMatchObject({ itemsSent: 3, itemsDropped: 2 });
    expect(JSON.stringify(logs.lines)).toContain('two records too old');
  });
});
