// OTLP/gRPC on connections the supervisor accepted: a grpc-js Server that never binds, fed through a connection
// injector. With `tls`, the TLS terminator completes the handshake first and the injector gets the decrypted socket.
// Payloads pass through as the received bytes (identity (de)serializers); only the wire scan looks inside.
import type { EventEmitter } from 'node:events';
import type { ServerHttp2Session, Settings } from 'node:http2';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { SIGNALS, type Signal } from '../../../pipeline/pdata.js';
import { GRPC_EXPORT_PATHS } from '../../../pdata/otlp-schema.js';
import type { TlsTerminator } from '../../tls/tls-terminator.js';
import type { Admission, Admitter } from './admission.js';
import type { RequestAuth } from './auth.js';
import type { ConcurrencyLimit } from './concurrency.js';
import { deliveredBody, retryStatusDetails } from './responses.js';
import { applySocketOptions, type SocketOptions } from './socket-options.js';

const RETRY_AFTER_SECONDS = 1;
const EMPTY_RESPONSE = Buffer.alloc(0);
const identity = (b: Buffer): Buffer => b;

/** HTTP/2 settings of every connection; Node.js's defaults where absent. */
export interface Http2Tuning {
  /** SETTINGS_INITIAL_WINDOW_SIZE: bytes a client may send on one stream before the receiver reads them. */
  streamWindow?: number;
  /** The connection's receive window, announced by a WINDOW_UPDATE when the session opens. */
  connectionWindow?: number;
  /** SETTINGS_MAX_FRAME_SIZE. */
  maxFrameSize?: number;
}

export interface OtlpGrpcOptions {
  maxRecvBytes: number;
  waitForResult: boolean;
  /** `timeout`: a request not answered by then is CANCELLED (retryable for OTLP clients). None when undefined. */
  timeoutMs: number | undefined;
  /** `max_concurrent_requests`, when set; `loadShed` refuses over it instead of waiting. */
  limit: ConcurrencyLimit | undefined;
  loadShed: boolean;
  /** HTTP/2 SETTINGS_MAX_CONCURRENT_STREAMS; unlimited when undefined. */
  maxStreams: number | undefined;
  /** HTTP/2 PING interval and how long to wait for its answer; keepalive off when the interval is undefined. */
  keepaliveMs: number | undefined;
  keepaliveTimeoutMs: number | undefined;
  http2: Http2Tuning;
  socket: SocketOptions;
  admitter: Admitter;
  logger: Logger;
  /** Present when the receiver binds an authorizer. */
  auth?: RequestAuth;
  /** Builds the TLS terminator that hands decrypted sockets to `onSecure`; absent without `tls`. */
  tls?: (onSecure: (socket: Duplex) => void) => TlsTerminator;
}

/**
 * The OTLP Export service of `signal` with identity (de)serializers: payloads pass through as their bytes. Servers in
 * tests use it too, so that they speak exactly what this receiver speaks.
 */
export function exportService(signal: Signal): grpc.ServiceDefinition {
  return {
    Export: {
      path: GRPC_EXPORT_PATHS[signal],
      requestStream: false,
      responseStream: false,
      requestSerialize: identity,
      requestDeserialize: identity,
      responseSerialize: identity,
      responseDeserialize: identity,
    },
  };
}

function refusal(message: string): Partial<grpc.StatusObject> {
  const metadata = new grpc.Metadata();
  metadata.set('grpc-status-details-bin', retryStatusDetails(grpc.status.RESOURCE_EXHAUSTED, message, RETRY_AFTER_SECONDS));
  return { code: grpc.status.RESOURCE_EXHAUSTED, details: message, metadata };
}

function serverOptions(options: OtlpGrpcOptions): grpc.ServerOptions {
  const out: grpc.ServerOptions = { 'grpc.max_receive_message_length': options.maxRecvBytes };
  if (options.maxStreams !== undefined) out['grpc.max_concurrent_streams'] = options.maxStreams;
  if (options.keepaliveMs !== undefined) {
    out['grpc.keepalive_time_ms'] = options.keepaliveMs;
    if (options.keepaliveTimeoutMs !== undefined) out['grpc.keepalive_timeout_ms'] = options.keepaliveTimeoutMs;
  }
  return out;
}

type Callback = grpc.sendUnaryData<Buffer>;

/** What createInjector reaches inside grpc-js's Server (see there). */
interface GrpcServerInternals {
  commonServerOptions: { settings?: Settings };
  http2Servers: Map<EventEmitter, unknown>;
}

export class OtlpGrpcServer {
  private readonly server: grpc.Server;
  private readonly injector: grpc.ConnectionInjector;
  private readonly tls: TlsTerminator | undefined;
  private shutdown: Promise<void> | undefined;
  private deadline = 0;
  /** Takes connections that raced the routing switch; see inject(). */
  private lateInjector: grpc.ConnectionInjector | undefined;

  constructor(private readonly options: OtlpGrpcOptions) {
    this.server = new grpc.Server(serverOptions(options));
    for (const signal of SIGNALS) {
      this.server.addService(exportService(signal), {
        Export: (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: Callback) => void this.handle(signal, call, callback),
      });
    }
    // TLS, when configured, is done before grpc-js sees the connection: its injector always gets a plain stream.
    this.injector = this.createInjector();
    this.tls = options.tls?.((socket) => this.inject(socket));
  }

  /**
   * A connection injector whose connections announce the configured windows. grpc-js (1.14) takes no HTTP/2 settings
   * for its server, so they are set on the two things it keeps by name: the options it creates each HTTP/2 server
   * with, and the map of those servers (for the connection window, which Node sets per session). A grpc-js that
   * renamed them would fail test/nodes/otlp-grpc-windows.test.ts, which reads the windows a client is given.
   */
  private createInjector(): grpc.ConnectionInjector {
    const { streamWindow, connectionWindow, maxFrameSize } = this.options.http2;
    const internals = this.server as unknown as GrpcServerInternals;
    internals.commonServerOptions.settings = {
      ...internals.commonServerOptions.settings,
      ...(streamWindow !== undefined ? { initialWindowSize: streamWindow } : {}),
      ...(maxFrameSize !== undefined ? { maxFrameSize } : {}),
    };
    const known = new Set(internals.http2Servers.keys());
    const injector = this.server.createConnectionInjector(grpc.ServerCredentials.createInsecure());
    if (connectionWindow !== undefined) {
      for (const http2Server of internals.http2Servers.keys()) {
        if (known.has(http2Server)) continue;
        http2Server.on('session', (session: ServerHttp2Session) => {
          if (connectionWindow > (session.state.localWindowSize ?? 0)) session.setLocalWindowSize(connectionWindow);
        });
      }
    }
    return injector;
  }

  accept(socket: Socket): void {
    applySocketOptions(socket, this.options.socket);
    if (this.tls) return this.tls.accept(socket);
    this.inject(socket);
    // The supervisor accepted with pauseOnConnect; nothing reads a paused socket until it is resumed.
    socket.resume();
  }

  /** GOAWAY to every connection; calls in flight finish; resolves when all sessions closed, or at the deadline. */
  drain(deadline: number): Promise<void> {
    this.deadline = deadline;
    this.shutdown ??= new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.server.forceShutdown();
        this.tls?.closeAll();
        resolve();
      }, Math.max(0, deadline - Date.now()));
      this.server.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
    return this.shutdown;
  }

  stop(): Promise<void> {
    this.server.forceShutdown();
    this.tls?.closeAll();
    return Promise.resolve();
  }

  private inject(socket: Duplex): void {
    if (!this.shutdown) return this.injector.injectConnection(socket);
    // A connection that raced the routing switch is told to go at once: GOAWAY before any stream, so its client
    // retries the calls on a new connection, which reaches a serving instance. It needs an injector of its own:
    // grpc-js stops tracking the sessions of an injector once tryShutdown closed it, and could not GOAWAY them.
    this.lateInjector ??= this.createInjector();
    this.lateInjector.injectConnection(socket);
    this.lateInjector.drain(Math.max(0, this.deadline - Date.now()));
  }

  private async handle(signal: Signal, call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: Callback): Promise<void> {
    const { limit, timeoutMs } = this.options;
    let answered = false;
    let holdsSlot = false;
    let timer: NodeJS.Timeout | undefined;
    // Exactly one answer per call, whichever comes first: the result, the timeout, or the client going away.
    const answer = (error: Partial<grpc.StatusObject> | null, body?: Buffer): void => {
      if (answered) return;
      answered = true;
      clearTimeout(timer);
      if (holdsSlot) limit?.release();
      if (error) callback(error);
      else callback(null, body);
    };
    if (timeoutMs !== undefined) {
      timer = setTimeout(() => answer({ code: grpc.status.CANCELLED, details: `request not completed within the receiver's timeout (${timeoutMs} ms)` }), timeoutMs);
    }
    call.once('cancelled', () => answer({ code: grpc.status.CANCELLED, details: 'cancelled by the client' }));
    if (limit) {
      if (this.options.loadShed) holdsSlot = limit.tryAcquire();
      else holdsSlot = await limit.acquire(timeoutMs);
      if (!holdsSlot) return answer(refusal(`more than max_concurrent_requests (${limit.max}) requests in flight, retry later`));
      if (answered) return limit.release();
    }
    const { auth } = this.options;
    if (auth) {
      const header = call.metadata.get('authorization')[0];
      const decision = await auth.check(typeof header === 'string' ? header : undefined, 'grpc');
      if (!decision.ok) return answer({ code: grpc.status.UNAUTHENTICATED, details: 'missing or invalid credentials' });
    }
    if (answered) return;
    this.export(signal, call.request, answer);
  }

  private export(signal: Signal, request: Buffer, answer: (error: Partial<grpc.StatusObject> | null, body?: Buffer) => void): void {
    let admission: Admission;
    try {
      admission = this.options.admitter.admit(signal, request, this.options.waitForResult);
    } catch (error) {
      // grpc-js does not catch a handler's throw; answering INTERNAL keeps the instance up.
      this.options.logger.error({ err: error }, 'OTLP/gRPC request failed unexpectedly');
      return answer({ code: grpc.status.INTERNAL, details: 'internal error' });
    }
    switch (admission.kind) {
      case 'accepted':
        if (!admission.result) return answer(null, EMPTY_RESPONSE);
        return void admission.result.then((outcome) => {
          if (outcome.ok) return answer(null, deliveredBody(signal, 'protobuf', outcome));
          // Refused for lack of room downstream (a durable buffer at its cap, a full disk): as with a full channel.
          if (outcome.kind === 'full') return answer(refusal(`pipeline is full, retry later: ${outcome.reason}`));
          return answer({ code: grpc.status.UNAVAILABLE, details: `data not delivered: ${outcome.reason}` });
        });
      case 'invalid':
        return answer({ code: grpc.status.INVALID_ARGUMENT, details: `malformed ${signal} request: ${admission.reason}` });
      case 'full':
        return answer(refusal('pipeline is full, retry later'));
    }
  }
}
