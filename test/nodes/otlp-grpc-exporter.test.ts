// exporter:otlp_grpc against real gRPC peers on 127.0.0.1 port 0: a grpc-js server that records every call and answers
// what the test scripts, and a bare HTTP/2 peer that shows the frames as they travel (for compression).
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { gunzipSync, inflateSync } from 'node:zlib';
import * as grpc from '@grpc/grpc-js';
import { exportService } from '../../src/nodes/receivers/otlp/grpc-service.js';
import { pino } from 'pino';
import protobuf from 'protobufjs/minimal.js';
import { afterEach, describe, expect, it } from 'vitest';
import { otlpGrpcExporter } from '../../src/nodes/exporters/otlp-grpc/descriptor.js';
import { createOtlpGrpcExporter } from '../../src/nodes/exporters/otlp-grpc/exporter.js';
import { retryHint } from '../../src/nodes/exporters/otlp-grpc/classify.js';
import { ExportMetricsServiceRequest, ExportTraceServiceRequest, RetryInfo, RpcStatus } from '../../src/pdata/otlp-schema.js';
import type { Exporter, NodeContext } from '../../src/pipeline/node.js';
import { SIGNALS, type PData, type Signal } from '../../src/pipeline/pdata.js';
import { PipelineRuntime } from '../../src/pipeline/runtime.js';
import { captureLogs, until } from '../pipeline/helpers/logs.js';
import { logBodies, uniqueLogs } from '../pipeline/helpers/otlp.js';
import { edge, node, pipeline } from '../pipeline/helpers/pipeline.js';
import { resolver, TestReceiver } from '../pipeline/helpers/test-nodes.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const ctx = { name: 'out', logger: pino({ level: 'silent' }) } as NodeContext;

interface PeerCall {
  signal: Signal;
  body: Buffer;
  metadata: grpc.Metadata;
  /** The client's address and port: one value for calls that shared a connection. */
  peer: string;
  at: number;
}

interface PeerAnswer {
  code?: grpc.status;
  details?: string;
  /** Encoded google.rpc.Status sent as grpc-status-details-bin. */
  statusDetails?: Uint8Array;
  response?: Uint8Array;
  /** Never answer: the client's deadline must end the call. */
  hang?: boolean;
}

interface Peer {
  endpoint: string;
  calls: PeerCall[];
  answer: (call: PeerCall, index: number) => PeerAnswer;
  close(): Promise<void>;
}

async function startPeer(answer: Peer['answer'] = () => ({}), address = '127.0.0.1:0'): Promise<Peer> {
  const server = new grpc.Server();
  const peer: Peer = { endpoint: '', calls: [], answer, close: async () => server.forceShutdown() };
  for (const signal of SIGNALS) {
    const service = exportService(signal);
    server.addService(service, {
      Export: (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => {
        const recorded: PeerCall = { signal, body: call.request, metadata: call.metadata, peer: call.getPeer(), at: Date.now() };
        const index = peer.calls.push(recorded) - 1;
        const a = peer.answer(recorded, index);
        if (a.hang) return;
        if (a.code === undefined || a.code === grpc.status.OK) return callback(null, Buffer.from(a.response ?? new Uint8Array()));
        const metadata = new grpc.Metadata();
        if (a.statusDetails) metadata.set('grpc-status-details-bin', Buffer.from(a.statusDetails));
        callback({ code: a.code, details: a.details ?? '', metadata });
      },
    });
  }
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(address, grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))),
  );
  peer.endpoint = `http://127.0.0.1:${port}`;
  cleanups.push(() => peer.close());
  return peer;
}

async function exporterFor(endpoint: string, config: Record<string, unknown> = {}): Promise<Exporter> {
  const instance = createOtlpGrpcExporter('out', { grpc_endpoint: endpoint, timeout: '2s', headers: {}, compression: 'none', ...config });
  if (instance.kind !== 'exporter') throw new Error('not an exporter');
  await instance.node.start(ctx);
  cleanups.push(() => instance.node.stop());
  return instance.node;
}

/** A google.rpc.Status carrying a RetryInfo, as grpc-status-details-bin holds it. */
function statusWithRetry(code: number, seconds: number, nanos = 0): Uint8Array {
  const retryInfo = RetryInfo.encode({ retryDelay: { seconds, nanos } }).finish();
  return RpcStatus.encode({
    code,
    message: 'slow down',
    details: [{ typeUrl: 'type.googleapis.com/google.rpc.RetryInfo', value: retryInfo }],
  }).finish();
}

function partialSuccess(rejected: number, message: string): Uint8Array {
  const w = protobuf.Writer.create();
  w.uint32((1 << 3) | 2).fork().uint32(1 << 3).int64(rejected).uint32((2 << 3) | 2).string(message).ldelim();
  return w.finish();
}

const traces: PData = {
  signal: 'traces',
  payload: ExportTraceServiceRequest.encode({
    resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: new Uint8Array(16).fill(1), spanId: new Uint8Array(8).fill(2), name: 'op' }] }] }],
  }).finish(),
  items: 1,
};
const metrics: PData = {
  signal: 'metrics',
  payload: ExportMetricsServiceRequest.encode({
    resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'm', gauge: { dataPoints: [{ asDouble: 1.5 }, { asDouble: 2 }] } }] }] }],
  }).finish(),
  items: 2,
};

describe('exporter:otlp_grpc', () => {
  it('sends each signal to its service, bytes unchanged, with the headers as metadata, over one connection', async () => {
    const peer = await startPeer();
    const out = await exporterFor(peer.endpoint, { headers: { authorization: 'Bearer t', 'X-Tenant': 'a' } });
    const { pdata: logs, bodies } = uniqueLogs(3);
    expect(await out.export(logs)).toEqual({ kind: 'success' });
    expect(await out.export(traces)).toEqual({ kind: 'success' });
    expect(await out.export(metrics)).toEqual({ kind: 'success' });
    expect(peer.calls.map((c) => c.signal)).toEqual(['logs', 'traces', 'metrics']);
    const sent = [logs, traces, metrics];
    peer.calls.forEach((call, i) => expect(Buffer.compare(call.body, Buffer.from(sent[i]!.payload))).toBe(0));
    expect(logBodies(peer.calls[0]!.body)).toEqual(bodies);
    for (const call of peer.calls) {
      expect(call.metadata.get('authorization')).toEqual(['Bearer t']);
      expect(call.metadata.get('x-tenant')).toEqual(['a']);
    }
    expect(new Set(peer.calls.map((c) => c.peer)).size).toBe(1);
  });

  it('connects in plaintext to host:port and speaks TLS to https://', async () => {
    const peer = await startPeer();
    const out = await exporterFor(peer.endpoint.replace('http://', ''));
    expect(await out.export(traces)).toEqual({ kind: 'success' });
    expect(peer.calls).toHaveLength(1);
    // This peer speaks plaintext only: a TLS handshake cannot succeed, and the call never reaches it.
    const tls = await exporterFor(peer.endpoint.replace('http://', 'https://'));
    const result = await tls.export(traces);
    expect(result.kind).toBe('retryable');
    expect((result as { reason: string }).reason).toMatch(/^UNAVAILABLE/);
    expect(peer.calls).toHaveLength(1);
  });

  it('compresses with gzip or deflate when asked: the frame is flagged, grpc-encoding says which, the content is unchanged', async () => {
    const seen: Array<{ encoding: unknown; flag: number; message: Buffer }> = [];
    const server = http2.createServer();
    server.on('stream', (stream, headers) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const frame = Buffer.concat(chunks);
        const flag = frame.readUInt8(0);
        const body = frame.subarray(5, 5 + frame.readUInt32BE(1));
        seen.push({ encoding: headers['grpc-encoding'], flag, message: flag === 0 ? body : headers['grpc-encoding'] === 'gzip' ? gunzipSync(body) : inflateSync(body) });
        stream.respond({ ':status': 200, 'content-type': 'application/grpc', 'grpc-accept-encoding': 'identity,gzip' }, { waitForTrailers: true });
        stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
        stream.end(Buffer.alloc(5));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise((r) => server.close(r)));
    const port = (server.address() as AddressInfo).port;
    const { pdata } = uniqueLogs(20);
    const gzip = await exporterFor(`127.0.0.1:${port}`, { compression: 'gzip' });
    expect(await gzip.export(pdata)).toEqual({ kind: 'success' });
    expect(await gzip.export(pdata)).toEqual({ kind: 'success' });
    const plain = await exporterFor(`127.0.0.1:${port}`);
    expect(await plain.export(pdata)).toEqual({ kind: 'success' });
    const deflate = await exporterFor(`127.0.0.1:${port}`, { compression: 'deflate' });
    expect(await deflate.export(pdata)).toEqual({ kind: 'success' });
    expect(seen.map((s) => [s.encoding, s.flag])).toEqual([['gzip', 1], ['gzip', 1], [undefined, 0], ['deflate', 1]]);
    for (const s of seen) expect(Buffer.compare(s.message, Buffer.from(pdata.payload))).toBe(0);
  });

  it('answers success with the rejected count and message of a partial success', async () => {
    const answers: PeerAnswer[] = [{ response: partialSuccess(4, 'spans too old') }, { response: partialSuccess(0, 'just a warning') }, {}];
    const peer = await startPeer((_c, i) => answers[i] ?? {});
    const out = await exporterFor(peer.endpoint);
    expect(await out.export(traces)).toEqual({ kind: 'success', rejectedItems: 4, message: 'spans too old' });
    expect(await out.export(traces)).toEqual({ kind: 'success', rejectedItems: 0, message: 'just a warning' });
    expect(await out.export(traces)).toEqual({ kind: 'success' });
  });

  it('answers retryable for UNAVAILABLE, ABORTED and DATA_LOSS, with the RetryInfo delay when the status has one', async () => {
    const answers: PeerAnswer[] = [
      { code: grpc.status.UNAVAILABLE, details: 'overloaded' },
      { code: grpc.status.UNAVAILABLE, details: 'later', statusDetails: statusWithRetry(grpc.status.UNAVAILABLE, 2, 500_000_000) },
      { code: grpc.status.ABORTED },
      { code: grpc.status.DATA_LOSS, details: 'x' },
    ];
    const peer = await startPeer((_c, i) => answers[i] ?? {});
    const out = await exporterFor(peer.endpoint);
    expect(await out.export(traces)).toEqual({ kind: 'retryable', reason: 'UNAVAILABLE: overloaded' });
    expect(await out.export(traces)).toEqual({ kind: 'retryable', reason: 'UNAVAILABLE: later', retryAfterMs: 2500 });
    expect(await out.export(traces)).toEqual({ kind: 'retryable', reason: 'ABORTED' });
    expect(await out.export(traces)).toEqual({ kind: 'retryable', reason: 'DATA_LOSS: x' });
  });

  it('retries RESOURCE_EXHAUSTED only when the status carries a RetryInfo, honouring its delay', async () => {
    const answers: PeerAnswer[] = [
      { code: grpc.status.RESOURCE_EXHAUSTED, details: 'full', statusDetails: statusWithRetry(grpc.status.RESOURCE_EXHAUSTED, 1) },
      { code: grpc.status.RESOURCE_EXHAUSTED, details: 'quota gone' },
      // Details without a RetryInfo are no hint either.
      { code: grpc.status.RESOURCE_EXHAUSTED, details: 'quota gone', statusDetails: RpcStatus.encode({ code: 8, message: 'q' }).finish() },
    ];
    const peer = await startPeer((_c, i) => answers[i] ?? {});
    const out = await exporterFor(peer.endpoint);
    expect(await out.export(metrics)).toEqual({ kind: 'retryable', reason: 'RESOURCE_EXHAUSTED: full', retryAfterMs: 1000 });
    expect(await out.export(metrics)).toEqual({ kind: 'failure', reason: 'RESOURCE_EXHAUSTED: quota gone' });
    expect(await out.export(metrics)).toEqual({ kind: 'failure', reason: 'RESOURCE_EXHAUSTED: quota gone' });
  });

  it('answers failure for INVALID_ARGUMENT, PERMISSION_DENIED and an unknown service', async () => {
    const answers: PeerAnswer[] = [
      { code: grpc.status.INVALID_ARGUMENT, details: 'malformed\nrequest' },
      { code: grpc.status.PERMISSION_DENIED, details: 'no' },
    ];
    const peer = await startPeer((_c, i) => answers[i] ?? {});
    const out = await exporterFor(peer.endpoint);
    expect(await out.export(traces)).toEqual({ kind: 'failure', reason: 'INVALID_ARGUMENT: malformed request' });
    expect(await out.export(traces)).toEqual({ kind: 'failure', reason: 'PERMISSION_DENIED: no' });

    const bare = new grpc.Server();
    const port = await new Promise<number>((resolve, reject) =>
      bare.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))),
    );
    cleanups.push(async () => bare.forceShutdown());
    const unknown = await (await exporterFor(`127.0.0.1:${port}`)).export(traces);
    expect(unknown.kind).toBe('failure');
    expect((unknown as { reason: string }).reason).toMatch(/^UNIMPLEMENTED/);
  });

  it('answers retryable when the call passes its timeout or the peer is not there', async () => {
    const peer = await startPeer(() => ({ hang: true }));
    const slow = await exporterFor(peer.endpoint, { timeout: '150ms' });
    const at = Date.now();
    const r1 = await slow.export(traces);
    expect(r1.kind).toBe('retryable');
    expect((r1 as { reason: string }).reason).toMatch(/^DEADLINE_EXCEEDED/);
    expect(Date.now() - at).toBeGreaterThanOrEqual(100);
    expect(Date.now() - at).toBeLessThan(1500);

    const gone = await startPeer();
    await gone.close();
    const refused = await exporterFor(gone.endpoint);
    const r2 = await refused.export(traces);
    expect(r2.kind).toBe('retryable');
    expect((r2 as { reason: string }).reason).toMatch(/^UNAVAILABLE/);
  });

  it('answers failure once stopped, and stops twice without error', async () => {
    const peer = await startPeer();
    const out = createOtlpGrpcExporter('out', { grpc_endpoint: peer.endpoint }).node as Exporter;
    await out.start(ctx);
    expect(await out.export(traces)).toEqual({ kind: 'success' });
    await out.stop();
    await out.stop();
    expect(await out.export(traces)).toEqual({ kind: 'failure', reason: 'exporter is not started' });
  });

  it('reads the RetryInfo delay, ignoring a zero delay and unreadable details', () => {
    expect(retryHint(statusWithRetry(8, 0, 250_000_000))).toEqual({ delayMs: 250 });
    expect(retryHint(statusWithRetry(8, 0))).toEqual({});
    expect(retryHint(RpcStatus.encode({ code: 8 }).finish())).toBeUndefined();
    expect(retryHint(new Uint8Array([0xff, 0xff]))).toBeUndefined();
  });

  it('validates its config: upstream defaults in canonical form, endpoint forms, headers gRPC can send', () => {
    const schema = otlpGrpcExporter.configSchema;
    const ok = schema.validate({ grpc_endpoint: 'http://collector:4317' });
    expect(ok.error).toBeUndefined();
    expect(ok.value).toEqual({
      grpc_endpoint: 'http://collector:4317',
      compression: 'none',
      concurrency_limit: 256,
      connect_timeout: '3000ms',
      tcp_nodelay: true,
      tcp_keepalive: '45000ms',
      initial_stream_window_size: 8388608,
      initial_connection_window_size: 33554432,
      http2_adaptive_window: false,
      http2_keepalive_interval: '30000ms',
      http2_keepalive_timeout: '10000ms',
      keep_alive_while_idle: true,
      startup_check: 'none',
      headers: {},
      max_in_flight: 5,
      num_connections: 1,
    });
    expect(schema.validate(ok.value).value).toEqual(ok.value);
    for (const grpc_endpoint of ['collector:4317', 'collector', 'https://otlp.example.net', 'https://otlp.example.net:443/', '[::1]:4317', 'http://[::1]:4317', ' http://h:1 ']) {
      expect(schema.validate({ grpc_endpoint }).error, grpc_endpoint).toBeUndefined();
    }
    expect(schema.validate({ compression_method: 'gzip', grpc_endpoint: 'h:1' }).value).toMatchObject({ compression: 'gzip' });
    expect(schema.validate({ grpc_endpoint: 'h:1', tcp_keepalive: null, http2_keepalive_interval: null, timeout: '5s' }).error).toBeUndefined();
    const error = (config: Record<string, unknown>) => schema.validate(config, { abortEarly: false }).error?.message;
    expect(error({})).toMatch(/"grpc_endpoint" is required/);
    expect(error({ endpoint: 'h:1' })).toMatch(/"endpoint" is not allowed/);
    expect(error({ grpc_endpoint: 'collector:99999' })).toMatch(/not a valid URL/);
    expect(error({ grpc_endpoint: 'grpc://collector:4317' })).toMatch(/http or https/);
    expect(error({ grpc_endpoint: 'http://collector:4317/v1/traces' })).toMatch(/must not have a path/);
    expect(error({ grpc_endpoint: 'h:1', compression: 'zstd' })).toMatch(/zstd is not available/);
    expect(error({ grpc_endpoint: 'h:1', timeout: '0s' })).toMatch(/"timeout" must be above 0/);
    expect(error({ grpc_endpoint: 'h:1', headers: { 'x-key-bin': 'a' } })).toMatch(/-bin/);
    expect(error({ grpc_endpoint: 'h:1', headers: { 'grpc-timeout': '1S' } })).toMatch(/reserved/);
    expect(error({ grpc_endpoint: 'h:1', headers: { 'bad key': 'a' } })).toMatch(/may only hold/);
    expect(error({ grpc_endpoint: 'h:1', headers: { authorization: 'a\nb' } })).toMatch(/printable ASCII/);
    expect(error({ grpc_endpoint: 'h:1', headers: { 'X-Tenant': 'a', 'x-tenant': 'b' } })).toMatch(/given twice/);
    // Refused at their own paths, with the reason.
    const refused = (config: Record<string, unknown>) =>
      schema.validate(config, { abortEarly: false }).error?.details.map((d) => `${d.path.join('.')}: ${d.message}`);
    expect(refused({ grpc_endpoint: 'h:1', tcp_keepalive_interval: '5s' })).toEqual([expect.stringMatching(/^tcp_keepalive_interval: is not supported by this engine: Node/)]);
    expect(refused({ grpc_endpoint: 'h:1', tcp_keepalive_retries: 3 })).toEqual([expect.stringMatching(/^tcp_keepalive_retries: is not supported/)]);
    expect(refused({ grpc_endpoint: 'h:1', proxy: { http_proxy: 'http://p:3128' } })).toEqual([expect.stringMatching(/^proxy: is not supported by this engine: .*prox/)]);
    expect(error({ grpc_endpoint: 'h:1', user_agent: ' ' })).toMatch(/"user_agent" must be non-empty visible ASCII/);
    expect(error({ grpc_endpoint: 'h:1', initial_stream_window_size: 2 ** 31 })).toMatch(/31-bit/);
    expect(error({ grpc_endpoint: 'h:1', startup_check: 'ping' })).toMatch(/"startup_check" must be one of/);
    // Upstream Rust runtime tuning: accepted, with a warning that says so.
    const tuned = schema.validate({ grpc_endpoint: 'h:1', buffer_size: 1024, http2_adaptive_window: true });
    expect(tuned.error).toBeUndefined();
    expect(tuned.warning?.details.map((d) => `"${d.path.join('.')}" ${d.message}`)).toEqual([
      expect.stringMatching(/"http2_adaptive_window" has no effect in this engine/),
      expect.stringMatching(/"buffer_size" has no effect in this engine/),
    ]);
    expect(schema.validate({ grpc_endpoint: 'h:1', http2_adaptive_window: false }).warning).toBeUndefined();
  });

  it('retries UNAVAILABLE through the runtime until the peer takes the data: every item arrives exactly once', async () => {
    const peer = await startPeer((_c, i) => (i < 2 ? { code: grpc.status.UNAVAILABLE, details: 'starting' } : {}));
    const receiver = new TestReceiver();
    const logs = captureLogs();
    const config = pipeline(
      [node('in', 'receiver', 'test'), node('out', 'exporter', 'otlp_grpc', { grpc_endpoint: peer.endpoint, timeout: '2s', headers: {}, compression: 'none' })],
      [edge('in', 'out')],
    );
    const testNodes = resolver({ in: receiver });
    const runtime = await PipelineRuntime.build(config, {
      logger: logs.logger,
      resolveFactory: async (urn) => (urn === 'urn:otel:exporter:otlp_grpc' ? createOtlpGrpcExporter : testNodes(urn)),
    });
    cleanups.push(() => runtime.stop());
    await runtime.start();
    const sent: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { pdata, bodies } = uniqueLogs(4);
      sent.push(...bodies);
      await receiver.emit(pdata);
    }
    await until(() => runtime.counters().out?.itemsSent === 12, 10_000, 'all exported');
    // Two calls were refused, then every message accepted once; with several calls in flight, in any order.
    const accepted = peer.calls.slice(2).flatMap((c) => logBodies(c.body));
    expect([...accepted].sort()).toEqual([...sent].sort());
    expect(peer.calls).toHaveLength(5);
    expect(runtime.counters().out).toMatchObject({ itemsReceived: 12, itemsSent: 12, itemsDropped: 0 });
    expect(JSON.stringify(logs.lines)).toContain('UNAVAILABLE: starting');
  });

  it('reaches a peer that comes up after it was found down, on the same channel', async () => {
    const gone = await startPeer();
    const port = Number(new URL(gone.endpoint).port);
    await gone.close();
    const out = await exporterFor(gone.endpoint);
    // Several refusals in a row, as the runtime's retries would make them.
    for (let i = 0; i < 4; i++) {
      expect((await out.export(traces)).kind).toBe('retryable');
      await new Promise((r) => setTimeout(r, 100 * 2 ** Math.min(i, 3)));
    }
    const back = await startPeer(() => ({}), `127.0.0.1:${port}`);
    const upAt = Date.now();
    let result = await out.export(traces);
    while (result.kind !== 'success' && Date.now() - upAt < 10_000) {
      await new Promise((r) => setTimeout(r, 100));
      result = await out.export(traces);
    }
    expect(result).toEqual({ kind: 'success' });
    // Each call that finds no connection opens one: the peer is used as soon as it is back.
    expect(Date.now() - upAt).toBeLessThan(6000);
    expect(back.calls).toHaveLength(1);
  });
});
