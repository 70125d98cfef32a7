// End-to-end acknowledgement (`wait_for_result`). A receiver that waits for the result attaches an Ack to what it
// emits. Every delivery of the data to a node holds one reference and releases it when that node is done with it; a
// node that keeps data beyond its `process` call (a batch) holds its own reference until it hands the data on. When
// the last reference goes the ack settles: delivered, unless some path failed or dropped it. Data without acks pays
// one property check per delivery. A peer that accepted the data but rejected part of it (OTLP partial success) does
// not fail the ack: the data was handled and must not be sent again, so the outcome is delivered with the rejected
// items counted, for the receiver to pass on to its client.

/**
 * Why data was not delivered, when the sender should act on it: `full`, refused for lack of room (a durable buffer at
 * its size cap, a full disk), to be sent again later as with a full channel (429 / RESOURCE_EXHAUSTED); `permanent`,
 * refused for good by a peer, so that sending it again would fail again. Absent: a failure that may pass (retryable).
 */
export type AckFailureKind = 'full' | 'permanent';

export type AckOutcome =
  /** `rejectedItems` (> 0 when present): items a peer accepted and then rejected for good, summed over every path. */
  | { ok: true; rejectedItems?: number; message?: string }
  | { ok: false; reason: string; kind?: AckFailureKind };

/** What the helpers below need of a PData: its acks (a structural type, so this file does not import pdata.ts). */
type Acknowledged = { readonly acks?: readonly Ack[] };

const DELIVERED: AckOutcome = Object.freeze({ ok: true });

export class Ack {
  private references = 1;
  private failure: string | null = null;
  private failureKind: AckFailureKind | undefined;
  private rejectedItems = 0;
  private rejectionMessage: string | undefined;
  private resolveSettled!: (outcome: AckOutcome) => void;
  /** Resolves once every delivery of the data ended. */
  readonly settled: Promise<AckOutcome> = new Promise((resolve) => (this.resolveSettled = resolve));

  /**
   * `items`: how many items the acknowledged data holds, when known. Rejections are capped at it: a batch that merged
   * this data with other data cannot say whose items its peer rejected, and a client must never hear that more items
   * were rejected than it sent.
   */
  constructor(private readonly items = Number.POSITIVE_INFINITY) {}

  hold(count = 1): void {
    this.references += count;
  }

  /** Marks the data as not delivered (the first reason and its kind are kept); settling still waits for the other paths. */
  fail(reason: string, kind?: AckFailureKind): void {
    if (this.failure !== null) return;
    this.failure = reason;
    this.failureKind = kind;
  }

  /** A peer accepted the data but rejected `items` of it for good (partial success); the first message is kept. */
  reject(items: number, message?: string): void {
    if (!(items > 0)) return;
    this.rejectedItems += items;
    this.rejectionMessage ??= message;
  }

  release(failure?: string, kind?: AckFailureKind): void {
    if (failure !== undefined) this.fail(failure, kind);
    if (--this.references === 0) this.resolveSettled(this.outcome());
  }

  private outcome(): AckOutcome {
    if (this.failure !== null) return this.failureKind === undefined ? { ok: false, reason: this.failure } : { ok: false, reason: this.failure, kind: this.failureKind };
    if (this.rejectedItems === 0) return DELIVERED;
    const rejectedItems = Math.min(this.rejectedItems, this.items);
    return this.rejectionMessage === undefined ? { ok: true, rejectedItems } : { ok: true, rejectedItems, message: this.rejectionMessage };
  }
}

export function holdAcks(pdata: Acknowledged, count = 1): void {
  if (pdata.acks) for (const ack of pdata.acks) ack.hold(count);
}

export function releaseAcks(pdata: Acknowledged, failure?: string, kind?: AckFailureKind): void {
  if (pdata.acks) for (const ack of pdata.acks) ack.release(failure, kind);
}

export function failAcks(pdata: Acknowledged, reason: string, kind?: AckFailureKind): void {
  if (pdata.acks) for (const ack of pdata.acks) ack.fail(reason, kind);
}

export function rejectAcks(pdata: Acknowledged, items: number, message?: string): void {
  if (pdata.acks) for (const ack of pdata.acks) ack.reject(items, message);
}
