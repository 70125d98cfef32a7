// processor:retry: sends a message again, with exponential backoff, when its delivery downstream failed, and settles
// the upstream acknowledgement only once the message was delivered or retrying is over. It learns each message's fate
// by attaching an Ack of its own to what it emits, whether or not the receiver waits for the result.
//
// Exporters already retry transient errors in place, holding the line until the peer answers (that is what carries
// backpressure to the receivers). What reaches this processor as a failure is what a node downstream gave up on: a
// peer's refusal the exporter treats as final (401, 403, 404, INVALID_ARGUMENT …), an exporter that threw, a path
// that lost the data. Those are retried here, for at most `max_elapsed_time`. A partial success is not a failure:
// the peer took the rest, and sending everything again would duplicate it.
import { parseByteSize, parseDuration } from '../../../config/duration.js';
import { Ack, holdAcks, rejectAcks, releaseAcks, type AckOutcome } from '../../../pipeline/ack.js';
import { ChannelClosedError } from '../../../pipeline/channel.js';
import { Episode } from '../../../pipeline/episode.js';
import type { NodeContext, NodeInstance, Processor } from '../../../pipeline/node.js';
import type { PData } from '../../../pipeline/pdata.js';
import type { RetryProcessorConfig } from './descriptor.js';
import { retryBudget } from './budget.js';

export interface RetrySettings {
  initialIntervalMs: number;
  maxIntervalMs: number;
  multiplier: number;
  maxElapsedMs: number;
  maxPendingBytes: number;
  /** Retries a message gets at most, whatever the clock says (see budget.ts). */
  maxRetries: number;
}

/** One message held until its fate is known. */
interface Pending {
  /** As it arrived, with the upstream acks (this processor holds one reference on each until it settles). */
  readonly pdata: PData;
  readonly bytes: number;
  /** No retry may start at or after this (epoch ms): first attempt + max_elapsed_time. */
  readonly retryUntil: number;
  readonly firstAttemptAt: number;
  attempts: number;
  lastReason?: string;
  /** Set while a retry is scheduled, with the time it starts. */
  timer?: NodeJS.Timeout;
  retryAt?: number;
}

/** A promise with its resolve (Promise.withResolvers needs Node 22). */
function signal(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

export function retrySettings(config: Partial<RetryProcessorConfig>): RetrySettings {
  const shape = {
    initialIntervalMs: parseDuration(config.initial_interval ?? '5s'),
    maxIntervalMs: parseDuration(config.max_interval ?? '30s'),
    multiplier: config.multiplier ?? 1.5,
    maxElapsedMs: parseDuration(config.max_elapsed_time ?? '5m'),
  };
  const budget = retryBudget(shape);
  // The descriptor refused such a config already; a caller that skipped it is told here.
  if (!budget.ok) throw new Error(`processor:retry: ${budget.reason}`);
  return { ...shape, maxPendingBytes: parseByteSize(config.max_pending_bytes ?? '64MiB'), maxRetries: budget.maxRetries };
}

/** The wait before retry number `retriesSoFar + 1`: min(max_interval, initial_interval × multiplier^retriesSoFar). */
export function backoffDelayMs(settings: RetrySettings, retriesSoFar: number): number {
  return Math.min(settings.maxIntervalMs, settings.initialIntervalMs * settings.multiplier ** retriesSoFar);
}

export class RetryProcessor implements Processor {
  private ctx: NodeContext | undefined;
  private readonly pending = new Set<Pending>();
  private pendingBytes = 0;
  /** Resolved, and replaced, whenever a message leaves `pending`: wakes a `process` waiting for room, and `flush`. */
  private released = signal();
  /** A message `process` is holding back until there is room; lost too if the runtime gives up. */
  private waitingForRoom: PData | undefined;
  /** Set by flush: no retry starts after the drain deadline. */
  private drainDeadline = Number.POSITIVE_INFINITY;
  private abandoned = false;
  private retrying: Episode | undefined;
  private exhaustion: Episode | undefined;

  constructor(
    private readonly name: string,
    private readonly settings: RetrySettings,
  ) {}

  async start(ctx: NodeContext): Promise<void> {
    this.ctx = ctx;
    this.retrying = new Episode(ctx.logger, 'delivery failed downstream: retrying with backoff');
    this.exhaustion = new Episode(ctx.logger, 'retries exhausted: delivery failed, upstream told', 'error');
  }

  async process(pdata: PData, ctx: NodeContext): Promise<void> {
    this.ctx ??= ctx;
    // Nothing to lose, nothing to retry: an empty message is acknowledged here and goes no further (as upstream).
    if (pdata.items === 0) return;
    const bytes = pdata.payload.byteLength;
    // One message always fits, however large: otherwise it could never go on.
    while (this.pending.size > 0 && this.pendingBytes + bytes > this.settings.maxPendingBytes) {
      this.waitingForRoom = pdata;
      await this.released.promise;
      this.waitingForRoom = undefined;
      if (this.abandoned) throw new Error(`node "${this.name}": abandoned while waiting for room`);
    }
    const now = Date.now();
    const entry: Pending = { pdata, bytes, retryUntil: now + this.settings.maxElapsedMs, firstAttemptAt: now, attempts: 0 };
    this.pending.add(entry);
    this.pendingBytes += bytes;
    // Our own reference on the upstream acks: the runtime releases its one when process returns.
    holdAcks(pdata);
    // The first attempt's emit is awaited, so that a full downstream slows the input down as with any processor.
    await this.attempt(entry);
  }

  /** Drain: retries go on until the deadline, and a retry that could not start before it fails now. */
  async flush(_ctx: NodeContext, deadlineMs = Number.POSITIVE_INFINITY): Promise<void> {
    this.drainDeadline = deadlineMs;
    for (const entry of this.pending) {
      if (entry.timer !== undefined && (entry.retryAt ?? 0) >= deadlineMs) {
        clearTimeout(entry.timer);
        entry.timer = undefined;
        this.exhaust(entry, 'the drain deadline comes before its next retry');
      }
    }
    while (this.pending.size > 0 && !this.abandoned) await this.released.promise;
  }

  abandon(): number {
    this.abandoned = true;
    let items = this.waitingForRoom?.items ?? 0;
    for (const entry of this.pending) {
      clearTimeout(entry.timer);
      items += entry.pdata.items;
      const after = entry.lastReason === undefined ? '' : ` while retrying after: ${entry.lastReason}`;
      releaseAcks(entry.pdata, `node "${this.name}": abandoned at the drain deadline${after}`);
    }
    this.pending.clear();
    this.pendingBytes = 0;
    this.wake();
    return items;
  }

  async stop(): Promise<void> {
    // Normally empty by now (drained, or abandoned first); an immediate stop without abandon must not leave timers.
    for (const entry of this.pending) clearTimeout(entry.timer);
  }

  private async attempt(entry: Pending): Promise<void> {
    const ctx = this.ctx as NodeContext;
    const { signal, payload, items } = entry.pdata;
    entry.attempts++;
    const ack = new Ack();
    let lost: string | undefined;
    let pipelineGone = false;
    try {
      await ctx.emit({ signal, payload, items, acks: [ack] });
    } catch (error) {
      pipelineGone = error instanceof ChannelClosedError;
      lost = error instanceof Error ? error.message : String(error);
    }
    // Our reference goes now that every delivery holds one (or none could be made).
    ack.release(lost);
    void ack.settled.then((outcome) => this.settle(entry, outcome, pipelineGone));
  }

  private settle(entry: Pending, outcome: AckOutcome, pipelineGone: boolean): void {
    // Abandoned meanwhile: its upstream acks are settled and its items counted already.
    if (!this.pending.has(entry)) return;
    if (outcome.ok) {
      if (outcome.rejectedItems) rejectAcks(entry.pdata, outcome.rejectedItems, outcome.message);
      // A delivery shows the way downstream works again.
      this.retrying?.end();
      this.exhaustion?.end();
      this.remove(entry);
      releaseAcks(entry.pdata);
      return;
    }
    entry.lastReason = outcome.reason;
    // The runtime counted these as dropped when it refused them; retrying into a pipeline that is going away is futile.
    if (pipelineGone) return this.exhaust(entry, 'the pipeline downstream is closed', false);
    const delayMs = this.nextDelay(entry);
    const startAt = Date.now() + delayMs;
    if (startAt >= entry.retryUntil) return this.exhaust(entry, `max_elapsed_time (${this.settings.maxElapsedMs} ms) reached`);
    // A second bound besides the clock, which can jump.
    if (entry.attempts - 1 >= this.settings.maxRetries) return this.exhaust(entry, `retry limit (${this.settings.maxRetries}) reached`);
    if (startAt >= this.drainDeadline) return this.exhaust(entry, 'the drain deadline comes before its next retry');
    this.retrying?.hit(entry.attempts === 1 ? entry.pdata.items : 0, { reason: outcome.reason, delayMs, attempt: entry.attempts });
    entry.retryAt = startAt;
    entry.timer = setTimeout(() => {
      entry.timer = undefined;
      void this.attempt(entry);
    }, delayMs);
  }

  private nextDelay(entry: Pending): number {
    return backoffDelayMs(this.settings, entry.attempts - 1);
  }

  /** Retrying is over without delivery: the upstream ack fails with the reason, and the items count as dropped. */
  private exhaust(entry: Pending, why: string, count = true): void {
    const elapsedMs = Date.now() - entry.firstAttemptAt;
    const reason = `node "${this.name}": gave up after ${entry.attempts} attempt${entry.attempts === 1 ? '' : 's'} in ${elapsedMs} ms (${why})${entry.lastReason === undefined ? '' : `: ${entry.lastReason}`}`;
    if (count) this.ctx?.recordDropped?.(entry.pdata);
    this.exhaustion?.hit(entry.pdata.items, { reason });
    this.remove(entry);
    releaseAcks(entry.pdata, reason);
  }

  private remove(entry: Pending): void {
    this.pending.delete(entry);
    this.pendingBytes -= entry.bytes;
    this.wake();
  }

  private wake(): void {
    this.released.resolve();
    this.released = signal();
  }
}

export function createRetryProcessor(name: string, config: Record<string, unknown>): NodeInstance {
  return { kind: 'processor', node: new RetryProcessor(name, retrySettings(config as Partial<RetryProcessorConfig>)) };
}
