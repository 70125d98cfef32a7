// processor:fanout: sends every message to several destinations (output ports) and settles the upstream
// acknowledgement from their outcomes, as upstream's fanout does:
// - `await_ack: primary` (default): the primary destination's outcome (or its fallback's) is the message's;
//   `all`: every destination must deliver, the first failure fails the message; `none`: acknowledged once sent.
// - `mode: parallel` (default) sends to all destinations at once; `sequential` sends to the next one only once the
//   previous one's outcome is known.
// - A destination with `fallback_for: X` is sent to only when X failed or timed out; its outcome replaces X's.
// Each destination gets the same bytes with an acknowledgement of its own, which is how the fanout learns its outcome,
// whether or not the receiver waits for the result.
import { Ack, holdAcks, rejectAcks, releaseAcks, type AckOutcome } from '../../../pipeline/ack.js';
import type { NodeContext, NodeInstance, Processor } from '../../../pipeline/node.js';
import type { PData } from '../../../pipeline/pdata.js';
import { parseDuration } from '../../../config/duration.js';
import type { FanoutProcessorConfig } from './descriptor.js';
import { planDestinations, type FanoutPlan } from './plan.js';

type Status = 'pending' | 'in_flight' | 'delivered' | 'failed' | 'timed_out' | 'skipped';

export interface FanoutSettings {
  mode: 'parallel' | 'sequential';
  awaitAck: 'primary' | 'all' | 'none';
  destinations: Array<{ port: string; timeoutMs: number | undefined }>;
  plan: FanoutPlan;
  timeoutCheckIntervalMs: number;
  maxInflight: number;
}

/** One message whose outcome is awaited. */
interface Request {
  /** As it arrived, with the upstream acks (the fanout holds one reference on each until it settles). */
  readonly pdata: PData;
  readonly status: Status[];
  readonly deadlines: Array<number | undefined>;
  readonly deliveredOrigins: Set<number>;
  /** sequential: position in `origins` of the destination being sent to. */
  position: number;
  /** The most items a destination accepted and then rejected (partial success). */
  rejected: { items: number; message?: string } | undefined;
  done: boolean;
}

/** A promise with its resolve (Promise.withResolvers needs Node 22). */
function signal(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

export function fanoutSettings(config: Partial<FanoutProcessorConfig>): FanoutSettings {
  const destinations = config.destinations ?? [];
  const awaitAck = config.await_ack ?? 'primary';
  const planned = planDestinations(destinations, awaitAck);
  // The descriptor refused such a config already; a caller that skipped it is told here.
  if (!planned.ok) throw new Error(`processor:fanout: ${planned.reason}`);
  return {
    mode: config.mode ?? 'parallel',
    awaitAck,
    destinations: destinations.map((d) => ({ port: d.port, timeoutMs: d.timeout === undefined ? undefined : parseDuration(d.timeout) })),
    plan: planned.plan,
    timeoutCheckIntervalMs: parseDuration(config.timeout_check_interval ?? '200ms'),
    maxInflight: config.max_inflight ?? 10_000,
  };
}

export class FanoutProcessor implements Processor {
  /** Destinations that are no fallback, in the order configured: those a message is sent to first. */
  private readonly origins: number[];
  private readonly inflight = new Set<Request>();
  /** Resolved, and replaced, whenever a request settles: wakes a `process` waiting for room, and `flush`. */
  private released = signal();
  private timer: NodeJS.Timeout | undefined;
  private abandoned = false;
  private ctx: NodeContext | undefined;

  constructor(
    private readonly name: string,
    private readonly settings: FanoutSettings,
  ) {
    this.origins = settings.plan.origins.flatMap((origin, i) => (origin === i ? [i] : []));
  }

  async start(ctx: NodeContext): Promise<void> {
    this.ctx = ctx;
    if (this.settings.destinations.some((d) => d.timeoutMs !== undefined)) {
      this.timer = setInterval(() => this.checkTimeouts(), this.settings.timeoutCheckIntervalMs);
      this.timer.unref();
    }
  }

  async process(pdata: PData, ctx: NodeContext): Promise<void> {
    this.ctx ??= ctx;
    if (this.settings.awaitAck === 'none') return this.sendAndForget(pdata, ctx);
    const { maxInflight } = this.settings;
    while (maxInflight > 0 && this.inflight.size >= maxInflight) {
      await this.released.promise;
      if (this.abandoned) throw new Error(`node "${this.name}": abandoned while waiting for room`);
    }
    const count = this.settings.destinations.length;
    const request: Request = {
      pdata,
      status: new Array<Status>(count).fill('pending'),
      deadlines: new Array<number | undefined>(count).fill(undefined),
      deliveredOrigins: new Set(),
      position: 0,
      rejected: undefined,
      done: false,
    };
    this.inflight.add(request);
    // Our own reference on the upstream acks: the runtime releases its one when process returns.
    holdAcks(pdata);
    // The first sends are awaited, so that a full destination slows the input down as with any processor.
    if (this.settings.mode === 'parallel') await Promise.all(this.origins.map((i) => this.send(request, i)));
    else await this.send(request, this.origins[0] as number);
  }

  /** Drain: waits until every awaited outcome is known. */
  async flush(): Promise<void> {
    while (this.inflight.size > 0 && !this.abandoned) await this.released.promise;
  }

  abandon(): number {
    this.abandoned = true;
    for (const request of this.inflight) {
      request.done = true;
      releaseAcks(request.pdata, `node "${this.name}": abandoned at the drain deadline before the destinations answered`);
    }
    this.inflight.clear();
    this.wake();
    // What the destinations were sent is theirs to count; nothing is held here.
    return 0;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** `await_ack: none`: every destination (fallbacks are refused by the config), and the upstream ack is not held. */
  private async sendAndForget(pdata: PData, ctx: NodeContext): Promise<void> {
    const { signal: s, payload, items } = pdata;
    const copy: PData = { signal: s, payload, items };
    const sends = this.origins.map((i) => ctx.emit(copy, this.settings.destinations[i]?.port));
    // allSettled first, so that one port's failure never leaves another's send unobserved; then the first failure.
    for (const result of await Promise.allSettled(sends)) if (result.status === 'rejected') throw result.reason;
  }

  /** Resolves once the destination's channel took the message; its outcome arrives later, through its own ack. */
  private async send(request: Request, i: number): Promise<void> {
    const ctx = this.ctx as NodeContext;
    const { port, timeoutMs } = this.settings.destinations[i] as { port: string; timeoutMs: number | undefined };
    request.status[i] = 'in_flight';
    request.deadlines[i] = timeoutMs === undefined ? undefined : Date.now() + timeoutMs;
    const { signal: s, payload, items } = request.pdata;
    const ack = new Ack(items);
    let lost: string | undefined;
    try {
      await ctx.emit({ signal: s, payload, items, acks: [ack] }, port);
    } catch (error) {
      lost = error instanceof Error ? error.message : String(error);
    }
    // Our reference goes now that every delivery holds one (or none could be made).
    ack.release(lost);
    void ack.settled.then((outcome) => this.outcome(request, i, outcome));
  }

  private outcome(request: Request, i: number, outcome: AckOutcome): void {
    // Settled meanwhile, or this destination timed out: a late answer changes nothing.
    if (request.done || request.status[i] !== 'in_flight') return;
    if (!outcome.ok) return this.failed(request, i, outcome.reason, 'failed');
    request.status[i] = 'delivered';
    if (outcome.rejectedItems && outcome.rejectedItems > (request.rejected?.items ?? 0)) {
      request.rejected = { items: outcome.rejectedItems, ...(outcome.message === undefined ? {} : { message: outcome.message }) };
    }
    const origin = this.settings.plan.origins[i] as number;
    // The chain delivered: its fallbacks not sent yet never will be.
    this.settings.plan.origins.forEach((o, j) => {
      if (o === origin && request.status[j] === 'pending') request.status[j] = 'skipped';
    });
    this.originSettled(request, origin, undefined);
  }

  private failed(request: Request, i: number, reason: string, status: 'failed' | 'timed_out'): void {
    request.status[i] = status;
    const fallback = this.settings.plan.fallbackOf[i];
    if (fallback !== undefined && request.status[fallback] === 'pending') {
      void this.send(request, fallback);
      return;
    }
    const port = this.settings.destinations[i]?.port;
    this.originSettled(request, this.settings.plan.origins[i] as number, `destination "${port}" ${status === 'timed_out' ? 'timed out' : 'failed'}: ${reason}`);
  }

  /** A destination's chain is over, delivered (`failure` undefined) or not. */
  private originSettled(request: Request, origin: number, failure: string | undefined): void {
    if (this.settings.awaitAck === 'primary') {
      if (origin === this.settings.plan.primary) return this.complete(request, failure);
    } else {
      if (failure !== undefined) return this.complete(request, failure);
      request.deliveredOrigins.add(origin);
      if (request.deliveredOrigins.size === this.origins.length) return this.complete(request, undefined);
    }
    if (this.settings.mode === 'sequential') {
      const next = this.origins[++request.position];
      if (next !== undefined) void this.send(request, next);
    }
  }

  private complete(request: Request, failure: string | undefined): void {
    request.done = true;
    this.inflight.delete(request);
    if (failure !== undefined) {
      releaseAcks(request.pdata, `node "${this.name}": ${failure}`);
    } else {
      if (request.rejected) rejectAcks(request.pdata, request.rejected.items, request.rejected.message);
      releaseAcks(request.pdata);
    }
    this.wake();
  }

  private checkTimeouts(): void {
    const now = Date.now();
    for (const request of this.inflight) {
      request.deadlines.forEach((deadline, i) => {
        if (request.done || deadline === undefined || deadline > now || request.status[i] !== 'in_flight') return;
        const timeoutMs = this.settings.destinations[i]?.timeoutMs;
        this.failed(request, i, `no outcome within ${timeoutMs} ms`, 'timed_out');
      });
    }
  }

  private wake(): void {
    this.released.resolve();
    this.released = signal();
  }
}

export function createFanoutProcessor(name: string, config: Record<string, unknown>): NodeInstance {
  return { kind: 'processor', node: new FanoutProcessor(name, fanoutSettings(config as Partial<FanoutProcessorConfig>)) };
}
