// Real HTTP on 127.0.0.1 port 0, and a raw client for requests fetch refuses to send (dot segments, broken framing).
import { request } from 'node:http';
import { connect } from 'node:net';
import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';
import { afterAll, beforeAll, beforeEach, expect } from 'vitest';
import type { LiveAdminBackend } from '../../src/state/commands.js';
import { startAdminServer, type AdminServer } from '../../src/admin/server.js';

export interface Harness {
  server: AdminServer;
  base: string;
  logs: Array<Record<string, unknown>>;
}

/** A pino logger whose lines are collected as objects, so tests can check what was (and was not) logged. */
export function captureLogger(): { logger: Logger; logs: Array<Record<string, unknown>> } {
  const logs: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, sink), logs };
}

export async function startHarness(backend: LiveAdminBackend, bodyLimitBytes?: number): Promise<Harness> {
  const { logger, logs } = captureLogger();
  const server = await startAdminServer({
    backend,
    bind: '127.0.0.1:0',
    logger,
    ...(bodyLimitBytes !== undefined ? { bodyLimitBytes } : {}),
  });
  return { server, base: `http://${server.address}`, logs };
}

/**
 * One admin server on `backend` for a whole test file: started before its first test, closed after its last, the
 * backend reset before each test. Read its fields inside tests (they exist once it started).
 */
export function harnessPerFile(backend: LiveAdminBackend & { reset(): void }): Harness {
  let current: Harness | undefined;
  beforeAll(async () => {
    current = await startHarness(backend);
  });
  afterAll(async () => {
    await current?.server.close();
  });
  beforeEach(() => backend.reset());
  const started = (): Harness => {
    if (current === undefined) throw new Error('the admin server is started in beforeAll: read it inside a test');
    return current;
  };
  return {
    get server() {
      return started().server;
    },
    get base() {
      return started().base;
    },
    get logs() {
      return started().logs;
    },
  };
}

export const SECURITY = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
} as const;

export function expectSecurityHeaders(headers: Headers | Record<string, string | string[] | undefined>): void {
  const get = (name: string): unknown => (headers instanceof Headers ? headers.get(name) : headers[name]);
  for (const [name, value] of Object.entries(SECURITY)) expect(get(name), name).toBe(value);
  expect(get('x-powered-by') ?? null).toBeNull();
}

/** Checks status, headers and the error body shape; returns the body for further checks. */
export async function expectError(res: Response, status: number, code: string): Promise<Record<string, unknown>> {
  const body = (await res.json()) as Record<string, unknown>;
  expect({ status: res.status, code: body.error_code }).toEqual({ status, code });
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  expect(Object.keys(body).sort()).toEqual(['details', 'error_code', 'kind', 'message']);
  expect(typeof body.message).toBe('string');
  expect(typeof body.details).toBe('object');
  expectSecurityHeaders(res.headers);
  return body;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Sends the path exactly as given (fetch would normalise `..` and `%2e%2e` away). */
export function rawRequest(base: string, method: string, path: string): Promise<RawResponse> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, method, path, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Writes bytes straight to a socket and returns everything the server sends until it closes. */
export function rawSocket(base: string, bytes: string): Promise<string> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname, () => socket.write(bytes));
    let data = '';
    socket.setEncoding('utf8');
    socket.on('data', (c: string) => (data += c));
    socket.on('end', () => resolve(data));
    socket.on('error', reject);
  });
}
