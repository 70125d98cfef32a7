// "Log once per episode": a run of bad outcomes (refusals, drops, retries) writes one line when it begins and one
// when it ends with the total, so a struggling pipeline cannot flood its own logs while nothing goes unreported.
import type { Logger } from 'pino';

export class Episode {
  private active = false;
  private items = 0;
  private events = 0;
  private firstAt = 0;

  constructor(
    private readonly logger: Logger,
    private readonly what: string,
    private readonly level: 'warn' | 'error' = 'warn',
  ) {}

  get inProgress(): boolean {
    return this.active;
  }

  /** Records one bad outcome; logs only the first of an episode. */
  hit(items: number, details?: Record<string, unknown>): void {
    this.items += items;
    this.events++;
    if (this.active) return;
    this.active = true;
    this.firstAt = Date.now();
    this.logger[this.level]({ ...details, items }, `${this.what} (further occurrences summarised when it ends)`);
  }

  /** Ends the episode, if one is running, with a summary line. */
  end(reason = 'recovered'): void {
    if (!this.active) return;
    this.logger.info(
      { items: this.items, occurrences: this.events, durationMs: Date.now() - this.firstAt },
      `${this.what}: episode ended (${reason})`,
    );
    this.active = false;
    this.items = 0;
    this.events = 0;
  }
}
