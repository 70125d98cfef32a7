// Runs an exporter: one export at a time, in order, or as many at once as the exporter allows (`maxInFlight`).
// `retryable` is retried with backoff until it succeeds or the runtime abandons its work (drain deadline or stop);
// `failure` drops the message. Holding the line on the messages in flight while retrying is what makes backpressure
// reach the receivers instead of piling data up here.
import type { NodeKind } from '../config/effective.js';
import { rejectAcks } from './ack.js';
import type { Channel } from './channel.js';
import { Episode } from './episode.js';
import type { Exporter } from './node.js';
import type { PData } from './pdata.js';
import { Backoff, sleep } from '../util/backoff.js';
import { ConsumerRunner, type RunnerBase } from './runner.js';
import { countDropped } from './counters.js';
import type { ThroughputStats } from './counter-types.js';

export class ExporterRunner extends ConsumerRunner {
  readonly kind: NodeKind = 'exporter';
  private readonly retries: Episode;
  private readonly rejections: Episode;
  private readonly partial: Episode;
  private readonly inFlight = new Set<PData>();
  /** Why a message that carries acks was not delivered, until its acks are released. */
  private readonly undeliveredReasons = new Map<PData, string>();

  constructor(
    base: RunnerBase,
    input: Channel<PData>,
    private readonly node: Exporter,
    /** Aborted when the runtime gives up on queued data; cuts retry sleeps short. */
    private readonly abandonSignal: AbortSignal,
  ) {
    super(base, input);
    this.retries = new Episode(base.logger, 'export failed with a retryable error: retrying');
    this.rejections = new Episode(base.logger, 'export failed: dropping data', 'error');
    this.partial = new Episode(base.logger, 'peer rejected part of the exported data (partial success)');
  }

  async start(): Promise<void> {
    await this.node.start(this.ctx);
    this.startLoop();
  }

  async stop(): Promise<void> {
    await this.node.stop();
  }

  protected override concurrency(): number {
    return this.node.maxInFlight ?? 1;
  }

  protected async handle(pdata: PData): Promise<void> {
    this.inFlight.add(pdata);
    try {
      const failure = await this.exportWithRetry(pdata);
      if (failure !== undefined && pdata.acks) this.undeliveredReasons.set(pdata, failure);
    } finally {
      this.inFlight.delete(pdata);
    }
  }

  protected override undelivered(pdata: PData): string | undefined {
    const reason = this.undeliveredReasons.get(pdata);
    if (reason !== undefined) this.undeliveredReasons.delete(pdata);
    return reason;
  }

  override throughput(): ThroughputStats | undefined {
    return this.node.throughput?.();
  }

  protected override abandonInFlight(): number {
    let items = 0;
    for (const pdata of this.inFlight) items += pdata.items;
    return items;
  }

  protected async flushNode(): Promise<void> {
    await this.node.flush?.();
  }

  /** Resolves with why the message was not delivered, or undefined when it was. */
  private async exportWithRetry(pdata: PData): Promise<string | undefined> {
    let backoff: Backoff | undefined;
    for (;;) {
      const result = await this.node.export(pdata);
      // An answer that arrives after the runtime gave up belongs to data already counted as dropped.
      if (this.abandoned) return `node "${this.name}": abandoned at the drain deadline`;
      switch (result.kind) {
        case 'success': {
          const rejected = Math.min(Math.max(result.rejectedItems ?? 0, 0), pdata.items);
          this.counters.itemsSent += pdata.items - rejected;
          // The whole message went on the wire, rejected items included.
          this.counters.bytesSent += pdata.payload.byteLength;
          if (rejected > 0) {
            this.counters.itemsDropped += rejected;
            this.partial.hit(rejected, { message: result.message });
            // Handled, not failed: the rest arrived, and sending it all again would duplicate it. Waiting clients
            // hear about the rejected items as a partial success of their own.
            if (pdata.acks) rejectAcks(pdata, rejected, `node "${this.name}": the peer rejected ${rejected} of ${pdata.items} items${result.message ? `: ${result.message}` : ''}`);
          } else {
            this.partial.end();
          }
          this.retries.end();
          this.rejections.end();
          return undefined;
        }
        case 'failure':
          countDropped(this.counters, pdata);
          this.retries.end('gave up');
          this.rejections.hit(pdata.items, { reason: result.reason });
          return `node "${this.name}": ${result.reason}`;
        case 'retryable': {
          const firstRetry = backoff === undefined;
          backoff ??= new Backoff();
          const delayMs = backoff.next(result.retryAfterMs);
          this.retries.hit(firstRetry ? pdata.items : 0, { reason: result.reason, delayMs });
          await sleep(delayMs, this.abandonSignal);
          if (this.abandoned) return `node "${this.name}": abandoned at the drain deadline after: ${result.reason}`;
        }
      }
    }
  }
}
