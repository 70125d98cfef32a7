// exporter:console: shows what flows through a pipeline on standard output, in one of three formats:
// - `pretty` (default): logs and metrics as a tree of resources, scopes and records (pretty-logs.ts, pretty-metrics.ts);
// - `record_json`: one JSON object per log record (record-json.ts);
// - `otlp_json` (ours): one line of OTLP/JSON per message, every signal.
// As upstream, output is best effort: a message this format cannot show (traces in `pretty`, metrics in `record_json`,
// bytes that do not decode) is accepted with all its items reported rejected, so the runtime counts and logs them and
// a waiting client hears it as a partial success; it is never retried.
import type { Writable } from 'node:stream';
import type { Exporter, NodeContext, NodeInstance } from '../../../pipeline/node.js';
import type { ExportResult, PData } from '../../../pipeline/pdata.js';
import { otlpProtoToJson } from '../../../pdata/json.js';
import type { ConsoleExporterConfig } from './descriptor.js';
import type { LogsRequest, MetricsRequest } from './otlp-json.js';
import { ASCII_TREE, prettyLogs, UNICODE_TREE } from './pretty-logs.js';
import { PrettyMetrics } from './pretty-metrics.js';
import { RecordJson } from './record-json.js';
import { guardedStdout } from '../../../util/stdio.js';
import { styler } from './text.js';

type Render = (pdata: PData, json: Record<string, unknown>) => string | { unsupported: string };

function renderer(config: ConsoleExporterConfig): Render {
  switch (config.format) {
    case 'otlp_json':
      return (_pdata, json) => `${JSON.stringify(json)}\n`;
    case 'record_json': {
      const records = new RecordJson(config.record_json);
      return (pdata, json) =>
        pdata.signal === 'logs' ? records.render(json as LogsRequest) : { unsupported: `format record_json shows logs only; select pretty to see ${pdata.signal}` };
    }
    case 'pretty': {
      const style = styler(config.color);
      const tree = config.unicode ? UNICODE_TREE : ASCII_TREE;
      const metrics = new PrettyMetrics(style, tree, config.pretty.histogram);
      return (pdata, json) => {
        if (pdata.signal === 'logs') return prettyLogs(json as LogsRequest, style, tree);
        if (pdata.signal === 'metrics') return metrics.render(json as MetricsRequest);
        return { unsupported: 'format pretty does not show traces; use processor:debug, or format otlp_json' };
      };
    }
  }
}

export class ConsoleExporter implements Exporter {
  private readonly render: Render;

  constructor(
    config: ConsoleExporterConfig,
    private readonly out: Writable = guardedStdout(),
  ) {
    this.render = renderer(config);
  }

  async start(_ctx: NodeContext): Promise<void> {}

  async export(pdata: PData): Promise<ExportResult> {
    const decoded = otlpProtoToJson(pdata.signal, pdata.payload);
    const text = decoded.ok ? this.render(pdata, decoded.json) : { unsupported: `exporter:console cannot read the message: ${decoded.reason}` };
    if (typeof text !== 'string') return { kind: 'success', rejectedItems: pdata.items, message: text.unsupported };
    if (text !== '') await this.write(text);
    return { kind: 'success' };
  }

  async stop(): Promise<void> {}

  /**
   * Waits for 'drain' when the stream is saturated, so a slow terminal or pipe slows the pipeline instead of growing
   * memory. A stream whose reader has gone (src/util/stdio.ts) is closed and takes nothing more: what would have been
   * printed goes nowhere, as to a closed terminal, and the pipeline goes on.
   */
  private write(text: string): Promise<void> {
    if (this.out.destroyed || this.out.write(text)) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.out.off('drain', done);
        this.out.off('close', done);
        resolve();
      };
      this.out.once('drain', done);
      this.out.once('close', done);
    });
  }
}

export function createConsoleExporter(_name: string, config: Record<string, unknown>): NodeInstance {
  return { kind: 'exporter', node: new ConsoleExporter(config as unknown as ConsoleExporterConfig) };
}
