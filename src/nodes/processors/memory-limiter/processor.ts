// processor:memory_limiter: bounds an instance's memory with the backpressure the pipeline already has. While the
// instance's resident memory is above `limit`, a message is held here; this node's input channel fills, and receivers
// refuse new requests (429 / RESOURCE_EXHAUSTED with a retry hint) instead of the instance growing. Nothing is dropped:
// held data goes on once memory is back under the limit, or after `max_hold`, so that a drain always ends.
import { parseByteSize, parseDuration } from '../../../config/duration.js';
import type { NodeContext, NodeInstance, Processor } from '../../../pipeline/node.js';
import type { PData } from '../../../pipeline/pdata.js';
import type { MemoryLimiterConfig } from './descriptor.js';

export type MemoryReader = () => number;

export interface MemoryLimiterSettings {
  limitBytes: number;
  checkIntervalMs: number;
  maxHoldMs: number;
}

export class MemoryLimiter implements Processor {
  private holding = false;

  constructor(
    private readonly settings: MemoryLimiterSettings,
    private readonly memory: MemoryReader = () => process.memoryUsage.rss(),
  ) {}

  process(pdata: PData, ctx: NodeContext): Promise<void> {
    if (this.memory() <= this.settings.limitBytes) return ctx.emit(pdata);
    return this.holdThenEmit(pdata, ctx);
  }

  private async holdThenEmit(pdata: PData, ctx: NodeContext): Promise<void> {
    const { limitBytes, checkIntervalMs, maxHoldMs } = this.settings;
    if (!this.holding) ctx.logger.warn({ limitBytes, rssBytes: this.memory() }, 'memory above the limit: holding data back');
    this.holding = true;
    const until = Date.now() + maxHoldMs;
    while (this.memory() > limitBytes && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, checkIntervalMs));
    }
    if (this.memory() <= limitBytes) {
      this.holding = false;
      ctx.logger.info({ rssBytes: this.memory() }, 'memory under the limit again');
    }
    return ctx.emit(pdata);
  }
}

export function memoryLimiterSettings(config: Partial<MemoryLimiterConfig>): MemoryLimiterSettings {
  return {
    limitBytes: parseByteSize(config.limit ?? 0),
    checkIntervalMs: parseDuration(config.check_interval ?? '100ms'),
    maxHoldMs: parseDuration(config.max_hold ?? '5s'),
  };
}

export function createMemoryLimiterProcessor(_name: string, config: Record<string, unknown>): NodeInstance {
  return { kind: 'processor', node: new MemoryLimiter(memoryLimiterSettings(config as Partial<MemoryLimiterConfig>)) };
}
