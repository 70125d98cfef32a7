// processor:batch: merges messages of one signal into fewer, larger ones without decoding them. An encoded
// Export*ServiceRequest is a sequence of `repeated Resource* = 1` fields, so concatenating two encodings of the same
// signal is the encoding of the merged request: merging is one Buffer.concat with the item counts summed. Sizes are
// upstream's `otlp` sizing (bytes; items or requests are this engine's extras): a batch goes at min_size, at
// inbound_request_limit messages, or max_batch_duration after its first message; a message that would take it past
// max_size sends it first, and a message bigger than max_size alone is cut on the wire (split.ts, bytes only).
import { releaseAcks } from '../../../pipeline/ack.js';
import type { NodeContext, NodeInstance, Processor } from '../../../pipeline/node.js';
import { SIGNALS, type PData, type Signal } from '../../../pipeline/pdata.js';
import { scanRequest } from '../../../pdata/wire.js';
import { NotOnWire } from '../../../pdata/wire-reader.js';
import { batchSettings, type BatchProcessorConfig, type BatchSettings, type Sizer } from './config.js';
import { SignalBuffer } from './signal-buffer.js';
import { splitRequest } from './split.js';

export { batchSettings };

export interface BatchStats {
  /** Oversize messages sent whole because cutting them would break a split budget. */
  splitBudgetFallbacks: number;
}

function sizeOf(buffer: SignalBuffer, sizer: Sizer): number {
  return sizer === 'bytes' ? buffer.bytes : sizer === 'items' ? buffer.items : buffer.requests;
}

class BatchProcessor implements Processor {
  private readonly buffers: Record<Signal, SignalBuffer>;
  // Sends started by a timer. While one waits for room downstream, `process` waits too, so backpressure still reaches
  // the input channel and at most one timer send per signal is outstanding.
  private readonly timerSends = new Set<Promise<void>>();
  private ctx: NodeContext | undefined;
  private timerSendFailing = false;
  private readonly counters: BatchStats = { splitBudgetFallbacks: 0 };

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

  stats(): BatchStats {
    return { ...this.counters };
  }

  private async processAfterTimerSends(pdata: PData, ctx: NodeContext): Promise<void> {
    await Promise.all(this.timerSends);
    await this.add(pdata, ctx);
  }

  private add(pdata: PData, ctx: NodeContext): Promise<void> | void {
    const { sizer, maxSize, minSize, maxRequests, timeoutMs } = this.settings;
    const buffer = this.buffers[pdata.signal];
    const size = sizer === 'bytes' ? pdata.payload.byteLength : sizer === 'items' ? pdata.items : 1;
    const pending: Promise<void>[] = [];
    // A message that would take the batch past max_size sends the batch first; one bigger than max_size goes alone,
    // cut in parts when the sizer is bytes.
    if (buffer.requests > 0 && sizeOf(buffer, sizer) + size > maxSize) pending.push(this.send(pdata.signal, ctx));
    if (size > maxSize) {
      pending.push(sizer === 'bytes' ? this.sendSplit(pdata, ctx) : ctx.emit(pdata));
    } else {
      buffer.add(pdata);
      if (sizeOf(buffer, sizer) >= minSize || buffer.requests >= maxRequests || timeoutMs <= 0) pending.push(this.send(pdata.signal, ctx));
      else buffer.armTimer(timeoutMs, () => this.onTimeout(pdata.signal));
    }
    if (pending.length === 0) return;
    return pending.length === 1 ? pending[0] : Promise.all(pending).then(() => undefined);
  }

  /** Sends a message bigger than max_size in parts, each carrying the message's acks. */
  private async sendSplit(pdata: PData, ctx: NodeContext): Promise<void> {
    let parts: Uint8Array[];
    try {
      const result = splitRequest(pdata.payload, {
        maxBytes: this.settings.maxSize,
        maxFragments: this.settings.maxFragments,
        maxOverheadBytes: this.settings.maxOverheadBytes,
      });
      parts = result.parts;
      this.counters.splitBudgetFallbacks += result.fallbacks;
    } catch (error) {
      if (!(error instanceof NotOnWire)) throw error;
      parts = [pdata.payload];
    }
    if (parts.length === 1) return ctx.emit(pdata);
    // The budget of parts per flush: past it the rest goes whole, as upstream does.
    if (parts.length > this.settings.maxFragmentsPerFlush) {
      this.counters.splitBudgetFallbacks++;
      return ctx.emit(pdata);
    }
    const messages = parts.map((payload): PData => {
      const scan = scanRequest(pdata.signal, payload);
      const items = scan.ok ? scan.items : 0;
      return pdata.acks ? { signal: pdata.signal, payload, items, acks: pdata.acks } : { signal: pdata.signal, payload, items };
    });
    // Every part carries the message's acks; each emit holds its own references, and this node's reference to the
    // message lasts until process() resolves, after the last part was handed on.
    for (const message of messages) await ctx.emit(message);
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
