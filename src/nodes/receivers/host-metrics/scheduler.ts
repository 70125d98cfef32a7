// When each family is due. Every family has its own interval (its `interval`, else `collection_interval`) and is first
// due after `initial_delay`; families due at the same moment are read in one scrape and sent in one request. A tick
// that was missed (a scrape ran long, the process stalled) is skipped, not caught up in a burst.
import { parseDuration } from '../../../config/duration.js';
import type { FamilyName, HostMetricsConfig } from './config.js';
import { FAMILY_NAMES } from './config.js';

interface Entry {
  family: FamilyName;
  intervalMs: number;
  nextDueMs: number;
}

export class FamilySchedule {
  private readonly entries: Entry[];

  /** `enabled`: the families that run; `startMs`: now on the performance.now() clock. */
  constructor(config: HostMetricsConfig, enabled: ReadonlySet<FamilyName>, startMs: number) {
    const first = startMs + parseDuration(config.initial_delay);
    const every = parseDuration(config.collection_interval);
    this.entries = FAMILY_NAMES.filter((f) => enabled.has(f)).map((family) => {
      const own = config.families[family].interval;
      return { family, intervalMs: own === undefined ? every : parseDuration(own), nextDueMs: first };
    });
  }

  get empty(): boolean {
    return this.entries.length === 0;
  }

  nextDueMs(): number {
    return Math.min(...this.entries.map((e) => e.nextDueMs));
  }

  dueAt(nowMs: number): Set<FamilyName> {
    return new Set(this.entries.filter((e) => e.nextDueMs <= nowMs).map((e) => e.family));
  }

  /** How long a scrape of `due` may take: the shortest interval among them, after which it would overlap the next. */
  timeoutMs(due: ReadonlySet<FamilyName>): number {
    return Math.min(...this.entries.filter((e) => due.has(e.family)).map((e) => e.intervalMs));
  }

  /** Moves every due family to its next tick after `nowMs`. */
  advance(nowMs: number): void {
    for (const e of this.entries) {
      if (e.nextDueMs > nowMs) continue;
      const missed = Math.floor((nowMs - e.nextDueMs) / e.intervalMs) + 1;
      e.nextDueMs += missed * e.intervalMs;
    }
  }
}
