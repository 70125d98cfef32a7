// The live feed of the web console (GET /api/v1/events) over a real socket: the current state at once, a change when it
// happens and nothing while nothing changes, the latest rollout's record, and a client that stops reading dropped
// instead of buffered while a reading client stays.
import { createServer, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createStatusStream, type StatusStream } from '../../src/admin/status-stream.js';
import type { EngineStatus } from '../../src/state/status-types.js';
import { LogTap } from '../../src/supervisor/observability/log-tap.js';
import type { OperationEntry } from '../../src/state/commands.js';
import type { RolloutStatus } from '../../src/state/operations.js';
import type { LogsEvent } from '../../src/admin/stream-logs.js';
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

async function startFeed(
  status: () => EngineStatus,
  options: Parameters<typeof createStatusStream>[1],
  extra: { operations?: () => OperationEntry[]; tap?: LogTap } = {},
): Promise<Feed> {
  const backend = createTestBackend({ status, ...(extra.operations ? { recentOperations: extra.operations } : {}) });
  const stream = createStatusStream(backend, options, extra.tap ? (query) => extra.tap!.query(query) : undefined);
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

/** The data of every event `name` read so far, parsed. */
function events<T>(text: string, name: string): T[] {
  return text
    .split(`event: ${name}\ndata: `)
    .slice(1)
    .map((rest) => JSON.parse(rest.split('\n')[0]!) as T);
}

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

  it('sends the kept operation records at once, oldest first, then each one that changed or is new', async () => {
    const base = createTestBackend();
    const rollout = base.rollout('default', 'main', 'rollout-2')!;
    const shutdown = base.shutdown('default', 'main', 'shutdown-1')!;
    let entries: OperationEntry[] = [
      { kind: 'rollout', record: { ...rollout, state: 'succeeded' } },
      { kind: 'shutdown', record: { ...shutdown, state: 'succeeded' } },
    ];
    const { port } = await startFeed(() => base.status(), { intervalMs: 30 }, { operations: () => entries });
    const reader = client(port);
    await until(() => count(reader.text(), 'operation') === 2, 'the kept records');
    const sent = events<OperationEntry>(reader.text(), 'operation');
    expect(sent.map((e) => e.kind)).toEqual(['shutdown', 'rollout']);

    await new Promise((r) => setTimeout(r, 200));
    expect(count(reader.text(), 'operation')).toBe(2);
    const next: RolloutStatus = { ...rollout, rolloutId: 'rollout-3', state: 'running', startedAt: '2030-01-01T00:00:00.000Z' };
    entries = [{ kind: 'rollout', record: next }, ...entries];
    await until(() => count(reader.text(), 'operation') === 3, 'the new rollout');
    entries = [{ kind: 'rollout', record: { ...next, state: 'succeeded' } }, ...entries.slice(1)];
    await until(() => count(reader.text(), 'operation') === 4, 'the rollout that ended');
    const last = events<OperationEntry>(reader.text(), 'operation').at(-1)!;
    expect(last).toMatchObject({ kind: 'rollout', record: { rolloutId: 'rollout-3', state: 'succeeded' } });
  });

  it('sends the log tap\'s newest lines at once, then the new ones, each once', async () => {
    const tap = new LogTap({ maxEntries: 1000, maxBytes: 1024 * 1024 });
    const line = (msg: string, level = 30): string => JSON.stringify({ level, time: new Date().toISOString(), msg, group: 'default', pipeline: 'main', core: 0 });
    for (let i = 0; i < 250; i++) tap.record(line(`before ${i}`), 'controller');
    const { port } = await startFeed(() => createTestBackend().status(), { intervalMs: 30 }, { tap });
    const reader = client(port);
    await until(() => count(reader.text(), 'logs') === 1, 'the first lines');
    const first = events<LogsEvent>(reader.text(), 'logs')[0]!;
    if (first.tap !== 'on') throw new Error('the tap is on');
    // The newest 200 of the 250, oldest first.
    expect(first.logs).toHaveLength(200);
    expect(first.logs[0]!.event_name).toBe('before 50');
    expect(first.logs.at(-1)!.event_name).toBe('before 249');

    await new Promise((r) => setTimeout(r, 200));
    expect(count(reader.text(), 'logs')).toBe(1);
    tap.record(line('after', 50), 'pipeline');
    await until(() => count(reader.text(), 'logs') === 2, 'the new line');
    const second = events<LogsEvent>(reader.text(), 'logs')[1]!;
    expect(second).toMatchObject({ tap: 'on', truncatedBeforeSeq: null, logs: [{ seq: 251, level: 'ERROR', event_name: 'after' }] });
  });

  it('says the tap is off when the engine keeps no log lines', async () => {
    const { port } = await startFeed(() => createTestBackend().status(), { intervalMs: 30 });
    const reader = client(port);
    await until(() => count(reader.text(), 'logs') === 1, 'the logs event');
    expect(events<LogsEvent>(reader.text(), 'logs')).toEqual([{ tap: 'off' }]);
  });
});
