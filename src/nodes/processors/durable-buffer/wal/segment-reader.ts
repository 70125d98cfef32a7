// Reads a segment's records in order, a chunk at a time, up to an end the caller gives (the writer's committed size for
// the segment being written, the file's size for a finished one). A damaged stretch (a torn tail, flipped bits,
// garbage) is skipped: the reader looks for the next offset where a record with a good checksum starts, and reports
// the bytes it passed over. Records handed out point into the chunk they were read with; nothing is copied.
import { open, type FileHandle } from 'node:fs/promises';
import { findNextMagic, MAX_BODY_BYTES, parseRecord, RECORD_OVERHEAD_BYTES, type WalRecord } from './record.js';
import { parseSegmentHeader, SEGMENT_HEADER_BYTES } from './segment-file.js';

/** Bytes read at once; a larger record is read whole. */
const CHUNK_BYTES = 1024 * 1024;
/** Window of a search for the next record after damage. */
const SEARCH_BYTES = 256 * 1024;

export type ReadStep =
  | { kind: 'record'; offset: number; next: number; record: WalRecord }
  /** Bytes `from`..`to` held no readable record; reading goes on at `to`. */
  | { kind: 'skipped'; from: number; to: number; reason: string }
  /** Nothing more before the end given. */
  | { kind: 'end' };

export class SegmentReader {
  private chunk: Buffer = Buffer.alloc(0);
  private chunkBase = 0;
  /** Set when the record at `position` is damaged: the next step searches for a good one. */
  private damage: string | undefined;

  private constructor(
    private readonly file: FileHandle,
    /** File offset of the next record. */
    private position: number,
    /** Check each record's CRC (always done while searching past damage). */
    private readonly verify: boolean,
  ) {}

  /**
   * Opens `path` for reading from `from` (a record boundary: the header's end, or where a previous reader stopped).
   * Fails when the file is not a segment of this format (its header is damaged).
   */
  static async open(path: string, from: number, verify: boolean): Promise<SegmentReader> {
    const file = await open(path, 'r');
    try {
      const head = Buffer.alloc(SEGMENT_HEADER_BYTES);
      const { bytesRead } = await file.read(head, 0, SEGMENT_HEADER_BYTES, 0);
      const header = parseSegmentHeader(head.subarray(0, bytesRead));
      if (!header.ok) throw new Error(`${path}: ${header.reason}`);
    } catch (error) {
      await file.close().catch(() => undefined);
      throw error;
    }
    return new SegmentReader(file, Math.max(from, SEGMENT_HEADER_BYTES), verify);
  }

  /** File offset of the next record to read. */
  get offset(): number {
    return this.position;
  }

  /** The next step without any I/O, when the chunk in memory holds it; undefined when a read is needed. */
  nextBuffered(end: number): ReadStep | undefined {
    if (this.position >= end) return { kind: 'end' };
    if (this.damage !== undefined) return undefined;
    const at = this.position - this.chunkBase;
    if (at < 0 || at >= this.chunk.byteLength) return undefined;
    const parsed = parseRecord(this.chunk, at, this.chunkBase, end, this.verify);
    switch (parsed.kind) {
      case 'record': {
        const offset = this.position;
        this.position = this.chunkBase + parsed.next;
        return { kind: 'record', offset, next: this.position, record: parsed.record };
      }
      case 'short':
        return undefined;
      case 'damaged':
        this.damage = parsed.reason;
        return undefined;
    }
  }

  async next(end: number): Promise<ReadStep> {
    for (;;) {
      const step = this.nextBuffered(end);
      if (step !== undefined) return step;
      if (this.damage !== undefined) return this.skipDamage(end);
      await this.fill(end, RECORD_OVERHEAD_BYTES);
      const retry = this.nextBuffered(end);
      if (retry !== undefined) return retry;
      if (this.damage !== undefined) return this.skipDamage(end);
      // A record larger than a chunk: read it whole.
      const at = this.position - this.chunkBase;
      const need = this.chunk.byteLength >= 8 ? 12 + this.chunk.readUInt32LE(at + 4) : RECORD_OVERHEAD_BYTES;
      await this.fill(end, need);
    }
  }

  async close(): Promise<void> {
    await this.file.close().catch(() => undefined);
  }

  /** Reads from `position`, at least `minBytes` when the data holds them. A fresh buffer each time: records point into old ones. */
  private async fill(end: number, minBytes: number): Promise<void> {
    const length = Math.min(end - this.position, Math.max(CHUNK_BYTES, minBytes));
    const buffer = Buffer.allocUnsafe(length);
    const { bytesRead } = await this.file.read(buffer, 0, length, this.position);
    this.chunk = buffer.subarray(0, bytesRead);
    this.chunkBase = this.position;
    // The file is shorter than the end given: treat what is missing as damage (a segment cut short).
    if (bytesRead < Math.min(length, minBytes)) this.damage ??= `segment ends at ${this.position + bytesRead}, before ${end}`;
  }

  /** Passes over damaged bytes from `position` to the next record whose checksum holds, or to `end`. */
  private async skipDamage(end: number): Promise<ReadStep> {
    const from = this.position;
    const reason = this.damage ?? 'damaged record';
    this.damage = undefined;
    let at = from + 1;
    while (at < end) {
      const length = Math.min(end - at, SEARCH_BYTES);
      const window = Buffer.allocUnsafe(length);
      const { bytesRead } = await this.file.read(window, 0, length, at);
      if (bytesRead === 0) break;
      let found = findNextMagic(window.subarray(0, bytesRead), 0);
      while (found >= 0) {
        if (await this.recordAt(at + found, end)) {
          this.position = at + found;
          this.chunk = Buffer.alloc(0);
          return { kind: 'skipped', from, to: this.position, reason };
        }
        found = findNextMagic(window.subarray(0, bytesRead), found + 1);
      }
      // A magic may straddle two windows.
      at += Math.max(1, bytesRead - 3);
    }
    this.position = end;
    this.chunk = Buffer.alloc(0);
    return { kind: 'skipped', from, to: end, reason };
  }

  /** Whether a whole record with a good checksum starts at `offset`. */
  private async recordAt(offset: number, end: number): Promise<boolean> {
    const head = Buffer.allocUnsafe(8);
    const { bytesRead } = await this.file.read(head, 0, 8, offset);
    if (bytesRead < 8) return false;
    const bodyLength = head.readUInt32LE(4);
    const total = 12 + bodyLength;
    if (bodyLength > MAX_BODY_BYTES || total > end - offset) return false;
    const whole = Buffer.allocUnsafe(total);
    const read = await this.file.read(whole, 0, total, offset);
    return read.bytesRead === total && parseRecord(whole, 0, offset, end, true).kind === 'record';
  }
}
