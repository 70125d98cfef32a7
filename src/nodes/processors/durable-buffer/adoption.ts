// Taking over logs that nobody delivers any more. Every second the buffer lists the log directories under its `path`
// and tries the lock of each it does not hold: one that is free belonged to an instance that is gone (drained after a
// rolling replace, crashed, left by a previous run of the engine, or on a core a resize removed). It is adopted: its
// segments are scanned (checksums checked, damage counted and passed over) and delivered from where its progress says
// delivery got, then deleted. Because a lock is held by one process at a time, no two instances deliver the same log.
//
// Logs of this instance's core are adopted at once. A log of another core waits until it has been seen free for a
// while, so that a core's own next instance (a crashed one restarting, a new generation) normally takes it over, and
// a core that is gone for good (a resize) has its backlog taken by whichever instance comes first.
import type { Logger } from 'pino';
import { listLogDirs, LogDir, segmentBytes, type LogDirEntry } from './wal/log-dir.js';
import type { Owner } from './wal/dir-lock.js';
import { scanSegment } from './wal/scan.js';
import { SegmentState } from './segments.js';
import type { BufferStats } from './stats.js';
import { SEGMENT_HEADER_BYTES } from './wal/segment-file.js';

/** How long a log of another core must have been free before this instance adopts it. */
export const OTHER_CORE_GRACE_MS = 5000;

export interface ScanResult {
  /** Logs adopted in this pass, each with its segments still to deliver (already scanned). */
  adopted: Array<{ log: LogDir; segments: SegmentState[] }>;
  /** Bytes of the logs of this core that other processes hold (an overlapping generation): part of the core's share. */
  heldByOthersBytes: number;
  /**
   * The cores the pipeline runs on now, as the logs under `path` show it: this one, those whose log another process
   * holds, and those whose log is free but not yet given up on (its instance may be restarting). A core a resize
   * removed drops out once its log is adopted (or removed empty by its last instance).
   */
  liveCores: Set<number>;
}

type Attempt = { kind: 'held' } | { kind: 'waiting' } | { kind: 'adopted'; log: LogDir };

export class Adopter {
  /** Logs of other cores seen free, and since when. */
  private readonly freeSince = new Map<string, number>();

  constructor(
    private readonly base: string,
    private readonly owner: Owner,
    private readonly held: () => ReadonlySet<string>,
    private readonly stats: BufferStats,
    private readonly logger: Logger,
  ) {}

  async scan(now: number): Promise<ScanResult> {
    const result: ScanResult = { adopted: [], heldByOthersBytes: 0, liveCores: new Set([this.owner.core]) };
    const held = this.held();
    for (const entry of await listLogDirs(this.base)) {
      if (held.has(entry.dir)) continue;
      const attempt = await this.tryAdopt(entry, now);
      if (attempt.kind !== 'adopted') {
        result.liveCores.add(entry.core);
        if (attempt.kind === 'held' && entry.core === this.owner.core) result.heldByOthersBytes += await segmentBytes(entry.dir);
        continue;
      }
      const { log } = attempt;
      this.stats.counts.logsAdopted++;
      const segments = await recoverLog(log, this.stats, this.logger);
      this.logger.info({ log: entry.dir, segments: segments.length, items: segments.reduce((n, s) => n + s.items, 0) }, 'durable buffer: adopted a log left by an instance that is gone');
      result.adopted.push({ log, segments });
    }
    return result;
  }

  private async tryAdopt(entry: LogDirEntry, now: number): Promise<Attempt> {
    const log = await LogDir.adopt(entry, this.owner);
    if (log === undefined) {
      this.freeSince.delete(entry.dir);
      return { kind: 'held' };
    }
    if (entry.core === this.owner.core) return { kind: 'adopted', log };
    const since = this.freeSince.get(entry.dir);
    if (since !== undefined && now - since >= OTHER_CORE_GRACE_MS) {
      this.freeSince.delete(entry.dir);
      return { kind: 'adopted', log };
    }
    if (since === undefined) this.freeSince.set(entry.dir, now);
    await log.release();
    return { kind: 'waiting' };
  }
}

/**
 * The segments of a log this process did not write (adopted, or its own directory resumed after a crash), scanned from
 * where delivery got. Segments with nothing left to deliver are deleted here.
 */
export async function recoverLog(log: LogDir, stats: BufferStats, logger: Logger): Promise<SegmentState[]> {
  const progress = await log.readProgress();
  if (!progress.ok) logger.warn({ log: log.dir, reason: progress.reason }, 'durable buffer: unreadable progress file; delivering the whole log again');
  const delivered = progress.ok ? progress.delivered : new Map<number, number>();
  const out: SegmentState[] = [];
  for (const seq of await log.segments()) {
    const from = Math.max(SEGMENT_HEADER_BYTES, delivered.get(seq) ?? SEGMENT_HEADER_BYTES);
    const path = log.segmentPath(seq);
    const scan = await scanSegment(path, from).catch((error: Error) => ({ error }));
    if ('error' in scan) {
      logger.warn({ segment: path, err: scan.error }, 'durable buffer: cannot read a segment; it is left where it is');
      continue;
    }
    if (scan.damaged > 0) {
      stats.damaged(scan.damaged, scan.damagedBytes);
      logger.warn(
        { segment: path, stretches: scan.damaged, bytes: scan.damagedBytes, tornTail: scan.tornTail, first: scan.firstDamage, unreadable: scan.unreadable },
        'durable buffer: damaged records in a recovered segment were passed over',
      );
    }
    if (scan.records === 0) {
      await log.deleteSegment(seq);
      continue;
    }
    const segment = new SegmentState(log, seq, false, false, from, scan.validEnd, scan.fileBytes);
    segment.checked = scan.damaged === 0;
    segment.records = scan.records;
    segment.items = scan.items;
    segment.firstAt = scan.firstAt;
    segment.lastAt = scan.lastAt;
    out.push(segment);
  }
  return out;
}
