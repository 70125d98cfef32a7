// processor:log_sampling: keeps a share of log records (upstream's `ratio` and `zip` policies, samplers.ts) and drops
// the rest; traces and metrics pass through untouched. A message whose records are all kept goes on as it came, one
// with none kept goes no further (its acknowledgement, if any, settles as delivered, as upstream acks it), and
// otherwise the first records are kept (keep-first.ts). Records sampled out are counted (`stats().dropped`).
import type { NodeContext, NodeInstance, Processor } from '../../../pipeline/node.js';
import type { PData } from '../../../pipeline/pdata.js';
import { parseDuration } from '../../../config/duration.js';
import type { LogSamplingProcessorConfig } from './descriptor.js';
import { keepFirstLogRecords } from './keep-first.js';
import { RatioSampler, ZipSampler, type Sampler } from './samplers.js';

export interface LogSamplingStats {
  /** Log records sampled out since the processor was created (upstream's `dropped.items`). */
  dropped: number;
}

export class LogSamplingProcessor implements Processor {
  private readonly sampler: Sampler;
  private dropped = 0;

  constructor(config: LogSamplingProcessorConfig, private readonly path: 'auto' | 'wire' | 'decode' = 'auto') {
    const { zip, ratio } = config.policy;
    if (ratio) this.sampler = new RatioSampler(ratio.emit, ratio.out_of);
    else if (zip) this.sampler = new ZipSampler(zip.max_items, parseDuration(zip.interval));
    else throw new Error('processor:log_sampling: no policy (the schema requires one)');
  }

  process(pdata: PData, ctx: NodeContext): Promise<void> | void {
    this.sampler.begin();
    if (pdata.signal !== 'logs') return ctx.emit(pdata);
    const total = pdata.items;
    const keep = this.sampler.keep(total);
    if (keep >= total) return total === 0 ? undefined : ctx.emit(pdata);
    if (keep === 0) {
      this.dropped += total;
      return undefined;
    }
    const out = keepFirstLogRecords(pdata.payload, keep, this.path);
    this.dropped += total - out.kept;
    return ctx.emit({ ...pdata, payload: out.payload, items: out.kept });
  }

  async stop(): Promise<void> {
    this.sampler.stop();
  }

  stats(): LogSamplingStats {
    return { dropped: this.dropped };
  }
}

export function createLogSamplingProcessor(_name: string, config: Record<string, unknown>): NodeInstance {
  return { kind: 'processor', node: new LogSamplingProcessor(config as unknown as LogSamplingProcessorConfig) };
}
