// The one step both protocols share: validate and count a request with the wire scan, then hand it downstream
// without waiting. A full pipeline is an answer (429 / RESOURCE_EXHAUSTED), never a silent drop: refusals are counted
// and logged once per episode.
import type { NodeContext } from '../../../pipeline/node.js';
import type { Signal } from '../../../pipeline/pdata.js';
import { scanRequest } from '../../../pdata/wire.js';
import { Ack, type AckOutcome } from '../../../pipeline/ack.js';

export type Admission =
  /** `result` is there when the receiver waits for the result: it settles when the exporters are done with the data. */
  | { kind: 'accepted'; items: number; result?: Promise<AckOutcome> }
  | { kind: 'invalid'; reason: string }
  | { kind: 'full'; items: number };

export interface AdmissionStats {
  acceptedRequests: number;
  acceptedItems: number;
  /** Valid requests without a single item: answered 200, nothing to send downstream. */
  emptyRequests: number;
  invalidRequests: number;
  refusedRequests: number;
  refusedItems: number;
}

export function noAdmissions(): AdmissionStats {
  return { acceptedRequests: 0, acceptedItems: 0, emptyRequests: 0, invalidRequests: 0, refusedRequests: 0, refusedItems: 0 };
}

export class Admitter {
  private readonly counts: AdmissionStats = noAdmissions();
  /** Refusals since the pipeline was last seen accepting; > 0 means an episode is under way. */
  private refusedInEpisode = 0;

  constructor(private readonly ctx: NodeContext) {}

  /**
   * `waitForResult` (the protocol's `wait_for_result`): the data carries an Ack and the admission a `result` that
   * settles once the exporters are done with it; how long to wait for it is the protocol's `timeout`.
   */
  admit(signal: Signal, payload: Uint8Array, waitForResult: boolean): Admission {
    const scan = scanRequest(signal, payload);
    if (!scan.ok) {
      this.counts.invalidRequests++;
      return { kind: 'invalid', reason: scan.reason };
    }
    if (scan.items === 0) {
      this.counts.emptyRequests++;
      return { kind: 'accepted', items: 0 };
    }
    // With a durable buffer downstream, a success means stored: the buffer settles the Ack once the data is in its log.
    const ack = waitForResult || this.ctx.awaitStorage === true ? new Ack(scan.items) : undefined;
    if (!this.ctx.tryEmit(ack ? { signal, payload, items: scan.items, acks: [ack] } : { signal, payload, items: scan.items })) {
      ack?.release();
      this.counts.refusedRequests++;
      this.counts.refusedItems += scan.items;
      if (this.refusedInEpisode++ === 0) {
        this.ctx.logger.warn({ signal }, 'pipeline full: refusing requests until it accepts again');
      }
      return { kind: 'full', items: scan.items };
    }
    if (this.refusedInEpisode > 0) {
      this.ctx.logger.info({ refusedRequests: this.refusedInEpisode }, 'pipeline accepting again');
      this.refusedInEpisode = 0;
    }
    this.counts.acceptedRequests++;
    this.counts.acceptedItems += scan.items;
    if (!ack) return { kind: 'accepted', items: scan.items };
    // The receiver's own reference goes now that every delivery holds one.
    ack.release();
    return { kind: 'accepted', items: scan.items, result: ack.settled };
  }

  stats(): AdmissionStats {
    return { ...this.counts };
  }
}
