// exporter:otlp_http: POSTs each message, still encoded, to `<endpoint>/v1/<signal>` as application/x-protobuf over
// one keep-alive agent. It only answers what happened; the runtime decides about retries (one export at a time).
import type http from 'node:http';
import type { Logger } from 'pino';
import { parseDuration } from '../../../config/duration.js';
import type { Exporter, NodeContext, NodeInstance } from '../../../pipeline/node.js';
import type { ExportResult, PData } from '../../../pipeline/pdata.js';
import { classify } from './classify.js';
import type { OtlpHttpExporterConfig } from './descriptor.js';
import { createAgent, parseTarget, post, type Target } from './http-post.js';

class OtlpHttpExporter implements Exporter {
  private target: Target | undefined;
  private agent: http.Agent | undefined;
  private readonly baseHeaders: Record<string, string>;
  private readonly timeoutMs: number;
  private logger: Logger | undefined;
  private warnedPartial = false;

  constructor(private readonly config: Partial<OtlpHttpExporterConfig>) {
    this.timeoutMs = parseDuration(config.timeout ?? '10s');
    // Configured headers first, so they cannot replace the two that describe the body.
    this.baseHeaders = { ...(config.headers ?? {}), 'content-type': 'application/x-protobuf' };
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
    const headers = { ...this.baseHeaders, 'content-length': String(pdata.payload.byteLength) };
    const outcome = await post(target, agent, target.paths[pdata.signal], headers, pdata.payload, this.timeoutMs);
    const { result, partial } = classify(outcome);
    // Rejected items are counted and logged by the runtime; a warning with nothing rejected is only worth one line.
    if (partial && partial.rejected === 0 && !this.warnedPartial) {
      this.logger?.warn({ message: partial.message }, 'peer accepted the data with a warning (logged once)');
      this.warnedPartial = true;
    }
    return result;
  }

  async stop(): Promise<void> {
    this.agent?.destroy();
    this.agent = undefined;
  }
}

export function createOtlpHttpExporter(_name: string, config: Record<string, unknown>): NodeInstance {
  return { kind: 'exporter', node: new OtlpHttpExporter(config as Partial<OtlpHttpExporterConfig>) };
}
