// processor:durable_buffer in the real pipeline runtime, on real files: upstream acknowledgements settle once the data
// is in the log, delivery happens from the log and deletes what downstream acknowledged, failures are retried with
// backoff (a permanent refusal is not), a new buffer on the same path delivers what an earlier one left, the cap
// pushes back or drops the oldest, max_age expires, and the receiver in front waits for the log even without
// wait_for_result.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { durableBufferProcessor } from '../../src/nodes/processors/durable-buffer/descriptor.js';
import { Ack, type AckOutcome } from '../../src/pipeline/ack.js';
import type { ExportResult, PData } from '../../src/pipeline/pdata.js';
import { PipelineRuntime } from '../../src/pipeline/runtime.js';
import { captureLogs, until } from '../pipeline/helpers/logs.js';
import { logBodies, uniqueLogs } from '../pipeline/helpers/otlp.js';
import { edge, node, pipeline } from '../pipeline/helpers/pipeline.js';
import { resolver, ScriptedExporter, TestReceiver } from '../pipeline/helpers/test-nodes.js';
import { canMountTmpfs } from '../support/tmpfs.js';

const cleanups: Array<() => Promise<unknown>> = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'otap-buffer-'));
  dirs.push(dir);
  return dir;
}

function bufferConfig(config: Record<string, unknown>): Record<string, unknown> {
  const validated = durableBufferProcessor.configSchema.validate(config);
  if (validated.error) throw validated.error;
  return validated.value as Record<string, unknown>;
}

const FAST = { poll_interval: '20ms', max_segment_open_duration: '100ms', initial_retry_interval: '20ms', max_retry_interval: '100ms' };

async function buffered(config: Record<string, unknown>, answer: ScriptedExporter['answer'] = () => ({ kind: 'success' }), capacity = 16) {
  const receiver = new TestReceiver();
  const exporter = new ScriptedExporter();
  exporter.answer = answer;
  const logs = captureLogs();
  const spec = pipeline(
    [node('in', 'receiver', 'test'), node('buffer', 'processor', 'durable_buffer', bufferConfig({ ...FAST, ...config })), node('out', 'exporter', 'test')],
    [edge('in', 'buffer'), edge('buffer', 'out')],
    capacity,
  );
  const runtime = await PipelineRuntime.build(spec, { logger: logs.logger, resolveFactory: resolver({ in: receiver, out: exporter }) });
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await runtime.drain(Date.now() + 2000);
  };
  cleanups.push(stop);
  await runtime.start();
  return { receiver, exporter, runtime, logs, stop };
}

/** Emits with an Ack, as a receiver in front of a buffer does; `settled` is what its client would hear. */
async function emitWaiting(receiver: TestReceiver, pdata: PData): Promise<Promise<AckOutcome>> {
  const ack = new Ack(pdata.items);
  await receiver.emit({ ...pdata, acks: [ack] });
  ack.release();
  return ack.settled;
}

const exportedBodies = (exporter: ScriptedExporter) => exporter.exported.flatMap((p) => logBodies(p.payload));
const segmentsUnder = (path: string) =>
  readdirSync(path, { recursive: true, withFileTypes: true }).filter((e) => e.isFile() && e.name.endsWith('.wal')).length;

describe('processor:durable_buffer', () => {
  it('acknowledges upstream once stored, delivers from the log, and deletes what was delivered', async () => {
    const path = tempDir();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const { receiver, exporter, runtime } = await buffered({ path, fsync: 'always' }, async () => {
      await gate;
      return { kind: 'success' };
    });
    expect(receiver.ctx?.awaitStorage).toBe(true);
    const { pdata, bodies } = uniqueLogs(5);
    // Settled while the exporter still holds the delivery: stored, not delivered.
    expect(await (await emitWaiting(receiver, pdata))).toEqual({ ok: true });
    expect(exporter.exported).toEqual([]);
    expect(segmentsUnder(path)).toBe(1);
    release();
    await until(() => exporter.exported.length === 1, 5000, 'delivery');
    expect(exportedBodies(exporter)).toEqual(bodies);
    await until(() => segmentsUnder(path) === 0, 5000, 'the delivered segment deleted');
    const stats = runtime.counters().buffer!.durableBuffer!;
    expect(stats).toMatchObject({ itemsStored: 5, itemsDelivered: 5, itemsQueued: 0, inFlight: 0, retries: 0, bytesCap: 10 * 1024 ** 3 });
  });

  it('retries a failed delivery with backoff, and gives up at once on a permanent refusal', async () => {
    const path = tempDir();
    const attempts = new Map<string, number>();
    const { receiver, exporter, runtime } = await buffered({ path }, (pdata) => {
      const first = logBodies(pdata.payload)[0]!;
      const n = (attempts.get(first) ?? 0) + 1;
      attempts.set(first, n);
      if (first.startsWith('permanent')) return { kind: 'failure', reason: 'the peer said 400' };
      // A failure the exporter gives up on, but that the buffer's ack sees as transient only when not permanent:
      // the test exporter's failure is permanent, so a transient one comes from a node that throws.
      if (n < 3) throw new Error('downstream broke');
      return { kind: 'success' } as ExportResult;
    });
    const flaky = uniqueLogs(2, 'flaky');
    const permanent = uniqueLogs(2, 'permanent');
    await emitWaiting(receiver, flaky.pdata);
    await emitWaiting(receiver, permanent.pdata);
    await until(() => exporter.exported.length === 1, 5000, 'delivery after retries');
    expect(attempts.get(flaky.bodies[0]!)).toBe(3);
    expect(attempts.get(permanent.bodies[0]!)).toBe(1);
    await until(() => runtime.counters().buffer!.durableBuffer!.itemsRejected === 2, 5000, 'rejection counted');
    expect(runtime.counters().buffer!.durableBuffer!).toMatchObject({ retries: 2, itemsDelivered: 2, itemsRejected: 2 });
  });

  it('delivers, after a restart on the same path, what the previous buffer stored and did not deliver', async () => {
    const path = tempDir();
    const first = await buffered({ path }, () => ({ kind: 'retryable', reason: 'peer down' }));
    const sent = [uniqueLogs(3, 'restart'), uniqueLogs(4, 'restart')];
    for (const { pdata } of sent) expect(await (await emitWaiting(first.receiver, pdata))).toEqual({ ok: true });
    // The exporter holds the first delivery in its retry loop; the drain gives up on it at the deadline.
    await first.runtime.drain(Date.now() + 300);
    expect(first.exporter.exported).toEqual([]);
    const second = await buffered({ path });
    await until(() => second.exporter.exported.length === 2, 10_000, 'the earlier log delivered');
    expect(exportedBodies(second.exporter)).toEqual(sent.flatMap((s) => s.bodies));
    await until(() => segmentsUnder(path) === 0, 5000, 'the earlier log deleted');
  });

  it('refuses data at the cap (backpressure) with a failure of kind full, and accepts again once there is room', async () => {
    const path = tempDir();
    let up = false;
    const { receiver, runtime } = await buffered({ path, retention_size_cap: '1MiB' }, () => (up ? { kind: 'success' } : { kind: 'retryable', reason: 'peer down' }));
    const outcomes: AckOutcome[] = [];
    for (let i = 0; i < 60; i++) outcomes.push(await (await emitWaiting(receiver, uniqueLogs(600, `cap${i}`).pdata)));
    const refused = outcomes.filter((o) => !o.ok);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused[0]).toMatchObject({ ok: false, kind: 'full' });
    const stats = runtime.counters().buffer!.durableBuffer!;
    expect(stats.bytesUsed).toBeLessThanOrEqual(1024 * 1024);
    expect(stats.itemsRefused).toBe(refused.length * 600);
    expect(runtime.counters().buffer!.itemsRefused).toBe(refused.length * 600);
    up = true;
    await until(() => runtime.counters().buffer!.durableBuffer!.itemsQueued === 0, 10_000, 'backlog delivered');
    expect(await (await emitWaiting(receiver, uniqueLogs(200, 'after').pdata))).toEqual({ ok: true });
  });

  it('drops the oldest segments at the cap (drop_oldest) and counts what they held', async () => {
    const path = tempDir();
    const { receiver, runtime, logs } = await buffered({ path, retention_size_cap: '1MiB', size_cap_policy: 'drop_oldest', max_segment_open_duration: '20ms' }, () => ({ kind: 'retryable', reason: 'peer down' }));
    for (let i = 0; i < 60; i++) {
      expect(await (await emitWaiting(receiver, uniqueLogs(600, `drop${i}`).pdata))).toEqual({ ok: true });
      if (i % 5 === 0) await new Promise((r) => setTimeout(r, 30));
    }
    const stats = runtime.counters().buffer!.durableBuffer!;
    expect(stats.itemsDroppedOldest).toBeGreaterThan(0);
    expect(stats.bytesUsed).toBeLessThanOrEqual(1024 * 1024);
    expect(runtime.counters().buffer!.itemsDropped).toBe(stats.itemsDroppedOldest);
    expect(logs.count('dropping the oldest segments')).toBe(1);
  });

  it.skipIf(!canMountTmpfs())('on a full disk, counts and refuses what it cannot write (429 for clients), never throws, and accepts again once delivery frees room', async () => {
    const path = tinyFilesystem(1024 * 1024);
    let up = false;
    const { receiver, runtime, logs } = await buffered({ path, max_segment_open_duration: '50ms' }, () => (up ? { kind: 'success' } : { kind: 'retryable', reason: 'peer down' }));
    const outcomes: AckOutcome[] = [];
    for (let i = 0; i < 80; i++) outcomes.push(await (await emitWaiting(receiver, uniqueLogs(600, `full${i}`).pdata)));
    const refused = outcomes.filter((o) => !o.ok);
    expect(refused.length).toBeGreaterThan(0);
    // The disk said ENOSPC: the client hears "full, retry later", as from a full pipeline.
    expect(refused.every((o) => !o.ok && o.kind === 'full')).toBe(true);
    const stats = runtime.counters().buffer!.durableBuffer!;
    expect(stats.writeErrors).toBeGreaterThan(0);
    expect(stats.itemsRefused).toBe(refused.length * 600);
    expect(logs.count('writing to the log failed')).toBe(1);
    expect(runtime.state).toBe('running');
    up = true;
    await until(() => runtime.counters().buffer!.durableBuffer!.itemsQueued === 0, 15_000, 'backlog delivered');
    await until(() => segmentsUnder(path) <= 1, 5000, 'delivered segments deleted');
    expect(await (await emitWaiting(receiver, uniqueLogs(600, 'room-again').pdata))).toEqual({ ok: true });
    // One line when the episode began, one with its totals when a write went through again.
    expect(logs.lines.filter((l) => l.msg?.startsWith('durable buffer: writing to the log failed') && l.msg.includes('episode ended')).length).toBe(1);
  }, 30_000);

  it('expires data older than max_age, whether it waits on disk or for a retry', async () => {
    const path = tempDir();
    // The exporter holds one message in its own retry loop (not expired: it may still be delivered), the channel in
    // front of it holds one more; the rest waits on disk. A message that fails downstream waits here for its retry.
    let calls = 0;
    const { receiver, runtime } = await buffered({ path, max_age: '300ms', max_segment_open_duration: '50ms', initial_retry_interval: '1s' }, () => {
      if (calls++ === 0) throw new Error('downstream broke');
      return { kind: 'retryable', reason: 'peer down' };
    }, 1);
    for (let i = 0; i < 6; i++) await emitWaiting(receiver, uniqueLogs(7, `old${i}`).pdata);
    // Lost: the first (waiting for its retry) and the two never read; not the exporter's, the channel's nor the one
    // waiting to enter the channel.
    await until(() => runtime.counters().buffer!.durableBuffer!.itemsExpired === 21, 5000, 'expiry');
    await new Promise((r) => setTimeout(r, 300));
    expect(runtime.counters().buffer!.durableBuffer!.itemsExpired).toBe(21);
    expect(runtime.counters().buffer!.itemsDropped).toBe(21);
  }, 20_000);
});

function tinyFilesystem(bytes: number): string {
  const dir = tempDir();
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${bytes}`, 'tmpfs', dir]);
  // Unmounted after the buffer stopped (cleanups run in reverse order of registration).
  cleanups.unshift(async () => execFileSync('umount', ['-l', dir]));
  return dir;
}
