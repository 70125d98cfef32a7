// OTLP/gRPC on connections the supervisor accepted: unary Export calls served on node:http2 (grpc-server.ts for the
// connections, grpc-call.ts for the framing), without a gRPC library: an Export is one message in and one answer out,
// and serving that directly costs a fraction of a general gRPC server per call. With `tls`, the TLS terminator
// completes the handshake first and the server gets the decrypted socket. Payloads pass through as the received
// bytes; only the wire scan looks inside.
import type http2 from 'node:http2';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { SIGNALS, type Signal } from '../../../pipeline/pdata.js';
import { GRPC_EXPORT_PATHS } from '../../../pdata/otlp-paths.js';
import type { TlsTerminator } from '../../tls/tls-terminator.js';
import type { Admission, Admitter } from './admission.js';
import type { RequestAuth } from './auth.js';
import type { ConcurrencyLimit } from './concurrency.js';
import { answerError, answerOk, GrpcStatus, grpcTimeoutMs, readMessage, type CallError } from './grpc-call.js';
import { GrpcServer, type Http2Tuning } from './grpc-server.js';
import { deliveredBody, retryStatusDetails } from './responses.js';
import { applySocketOptions, type SocketOptions } from './socket-options.js';

const RETRY_AFTER_SECONDS = 1;
const EMPTY_RESPONSE = Buffer.alloc(0);

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

const SIGNAL_OF_PATH = new Map<string, Signal>(SIGNALS.map((signal) => [GRPC_EXPORT_PATHS[signal], signal]));
const ENCODINGS = new Set(['identity', 'gzip', 'deflate']);

function refusal(message: string): CallError {
  const code = GrpcStatus.RESOURCE_EXHAUSTED;
  return { code, details: message, statusDetails: retryStatusDetails(code, message, RETRY_AFTER_SECONDS) };
}

type Answer = (error: CallError | null, body?: Buffer) => void;

export class OtlpGrpcServer {
  private readonly server: GrpcServer;
  private readonly tls: TlsTerminator | undefined;

  constructor(private readonly options: OtlpGrpcOptions) {
    this.server = new GrpcServer({
      maxStreams: options.maxStreams,
      keepaliveMs: options.keepaliveMs,
      keepaliveTimeoutMs: options.keepaliveTimeoutMs,
      http2: options.http2,
      onCall: (stream, headers) => this.onCall(stream, headers),
    });
    // TLS, when configured, is done before the HTTP/2 server sees the connection: it always gets a plain stream.
    this.tls = options.tls?.((socket) => this.server.inject(socket));
  }

  accept(socket: Socket): void {
    applySocketOptions(socket, this.options.socket);
    if (this.tls) return this.tls.accept(socket);
    this.server.inject(socket);
    // The supervisor accepted with pauseOnConnect; nothing reads a paused socket until it is resumed.
    socket.resume();
  }

  /** GOAWAY to every connection; calls in flight finish; resolves when all sessions closed, or at the deadline. */
  async drain(deadline: number): Promise<void> {
    await this.server.drain(deadline);
    if (Date.now() >= deadline) this.tls?.closeAll();
  }

  stop(): Promise<void> {
    this.server.stop();
    this.tls?.closeAll();
    return Promise.resolve();
  }

  /** One Export call: checked, read, limited, authorized, admitted; answered exactly once. */
  private onCall(stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders): void {
    const signal = SIGNAL_OF_PATH.get(headers[':path'] ?? '');
    if (signal === undefined) return answerError(stream, { code: GrpcStatus.UNIMPLEMENTED, details: `unknown method ${headers[':path']}` });
    const encoding = String(headers['grpc-encoding'] ?? 'identity');
    if (!ENCODINGS.has(encoding)) {
      return answerError(stream, { code: GrpcStatus.UNIMPLEMENTED, details: `grpc-encoding ${JSON.stringify(encoding)} is not supported (identity, gzip, deflate are)` });
    }
    const { limit, timeoutMs } = this.options;
    let answered = false;
    let holdsSlot = false;
    let timer: NodeJS.Timeout | undefined;
    let deadlineTimer: NodeJS.Timeout | undefined;
    // Exactly one answer per call, whichever comes first: the result, a timeout, or the client going away.
    const answer: Answer = (error, body) => {
      if (answered) return;
      answered = true;
      clearTimeout(timer);
      clearTimeout(deadlineTimer);
      if (holdsSlot) limit?.release();
      if (error) answerError(stream, error);
      else answerOk(stream, body ?? EMPTY_RESPONSE);
    };
    if (timeoutMs !== undefined) {
      timer = setTimeout(() => answer({ code: GrpcStatus.CANCELLED, details: `request not completed within the receiver's timeout (${timeoutMs} ms)` }), timeoutMs);
    }
    const clientDeadline = grpcTimeoutMs(headers['grpc-timeout']);
    if (clientDeadline !== undefined) {
      deadlineTimer = setTimeout(() => answer({ code: GrpcStatus.DEADLINE_EXCEEDED, details: 'Deadline exceeded' }), clientDeadline);
    }
    // A stream closed before the answer (client cancel, reset, connection lost): nobody is left to answer.
    stream.once('close', () => {
      if (!answered) answer({ code: GrpcStatus.CANCELLED, details: 'cancelled by the client' });
    });
    readMessage(stream, encoding, this.options.maxRecvBytes, (outcome) => {
      if (outcome.kind === 'error') return answer(outcome.error);
      void this.handle(signal, outcome.message, headers, answer, () => answered, (held) => (holdsSlot = held));
    });
  }

  private async handle(
    signal: Signal,
    request: Buffer,
    headers: http2.IncomingHttpHeaders,
    answer: Answer,
    answered: () => boolean,
    holding: (held: boolean) => void,
  ): Promise<void> {
    if (answered()) return;
    const { limit, timeoutMs } = this.options;
    if (limit) {
      const held = this.options.loadShed ? limit.tryAcquire() : await limit.acquire(timeoutMs);
      if (!held) return answer(refusal(`more than max_concurrent_requests (${limit.max}) requests in flight, retry later`));
      if (answered()) return limit.release();
      holding(true);
    }
    const { auth } = this.options;
    if (auth) {
      const header = headers['authorization'];
      const decision = await auth.check(typeof header === 'string' ? header : undefined, 'grpc');
      if (!decision.ok) return answer({ code: GrpcStatus.UNAUTHENTICATED, details: 'missing or invalid credentials' });
    }
    if (answered()) return;
    this.export(signal, request, answer);
  }

  private export(signal: Signal, request: Buffer, answer: Answer): void {
    let admission: Admission;
    try {
      admission = this.options.admitter.admit(signal, request, this.options.waitForResult);
    } catch (error) {
      // An unexpected throw is answered INTERNAL and logged; the instance stays up.
      this.options.logger.error({ err: error }, 'OTLP/gRPC request failed unexpectedly');
      return answer({ code: GrpcStatus.INTERNAL, details: 'internal error' });
    }
    switch (admission.kind) {
      case 'accepted':
        if (!admission.result) return answer(null, EMPTY_RESPONSE);
        return void admission.result.then((outcome) => {
          if (outcome.ok) return answer(null, deliveredBody(signal, 'protobuf', outcome));
          // Refused for lack of room downstream (a durable buffer at its cap, a full disk): as with a full channel.
          if (outcome.kind === 'full') return answer(refusal(`pipeline is full, retry later: ${outcome.reason}`));
          return answer({ code: GrpcStatus.UNAVAILABLE, details: `data not delivered: ${outcome.reason}` });
        });
      case 'invalid':
        return answer({ code: GrpcStatus.INVALID_ARGUMENT, details: `malformed ${signal} request: ${admission.reason}` });
      case 'full':
        return answer(refusal('pipeline is full, retry later'));
    }
  }
}
