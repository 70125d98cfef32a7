// processor:durable_buffer: writes what it takes to a write-ahead log on disk before it is acknowledged upstream, and
// delivers it downstream from there, deleting it once downstream acknowledged it. Acknowledged upstream means: the acks
// of the message (receivers in front of a buffer always attach one, see NodeContext.awaitStorage) settle once the
// record is stored as the fsync policy says. At the cap, `backpressure` refuses what has someone to tell (429 /
// RESOURCE_EXHAUSTED) and holds the rest back; `drop_oldest` drops the oldest segments to make room.
import { holdAcks, failAcks, releaseAcks } from '../../../pipeline/ack.js';
import type { DurableBufferStats } from '../../../pipeline/counter-types.js';
import type { NodeContext, NodeInstance, Processor } from '../../../pipeline/node.js';
import type { PData } from '../../../pipeline/pdata.js';
import { Forwarder } from './forwarder.js';
import { bufferSettings, currentPlacement, recordBytes, type BufferSettings, type DurableBufferConfig, type Placement } from './settings.js';
import { BufferStats, zeroCounts } from './stats.js';
import { BufferStore } from './store.js';
import { encodeRecordHeader } from './wal/record.js';
import type { AppendEntry } from './wal/appender.js';
import type { SegmentState } from './segments.js';

/** Bytes waiting to be written before `process` waits: a slow disk holds the input back instead of filling memory. */
const MAX_PENDING_WRITE_BYTES = 16 * 1024 * 1024;

/** Errors of a write that mean "no room": answered like a full pipeline (retry later). */
const NO_ROOM = new Set(['ENOSPC', 'EDQUOT', 'EFBIG']);

export class DurableBufferProcessor implements Processor {
  readonly acknowledgesOnStorage = true;
  private ctx: NodeContext | undefined;
  private store: BufferStore | undefined;
  private forwarder: Forwarder | undefined;
  private stats: BufferStats | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** A message without acks waiting for room under backpressure: lost if the runtime gives up on it. */
  private waitingForRoom: PData | undefined;
  private abandoned = false;
  private stopped: Promise<void> | undefined;

  constructor(
    private readonly name: string,
    private readonly settings: BufferSettings,
    private readonly placement: Placement,
  ) {}

  async start(ctx: NodeContext): Promise<void> {
    this.ctx = ctx;
    const stats = new BufferStats(ctx.logger);
    this.stats = stats;
    const events = {
      readable: () => this.forwarder?.wake(),
      written: (segment: SegmentState, start: number, entries: readonly AppendEntry[]) => this.forwarder?.offer(segment, start, entries),
      lost: (items: number, bytes: number) => ctx.recordDropped?.({ items, payload: { byteLength: bytes } }),
    };
    const store = await BufferStore.open(this.settings, this.placement, stats, events, ctx.logger);
    this.store = store;
    this.forwarder = new Forwarder(ctx, store.book, this.settings, stats, ctx.logger);
    this.timer = setInterval(() => this.tick(), this.settings.pollMs);
    this.tick();
  }

  process(pdata: PData, ctx: NodeContext): Promise<void> | void {
    const store = this.store;
    if (store === undefined) throw new Error(`node "${this.name}": not started`);
    // Nothing to store: acknowledged as the runtime releases it (as upstream).
    if (pdata.items === 0) return;
    const bytes = recordBytes(pdata.payload.byteLength);
    if (bytes > store.capBytes) return this.tooLarge(pdata, bytes, ctx);
    if (!store.roomFor(bytes)) return this.atCap(pdata, bytes, ctx);
    store.append(this.entry(pdata, ctx));
    this.stats?.accepting();
    if (store.pendingWriteBytes() > MAX_PENDING_WRITE_BYTES) return store.whenPendingBelow(MAX_PENDING_WRITE_BYTES / 2);
  }

  /** Drain: what is queued is written and made durable; no new delivery starts (the log keeps the rest for the next owner). */
  async flush(): Promise<void> {
    await this.store?.flush().catch((error: Error) => this.ctx?.logger.error({ err: error }, 'durable buffer: flushing the log failed'));
    // Deliveries already out may still settle until the buffer stops; what they do not settle stays in the log.
    void this.forwarder?.pause();
  }

  abandon(): number {
    this.abandoned = true;
    return this.waitingForRoom?.items ?? 0;
  }

  stop(): Promise<void> {
    this.stopped ??= (async () => {
      clearInterval(this.timer);
      this.forwarder?.stop();
      const unwritten = (await this.store?.close()) ?? 0;
      if (unwritten > 0) this.ctx?.logger.warn({ items: unwritten }, 'durable buffer: items queued for the log when it closed were not written');
      this.stats?.endAll();
    })();
    return this.stopped;
  }

  durableBuffer(): DurableBufferStats {
    const store = this.store;
    const oldest = store?.book.oldestUndeliveredAt();
    return {
      bytesUsed: store?.usedBytes() ?? 0,
      bytesCap: store?.capBytes ?? this.settings.capBytes,
      itemsQueued: store?.book.queuedItems() ?? 0,
      oldestAgeSeconds: oldest === undefined ? 0 : Math.max(0, (Date.now() - oldest) / 1000),
      inFlight: this.forwarder?.inFlight ?? 0,
      ...(this.stats?.counts ?? zeroCounts()),
    };
  }

  private tick(): void {
    const store = this.store;
    if (store === undefined) return;
    void store
      .maintain(Date.now())
      .catch((error: Error) => this.ctx?.logger.warn({ err: error }, 'durable buffer: maintenance failed'))
      .finally(() => {
        this.forwarder?.sweep();
        this.forwarder?.wake();
      });
  }

  /** The record for `pdata`; its acks (when it has some) are held until it is stored, or refused with why not. */
  private entry(pdata: PData, ctx: NodeContext) {
    const appendedAt = Date.now();
    const header = encodeRecordHeader(pdata.signal, pdata.items, appendedAt, pdata.payload);
    const hasAcks = pdata.acks !== undefined && pdata.acks.length > 0;
    if (hasAcks) holdAcks(pdata);
    return {
      header,
      payload: pdata.payload,
      items: pdata.items,
      appendedAt,
      retain: !hasAcks,
      done: (error?: Error) => {
        if (error === undefined) {
          if (hasAcks) releaseAcks(pdata);
          return;
        }
        const code = (error as NodeJS.ErrnoException).code;
        if (hasAcks) {
          ctx.recordRefused?.(pdata);
          this.stats?.refused(pdata.items, { reason: error.message });
          releaseAcks(pdata, `node "${this.name}": not stored: ${error.message}`, code !== undefined && NO_ROOM.has(code) ? 'full' : undefined);
        } else {
          ctx.recordDropped?.(pdata);
        }
      },
    };
  }

  /** At the cap: drop the oldest segments (drop_oldest), refuse (data with acks), or wait for room (data without). */
  private async atCap(pdata: PData, bytes: number, ctx: NodeContext): Promise<void> {
    const store = this.store as BufferStore;
    if (this.settings.policy === 'drop_oldest' && (await store.makeRoom(bytes))) {
      store.append(this.entry(pdata, ctx));
      return;
    }
    const details = { usedBytes: store.usedBytes(), capBytes: store.capBytes, policy: this.settings.policy };
    if (pdata.acks !== undefined && pdata.acks.length > 0) {
      ctx.recordRefused?.(pdata);
      this.stats?.refused(pdata.items, details);
      failAcks(pdata, `node "${this.name}": the durable buffer is at retention_size_cap (${store.capBytes} bytes on this core)`, 'full');
      return;
    }
    // Nobody upstream can be told to send again: hold the line, which fills the channel in front and pushes back.
    this.stats?.refused(0, details);
    this.waitingForRoom = pdata;
    try {
      while (!store.roomFor(bytes)) {
        if (this.abandoned) throw new Error(`node "${this.name}": abandoned while waiting for room in the durable buffer`);
        await new Promise((resolve) => setTimeout(resolve, this.settings.pollMs));
        if (this.settings.policy === 'drop_oldest') await store.makeRoom(bytes);
      }
    } finally {
      this.waitingForRoom = undefined;
    }
    store.append(this.entry(pdata, ctx));
  }

  private tooLarge(pdata: PData, bytes: number, ctx: NodeContext): void {
    const capBytes = this.store?.capBytes ?? this.settings.capBytes;
    const reason = `node "${this.name}": a message of ${bytes} bytes cannot fit in this core's share of retention_size_cap (${capBytes} bytes)`;
    ctx.logger.error({ bytes, capBytes }, reason);
    if (pdata.acks !== undefined && pdata.acks.length > 0) failAcks(pdata, reason, 'permanent');
    else ctx.recordDropped?.(pdata);
  }
}

export function createDurableBufferProcessor(name: string, config: Record<string, unknown>): NodeInstance {
  const placement = currentPlacement();
  return { kind: 'processor', node: new DurableBufferProcessor(name, bufferSettings(config as unknown as DurableBufferConfig, placement), placement) };
}
