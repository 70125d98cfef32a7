// A pipeline's core allocation against the cores the engine may use. Pure, so the planner and tests can ask
// "what would this pipeline run on" without touching the machine.
import type { CoreAllocation } from './types.js';

export type CoreResolution = { ok: true; cores: number[] } | { ok: false; message: string };

// Guards against `{ start: 0, end: 4000000000 }` turning into a four-billion-element list.
const MAX_RANGE_LENGTH = 65_536;

export function resolveCoreAllocation(allocation: CoreAllocation, available: readonly number[]): CoreResolution {
  const pool = [...new Set(available)].sort((a, b) => a - b);
  const poolText = pool.length > 0 ? formatCoreList(pool) : 'none';
  switch (allocation.type) {
    case 'all_cores':
      return pool.length > 0 ? { ok: true, cores: pool } : { ok: false, message: 'no cores are available' };
    case 'core_count': {
      // 0 asks for every core the engine may use (upstream's meaning).
      const n = allocation.count === 0 ? pool.length : allocation.count;
      if (!Number.isInteger(n) || n < 1) {
        return { ok: false, message: allocation.count === 0 ? 'no cores are available' : `core_count must be at least 1, got ${n}` };
      }
      if (n > pool.length) {
        return { ok: false, message: `core_count ${n} exceeds the ${pool.length} available cores (${poolText})` };
      }
      return { ok: true, cores: pool.slice(0, n) };
    }
    case 'core_set': {
      const wanted = new Set<number>();
      for (const { start, end } of allocation.set) {
        if (end < start) return { ok: false, message: `core range ${start}-${end} ends before it starts` };
        if (end - start + 1 > MAX_RANGE_LENGTH) return { ok: false, message: `core range ${start}-${end} is too large` };
        for (let core = start; core <= end; core++) wanted.add(core);
      }
      const cores = [...wanted].sort((a, b) => a - b);
      if (cores.length === 0) return { ok: false, message: 'core_set names no cores' };
      const missing = cores.filter((c) => !pool.includes(c));
      if (missing.length > 0) {
        const noun = missing.length === 1 ? 'core' : 'cores';
        return { ok: false, message: `core_set: ${noun} ${missing.join(', ')} not available (available: ${poolText})` };
      }
      return { ok: true, cores };
    }
  }
}

/** `[0, 1, 2, 3, 6]` → `0-3,6`, the notation of taskset and `--core-id-range`. */
export function formatCoreList(cores: readonly number[]): string {
  const sorted = [...new Set(cores)].sort((a, b) => a - b);
  const parts: string[] = [];
  let i = 0;
  while (i < sorted.length) {
    let j = i;
    while (j + 1 < sorted.length && (sorted[j + 1] as number) === (sorted[j] as number) + 1) j++;
    parts.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}
