// HTTP/2 keepalive as both gRPC sides use it (src/util/http2-keepalive.ts), on real sockets: a peer that answers PINGs
// keeps the session; a peer that reads and never answers gets it destroyed once the timeout passes; a round that
// should not ping sends nothing.
import http2 from 'node:http2';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { keepPinging } from '../../src/util/http2-keepalive.js';

const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const step of cleanup.splice(0).reverse()) step();
});

/** An empty SETTINGS frame: enough for a client to count the connection as HTTP/2. */
const SETTINGS_FRAME = Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0]);

async function listening(server: net.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanup.push(() => server.close());
  return (server.address() as net.AddressInfo).port;
}

async function connected(port: number): Promise<http2.ClientHttp2Session> {
  const session = http2.connect(`http://127.0.0.1:${port}`);
  session.on('error', () => undefined);
  cleanup.push(() => session.destroy());
  await new Promise<void>((resolve) => session.once('connect', () => resolve()));
  return session;
}

/** A peer that says SETTINGS once and then reads everything without a word: no PING is ever answered. */
async function silentPeer(): Promise<number> {
  return listening(net.createServer((socket) => {
    socket.write(SETTINGS_FRAME);
    socket.resume();
    cleanup.push(() => socket.destroy());
  }));
}

const closed = (session: http2.Http2Session) => new Promise<Error | undefined>((resolve) => {
  let error: Error | undefined;
  session.once('error', (e: Error) => (error = e));
  session.once('close', () => resolve(error));
});

describe('HTTP/2 keepalive', () => {
  it('destroys the session when the peer never answers a PING', async () => {
    const session = await connected(await silentPeer());
    const ended = closed(session);
    keepPinging(session, { intervalMs: 30, timeoutMs: 150 });
    expect((await ended)?.message).toMatch(/keepalive ping not answered within 150 ms/);
  });

  it('keeps a session whose peer answers', async () => {
    const server = http2.createServer();
    let pings = 0;
    server.on('session', (s) => {
      s.on('ping', () => pings++);
      cleanup.push(() => s.destroy());
    });
    const port = await listening(server as unknown as net.Server);
    const session = await connected(port);
    keepPinging(session, { intervalMs: 30, timeoutMs: 150 });
    await new Promise((r) => setTimeout(r, 500));
    expect(session.destroyed).toBe(false);
    expect(pings).toBeGreaterThanOrEqual(3);
  });

  it('sends nothing while shouldPing says no', async () => {
    const session = await connected(await silentPeer());
    let asked = 0;
    keepPinging(session, { intervalMs: 30, timeoutMs: 60, shouldPing: () => (asked++, false) });
    await new Promise((r) => setTimeout(r, 400));
    // No PING went out, so the silent peer never timed one out.
    expect(asked).toBeGreaterThanOrEqual(3);
    expect(session.destroyed).toBe(false);
  });
});
