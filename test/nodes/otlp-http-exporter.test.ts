// exporter:otlp_http against real HTTP peers on port 0: what it sends and how it reads every kind of answer.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import protobuf from 'protobufjs/minimal.js';
import { afterEach, describe, expect, it } from 'vitest';
import { createOtlpHttpExporter } from '../../src/nodes/exporters/otlp-http/exporter.js';
import { parseRetryAfter } from '../../src/nodes/exporters/otlp-http/retry-after.js';
import type { Exporter, NodeContext } from '../../src/pipeline/node.js';
import type { PData } from '../../src/pipeline/pdata.js';
import { logBodies, uniqueLogs } from '../pipeline/helpers/otlp.js';
import { startSink, type Sink } from '../pipeline/helpers/sink.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const ctx = { name: 'out', logger: pino({ level: 'silent' }) } as NodeContext;

/** `config` holds `http` settings; the exporter's own go in `own`. */
async function exporterFor(endpoint: string, config: Record<string, unknown> = {}, own: Record<string, unknown> = {}): Promise<Exporter> {
  const instance = createOtlpHttpExporter('out', { endpoint, ...own, http: { timeout: '2s', headers: {}, ...config } });
  if (instance.kind !== 'exporter') throw new Error('not an exporter');
  await instance.node.start(ctx);
  cleanups.push(() => instance.node.stop());
  return instance.node;
}

async function sinkFor(answer?: Sink['answer']): Promise<Sink> {
  const sink = await startSink(answer);
  cleanups.push(() => sink.close());
  return sink;
}

const traces: PData = { signal: 'traces', payload: new Uint8Array([10, 0]), items: 1 };
const metrics: PData = { signal: 'metrics', payload: new Uint8Array([10, 0]), items: 1 };

describe('exporter:otlp_http', () => {
  it('POSTs the encoded request per signal with its headers over one keep-alive connection', async () => {
    const sink = await sinkFor();
    const out = await exporterFor(`${sink.url}/base`, { headers: { authorization: 'Bearer t' } });
    const { pdata, bodies } = uniqueLogs(3);
    expect(await out.export(pdata)).toEqual({ kind: 'success' });
    expect(await out.export(traces)).toEqual({ kind: 'success' });
    expect(await out.export(metrics)).toEqual({ kind: 'success' });
    expect(sink.requests.map((r) => r.path)).toEqual(['/base/v1/logs', '/base/v1/traces', '/base/v1/metrics']);
    const first = sink.requests[0];
    expect(first?.headers['content-type']).toBe('application/x-protobuf');
    expect(first?.headers.authorization).toBe('Bearer t');
    expect(first?.headers['content-length']).toBe(String(pdata.payload.byteLength));
    expect(logBodies(first?.body ?? Buffer.alloc(0))).toEqual(bodies);
    expect(sink.connections).toBe(1);
  });

  it('answers retryable for 429, 502, 503 and 504 with the peer Retry-After, in seconds or as a date', async () => {
    const answers = [
      { status: 429, headers: { 'retry-after': '3' } },
      { status: 502 },
      { status: 503, headers: { 'retry-after': new Date(Date.now() + 10_000).toUTCString() } },
      { status: 504, headers: { 'retry-after': 'soon' } },
    ];
    const sink = await sinkFor((_r, i) => answers[i] ?? { status: 200 });
    const out = await exporterFor(sink.url);
    const results = [];
    for (let i = 0; i < answers.length; i++) results.push(await out.export(traces));
    expect(results[0]).toEqual({ kind: 'retryable', reason: 'HTTP 429', retryAfterMs: 3000 });
    expect(results[1]).toEqual({ kind: 'retryable', reason: 'HTTP 502' });
    expect(results[2]?.kind).toBe('retryable');
    const dateDelay = (results[2] as { retryAfterMs?: number }).retryAfterMs ?? 0;
    expect(dateDelay).toBeGreaterThan(8000);
    expect(dateDelay).toBeLessThanOrEqual(10_000);
    expect(results[3]).toEqual({ kind: 'retryable', reason: 'HTTP 504' });
  });

  it('answers failure for other 4xx and 5xx, with the body text in the reason', async () => {
    const answers = [
      { status: 400, headers: { 'content-type': 'text/plain' }, body: 'malformed\nrequest' },
      { status: 413 },
      { status: 500 },
    ];
    const sink = await sinkFor((_r, i) => answers[i] ?? { status: 200 });
    const out = await exporterFor(sink.url);
    expect(await out.export(traces)).toEqual({ kind: 'failure', reason: 'HTTP 400: malformed request' });
    expect(await out.export(traces)).toEqual({ kind: 'failure', reason: 'HTTP 413' });
    expect(await out.export(traces)).toEqual({ kind: 'failure', reason: 'HTTP 500' });
  });

  it('reads partial_success from a protobuf or JSON answer', async () => {
    const w = protobuf.Writer.create();
    w.uint32((1 << 3) | 2).fork().uint32(1 << 3).int64(4).uint32((2 << 3) | 2).string('spans too old').ldelim();
    const answers = [
      { status: 200, body: w.finish() },
      { status: 200, headers: { 'content-type': 'application/json' }, body: '{"partialSuccess":{"rejectedSpans":"1","errorMessage":"x"}}' },
      { status: 200, headers: { 'content-type': 'application/json' }, body: '{"partialSuccess":{}}' },
    ];
    const sink = await sinkFor((_r, i) => answers[i] ?? { status: 200 });
    const out = await exporterFor(sink.url);
    expect(await out.export(traces)).toEqual({ kind: 'success', rejectedItems: 4, message: 'spans too old' });
    expect(await out.export(traces)).toEqual({ kind: 'success', rejectedItems: 1, message: 'x' });
    expect(await out.export(traces)).toEqual({ kind: 'success' });
  });

  it('answers retryable when the connection is refused, reset or times out', async () => {
    const closed = await startSink();
    await closed.close();
    const refused = await exporterFor(closed.url);
    const r1 = await refused.export(traces);
    expect(r1.kind).toBe('retryable');
    expect((r1 as { reason: string }).reason).toMatch(/ECONNREFUSED/);

    const server = http.createServer((req) => {
      if (req.url?.includes('reset')) req.socket.destroy();
      // Otherwise never answer: the exporter's timeout must fire.
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    cleanups.push(
      () =>
        new Promise((r) => {
          server.closeAllConnections();
          server.close(r);
        }),
    );
    const port = (server.address() as AddressInfo).port;
    const reset = await exporterFor(`http://127.0.0.1:${port}/reset`);
    const r2 = await reset.export(traces);
    expect(r2.kind).toBe('retryable');
    expect((r2 as { reason: string }).reason).toMatch(/ECONNRESET|socket hang up/);
    const slow = await exporterFor(`http://127.0.0.1:${port}`, { timeout: '100ms' });
    const at = Date.now();
    const r3 = await slow.export(traces);
    expect(r3).toEqual({ kind: 'retryable', reason: 'request timed out after 100 ms' });
    expect(Date.now() - at).toBeLessThan(1000);
  });

  it('refuses to start with a header value that cannot be sent, naming the header and not the value', async () => {
    const sink = await sinkFor();
    const instance = createOtlpHttpExporter('out', { endpoint: sink.url, http: { headers: { 'x-bad': 'secret\nvalue' } } });
    const started = (instance.node as Exporter).start(ctx);
    await expect(started).rejects.toThrow(/header "x-bad" has a value with characters outside visible ASCII/);
    await expect(started).rejects.not.toThrow(/secret/);
    expect(sink.requests).toHaveLength(0);
  });

  it('parses Retry-After as delta-seconds or an HTTP date', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Tue, 31 Dec 2024 23:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('later', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});
