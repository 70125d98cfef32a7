// The write side of an instance's own log: records queue up while a write is under way and go out together in the next
// writev (group commit), into the open segment, which rotates by size and by age. When a record counts as stored
// depends on the fsync policy:
//   always    after an fdatasync that covers it (and, for a new segment, its directory): survives a power loss
//   interval  once written (the page cache has it: survives a crash of the process); an fdatasync every interval
//             bounds what a power loss can take to that interval
//   never     once written; the kernel writes it back when it sees fit (a power loss can take what it had not)
// A failed write (a full disk) stores nothing of its batch: records with someone to tell are refused (they decide),
// the others wait for a retry, with backoff, while the queue in front of them fills and pushes back.
import type { Logger } from 'pino';
import { Backoff } from '../../../../util/backoff.js';
import type { LogDir } from './log-dir.js';
import { SegmentWriter } from './segment-writer.js';
import { SEGMENT_HEADER_BYTES } from './segment-file.js';
import { syncDirectory } from '../../../../util/sync-directory.js';

export type FsyncPolicy = { mode: 'always' } | { mode: 'interval'; intervalMs: number } | { mode: 'never' };

export interface AppendEntry {
  /** The record header (record.ts) and the payload it frames. */
  header: Buffer;
  payload: Uint8Array;
  items: number;
  appendedAt: number;
  /** Kept for another attempt when a write fails, rather than refused: nobody upstream could be told. */
  retain: boolean;
  /** Stored (per the fsync policy), or refused with why. */
  done(error?: Error): void;
}

export interface AppendHooks {
  /** A segment file was created: records will be appended to it. */
  opened(writer: SegmentWriter): void;
  /** `entries` were written, in order, from offset `start` of segment `seq`. */
  written(seq: number, start: number, entries: readonly AppendEntry[]): void;
  /** Segment `seq` takes no more records; its data ends at `size`. */
  closed(seq: number, size: number): void;
  /** A write failed; the entries were refused or kept (`retained` of them). */
  failed(error: Error, retained: number): void;
}

export interface AppenderSettings {
  fsync: FsyncPolicy;
  maxSegmentBytes: number;
  maxSegmentOpenMs: number;
}

/** Bytes handed to one writev at most, so that one batch cannot hold the others back for long. */
const MAX_BATCH_BYTES = 8 * 1024 * 1024;

export class Appender {
  private readonly queue: AppendEntry[] = [];
  private queuedBytes = 0;
  private writer: SegmentWriter | undefined;
  private nextSeq: number;
  private writing: Promise<void> | undefined;
  private closing = false;
  /** Written since the last fdatasync (interval policy), and a segment created since the last directory sync. */
  private dirty = false;
  private dirDirty = false;
  private syncing: Promise<void> | undefined;
  private readonly syncTimer: NodeJS.Timeout | undefined;
  private readonly backoff = { current: undefined as Backoff | undefined };
  private waiters: Array<{ bytes: number; resolve: () => void }> = [];

  constructor(
    private readonly log: LogDir,
    firstSeq: number,
    private readonly settings: AppenderSettings,
    private readonly hooks: AppendHooks,
    private readonly logger: Logger,
  ) {
    this.nextSeq = firstSeq;
    if (settings.fsync.mode === 'interval') {
      this.syncTimer = setInterval(() => void this.syncNow().catch((error: Error) => this.logger.warn({ err: error }, 'durable buffer: periodic fsync failed')), settings.fsync.intervalMs);
      this.syncTimer.unref();
    }
  }

  /** Bytes queued and not yet written. */
  get pendingBytes(): number {
    return this.queuedBytes;
  }

  enqueue(entry: AppendEntry): void {
    if (this.closing) return entry.done(new Error('the log is closing'));
    this.queue.push(entry);
    this.queuedBytes += entry.header.byteLength + entry.payload.byteLength;
    // Deferred, so that records arriving in the same turn share one writev.
    if (this.writing === undefined) {
      this.writing = new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.writeLoop());
    }
  }

  /** Resolves once no more than `bytes` wait to be written. */
  whenPendingBelow(bytes: number): Promise<void> {
    if (this.queuedBytes <= bytes) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ bytes, resolve }));
  }

  /** Closes the open segment when it is older than max_segment_open_duration and holds records (called every tick). */
  rotateIfDue(now: number): void {
    const writer = this.writer;
    if (writer === undefined || this.writing !== undefined || writer.size <= SEGMENT_HEADER_BYTES) return;
    if (now - writer.createdAt < this.settings.maxSegmentOpenMs) return;
    this.writer = undefined;
    void this.closeWriter(writer);
  }

  /** Writes everything queued, then makes it durable unless the policy is `never`. */
  async flush(): Promise<void> {
    while (this.writing !== undefined) await this.writing;
    if (this.settings.fsync.mode !== 'never') await this.syncNow();
  }

  /**
   * Flushes, closes the open segment and stops. Entries still queued (a write kept failing) are refused; returns how
   * many items that was.
   */
  async close(): Promise<number> {
    await this.flush().catch((error: Error) => this.logger.warn({ err: error }, 'durable buffer: final flush failed'));
    this.closing = true;
    if (this.syncTimer !== undefined) clearInterval(this.syncTimer);
    let items = 0;
    for (const entry of this.queue.splice(0)) {
      items += entry.items;
      entry.done(new Error('the log closed before the record could be written'));
    }
    this.queuedBytes = 0;
    this.wakeWaiters();
    if (this.writer) await this.closeWriter(this.writer);
    this.writer = undefined;
    return items;
  }

  private async writeLoop(): Promise<void> {
    try {
      while (this.queue.length > 0 && !this.closing) {
        const batch = this.takeBatch();
        const bytes = batch.reduce((sum, e) => sum + e.header.byteLength + e.payload.byteLength, 0);
        let writer: SegmentWriter;
        let start: number;
        try {
          writer = await this.writerFor(bytes);
          start = writer.size;
          const buffers: Uint8Array[] = [];
          for (const entry of batch) buffers.push(entry.header, entry.payload);
          await writer.append(buffers, bytes);
        } catch (error) {
          await this.writeFailed(error as Error, batch);
          this.queuedBytes -= bytes;
          this.wakeWaiters();
          continue;
        }
        this.dirty = true;
        this.backoff.current = undefined;
        // In the segment from now on, whatever the sync says: a reader delivers it.
        this.hooks.written(writer.seq, start, batch);
        const unsynced = this.settings.fsync.mode === 'always' ? await this.syncNow().then(() => undefined, (error: Error) => error) : undefined;
        if (unsynced !== undefined) {
          // The kernel may have dropped what it could not write: a power loss could take these records. Whoever can be
          // told is refused (and sends again); the segment takes no more.
          writer.retire();
          this.hooks.failed(unsynced, 0);
        }
        for (const entry of batch) entry.done(entry.retain ? undefined : unsynced);
        this.queuedBytes -= bytes;
        this.wakeWaiters();
      }
    } finally {
      this.writing = undefined;
    }
  }

  private takeBatch(): AppendEntry[] {
    let bytes = 0;
    let count = 0;
    while (count < this.queue.length) {
      const entry = this.queue[count] as AppendEntry;
      const size = entry.header.byteLength + entry.payload.byteLength;
      if (count > 0 && bytes + size > MAX_BATCH_BYTES) break;
      bytes += size;
      count++;
    }
    return this.queue.splice(0, count);
  }

  /** The segment the next `bytes` go to: the open one, or a new one when it is full, too old, or broken. */
  private async writerFor(bytes: number): Promise<SegmentWriter> {
    const current = this.writer;
    const now = Date.now();
    const full = current !== undefined && current.size > SEGMENT_HEADER_BYTES && current.size + bytes > this.settings.maxSegmentBytes;
    const old = current !== undefined && current.size > SEGMENT_HEADER_BYTES && now - current.createdAt >= this.settings.maxSegmentOpenMs;
    if (current !== undefined && current.usable && !full && !old) return current;
    if (current !== undefined) {
      this.writer = undefined;
      await this.closeWriter(current);
    }
    const seq = this.nextSeq++;
    const writer = await SegmentWriter.create(this.log.dir, seq, now);
    this.writer = writer;
    this.dirDirty = true;
    this.hooks.opened(writer);
    return writer;
  }

  private async closeWriter(writer: SegmentWriter): Promise<void> {
    // What the interval policy has not synced yet is synced before the file is let go.
    if (this.settings.fsync.mode !== 'never') await writer.sync().catch(() => undefined);
    await writer.close().catch(() => undefined);
    this.hooks.closed(writer.seq, writer.size);
  }

  /** A failed batch: entries with someone to tell are refused now; the others go back to the front, after a pause. */
  private async writeFailed(error: Error, batch: AppendEntry[]): Promise<void> {
    const retained = batch.filter((entry) => entry.retain && !this.closing);
    for (const entry of batch) if (!retained.includes(entry)) entry.done(error);
    this.hooks.failed(error, retained.length);
    if (retained.length === 0) return;
    this.queue.unshift(...retained);
    this.queuedBytes += retained.reduce((sum, e) => sum + e.header.byteLength + e.payload.byteLength, 0);
    this.backoff.current ??= new Backoff();
    await new Promise((resolve) => setTimeout(resolve, this.backoff.current!.next()));
  }

  /** fdatasync of the open segment, and of the directory when a segment was created since; one at a time. */
  private syncNow(): Promise<void> {
    if (this.syncing !== undefined) return this.syncing.then(() => (this.dirty || this.dirDirty ? this.syncNow() : undefined));
    if (!this.dirty && !this.dirDirty) return Promise.resolve();
    const writer = this.writer;
    const syncDir = this.dirDirty;
    this.dirty = false;
    this.dirDirty = false;
    const run = (async () => {
      try {
        if (writer !== undefined) await writer.sync();
        if (syncDir) await syncDirectory(this.log.dir);
      } catch (error) {
        this.dirty ||= writer !== undefined;
        this.dirDirty ||= syncDir;
        throw error;
      }
    })();
    // Cleared by identity once settled: the run may finish before this assignment (nothing to wait for).
    this.syncing = run;
    const clear = () => {
      if (this.syncing === run) this.syncing = undefined;
    };
    run.then(clear, clear);
    return run;
  }

  private wakeWaiters(): void {
    if (this.waiters.length === 0) return;
    const still: typeof this.waiters = [];
    for (const waiter of this.waiters) {
      if (this.queuedBytes <= waiter.bytes || this.closing) waiter.resolve();
      else still.push(waiter);
    }
    this.waiters = still;
  }
}
