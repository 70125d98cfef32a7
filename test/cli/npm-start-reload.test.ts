// What README.md and docs/getting-started.md tell a user, done as they say it: `npm start`, then `kill -HUP <pid>` with
// the pid the engine's log lines print. That pid must be the engine's own (npm's would die of SIGHUP and leave the engine
// running on its own), the signal reloads the edited config file, the engine keeps serving, and a SIGTERM to the same
// pid stops everything: npm exits 0 and no process is left behind.
import { execa } from 'execa';
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { generatorConfig } from '../support/configs.js';
import { processAlive, writeConfig } from '../support/engine.js';
import { childPids } from '../support/proc.js';
import { ROOT } from '../support/docs.js';

const config = (rate: number) => generatorConfig(rate);

function parentOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

/** Every descendant of `pid` now. */
function descendants(pid: number): number[] {
  return childPids(pid).flatMap((child) => [child, ...descendants(child)]);
}

async function until<T>(probe: () => Promise<T | undefined> | T | undefined, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('npm start, then kill -HUP <the pid it prints>', () => {
  const file = writeConfig(config(10));
  const lines: string[] = [];
  // As a user's shell runs it: the checkout as working directory, no admin token, no test switches.
  const npm = execa('npm', ['start', '--', '-c', file, '--http-admin-bind', '127.0.0.1:0'], {
    cwd: ROOT,
    reject: false,
    buffer: false,
    stdin: 'ignore',
    env: { OTAP_ENGINE_ADMIN_TOKEN: '', OTAP_ENGINE_ENABLE_FAULT_INJECTION: '' },
  });
  let pending = '';
  npm.stdout!.on('data', (chunk: Buffer) => {
    pending += chunk.toString('utf8');
    const parts = pending.split('\n');
    pending = parts.pop()!;
    lines.push(...parts);
  });
  let stderr = '';
  npm.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const logged = (msg: string) => lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l)).filter((l) => l.msg === msg);
  let enginePid = 0;
  const everyPid = new Set<number>();

  afterAll(async () => {
    if (npm.exitCode === null) npm.kill('SIGKILL');
    if (enginePid && processAlive(enginePid)) process.kill(enginePid, 'SIGKILL');
  });

  it('prints the engine\'s own pid, a child of npm with no shell between', async () => {
    const first = await until(() => logged('admin listening')[0], `"admin listening" (${stderr})`);
    enginePid = first.pid;
    expect(enginePid).not.toBe(npm.pid);
    expect(parentOf(enginePid)).toBe(npm.pid);
    expect(readFileSync(`/proc/${enginePid}/cmdline`, 'utf8')).toContain('bin/otap-engine');
    // Every log line of the supervisor carries the same pid.
    await until(() => logged('engine started')[0], '"engine started"');
    expect(logged('engine started')[0].pid).toBe(enginePid);
  });

  it('reloads the edited config on SIGHUP to that pid, and keeps serving', async () => {
    const url = logged('admin listening')[0].url as string;
    writeFileSync(file, config(20));
    for (const pid of descendants(enginePid)) everyPid.add(pid);
    process.kill(enginePid, 'SIGHUP');
    const finished = await until(() => logged('config reload finished')[0], '"config reload finished"', 60_000);
    expect(finished).toMatchObject({ pid: enginePid, state: 'succeeded' });
    const committed = (await (await fetch(`${url}/api/v1/config`)).json()) as any;
    expect(committed.groups.default.pipelines.main.nodes.gen.config.traffic_config.signals_per_second).toBe(20);
    const status = (await (await fetch(`${url}/api/v1/status`)).json()) as any;
    expect(status.pipelines['default:main']).toMatchObject({ deploymentStatus: 'running', activeGeneration: 2 });
    expect((await fetch(`${url}/api/v1/livez`)).status).toBe(200);
    // npm did not take the signal: it still waits for its engine.
    expect(npm.exitCode).toBeNull();
    expect(processAlive(npm.pid!)).toBe(true);
    for (const pid of descendants(enginePid)) everyPid.add(pid);
  });

  it('stops on SIGTERM to the same pid: npm exits 0 and no process is left', async () => {
    process.kill(enginePid, 'SIGTERM');
    const result = await npm;
    expect(result.exitCode, stderr).toBe(0);
    expect(logged('engine stopped').length).toBe(1);
    const left = await until(async () => {
      const alive = [enginePid, ...everyPid].filter(processAlive);
      return alive.length === 0 ? alive : undefined;
    }, 'every process to be gone', 10_000);
    expect(left).toEqual([]);
  });
});
