// `--num-cores` and `--core-id-range`, as upstream reads them: they set the top-level `policies.resources.core_allocation`
// of the config (0 cores = all cores), so that every pipeline without an allocation of its own runs there; a group or
// pipeline that writes one keeps it. Cores the machine lacks are the config's error, reported with its path.
import type { CoreAllocation } from '../config/types.js';
import { CoreSelectionError, parseCoreIdRange } from '../supervisor/available-cores.js';

export interface CoreFlags {
  numCores?: number;
  coreIdRange?: string;
}

/** The allocation the flags ask for; undefined without either. Throws CoreSelectionError for a bad range. */
export function coreAllocationFromFlags(flags: CoreFlags): CoreAllocation | undefined {
  if (flags.coreIdRange !== undefined) {
    let cores: number[];
    try {
      cores = parseCoreIdRange(flags.coreIdRange);
    } catch (error) {
      throw new CoreSelectionError(`--core-id-range: ${(error as Error).message}`);
    }
    return { type: 'core_set', set: ranges(cores) };
  }
  if (flags.numCores === undefined) return undefined;
  return flags.numCores === 0 ? { type: 'all_cores' } : { type: 'core_count', count: flags.numCores };
}

/** `[0, 1, 2, 5]` → `[{ start: 0, end: 2 }, { start: 5, end: 5 }]`. */
function ranges(cores: readonly number[]): Array<{ start: number; end: number }> {
  const out: Array<{ start: number; end: number }> = [];
  for (const core of cores) {
    const last = out[out.length - 1];
    if (last !== undefined && core === last.end + 1) last.end = core;
    else out.push({ start: core, end: core });
  }
  return out;
}
