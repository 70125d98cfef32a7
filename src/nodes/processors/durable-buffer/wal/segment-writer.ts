// Appends batches of records to one segment file, at the offset where the last whole batch ended. A write that fails
// (a full disk) leaves the committed size where it was and cuts off whatever part of the batch reached the file, so
// the next batch starts on a record boundary; if even that fails, the caller closes the segment, and recovery treats
// the leftover bytes as a damaged tail.
import { writevSync } from 'node:fs';
import { open, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { encodeSegmentHeader, SEGMENT_HEADER_BYTES, segmentName } from './segment-file.js';

export class SegmentWriter {
  /** Bytes of whole batches written (header included): where the next batch goes, and how far a reader may read. */
  private committed = SEGMENT_HEADER_BYTES;
  /** Set after a failed write whose tail could not be cut off: the segment takes no more batches. */
  private broken = false;
  private closed = false;

  private constructor(
    private readonly file: FileHandle,
    readonly path: string,
    readonly seq: number,
    readonly createdAt: number,
  ) {}

  /** Creates the segment file (it must not exist) and writes its header. */
  static async create(dir: string, seq: number, createdAt: number): Promise<SegmentWriter> {
    const path = join(dir, segmentName(seq));
    const file = await open(path, 'wx', 0o600);
    try {
      await writeAll(file, [encodeSegmentHeader(seq, createdAt)], 0);
    } catch (error) {
      // A full disk: no half-made segment is left behind.
      await file.close().catch(() => undefined);
      await unlink(path).catch(() => undefined);
      throw error;
    }
    return new SegmentWriter(file, path, seq, createdAt);
  }

  get size(): number {
    return this.committed;
  }

  /** False once a failed write could not be undone: append to a new segment instead. */
  get usable(): boolean {
    return !this.broken && !this.closed;
  }

  /** Writes `buffers` (`bytes` in all) after the last whole batch; on failure nothing of them counts as written. */
  async append(buffers: readonly Uint8Array[], bytes: number): Promise<void> {
    if (!this.usable) throw new Error(`segment ${this.path} takes no more records`);
    try {
      await writeAll(this.file, buffers, this.committed);
    } catch (error) {
      // Cut off the part that reached the file, so that the next batch starts where a reader expects a record.
      await this.file.truncate(this.committed).catch(() => {
        this.broken = true;
      });
      throw error;
    }
    this.committed += bytes;
  }

  /** Takes no more records (its sync failed): the next ones go to a new segment. */
  retire(): void {
    this.broken = true;
  }

  /** fdatasync: what was appended survives a power loss once this resolves. */
  async sync(): Promise<void> {
    if (!this.closed) await this.file.datasync();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.file.close();
  }
}

/**
 * How a batch reaches the file. An instance has its core to itself, so the thread pool runs on the same core as the
 * event loop: handing a write into the page cache over to it buys no parallelism and costs a thread switch, a wake-up
 * and a promise per batch (measured: about 0.13 µs per log record of the throughput bench). Such a write takes
 * microseconds, so it is made inline. When one took long (the kernel throttles writers once the device falls behind),
 * writes go through the thread pool for a while, so that the event loop keeps answering clients and the supervisor.
 */
export const segmentWriteMode = {
  /** An inline write that took longer than this sends the next ones to the thread pool. */
  slowWriteMs: 5,
  /** For this long. */
  offloadForMs: 1000,
  offloadUntil: 0,
};

/** A writev may write less than asked (a disk filling up mid-way): go on from where it stopped until all is written. */
async function writeAll(file: FileHandle, buffers: readonly Uint8Array[], position: number): Promise<void> {
  let rest = buffers;
  let at = position;
  for (;;) {
    const wanted = rest.reduce((sum, b) => sum + b.byteLength, 0);
    if (wanted === 0) return;
    const bytesWritten = await writeSome(file, rest, at);
    if (bytesWritten >= wanted) return;
    if (bytesWritten <= 0) throw Object.assign(new Error('write made no progress'), { code: 'EIO' });
    at += bytesWritten;
    rest = dropBytes(rest, bytesWritten);
  }
}

async function writeSome(file: FileHandle, buffers: readonly Uint8Array[], position: number): Promise<number> {
  const started = performance.now();
  if (started < segmentWriteMode.offloadUntil) return (await file.writev(buffers as Uint8Array[], position)).bytesWritten;
  const bytesWritten = writevSync(file.fd, buffers as Uint8Array[], position);
  if (performance.now() - started > segmentWriteMode.slowWriteMs) segmentWriteMode.offloadUntil = performance.now() + segmentWriteMode.offloadForMs;
  return bytesWritten;
}

function dropBytes(buffers: readonly Uint8Array[], count: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  let skip = count;
  for (const buffer of buffers) {
    if (skip >= buffer.byteLength) {
      skip -= buffer.byteLength;
      continue;
    }
    out.push(skip > 0 ? buffer.subarray(skip) : buffer);
    skip = 0;
  }
  return out;
}
