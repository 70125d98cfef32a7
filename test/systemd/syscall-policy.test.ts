// The unit's system-call policy (SystemCallFilter=, RestrictAddressFamilies= and the filters that Protect*= settings
// imply), applied with seccomp by fixtures/seccomp-run.py to a workload that does what the engine does at the OS level:
// listen, spawn a child pinned with taskset, hand it a connection over IPC, resolve a host name, read /proc, write a
// file, run systemd-notify. Forbidden calls kill the process here (systemd's default action), so a call the unit
// forgot to allow cannot hide behind EPERM. As root, the workload runs as nobody with no capabilities, like the
// service user. Two broken copies of the unit show that the check can fail.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { fixture, NotifyListener, unitPath, which } from './helpers.js';

// python3-seccomp is a Debian package for the system interpreter (apt-get install python3-seccomp).
const systemPython = '/usr/bin/python3';
const hasSeccomp = (await execa(systemPython, ['-c', 'import seccomp'], { reject: false })).exitCode === 0;
const tools = hasSeccomp && (await which('systemd-analyze')) && (await which('taskset')) && (await which('systemd-notify'));
const asNobody = process.getuid?.() === 0 && (await which('setpriv')) !== undefined;

const work = mkdtempSync(path.join(tmpdir(), 'otap-seccomp-'));
chmodSync(work, 0o777);
const listeners: NotifyListener[] = [];
afterAll(() => {
  for (const l of listeners) l.stop();
  rmSync(work, { recursive: true, force: true });
});

const original = readFileSync(unitPath, 'utf8');

function writeUnit(name: string, text: string): string {
  const file = path.join(work, `${name}.service`);
  writeFileSync(file, text);
  return file;
}

async function runWorkload(unitFile: string, notifySocket?: string) {
  const out = path.join(work, 'out');
  mkdirSync(out, { recursive: true });
  chmodSync(out, 0o777);
  const command = [systemPython, fixture('seccomp-run.py'), unitFile, 'kill', process.execPath, fixture('syscall-workload.mjs'), out];
  const prefix = asNobody ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', '--inh-caps=-all', '--bounding-set=-all'] : [];
  const [file, ...args] = [...prefix, ...command] as [string, ...string[]];
  const env: Record<string, string | undefined> = { NOTIFY_SOCKET: notifySocket };
  return execa(file, args, { reject: false, all: true, env, timeout: 30_000 });
}

describe.skipIf(!tools)('system-call policy of the unit (skipped: needs python3-seccomp, systemd-analyze, taskset, systemd-notify)', () => {
  it('lets Node, taskset and systemd-notify do all the engine needs', async () => {
    const socketPath = path.join(work, 'notify.sock');
    const listener = await NotifyListener.start(socketPath);
    listeners.push(listener);
    const result = await runWorkload(writeUnit('as-shipped', original), socketPath);
    expect(result.all).toContain('workload ok');
    expect(result.exitCode).toBe(0);
    const [message] = await listener.waitFor(1);
    expect(message?.lines).toContain('READY=1');
  });

  it('kills Node at start-up without the pkey_* allowance (V8 probes memory protection keys)', async () => {
    const broken = original.replace(/^SystemCallFilter=pkey_alloc.*\n/m, '');
    expect(broken).not.toBe(original);
    const result = await runWorkload(writeUnit('no-pkey', broken));
    expect(result.exitCode).not.toBe(0);
    expect(result.signal ?? String(result.exitCode)).toMatch(/SIGSYS|159/);
  });

  it('makes V8 abort with MemoryDenyWriteExecute=yes (its JIT needs writable then executable memory)', async () => {
    const broken = original.replace('MemoryDenyWriteExecute=no', 'MemoryDenyWriteExecute=yes');
    expect(broken).not.toBe(original);
    const result = await runWorkload(writeUnit('w-xor-x', broken));
    expect(result.exitCode).not.toBe(0);
    expect(result.all).toMatch(/V8_Fatal|Fatal error/);
  });

  it('breaks CPU pinning when @resources is filtered out (taskset needs sched_setaffinity)', async () => {
    const broken = original.replace('SystemCallFilter=~@privileged', 'SystemCallFilter=~@privileged @resources');
    expect(broken).not.toBe(original);
    const result = await runWorkload(writeUnit('no-resources', broken));
    expect(result.exitCode).not.toBe(0);
    expect(result.all).toMatch(/pinned child exited: code null, signal SIGSYS/);
  });
});
