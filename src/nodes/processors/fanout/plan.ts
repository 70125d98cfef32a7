// The shape of a fanout's destinations, checked once: which one is the primary, which destination each fallback chain
// starts from (its origin), and which fallback a failed destination hands over to. Shared by the descriptor (which
// reports the problems as config errors) and the processor (which runs the plan). No joi here.

export interface DestinationConfig {
  port: string;
  primary?: boolean;
  /** A duration (`5s`), or absent: no timeout. */
  timeout?: string;
  fallback_for?: string;
}

export interface FanoutPlan {
  /** Index of the primary destination (the first one when none says `primary: true`). */
  primary: number;
  /** Per destination, the destination its fallback chain starts from (itself when it is no fallback). */
  origins: number[];
  /** Per destination, the fallback that takes over when it fails, if any. */
  fallbackOf: Array<number | undefined>;
}

/** Upstream tracks origins in a 64-bit set; the same limit keeps configs portable. */
export const MAX_DESTINATIONS = 64;

export type PlanResult = { ok: true; plan: FanoutPlan } | { ok: false; reason: string };

export function planDestinations(destinations: readonly DestinationConfig[], awaitAck: string): PlanResult {
  if (destinations.length === 0) return { ok: false, reason: 'at least one destination is required' };
  if (destinations.length > MAX_DESTINATIONS) return { ok: false, reason: `at most ${MAX_DESTINATIONS} destinations are supported` };
  const index = new Map<string, number>();
  for (const [i, d] of destinations.entries()) {
    if (index.has(d.port)) return { ok: false, reason: `port "${d.port}" is listed twice` };
    index.set(d.port, i);
  }
  const primaries = destinations.flatMap((d, i) => (d.primary ? [i] : []));
  if (primaries.length > 1) return { ok: false, reason: 'only one destination may be the primary' };
  const primary = primaries[0] ?? 0;
  if (destinations[primary]?.fallback_for !== undefined) {
    return { ok: false, reason: `the primary destination "${destinations[primary]?.port}" cannot be a fallback` };
  }
  const fallbackOf: Array<number | undefined> = destinations.map(() => undefined);
  for (const [i, d] of destinations.entries()) {
    if (d.fallback_for === undefined) continue;
    const target = index.get(d.fallback_for);
    if (target === undefined) return { ok: false, reason: `fallback_for "${d.fallback_for}" of "${d.port}" is not a destination` };
    if (fallbackOf[target] !== undefined) return { ok: false, reason: `"${d.fallback_for}" has more than one fallback` };
    fallbackOf[target] = i;
  }
  const origins: number[] = [];
  for (let i = 0; i < destinations.length; i++) {
    let at = i;
    const seen = new Set<number>();
    for (;;) {
      if (seen.has(at)) return { ok: false, reason: `the fallbacks of "${destinations[i]?.port}" form a cycle` };
      seen.add(at);
      const next = destinations[at]?.fallback_for;
      if (next === undefined) break;
      at = index.get(next) as number;
    }
    origins.push(at);
  }
  if (awaitAck === 'none') {
    const fallback = destinations.find((d) => d.fallback_for !== undefined);
    if (fallback) return { ok: false, reason: `fallback_for (on "${fallback.port}") needs an outcome to act on, and await_ack: none waits for none` };
    const timed = destinations.find((d) => d.timeout !== undefined);
    if (timed) return { ok: false, reason: `timeout (on "${timed.port}") needs an outcome to wait for, and await_ack: none waits for none` };
  }
  return { ok: true, plan: { primary, origins, fallbackOf } };
}
