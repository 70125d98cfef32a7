// What the buffer knows of each segment it holds (its own, and those of the logs it adopted): how far its data goes,
// how far it was read, which records read are still waiting for their outcome downstream, and so the offset before
// which everything is settled (the progress written to disk). A segment is finished when nothing more will be written
// to it, everything in it was read, and every record read was settled: then its file is deleted.
import type { LogDir } from './wal/log-dir.js';
import type { SegmentReader } from './wal/segment-reader.js';
import { SEGMENT_HEADER_BYTES } from './wal/segment-file.js';

export type LossReason = 'expired' | 'drop_oldest';

/** A record that was read and not yet settled. */
export interface Mark {
  readonly start: number;
  readonly items: number;
  readonly appendedAt: number;
  settled: boolean;
}

export class SegmentState {
  /** Where the data ends: the writer's committed size while written, the last good record of a recovered one. */
  end: number;
  /** Bytes on disk, counted against the cap. */
  fileBytes: number;
  /** Records and items known to be in the segment after where reading started. */
  records = 0;
  items = 0;
  settledItems = 0;
  /** Items read and not settled (in flight downstream, or waiting for a retry). */
  pendingItems = 0;
  firstAt: number | undefined;
  lastAt: number | undefined;
  /** Next offset to read. */
  readOffset: number;
  reader: SegmentReader | undefined;
  /** Set once the segment was dropped (its file deleted) before it was delivered. */
  lost: LossReason | undefined;
  /**
   * Its records' checksums need no checking when read: this process wrote them, or checked every one when it recovered
   * the segment and found no damage (reading it again would check the same bytes twice).
   */
  checked: boolean;
  private readonly marks: Mark[] = [];
  private head = 0;

  constructor(
    readonly log: LogDir,
    readonly seq: number,
    /** Written by this process: read back without checking checksums (see record.ts). */
    readonly own: boolean,
    /** Still taking records. */
    public writing: boolean,
    from: number,
    end: number,
    fileBytes: number,
  ) {
    this.readOffset = Math.max(from, SEGMENT_HEADER_BYTES);
    this.checked = own;
    this.end = end;
    this.fileBytes = fileBytes;
  }

  get path(): string {
    return this.log.segmentPath(this.seq);
  }

  get unread(): boolean {
    return this.lost === undefined && this.readOffset < this.end;
  }

  get pending(): number {
    return this.marks.length - this.head;
  }

  /** Everything before this offset is settled: what progress.json records. */
  get settledBefore(): number {
    return this.head < this.marks.length ? (this.marks[this.head] as Mark).start : this.readOffset;
  }

  get finished(): boolean {
    return !this.writing && this.readOffset >= this.end && this.pending === 0;
  }

  /** Items not delivered nor given up on: unread, and read but unsettled. */
  get undeliveredItems(): number {
    return Math.max(0, this.items - this.settledItems);
  }

  /** Append time of the oldest record not settled yet (approximate for unread data: the segment's first). */
  get oldestUndeliveredAt(): number | undefined {
    if (this.pending > 0) return (this.marks[this.head] as Mark).appendedAt;
    return this.readOffset < this.end ? this.firstAt : undefined;
  }

  /** Records `count` records of `items` written at `at`, ending at `end`. */
  appended(count: number, items: number, at: number, end: number): void {
    this.records += count;
    this.items += items;
    this.firstAt ??= at;
    this.lastAt = at;
    this.end = end;
    this.fileBytes = end;
  }

  /** A record was read from `start` to `next`: its outcome is awaited. */
  read(start: number, next: number, items: number, appendedAt: number): Mark {
    const mark: Mark = { start, items, appendedAt, settled: false };
    this.marks.push(mark);
    this.readOffset = next;
    this.pendingItems += items;
    return mark;
  }

  /** Damaged bytes were passed over. */
  skip(to: number): void {
    this.readOffset = Math.max(this.readOffset, to);
  }

  settle(mark: Mark): void {
    if (mark.settled) return;
    mark.settled = true;
    this.settledItems += mark.items;
    this.pendingItems -= mark.items;
    while (this.head < this.marks.length && (this.marks[this.head] as Mark).settled) this.head++;
    // Compact now and then, so the array does not grow with the segment.
    if (this.head > 1024 && this.head * 2 > this.marks.length) {
      this.marks.splice(0, this.head);
      this.head = 0;
    }
  }
}

/** The segments in the order they are delivered: adopted logs' first (older data), then this instance's own. */
export class SegmentBook {
  private list: SegmentState[] = [];

  all(): readonly SegmentState[] {
    return this.list;
  }

  addOwn(segment: SegmentState): void {
    this.list.push(segment);
  }

  /** Older data from other logs goes before this instance's own segments. */
  addAdopted(segments: readonly SegmentState[]): void {
    const firstOwn = this.list.findIndex((s) => s.own);
    if (firstOwn < 0) this.list.push(...segments);
    else this.list.splice(firstOwn, 0, ...segments);
  }

  find(log: LogDir, seq: number): SegmentState | undefined {
    return this.list.find((s) => s.log === log && s.seq === seq);
  }

  remove(segment: SegmentState): void {
    this.list = this.list.filter((s) => s !== segment);
  }

  /** The first segment with data not read yet. */
  firstUnread(): SegmentState | undefined {
    return this.list.find((s) => s.unread);
  }

  /** Bytes of every segment held. */
  bytes(): number {
    let total = 0;
    for (const s of this.list) total += s.fileBytes;
    return total;
  }

  /** Items not delivered yet, over every segment. */
  queuedItems(): number {
    let total = 0;
    for (const s of this.list) total += s.undeliveredItems;
    return total;
  }

  oldestUndeliveredAt(): number | undefined {
    let oldest: number | undefined;
    for (const s of this.list) {
      const at = s.oldestUndeliveredAt;
      if (at !== undefined && (oldest === undefined || at < oldest)) oldest = at;
    }
    return oldest;
  }

  /** The oldest segment that may be dropped to make room: one nothing is written to any more. */
  oldestClosed(): SegmentState | undefined {
    return this.list.find((s) => !s.writing);
  }

  /** Per segment of `log`, the offset before which everything is settled. */
  progressOf(log: LogDir): Map<number, number> {
    const out = new Map<number, number>();
    for (const s of this.list) if (s.log === log) out.set(s.seq, s.settledBefore);
    return out;
  }

  logs(): Set<LogDir> {
    return new Set(this.list.map((s) => s.log));
  }
}
