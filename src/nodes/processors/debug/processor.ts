// processor:debug: shows what flows through a point of a pipeline in the instance's log, one `info` line per message
// (or per sampled message), and hands every message on unchanged. `detailed` decodes the message to put its OTLP/JSON
// in the line; `basic` never decodes.
import type { NodeContext, NodeInstance, Processor } from '../../../pipeline/node.js';
import type { PData, Signal } from '../../../pipeline/pdata.js';
import { otlpProtoToJson } from '../../../pdata/json.js';
import type { DebugProcessorConfig } from './descriptor.js';

export interface DebugSettings {
  detailed: boolean;
  /** Log message 1, 1 + every, 1 + 2 × every, ... */
  every: number;
}

const ITEM_NOUN: Readonly<Record<Signal, readonly [one: string, many: string]>> = {
  logs: ['log record', 'log records'],
  traces: ['span', 'spans'],
  metrics: ['data point', 'data points'],
};

export function debugSettings(config: Partial<DebugProcessorConfig>): DebugSettings {
  const every = config.sampling?.every ?? 1;
  return { detailed: config.verbosity === 'detailed', every: Number.isInteger(every) && every >= 1 ? every : 1 };
}

export class DebugProcessor implements Processor {
  /** Messages seen so far. */
  private seen = 0;

  constructor(private readonly settings: DebugSettings) {}

  process(pdata: PData, ctx: NodeContext): Promise<void> {
    const message = ++this.seen;
    if ((message - 1) % this.settings.every === 0) this.log(pdata, message, ctx);
    return ctx.emit(pdata);
  }

  private log(pdata: PData, message: number, ctx: NodeContext): void {
    const { signal, items } = pdata;
    const bytes = pdata.payload.byteLength;
    const summary = `debug: ${signal}, ${items} ${ITEM_NOUN[signal][items === 1 ? 0 : 1]}, ${bytes} bytes`;
    const fields: Record<string, unknown> = { signal, items, bytes, seq: message };
    if (this.settings.detailed) {
      const rendered = otlpProtoToJson(signal, pdata.payload);
      if (rendered.ok) fields.otlp = rendered.json;
      else fields.decodeError = rendered.reason;
    }
    ctx.logger.info(fields, summary);
  }
}

export function createDebugProcessor(_name: string, config: Record<string, unknown>): NodeInstance {
  return { kind: 'processor', node: new DebugProcessor(debugSettings(config as Partial<DebugProcessorConfig>)) };
}
