// A batch of encoded records, flushed when it holds `max_size` records or when the batch timer fires. The timer
// follows upstream's: it ticks every `max_batch_duration_ms` from the last flush by size, and a tick flushes whatever
// the batch holds; here it is armed only while the batch holds something, so idle connections cost no wake-ups.
import type { PData } from '../../../pipeline/pdata.js';
import { encodeLogsRequest } from './encode.js';

export interface BatchSettings {
  maxSize: number;
  maxDurationMs: number;
}

export class RecordBatch {
  private records: Buffer[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** When the tick schedule (re)started: a size flush restarts it. */
  private ticksFrom = performance.now();

  constructor(
    private readonly settings: BatchSettings,
    /** Called when a tick finds records waiting: the owner flushes. */
    private readonly onDue: () => void,
  ) {}

  get size(): number {
    return this.records.length;
  }

  get full(): boolean {
    return this.records.length >= this.settings.maxSize;
  }

  add(record: Buffer): void {
    this.records.push(record);
    if (this.records.length === 1 && this.timer === undefined) this.arm();
  }

  /** The batch as one request (undefined when empty); `bySize` restarts the tick schedule, as upstream's reset. */
  take(bySize: boolean): PData | undefined {
    this.disarm();
    if (bySize) this.ticksFrom = performance.now();
    if (this.records.length === 0) return undefined;
    const records = this.records;
    this.records = [];
    return { signal: 'logs', payload: encodeLogsRequest(records, nowNanos()), items: records.length };
  }

  /** Re-arms the timer for records that arrived while the owner could not flush. */
  rearm(): void {
    if (this.records.length > 0 && this.timer === undefined) this.arm();
  }

  close(): void {
    this.disarm();
  }

  private arm(): void {
    const period = this.settings.maxDurationMs;
    const since = performance.now() - this.ticksFrom;
    const wait = period - (since % period);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.records.length > 0) this.onDue();
    }, wait);
  }

  private disarm(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/** Wall-clock now in nanoseconds (to the millisecond): the records' observed time. */
function nowNanos(): bigint {
  return BigInt(Date.now()) * 1_000_000n;
}
