// processor:batch: merges messages of one signal into fewer, larger ones without decoding them. An encoded
// Export*ServiceRequest is a sequence of `repeated Resource* = 1` fields, so concatenating two encodings of the same
// signal is the encoding of the merged request: merging is one Buffer.concat with the item counts summed.
import { parseDuration } from '../../../config/duration.js';
import { releaseAcks } from '../../../pipeline/ack.js';
import type { NodeContext, NodeInstance, Processor } from '../../../pipeline/node.js';
import { SIGNALS, type PData, type Signal } from '../../../pipeline/pdata.js';
import type { BatchProcessorConfig } from './descriptor.js';
import { SignalBuffer } from './signal-buffer.js';

export interface BatchSettings {
  /** Items that trigger a send (never above maxSize when that is set). */
  triggerItems: number;
  /** Upper bound of a batch in items; 0: none. */
  maxItems: number;
  timeoutMs: number;
}

export function batchSettings(config: Partial<BatchProcessorConfig>): BatchSettings {
  const size = config.send_batch_size ?? 8192;
  const maxItems = config.send_batch_max_size ?? 0;
  return {
    triggerItems: maxItems > 0 ? Math.min(size, maxItems) : size,
    maxItems,
    timeoutMs: parseDuration(config.timeout ?? '200ms'),
  };
}

class BatchProcessor implements Processor {
  private readonly buffers: Record<Signal, SignalBuffer>;
  // Sends started by a timer. While one waits for room downstream, `process` waits too, so backpressure still reaches
  // the input channel and at most one timer send per signal is outstanding.
  private readonly timerSends = new Set<Promise<void>>();
  private ctx: NodeContext | undefined;
  private timerSendFailing = false;

  constructor(private readonly settings: BatchSettings) {
    this.buffers = { logs: new SignalBuffer(), traces: new SignalBuffer(), metrics: new SignalBuffer() };
  }

  async start(ctx: NodeContext): Promise<void> {
    this.ctx = ctx;
  }

  process(pdata: PData, ctx: NodeContext): Promise<void> | void {
    this.ctx ??= ctx;
    if (this.timerSends.size > 0) return this.processAfterTimerSends(pdata, ctx);
    return this.add(pdata, ctx);
  }

  async flush(ctx: NodeContext): Promise<void> {
    await Promise.all(this.timerSends);
    await Promise.all(SIGNALS.map((signal) => this.send(signal, ctx)));
  }

  async stop(): Promise<void> {
    let held = 0;
    for (const signal of SIGNALS) held += this.buffers[signal].discard();
    if (held > 0) this.ctx?.logger.warn({ items: held }, 'batch stopped while holding data: items dropped');
  }

  private async processAfterTimerSends(pdata: PData, ctx: NodeContext): Promise<void> {
    await Promise.all(this.timerSends);
    await this.add(pdata, ctx);
  }

  private add(pdata: PData, ctx: NodeContext): Promise<void> | void {
    const buffer = this.buffers[pdata.signal];
    const { maxItems, triggerItems, timeoutMs } = this.settings;
    // A message that would overflow the cap closes the current batch first; one bigger than the cap goes alone
    // (splitting it needs a decode).
    const before = maxItems > 0 && buffer.items > 0 && buffer.items + pdata.items > maxItems ? this.send(pdata.signal, ctx) : undefined;
    buffer.add(pdata);
    if (buffer.items >= triggerItems || timeoutMs <= 0) {
      const sent = this.send(pdata.signal, ctx);
      return before ? Promise.all([before, sent]).then(() => undefined) : sent;
    }
    buffer.armTimer(timeoutMs, () => this.onTimeout(pdata.signal));
    return before;
  }

  /** Emits the signal's batch; the buffer is emptied synchronously, so a send never races with the next `add`. */
  private send(signal: Signal, ctx: NodeContext): Promise<void> {
    const batch = this.buffers[signal].take(signal);
    if (!batch) return Promise.resolve();
    if (!batch.acks) return ctx.emit(batch);
    // Once the batch is handed on (each delivery holds its own reference), the buffer's references go.
    return ctx.emit(batch).then(
      () => releaseAcks(batch),
      (error: unknown) => {
        releaseAcks(batch, `processor:batch could not hand the data on: ${(error as Error).message}`);
        throw error;
      },
    );
  }

  private onTimeout(signal: Signal): void {
    const ctx = this.ctx;
    if (!ctx) return;
    const sending: Promise<void> = this.send(signal, ctx).then(
      () => {
        this.timerSendFailing = false;
      },
      (error: unknown) => {
        // The runtime counted the items (dropped at a closed downstream); log once per run of failures.
        if (!this.timerSendFailing) ctx.logger.warn({ err: error }, 'batch: sending a timed-out batch failed');
        this.timerSendFailing = true;
      },
    );
    const tracked = sending.then(() => {
      this.timerSends.delete(tracked);
    });
    this.timerSends.add(tracked);
  }
}

export function createBatchProcessor(_name: string, config: Record<string, unknown>): NodeInstance {
  return { kind: 'processor', node: new BatchProcessor(batchSettings(config as Partial<BatchProcessorConfig>)) };
}
