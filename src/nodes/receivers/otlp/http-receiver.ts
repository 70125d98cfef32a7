// OTLP/HTTP on connections the supervisor accepted: a node:http server that never listens. With `tls`, the TLS
// terminator completes the handshake first and the server gets the decrypted socket. Draining answers every further
// request normally but with `Connection: close`, closes keep-alive connections that stay idle, and resolves when every
// connection is gone (server.close() alone would wait for keepAliveTimeout on busy keep-alive sockets).
import http from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import type { TlsTerminator } from '../../tls/tls-terminator.js';
import type { Signal } from '../../../pipeline/pdata.js';
import type { Admitter } from './admission.js';
import type { RequestAuth } from './auth.js';
import type { ConcurrencyLimit } from './concurrency.js';
import { readBody } from './http-body.js';
import { CONTENT_TYPE, requestEncoding, type WireEncoding } from './http-media.js';
import { deliveredBody, rpcCodeForHttp, statusBody, successBody } from './responses.js';
import { applySocketOptions, type SocketOptions } from './socket-options.js';

const ROUTES: ReadonlyMap<string, Signal> = new Map([
  ['/v1/logs', 'logs'],
  ['/v1/traces', 'traces'],
  ['/v1/metrics', 'metrics'],
]);

/** google.rpc.Code UNAUTHENTICATED, in the body of a 401. */
const UNAUTHENTICATED = 16;

/** Seconds an OTLP client should wait before retrying a request refused because the pipeline is full. */
const RETRY_AFTER_SECONDS = 1;
const RETRY_LATER: Readonly<Record<string, string>> = { 'Retry-After': String(RETRY_AFTER_SECONDS) };

/** What an answer adds: headers, and whether the connection closes after it. */
interface Extra {
  close?: boolean;
  headers?: Readonly<Record<string, string>>;
}

export interface OtlpHttpOptions {
  maxBodyBytes: number;
  /** `accept_compressed_requests` */
  acceptCompressed: boolean;
  waitForResult: boolean;
  /** `timeout`: a request not answered by then gets 503 (retryable), whatever it was waiting for. */
  timeoutMs: number;
  /** `max_concurrent_requests`, when set: a request over it waits for a slot until its timeout. */
  limit: ConcurrencyLimit | undefined;
  socket: SocketOptions;
  admitter: Admitter;
  logger: Logger;
  /** Present when the receiver binds an authorizer. */
  auth?: RequestAuth;
  /** Builds the TLS terminator that hands decrypted sockets to `onSecure`; absent without `tls`. */
  tls?: (onSecure: (socket: Duplex) => void) => TlsTerminator;
}

/**
 * How long a draining server leaves idle keep-alive connections open before closing them. HTTP/1.1 cannot tell an
 * idle client to go away, and closing a connection while the client's next request is on the wire fails that
 * request (every busy client failed that way when idle connections were closed at once). Within the grace a busy
 * client sends its next request, gets `Connection: close`, and reconnects cleanly; only connections that stayed
 * quiet for the whole grace are closed.
 */
const IDLE_GRACE_MS = 250;

export class OtlpHttpServer {
  private readonly server: http.Server;
  private openConnections = 0;
  private draining = false;
  /** Set once the idle grace is over: from then on a connection that turns idle is closed at once. */
  private closeWhenIdle = false;
  private drained: Promise<void> | undefined;
  private whenClosed: (() => void) | undefined;
  private readonly tls: TlsTerminator | undefined;

  constructor(private readonly options: OtlpHttpOptions) {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    // node:http starts tracking connections (closeIdleConnections, closeAllConnections, header/request timeouts)
    // on 'listening'. This server never listens, so it is told it does.
    this.server.emit('listening');
    this.tls = options.tls?.((socket) => this.server.emit('connection', socket));
  }

  accept(socket: Socket): void {
    // Counted from the TCP connection, so a drain also waits for (or cuts) handshakes under way.
    this.openConnections++;
    socket.once('close', () => {
      if (--this.openConnections === 0) this.whenClosed?.();
    });
    applySocketOptions(socket, this.options.socket);
    if (this.tls) return this.tls.accept(socket);
    this.server.emit('connection', socket);
    // The supervisor accepted with pauseOnConnect; nothing reads a paused socket until it is resumed.
    socket.resume();
  }

  /** Resolves once every connection is closed: by its client after a `Connection: close` answer, by the idle grace, or at the deadline. */
  drain(deadline: number): Promise<void> {
    this.draining = true;
    this.drained ??= new Promise<void>((resolve) => {
      if (this.openConnections === 0) return resolve();
      const remaining = Math.max(0, deadline - Date.now());
      const grace = setTimeout(() => {
        this.closeWhenIdle = true;
        this.server.closeIdleConnections();
      }, Math.min(IDLE_GRACE_MS, remaining / 2));
      const hard = setTimeout(() => {
        this.server.closeAllConnections();
        this.tls?.closeAll();
        done();
      }, remaining);
      const done = (): void => {
        clearTimeout(grace);
        clearTimeout(hard);
        this.whenClosed = undefined;
        resolve();
      };
      this.whenClosed = done;
    });
    return this.drained;
  }

  stop(): Promise<void> {
    this.draining = true;
    this.server.closeAllConnections();
    this.tls?.closeAll();
    // Clears node:http's connection-checking interval; "not running" is the expected error of a server that never listened.
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    // An answer that began before the drain went out with keep-alive; its connection turns idle only now.
    res.once('finish', () => {
      if (this.closeWhenIdle) setImmediate(() => this.server.closeIdleConnections());
    });
    const { timeoutMs } = this.options;
    // Whatever the request is waiting for (a slot, its body, its result), it is answered within the timeout.
    const timer = setTimeout(() => {
      const message = `request not completed within the receiver's timeout (${timeoutMs} ms)`;
      this.fail(res, requestEncoding(req.headers) ?? 'json', 503, message, { close: true, headers: RETRY_LATER });
    }, timeoutMs);
    try {
      await this.route(req, res);
    } catch (error) {
      this.options.logger.error({ err: error }, 'OTLP/HTTP request failed unexpectedly');
      if (!res.headersSent) this.send(res, 500, 'json', statusBody('json', 13, 'internal error'), { close: true });
      else if (!res.writableEnded) res.destroy();
    } finally {
      clearTimeout(timer);
    }
  }

  private async route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    const path = query < 0 ? url : url.slice(0, query);
    const signal = ROUTES.get(path);
    const encoding = requestEncoding(req.headers);
    if (signal === undefined) {
      return this.fail(res, encoding ?? 'json', 404, `no OTLP endpoint at ${path}: use /v1/logs, /v1/traces or /v1/metrics`);
    }
    if (req.method !== 'POST') {
      return this.fail(res, encoding ?? 'json', 405, `method ${req.method} not allowed: OTLP/HTTP takes POST`, { headers: { Allow: 'POST' } });
    }
    const { limit } = this.options;
    if (limit) {
      if (!(await limit.acquire(this.options.timeoutMs))) {
        const message = `more than max_concurrent_requests (${limit.max}) requests in flight, retry later`;
        return this.fail(res, encoding ?? 'json', 503, message, { close: true, headers: RETRY_LATER });
      }
      try {
        // A slot that frees up after the timeout answered comes too late: the client retries this request anyway.
        if (res.headersSent) return;
        return await this.admitted(req, res, signal, encoding);
      } finally {
        limit.release();
      }
    }
    return this.admitted(req, res, signal, encoding);
  }

  private async admitted(req: http.IncomingMessage, res: http.ServerResponse, signal: Signal, encoding: WireEncoding | undefined): Promise<void> {
    if (this.options.auth) {
      const decision = await this.options.auth.check(req.headers.authorization, 'http');
      if (!decision.ok) {
        // The body is left unread (no work for an unauthenticated client), so the connection cannot be reused.
        const status = statusBody(encoding ?? 'json', UNAUTHENTICATED, 'missing or invalid credentials');
        return this.send(res, 401, encoding ?? 'json', status, { close: true, headers: { 'WWW-Authenticate': this.options.auth.challenge } });
      }
    }
    if (encoding === undefined) {
      const given = req.headers['content-type'] ?? 'none';
      return this.fail(res, 'json', 415, `unsupported Content-Type ${given}: use application/x-protobuf or application/json`);
    }

    const body = await readBody(req, this.options.maxBodyBytes, this.options.acceptCompressed);
    if (res.headersSent) return; // answered by the timeout meanwhile
    // A refused body may still be arriving; closing the connection is cheaper than reading it to the end.
    if (!body.ok) return this.fail(res, encoding, body.status, body.reason, { close: body.status !== 415 });

    let payload: Uint8Array = body.body;
    if (encoding === 'json') {
      // Loaded at the first JSON request: the conversion needs the OTLP schema's protobuf reflection (about 3 MiB an
      // instance), which protobuf clients never need.
      const { otlpJsonToProto } = await import('../../../pdata/json.js');
      const converted = otlpJsonToProto(signal, body.body);
      if (!converted.ok) return this.fail(res, encoding, 400, `malformed OTLP/JSON ${signal} request: ${converted.reason}`);
      payload = converted.payload;
    }
    const admission = this.options.admitter.admit(signal, payload, this.options.waitForResult);
    switch (admission.kind) {
      case 'accepted': {
        if (!admission.result) return this.send(res, 200, encoding, successBody(encoding));
        const outcome = await admission.result;
        if (outcome.ok) return this.send(res, 200, encoding, deliveredBody(signal, encoding, outcome));
        // Refused for lack of room downstream (a durable buffer at its cap, a full disk): as with a full channel.
        if (outcome.kind === 'full') return this.fail(res, encoding, 429, `pipeline is full, retry later: ${outcome.reason}`, { headers: RETRY_LATER });
        // Not delivered: retryable for the client, which still holds the data.
        return this.fail(res, encoding, 503, `data not delivered: ${outcome.reason}`, { headers: RETRY_LATER });
      }
      case 'invalid':
        return this.fail(res, encoding, 400, `malformed ${signal} request: ${admission.reason}`);
      case 'full':
        return this.fail(res, encoding, 429, 'pipeline is full, retry later', { headers: RETRY_LATER });
    }
  }

  private fail(res: http.ServerResponse, encoding: WireEncoding, status: number, message: string, extra: Extra = {}): void {
    this.send(res, status, encoding, statusBody(encoding, rpcCodeForHttp(status), message), extra);
  }

  private send(res: http.ServerResponse, status: number, encoding: WireEncoding, body: Buffer, extra: Extra = {}): void {
    // A request has one answer: the first of its outcome and its timeout.
    if (res.headersSent) return;
    // Decided when the answer leaves, not when the request arrived: a request in flight when the drain began still
    // tells its client to reconnect (to a serving instance).
    if (this.draining || extra.close) res.setHeader('Connection', 'close');
    res.writeHead(status, { ...extra.headers, 'Content-Type': CONTENT_TYPE[encoding], 'Content-Length': body.length });
    res.end(body);
  }
}
