// receiver:otlp over gRPC: malformed requests are INVALID_ARGUMENT, a full pipeline is RESOURCE_EXHAUSTED with a
// RetryInfo hint, max_decoding_message_size is enforced, and the channel keeps working after each refusal.
import { afterEach, describe, expect, it } from 'vitest';
import * as grpc from '@grpc/grpc-js';
import net from 'node:net';
import { RetryInfo, RpcStatus } from '../../src/pdata/otlp-schema.js';
import { startReceiver, type ReceiverHarness } from '../support/otlp-harness.js';
import { RawOtlpGrpcClient } from '../support/otlp-grpc-client.js';
import { logsProto, tracesProto } from '../support/otlp-requests.js';

let harness: ReceiverHarness | undefined;
let client: RawOtlpGrpcClient | undefined;
afterEach(async () => {
  client?.close();
  await harness?.close();
  harness = client = undefined;
});

describe('receiver:otlp gRPC refusals', () => {
  it('answers INVALID_ARGUMENT to malformed protobuf and keeps serving the channel', async () => {
    harness = await startReceiver({ grpc: {} });
    client = new RawOtlpGrpcClient(harness.grpcAddress);
    const bad = await client.export('traces', Buffer.from([0x0a, 0x03, 0x12, 0x07, 0x01]));
    expect(bad).toMatchObject({ ok: false, code: grpc.status.INVALID_ARGUMENT, details: expect.stringMatching(/malformed traces request/) });
    expect(await client.export('traces', tracesProto(['a', 'b', 'c']))).toEqual({ ok: true });
    expect(harness.ctx.emitted.map((p) => [p.signal, p.items])).toEqual([['traces', 3]]);
    expect(harness.grpc.connections).toBe(1);
  });

  it('answers RESOURCE_EXHAUSTED with RetryInfo while the pipeline is full', async () => {
    harness = await startReceiver({ grpc: {} });
    client = new RawOtlpGrpcClient(harness.grpcAddress);
    harness.ctx.full = true;
    const refused = await client.export('logs', logsProto(['x']));
    expect(refused).toMatchObject({ ok: false, code: grpc.status.RESOURCE_EXHAUSTED });
    if (refused.ok) throw new Error('unreachable');
    const [details] = refused.metadata.get('grpc-status-details-bin') as Buffer[];
    const status = RpcStatus.toObject(RpcStatus.decode(details!), { longs: Number }) as {
      code: number;
      details: { typeUrl: string; value: Uint8Array }[];
    };
    expect(status.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    expect(status.details[0]!.typeUrl).toBe('type.googleapis.com/google.rpc.RetryInfo');
    expect(RetryInfo.toObject(RetryInfo.decode(status.details[0]!.value), { longs: Number })).toEqual({
      retryDelay: { seconds: 1 },
    });
    harness.ctx.full = false;
    expect(await client.export('logs', logsProto(['x']))).toEqual({ ok: true });
    expect(harness.receiver.stats()).toMatchObject({ refusedRequests: 1, refusedItems: 1, acceptedItems: 1 });
  });

  it('enforces max_decoding_message_size', async () => {
    harness = await startReceiver({ grpc: { max_decoding_message_size: '1KiB' } });
    client = new RawOtlpGrpcClient(harness.grpcAddress);
    const big = logsProto(Array.from({ length: 50 }, (_, i) => `a fairly long log record body ${i}`));
    expect(big.length).toBeGreaterThan(1024);
    expect(await client.export('logs', big)).toMatchObject({ ok: false, code: grpc.status.RESOURCE_EXHAUSTED });
    expect(await client.export('logs', logsProto(['small']))).toEqual({ ok: true });
    expect(harness.ctx.items()).toBe(1);
  });

  it('refuses a connection for a listener it does not have', async () => {
    harness = await startReceiver({ grpc: {} });
    const socket = new net.Socket();
    expect(() => harness!.receiver.accept('otlp/nope', socket)).toThrow(/listener otlp\/nope/);
    expect(socket.destroyed).toBe(true);
  });
});
