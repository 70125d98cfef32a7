import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const unitPath = path.join(repoRoot, 'systemd/otap-engine.service');
export const fixture = (name: string): string => path.join(repoRoot, 'test/systemd/fixtures', name);

/** Absolute path of a program on PATH, or undefined. */
export async function which(program: string): Promise<string | undefined> {
  const result = await execa('sh', ['-c', `command -v ${program}`], { reject: false });
  return result.exitCode === 0 && result.stdout.trim() !== '' ? result.stdout.trim() : undefined;
}

export interface Directive { section: string; key: string; value: string }

/** The assignments of a unit file in order (comments and blank lines dropped; the unit uses no continuation lines). */
export function parseUnit(text: string): Directive[] {
  const directives: Directive[] = [];
  let section = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) { section = header[1] ?? ''; continue; }
    const eq = line.indexOf('=');
    if (eq < 0) throw new Error(`not an assignment: ${line}`);
    directives.push({ section, key: line.slice(0, eq).trim(), value: line.slice(eq + 1).trim() });
  }
  return directives;
}

export const valuesOf = (units: Directive[], section: string, key: string): string[] =>
  units.filter((d) => d.section === section && d.key === key).map((d) => d.value);

/** The effective value of a single-valued setting: the last assignment wins, as in systemd. */
export const valueOf = (units: Directive[], section: string, key: string): string | undefined => valuesOf(units, section, key).at(-1);

/** A systemd time span ("75s", "1min 15s", "90") in seconds. */
export function timeSpanSecs(span: string): number {
  const units: Record<string, number> = { '': 1, ms: 0.001, s: 1, sec: 1, m: 60, min: 60, h: 3600, hr: 3600 };
  let total = 0;
  for (const part of span.trim().split(/\s+/)) {
    const m = /^(\d+(?:\.\d+)?)([a-z]*)$/.exec(part);
    const factor = m ? units[m[2] ?? ''] : undefined;
    if (!m || factor === undefined) throw new Error(`not a time span: ${span}`);
    total += Number(m[1]) * factor;
  }
  return total;
}

export type ListenerMode = 'close' | 'slow' | 'hold';

export interface NotifyMessage { lines: string[]; fds: number; pid?: number; uid?: number; monotonic_usec: number }

/** A python3 process bound to an AF_UNIX datagram socket: the stand-in for systemd's notify socket. */
export class NotifyListener {
  readonly messages: NotifyMessage[] = [];
  private waiters: Array<() => void> = [];

  private constructor(readonly socketPath: string, private readonly proc: ChildProcess) {}

  static async start(socketPath: string, mode: ListenerMode = 'close'): Promise<NotifyListener> {
    const proc = spawn('python3', [fixture('notify-listener.py'), socketPath, mode], { stdio: ['ignore', 'pipe', 'inherit'] });
    const listener = new NotifyListener(socketPath, proc);
    const lines = createInterface({ input: proc.stdout! });
    await new Promise<void>((resolve, reject) => {
      proc.once('error', reject);
      proc.once('exit', (code) => reject(new Error(`listener exited early with ${code}`)));
      lines.on('line', (line) => {
        const parsed = JSON.parse(line) as NotifyMessage | { listening: string };
        if ('listening' in parsed) { resolve(); return; }
        listener.messages.push(parsed);
        for (const wake of listener.waiters.splice(0)) wake();
      });
    });
    return listener;
  }

  /** Messages other than the helper's own BARRIER=1. */
  notifications(): NotifyMessage[] {
    return this.messages.filter((m) => !m.lines.includes('BARRIER=1'));
  }

  /** Resolves with the notifications once there are `count` of them. */
  async waitFor(count: number, timeoutMs = 10_000): Promise<NotifyMessage[]> {
    await this.waitUntil(() => this.notifications().length >= count, `${count} notifications`, timeoutMs);
    return this.notifications();
  }

  async waitUntil(done: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; saw ${JSON.stringify(this.messages)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => { clearTimeout(timer); resolve(); });
      });
    }
  }

  stop(): void {
    if (this.proc.exitCode === null) this.proc.kill('SIGTERM');
  }
}

