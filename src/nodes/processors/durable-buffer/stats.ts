// The durable buffer's counts, and its log lines: every item lost or refused is counted by reason, and each run of them
// (an episode) is logged when it begins and, with its totals, when it ends, so a buffer at its cap or a full disk
// cannot flood the logs while nothing goes unreported.
import type { Logger } from 'pino';
import type { DurableBufferStats } from '../../../pipeline/counter-types.js';
import { Episode } from '../../../pipeline/episode.js';
import type { LossReason } from './segments.js';

export type Cumulative = Omit<DurableBufferStats, 'bytesUsed' | 'bytesCap' | 'itemsQueued' | 'oldestAgeSeconds' | 'inFlight'>;

export function zeroCounts(): Cumulative {
  return {
    itemsStored: 0,
    itemsDelivered: 0,
    retries: 0,
    itemsExpired: 0,
    itemsDroppedOldest: 0,
    itemsRejected: 0,
    itemsRefused: 0,
    writeErrors: 0,
    damagedStretches: 0,
    damagedBytes: 0,
    logsAdopted: 0,
  };
}

export class BufferStats {
  readonly counts: Cumulative = zeroCounts();
  private readonly losses: Record<LossReason, Episode>;
  private readonly rejections: Episode;
  private readonly refusals: Episode;
  private readonly writeFailures: Episode;
  private readonly retrying: Episode;

  constructor(logger: Logger) {
    this.losses = {
      expired: new Episode(logger, 'durable buffer: dropping data older than max_age'),
      drop_oldest: new Episode(logger, 'durable buffer: at retention_size_cap, dropping the oldest segments (size_cap_policy drop_oldest)'),
    };
    this.rejections = new Episode(logger, 'durable buffer: data refused for good downstream, not retried', 'error');
    this.refusals = new Episode(logger, 'durable buffer: at retention_size_cap, refusing data upstream (size_cap_policy backpressure)');
    this.writeFailures = new Episode(logger, 'durable buffer: writing to the log failed: refusing data upstream until a write succeeds', 'error');
    this.retrying = new Episode(logger, 'durable buffer: delivery failed downstream: retrying with backoff');
  }

  stored(items: number): void {
    this.counts.itemsStored += items;
    this.writeFailures.end();
  }

  delivered(items: number): void {
    this.counts.itemsDelivered += items;
    this.retrying.end();
    this.rejections.end();
  }

  lost(reason: LossReason, items: number, details: Record<string, unknown>): void {
    if (items <= 0) return;
    if (reason === 'expired') this.counts.itemsExpired += items;
    else this.counts.itemsDroppedOldest += items;
    this.losses[reason].hit(items, details);
  }

  /** A loss episode ends when data is stored again without losing any (called when an append needed no room made). */
  noLoss(reason: LossReason): void {
    this.losses[reason].end();
  }

  rejected(items: number, reason: string): void {
    this.counts.itemsRejected += items;
    this.rejections.hit(items, { reason });
  }

  refused(items: number, details: Record<string, unknown>): void {
    this.counts.itemsRefused += items;
    this.refusals.hit(items, details);
  }

  accepting(): void {
    this.refusals.end();
  }

  writeFailed(error: Error, items: number): void {
    this.counts.writeErrors++;
    this.writeFailures.hit(items, { err: error, code: (error as NodeJS.ErrnoException).code });
  }

  retry(items: number, firstRetry: boolean, details: Record<string, unknown>): void {
    this.counts.retries++;
    this.retrying.hit(firstRetry ? items : 0, details);
  }

  damaged(stretches: number, bytes: number): void {
    this.counts.damagedStretches += stretches;
    this.counts.damagedBytes += bytes;
  }

  /** Ends every episode with its summary (the buffer stops). */
  endAll(): void {
    for (const episode of [...Object.values(this.losses), this.rejections, this.refusals, this.writeFailures, this.retrying]) episode.end('stopped');
  }
}
