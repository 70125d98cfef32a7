// The cores the engine may use. Affinity comes from /proc/self/status (`Cpus_allowed_list`), because that is what
// taskset, cgroups and `systemd CPUAffinity=` restrict. `--num-cores` and `--core-id-range` do not narrow this set:
// as upstream's, they set the default core allocation of the config (src/cli/core-flags.ts), which pipelines with an
// allocation of their own override.
import { readFile } from 'node:fs/promises';
import os from 'node:os';

/** A bad `--core-id-range`: an argument error (exit code 2). */
export class CoreSelectionError extends Error {
  override readonly name = 'CoreSelectionError';
}

/** The ascending ids of the cores in this process's affinity: those the engine may pin instances to. */
export async function availableCores(): Promise<number[]> {
  try {
    const status = await readFile('/proc/self/status', 'utf8');
    const line = /^Cpus_allowed_list:\s*(.+)$/m.exec(status)?.[1];
    if (line !== undefined) return parseCoreIdRange(line);
  } catch {
    // Not Linux, or /proc not mounted: fall through.
  }
  // availableParallelism respects affinity where the platform reports it, but gives a count, not ids.
  return Array.from({ length: os.availableParallelism() }, (_, i) => i);
}

const MAX_CORE_ID = 65_535;

/**
 * `"0-3,6"` → `[0, 1, 2, 3, 6]` (ascending, no duplicates). Upstream's spellings of a range, `0..3` and `0..=3`, are
 * both inclusive, as upstream reads them. Throws a CoreSelectionError naming the bad part.
 */
export function parseCoreIdRange(text: string): number[] {
  const cores = new Set<number>();
  const trimmed = text.trim();
  if (trimmed === '') throw new CoreSelectionError('core list is empty (expected e.g. "0-3,6")');
  for (const part of trimmed.split(',')) {
    const match = /^\s*(\d+)\s*(?:(?:-|\.\.=?)\s*(\d+)\s*)?$/.exec(part);
    if (!match) throw new CoreSelectionError(`"${part.trim()}" is not a core id or range (expected e.g. "0-3,6")`);
    const start = Number(match[1]);
    const end = match[2] === undefined ? start : Number(match[2]);
    if (end < start) throw new CoreSelectionError(`range "${part.trim()}" ends before it starts`);
    if (end > MAX_CORE_ID) throw new CoreSelectionError(`core id ${end} is out of range (0-${MAX_CORE_ID})`);
    for (let core = start; core <= end; core++) cores.add(core);
  }
  return [...cores].sort((a, b) => a - b);
}
