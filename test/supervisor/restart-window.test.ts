import { describe, expect, it } from 'vitest';
import { RestartWindow } from '../../src/supervisor/restart-window.js';

const DEFAULTS = { enabled: true, maxRestarts: 5, initialBackoffMs: 250, maxBackoffMs: 30_000, resetAfterMs: 60_000, startupTimeoutMs: 10_000 };

describe('RestartWindow', () => {
  it('doubles the backoff from the initial one and gives up at the sixth crash within the window (the defaults)', () => {
    const window = new RestartWindow(DEFAULTS);
    const decisions = [0, 1000, 2000, 3000, 4000, 5000].map((t) => window.onCrash(t));
    expect(decisions.slice(0, 5)).toEqual([
      { kind: 'restart', delayMs: 250, attempt: 1 },
      { kind: 'restart', delayMs: 500, attempt: 2 },
      { kind: 'restart', delayMs: 1000, attempt: 3 },
      { kind: 'restart', delayMs: 2000, attempt: 4 },
      { kind: 'restart', delayMs: 4000, attempt: 5 },
    ]);
    expect(decisions[5]).toEqual({ kind: 'give_up', reason: 'more than 5 restarts within 60s' });
  });

  it('caps the backoff at max_backoff', () => {
    const window = new RestartWindow({ ...DEFAULTS, maxRestarts: 10, initialBackoffMs: 1000, maxBackoffMs: 3000 });
    const delays = [0, 1, 2, 3].map((t) => window.onCrash(t)).map((d) => (d.kind === 'restart' ? d.delayMs : d.kind));
    expect(delays).toEqual([1000, 2000, 3000, 3000]);
  });

  it('forgets restarts older than reset_after: a crash now and then never gives up, and its backoff starts over', () => {
    const window = new RestartWindow({ ...DEFAULTS, maxRestarts: 2, resetAfterMs: 10_000 });
    expect(window.onCrash(0)).toMatchObject({ kind: 'restart', attempt: 1 });
    expect(window.onCrash(5_000)).toMatchObject({ kind: 'restart', attempt: 2, delayMs: 500 });
    // 0 falls out of the window at 10 001; 5 000 is still in it.
    expect(window.onCrash(10_001)).toMatchObject({ kind: 'restart', attempt: 2 });
    expect(window.recentRestarts).toBe(2);
    expect(window.onCrash(14_000)).toMatchObject({ kind: 'give_up' });
    // Only restarts count: the refused crash at 14 000 is not one, so at 30 000 the window is empty again.
    expect(window.onCrash(30_000)).toEqual({ kind: 'restart', delayMs: 250, attempt: 1 });
  });

  it('never restarts when recovery is disabled, and keeps no count', () => {
    const window = new RestartWindow({ ...DEFAULTS, enabled: false });
    expect(window.onCrash(0)).toEqual({ kind: 'disabled' });
    expect(window.recentRestarts).toBe(0);
  });

  it('gives up at once with max_restarts 0', () => {
    expect(new RestartWindow({ ...DEFAULTS, maxRestarts: 0 }).onCrash(0)).toEqual({ kind: 'give_up', reason: 'more than 0 restarts within 60s' });
  });
});
