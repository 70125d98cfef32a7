// exporter:otlp_http: POSTs each message to `<endpoint>/v1/<signal>` over one keep-alive agent, as the protobuf bytes
// it already is (the default: no work per message), or as OTLP/JSON, optionally gzipped. It only answers what
// happened; the runtime decides about retries (one export at a time).
import type http from 'node:http';
import type { Logger } from 'pino';
import { parseDuration } from '../../../config/duration.js';
import type { Exporter, NodeContext, NodeInstance } from '../../../pipeline/node.js';
import type { BearerTokenProvider, NodeCapabilities } from '../../../extensions/capabilities.js';
import { bearerAuthorization, PartialWarning } from '../otlp-export-support.js';
import type { ExportResult, PData } from '../../../pipeline/pdata.js';
import { bodyEncoder, CONTENT_TYPES, type BodyEncoder } from './body.js';
import { classify } from './classify.js';
import type { OtlpHttpExporterConfig } from './descriptor.js';
import { createAgent, parseTarget, post, type Target } from './http-post.js';

/** Headers that describe the body: the exporter sets them, a configured one is dropped rather than sent wrong. */
const BODY_HEADERS = new Set(['content-type', 'content-encoding', 'content-length']);

class OtlpHttpExporter implements Exporter {
  private target: Target | undefined;
  private agent: http.Agent | undefined;
  private readonly baseHeaders: Record<string, string>;
  private readonly timeoutMs: number;
  /** Undefined for protobuf without compression: the payload is the body. */
  private readonly encode: BodyEncoder | undefined;
  private readonly sendsJson: boolean;
  private logger: Logger | undefined;
  private readonly partialWarning = new PartialWarning();

  constructor(
    private readonly config: Partial<OtlpHttpExporterConfig>,
    /** Bound through `capabilities: { bearer_token_provider: <extension> }`: its token goes out with every request. */
    private readonly tokens?: BearerTokenProvider,
  ) {
    this.timeoutMs = parseDuration(config.timeout ?? '10s');
    const encoding = config.encoding ?? 'proto';
    const compression = config.compression ?? 'none';
    this.encode = bodyEncoder(encoding, compression);
    this.sendsJson = encoding === 'json';
    // A bound token provider owns the Authorization header; a configured one would be a second, stale credential.
    const owned = (name: string) => BODY_HEADERS.has(name) || (tokens !== undefined && name === 'authorization');
    const configured = Object.entries(config.headers ?? {}).filter(([name]) => !owned(name.toLowerCase()));
    this.baseHeaders = Object.fromEntries(configured);
    this.baseHeaders['content-type'] = CONTENT_TYPES[encoding];
    if (compression === 'gzip') this.baseHeaders['content-encoding'] = 'gzip';
  }

  async start(ctx: NodeContext): Promise<void> {
    this.logger = ctx.logger;
    if (!this.config.endpoint) throw new Error('no endpoint configured');
    this.target = parseTarget(this.config.endpoint);
    this.agent = createAgent(this.target);
  }

  async export(pdata: PData): Promise<ExportResult> {
    const { target, agent } = this;
    if (!target || !agent) return { kind: 'failure', reason: 'exporter is not started' };
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
    const outcome = await post(target, agent, target.paths[pdata.signal], headers, body, this.timeoutMs);
    const { result, partial } = classify(outcome, this.sendsJson);
    this.partialWarning.note(partial, this.logger);
    return result;
  }

  async stop(): Promise<void> {
    this.agent?.destroy();
    this.agent = undefined;
  }
}

export function createOtlpHttpExporter(_name: string, config: Record<string, unknown>, capabilities: NodeCapabilities = {}): NodeInstance {
  const node = new OtlpHttpExporter(config as Partial<OtlpHttpExporterConfig>, capabilities.bearer_token_provider);
  return { kind: 'exporter', node };
}
