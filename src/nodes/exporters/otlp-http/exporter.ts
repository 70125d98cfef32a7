// exporter:otlp_http: POSTs each message to `<endpoint>/v1/<signal>` (or the signal's own URL), up to max_in_flight
// at once, over client_pool_size keep-alive pools used in turn, as the protobuf bytes it already is (the default: no
// work per message), or as OTLP/JSON, optionally compressed. It only answers what happened; the runtime decides about
// retries.
import type http from 'node:http';
import type { Logger } from 'pino';
import { parseDuration } from '../../../config/duration.js';
import type { Exporter, NodeContext, NodeInstance } from '../../../pipeline/node.js';
import type { BearerTokenProvider, NodeCapabilities } from '../../../extensions/capabilities.js';
import type { ExportResult, PData, Signal } from '../../../pipeline/pdata.js';
import { loadClientTls } from '../../tls/client-tls.js';
import { compressionMethod } from '../compress.js';
import { bearerAuthorization, PartialWarning, warnIgnoredProxyVariables, warnUnverifiedTls } from '../otlp-export-support.js';
import { bodyEncoder, CONTENT_TYPES, type BodyEncoder } from './body.js';
import { classify } from './classify.js';
import type { OtlpHttpExporterConfig } from './descriptor.js';
import { httpHeaderProblem } from './headers.js';
import { createAgent, post, signalTargets, type AgentSettings, type PostLimits, type Target } from './http-post.js';

const DEFAULT_MAX_RESPONSE_BYTES = 10 * 1024 * 1024;

/** One client of the pool: a keep-alive agent per scheme it needs. */
interface PoolClient {
  http?: http.Agent;
  https?: http.Agent;
}

class OtlpHttpExporter implements Exporter {
  private targets: Record<Signal, Target> | undefined;
  private pool: PoolClient[] = [];
  private next = 0;
  private readonly baseHeaders: Record<string, string>;
  private readonly limits: PostLimits;
  /** Undefined for protobuf without compression: the payload is the body. */
  private readonly encode: BodyEncoder | undefined;
  private readonly sendsJson: boolean;
  private logger: Logger | undefined;
  private readonly partialWarning = new PartialWarning();
  readonly maxInFlight: number;

  constructor(
    private readonly config: Partial<OtlpHttpExporterConfig>,
    /** Bound through `capabilities: { bearer_token_provider: <extension> }`: its token goes out with every request. */
    private readonly tokens?: BearerTokenProvider,
  ) {
    const settings = config.http;
    this.maxInFlight = Math.max(1, config.max_in_flight ?? 5);
    this.limits = {
      connectTimeoutMs: parseDuration(settings?.connect_timeout ?? '3s'),
      maxResponseBytes: config.max_response_body_length ?? DEFAULT_MAX_RESPONSE_BYTES,
      ...(settings?.timeout ? { timeoutMs: parseDuration(settings.timeout) } : {}),
    };
    const encoding = config.encoding ?? 'proto';
    const compression = compressionMethod(settings?.compression);
    this.encode = bodyEncoder(encoding, compression);
    this.sendsJson = encoding === 'json';
    this.baseHeaders = {};
    for (const [name, value] of Object.entries(settings?.headers ?? {})) {
      // A bound token provider owns the Authorization header; a configured one would be a second, stale credential.
      if (tokens !== undefined && name.toLowerCase() === 'authorization') continue;
      this.baseHeaders[name] = value;
    }
    if (settings?.user_agent) this.baseHeaders['user-agent'] = settings.user_agent;
    this.baseHeaders['content-type'] = CONTENT_TYPES[encoding];
    if (compression) this.baseHeaders['content-encoding'] = compression;
  }

  async start(ctx: NodeContext): Promise<void> {
    this.logger = ctx.logger;
    const { config } = this;
    if (!config.endpoint) throw new Error('no endpoint configured');
    for (const [name, value] of Object.entries(config.http?.headers ?? {})) {
      const problem = httpHeaderProblem(name, value);
      if (problem) throw new Error(problem);
    }
    this.targets = signalTargets(config.endpoint, {
      ...(config.traces_endpoint !== undefined ? { traces: config.traces_endpoint } : {}),
      ...(config.metrics_endpoint !== undefined ? { metrics: config.metrics_endpoint } : {}),
      ...(config.logs_endpoint !== undefined ? { logs: config.logs_endpoint } : {}),
    });
    const targets = Object.values(this.targets);
    const settings: AgentSettings = { noDelay: config.http?.tcp_nodelay ?? true };
    const keepAlive = config.http?.tcp_keepalive;
    if (keepAlive !== null) settings.tcpKeepAliveMs = parseDuration(keepAlive ?? '45s');
    if (targets.some((t) => t.isHttps)) {
      const tls = await loadClientTls(config.http?.tls);
      warnUnverifiedTls(ctx.logger, tls.verifiesServer);
      settings.tls = tls.options;
    }
    warnIgnoredProxyVariables(ctx.logger);
    const size = Math.max(1, config.client_pool_size ?? 1);
    this.pool = Array.from({ length: size }, () => ({
      ...(targets.some((t) => !t.isHttps) ? { http: createAgent(false, settings) } : {}),
      ...(targets.some((t) => t.isHttps) ? { https: createAgent(true, settings) } : {}),
    }));
  }

  async export(pdata: PData): Promise<ExportResult> {
    const { targets } = this;
    if (!targets || this.pool.length === 0) return { kind: 'failure', reason: 'exporter is not started' };
    let body = pdata.payload;
    if (this.encode) {
      const encoded = await this.encode(pdata);
      if (!encoded.ok) return { kind: 'failure', reason: encoded.reason };
      body = encoded.body;
    }
    const headers: Record<string, string> = { ...this.baseHeaders, 'content-length': String(body.byteLength) };
    if (this.tokens) {
      const auth = await bearerAuthorization(this.tokens);
      if ('retryable' in auth) return { kind: 'retryable', reason: auth.retryable };
      headers.authorization = auth.header;
    }
    const target = targets[pdata.signal];
    const client = this.pool[this.next]!;
    this.next = (this.next + 1) % this.pool.length;
    const agent = (target.isHttps ? client.https : client.http)!;
    const outcome = await post(target, agent, headers, body, this.limits);
    const { result, partial } = classify(outcome, this.sendsJson);
    this.partialWarning.note(partial, this.logger);
    return result;
  }

  async stop(): Promise<void> {
    for (const client of this.pool) {
      client.http?.destroy();
      client.https?.destroy();
    }
    this.pool = [];
  }
}

export function createOtlpHttpExporter(_name: string, config: Record<string, unknown>, capabilities: NodeCapabilities = {}): NodeInstance {
  const node = new OtlpHttpExporter(config as Partial<OtlpHttpExporterConfig>, capabilities.bearer_token_provider);
  return { kind: 'exporter', node };
}
