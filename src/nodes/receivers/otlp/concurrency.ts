// `max_concurrent_requests`: how many requests of one protocol may be between arrival and answer at once. A request
// over the limit is refused at once (gRPC with load_shed) or waits for a slot (HTTP, and gRPC without load_shed) until
// its deadline. Waiters need no bound of their own: each is an open request the transport already bounds (one per
// HTTP/1.1 connection, max_concurrent_streams per HTTP/2 connection).

export class ConcurrencyLimit {
  private inFlight = 0;
  private readonly waiters: (() => void)[] = [];

  constructor(readonly max: number) {}

  tryAcquire(): boolean {
    if (this.inFlight >= this.max) return false;
    this.inFlight++;
    return true;
  }

  /** Resolves true once a slot is held, false when none freed up within `waitMs` (no bound when undefined). */
  acquire(waitMs: number | undefined): Promise<boolean> {
    if (this.tryAcquire()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = waitMs === undefined ? undefined : setTimeout(() => {
        const at = this.waiters.indexOf(wake);
        if (at >= 0) this.waiters.splice(at, 1);
        resolve(false);
      }, waitMs);
      // The slot passes straight from the request that releases it to this one: inFlight stays as it is.
      const wake = (): void => {
        clearTimeout(timer);
        resolve(true);
      };
      this.waiters.push(wake);
    });
  }

  release(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.inFlight--;
  }
}
