// exporter:console: shows what flows through a pipeline on stdout. `basic` prints one summary line per message;
// `detailed` prints the message as one line of OTLP/JSON (the JSON Lines form of the OTLP file exporter).
import type { Writable } from 'node:stream';
import type { Exporter, NodeContext, NodeInstance } from '../../../pipeline/node.js';
import type { ExportResult, PData } from '../../../pipeline/pdata.js';
import { otlpProtoToJson } from '../../../pdata/json.js';
import type { ConsoleExporterConfig } from './descriptor.js';

const ITEM_NOUN: Readonly<Record<PData['signal'], readonly [one: string, many: string]>> = {
  logs: ['log record', 'log records'],
  traces: ['span', 'spans'],
  metrics: ['data point', 'data points'],
};

export class ConsoleExporter implements Exporter {
  constructor(
    private readonly name: string,
    private readonly config: ConsoleExporterConfig,
    private readonly out: Writable = process.stdout,
  ) {}

  async start(_ctx: NodeContext): Promise<void> {}

  async export(pdata: PData): Promise<ExportResult> {
    let line: string;
    if (this.config.verbosity === 'detailed') {
      const rendered = otlpProtoToJson(pdata.signal, pdata.payload);
      // A payload that does not decode will not decode on a retry either.
      if (!rendered.ok) return { kind: 'failure', reason: rendered.reason };
      line = JSON.stringify(rendered.json);
    } else {
      const when = new Date().toISOString();
      const noun = ITEM_NOUN[pdata.signal][pdata.items === 1 ? 0 : 1];
      line = `${when} ${this.name}: ${pdata.signal}, ${pdata.items} ${noun}, ${pdata.payload.byteLength} bytes`;
    }
    await this.write(`${line}\n`);
    return { kind: 'success' };
  }

  async stop(): Promise<void> {}

  /** Waits for 'drain' when the stream is saturated, so a slow terminal or pipe slows the pipeline instead of growing memory. */
  private write(text: string): Promise<void> {
    if (this.out.write(text)) return Promise.resolve();
    return new Promise((resolve) => this.out.once('drain', resolve));
  }
}

export function createConsoleExporter(name: string, config: Record<string, unknown>): NodeInstance {
  return { kind: 'exporter', node: new ConsoleExporter(name, config as unknown as ConsoleExporterConfig) };
}
