// The durable buffer's cap across resizes, with buffers of two "cores" in one process on one path (the env an instance
// gets from the supervisor names its core and its pipeline's core count; the locks and the logs are real). A resize
// restarts no instance, so a buffer follows the core count from the logs under its path: 1→2 halves the share of the
// core that stays, 2→1 gives it the whole cap back as it adopts the removed core's log, whose data counts against it
// and is delivered, not dropped. A share lowered below what a core holds refuses (backpressure) or drops the oldest,
// counted (drop_oldest).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { durableBufferProcessor } from '../../src/nodes/processors/durable-buffer/descriptor.js';
import { Ack, type AckOutcome } from '../../src/pipeline/ack.js';
import type { PData } from '../../src/pipeline/pdata.js';
import { PipelineRuntime } from '../../src/pipeline/runtime.js';
import { captureLogs, until } from '../pipeline/helpers/logs.js';
import { logBodies, uniqueLogs } from '../pipeline/helpers/otlp.js';
import { edge, node, pipeline } from '../pipeline/helpers/pipeline.js';
import { resolver, ScriptedExporter, TestReceiver } from '../pipeline/helpers/test-nodes.js';

const MiB = 1024 * 1024;
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'otap-buffer-resize-'));
  cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The peer of every exporter in a test: down until the test brings it up. */
const peer = { up: false };

/** A buffer as the instance of `core` of a pipeline started on `cores` cores would run it. */
async function instance(path: string, core: number, cores: number, config: Record<string, unknown> = {}) {
  const receiver = new TestReceiver();
  const exporter = new ScriptedExporter();
  exporter.answer = () => (peer.up ? { kind: 'success' } : { kind: 'retryable', reason: 'peer down' });
  const logs = captureLogs();
  const validated = durableBufferProcessor.configSchema.validate({
    path,
    retention_size_cap: '4MiB',
    poll_interval: '20ms',
    max_segment_open_duration: '50ms',
    initial_retry_interval: '20ms',
    max_retry_interval: '100ms',
    ...config,
  });
  if (validated.error) throw validated.error;
  const spec = pipeline(
    [node('in', 'receiver', 'test'), node('buffer', 'processor', 'durable_buffer', validated.value as Record<string, unknown>), node('out', 'exporter', 'test')],
    [edge('in', 'buffer'), edge('buffer', 'out')],
    4,
  );
  // The buffer reads its placement when it is created, as in an instance.
  const saved = { core: process.env.OTAP_ENGINE_CORE, count: process.env.OTAP_ENGINE_CORE_COUNT };
  process.env.OTAP_ENGINE_CORE = String(core);
  process.env.OTAP_ENGINE_CORE_COUNT = String(cores);
  let runtime: PipelineRuntime;
  try {
    runtime = await PipelineRuntime.build(spec, { logger: logs.logger, resolveFactory: resolver({ in: receiver, out: exporter }) });
  } finally {
    restore('OTAP_ENGINE_CORE', saved.core);
    restore('OTAP_ENGINE_CORE_COUNT', saved.count);
  }
  let stopped = false;
  const stop = async (deadlineMs = 2000) => {
    if (stopped) return;
    stopped = true;
    await runtime.drain(Date.now() + deadlineMs);
  };
  cleanups.push(() => stop());
  await runtime.start();
  const stats = () => runtime.counters().buffer!.durableBuffer!;
  return { receiver, exporter, runtime, logs, stop, stats };
}

function restore(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

async function send(receiver: TestReceiver, pdata: PData): Promise<AckOutcome> {
  const ack = new Ack(pdata.items);
  await receiver.emit({ ...pdata, acks: [ack] });
  ack.release();
  return ack.settled;
}

/** Sends messages of 600 records until `bytes` more are stored; returns the bodies acknowledged. */
async function fill(target: Awaited<ReturnType<typeof instance>>, bytes: number, prefix: string): Promise<string[]> {
  const goal = target.stats().bytesUsed + bytes;
  const acked: string[] = [];
  for (let i = 0; target.stats().bytesUsed < goal; i++) {
    const { pdata, bodies } = uniqueLogs(600, `${prefix}${i}`);
    expect(await send(target.receiver, pdata)).toEqual({ ok: true });
    acked.push(...bodies);
  }
  return acked;
}

/** Whether every body of `acked` reached `exporter`; decodes each exported message once. */
function deliveredAll(exporter: ScriptedExporter, acked: readonly string[]): () => boolean {
  const seen = new Set<string>();
  let decoded = 0;
  return () => {
    for (; decoded < exporter.exported.length; decoded++) for (const body of logBodies(exporter.exported[decoded]!.payload)) seen.add(body);
    return acked.every((b) => seen.has(b));
  };
}

describe('processor:durable_buffer across resizes', () => {
  it('re-splits retention_size_cap on 1→2 and 2→1, and the core that stays adopts the removed core’s data against its cap, dropping none', async () => {
    peer.up = false;
    const path = tempDir();
    const core0 = await instance(path, 0, 1);
    expect(core0.stats().bytesCap).toBe(4 * MiB);

    // 1→2: the new instance starts with its half; the one that stays halves its own once it sees the other's log.
    const core1 = await instance(path, 1, 2);
    expect(core1.stats().bytesCap).toBe(2 * MiB);
    await until(() => core0.stats().bytesCap === 2 * MiB, 5000, 'core 0’s share halved');
    expect(core0.logs.count('this core’s share of retention_size_cap changed')).toBe(1);

    const acked = [...(await fill(core0, 1.2 * MiB, 'core0-')), ...(await fill(core1, 1.5 * MiB, 'core1-'))];
    const core1Bytes = core1.stats().bytesUsed;
    const core0Bytes = core0.stats().bytesUsed;
    // 2→1: core 1 drains (its log stays, the peer is down); core 0 takes it over with the whole cap.
    await core1.stop(300);
    await until(() => core0.stats().logsAdopted === 1 && core0.stats().bytesCap === 4 * MiB, 15_000, 'core 1’s log adopted, with its share');
    const after = core0.stats();
    expect(after.bytesCap).toBe(4 * MiB);
    // Counted against core 0's cap: its own data and core 1's, none of it dropped.
    expect(after.bytesUsed).toBeGreaterThanOrEqual(core0Bytes + core1Bytes - 64 * 1024);
    expect(after.bytesUsed).toBeLessThanOrEqual(4 * MiB);
    expect(after.itemsDroppedOldest + after.itemsExpired).toBe(0);
    expect(after.itemsQueued).toBeGreaterThanOrEqual(acked.length - 4 * 600);

    peer.up = true;
    await until(deliveredAll(core0.exporter, acked), 15_000, 'everything acknowledged on either core delivered by core 0');
    await until(() => core0.stats().itemsQueued === 0, 5000, 'nothing left');
  }, 40_000);

  it('a share lowered below what a core holds refuses new data (backpressure) until delivery frees room, dropping nothing', async () => {
    peer.up = false;
    const path = tempDir();
    const core0 = await instance(path, 0, 1);
    const acked = await fill(core0, 3 * MiB, 'held-');
    const core1 = await instance(path, 1, 2);
    await until(() => core0.stats().bytesCap === 2 * MiB, 5000, 'core 0’s share halved');
    const refused = await send(core0.receiver, uniqueLogs(600, 'refused').pdata);
    expect(refused).toMatchObject({ ok: false, kind: 'full' });
    expect(core0.stats().itemsDroppedOldest).toBe(0);
    // The new core takes data as usual.
    expect(await send(core1.receiver, uniqueLogs(600, 'core1').pdata)).toEqual({ ok: true });

    peer.up = true;
    await until(deliveredAll(core0.exporter, acked), 15_000, 'what core 0 held delivered');
    await until(() => core0.stats().bytesUsed < 2 * MiB - 64 * 1024, 5000, 'core 0 under its share');
    expect(await send(core0.receiver, uniqueLogs(10, 'again').pdata)).toEqual({ ok: true });
  }, 30_000);

  it('with drop_oldest, a core above its lowered share drops its oldest segments to get under it, counted', async () => {
    peer.up = false;
    const path = tempDir();
    const core0 = await instance(path, 0, 1, { size_cap_policy: 'drop_oldest' });
    await fill(core0, 3 * MiB, 'old-');
    await instance(path, 1, 2, { size_cap_policy: 'drop_oldest' });
    await until(() => core0.stats().bytesCap === 2 * MiB, 5000, 'core 0’s share halved');
    await until(() => core0.stats().bytesUsed <= 2 * MiB, 5000, 'core 0 back under its share');
    expect(core0.stats().itemsDroppedOldest).toBeGreaterThan(0);
    expect(core0.logs.count('dropping the oldest segments')).toBe(1);
  }, 30_000);

  it('an instance started for two cores keeps half the cap while its sibling has not locked its log yet', async () => {
    peer.up = false;
    const path = tempDir();
    const core0 = await instance(path, 0, 2);
    expect(core0.stats().bytesCap).toBe(2 * MiB);
    // Two slow maintenance passes (one a second) with no other log under the path.
    await new Promise((r) => setTimeout(r, 2200));
    expect(core0.stats().bytesCap).toBe(2 * MiB);
    const core1 = await instance(path, 1, 2);
    await new Promise((r) => setTimeout(r, 1200));
    expect(core0.stats().bytesCap).toBe(2 * MiB);
    // Once both were seen, the sibling going away with nothing left (its empty log removed: a resize to 1) gives the
    // whole cap back.
    await core1.stop();
    await until(() => core0.stats().bytesCap === 4 * MiB, 5000, 'core 0’s share back to the whole cap');
  }, 20_000);
});
