// A runner wraps one node for the runtime: its counters, its input channel and the steps of its lifecycle. Processors
// and exporters share the consumer loop below: one message at a time, in order (an exporter may ask for several in
// flight), a node's exception counted as failed and reported (never thrown out of the loop, so one bad message cannot
// stop the pipeline).
import type { Logger } from 'pino';
import type { NodeKind } from '../config/effective.js';
import type { Channel } from './channel.js';
import type { ErrorSink, RuntimeContext } from './context.js';
import { countFailed, countReceived, type MutableCounters } from './counters.js';
import type { DurableBufferStats, ThroughputStats } from './counter-types.js';
import { releaseAcks, type AckFailureKind } from './ack.js';
import { Episode } from './episode.js';
import type { PData } from './pdata.js';

export interface NodeRunner {
  readonly name: string;
  readonly urn: string;
  readonly kind: NodeKind;
  readonly counters: MutableCounters;
  /** Null for receivers, which take their input from sockets. */
  readonly input: Channel<PData> | null;
  /** Starts the node, then (for consumers) its loop. */
  start(): Promise<void>;
  /** The drain step: everything upstream has finished; take what is queued and hand on what the node holds. */
  finish(deadlineMs: number): Promise<void>;
  /** Gives up on what is queued or in flight; returns the items dropped (already added to the counters). */
  abandon(): number;
  stop(): Promise<void>;
  /** A measuring node's per signal totals (only `exporter:perf` has them). */
  throughput?(): ThroughputStats | undefined;
  /** A durable buffer's storage figures (only `processor:durable_buffer` has them). */
  durableBuffer?(): DurableBufferStats | undefined;
}

/** Why a message a node handled was not delivered, and whether sending it again could help. */
export interface Undelivered {
  reason: string;
  kind?: AckFailureKind;
}

export interface RunnerBase {
  name: string;
  urn: string;
  ctx: RuntimeContext;
  /** The same object the context updates. */
  counters: MutableCounters;
  errors: ErrorSink;
  logger: Logger;
}

export abstract class ConsumerRunner implements NodeRunner {
  readonly name: string;
  readonly urn: string;
  abstract readonly kind: NodeKind;
  readonly counters: MutableCounters;
  protected readonly ctx: RuntimeContext;
  protected readonly logger: Logger;
  protected abandoned = false;
  private readonly errors: ErrorSink;
  private readonly failures: Episode;
  private loopDone: Promise<void> = Promise.resolve();

  constructor(
    base: RunnerBase,
    readonly input: Channel<PData>,
  ) {
    this.name = base.name;
    this.urn = base.urn;
    this.ctx = base.ctx;
    this.counters = base.counters;
    this.errors = base.errors;
    this.logger = base.logger;
    this.failures = new Episode(base.logger, 'node threw while handling data: items counted as failed', 'error');
  }

  abstract start(): Promise<void>;
  abstract stop(): Promise<void>;
  /** Handles one message; may return synchronously so a cheap processor costs no promise per message. */
  protected abstract handle(pdata: PData): Promise<void> | void;
  /** Hands on whatever the node holds (drain). */
  protected abstract flushNode(deadlineMs: number): Promise<void>;

  async finish(deadlineMs: number): Promise<void> {
    this.input.close();
    await this.loopDone;
    if (!this.abandoned) await this.flushNode(deadlineMs);
  }

  abandon(): number {
    this.abandoned = true;
    let dropped = 0;
    for (const pdata of this.input.abort()) {
      dropped += pdata.items;
      this.counters.bytesDropped += pdata.payload.byteLength;
      releaseAcks(pdata, `node "${this.name}": abandoned at the drain deadline`);
    }
    dropped += this.abandonInFlight();
    this.counters.itemsDropped += dropped;
    return dropped;
  }

  /** A measuring node's per signal totals (only `exporter:perf` has them). */
  throughput(): ThroughputStats | undefined {
    return undefined;
  }

  /** Items of a message being handled right now that are lost by abandoning it. */
  protected abandonInFlight(): number {
    return 0;
  }

  protected startLoop(): void {
    this.loopDone = this.loop();
  }

  /**
   * How many messages may be handled at once. One keeps them in order; more lets an exporter wait on several peers'
   * answers at a time (acks stay per message, so they settle correctly in any order).
   */
  protected concurrency(): number {
    return 1;
  }

  private async loop(): Promise<void> {
    const limit = Math.max(1, Math.floor(this.concurrency()));
    if (limit > 1) return this.concurrentLoop(limit);
    const input = this.input;
    for (;;) {
      const pdata = input.tryReceive();
      if (pdata === undefined) {
        if (!(await input.readable())) return;
        continue;
      }
      countReceived(this.counters, pdata);
      try {
        const pending = this.handle(pdata);
        if (pending !== undefined) await pending;
        this.succeeded(pdata);
      } catch (error) {
        this.threw(pdata, error);
      }
    }
  }

  private async concurrentLoop(limit: number): Promise<void> {
    const input = this.input;
    const running = new Set<Promise<void>>();
    for (;;) {
      // A full set holds the next message in the channel: backpressure reaches the receivers as with one at a time.
      while (running.size >= limit) await Promise.race(running);
      const pdata = input.tryReceive();
      if (pdata === undefined) {
        if (!(await input.readable())) break;
        continue;
      }
      const pending = this.handleOne(pdata);
      if (pending === undefined) continue;
      const tracked: Promise<void> = pending.finally(() => running.delete(tracked));
      running.add(tracked);
    }
    await Promise.all(running);
  }

  /** Handles one message and releases its acks; a promise only when the node's handling is asynchronous. */
  private handleOne(pdata: PData): Promise<void> | undefined {
    countReceived(this.counters, pdata);
    let pending: Promise<void> | void;
    try {
      pending = this.handle(pdata);
    } catch (error) {
      this.threw(pdata, error);
      return undefined;
    }
    if (pending === undefined) {
      this.succeeded(pdata);
      return undefined;
    }
    return pending.then(
      () => this.succeeded(pdata),
      (error: unknown) => this.threw(pdata, error),
    );
  }

  private succeeded(pdata: PData): void {
    this.failures.end();
    if (!pdata.acks) return;
    const undelivered = this.undelivered(pdata);
    if (undelivered === undefined) releaseAcks(pdata);
    else releaseAcks(pdata, undelivered.reason, undelivered.kind);
  }

  private threw(pdata: PData, error: unknown): void {
    this.failed(pdata, error);
    if (pdata.acks) releaseAcks(pdata, `node "${this.name}" failed: ${error instanceof Error ? error.message : String(error)}`);
  }

  /** Why the message just handled was not delivered, if it was not (exporters say; processors hand data on). */
  protected undelivered(_pdata: PData): Undelivered | undefined {
    return undefined;
  }

  private failed(pdata: PData, error: unknown): void {
    // After abandoning, errors are the expected echo of aborted channels; the items were counted as dropped.
    if (this.abandoned) return;
    countFailed(this.counters, pdata);
    const err = error instanceof Error ? error : new Error(String(error));
    if (!this.failures.inProgress) this.errors(this.name, err, false);
    this.failures.hit(pdata.items, { err });
  }
}
