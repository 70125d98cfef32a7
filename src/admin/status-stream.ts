// The live feed behind `GET /api/v1/events` (server-sent events), which the web console reads instead of polling. One
// sampler for all clients: while at least one is connected, every tick reads the engine status once and writes it to
// every client when it changed, together with the record of each pipeline's latest rollout when that changed, each
// kept operation record (rollouts and shutdowns, the engine's history) that changed, and the log tap's new lines. A
// client that does not read (its unsent bytes pile up past a bound) is dropped rather than buffered without end.
import type { ServerResponse } from 'node:http';
import type { AdminBackend, LiveAdminBackend, TelemetryReader } from '../state/commands.js';
import type { EngineStatus } from '../state/status-types.js';
import { createLogFeed, type LogFeed } from './stream-logs.js';

export interface StatusStreamOptions {
  /** How often the status is sampled (a changed status is sent at most this often). */
  intervalMs?: number;
  /** A client with more unsent bytes than this is disconnected. */
  maxBufferedBytes?: number;
  /** An idle stream gets a comment line this often, so that proxies and the browser see it alive. */
  keepaliveMs?: number;
}

export const STATUS_STREAM_DEFAULTS = { intervalMs: 1000, maxBufferedBytes: 1024 * 1024, keepaliveMs: 15_000 } as const;

/** Operation records a client gets when it connects, newest first (the engine keeps up to 32 of each kind a pipeline). */
export const OPERATIONS_SENT = 50;

/** The event names the stream writes; the data of each is one JSON document. */
export type StatusStreamEvent = 'status' | 'rollout' | 'operation' | 'logs';

export interface StatusStream {
  /** Starts streaming to `res` (its headers are written here) with the current state; stops when it closes. */
  attach(res: ServerResponse): void;
  /** Connected clients, for tests and the log. */
  clientCount(): number;
}

type Backend = AdminBackend & Pick<LiveAdminBackend, 'rollout' | 'recentOperations'>;

/** `group:pipeline`, as keys of EngineStatus.pipelines; ids cannot hold a colon, so the first one splits. */
function splitKey(key: string): [string, string] | undefined {
  const at = key.indexOf(':');
  return at > 0 ? [key.slice(0, at), key.slice(at + 1)] : undefined;
}

function frame(event: StatusStreamEvent, data: string): string {
  return `event: ${event}\ndata: ${data}\n\n`;
}

/** The latest rollout record of each pipeline that has one, by pipeline key, as JSON. */
function rolloutRecords(backend: Backend, status: EngineStatus): Map<string, string> {
  const records = new Map<string, string>();
  for (const [key, pipeline] of Object.entries(status.pipelines)) {
    const ids = splitKey(key);
    if (pipeline.rollout === undefined || ids === undefined) continue;
    const record = backend.rollout(ids[0], ids[1], pipeline.rollout.rolloutId);
    if (record !== undefined) records.set(key, JSON.stringify(record));
  }
  return records;
}

/** The newest kept operation records by id (`rollout/…`, `shutdown/…`), as JSON of `{ kind, record }`. */
function operationRecords(backend: Backend): Map<string, string> {
  const records = new Map<string, string>();
  for (const entry of backend.recentOperations(OPERATIONS_SENT)) {
    const id = entry.kind === 'rollout' ? entry.record.rolloutId : entry.record.shutdownId;
    records.set(`${entry.kind}/${id}`, JSON.stringify(entry));
  }
  return records;
}

/** `logs`: the log tap's reader; without it (an admin server with no engine) the stream says the tap is off. */
export function createStatusStream(backend: Backend, options: StatusStreamOptions = {}, logs?: TelemetryReader['logs']): StatusStream {
  const { intervalMs, maxBufferedBytes, keepaliveMs } = { ...STATUS_STREAM_DEFAULTS, ...options };
  const clients = new Set<ServerResponse>();
  let timer: NodeJS.Timeout | undefined;
  // What was last broadcast; a new client gets the current state of its own on attach.
  let lastStatusComparable = '';
  let lastRollouts = new Map<string, string>();
  let lastOperations = new Map<string, string>();
  const logFeed: LogFeed = createLogFeed(logs ?? (() => undefined));
  let lastWriteAt = Date.now();

  const drop = (res: ServerResponse): void => {
    clients.delete(res);
    if (!res.destroyed) res.destroy();
    if (clients.size === 0 && timer !== undefined) {
      clearInterval(timer);
      timer = undefined;
    }
  };

  const send = (res: ServerResponse, chunk: string): void => {
    if (res.writableLength > maxBufferedBytes) return drop(res);
    res.write(chunk);
  };

  const tick = (): void => {
    const status = backend.status();
    const comparable = JSON.stringify({ ...status, generatedAt: undefined });
    const chunks: string[] = [];
    if (comparable !== lastStatusComparable) {
      lastStatusComparable = comparable;
      chunks.push(frame('status', JSON.stringify(status)));
    }
    const rollouts = rolloutRecords(backend, status);
    for (const [key, record] of rollouts) if (lastRollouts.get(key) !== record) chunks.push(frame('rollout', record));
    lastRollouts = rollouts;
    const operations = operationRecords(backend);
    // Oldest first, so that a client adding them one by one ends with the newest on top.
    for (const [id, entry] of [...operations].reverse()) if (lastOperations.get(id) !== entry) chunks.push(frame('operation', entry));
    lastOperations = operations;
    const newLines = logFeed.next();
    if (newLines !== undefined) chunks.push(frame('logs', JSON.stringify(newLines)));
    const now = Date.now();
    if (chunks.length === 0 && now - lastWriteAt >= keepaliveMs) chunks.push(': keepalive\n\n');
    if (chunks.length === 0) return;
    lastWriteAt = now;
    const text = chunks.join('');
    for (const res of [...clients]) send(res, text);
  };

  return {
    attach(res) {
      res.writeHead(200, {
        'Content-Type': 'text/event-stream; charset=utf-8',
        // Proxies that buffer answers (nginx) would hold the events back.
        'X-Accel-Buffering': 'no',
      });
      const status = backend.status();
      const rollouts = rolloutRecords(backend, status);
      const operations = operationRecords(backend);
      const initial = [`retry: ${Math.max(1000, intervalMs)}\n\n`, frame('status', JSON.stringify(status))];
      for (const record of rollouts.values()) initial.push(frame('rollout', record));
      for (const entry of [...operations.values()].reverse()) initial.push(frame('operation', entry));
      const first = clients.size === 0;
      initial.push(frame('logs', JSON.stringify(logFeed.recent(first))));
      res.write(initial.join(''));
      if (first) {
        // The only client has just been sent this state: the next tick sends changes from it, not the same again.
        lastStatusComparable = JSON.stringify({ ...status, generatedAt: undefined });
        lastRollouts = rollouts;
        lastOperations = operations;
      }
      clients.add(res);
      res.once('close', () => drop(res));
      if (timer === undefined) {
        timer = setInterval(tick, intervalMs);
        // The feed never keeps the engine alive on its own.
        timer.unref();
      }
    },
    clientCount: () => clients.size,
  };
}
