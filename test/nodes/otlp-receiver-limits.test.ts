// receiver:otlp honours upstream's per-protocol limits: wait_for_result per protocol, timeout (gRPC CANCELLED, HTTP
// 503), max_concurrent_requests (refused with load_shed, waiting without), accept_compressed_requests, and the HTTP/2
// settings the gRPC listener announces (max_concurrent_streams, transport_concurrency_limit, keepalive pings).
import http2 from 'node:http2';
import zlib from 'node:zlib';
import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { holdAcks, releaseAcks } from '../../src/pipeline/ack.js';
import type { PData } from '../../src/pipeline/pdata.js';
import { startReceiver, type ReceiverHarness } from '../support/otlp-harness.js';
import { RawOtlpGrpcClient } from '../support/otlp-grpc-client.js';
import { logsProto, rawRequest } from '../support/otlp-requests.js';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function started(protocols: Parameters<typeof startReceiver>[0]): Promise<ReceiverHarness> {
  const h = await startReceiver(protocols);
  cleanup.push(() => h.close());
  return h;
}

function grpcClient(h: ReceiverHarness): RawOtlpGrpcClient {
  const c = new RawOtlpGrpcClient(h.grpcAddress);
  cleanup.push(() => c.close());
  return c;
}

/**
 * Makes the test pipeline keep the first `count` messages it takes, so that their results stay pending (as when an
 * exporter is still at work) until `release` is called.
 */
function holdResults(h: ReceiverHarness, count = Number.POSITIVE_INFINITY): { held: PData[]; release(): void } {
  const held: PData[] = [];
  let taken = 0;
  const tryEmit = h.ctx.tryEmit.bind(h.ctx);
  h.ctx.tryEmit = (pdata: PData) => {
    if (taken++ < count) {
      holdAcks(pdata);
      held.push(pdata);
    }
    return tryEmit(pdata);
  };
  return { held, release: () => held.splice(0).forEach((p) => releaseAcks(p)) };
}

const post = (h: ReceiverHarness, body: Uint8Array, headers: Record<string, string> = {}) =>
  rawRequest(h.httpUrl, { path: '/v1/logs', headers: { 'content-type': 'application/x-protobuf', ...headers }, body });

describe('receiver:otlp limits', () => {
  it('waits for the result on the protocol that asks for it only', async () => {
    const h = await started({ grpc: { wait_for_result: false }, http: { wait_for_result: true } });
    const results = holdResults(h);
    expect(await grpcClient(h).export('logs', logsProto(['not waiting']))).toEqual({ ok: true });
    let httpAnswered = false;
    const answer = post(h, logsProto(['waiting'])).then((r) => ((httpAnswered = true), r));
    await h.ctx.waitForItems(2);
    expect(httpAnswered).toBe(false);
    results.release();
    expect((await answer).status).toBe(200);
  });

  it('gRPC: answers CANCELLED when the result does not come within timeout', async () => {
    const h = await started({ grpc: { wait_for_result: true, timeout: '300ms' } });
    holdResults(h);
    const outcome = await grpcClient(h).export('logs', logsProto(['slow']));
    expect(outcome).toMatchObject({ ok: false, code: grpc.status.CANCELLED, details: expect.stringMatching(/timeout/) });
  });

  it('HTTP: answers 503 with Retry-After when the request is not done within timeout', async () => {
    const h = await started({ http: { wait_for_result: true, timeout: '300ms' } });
    holdResults(h);
    const response = await post(h, logsProto(['slow']));
    expect(response.status).toBe(503);
    expect(response.headers).toMatchObject({ 'retry-after': '1', connection: 'close' });
  });

  it('gRPC with load_shed: refuses a request over max_concurrent_requests with RESOURCE_EXHAUSTED', async () => {
    // More streams than requests: otherwise HTTP/2 itself holds the second call back in the client.
    const h = await started({ grpc: { wait_for_result: true, max_concurrent_requests: 1, max_concurrent_streams: 10 } });
    const results = holdResults(h, 1);
    const client = grpcClient(h);
    const first = client.export('logs', logsProto(['holds the slot']));
    await h.ctx.waitForItems(1);
    const second = await client.export('logs', logsProto(['over the limit']));
    expect(second).toMatchObject({ ok: false, code: grpc.status.RESOURCE_EXHAUSTED, details: expect.stringMatching(/max_concurrent_requests/) });
    results.release();
    expect(await first).toEqual({ ok: true });
    expect(await client.export('logs', logsProto(['slot free again']))).toEqual({ ok: true });
  });

  it('gRPC without load_shed, and HTTP: a request over max_concurrent_requests waits for the slot', async () => {
    const h = await started({
      grpc: { wait_for_result: true, max_concurrent_requests: 1, max_concurrent_streams: 10, load_shed: false },
      http: { wait_for_result: true, max_concurrent_requests: 1 },
    });
    const results = holdResults(h, 2);
    const client = grpcClient(h);
    const grpcFirst = client.export('logs', logsProto(['grpc first']));
    const httpFirst = post(h, logsProto(['http first']));
    await h.ctx.waitForItems(2);
    let waitingDone = 0;
    const grpcSecond = client.export('logs', logsProto(['grpc second'])).then((r) => (waitingDone++, r));
    const httpSecond = post(h, logsProto(['http second'])).then((r) => (waitingDone++, r));
    await new Promise((resolve) => setTimeout(resolve, 200));
    // Both still wait for their slot: nothing of theirs reached the pipeline.
    expect(h.ctx.items()).toBe(2);
    expect(waitingDone).toBe(0);
    results.release();
    expect(await grpcFirst).toEqual({ ok: true });
    expect((await httpFirst).status).toBe(200);
    expect(await grpcSecond).toEqual({ ok: true });
    expect((await httpSecond).status).toBe(200);
    expect(h.ctx.items()).toBe(4);
  });

  it('HTTP: refuses compressed bodies with 415 when accept_compressed_requests is false', async () => {
    const h = await started({ http: { accept_compressed_requests: false } });
    const gzipped = await post(h, zlib.gzipSync(logsProto(['zipped'])), { 'content-encoding': 'gzip' });
    expect(gzipped.status).toBe(415);
    expect((await post(h, logsProto(['plain']))).status).toBe(200);
    expect(h.ctx.items()).toBe(1);
  });

  it.each([
    [{ max_concurrent_streams: 7 }, 7],
    [{ max_concurrent_requests: 50 }, 50],
    [{ max_concurrent_requests: 50, max_concurrent_streams: 0, transport_concurrency_limit: 3 }, 3],
  ])('gRPC: announces %j as SETTINGS_MAX_CONCURRENT_STREAMS %d', async (settings, streams) => {
    const h = await started({ grpc: settings });
    const session = http2.connect(`http://${h.grpcAddress}`);
    cleanup.push(() => void session.destroy());
    await new Promise<void>((resolve) => session.once('remoteSettings', () => resolve()));
    expect(session.remoteSettings.maxConcurrentStreams).toBe(streams);
  });

  it('gRPC: pings idle connections every http2_keepalive_interval', async () => {
    const h = await started({ grpc: { http2_keepalive_interval: '100ms', http2_keepalive_timeout: '1s' } });
    const session = http2.connect(`http://${h.grpcAddress}`);
    cleanup.push(() => void session.destroy());
    await new Promise<void>((resolve) => session.once('ping', () => resolve()));
  });
});
