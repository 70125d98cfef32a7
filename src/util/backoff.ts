// Retry pacing for exporters: exponential backoff from 100 ms doubling to 5 s, unless the peer said when to come
// back. Sleeping is cut short when the runtime abandons its work (drain deadline or stop).

export const INITIAL_BACKOFF_MS = 100;
export const MAX_BACKOFF_MS = 5000;

export class Backoff {
  private nextMs = INITIAL_BACKOFF_MS;

  /** Delay before the next attempt: the peer's hint when it gave one, else the current backoff step. */
  next(retryAfterMs?: number): number {
    const step = this.nextMs;
    this.nextMs = Math.min(this.nextMs * 2, MAX_BACKOFF_MS);
    return retryAfterMs !== undefined && Number.isFinite(retryAfterMs) && retryAfterMs >= 0 ? retryAfterMs : step;
  }
}

/** Resolves after `ms`, or as soon as `signal` aborts (never rejects). */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted || ms <= 0) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
