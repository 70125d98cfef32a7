// How many exports the OTLP exporters have in flight, and over which connections: max_in_flight calls at once (the
// runtime hands over that many messages), each message's ack settled by its own answer whatever the order answers
// come in, num_connections / concurrency_limit for gRPC, client_pool_size, per-signal endpoints and
// max_response_body_length for HTTP, and upstream's startup_check.
import net, { type AddressInfo } from 'node:net';
import * as grpc from '@grpc/grpc-js';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createOtlpGrpcExporter } from '../../src/nodes/exporters/otlp-grpc/exporter.js';
import { createOtlpHttpExporter } from '../../src/nodes/exporters/otlp-http/exporter.js';
import { exportService } from '../../src/nodes/receivers/otlp/grpc-service.js';
import { Ack, type AckOutcome } from '../../src/pipeline/ack.js';
import type { Exporter, NodeContext } from '../../src/pipeline/node.js';
import { SIGNALS, type PData } from '../../src/pipeline/pdata.js';
import { PipelineRuntime } from '../../src/pipeline/runtime.js';
import { captureLogs, until } from '../pipeline/helpers/logs.js';
import { logBodies, uniqueLogs } from '../pipeline/helpers/otlp.js';
import { edge, node, pipeline } from '../pipeline/helpers/pipeline.js';
import { startSink } from '../pipeline/helpers/sink.js';
import { resolver, TestReceiver } from '../pipeline/helpers/test-nodes.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const ctx = { name: 'out', logger: pino({ level: 'silent' }) } as NodeContext;

interface HeldCall {
  records: string[];
  peer: string;
  userAgent: string;
  answer(code?: grpc.status): void;
}

/** A gRPC peer that holds every call until the test answers it; `most` is the largest number held at once. */
async function holdingPeer() {
  const server = new grpc.Server();
  const held: HeldCall[] = [];
  const state = { held, most: 0, endpoint: '' };
  for (const signal of SIGNALS) {
    server.addService(exportService(signal), {
      Export: (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => {
        const entry: HeldCall = {
          records: logBodies(call.request),
          peer: call.getPeer(),
          userAgent: String(call.metadata.get('user-agent')[0] ?? ''),
          answer: (code = grpc.status.OK) => {
            held.splice(held.indexOf(entry), 1);
            if (code === grpc.status.OK) callback(null, Buffer.alloc(0));
            else callback({ code, details: 'refused' });
          },
        };
        held.push(entry);
        state.most = Math.max(state.most, held.length);
      },
    });
  }
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))),
  );
  state.endpoint = `http://127.0.0.1:${port}`;
  cleanups.push(async () => server.forceShutdown());
  return state;
}

async function runtimeWith(exporterConfig: Record<string, unknown>) {
  const receiver = new TestReceiver();
  const config = pipeline([node('in', 'receiver', 'test'), node('out', 'exporter', 'otlp_grpc', exporterConfig)], [edge('in', 'out')]);
  const runtime = await PipelineRuntime.build(config, { logger: captureLogs().logger, resolveFactory: resolver({ in: receiver }) });
  cleanups.push(() => runtime.stop());
  await runtime.start();
  return { receiver, runtime };
}

/** Emits with an Ack, as a receiver with `wait_for_result` does; `settled` is the outcome its client would hear. */
async function emitWaiting(receiver: TestReceiver, pdata: PData): Promise<{ settled: Promise<AckOutcome> }> {
  const ack = new Ack(pdata.items);
  await receiver.emit({ ...pdata, acks: [ack] });
  ack.release();
  return { settled: ack.settled };
}

async function started(exporter: Exporter): Promise<Exporter> {
  await exporter.start(ctx);
  cleanups.push(() => exporter.stop());
  return exporter;
}

describe('exporter:otlp_grpc in flight', () => {
  it('has max_in_flight calls in flight, and settles each ack by its own answer in whatever order they come', async () => {
    const peer = await holdingPeer();
    const { receiver, runtime } = await runtimeWith({ grpc_endpoint: peer.endpoint, max_in_flight: 3 });
    const messages = Array.from({ length: 6 }, () => uniqueLogs(2));
    const acks = [];
    for (const { pdata } of messages) acks.push((await emitWaiting(receiver, pdata)).settled);
    await until(() => peer.held.length === 3, 5000, 'three calls held');
    // Answered newest first; the second message is refused for good.
    const refused = messages[1]!.bodies[0]!;
    while (peer.held.length > 0 || runtime.counters().out!.itemsSent + runtime.counters().out!.itemsDropped < 12) {
      const call = peer.held.at(-1);
      if (call) call.answer(call.records.includes(refused) ? grpc.status.INVALID_ARGUMENT : grpc.status.OK);
      await new Promise((r) => setTimeout(r, 5));
    }
    const outcomes = await Promise.all(acks);
    expect(outcomes.map((o) => o.ok)).toEqual([true, false, true, true, true, true]);
    expect((outcomes[1] as { reason: string }).reason).toMatch(/INVALID_ARGUMENT: refused/);
    expect(peer.most).toBe(3);
    expect(runtime.counters().out).toMatchObject({ itemsReceived: 12, itemsSent: 10, itemsDropped: 2 });
  });

  it('spreads calls over num_connections connections, at most concurrency_limit on each', async () => {
    const peer = await holdingPeer();
    const out = await started(createOtlpGrpcExporter('out', { grpc_endpoint: peer.endpoint, num_connections: 2, concurrency_limit: 1, max_in_flight: 5, user_agent: 'tester/1.0' }).node as Exporter);
    // concurrency_limit 1 on each of 2 connections: the runtime may have 2 exports in flight, not 5.
    expect(out.maxInFlight).toBe(2);
    const calls = [out.export(uniqueLogs(1).pdata), out.export(uniqueLogs(1).pdata)];
    await until(() => peer.held.length === 2, 5000, 'two calls held');
    expect(new Set(peer.held.map((c) => c.peer)).size).toBe(2);
    expect(peer.held[0]!.userAgent).toMatch(/^tester\/1\.0 otap-engine/);
    for (const call of [...peer.held]) call.answer();
    expect(await Promise.all(calls)).toEqual([{ kind: 'success' }, { kind: 'success' }]);
  });

  it("runs upstream's startup_check: connect fails the start on a closed port, dns on a name that does not resolve", async () => {
    const port = await closedPort();
    const exporter = (config: Record<string, unknown>) => createOtlpGrpcExporter('out', config).node as Exporter;
    await expect(exporter({ grpc_endpoint: `http://127.0.0.1:${port}`, startup_check: 'connect' }).start(ctx)).rejects.toThrow(
      /^startup check failed: cannot connect to 127\.0\.0\.1:\d+: .*ECONNREFUSED/,
    );
    await expect(exporter({ grpc_endpoint: 'http://no-such-host.invalid:4317', startup_check: 'dns' }).start(ctx)).rejects.toThrow(
      /^startup check failed: cannot resolve "no-such-host.invalid"/,
    );
    // Without the check (upstream's default) a peer that is down at start is no reason not to start.
    await started(exporter({ grpc_endpoint: `http://127.0.0.1:${port}` }));
  });
});

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('exporter:otlp_http in flight', () => {
  it('uses its client_pool_size pools in turn, has max_in_flight requests in flight, each signal to its own URL when given', async () => {
    const sink = await startSink(() => ({ status: 200, delayMs: 100 }));
    cleanups.push(() => sink.close());
    const out = await started(
      createOtlpHttpExporter('out', {
        endpoint: `${sink.url}/base`,
        traces_endpoint: `${sink.url}/elsewhere/traces?tenant=a`,
        client_pool_size: 2,
        max_in_flight: 4,
      }).node as Exporter,
    );
    expect(out.maxInFlight).toBe(4);
    // One after the other: each pool keeps its own connection, so two pools make two.
    for (let i = 0; i < 4; i++) expect(await out.export(uniqueLogs(1).pdata)).toEqual({ kind: 'success' });
    expect(sink.connections).toBe(2);
    // Four at once: each pool opens a second connection for its second request.
    const logs = Array.from({ length: 4 }, () => out.export(uniqueLogs(1).pdata));
    expect(await Promise.all(logs)).toEqual(Array(4).fill({ kind: 'success' }));
    expect(sink.connections).toBe(4);
    expect(await out.export({ signal: 'traces', payload: new Uint8Array([10, 0]), items: 1 })).toEqual({ kind: 'success' });
    expect(sink.requests.map((r) => r.path)).toEqual([...Array(8).fill('/base/v1/logs'), '/elsewhere/traces?tenant=a']);
  });

  it('fails an export whose successful answer is larger than max_response_body_length (TCP keepalive and nodelay off)', async () => {
    const sink = await startSink((_r, i) => ({ status: 200, body: Buffer.alloc(i === 0 ? 2048 : 16, 1) }));
    cleanups.push(() => sink.close());
    const out = await started(createOtlpHttpExporter('out', { endpoint: sink.url, max_response_body_length: 1024, http: { tcp_keepalive: null, tcp_nodelay: false } }).node as Exporter);
    const { pdata } = uniqueLogs(1);
    expect(await out.export(pdata)).toEqual({ kind: 'failure', reason: 'HTTP 200 with a body larger than max_response_body_length (1024 bytes)' });
    expect((await out.export(pdata)).kind).toBe('success');
    expect(sink.requests).toHaveLength(2);
  });
});

