// The one step both protocols share: validate and count a request with the wire scan, then hand it downstream
// without waiting. A full pipeline is an answer (429 / RESOURCE_EXHAUSTED), never a silent drop: refusals are counted
// and logged once per episode.
import type { NodeContext } from '../../../pipeline/node.js';
import type { Signal } from '../../../pipeline/pdata.js';
import { scanRequest } from '../../../pdata/wire.js';
import { Ack, type AckOutcome } from '../../../pipeline/ack.js';

/** How long a request waits for its result before it is answered as retryable. */
export const DEFAULT_RESULT_TIMEOUT_MS = 30_000;

function withTimeout(result: Promise<AckOutcome>, ms: number): Promise<AckOutcome> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<AckOutcome>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, reason: `no result within ${ms} ms` }), ms);
  });
  return Promise.race([result, timeout]).finally(() => clearTimeout(timer));
}

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

  constructor(
    private readonly ctx: NodeContext,
    /** `wait_for_result`: answer only once the exporters acknowledged the data. */
    private readonly waitForResult = false,
    private readonly resultTimeoutMs = DEFAULT_RESULT_TIMEOUT_MS,
  ) {}

  admit(signal: Signal, payload: Uint8Array): Admission {
    const scan = scanRequest(signal, payload);
    if (!scan.ok) {
      this.counts.invalidRequests++;
      return { kind: 'invalid', reason: scan.reason };
    }
    if (scan.items === 0) {
      this.counts.emptyRequests++;
      return { kind: 'accepted', items: 0 };
    }
    const ack = this.waitForResult ? new Ack(scan.items) : undefined;
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
    return { kind: 'accepted', items: scan.items, result: withTimeout(ack.settled, this.resultTimeoutMs) };
  }

  stats(): AdmissionStats {
    return { ...this.counts };
  }
}
