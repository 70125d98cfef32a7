// Draining receiver:otlp over gRPC: GOAWAY to every connection, calls in flight complete, the rest is cut at the
// deadline. With routing switched to a new receiver first, a grpc-js channel moves over without a failed call.
import http2 from 'node:http2';
import { afterEach, describe, expect, it } from 'vitest';
import * as grpc from '@grpc/grpc-js';
import { GRPC_EXPORT_PATHS } from '../../src/pdata/otlp-schema.js';
import { startReceiver, type ReceiverHarness } from '../support/otlp-harness.js';
import { handOver } from '../support/otlp-handover.js';
import { RawOtlpGrpcClient } from '../support/otlp-grpc-client.js';
import { logsProto } from '../support/otlp-requests.js';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function started(protocols?: Parameters<typeof startReceiver>[0]): Promise<ReceiverHarness> {
  const h = await startReceiver(protocols);
  cleanup.push(() => h.close());
  return h;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** gRPC length-prefixed message framing. */
function frame(payload: Uint8Array): Buffer {
  const header = Buffer.alloc(5);
  header.writeUInt32BE(payload.length, 1);
  return Buffer.concat([header, payload]);
}

describe('receiver:otlp drain over gRPC', () => {
  it('sends GOAWAY and lets the call in flight complete', async () => {
    const h = await started({ grpc: {} });
    const session = http2.connect(`http://${h.grpcAddress}`);
    cleanup.push(() => void session.destroy());
    const goaway = new Promise<void>((resolve) => session.on('goaway', () => resolve()));
    session.on('error', () => undefined);
    const stream = session.request({
      ':method': 'POST',
      ':path': GRPC_EXPORT_PATHS.logs,
      'content-type': 'application/grpc',
      te: 'trailers',
    });
    const trailers = new Promise<http2.IncomingHttpHeaders>((resolve) => stream.on('trailers', resolve));
    stream.resume();
    const message = frame(logsProto(['in flight over grpc']));
    stream.write(message.subarray(0, 8));
    await sleep(100);

    let drained = false;
    const drain = h.receiver.drain(Date.now() + 5_000).then(() => (drained = true));
    await goaway;
    expect(drained).toBe(false);
    stream.end(message.subarray(8));
    expect((await trailers)['grpc-status']).toBe('0');
    await drain;
    expect(h.ctx.items()).toBe(1);
  });

  it('tells a connection that raced the routing switch to go at once', async () => {
    const h = await started({ grpc: {} });
    await h.receiver.drain(Date.now() + 1_000);
    const session = http2.connect(`http://${h.grpcAddress}`);
    cleanup.push(() => void session.destroy());
    session.on('error', () => undefined);
    await new Promise<void>((resolve) => session.on('goaway', () => resolve()));
  });

  it('moves a grpc-js channel to the new receiver without a failed call', async () => {
    const oldGen = await started({ grpc: {} });
    const newGen = await started({ grpc: {} });
    let serving = oldGen.receiver;
    const listener = await handOver(() => serving, 'otlp/grpc');
    cleanup.push(() => listener.close());
    const client = new RawOtlpGrpcClient(listener.address);
    cleanup.push(() => client.close());

    let stop = false;
    const failures: string[] = [];
    let ok = 0;
    const caller = async (id: number) => {
      for (let i = 0; !stop; i++) {
        const outcome = await client.export('logs', logsProto([`g${id}-${i}`]));
        if (outcome.ok) ok++;
        else failures.push(`${grpc.status[outcome.code]} ${outcome.details}`);
      }
    };
    const callers = [0, 1, 2, 3].map(caller);
    await oldGen.ctx.waitForItems(200);
    serving = newGen.receiver;
    await oldGen.receiver.drain(Date.now() + 5_000);
    await newGen.ctx.waitForItems(200);
    stop = true;
    await Promise.all(callers);
    expect(failures).toEqual([]);
    expect(oldGen.ctx.items() + newGen.ctx.items()).toBe(ok);
  });

  it('force-closes a call that does not finish by the deadline', async () => {
    const h = await started({ grpc: {} });
    const session = http2.connect(`http://${h.grpcAddress}`);
    cleanup.push(() => void session.destroy());
    session.on('error', () => undefined);
    const stream = session.request({ ':method': 'POST', ':path': GRPC_EXPORT_PATHS.logs, 'content-type': 'application/grpc', te: 'trailers' });
    stream.on('error', () => undefined);
    const closed = new Promise<void>((resolve) => stream.on('close', () => resolve()));
    stream.write(frame(logsProto(['never finished'])).subarray(0, 8));
    await sleep(100);
    const began = Date.now();
    await h.receiver.drain(began + 300);
    expect(Date.now() - began).toBeGreaterThanOrEqual(290);
    await closed;
    expect(h.ctx.items()).toBe(0);
  });
});
