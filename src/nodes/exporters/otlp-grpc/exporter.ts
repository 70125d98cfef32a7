// exporter:otlp_grpc: one unary Export call per message on the signal's OTLP service, up to max_in_flight at once,
// spread over num_connections HTTP/2 connections opened on first use. The message goes out as the bytes it arrived as;
// only the answer is read, for partial_success or a retry hint. The gRPC client is node:http2 itself, so that every
// upstream transport setting (socket options, windows, keepalive, connect timeout) can be honoured. Like
// exporter:otlp_http it only says what happened: the runtime decides about retries.
import { lookup } from 'node:dns/promises';
import http2 from 'node:http2';
import { isIP } from 'node:net';
import type { Logger } from 'pino';
import { parseDuration } from '../../../config/duration.js';
import { GRPC_EXPORT_PATHS } from '../../../pdata/otlp-paths.js';
import type { Exporter, NodeContext, NodeInstance } from '../../../pipeline/node.js';
import type { BearerTokenProvider, NodeCapabilities } from '../../../extensions/capabilities.js';
import type { ExportResult, PData } from '../../../pipeline/pdata.js';
import { loadClientTls } from '../../tls/client-tls.js';
import { compress, compressionMethod, type CompressionMethod } from '../compress.js';
import { bearerAuthorization, describeTransportError, PartialWarning, warnIgnoredProxyVariables, warnUnverifiedTls } from '../otlp-export-support.js';
import { classify, GrpcCode, type CallOutcome } from './classify.js';
import { Http2Connection, type ConnectionSettings } from './connection.js';
import type { OtlpGrpcExporterConfig } from './descriptor.js';
import { parseGrpcEndpoint, type GrpcTarget } from './endpoint.js';
import { grpcTimeout } from './grpc-timeout.js';
import { metadataHeaderProblem } from './headers.js';
import { unaryCall } from './unary-call.js';

const USER_AGENT = 'otap-engine';

class OtlpGrpcExporter implements Exporter {
  private connections: Http2Connection[] = [];
  private baseHeaders: http2.OutgoingHttpHeaders = {};
  private readonly timeoutMs: number | undefined;
  private readonly compression: CompressionMethod | undefined;
  private logger: Logger | undefined;
  private readonly partialWarning = new PartialWarning();
  readonly maxInFlight: number;

  constructor(
    private readonly config: Partial<OtlpGrpcExporterConfig>,
    /** Bound through `capabilities: { bearer_token_provider: <extension> }`: its token goes out with every call. */
    private readonly tokens?: BearerTokenProvider,
  ) {
    this.timeoutMs = config.timeout ? parseDuration(config.timeout) : undefined;
    this.compression = compressionMethod(config.compression);
    const perConnection = Math.max(1, config.concurrency_limit ?? 256);
    const connections = Math.max(1, config.num_connections ?? 1);
    // concurrency_limit caps each connection; calls go to the least busy one, so this many never overfill one.
    this.maxInFlight = Math.min(Math.max(1, config.max_in_flight ?? 5), perConnection * connections);
  }

  async start(ctx: NodeContext): Promise<void> {
    this.logger = ctx.logger;
    if (!this.config.grpc_endpoint) throw new Error('no grpc_endpoint configured');
    const target = parseGrpcEndpoint(this.config.grpc_endpoint);
    this.baseHeaders = this.headers(target);
    const settings = await this.connectionSettings(target);
    warnIgnoredProxyVariables(ctx.logger);
    await this.startupCheck(target, settings);
    // Connections open lazily, on the first call: a peer that is down at start is a retryable export, not a failed
    // start (the same as exporter:otlp_http), unless startup_check asks otherwise.
    this.connections = Array.from({ length: Math.max(1, this.config.num_connections ?? 1) }, () => new Http2Connection(settings));
  }

  async export(pdata: PData): Promise<ExportResult> {
    if (this.connections.length === 0) return { kind: 'failure', reason: 'exporter is not started' };
    const headers: http2.OutgoingHttpHeaders = { ...this.baseHeaders, ':path': GRPC_EXPORT_PATHS[pdata.signal] };
    if (this.tokens) {
      const auth = await bearerAuthorization(this.tokens);
      if ('retryable' in auth) return { kind: 'retryable', reason: auth.retryable };
      headers.authorization = auth.header;
    }
    let message: Uint8Array = pdata.payload;
    if (this.compression) {
      try {
        message = await compress(this.compression, pdata.payload);
      } catch (error) {
        return { kind: 'failure', reason: `cannot compress the message: ${(error as Error).message}` };
      }
    }
    const prefix = Buffer.allocUnsafe(5);
    prefix.writeUInt8(this.compression ? 1 : 0, 0);
    prefix.writeUInt32BE(message.byteLength, 1);
    const deadline = this.timeoutMs === undefined ? undefined : Date.now() + this.timeoutMs;
    if (deadline !== undefined) headers['grpc-timeout'] = grpcTimeout(this.timeoutMs!);
    const { result, partial } = classify(await this.call({ headers, prefix, message, deadline }));
    this.partialWarning.note(partial, this.logger);
    return result;
  }

  async stop(): Promise<void> {
    // Calls still in flight end (retryable); the runtime has given up on them by now.
    for (const connection of this.connections) connection.close();
    this.connections = [];
  }

  private async call(request: Parameters<typeof unaryCall>[1]): Promise<CallOutcome> {
    const connection = this.leastBusy();
    connection.inFlight++;
    try {
      // A session that refused the stream (it was closing) is left behind; one more try on a fresh connection.
      for (let attempt = 0; ; attempt++) {
        let session: http2.ClientHttp2Session;
        try {
          session = await connection.acquire();
        } catch (error) {
          return { kind: 'status', code: GrpcCode.UNAVAILABLE, details: `cannot connect: ${describeTransportError(error as Error)}` };
        }
        if (request.deadline !== undefined && Date.now() >= request.deadline) {
          return { kind: 'status', code: GrpcCode.DEADLINE_EXCEEDED, details: 'the call passed its timeout while connecting' };
        }
        try {
          return await unaryCall(session, request);
        } catch (error) {
          connection.discard(session);
          if (attempt > 0) return { kind: 'status', code: GrpcCode.UNAVAILABLE, details: `call could not be made: ${(error as Error).message}` };
        }
      }
    } finally {
      connection.inFlight--;
    }
  }

  private leastBusy(): Http2Connection {
    let best = this.connections[0]!;
    for (const connection of this.connections) if (connection.inFlight < best.inFlight) best = connection;
    return best;
  }

  /** The headers every call carries; configured ones were checked by the schema and are checked again here. */
  private headers(target: GrpcTarget): http2.OutgoingHttpHeaders {
    const headers: http2.OutgoingHttpHeaders = {
      ':method': 'POST',
      ':scheme': target.tls ? 'https' : 'http',
      ':authority': target.authority,
      'content-type': 'application/grpc',
      te: 'trailers',
      'user-agent': this.config.user_agent ? `${this.config.user_agent} ${USER_AGENT}` : USER_AGENT,
      'grpc-accept-encoding': 'identity,deflate,gzip',
    };
    if (this.compression) headers['grpc-encoding'] = this.compression;
    const sensitive = ['authorization'];
    for (const [key, value] of Object.entries(this.config.headers ?? {})) {
      const name = key.toLowerCase();
      // A bound token provider owns `authorization`; a configured one would be a second, stale credential.
      if (this.tokens && name === 'authorization') continue;
      const problem = metadataHeaderProblem(key, value);
      if (problem) throw new Error(problem);
      headers[name] = value;
      sensitive.push(name);
    }
    // Kept out of HPACK's dynamic table, as upstream marks them: header values may be credentials.
    (headers as Record<symbol, unknown>)[http2.sensitiveHeaders] = sensitive;
    return headers;
  }

  private async connectionSettings(target: GrpcTarget): Promise<ConnectionSettings> {
    const c = this.config;
    const settings: ConnectionSettings = {
      host: target.host,
      port: target.port,
      origin: `${target.tls ? 'https' : 'http'}://${target.authority}`,
      connectTimeoutMs: parseDuration(c.connect_timeout ?? '3s'),
      noDelay: c.tcp_nodelay ?? true,
      pingWhileIdle: c.keep_alive_while_idle ?? true,
    };
    const optional = (value: string | null | undefined, fallback: string) => (value === null ? undefined : parseDuration(value ?? fallback));
    const tcpKeepAlive = optional(c.tcp_keepalive, '45s');
    if (tcpKeepAlive !== undefined) settings.tcpKeepAliveMs = tcpKeepAlive;
    const pingInterval = optional(c.http2_keepalive_interval, '30s');
    if (pingInterval !== undefined) settings.pingIntervalMs = pingInterval;
    const pingTimeout = optional(c.http2_keepalive_timeout, '10s');
    if (pingTimeout !== undefined) settings.pingTimeoutMs = pingTimeout;
    const streamWindow = c.initial_stream_window_size === undefined ? 8 * 1024 * 1024 : c.initial_stream_window_size;
    if (streamWindow !== null) settings.streamWindow = streamWindow;
    const connectionWindow = c.initial_connection_window_size === undefined ? 32 * 1024 * 1024 : c.initial_connection_window_size;
    if (connectionWindow !== null) settings.connectionWindow = connectionWindow;
    if (target.tls) {
      const tls = await loadClientTls(c.tls);
      warnUnverifiedTls(this.logger!, tls.verifiesServer);
      settings.tls = tls.options;
    }
    return settings;
  }

  /** upstream's startup_check: `dns` resolves the host, `connect` opens (and closes) one connection. */
  private async startupCheck(target: GrpcTarget, settings: ConnectionSettings): Promise<void> {
    const check = this.config.startup_check ?? 'none';
    if (check === 'dns' && isIP(target.host) === 0) {
      try {
        await lookup(target.host);
      } catch (error) {
        throw new Error(`startup check failed: cannot resolve ${JSON.stringify(target.host)}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
      }
    }
    if (check === 'connect') {
      const probe = new Http2Connection(settings);
      try {
        await probe.acquire();
      } catch (error) {
        throw new Error(`startup check failed: cannot connect to ${target.authority}: ${(error as Error).message}`);
      } finally {
        probe.close();
      }
    }
  }
}

export function createOtlpGrpcExporter(_name: string, config: Record<string, unknown>, capabilities: NodeCapabilities = {}): NodeInstance {
  const node = new OtlpGrpcExporter(config as Partial<OtlpGrpcExporterConfig>, capabilities.bearer_token_provider);
  return { kind: 'exporter', node };
}
