// Upstream's two sampling policies. Both decide only how many log records of a message are kept; the kept ones are
// always the first of the message (keep-first.ts), so the outcome is a pure function of the record counts seen.
//   ratio: `emit` out of every `out_of` records, counted across messages: each cycle of `out_of` records keeps its
//          first `emit`, and a cycle may span messages.
//   zip:   at most `max_items` records per window of `interval`; the windows tick from the first message the
//          processor sees, and each tick gives a fresh budget.

export interface Sampler {
  /** How many of the next `records` records to keep (the first ones). */
  keep(records: number): number;
  /** Called on every message before `keep`: the zip sampler starts its window timer on the first. */
  begin(): void;
  stop(): void;
}

export class RatioSampler implements Sampler {
  /** Records seen in the current cycle. */
  private seen = 0;

  constructor(
    private readonly emit: number,
    private readonly outOf: number,
  ) {}

  keep(records: number): number {
    if (records === 0) return 0;
    const inCycle = Math.min(records, this.outOf - this.seen);
    const fromCurrent = Math.min(Math.max(0, this.emit - this.seen), inCycle);
    const after = records - inCycle;
    const cycles = Math.floor(after / this.outOf);
    const leftover = after % this.outOf;
    this.seen = (this.seen + records) % this.outOf;
    return fromCurrent + cycles * this.emit + Math.min(this.emit, leftover);
  }

  begin(): void {}

  stop(): void {}
}

export class ZipSampler implements Sampler {
  private used = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly maxItems: number,
    private readonly intervalMs: number,
  ) {}

  keep(records: number): number {
    const kept = Math.min(records, Math.max(0, this.maxItems - this.used));
    this.used += kept;
    return kept;
  }

  begin(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => (this.used = 0), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
