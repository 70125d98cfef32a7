// The buffer's storage on one core: its own log (written through the appender), the logs it resumed or adopted, the
// book of every segment, and the cap. Maintenance runs every poll_interval: it closes a segment open longer than
// max_segment_open_duration, drops segments older than max_age, deletes finished ones, writes progress, and (every
// second) adopts logs nobody delivers and measures the logs of its core another instance still holds.
import { stat } from 'node:fs/promises';
import type { Logger } from 'pino';
import { Episode } from '../../../pipeline/episode.js';
import { Adopter, recoverLog } from './adoption.js';
import { SegmentBook, SegmentState, type LossReason } from './segments.js';
import { coreShare, maxSegmentBytes, type BufferSettings, type Placement } from './settings.js';
import type { BufferStats } from './stats.js';
import { Appender, type AppendEntry, type AppendHooks } from './wal/appender.js';
import { LogDir } from './wal/log-dir.js';
import { SEGMENT_HEADER_BYTES } from './wal/segment-file.js';
import type { SegmentWriter } from './wal/segment-writer.js';

/** How often the slower parts of maintenance run: adoption, measuring other logs, writing progress. */
const SLOW_MAINTENANCE_MS = 1000;

export interface StoreEvents {
  /** New data can be read (a batch was written, a log was adopted). */
  readable(): void;
  /** `entries` were written to `segment` from offset `start`: the same bytes as in the log, for a reader waiting there. */
  written(segment: SegmentState, start: number, entries: readonly AppendEntry[]): void;
  /** Items that were in a segment dropped before delivery (already counted by reason). */
  lost(items: number, bytes: number): void;
}

export class BufferStore {
  readonly book = new SegmentBook();
  private readonly appender: Appender;
  private readonly adopter: Adopter;
  /** Logs this store holds besides its own (adopted, or its own directory's segments from before). */
  private readonly logs = new Set<LogDir>();
  private heldByOthersBytes = 0;
  /** Bytes of segments still being scanned (recovery), counted against the cap until they are in the book. */
  private recoveringBytes = 0;
  private lastSlowAt = 0;
  private slow: Promise<void> | undefined;
  private maintaining: Promise<void> | undefined;
  private readonly progressWritten = new Map<LogDir, string>();
  /** Logs whose segments are being scanned: their progress file is left as it is until they are in the book. */
  private readonly recovering = new Set<LogDir>();
  private closed = false;
  /** A full disk also refuses the progress file: logged once per episode, like every other failure. */
  private readonly progressFailures: Episode;
  /**
   * The cores sharing the cap, and this core's share. It starts from the core count the instance was started with and
   * follows resizes from what the logs under `path` show (Adopter.scan): a resize restarts no instance, so nothing
   * else would tell it. Lowering it waits until the logs have once shown as many cores as the start said, so that an
   * instance starting beside its siblings does not take their shares before they have locked their logs.
   */
  private cores: number;
  private sharesSeen: boolean;
  private share: number;

  private constructor(
    private readonly own: LogDir,
    firstSeq: number,
    private readonly settings: BufferSettings,
    private readonly stats: BufferStats,
    private readonly events: StoreEvents,
    private readonly logger: Logger,
    placement: Placement,
  ) {
    const owner = { pid: placement.pid, core: placement.core, generation: placement.generation };
    this.cores = Math.max(1, placement.cores);
    this.sharesSeen = this.cores === 1;
    this.share = settings.capBytes;
    const store = this;
    const appenderSettings = {
      fsync: settings.fsync,
      maxSegmentOpenMs: settings.maxSegmentOpenMs,
      get maxSegmentBytes() {
        return maxSegmentBytes(store.share);
      },
    };
    this.appender = new Appender(own, firstSeq, appenderSettings, this.appendHooks(), logger);
    this.progressFailures = new Episode(logger, 'durable buffer: cannot write progress; records delivered meanwhile may be delivered again after a crash');
    this.adopter = new Adopter(settings.path, owner, () => new Set([own.dir, ...[...this.logs].map((l) => l.dir)]), stats, logger);
  }

  /** Takes this instance's log directory and starts writing; what it held before is recovered in the background. */
  static async open(settings: BufferSettings, placement: Placement, stats: BufferStats, events: StoreEvents, logger: Logger): Promise<BufferStore> {
    const own = await LogDir.own(settings.path, { pid: placement.pid, core: placement.core, generation: placement.generation });
    const existing = await own.segments();
    const store = new BufferStore(own, (existing.at(-1) ?? 0) + 1, settings, stats, events, logger, placement);
    logger.info({ log: own.dir, capBytes: settings.capBytes, fsync: settings.fsync.mode, resumed: existing.length }, 'durable buffer: log open');
    if (existing.length > 0) store.recoverInBackground(own);
    return store;
  }

  get ownDir(): string {
    return this.own.dir;
  }

  /** This core's share of retention_size_cap now. */
  get capBytes(): number {
    return this.share;
  }

  /** Bytes on disk, and queued to be written, counted against the cap. */
  usedBytes(): number {
    return this.book.bytes() + this.recoveringBytes + this.heldByOthersBytes + this.appender.pendingBytes;
  }

  roomFor(bytes: number): boolean {
    return this.usedBytes() + bytes <= this.share;
  }

  append(entry: AppendEntry): void {
    this.appender.enqueue(entry);
  }

  pendingWriteBytes(): number {
    return this.appender.pendingBytes;
  }

  whenPendingBelow(bytes: number): Promise<void> {
    return this.appender.whenPendingBelow(bytes);
  }

  /** drop_oldest: drops the oldest segments nothing is written to until `bytes` fit; false when that is not enough. */
  async makeRoom(bytes: number): Promise<boolean> {
    while (!this.roomFor(bytes)) {
      const oldest = this.book.oldestClosed();
      if (oldest === undefined) return false;
      await this.drop(oldest, 'drop_oldest');
    }
    return true;
  }

  /** One maintenance pass (every poll_interval); passes do not overlap. */
  maintain(now: number): Promise<void> {
    this.maintaining ??= this.runMaintenance(now).finally(() => (this.maintaining = undefined));
    return this.maintaining;
  }

  /** Writes what is queued and makes it durable (per the fsync policy). */
  flush(): Promise<void> {
    return this.appender.flush();
  }

  /**
   * Stops writing, writes progress, deletes what is finished, and lets go of every log: one with nothing left is
   * removed, the others stay for whoever adopts them. Returns the items that were queued and could not be written.
   */
  async close(): Promise<number> {
    if (this.closed) return 0;
    this.closed = true;
    const unwritten = await this.appender.close();
    await this.maintaining?.catch(() => undefined);
    await this.slow?.catch(() => undefined);
    await this.deleteFinished();
    for (const segment of this.book.all()) await closeReader(segment);
    await this.writeProgress(true);
    for (const log of [...this.logs, this.own]) {
      const left = this.book.all().some((s) => s.log === log);
      await (left ? log.release() : log.remove()).catch((error: Error) => this.logger.warn({ err: error, log: log.dir }, 'durable buffer: could not let go of a log'));
    }
    return unwritten;
  }

  private appendHooks(): AppendHooks {
    return {
      opened: (writer: SegmentWriter) => {
        this.book.addOwn(new SegmentState(this.own, writer.seq, true, true, SEGMENT_HEADER_BYTES, writer.size, writer.size));
      },
      written: (seq, start, entries) => {
        const segment = this.book.find(this.own, seq);
        if (segment === undefined) return;
        let items = 0;
        let end = start;
        for (const entry of entries) {
          items += entry.items;
          end += entry.header.byteLength + entry.payload.byteLength;
        }
        segment.appended(entries.length, items, (entries.at(-1) as AppendEntry).appendedAt, end);
        this.stats.stored(items);
        this.events.written(segment, start, entries);
        this.events.readable();
      },
      closed: (seq, size) => {
        const segment = this.book.find(this.own, seq);
        if (segment === undefined) return;
        segment.writing = false;
        segment.end = size;
        segment.fileBytes = size;
        if (segment.readOffset >= segment.end) void closeReader(segment);
      },
      failed: (error, retained) => this.stats.writeFailed(error, retained),
    };
  }

  private async runMaintenance(now: number): Promise<void> {
    if (this.closed) return;
    this.appender.rotateIfDue(now);
    await this.expire(now);
    // A share lowered by a resize (1→2): drop_oldest gets back under it now, backpressure refuses until delivery does.
    if (this.settings.policy === 'drop_oldest' && this.usedBytes() > this.share) await this.makeRoom(0);
    await this.deleteFinished();
    if (now - this.lastSlowAt >= SLOW_MAINTENANCE_MS && this.slow === undefined) {
      this.lastSlowAt = now;
      this.slow = this.slowMaintenance(now)
        .catch((error: Error) => this.logger.warn({ err: error }, 'durable buffer: maintenance failed; trying again'))
        .finally(() => (this.slow = undefined));
    }
  }

  private async slowMaintenance(now: number): Promise<void> {
    await this.writeProgress(false);
    const scan = await this.adopter.scan(now);
    if (this.closed) {
      for (const { log } of scan.adopted) await log.release();
      return;
    }
    this.heldByOthersBytes = scan.heldByOthersBytes;
    // In the same turn as the adopted logs: a removed core's data arrives with the share it had.
    this.follow(scan.liveCores.size);
    for (const { log, segments } of scan.adopted) this.addLog(log, segments);
  }

  /** Re-splits the cap when the logs show another number of cores than the share was made for. */
  private follow(cores: number): void {
    if (cores >= this.cores) this.sharesSeen = true;
    if (cores === this.cores || (cores < this.cores && !this.sharesSeen)) return;
    const before = this.share;
    this.cores = cores;
    this.share = coreShare(this.settings.totalCapBytes, cores);
    this.logger.info(
      { cores, capBytes: this.share, previousCapBytes: before, usedBytes: this.usedBytes() },
      'durable buffer: the pipeline runs on another number of cores: this core’s share of retention_size_cap changed',
    );
  }

  private recoverInBackground(log: LogDir): void {
    this.recovering.add(log);
    void (async () => {
      // Counted against the cap from the start: they are on disk.
      const sizes = await Promise.all((await log.segments()).map((seq) => stat(log.segmentPath(seq)).then((s) => s.size, () => 0)));
      const total = sizes.reduce((a, b) => a + b, 0);
      this.recoveringBytes += total;
      try {
        const segments = await recoverLog(log, this.stats, this.logger);
        this.logger.info({ log: log.dir, segments: segments.length, items: segments.reduce((n, s) => n + s.items, 0) }, 'durable buffer: resumed the log this core left');
        if (!this.closed) this.addLog(log, segments);
      } finally {
        this.recoveringBytes -= total;
        this.recovering.delete(log);
      }
    })().catch((error: Error) => this.logger.error({ err: error, log: log.dir }, 'durable buffer: recovering the log failed'));
  }

  private addLog(log: LogDir, segments: SegmentState[]): void {
    if (log !== this.own) this.logs.add(log);
    this.book.addAdopted(segments);
    if (segments.length > 0) this.events.readable();
  }

  /** max_age: segments whose newest record is older are dropped (records read out of newer ones are checked one by one). */
  private async expire(now: number): Promise<void> {
    const maxAge = this.settings.maxAgeMs;
    if (maxAge === undefined) return;
    for (const segment of [...this.book.all()]) {
      if (!segment.writing && segment.lastAt !== undefined && now - segment.lastAt > maxAge) await this.drop(segment, 'expired');
    }
  }

  /** Deletes a segment before its data was delivered: what was not sent is lost now; what is out is lost if it fails. */
  private async drop(segment: SegmentState, reason: LossReason): Promise<void> {
    const items = Math.max(0, segment.undeliveredItems - segment.pendingItems);
    const bytes = Math.max(0, segment.end - segment.readOffset);
    segment.lost = reason;
    this.book.remove(segment);
    this.stats.lost(reason, items, { segment: segment.path });
    if (items > 0) this.events.lost(items, bytes);
    await closeReader(segment);
    await segment.log.deleteSegment(segment.seq);
  }

  private async deleteFinished(): Promise<void> {
    for (const segment of [...this.book.all()]) {
      if (!segment.finished) continue;
      this.book.remove(segment);
      await closeReader(segment);
      await segment.log.deleteSegment(segment.seq).catch((error: Error) => this.logger.warn({ err: error, segment: segment.path }, 'durable buffer: could not delete a delivered segment'));
    }
    // An adopted log with nothing left goes away.
    for (const log of [...this.logs]) {
      if (this.book.all().some((s) => s.log === log)) continue;
      this.logs.delete(log);
      this.progressWritten.delete(log);
      await log.remove().catch((error: Error) => this.logger.warn({ err: error, log: log.dir }, 'durable buffer: could not remove a delivered log'));
    }
  }

  /** Progress of every log that changed since it was last written; `durable` at close (unless fsync is never). */
  private async writeProgress(closing: boolean): Promise<void> {
    const durable = closing && this.settings.fsync.mode !== 'never';
    for (const log of [this.own, ...this.logs]) {
      if (this.recovering.has(log)) continue;
      const progress = this.book.progressOf(log);
      const text = JSON.stringify([...progress]);
      if (this.progressWritten.get(log) === text && !durable) continue;
      try {
        await log.writeProgress(progress, durable);
        this.progressWritten.set(log, text);
        this.progressFailures.end();
      } catch (error) {
        this.progressFailures.hit(0, { err: error, log: log.dir });
      }
    }
  }
}

async function closeReader(segment: SegmentState): Promise<void> {
  const reader = segment.reader;
  segment.reader = undefined;
  await reader?.close();
}
