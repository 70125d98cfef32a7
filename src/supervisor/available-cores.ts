// The cores the engine may use. Affinity comes from /proc/self/status (`Cpus_allowed_list`), because that is what
// taskset, cgroups and `systemd CPUAffinity=` restrict; systeminformation's `cpu()` counts the machine's cores and
// ignores affinity. `--core-id-range` and `--num-cores` then narrow the affinity set, never widen it.
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import si from 'systeminformation';

export interface CoreOptions {
  /** `--num-cores N`: the first N cores of the affinity set. */
  numCores?: number;
  /** `--core-id-range "0-3,6"`: exactly these cores, each of which must be in the affinity set. */
  coreIdRange?: string;
}

export interface AvailableCores {
  /** Ascending core ids the engine may pin instances to. */
  cores: number[];
  /** Logical cores of the machine, whatever the affinity. */
  machineCores: number;
}

/** A bad `--num-cores` / `--core-id-range`: an argument error (exit code 2). */
export class CoreSelectionError extends Error {
  override readonly name = 'CoreSelectionError';
}

export async function availableCores(opts: CoreOptions = {}): Promise<AvailableCores> {
  const [affinity, machineCores] = await Promise.all([readAffinity(), countMachineCores()]);
  const selected = selectCores(affinity, opts);
  if (!selected.ok) throw new CoreSelectionError(selected.message);
  return { cores: selected.cores, machineCores };
}

export type CoreSelection = { ok: true; cores: number[] } | { ok: false; message: string };

/** The pure half of availableCores: narrows an affinity set by the command line options. */
export function selectCores(affinity: readonly number[], opts: CoreOptions): CoreSelection {
  const pool = [...new Set(affinity)].sort((a, b) => a - b);
  if (opts.numCores !== undefined && opts.coreIdRange !== undefined) {
    return { ok: false, message: '--num-cores and --core-id-range cannot be used together' };
  }
  if (opts.coreIdRange !== undefined) {
    const parsed = tryParse(opts.coreIdRange);
    if (!parsed.ok) return parsed;
    const missing = parsed.cores.filter((c) => !pool.includes(c));
    if (missing.length > 0) {
      return {
        ok: false,
        message: `--core-id-range: core(s) ${missing.join(', ')} not available to this process (allowed: ${pool.join(', ')})`,
      };
    }
    return { ok: true, cores: parsed.cores };
  }
  if (opts.numCores !== undefined) {
    const n = opts.numCores;
    if (!Number.isInteger(n) || n < 1) return { ok: false, message: `--num-cores must be a whole number ≥ 1, got ${n}` };
    if (n > pool.length) {
      return { ok: false, message: `--num-cores ${n}: only ${pool.length} core(s) available (${pool.join(', ')})` };
    }
    return { ok: true, cores: pool.slice(0, n) };
  }
  return { ok: true, cores: pool };
}

function tryParse(text: string): CoreSelection {
  try {
    return { ok: true, cores: parseCoreIdRange(text) };
  } catch (error) {
    return { ok: false, message: `--core-id-range: ${(error as Error).message}` };
  }
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

async function readAffinity(): Promise<number[]> {
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

async function countMachineCores(): Promise<number> {
  try {
    const cpu = await si.cpu();
    if (cpu.cores > 0) return cpu.cores;
  } catch {
    // systeminformation shells out on some platforms; the count from Node is good enough.
  }
  return os.cpus().length;
}
