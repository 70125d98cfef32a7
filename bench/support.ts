// Shared bench plumbing: start the real engine binary, read its log lines, poll its admin API, summarise samples.
import { execa } from 'execa';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
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

export async function startBenchEngine(yaml: string, extraArgs: string[] = []): Promise<BenchEngine> {
  const dir = mkdtempSync(join(tmpdir(), 'otap-bench-'));
  const file = join(dir, 'config.yaml');
  writeFileSync(file, yaml);
  const spawnedAt = Date.now();
  const child = execa(process.execPath, [ENGINE_BIN, '--config', file, '--http-admin-bind', '127.0.0.1:0', ...extraArgs], {
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
