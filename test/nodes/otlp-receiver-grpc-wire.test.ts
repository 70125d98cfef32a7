// receiver:otlp's gRPC framing on the wire, with a plain node:http2 client (no gRPC library between the test and the
// receiver): gzip and deflate messages, split frames, a client's grpc-timeout, unknown methods and encodings, bad
// frames, content types that are not gRPC, and compressed messages that inflate past max_decoding_message_size.
import http2 from 'node:http2';
import zlib from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { holdAcks } from '../../src/pipeline/ack.js';
import type { PData } from '../../src/pipeline/pdata.js';
import { GRPC_EXPORT_PATHS } from '../../src/pdata/otlp-schema.js';
import { startReceiver, type ReceiverHarness } from '../support/otlp-harness.js';
import { logsProto } from '../support/otlp-requests.js';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function started(grpc: Record<string, unknown> = {}): Promise<{ h: ReceiverHarness; session: http2.ClientHttp2Session }> {
  const h = await startReceiver({ grpc });
  cleanup.push(() => h.close());
  const session = http2.connect(`http://${h.grpcAddress}`);
  session.on('error', () => undefined);
  cleanup.push(() => void session.destroy());
  return { h, session };
}

function frame(message: Uint8Array, compressed = false): Buffer {
  const prefix = Buffer.alloc(5);
  prefix[0] = compressed ? 1 : 0;
  prefix.writeUInt32BE(message.length, 1);
  return Buffer.concat([prefix, message]);
}

interface Answer {
  status: number;
  headers: http2.IncomingHttpHeaders;
  trailers: http2.IncomingHttpHeaders;
  body: Buffer;
}

/** One call; `chunks` are written one by one, a tick apart, so that the frame reaches the server split. */
function call(session: http2.ClientHttp2Session, chunks: Buffer[], headers: http2.OutgoingHttpHeaders = {}): Promise<Answer> {
  const stream = session.request({
    ':method': 'POST',
    ':path': GRPC_EXPORT_PATHS.logs,
    'content-type': 'application/grpc',
    te: 'trailers',
    ...headers,
  });
  return new Promise<Answer>((resolve, reject) => {
    let answer: Omit<Answer, 'body' | 'trailers'> | undefined;
    let trailers: http2.IncomingHttpHeaders = {};
    const body: Buffer[] = [];
    stream.on('response', (h) => (answer = { status: Number(h[':status']), headers: h }));
    stream.on('trailers', (t) => (trailers = t));
    stream.on('data', (c: Buffer) => body.push(c));
    stream.on('error', reject);
    stream.on('close', () => (answer ? resolve({ ...answer, trailers, body: Buffer.concat(body) }) : reject(new Error(`stream closed (${stream.rstCode})`))));
    void (async () => {
      for (const chunk of chunks) {
        stream.write(chunk);
        await new Promise((r) => setTimeout(r, 5));
      }
      stream.end();
    })();
  });
}

/** grpc-status and grpc-message, from the trailers or (trailers-only answers) the headers. */
const statusOf = (a: Answer) => {
  const from = a.trailers['grpc-status'] !== undefined ? a.trailers : a.headers;
  return { code: Number(from['grpc-status']), message: decodeURIComponent(String(from['grpc-message'] ?? '')) };
};

describe('receiver:otlp gRPC wire', () => {
  it('takes identity, gzip and deflate messages, whole or split, and answers OK with an empty response message', async () => {
    const { h, session } = await started();
    const plain = frame(logsProto(['identity']));
    const gz = frame(zlib.gzipSync(logsProto(['gzip'])), true);
    const df = frame(zlib.deflateSync(logsProto(['deflate'])), true);
    const answers = [
      await call(session, [plain]),
      await call(session, [gz.subarray(0, 3), gz.subarray(3, 9), gz.subarray(9)], { 'grpc-encoding': 'gzip' }),
      await call(session, [df], { 'grpc-encoding': 'deflate' }),
    ];
    for (const a of answers) {
      expect(a.status).toBe(200);
      expect(a.headers['content-type']).toBe('application/grpc');
      expect(statusOf(a).code).toBe(0);
      expect(a.body).toEqual(Buffer.alloc(5));
    }
    expect(h.ctx.items()).toBe(3);
    expect(h.ctx.emitted.map((p) => Buffer.from(p.payload).includes('gzip'))).toEqual([false, true, false]);
  });

  it('answers UNIMPLEMENTED to an unknown method or encoding, INTERNAL to a truncated frame, and keeps the connection', async () => {
    const { h, session } = await started();
    const message = frame(logsProto(['x']));
    expect(statusOf(await call(session, [message], { ':path': '/opentelemetry.proto.collector.logs.v1.LogsService/Nope' }))).toMatchObject({ code: 12 });
    expect(statusOf(await call(session, [frame(Buffer.from('zz'), true)], { 'grpc-encoding': 'zstd' }))).toMatchObject({ code: 12, message: expect.stringMatching(/zstd/) });
    expect(statusOf(await call(session, [message.subarray(0, message.length - 2)]))).toMatchObject({ code: 13 });
    expect(statusOf(await call(session, [Buffer.concat([message, message])]))).toMatchObject({ code: 12 });
    expect(statusOf(await call(session, [frame(Buffer.from('not gzip'), true)], { 'grpc-encoding': 'gzip' }))).toMatchObject({ code: 13 });
    expect(statusOf(await call(session, [frame(logsProto(['compressed flag']), true)]))).toMatchObject({ code: 13 });
    expect(h.ctx.items()).toBe(0);
    expect(statusOf(await call(session, [message]))).toMatchObject({ code: 0 });
    expect(h.ctx.items()).toBe(1);
  });

  it('answers HTTP 415 to a request that is not gRPC', async () => {
    const { session } = await started();
    const a = await call(session, [Buffer.from('{}')], { 'content-type': 'application/json' });
    expect(a.status).toBe(415);
  });

  it('refuses a message that inflates past max_decoding_message_size with RESOURCE_EXHAUSTED', async () => {
    const { h, session } = await started({ max_decoding_message_size: '2KiB' });
    const big = logsProto(Array.from({ length: 100 }, () => 'the same body over and over'));
    const gz = zlib.gzipSync(big);
    expect(big.length).toBeGreaterThan(2048);
    expect(gz.length).toBeLessThan(2048);
    const a = await call(session, [frame(gz, true)], { 'grpc-encoding': 'gzip' });
    expect(statusOf(a)).toMatchObject({ code: 8, message: expect.stringMatching(/larger than 2048/) });
    expect(h.ctx.items()).toBe(0);
  });

  it("answers DEADLINE_EXCEEDED when the client's grpc-timeout passes before the result", async () => {
    const { h, session } = await started({ wait_for_result: true });
    const tryEmit = h.ctx.tryEmit.bind(h.ctx);
    h.ctx.tryEmit = (pdata: PData) => {
      holdAcks(pdata); // the result never comes
      return tryEmit(pdata);
    };
    const a = await call(session, [frame(logsProto(['slow']))], { 'grpc-timeout': '200m' });
    expect(statusOf(a)).toMatchObject({ code: 4 });
    expect(h.ctx.items()).toBe(1);
  });
});
