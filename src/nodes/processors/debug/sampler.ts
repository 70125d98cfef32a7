// The debug processor's `sampling`: `no_sampling` shows everything; `zap_sampling` (the zap logger's scheme) shows, in
// each window of `sampling_interval` seconds, the first `sampling_initial` reports, then every
// `sampling_thereafter`-th one. A report arriving after its window ended opens a new one.
import type { Sampling } from './descriptor.js';

export class Sampler {
  private seen = 0;
  private windowEndsAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly sampling: Sampling,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Whether the next report is shown. */
  take(): boolean {
    const s = this.sampling;
    if (s.type === 'no_sampling') return true;
    const now = this.now();
    if (now >= this.windowEndsAt) {
      this.windowEndsAt = now + s.sampling_interval * 1000;
      this.seen = 1;
      return true;
    }
    this.seen++;
    if (this.seen <= s.sampling_initial) return true;
    // Thereafter 0: nothing more in this window.
    return s.sampling_thereafter > 0 && (this.seen - s.sampling_initial) % s.sampling_thereafter === 0;
  }
}
