// receiver:otlp over HTTP refuses what it must with the right status and a google.rpc.Status body encoded like the
// request, and keeps serving the next good request, on the same keep-alive connection when it can.
import http from 'node:http';
import zlib from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { RpcStatus } from '../../src/pdata/otlp-schema.js';
import { startReceiver, type ReceiverHarness } from '../support/otlp-harness.js';
import { logsJson, logsProto, rawRequest, type RawResponse } from '../support/otlp-requests.js';

const PROTO = { 'Content-Type': 'application/x-protobuf' };
const JSON_CT = { 'Content-Type': 'application/json' };

let harness: ReceiverHarness;
let agent: http.Agent;
afterEach(async () => {
  agent?.destroy();
  await harness?.close();
});

async function start(maxBody = '1KiB'): Promise<void> {
  harness = await startReceiver({ http: { max_request_body_size: maxBody } });
  agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
}

function send(path: string, headers: http.OutgoingHttpHeaders, body?: RawResponse['body'] | Uint8Array | string | Uint8Array[], method = 'POST') {
  return rawRequest(harness.httpUrl, { path, headers, body, method, agent });
}

function protoStatus(res: RawResponse): { code: number; message: string } {
  return RpcStatus.toObject(RpcStatus.decode(res.body)) as { code: number; message: string };
}

async function expectStillServing(): Promise<void> {
  const ok = await send('/v1/logs', PROTO, logsProto(['after']));
  expect(ok.status).toBe(200);
  expect(harness.ctx.emitted.at(-1)?.items).toBe(1);
}

describe('receiver:otlp HTTP refusals', () => {
  it('answers 400 with a protobuf Status to malformed protobuf, and serves the next request on the same connection', async () => {
    await start();
    const res = await send('/v1/logs', PROTO, Buffer.from([0x0a, 0x05, 0x12, 0x03]));
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toBe('application/x-protobuf');
    expect(res.headers.connection).toBe('keep-alive');
    const status = protoStatus(res);
    expect(status.code).toBe(3);
    expect(status.message).toMatch(/malformed logs request/);
    await expectStillServing();
    expect(harness.http.connections).toBe(1);
    expect(harness.receiver.stats()).toMatchObject({ invalidRequests: 1, acceptedRequests: 1 });
  });

  it('answers 400 with a JSON Status to invalid JSON and to a JSON of the wrong shape', async () => {
    await start();
    const syntax = await send('/v1/logs', JSON_CT, '{"resourceLogs": [');
    expect(syntax.status).toBe(400);
    expect(syntax.headers['content-type']).toBe('application/json');
    expect(JSON.parse(syntax.body.toString())).toMatchObject({ code: 3, message: expect.stringMatching(/invalid JSON/) });
    const wrong = await send('/v1/logs', JSON_CT, JSON.stringify({ resourceLogs: [{ scopeLogs: { logRecords: [] } }] }));
    expect(wrong.status).toBe(400);
    expect(JSON.parse(wrong.body.toString()).message).toMatch(/scopeLogs: expected an array/);
    const ok = await send('/v1/logs', { 'Content-Type': 'application/json; charset=utf-8' }, JSON.stringify(logsJson(['a', 'b'])));
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body.toString())).toEqual({});
    expect(harness.ctx.items()).toBe(2);
  });

  it('answers 415 to other content types and encodings, 405 to other methods, 404 to other paths', async () => {
    await start();
    const text = await send('/v1/logs', { 'Content-Type': 'text/plain' }, 'hello');
    expect(text.status).toBe(415);
    expect(JSON.parse(text.body.toString()).message).toMatch(/unsupported Content-Type text\/plain/);
    expect((await send('/v1/logs', {}, 'hello')).status).toBe(415);
    expect((await send('/v1/logs', { ...PROTO, 'Content-Encoding': 'zstd' }, logsProto(['x']))).status).toBe(415);
    const get = await send('/v1/logs', PROTO, undefined, 'GET');
    expect(get.status).toBe(405);
    expect(get.headers.allow).toBe('POST');
    expect(protoStatus(get).code).toBe(12);
    const unknown = await send('/v1/profiles', PROTO, logsProto(['x']));
    expect(unknown.status).toBe(404);
    expect(protoStatus(unknown).code).toBe(5);
    await expectStillServing();
  });

  it('answers 413 to a body over max_request_body_size, declared, streamed, or inflated from gzip', async () => {
    await start('1KiB');
    const big = logsProto(Array.from({ length: 40 }, (_, i) => `record number ${i} with some padding`));
    expect(big.length).toBeGreaterThan(1024);
    const declared = await send('/v1/logs', PROTO, big);
    expect(declared.status).toBe(413);
    expect(declared.headers.connection).toBe('close');
    expect(protoStatus(declared).message).toMatch(/max_request_body_size \(1024 bytes\)/);

    const streamed = await send('/v1/logs', { ...PROTO, 'Transfer-Encoding': 'chunked' }, [big.subarray(0, 800), big.subarray(800)]);
    expect(streamed.status).toBe(413);

    // A gzip bomb in miniature: 100 KiB of zeros compress to ~120 bytes, well under the limit on the wire.
    const bomb = zlib.gzipSync(Buffer.alloc(100 * 1024));
    expect(bomb.length).toBeLessThan(1024);
    const inflated = await send('/v1/logs', { ...PROTO, 'Content-Encoding': 'gzip' }, bomb);
    expect(inflated.status).toBe(413);
    expect(protoStatus(inflated).message).toMatch(/decompressed body exceeds/);
    expect(harness.ctx.emitted).toEqual([]);
    await expectStillServing();
  });

  it('answers 400 to truncated or corrupt gzip and accepts good gzip', async () => {
    await start('64KiB');
    const gz = zlib.gzipSync(logsProto(['zipped 1', 'zipped 2']));
    const truncated = await send('/v1/logs', { ...PROTO, 'Content-Encoding': 'gzip' }, gz.subarray(0, gz.length - 6));
    expect(truncated.status).toBe(400);
    expect(protoStatus(truncated).message).toMatch(/corrupt gzip body/);
    const corrupt = Buffer.from(gz);
    corrupt[12] = (corrupt[12] ?? 0) ^ 0xff;
    expect((await send('/v1/logs', { ...PROTO, 'Content-Encoding': 'gzip' }, corrupt)).status).toBe(400);
    const ok = await send('/v1/logs', { ...PROTO, 'Content-Encoding': 'gzip' }, gz);
    expect(ok.status).toBe(200);
    expect(harness.ctx.items()).toBe(2);
  });

  it('answers 200 to an empty request without sending anything downstream', async () => {
    await start();
    expect((await send('/v1/traces', PROTO, new Uint8Array(0))).status).toBe(200);
    expect((await send('/v1/metrics', JSON_CT, '{}')).status).toBe(200);
    expect(harness.ctx.emitted).toEqual([]);
    expect(harness.receiver.stats()).toMatchObject({ emptyRequests: 2 });
  });

  it('answers 429 with Retry-After while the pipeline is full, counts refusals, logs once per episode', async () => {
    await start();
    harness.ctx.full = true;
    for (let i = 0; i < 3; i++) {
      const res = await send('/v1/logs', PROTO, logsProto(['a', 'b']));
      expect(res.status).toBe(429);
      expect(res.headers['retry-after']).toBe('1');
      expect(protoStatus(res).code).toBe(8);
    }
    harness.ctx.full = false;
    await expectStillServing();
    expect(harness.receiver.stats()).toMatchObject({ refusedRequests: 3, refusedItems: 6, acceptedRequests: 1 });
    const messages = harness.ctx.logs.map((l) => l.msg);
    expect(messages.filter((m) => /pipeline full/.test(String(m)))).toHaveLength(1);
    expect(messages).toContain('pipeline accepting again');
  });
});
