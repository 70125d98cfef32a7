// Delivery from the log: reads records in order from the segments, sends each downstream with an Ack of its own, and
// settles it when the Ack does. A record delivered is settled (its segment is deleted once every record in it is); one
// refused for good downstream is settled and counted as rejected; any other failure is sent again after a backoff
// (initial_retry_interval × retry_multiplier^n, at most max_retry_interval), with no limit but max_age and the size cap.
// At most max_in_flight records are out at once (in flight or waiting for a retry), and a full channel downstream
// makes the reading wait: backpressure from the exporters holds data on disk, not in memory.
import type { Logger } from 'pino';
import { Ack, type AckOutcome } from '../../../pipeline/ack.js';
import { ChannelClosedError } from '../../../pipeline/channel.js';
import type { NodeContext } from '../../../pipeline/node.js';
import type { Signal } from '../../../pipeline/pdata.js';
import type { BufferSettings } from './settings.js';
import { SegmentReader, type ReadStep } from './wal/segment-reader.js';
import type { LossReason, Mark, SegmentBook, SegmentState } from './segments.js';
import type { BufferStats } from './stats.js';
import type { AppendEntry } from './wal/appender.js';

/** The signal code in a record header (record.ts). */
const SIGNALS_BY_HEADER: readonly (Signal | undefined)[] = [undefined, 'logs', 'traces', 'metrics'];

/** Bytes of payload out at once at most, besides the count: a few very large records must not pin the memory. */
const MAX_OUT_BYTES = 64 * 1024 * 1024;
/** Bytes of just-written records kept for a reader that is caught up; beyond it, reading goes back to the files. */
const MAX_TAIL_BYTES = 16 * 1024 * 1024;

/**
 * Records just written to a segment, from `offset` on, kept while the forwarder is caught up with the writer: they are
 * the bytes the log now holds, so handing them on saves reading back what the page cache just received. Whenever the
 * forwarder is not exactly there (a backlog, a full channel for long, a restart), it reads the files.
 */
interface Tail {
  segment: SegmentState;
  /** Offset of `entries[next]`, and where the last entry ends. */
  offset: number;
  end: number;
  entries: AppendEntry[];
  next: number;
}

interface Delivery {
  segment: SegmentState;
  mark: Mark;
  signal: Signal;
  items: number;
  appendedAt: number;
  payload: Uint8Array;
  attempts: number;
  timer?: NodeJS.Timeout;
}

export class Forwarder {
  private out = 0;
  private outBytes = 0;
  private readonly due: Delivery[] = [];
  private readonly waiting = new Set<Delivery>();
  private pumping = false;
  private stopped = false;
  /** Set while reading is paused (drain): deliveries out may settle, nothing new is sent. */
  private paused = false;
  private idle: Array<() => void> = [];
  private tail: Tail | undefined;

  constructor(
    private readonly ctx: NodeContext,
    private readonly book: SegmentBook,
    private readonly settings: BufferSettings,
    private readonly stats: BufferStats,
    private readonly logger: Logger,
  ) {}

  /** Records sent and not settled, with those waiting for a retry. */
  get inFlight(): number {
    return this.out;
  }

  /** A batch was written to `segment` from `start`: kept when it continues what the forwarder is about to read. */
  offer(segment: SegmentState, start: number, entries: readonly AppendEntry[]): void {
    const bytes = entries.reduce((sum, e) => sum + e.header.byteLength + e.payload.byteLength, 0);
    const tail = this.tail;
    if (tail === undefined) {
      if (segment.readOffset === start && bytes <= MAX_TAIL_BYTES) this.tail = { segment, offset: start, end: start + bytes, entries: [...entries], next: 0 };
      return;
    }
    if (tail.segment === segment && tail.end === start && tail.end - tail.offset + bytes <= MAX_TAIL_BYTES) {
      tail.entries.push(...entries);
      tail.end += bytes;
    } else {
      // Not contiguous, or too much held: the files have it all.
      this.tail = undefined;
    }
  }

  /** Looks for records to send (new data, a settled delivery, a retry that is due). */
  wake(): void {
    if (this.pumping || this.stopped || this.paused) return;
    this.pumping = true;
    void this.pump();
  }

  /** Stops sending new records; resolves once every delivery out has settled (or `stop` gave up on them). */
  pause(): Promise<void> {
    this.paused = true;
    for (const delivery of this.waiting) clearTimeout(delivery.timer);
    this.out -= this.waiting.size;
    for (const delivery of this.waiting) this.outBytes -= delivery.payload.byteLength;
    this.waiting.clear();
    this.due.splice(0).forEach((d) => {
      this.out--;
      this.outBytes -= d.payload.byteLength;
    });
    if (this.out === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  /**
   * Settles records waiting for a retry that have expired or whose segment was dropped meanwhile (every tick): the
   * sending may be held up by a full channel downstream, and they must not wait for it to go.
   */
  sweep(): void {
    for (const delivery of [...this.waiting]) {
      if (!this.expired(delivery)) continue;
      clearTimeout(delivery.timer);
      this.waiting.delete(delivery);
    }
    for (let i = this.due.length - 1; i >= 0; i--) if (this.expired(this.due[i] as Delivery)) this.due.splice(i, 1);
  }

  /** Gives up: what is out stays unsettled in the log, for whoever delivers it next. */
  stop(): void {
    this.stopped = true;
    this.paused = true;
    for (const delivery of this.waiting) clearTimeout(delivery.timer);
    this.waiting.clear();
    this.due.length = 0;
    for (const resolve of this.idle.splice(0)) resolve();
  }

  private async pump(): Promise<void> {
    try {
      while (!this.stopped && !this.paused && this.out < this.settings.maxInFlight && this.outBytes < MAX_OUT_BYTES) {
        const delivery = this.due.shift() ?? (await this.readNext());
        if (delivery === undefined) break;
        if (this.expired(delivery)) continue;
        const sending = this.send(delivery);
        if (sending !== undefined) await sending;
      }
    } catch (error) {
      this.logger.error({ err: error }, 'durable buffer: reading the log failed; trying again at the next poll');
    } finally {
      this.pumping = false;
    }
  }

  /** The next record of the first segment with unread data, counted as out; undefined when there is none. */
  private async readNext(): Promise<Delivery | undefined> {
    for (;;) {
      const segment = this.book.firstUnread();
      if (segment === undefined) return undefined;
      const fromTail = this.takeTail(segment);
      if (fromTail !== undefined) return fromTail;
      if (segment.reader === undefined) {
        try {
          segment.reader = await SegmentReader.open(segment.path, segment.readOffset, !segment.checked);
        } catch (error) {
          // Gone or not a segment: nothing in it can be delivered.
          this.logger.error({ err: error, segment: segment.path }, 'durable buffer: cannot read a segment; passing over it');
          this.stats.damaged(1, Math.max(0, segment.end - segment.readOffset));
          segment.skip(segment.end);
          continue;
        }
      }
      const reader = segment.reader;
      let step: ReadStep;
      try {
        step = reader.nextBuffered(segment.end) ?? (await reader.next(segment.end));
      } catch (error) {
        // Dropped (its file closed and deleted) while the read was under way.
        if (segment.lost !== undefined) continue;
        throw error;
      }
      if (segment.lost !== undefined) continue;
      if (step.kind === 'end') {
        segment.skip(segment.end);
        continue;
      }
      if (step.kind === 'skipped') {
        // Recovered logs were counted when scanned; damage in a segment this process wrote is counted here.
        if (segment.own) this.stats.damaged(1, step.to - step.from);
        this.logger.warn({ segment: segment.path, from: step.from, to: step.to, reason: step.reason }, 'durable buffer: passed over a damaged stretch of the log');
        segment.skip(step.to);
        continue;
      }
      const { record } = step;
      if (!segment.writing && step.next >= segment.end) void this.closeReader(segment);
      const mark = segment.read(step.offset, step.next, record.items, record.appendedAt);
      this.out++;
      this.outBytes += record.payload.byteLength;
      return { segment, mark, signal: record.signal, items: record.items, appendedAt: record.appendedAt, payload: record.payload, attempts: 0 };
    }
  }

  /** The next record from the tail, when the tail starts exactly where `segment` is to be read next. */
  private takeTail(segment: SegmentState): Delivery | undefined {
    const tail = this.tail;
    if (tail === undefined || tail.segment !== segment) return undefined;
    if (tail.offset !== segment.readOffset) {
      // Read past (or not yet at) the tail's start: it no longer matches what comes next.
      if (tail.offset < segment.readOffset) this.tail = undefined;
      return undefined;
    }
    const entry = tail.entries[tail.next] as AppendEntry;
    const size = entry.header.byteLength + entry.payload.byteLength;
    tail.next++;
    const start = tail.offset;
    tail.offset += size;
    if (tail.next >= tail.entries.length) this.tail = undefined;
    // A reader left open at an older offset would read the wrong place next time.
    if (segment.reader !== undefined) void this.closeReader(segment);
    const mark = segment.read(start, start + size, entry.items, entry.appendedAt);
    this.out++;
    this.outBytes += entry.payload.byteLength;
    const signal = SIGNALS_BY_HEADER[entry.header.readUInt8(13)] as Signal;
    return { segment, mark, signal, items: entry.items, appendedAt: entry.appendedAt, payload: entry.payload, attempts: 0 };
  }

  private async closeReader(segment: SegmentState): Promise<void> {
    const reader = segment.reader;
    segment.reader = undefined;
    await reader?.close();
  }

  /** Older than max_age, or in a segment dropped meanwhile: settled without being sent. */
  private expired(delivery: Delivery): boolean {
    const { segment } = delivery;
    if (segment.lost !== undefined) {
      // Its segment was dropped while this record waited for a retry: it goes with it.
      this.lose(delivery, segment.lost);
      this.release(delivery);
      return true;
    }
    const maxAge = this.settings.maxAgeMs;
    if (maxAge === undefined || Date.now() - delivery.appendedAt <= maxAge) return false;
    this.lose(delivery, 'expired');
    this.settleMark(delivery);
    return true;
  }

  private lose(delivery: Delivery, reason: LossReason): void {
    this.stats.lost(reason, delivery.items, { segment: delivery.segment.path });
    this.ctx.recordDropped?.({ items: delivery.items, payload: delivery.payload });
  }

  /** Sends one record; a promise when the channel downstream is full and the send waits for room. */
  private send(delivery: Delivery): Promise<void> | undefined {
    delivery.attempts++;
    const ack = new Ack(delivery.items);
    let sending: Promise<void>;
    try {
      sending = this.ctx.emit({ signal: delivery.signal, payload: delivery.payload, items: delivery.items, acks: [ack] });
    } catch (error) {
      sending = Promise.reject(error);
    }
    // The emit took one reference per delivery it made: ours goes now.
    ack.release();
    void ack.settled.then((outcome) => this.settle(delivery, outcome));
    return sending.then(
      () => undefined,
      (error: unknown) => {
        // The pipeline is going away: the record stays in the log for whoever delivers it next.
        if (error instanceof ChannelClosedError) this.paused = true;
      },
    );
  }

  private settle(delivery: Delivery, outcome: AckOutcome): void {
    if (this.stopped) return;
    const { segment } = delivery;
    if (segment.lost !== undefined) {
      // Dropped while out: the items counted as lost then were those not out; these are lost only if not delivered.
      if (!outcome.ok) this.lose(delivery, segment.lost);
      this.release(delivery);
      this.wake();
      return;
    }
    if (outcome.ok) {
      this.stats.delivered(delivery.items);
      this.settleMark(delivery);
    } else if (outcome.kind === 'permanent') {
      this.stats.rejected(delivery.items, outcome.reason);
      this.settleMark(delivery);
    } else if (this.paused) {
      // Draining: left unsettled, so that it is delivered again from the log.
      this.release(delivery);
    } else {
      this.scheduleRetry(delivery, outcome.reason);
    }
    this.wake();
  }

  private scheduleRetry(delivery: Delivery, reason: string): void {
    const { initialMs, maxMs, multiplier } = this.settings.retry;
    const delayMs = Math.min(maxMs, initialMs * multiplier ** (delivery.attempts - 1));
    this.stats.retry(delivery.items, delivery.attempts === 1, { reason, delayMs, attempt: delivery.attempts });
    // The payload points into a chunk read from disk; a copy lets that chunk go while the retry waits.
    if (delivery.attempts === 1) delivery.payload = Buffer.from(delivery.payload);
    this.waiting.add(delivery);
    delivery.timer = setTimeout(() => {
      this.waiting.delete(delivery);
      delivery.timer = undefined;
      this.due.push(delivery);
      this.wake();
    }, delayMs);
  }

  private settleMark(delivery: Delivery): void {
    delivery.segment.settle(delivery.mark);
    this.release(delivery);
  }

  private release(delivery: Delivery): void {
    this.out--;
    this.outBytes -= delivery.payload.byteLength;
    if (this.out === 0) for (const resolve of this.idle.splice(0)) resolve();
  }
}
