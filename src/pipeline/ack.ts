// End-to-end acknowledgement (`wait_for_result`). A receiver that waits for the result attaches an Ack to what it
// emits. Every delivery of the data to a node holds one reference and releases it when that node is done with it; a
// node that keeps data beyond its `process` call (a batch) holds its own reference until it hands the data on. When
// the last reference goes the ack settles: delivered, unless some path failed or dropped it. Data without acks pays
// one property check per delivery.
import type { PData } from './pdata.js';

export type AckOutcome = { ok: true } | { ok: false; reason: string };

export class Ack {
  private references = 1;
  private failure: string | null = null;
  private resolveSettled!: (outcome: AckOutcome) => void;
  /** Resolves once every delivery of the data ended. */
  readonly settled: Promise<AckOutcome> = new Promise((resolve) => (this.resolveSettled = resolve));

  hold(count = 1): void {
    this.references += count;
  }

  /** Marks the data as not delivered (the first reason is kept); settling still waits for the other paths. */
  fail(reason: string): void {
    this.failure ??= reason;
  }

  release(failure?: string): void {
    if (failure !== undefined) this.fail(failure);
    if (--this.references === 0) this.resolveSettled(this.failure === null ? { ok: true } : { ok: false, reason: this.failure });
  }
}

export function holdAcks(pdata: PData, count = 1): void {
  if (pdata.acks) for (const ack of pdata.acks) ack.hold(count);
}

export function releaseAcks(pdata: PData, failure?: string): void {
  if (pdata.acks) for (const ack of pdata.acks) ack.release(failure);
}

export function failAcks(pdata: PData, reason: string): void {
  if (pdata.acks) for (const ack of pdata.acks) ack.fail(reason);
}
