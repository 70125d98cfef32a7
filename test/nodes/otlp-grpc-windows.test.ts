// receiver:otlp's HTTP/2 flow control over gRPC, read from the client's side of a real connection: the windows and
// frame size a client is given are upstream's defaults (8MiB per stream, 24MiB per connection, 16KiB frames) or what
// the config says, and `null` leaves Node.js's own (64KiB windows). A large request then goes out without waiting for
// the receiver to reopen the window after each 64KiB.
import http2 from 'node:http2';
import { afterEach, describe, expect, it } from 'vitest';
import { otlpReceiver } from '../../src/nodes/receivers/otlp/descriptor.js';
import { startReceiver, type ReceiverHarness } from '../support/otlp-harness.js';
import { RawOtlpGrpcClient } from '../support/otlp-grpc-client.js';
import { logsProto } from '../support/otlp-requests.js';

const MiB = 1024 * 1024;
const NODE_DEFAULT_WINDOW = 65_535;

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function started(grpc: Record<string, unknown>): Promise<ReceiverHarness> {
  const h = await startReceiver({ grpc });
  cleanup.push(() => h.close());
  return h;
}

/** What a client learns once the receiver's SETTINGS and its first WINDOW_UPDATE have arrived. */
async function windowsSeen(address: string): Promise<{ streamWindow: number; frameSize: number; connectionWindow: number }> {
  const session = http2.connect(`http://${address}`);
  cleanup.push(() => void session.destroy());
  session.on('error', () => undefined);
  await new Promise<void>((resolve) => session.once('remoteSettings', () => resolve()));
  // The connection window arrives in a WINDOW_UPDATE right after the SETTINGS: a PING round trip lets it land.
  await new Promise<void>((resolve, reject) => session.ping((error) => (error ? reject(error) : resolve())));
  return {
    streamWindow: session.remoteSettings.initialWindowSize ?? Number.NaN,
    frameSize: session.remoteSettings.maxFrameSize ?? Number.NaN,
    connectionWindow: session.state.remoteWindowSize ?? Number.NaN,
  };
}

describe('receiver:otlp HTTP/2 windows', () => {
  it("gives a client upstream's windows by default", async () => {
    const h = await started({});
    expect(await windowsSeen(h.grpcAddress)).toEqual({ streamWindow: 8 * MiB, frameSize: 16 * 1024, connectionWindow: 24 * MiB });
  });

  it('gives the configured windows and frame size, on every connection', async () => {
    const h = await started({ initial_stream_window_size: '2MiB', initial_connection_window_size: '6MiB', max_frame_size: '64KiB' });
    const expected = { streamWindow: 2 * MiB, frameSize: 64 * 1024, connectionWindow: 6 * MiB };
    expect(await windowsSeen(h.grpcAddress)).toEqual(expected);
    expect(await windowsSeen(h.grpcAddress)).toEqual(expected);
  });

  it("leaves Node.js's windows when they are null", async () => {
    const h = await started({ initial_stream_window_size: null, initial_connection_window_size: null, max_frame_size: null });
    expect(await windowsSeen(h.grpcAddress)).toEqual({ streamWindow: NODE_DEFAULT_WINDOW, frameSize: 16_384, connectionWindow: NODE_DEFAULT_WINDOW });
  });

  it('admits a request far larger than 64KiB whole', async () => {
    const h = await started({});
    const client = new RawOtlpGrpcClient(h.grpcAddress);
    cleanup.push(() => client.close());
    const bodies = Array.from({ length: 400 }, (_, i) => `record ${i} ${'x'.repeat(1000)}`);
    const payload = logsProto(bodies);
    expect(payload.byteLength).toBeGreaterThan(6 * 65_535);
    expect(await client.export('logs', payload)).toEqual({ ok: true });
    expect(h.ctx.items()).toBe(bodies.length);
  });

  it('refuses sizes HTTP/2 cannot announce, naming the field', () => {
    const problems = (grpc: Record<string, unknown>) =>
      otlpReceiver.configSchema.validate({ protocols: { grpc: { listening_addr: '127.0.0.1:4317', ...grpc } } }).error?.message;
    expect(problems({ initial_stream_window_size: '4GiB' })).toMatch(/initial_stream_window_size.*at most 2147483647/);
    expect(problems({ initial_connection_window_size: 2 ** 31 })).toMatch(/initial_connection_window_size.*at most 2147483647/);
    expect(problems({ max_frame_size: '8KiB' })).toMatch(/max_frame_size.*between 16384/);
    expect(problems({ max_frame_size: '16MiB' })).toMatch(/max_frame_size.*between 16384/);
    expect(problems({ max_frame_size: '8MiB', initial_stream_window_size: '4MiB', initial_connection_window_size: '16MiB' })).toBeUndefined();
  });
});
