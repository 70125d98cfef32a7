// How many retries a message can get at most: the waits grow from initial_interval by multiplier up to max_interval,
// and no retry starts past max_elapsed_time. Counting them once up front gives a second bound besides the clock (a
// message is given up after that many retries even if the clock misbehaves), and refuses, as upstream does, settings
// whose waits would take more than GROWTH_LIMIT steps to grow (a multiplier of 1 with a tiny initial interval).
// No joi here: the descriptor validates with it and the processor runs with it.

/** Most retries a config may need before its wait reaches max_interval. */
export const GROWTH_LIMIT = 1000;

export interface BackoffShape {
  initialIntervalMs: number;
  maxIntervalMs: number;
  multiplier: number;
  maxElapsedMs: number;
}

export type RetryBudget = { ok: true; maxRetries: number } | { ok: false; reason: string };

export function retryBudget(shape: BackoffShape): RetryBudget {
  const { initialIntervalMs, maxIntervalMs, multiplier, maxElapsedMs } = shape;
  let elapsed = 0;
  let growing = 0;
  let wait = initialIntervalMs;
  while (wait < maxIntervalMs) {
    if (elapsed + wait >= maxElapsedMs) return { ok: true, maxRetries: growing };
    if (growing >= GROWTH_LIMIT) {
      return {
        ok: false,
        reason: `the waits would grow for more than ${GROWTH_LIMIT} retries before reaching max_interval within max_elapsed_time: raise multiplier or initial_interval, or lower max_elapsed_time`,
      };
    }
    elapsed += wait;
    growing++;
    wait *= multiplier;
  }
  // From here every wait is max_interval.
  if (elapsed + maxIntervalMs >= maxElapsedMs) return { ok: true, maxRetries: growing };
  return { ok: true, maxRetries: growing + Math.ceil((maxElapsedMs - elapsed + maxIntervalMs) / maxIntervalMs) };
}
