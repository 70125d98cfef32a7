// The live feed of the web console (GET /api/v1/events) over a real socket: the current state at once, a change when it
// happens and nothing while nothing changes, the latest rollout's record, and a client that stops reading dropped
// instead of buffered while a reading client stays.
import { createServer, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createStatusStream, type StatusStream } from '../../src/admin/status-stream.js';
import type { EngineStatus } from '../../src/state/status-types.js';
import { createTestBackend } from './test-backend.js';

interface Feed {
  server: Server;
  stream: StatusStream;
  port: number;
}

let feed: Feed | undefined;
const sockets: Socket[] = [];

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await new Promise((resolve) => (feed ? feed.server.close(resolve) : resolve(undefined)));
  feed?.server.closeAllConnections();
  feed = undefined;
});

async function startFeed(status: () => EngineStatus, options: Parameters<typeof createStatusStream>[1]): Promise<Feed> {
  const backend = createTestBackend({ status });
  const stream = createStatusStream(backend, options);
  const server = createServer((_req, res) => stream.attach(res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  feed = { server, stream, port: (server.address() as AddressInfo).port };
  return feed;
}

/** A raw client: what it has read so far, as text. */
function client(port: number): { socket: Socket; text: () => string } {
  const socket = connect(port, '127.0.0.1');
  sockets.push(socket);
  let text = '';
  socket.on('data', (chunk) => (text += chunk.toString('utf8')));
  socket.write('GET /api/v1/events HTTP/1.1\r\nHost: x\r\n\r\n');
  return { socket, text: () => text };
}

async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const count = (text: string, event: string): number => text.split(`event: ${event}\n`).length - 1;

describe('status stream', () => {
  it('sends the state at once, then each change, and nothing while nothing changes', async () => {
    const main = createTestBackend().status().pipelines['default:main']!;
    const rollout = createTestBackend().rollout('default', 'main', 'rollout-2')!;
    const withRollout = { ...main, rollout: { ...rollout, cores: undefined } };
    let version = 1;
    const status = (): EngineStatus => ({
      generatedAt: new Date().toISOString(),
      pipelines: { 'default:main': withRollout, [`g:p${version}`]: main },
    });
    const { port } = await startFeed(status, { intervalMs: 30 });
    const reader = client(port);
    await until(() => count(reader.text(), 'status') === 1, 'the first status');
    expect(reader.text()).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(reader.text()).toContain('Content-Type: text/event-stream');
    // default:main names its latest rollout: the whole record follows the status.
    expect(count(reader.text(), 'rollout')).toBe(1);
    expect(reader.text()).toContain(`"rolloutId":"rollout-2"`);
    const data = reader.text().split('event: status\ndata: ')[1]!.split('\n')[0]!;
    expect(Object.keys((JSON.parse(data) as EngineStatus).pipelines)).toEqual(['default:main', 'g:p1']);

    // generatedAt moves on every read, but is no change: ten ticks later nothing more was sent.
    await new Promise((r) => setTimeout(r, 300));
    expect(count(reader.text(), 'status')).toBe(1);
    version = 2;
    await until(() => count(reader.text(), 'status') === 2, 'the changed status');
    expect(reader.text()).toContain('"g:p2"');
    expect(count(reader.text(), 'rollout')).toBe(1);
  });

  it('drops a client that stops reading, and keeps serving one that reads', async () => {
    // A large status that changes on every tick: about 200 KiB every 10 ms for whoever does not read.
    const filler = 'x'.repeat(200 * 1024);
    let tick = 0;
    const { port, stream } = await startFeed(() => ({ generatedAt: new Date().toISOString(), pipelines: {}, filler: `${tick++}${filler}` }) as unknown as EngineStatus, {
      intervalMs: 10,
      maxBufferedBytes: 256 * 1024,
    });
    const reader = client(port);
    const stalled = client(port);
    stalled.socket.pause();
    await until(() => stream.clientCount() === 2, 'both clients attached');
    await until(() => stream.clientCount() === 1, 'the stalled client dropped', 30_000);
    const before = count(reader.text(), 'status');
    await until(() => count(reader.text(), 'status') > before + 3, 'the reading client served on');
    expect(stream.clientCount()).toBe(1);
  });
});
