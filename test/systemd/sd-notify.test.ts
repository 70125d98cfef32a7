// sd-notify against a real notification socket: a python3 listener bound to an AF_UNIX datagram socket (what systemd
// provides as $NOTIFY_SOCKET), and a child process that calls the module with NOTIFY_SOCKET set, as the supervisor
// does under systemd. The real systemd-notify helper runs in between.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { notifyReady, notifySystemd, type NotifyResult } from '../../src/supervisor/sd-notify.js';
import { fixture, NotifyListener, repoRoot, which, type ListenerMode } from './helpers.js';

const helper = await which('systemd-notify');
const python = await which('python3');
const asNobody = process.getuid?.() === 0 && (await which('setpriv')) !== undefined;

const work = mkdtempSync(path.join(tmpdir(), 'otap-sdnotify-'));
chmodSync(work, 0o777);
let counter = 0;
const listeners: NotifyListener[] = [];
afterAll(() => {
  for (const l of listeners) l.stop();
  rmSync(work, { recursive: true, force: true });
});

async function listen(mode: ListenerMode = 'close'): Promise<NotifyListener> {
  const listener = await NotifyListener.start(path.join(work, `notify-${++counter}.sock`), mode);
  listeners.push(listener);
  return listener;
}

interface ChildOutput { pid: number; results: NotifyResult[] }

async function runChild(socketPath: string | undefined, actions: string[], opts: { asNobody?: boolean } = {}): Promise<ChildOutput> {
  const node = [process.execPath, '--import', 'tsx', fixture('notify-child.ts'), ...actions];
  const prefix = opts.asNobody ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', '--inh-caps=-all', '--bounding-set=-all'] : [];
  const [file, ...args] = [...prefix, ...node] as [string, ...string[]];
  const result = await execa(file, args, { cwd: repoRoot, env: { NOTIFY_SOCKET: socketPath }, timeout: 30_000 });
  return JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '') as ChildOutput;
}

describe('sd-notify outside systemd', () => {
  let saved: string | undefined;
  beforeEach(() => { saved = process.env['NOTIFY_SOCKET']; delete process.env['NOTIFY_SOCKET']; });
  afterEach(() => { if (saved !== undefined) process.env['NOTIFY_SOCKET'] = saved; });

  it('does nothing without NOTIFY_SOCKET', async () => {
    expect(await notifyReady('up')).toBe('not_under_systemd');
    process.env['NOTIFY_SOCKET'] = '';
    expect(await notifySystemd({ READY: '1' })).toBe('not_under_systemd');
  });

  it('reports a socket nobody listens on as a failure instead of throwing', async () => {
    process.env['NOTIFY_SOCKET'] = path.join(work, 'nobody-listens.sock');
    const result = await notifyReady();
    expect(result).toEqual({ failed: expect.stringMatching(/No such file or directory|not found|ENOENT/) });
  });
});

describe('sd-notify when the helper is missing', () => {
  it('reports the missing program as a failure instead of throwing', async () => {
    const saved = { socket: process.env['NOTIFY_SOCKET'], path: process.env['PATH'] };
    process.env['NOTIFY_SOCKET'] = path.join(work, 'unused.sock');
    process.env['PATH'] = work;
    try {
      expect(await notifyReady()).toEqual({ failed: expect.stringContaining('ENOENT') });
    } finally {
      process.env['PATH'] = saved.path;
      if (saved.socket === undefined) delete process.env['NOTIFY_SOCKET'];
      else process.env['NOTIFY_SOCKET'] = saved.socket;
    }
  });
});

describe.skipIf(!helper || !python)('sd-notify with a real notify socket (skipped: needs systemd-notify and python3)', () => {
  it('a child process under NOTIFY_SOCKET reports READY=1, its status and its pid as MAINPID', async () => {
    const listener = await listen();
    const out = await runChild(listener.socketPath, ['ready:serving 2 pipelines']);
    expect(out.results).toEqual(['sent']);
    const [message] = await listener.waitFor(1);
    expect(message?.lines).toEqual([`MAINPID=${out.pid}`, 'READY=1', 'STATUS=serving 2 pipelines']);
  });

  it('sends RELOADING=1 with MONOTONIC_USEC on CLOCK_MONOTONIC, STOPPING=1 and STATUS=', async () => {
    const listener = await listen();
    const out = await runChild(listener.socketPath, ['reloading', 'stopping:draining', 'status:idle']);
    expect(out.results).toEqual(['sent', 'sent', 'sent']);
    const [reloading, stopping, status] = await listener.waitFor(3);
    expect(reloading?.lines).toContain('RELOADING=1');
    const usec = Number(reloading?.lines.find((l) => l.startsWith('MONOTONIC_USEC='))?.split('=')[1]);
    // The listener stamps receipt with python's time.monotonic_ns (CLOCK_MONOTONIC): the field was taken just before.
    expect(reloading!.monotonic_usec - usec).toBeGreaterThanOrEqual(0);
    expect(reloading!.monotonic_usec - usec).toBeLessThan(5_000_000);
    expect(stopping?.lines).toEqual([`MAINPID=${out.pid}`, 'STOPPING=1', 'STATUS=draining']);
    expect(status?.lines).toEqual([`MAINPID=${out.pid}`, 'STATUS=idle']);
  });

  it('runs one helper at a time, so notifications arrive in call order even when not awaited one by one', async () => {
    // The listener answers each barrier after 1 s: the second helper may only start once the first has returned.
    const listener = await listen('slow');
    const out = await runChild(listener.socketPath, ['burst']);
    expect(out.results).toEqual(['sent', 'sent']);
    const [reloading, ready] = await listener.waitFor(2);
    expect(reloading?.lines).toContain('RELOADING=1');
    expect(ready?.lines).toContain('READY=1');
    expect(ready!.monotonic_usec - reloading!.monotonic_usec).toBeGreaterThanOrEqual(900_000);
  });

  it('cannot be made to inject fields through a newline, and rejects bad field names', async () => {
    const listener = await listen();
    const out = await runChild(listener.socketPath, ['status:ok\nREADY=1', 'raw:{"bad key":"1"}']);
    expect(out.results[0]).toBe('sent');
    expect(out.results[1]).toEqual({ failed: expect.stringContaining('invalid notification field name') });
    const [message] = await listener.waitFor(1);
    expect(message?.lines).toEqual([`MAINPID=${out.pid}`, 'STATUS=ok READY=1']);
  });

  it('answers the barrier: the helper waits until the receiver has taken the message, as systemd does', async () => {
    const listener = await listen();
    const out = await runChild(listener.socketPath, ['ready']);
    expect(out.results).toEqual(['sent']);
    await listener.waitUntil(() => listener.messages.length >= 2, 'the barrier');
    expect(listener.messages.map((m) => [m.lines[0], m.fds])).toEqual([[`MAINPID=${out.pid}`, 0], ['BARRIER=1', 1]]);
  });

  it('reports a receiver that never answers the barrier as failed after about 5 s, though the message arrived', async () => {
    const listener = await listen('hold');
    const started = Date.now();
    const out = await runChild(listener.socketPath, ['ready']);
    expect(Date.now() - started).toBeGreaterThanOrEqual(4_500);
    expect(out.results[0]).toEqual({ failed: expect.stringContaining('barrier') });
    const [message] = await listener.waitFor(1);
    expect(message?.lines).toContain('READY=1');
  });

  it.skipIf(!asNobody)('without privileges the message carries the helper\'s own pid, hence NotifyAccess=all (skipped unless root)', async () => {
    const listener = await listen();
    const out = await runChild(listener.socketPath, ['ready'], { asNobody: true });
    expect(out.results).toEqual(['sent']);
    const [message] = await listener.waitFor(1);
    expect(message?.uid).toBe(65534);
    expect(message?.lines).toContain(`MAINPID=${out.pid}`);
    expect(message?.pid).not.toBe(out.pid);
  });

  it.skipIf(process.getuid?.() !== 0)('as root the kernel credentials name the main pid itself (--pid)', async () => {
    const listener = await listen();
    const out = await runChild(listener.socketPath, ['ready']);
    const [message] = await listener.waitFor(1);
    expect(message?.pid).toBe(out.pid);
  });
});
