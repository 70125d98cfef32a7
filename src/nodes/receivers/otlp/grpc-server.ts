// The HTTP/2 side of the OTLP/gRPC receiver: a node:http2 server that never binds, fed the connections the supervisor
// accepted (or the TLS terminator decrypted). It announces SETTINGS_MAX_CONCURRENT_STREAMS, pings each connection every
// keepalive interval (and drops one whose answer does not come in time), and on drain sends GOAWAY to every
// connection, lets the calls in flight finish, and cuts what is left at the deadline. Each stream is handed to
// `onCall` with its headers once they are checked to be a gRPC call; what a call means is the receiver's business.
import http2 from 'node:http2';
import type { Duplex } from 'node:stream';
import { answerError, GrpcStatus } from './grpc-call.js';
import { keepPinging } from '../../../util/http2-keepalive.js';

/** HTTP/2 settings of every connection; Node.js's defaults where absent. */
export interface Http2Tuning {
  /** SETTINGS_INITIAL_WINDOW_SIZE: bytes a client may send on one stream before the receiver reads them. */
  streamWindow?: number;
  /** The connection's receive window, announced by a WINDOW_UPDATE when the session opens. */
  connectionWindow?: number;
  /** SETTINGS_MAX_FRAME_SIZE. */
  maxFrameSize?: number;
}

export interface GrpcServerOptions {
  /** SETTINGS_MAX_CONCURRENT_STREAMS; unlimited when undefined. */
  maxStreams: number | undefined;
  /** HTTP/2 PING interval, and how long its answer may take; no pings when the interval is undefined. */
  keepaliveMs: number | undefined;
  keepaliveTimeoutMs: number | undefined;
  http2: Http2Tuning;
  onCall(stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders): void;
}

/** Most a session buffers (MB): the messages in flight are bounded by max_decoding_message_size × streams instead. */
const SESSION_MEMORY_MB = 1 << 20;
/** grpc-js's default keepalive timeout when only the interval is configured. */
const DEFAULT_KEEPALIVE_TIMEOUT_MS = 20_000;

export class GrpcServer {
  private readonly server: http2.Http2Server;
  private readonly sessions = new Set<http2.ServerHttp2Session>();
  private draining = false;
  private drained: Promise<void> | undefined;
  private onAllClosed: (() => void) | undefined;

  constructor(private readonly options: GrpcServerOptions) {
    const settings: http2.Settings = { enablePush: false };
    if (options.maxStreams !== undefined) settings.maxConcurrentStreams = options.maxStreams;
    if (options.http2.streamWindow !== undefined) settings.initialWindowSize = options.http2.streamWindow;
    if (options.http2.maxFrameSize !== undefined) settings.maxFrameSize = options.http2.maxFrameSize;
    this.server = http2.createServer({ settings, maxSessionMemory: SESSION_MEMORY_MB });
    this.server.on('session', (session) => this.onSession(session));
    this.server.on('stream', (stream, headers) => this.onStream(stream, headers));
    // Errors of a session or stream end it; none may take the instance down.
    this.server.on('sessionError', () => undefined);
  }

  /** Serves a connection (a socket, or the plain side of a TLS connection). */
  inject(socket: Duplex): void {
    this.server.emit('connection', socket);
  }

  get connections(): number {
    return this.sessions.size;
  }

  /** GOAWAY to every connection; calls in flight finish; resolves when all closed, or at the deadline (then cut). */
  drain(deadline: number): Promise<void> {
    this.draining = true;
    this.drained ??= new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.stop();
        resolve();
      }, Math.max(0, deadline - Date.now()));
      this.onAllClosed = () => {
        clearTimeout(timer);
        resolve();
      };
      for (const session of this.sessions) session.close();
      this.checkClosed();
    });
    return this.drained;
  }

  /** Closes every connection at once; calls in flight are reset. */
  stop(): void {
    this.draining = true;
    for (const session of this.sessions) session.destroy();
  }

  private onSession(session: http2.ServerHttp2Session): void {
    this.sessions.add(session);
    session.on('error', () => undefined);
    session.once('close', () => {
      this.sessions.delete(session);
      this.checkClosed();
    });
    // A connection that raced the routing switch is told to go at once (GOAWAY before any stream): its client sends
    // its calls again on a new connection, which reaches a serving instance.
    if (this.draining) return void session.close();
    const { connectionWindow } = this.options.http2;
    if (connectionWindow !== undefined && connectionWindow > (session.state.localWindowSize ?? 0)) session.setLocalWindowSize(connectionWindow);
    this.keepAlive(session);
  }

  private checkClosed(): void {
    if (this.draining && this.sessions.size === 0) this.onAllClosed?.();
  }

  private keepAlive(session: http2.ServerHttp2Session): void {
    const { keepaliveMs } = this.options;
    if (keepaliveMs === undefined) return;
    keepPinging(session, { intervalMs: keepaliveMs, timeoutMs: this.options.keepaliveTimeoutMs ?? DEFAULT_KEEPALIVE_TIMEOUT_MS });
  }

  private onStream(stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders): void {
    stream.on('error', () => undefined);
    const contentType = headers['content-type'];
    if (typeof contentType !== 'string' || !contentType.startsWith('application/grpc')) {
      // Not gRPC: an HTTP answer, as the gRPC spec asks of servers.
      stream.respond({ ':status': 415, 'content-type': 'text/plain' }, { endStream: false });
      stream.end('content-type must be application/grpc');
      return;
    }
    if (headers[':method'] !== 'POST') {
      return answerError(stream, { code: GrpcStatus.UNIMPLEMENTED, details: 'gRPC calls are POST requests' });
    }
    this.options.onCall(stream, headers);
  }
}
