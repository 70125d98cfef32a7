// processor:debug: hands every message on unchanged and shows what passed, as upstream's debug processor does:
// - `verbosity`: `basic` shows the counts of each message; `normal` also one line per resource, scope and record;
//   `detailed` every field of every record, and when the data was acknowledged downstream (ACK/NACK and after how long).
// - `mode`: `batch` shows a message as a whole, `signal` each log record, metric or span on its own.
// - `signals` chooses which signals are shown (`spans` for traces); `filters` and `sampling` thin what is shown.
// - `output`: stdout (default), a file, or output ports that receive what is shown as data, while the data itself goes
//   on through the node's other connected ports.
// Only the signals shown are decoded; nothing done here changes the data passed on.
import { Ack } from '../../../pipeline/ack.js';
import { Episode } from '../../../pipeline/episode.js';
import type { NodeContext, NodeInstance, Processor } from '../../../pipeline/node.js';
import type { PData, Signal } from '../../../pipeline/pdata.js';
import { otlpJsonToProto, otlpProtoToJson } from '../../../pdata/json.js';
import type { LogsRequest, MetricsRequest, TracesRequest } from '../../exporters/console/otlp-json.js';
import type { DebugProcessorConfig, DebugSignal } from './descriptor.js';
import { filterLogs, filterMetrics, filterTraces } from './filter.js';
import { FileOutput, StreamOutput, type TextOutput } from './output.js';
import { itemsOf, singles, type AnyRequest, type Single } from './records.js';
import { detailedLogRecord, detailedLogs, detailedMetric, detailedMetrics, detailedSpan, detailedTraces } from './render-detailed.js';
import { countsLine, logLine, metricLines, normalLogs, normalMetrics, normalTraces, spanLine } from './render-normal.js';
import { Sampler } from './sampler.js';

const SHOWN_AS: Record<Signal, DebugSignal> = { logs: 'logs', metrics: 'metrics', traces: 'spans' };

export class DebugProcessor implements Processor {
  private readonly shown: ReadonlySet<DebugSignal>;
  private readonly sampler: Sampler;
  private readonly outputPorts: readonly string[] | undefined;
  private text: TextOutput | undefined;
  /** Output ports mode: where the data goes on (the connected ports that are no output port). */
  private mainPorts: readonly (string | undefined)[] = [undefined];
  private problems: Episode | undefined;

  constructor(
    private readonly name: string,
    private readonly config: DebugProcessorConfig,
    stdout?: TextOutput,
  ) {
    this.shown = new Set(config.signals);
    this.sampler = new Sampler(config.sampling);
    this.outputPorts = Array.isArray(config.output) ? config.output : undefined;
    if (this.outputPorts === undefined && typeof config.output !== 'string') this.text = stdout ?? new StreamOutput();
  }

  async start(ctx: NodeContext): Promise<void> {
    this.problems = new Episode(ctx.logger, 'processor:debug cannot show data');
    if (typeof this.config.output === 'string') this.text = await FileOutput.open(this.config.output);
    const outputs = this.outputPorts;
    const connected = ctx.connectedPorts?.();
    if (outputs === undefined || connected === undefined) return;
    const missing = outputs.filter((p) => !connected.includes(p));
    if (missing.length > 0) {
      throw new Error(`processor:debug: output ports not connected: ${missing.join(', ')} (connected: ${connected.join(', ') || 'none'})`);
    }
    this.mainPorts = connected.filter((p) => !outputs.includes(p));
  }

  async process(pdata: PData, ctx: NodeContext): Promise<void> {
    const watch = this.config.verbosity === 'detailed' && this.text !== undefined ? this.watch(pdata) : undefined;
    const onward = watch?.pdata ?? pdata;
    try {
      await Promise.all(this.mainPorts.map((port) => ctx.emit(onward, port)));
      watch?.ack.release();
    } catch (error) {
      watch?.ack.release((error as Error).message);
      throw error;
    }
    if (!this.shown.has(SHOWN_AS[pdata.signal])) return;
    const decoded = otlpProtoToJson(pdata.signal, pdata.payload);
    if (!decoded.ok) {
      this.problems?.hit(pdata.items, { reason: decoded.reason });
      return;
    }
    this.problems?.end();
    const json = decoded.json as AnyRequest;
    if (this.text !== undefined) await this.show(pdata.signal, json);
    else await this.sendShown(pdata.signal, json, ctx);
  }

  async stop(): Promise<void> {
    await this.text?.close();
  }

  /** detailed: an acknowledgement of our own rides along, to tell when (and whether) the data was delivered. */
  private watch(pdata: PData): { pdata: PData; ack: Ack } {
    const ack = new Ack(pdata.items);
    const sentAt = performance.now();
    void ack.settled.then((outcome) => {
      const ms = (performance.now() - sentAt).toFixed(1);
      void this.write(outcome.ok ? `ACK received after ${ms} ms` : `NACK received after ${ms} ms: ${outcome.reason}`);
    });
    return { pdata: { ...pdata, acks: [...(pdata.acks ?? []), ack] }, ack };
  }

  private async show(signal: Signal, json: AnyRequest): Promise<void> {
    await this.write(countsLine(signal, json));
    if (this.config.verbosity === 'basic') return;
    const filtered = this.filtered(signal, json);
    const detailed = this.config.verbosity === 'detailed';
    if (this.config.mode === 'batch') {
      if (!this.sampler.take()) return;
      if (signal === 'logs') await this.write(detailed ? detailedLogs(filtered) : normalLogs(filtered), false);
      else if (signal === 'traces') await this.write(detailed ? detailedTraces(filtered) : normalTraces(filtered), false);
      else await this.write(detailed ? detailedMetrics(filtered) : normalMetrics(filtered), false);
      return;
    }
    let index = 0;
    for (const single of singles(signal, filtered)) {
      if (this.sampler.take()) await this.write(renderSingle(single, index, detailed), false);
      index++;
    }
  }

  /** Output ports: what would be shown, as data: the filtered message, or each record on its own. */
  private async sendShown(signal: Signal, json: AnyRequest, ctx: NodeContext): Promise<void> {
    const filtered = this.filtered(signal, json);
    const parts = this.config.mode === 'batch' ? [filtered] : singles(signal, filtered).map((s) => s.alone as AnyRequest);
    for (const part of parts) {
      if (!this.sampler.take()) continue;
      const encoded = otlpJsonToProto(signal, JSON.stringify(part));
      if (!encoded.ok) {
        this.problems?.hit(0, { reason: encoded.reason });
        continue;
      }
      const shown: PData = { signal, payload: encoded.payload, items: itemsOf(signal, part) };
      for (const port of this.outputPorts ?? []) await ctx.emit(shown, port);
    }
  }

  private filtered(signal: Signal, json: AnyRequest): AnyRequest {
    const rules = this.config.filters;
    if (signal === 'logs') return filterLogs(rules, json as LogsRequest) as AnyRequest;
    if (signal === 'traces') return filterTraces(rules, json as TracesRequest) as AnyRequest;
    return filterMetrics(rules, json as MetricsRequest) as AnyRequest;
  }

  /** A report line carries the node's name; the lines of a rendering under it do not. */
  private async write(text: string, report = true): Promise<void> {
    if (this.text === undefined) return;
    try {
      await this.text.write(report ? `[${this.name}] ${text}\n` : `${text}\n`);
    } catch (error) {
      this.problems?.hit(0, { reason: (error as Error).message });
    }
  }
}

function renderSingle(single: Single, index: number, detailed: boolean): string {
  switch (single.kind) {
    case 'log':
      return detailed ? detailedLogRecord(single.record, index) : logLine(single.record, index);
    case 'span':
      return detailed ? detailedSpan(single.record, index) : spanLine(single.record, index);
    case 'metric':
      return detailed ? detailedMetric(single.record, index) : metricLines(single.record, index).join('\n');
  }
}

export function createDebugProcessor(name: string, config: Record<string, unknown>): NodeInstance {
  return { kind: 'processor', node: new DebugProcessor(name, config as unknown as DebugProcessorConfig) };
}
