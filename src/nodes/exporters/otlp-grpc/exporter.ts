// exporter:otlp_grpc: one unary Export call per message on the signal's OTLP service, over one channel opened at start.
// The message goes out as the bytes it arrived as (identity serializer); only the answer is read, for partial_success
// or a retry hint. Like exporter:otlp_http it only says what happened: the runtime decides about retries.
import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { parseDuration } from '../../../config/duration.js';
import { GRPC_EXPORT_PATHS } from '../../../pdata/otlp-schema.js';
import type { Exporter, NodeContext, NodeInstance } from '../../../pipeline/node.js';
import type { BearerTokenProvider, NodeCapabilities } from '../../../extensions/capabilities.js';
import { bearerAuthorization, PartialWarning } from '../otlp-export-support.js';
import type { ExportResult, PData } from '../../../pipeline/pdata.js';
import { INITIAL_BACKOFF_MS, MAX_BACKOFF_MS } from '../../../pipeline/retry.js';
import { classify, type CallOutcome } from './classify.js';
import type { OtlpGrpcExporterConfig } from './descriptor.js';
import { parseGrpcEndpoint } from './endpoint.js';
import { metadataHeaderProblem } from './headers.js';

const identity = (bytes: Buffer): Buffer => bytes;
const STATUS_DETAILS_KEY = 'grpc-status-details-bin';

class OtlpGrpcExporter implements Exporter {
  private client: grpc.Client | undefined;
  private readonly metadata = new grpc.Metadata();
  private readonly timeoutMs: number;
  private logger: Logger | undefined;
  private readonly partialWarning = new PartialWarning();

  constructor(
    private readonly config: Partial<OtlpGrpcExporterConfig>,
    /** Bound through `capabilities: { bearer_token_provider: <extension> }`: its token goes out with every call. */
    private readonly tokens?: BearerTokenProvider,
  ) {
    this.timeoutMs = parseDuration(config.timeout ?? '10s');
  }

  async start(ctx: NodeContext): Promise<void> {
    this.logger = ctx.logger;
    if (!this.config.endpoint) throw new Error('no endpoint configured');
    const target = parseGrpcEndpoint(this.config.endpoint);
    for (const [key, value] of Object.entries(this.config.headers ?? {})) {
      // A bound token provider owns `authorization`; a configured one would be a second, stale credential.
      if (this.tokens && key.toLowerCase() === 'authorization') continue;
      const problem = metadataHeaderProblem(key, value);
      if (problem) throw new Error(problem);
      this.metadata.set(key, value);
    }
    const credentials = target.tls ? grpc.credentials.createSsl() : grpc.credentials.createInsecure();
    const options: grpc.ChannelOptions = {
      // grpc-js waits up to 120 s between reconnect attempts to a peer that is down, failing every call meanwhile:
      // a peer back up would stay unused for minutes. Paced like the runtime's own retries instead.
      'grpc.initial_reconnect_backoff_ms': INITIAL_BACKOFF_MS,
      'grpc.max_reconnect_backoff_ms': MAX_BACKOFF_MS,
    };
    if (this.config.compression === 'gzip') options['grpc.default_compression_algorithm'] = grpc.compressionAlgorithms.gzip;
    // The channel connects lazily, on the first call: a peer that is down at start is a retryable export, not a
    // failed start (the same as exporter:otlp_http).
    this.client = new grpc.Client(target.address, credentials, options);
  }

  async export(pdata: PData): Promise<ExportResult> {
    const { client } = this;
    if (!client) return { kind: 'failure', reason: 'exporter is not started' };
    let authorization: string | undefined;
    if (this.tokens) {
      const auth = await bearerAuthorization(this.tokens);
      if ('retryable' in auth) return { kind: 'retryable', reason: auth.retryable };
      authorization = auth.header;
    }
    const outcome = await this.call(client, pdata, authorization);
    const { result, partial } = classify(outcome);
    this.partialWarning.note(partial, this.logger);
    return result;
  }

  async stop(): Promise<void> {
    // Calls still in flight end with CANCELLED; the runtime has given up on them by now.
    this.client?.close();
    this.client = undefined;
  }

  private call(client: grpc.Client, pdata: PData, authorization: string | undefined): Promise<CallOutcome> {
    return new Promise<CallOutcome>((resolve) => {
      const payload = Buffer.from(pdata.payload.buffer, pdata.payload.byteOffset, pdata.payload.byteLength);
      const options: grpc.CallOptions = { deadline: Date.now() + this.timeoutMs };
      const done: grpc.requestCallback<Buffer> = (error, response) => {
        if (!error) return resolve({ kind: 'ok', response: response ?? Buffer.alloc(0) });
        const statusDetails = error.metadata?.get(STATUS_DETAILS_KEY)[0];
        resolve({
          kind: 'status',
          code: error.code,
          details: error.details ?? error.message,
          statusDetails: Buffer.isBuffer(statusDetails) ? statusDetails : undefined,
        });
      };
      try {
        // A copy per call: the transport adds its own headers to the metadata it is given.
        const metadata = this.metadata.clone();
        if (authorization !== undefined) metadata.set('authorization', authorization);
        client.makeUnaryRequest(GRPC_EXPORT_PATHS[pdata.signal], identity, identity, payload, metadata, options, done);
      } catch (error) {
        // The channel was closed under us (stop raced an export): nothing a retry could fix.
        resolve({ kind: 'status', code: grpc.status.INTERNAL, details: `call could not be made: ${(error as Error).message}` });
      }
    });
  }
}

export function createOtlpGrpcExporter(_name: string, config: Record<string, unknown>, capabilities: NodeCapabilities = {}): NodeInstance {
  const node = new OtlpGrpcExporter(config as Partial<OtlpGrpcExporterConfig>, capabilities.bearer_token_provider);
  return { kind: 'exporter', node };
}
