// Upstream's retry pacing for the OpAMP connection and its requests: each delay is the previous one times `factor`,
// capped at `max`, with ±20 % jitter so that a fleet that lost its server does not come back in one wave.

export interface BackoffSettings {
  initialMs: number;
  maxMs: number;
  factor: number;
}

/** A floor under a configured 0: retrying in a tight loop would spin a core on a dead server. */
const MIN_DELAY_MS = 10;
const JITTER = 0.2;

export class ExponentialBackoff {
  private currentMs: number;

  constructor(private readonly settings: BackoffSettings) {
    this.currentMs = this.first();
  }

  /** The delay before the next attempt; each call lengthens the one after. */
  next(): number {
    const base = this.currentMs;
    this.currentMs = Math.min(this.currentMs * this.settings.factor, Math.max(this.settings.maxMs, MIN_DELAY_MS));
    return Math.round(base * (1 - JITTER + Math.random() * 2 * JITTER));
  }

  /** Back to the initial delay, once an exchange with the server succeeded. */
  reset(): void {
    this.currentMs = this.first();
  }

  private first(): number {
    return Math.max(this.settings.initialMs, MIN_DELAY_MS);
  }
}
