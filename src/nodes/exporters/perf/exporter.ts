// exporter:perf: a sink that measures. It accepts everything at once (so it measures the pipeline in front of it, not
// itself), counts items, messages and bytes per signal, and every `frequency` milliseconds logs the rates since the
// last report, with the usage sections the config selects (usage.ts). Cumulative totals are readable through stats().
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import type { ThroughputCounts, ThroughputStats } from '../../../pipeline/counter-types.js';
import type { Exporter, NodeContext, NodeInstance } from '../../../pipeline/node.js';
import { SIGNALS, type ExportResult, type PData, type Signal } from '../../../pipeline/pdata.js';
import type { PerfExporterConfig } from './descriptor.js';
import { UsageSampler } from './usage.js';

const SUCCESS: Promise<ExportResult> = Promise.resolve({ kind: 'success' });

export type PerfCounts = ThroughputCounts;
export type PerfStats = ThroughputStats;

export interface SignalRates {
  items_per_sec: number;
  messages_per_sec: number;
  bytes_per_sec: number;
}

function zeroCounts(): Record<Signal, PerfCounts> {
  return {
    logs: { items: 0, messages: 0, bytes: 0 },
    traces: { items: 0, messages: 0, bytes: 0 },
    metrics: { items: 0, messages: 0, bytes: 0 },
  };
}

/** Per second over `elapsedMs`, one decimal: enough to read, stable enough to compare. */
function perSecond(count: number, elapsedMs: number): number {
  return elapsedMs > 0 ? Math.round((count * 10_000) / elapsedMs) / 10 : 0;
}

export class PerfExporter implements Exporter {
  private readonly totals = zeroCounts();
  /** Counts since the last report. */
  private window = zeroCounts();
  private windowStart = 0;
  private timer: NodeJS.Timeout | undefined;
  private logger: Logger | undefined;
  private readonly intervalMs: number;
  private readonly log: boolean;
  private readonly usage: UsageSampler;
  private stopped = false;
  /** The report being written, if any: the final one waits for it, so two never interleave. */
  private reporting: Promise<void> = Promise.resolve();

  constructor(config: Partial<PerfExporterConfig>) {
    this.intervalMs = Math.max(1, config.frequency ?? 1000);
    this.log = config.log ?? true;
    this.usage = new UsageSampler({
      self: config.self_usage ?? true,
      cpu: config.cpu_usage ?? true,
      mem: config.mem_usage ?? true,
      disk: config.disk_usage ?? true,
      io: config.io_usage ?? true,
    });
  }

  async start(ctx: NodeContext): Promise<void> {
    this.logger = ctx.logger;
    this.windowStart = performance.now();
    if (!this.log) return;
    await this.usage.start();
    this.schedule();
  }

  /** One report at a time: the next is scheduled once this one is written (reading /proc is asynchronous). */
  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.reporting = this.report().then(() => this.schedule());
    }, this.intervalMs);
    // A measuring sink must never be what keeps an instance alive.
    this.timer.unref();
  }

  export(pdata: PData): Promise<ExportResult> {
    const bytes = pdata.payload.byteLength;
    for (const counts of [this.totals[pdata.signal], this.window[pdata.signal]]) {
      counts.items += pdata.items;
      counts.messages += 1;
      counts.bytes += bytes;
    }
    return SUCCESS;
  }

  async stop(): Promise<void> {
    if (this.stopped || !this.log) return;
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.reporting;
    // The tail since the last report would otherwise never be seen.
    await this.report('perf exporter stopped: final report');
  }

  /** Cumulative counts since start, over all signals and per signal (copies: the caller may keep them). */
  stats(): PerfStats {
    const bySignal = zeroCounts();
    const all: PerfCounts = { items: 0, messages: 0, bytes: 0 };
    for (const signal of SIGNALS) {
      Object.assign(bySignal[signal], this.totals[signal]);
      all.items += this.totals[signal].items;
      all.messages += this.totals[signal].messages;
      all.bytes += this.totals[signal].bytes;
    }
    return { ...all, bySignal };
  }

  throughput(): PerfStats {
    return this.stats();
  }

  private async report(msg = 'throughput'): Promise<void> {
    const usage = await this.usage.report().catch((error: unknown) => ({ usageError: (error as Error).message }));
    const now = performance.now();
    const elapsedMs = now - this.windowStart;
    const window = this.window;
    this.window = zeroCounts();
    this.windowStart = now;
    const rates: Partial<Record<Signal, SignalRates>> = {};
    for (const signal of SIGNALS) {
      const c = window[signal];
      // Signals that never flowed through this node stay out of the line.
      if (c.messages === 0 && this.totals[signal].messages === 0) continue;
      rates[signal] = {
        items_per_sec: perSecond(c.items, elapsedMs),
        messages_per_sec: perSecond(c.messages, elapsedMs),
        bytes_per_sec: perSecond(c.bytes, elapsedMs),
      };
    }
    const { bySignal: _bySignal, ...totals } = this.stats();
    this.logger?.info({ interval_ms: Math.round(elapsedMs), rates, totals, ...usage }, msg);
  }
}

export function createPerfExporter(_name: string, config: Record<string, unknown>): NodeInstance {
  return { kind: 'exporter', node: new PerfExporter(config as Partial<PerfExporterConfig>) };
}
