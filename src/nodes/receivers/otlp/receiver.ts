// receiver:otlp: OTLP over gRPC and HTTP/1.1, plain or TLS, on connections the supervisor hands over. Both protocols
// share one admission step (wire scan → tryEmit), so a request is validated, counted and refused the same way on either.
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import type { NodeContext, NodeInstance, Receiver } from '../../../pipeline/node.js';
import type { BearerTokenAuthorizer, NodeCapabilities } from '../../../extensions/capabilities.js';
import { parseDuration } from '../../../config/duration.js';
import { ServerTlsMaterial, type TlsServerSettings } from '../../tls/server-tls.js';
import { TlsTerminator } from '../../tls/tls-terminator.js';
import { Admitter, noAdmissions, type AdmissionStats } from './admission.js';
import { RequestAuth } from './auth.js';
import { ConcurrencyLimit } from './concurrency.js';
import type { GrpcSettings, OtlpReceiverConfig } from './config.js';
import type { OtlpGrpcServer } from './grpc-receiver.js';
import type { Http2Tuning } from './grpc-server.js';
import { OtlpHttpServer } from './http-receiver.js';
import { socketOptions } from './socket-options.js';

type State = 'created' | 'started' | 'draining' | 'stopped';

const ms = (value: string | null | undefined): number | undefined =>
  value === null || value === undefined ? undefined : parseDuration(value);

/** HTTP/2 streams per connection: max_concurrent_streams, else max_concurrent_requests, capped by transport_concurrency_limit. */
function maxStreams(grpc: GrpcSettings): number | undefined {
  const streams = grpc.max_concurrent_streams || grpc.max_concurrent_requests || undefined;
  const transport = grpc.transport_concurrency_limit || undefined;
  return transport === undefined ? streams : Math.min(streams ?? transport, transport);
}

/** The HTTP/2 settings the gRPC server announces; what is null keeps Node.js's default. */
function http2Windows(grpc: GrpcSettings): Http2Tuning {
  const tuning: Http2Tuning = {};
  if (grpc.initial_stream_window_size !== null) tuning.streamWindow = grpc.initial_stream_window_size;
  if (grpc.initial_connection_window_size !== null) tuning.connectionWindow = grpc.initial_connection_window_size;
  if (grpc.max_frame_size !== null) tuning.maxFrameSize = grpc.max_frame_size;
  return tuning;
}

export class OtlpReceiver implements Receiver {
  private state: State = 'created';
  private admitter: Admitter | undefined;
  private http: OtlpHttpServer | undefined;
  private grpc: OtlpGrpcServer | undefined;
  private readonly tlsMaterials: ServerTlsMaterial[] = [];

  constructor(
    private readonly name: string,
    private readonly config: OtlpReceiverConfig,
    /** Bound through `capabilities: { bearer_token_authorizer: <extension> }`: requests it refuses get 401 / UNAUTHENTICATED. */
    private readonly authorizer?: BearerTokenAuthorizer,
  ) {}

  async start(ctx: NodeContext): Promise<void> {
    if (this.state !== 'created') throw new Error(`receiver ${this.name}: start() in state ${this.state}`);
    const admitter = new Admitter(ctx);
    const auth = this.authorizer ? new RequestAuth(this.authorizer, ctx) : undefined;
    const { grpc, http } = this.config.protocols;
    // Read before any server exists: a certificate that cannot be used fails the start, naming its field and file.
    const grpcTls = grpc?.tls ? this.tlsFor('grpc', grpc.tls, ['h2'], ctx.logger) : undefined;
    const httpTls = http?.tls ? this.tlsFor('http', http.tls, ['http/1.1'], ctx.logger) : undefined;
    if (http) {
      this.http = new OtlpHttpServer({
        maxBodyBytes: http.max_request_body_size,
        acceptCompressed: http.accept_compressed_requests,
        waitForResult: http.wait_for_result,
        timeoutMs: parseDuration(http.timeout),
        limit: http.max_concurrent_requests > 0 ? new ConcurrencyLimit(http.max_concurrent_requests) : undefined,
        socket: socketOptions(http),
        admitter,
        logger: ctx.logger,
        ...(auth ? { auth } : {}),
        ...(httpTls ? { tls: httpTls } : {}),
      });
    }
    if (grpc) {
      // Loaded only where gRPC is configured: the gRPC stack is the largest module graph an instance can load.
      const { OtlpGrpcServer } = await import('./grpc-receiver.js');
      this.grpc = new OtlpGrpcServer({
        maxRecvBytes: grpc.max_decoding_message_size,
        waitForResult: grpc.wait_for_result,
        timeoutMs: ms(grpc.timeout),
        limit: grpc.max_concurrent_requests > 0 ? new ConcurrencyLimit(grpc.max_concurrent_requests) : undefined,
        loadShed: grpc.load_shed,
        maxStreams: maxStreams(grpc),
        keepaliveMs: ms(grpc.http2_keepalive_interval) || undefined,
        keepaliveTimeoutMs: ms(grpc.http2_keepalive_timeout),
        http2: http2Windows(grpc),
        socket: socketOptions(grpc),
        admitter,
        logger: ctx.logger,
        ...(auth ? { auth } : {}),
        ...(grpcTls ? { tls: grpcTls } : {}),
      });
    }
    for (const material of this.tlsMaterials) material.start();
    this.admitter = admitter;
    this.state = 'started';
  }

  accept(listenerId: string, socket: Socket): void {
    const server =
      listenerId === `${this.name}/http` ? this.http : listenerId === `${this.name}/grpc` ? this.grpc : undefined;
    if (server === undefined || this.state === 'created' || this.state === 'stopped') {
      socket.destroy();
      throw new Error(`receiver ${this.name} (${this.state}) cannot take a connection for listener ${listenerId}`);
    }
    // While draining, a connection that raced the routing switch is still served (HTTP answers with
    // Connection: close; gRPC sessions end at the deadline), rather than reset.
    server.accept(socket);
  }

  async drain(deadline: number): Promise<void> {
    if (this.state === 'stopped') return;
    this.state = 'draining';
    await Promise.all([this.http?.drain(deadline), this.grpc?.drain(deadline)]);
  }

  async stop(): Promise<void> {
    if (this.state === 'stopped') return;
    this.state = 'stopped';
    for (const material of this.tlsMaterials) material.stop();
    await Promise.all([this.http?.stop(), this.grpc?.stop()]);
  }

  /** What the receiver admitted and refused so far (all zero before start). */
  stats(): AdmissionStats {
    return this.admitter?.stats() ?? noAdmissions();
  }

  /** Loads the protocol's TLS files now; the terminator is built by the protocol server, which owns its sockets. */
  private tlsFor(protocol: 'grpc' | 'http', settings: TlsServerSettings, alpn: string[], logger: Logger) {
    const where = `protocols.${protocol}.tls`;
    const material = new ServerTlsMaterial(settings, where, logger);
    this.tlsMaterials.push(material);
    return (onSecure: (socket: Duplex) => void) => new TlsTerminator(material, alpn, onSecure, logger, where);
  }
}

export function createOtlpReceiver(name: string, config: Record<string, unknown>, capabilities: NodeCapabilities = {}): NodeInstance {
  const node = new OtlpReceiver(name, config as unknown as OtlpReceiverConfig, capabilities.bearer_token_authorizer);
  return { kind: 'receiver', node };
}
