// Shared bench plumbing: start the real engine binary, read its log lines, poll its admin API, summarise samples.
import { execa, execaSync } from 'execa';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ENGINE_BIN = fileURLToPath(new URL('../bin/otap-engine', import.meta.url));

export interface BenchEngine {
  adminUrl: string;
  /** epoch ms when the supervisor was spawned */
  spawnedAt: number;
  lines: Array<{ at: number; text: string }>;
  stop(): Promise<void>;
}

/**
 * `cpus` (a taskset list such as `0-1`) sets the supervisor's affinity at exec time. The rollout bench pins itself to
 * one core and children inherit affinity, so without it the engine would see only the bench's core.
 */
export async function startBenchEngine(yaml: string, extraArgs: string[] = [], options: { cpus?: string } = {}): Promise<BenchEngine> {
  const dir = mkdtempSync(join(tmpdir(), 'otap-bench-'));
  const file = join(dir, 'config.yaml');
  writeFileSync(file, yaml);
  const spawnedAt = Date.now();
  const argv = [process.execPath, ENGINE_BIN, '--config', file, '--http-admin-bind', '127.0.0.1:0', ...extraArgs];
  const [command, ...args] = options.cpus === undefined ? argv : ['taskset', '-c', options.cpus, ...argv];
  const child = execa(command!, args, {
    reject: false,
    buffer: false,
    stdin: 'ignore',
    stderr: 'inherit',
  });
  const lines: BenchEngine['lines'] = [];
  let pending = '';
  const adminUrl = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      pending += chunk.toString();
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const text = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        lines.push({ at: Date.now(), text });
        if (text.includes('"admin listening"')) resolve(`http://${JSON.parse(text).address}`);
      }
    });
    void child.then((r) => reject(new Error(`engine exited: ${r.exitCode}`)));
    setTimeout(() => reject(new Error('no "admin listening" line within 30 s')), 30_000).unref();
  });
  return {
    adminUrl,
    spawnedAt,
    lines,
    stop: async () => {
      child.kill('SIGTERM');
      await child;
    },
  };
}

export async function poll<T>(probe: () => Promise<T | undefined>, timeoutMs = 30_000, intervalMs = 5): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function rssOf(pid: number): number {
  // VmRSS from /proc: what the kernel charges the process, the figure an operator sees in top.
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
}

/** Cores a process (or `<pid>/task/<tid>`) may run on (`Cpus_allowed_list`, what taskset sets), ascending. */
export function affinity(proc: number | string = 'self'): number[] {
  const list = /Cpus_allowed_list:\s*(\S+)/.exec(readFileSync(`/proc/${proc}/status`, 'utf8'))?.[1] ?? '0';
  return list.split(',').flatMap((part) => {
    const [a, b] = part.split('-').map(Number) as [number, number | undefined];
    return b === undefined ? [a] : Array.from({ length: b - a + 1 }, (_, i) => a + i);
  });
}

/**
 * Pins every thread of this process to `cores` (`taskset -apc`: `-pc` alone pins only the main thread; threads
 * started later inherit the affinity of the thread that starts them). Returns a function that restores the old set.
 */
export function pinSelf(cores: number[]): () => void {
  const before = affinity();
  const set = (list: number[]) => execaSync('taskset', ['-apc', list.join(','), String(process.pid)], { stdout: 'ignore' });
  set(cores);
  return () => void set(before);
}

/**
 * Runs `scenarios` (those named in `only`, when given) one after another with this process pinned to `benchCore`
 * (when the machine has a core to spare), printing each one's records/s under `label`. A scenario that fails is
 * reported and skipped, so one broken row does not cost the others.
 */
export async function runScenarios<S extends { id: string }, R extends { load: { recordsPerSec: number } }>(
  label: string,
  scenarios: readonly S[],
  only: string[] | undefined,
  benchCore: number | undefined,
  run: (scenario: S) => Promise<R>,
): Promise<{ results: R[]; failures: Array<{ id: string; error: string }> }> {
  const restore = benchCore !== undefined ? pinSelf([benchCore]) : () => undefined;
  const results: R[] = [];
  const failures: Array<{ id: string; error: string }> = [];
  try {
    for (const scenario of scenarios) {
      if (only && !only.includes(scenario.id)) continue;
      try {
        const result = await run(scenario);
        results.push(result);
        process.stderr.write(`${label}: ${scenario.id} ${result.load.recordsPerSec} records/s\n`);
      } catch (error) {
        failures.push({ id: scenario.id, error: String(error) });
        process.stderr.write(`${label}: ${scenario.id} failed: ${String(error)}\n`);
      }
      // A short pause between rows, so one row's exiting processes do not share the next one's first samples.
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
  } finally {
    restore();
  }
  return { results, failures };
}

/** Above this factor between a run's bare baselines, the machine changed under the run. */
const BASELINE_DRIFT_LIMIT = 1.5;

/**
 * A warning when the bare baselines of one run (before and after the engine's rows) differ by more than
 * BASELINE_DRIFT_LIMIT: the ratios to bare then say more about the machine than about the engine.
 */
export function baselineDrift(label: string, baselines: number[]): string | undefined {
  const measured = baselines.filter((b) => b > 0);
  if (measured.length < 2) return undefined;
  const factor = Math.max(...measured) / Math.min(...measured);
  if (factor <= BASELINE_DRIFT_LIMIT) return undefined;
  return `${label}: the bare baselines of this run differ ${factor.toFixed(1)}x (over ${BASELINE_DRIFT_LIMIT}x): the machine changed during the run, its ratios to bare are not to be read`;
}

/** CPU time (user + system, seconds) of every thread of `pid` so far, from /proc/<pid>/stat; 0 if it is gone. */
export function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ');
    // After the command: state is field 3, so utime (14) and stime (15) are at 11 and 12. USER_HZ is 100 on Linux.
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** Threads of `pid` and the cores each may run on, to show the pinning in the results. */
export function threadAffinities(pid: number): string[] {
  return [...new Set(readdirSync(`/proc/${pid}/task`).map((tid) => affinity(`${pid}/task/${tid}`).join(',')))];
}
