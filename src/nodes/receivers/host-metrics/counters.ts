// Start times of cumulative series. A host counter counts from boot, so its start is the boot time; when one goes
// back (a driver reset, a device re-created under the same name) it counts from that moment, and its start moves to
// the scrape that saw it, as the data model asks of a cumulative series that restarted.

export class CounterStarts {
  private readonly series = new Map<string, { previous: number; startNs: bigint }>();
  private readonly seen = new Set<string>();

  /**
   * The start of series `key` now holding `value`. `defaultStartNs` is where a series that was never reset starts (boot
   * time, or a process's start time); a later default (the host rebooted) wins over an older start.
   */
  observe(key: string, value: number, defaultStartNs: bigint, nowNs: bigint): bigint {
    this.seen.add(key);
    const state = this.series.get(key);
    if (!state) {
      this.series.set(key, { previous: value, startNs: defaultStartNs });
      return defaultStartNs;
    }
    if (state.startNs < defaultStartNs) state.startNs = defaultStartNs;
    else if (value < state.previous) state.startNs = nowNs;
    state.previous = value;
    return state.startNs;
  }

  /**
   * Forgets series of the families in `prefixes` that this scrape did not observe (an interface or process that is
   * gone), so the map does not grow with every short-lived process. Call once per scrape, after observing.
   */
  prune(prefixes: readonly string[]): void {
    for (const key of this.series.keys()) {
      if (!this.seen.has(key) && prefixes.some((p) => key.startsWith(p))) this.series.delete(key);
    }
    this.seen.clear();
  }
}

/** Series key: the metric name and the attribute values that tell its series apart. */
export const seriesKey = (...parts: readonly (string | number)[]): string => parts.join('\u001f');
