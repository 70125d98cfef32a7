// The durable buffer's write-ahead log on real files: records go in and come back byte for byte, a torn tail and a
// damaged record in the middle are found, counted and passed over (never a throw), segments rotate by size and age,
// progress survives a reopen, and a log directory is held by one process at a time, freed when that process dies.
import { execa } from 'execa';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { Appender, type AppendEntry, type AppenderSettings } from '../../src/nodes/processors/durable-buffer/wal/appender.js';
import { DirLock } from '../../src/nodes/processors/durable-buffer/wal/dir-lock.js';
import { listLogDirs, LogDir } from '../../src/nodes/processors/durable-buffer/wal/log-dir.js';
import { encodeRecordHeader, RECORD_OVERHEAD_BYTES } from '../../src/nodes/processors/durable-buffer/wal/record.js';
import { scanSegment } from '../../src/nodes/processors/durable-buffer/wal/scan.js';
import { SEGMENT_HEADER_BYTES, segmentName } from '../../src/nodes/processors/durable-buffer/wal/segment-file.js';
import { SegmentReader } from '../../src/nodes/processors/durable-buffer/wal/segment-reader.js';
import { SegmentWriter, segmentWriteMode } from '../../src/nodes/processors/durable-buffer/wal/segment-writer.js';
import { canMountTmpfs } from '../support/tmpfs.js';

const silent = pino({ level: 'silent' });
const dirs: string[] = [];
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'otap-wal-'));
  dirs.push(dir);
  return dir;
}

/** Payloads of varied sizes, one of them larger than the reader's 1 MiB chunk. */
function payloads(n: number): Buffer[] {
  return Array.from({ length: n }, (_, i) => randomBytes(i === 3 ? 1_500_000 : 1 + ((i * 7919) % 5000)));
}

async function writeSegment(dir: string, seq: number, records: Buffer[]): Promise<{ path: string; ends: number[] }> {
  const writer = await SegmentWriter.create(dir, seq, Date.now());
  const ends: number[] = [];
  for (const [i, payload] of records.entries()) {
    const header = encodeRecordHeader('logs', i + 1, 1000 + i, payload);
    await writer.append([header, payload], header.byteLength + payload.byteLength);
    ends.push(writer.size);
  }
  await writer.close();
  return { path: writer.path, ends };
}

async function readAll(path: string, verify = true): Promise<{ payloads: Buffer[]; items: number[]; skipped: Array<{ from: number; to: number }> }> {
  const reader = await SegmentReader.open(path, SEGMENT_HEADER_BYTES, verify);
  const end = statSync(path).size;
  const out = { payloads: [] as Buffer[], items: [] as number[], skipped: [] as Array<{ from: number; to: number }> };
  try {
    for (;;) {
      const step = await reader.next(end);
      if (step.kind === 'end') return out;
      if (step.kind === 'skipped') out.skipped.push({ from: step.from, to: step.to });
      else {
        out.payloads.push(Buffer.from(step.record.payload));
        out.items.push(step.record.items);
      }
    }
  } finally {
    await reader.close();
  }
}

describe('write-ahead log segments', () => {
  it('writes the same log inline and through the thread pool, which it switches to after a slow write', async () => {
    const saved = { ...segmentWriteMode };
    cleanups.push(async () => Object.assign(segmentWriteMode, saved));
    // Every inline write counts as slow: the first one is inline, the ones after it go through the thread pool.
    Object.assign(segmentWriteMode, { slowWriteMs: -1, offloadForMs: 60_000, offloadUntil: 0 });
    const dir = tempDir();
    const records = payloads(12);
    const writer = await SegmentWriter.create(dir, 1, Date.now());
    const offloadedAfter: boolean[] = [];
    for (const [i, payload] of records.entries()) {
      const header = encodeRecordHeader('logs', i + 1, 1000 + i, payload);
      await writer.append([header, payload], header.byteLength + payload.byteLength);
      offloadedAfter.push(segmentWriteMode.offloadUntil > performance.now());
    }
    await writer.close();
    expect(offloadedAfter.every(Boolean)).toBe(true);
    const back = await readAll(writer.path);
    expect(back.skipped).toEqual([]);
    expect(back.payloads.map((p, i) => p.equals(records[i]!))).toEqual(records.map(() => true));
    expect(statSync(writer.path).size).toBe(writer.size);
  });

  it('reads back every record byte for byte, in order, with its item count', async () => {
    const dir = tempDir();
    const records = payloads(20);
    const { path } = await writeSegment(dir, 1, records);
    const back = await readAll(path);
    expect(back.skipped).toEqual([]);
    expect(back.items).toEqual(records.map((_, i) => i + 1));
    expect(back.payloads.map((p) => p.equals(records[back.payloads.indexOf(p)]!))).toEqual(records.map(() => true));
    const scan = await scanSegment(path);
    expect(scan).toMatchObject({ records: 20, items: 210, damaged: 0, tornTail: false, validEnd: statSync(path).size, firstAt: 1000, lastAt: 1019 });
  });

  it('finds a torn tail at any cut, counts it and keeps every whole record before it', async () => {
    const dir = tempDir();
    const records = payloads(6);
    const { path, ends } = await writeSegment(dir, 1, records);
    const whole = readFileSync(path);
    // Cut inside each record in turn (at its header, in its middle, one byte short of its end).
    for (let k = 0; k < records.length; k++) {
      const start = k === 0 ? SEGMENT_HEADER_BYTES : ends[k - 1]!;
      for (const cut of [start + 5, start + Math.floor((ends[k]! - start) / 2), ends[k]! - 1]) {
        writeFileSync(path, whole.subarray(0, cut));
        const scan = await scanSegment(path);
        expect(scan, `cut at ${cut} in record ${k}`).toMatchObject({ records: k, damaged: 1, tornTail: true, validEnd: start, damagedBytes: cut - start });
        const back = await readAll(path);
        expect(back.payloads.length).toBe(k);
        for (let i = 0; i < k; i++) expect(back.payloads[i]!.equals(records[i]!)).toBe(true);
      }
    }
  });

  it('passes over a damaged record in the middle (bad checksum, bad length, garbage) and reads on after it', async () => {
    const dir = tempDir();
    const records = payloads(8);
    const { path, ends } = await writeSegment(dir, 1, records);
    const whole = readFileSync(path);
    const start5 = ends[4]!;
    for (const [what, damage] of [
      ['a flipped payload bit', (b: Buffer) => (b[start5 + RECORD_OVERHEAD_BYTES + 3]! ^= 0x10)],
      ['a flipped length bit', (b: Buffer) => (b[start5 + 5]! ^= 0x01)],
      ['an overwritten header', (b: Buffer) => b.fill(0xab, start5, start5 + 20)],
    ] as const) {
      const copy = Buffer.from(whole);
      damage(copy);
      writeFileSync(path, copy);
      const scan = await scanSegment(path);
      expect(scan, what).toMatchObject({ records: 7, damaged: 1, tornTail: false, damagedBytes: ends[5]! - start5, validEnd: whole.byteLength });
      const back = await readAll(path);
      expect(back.skipped, what).toEqual([{ from: start5, to: ends[5] }]);
      expect(back.payloads.map((p) => records.findIndex((r) => r.equals(p)))).toEqual([0, 1, 2, 3, 4, 6, 7]);
    }
  });

  it('trusts its own writes when asked not to verify, and still refuses a segment of another format', async () => {
    const dir = tempDir();
    const { path } = await writeSegment(dir, 1, payloads(3));
    expect((await readAll(path, false)).payloads.length).toBe(3);
    const other = join(dir, segmentName(2));
    writeFileSync(other, Buffer.alloc(100, 7));
    await expect(SegmentReader.open(other, SEGMENT_HEADER_BYTES, true)).rejects.toThrow(/not a segment/);
    expect(await scanSegment(other)).toMatchObject({ records: 0, damaged: 1, damagedBytes: 100, unreadable: expect.stringMatching(/not a segment/) });
  });
});

describe('appender', () => {
  function entry(payload: Buffer, done: (error?: Error) => void = () => undefined): AppendEntry {
    return { header: encodeRecordHeader('traces', 2, Date.now(), payload), payload, items: 2, appendedAt: Date.now(), retain: false, done };
  }

  async function openAppender(settings: Partial<AppenderSettings>) {
    const base = tempDir();
    const log = await LogDir.own(base, { pid: process.pid, core: 0, generation: 1 });
    const events: string[] = [];
    const written: Array<{ seq: number; start: number; count: number }> = [];
    const appender = new Appender(log, 1, { fsync: { mode: 'always' }, maxSegmentBytes: 1 << 20, maxSegmentOpenMs: 60_000, ...settings }, {
      opened: (w) => events.push(`opened ${w.seq}`),
      written: (seq, start, entries) => written.push({ seq, start, count: entries.length }),
      closed: (seq, size) => events.push(`closed ${seq} ${size}`),
      failed: (error) => events.push(`failed ${error.message}`),
    }, silent);
    cleanups.push(() => appender.close(), () => log.release());
    return { log, appender, events, written };
  }

  it('groups records queued together into one write, and completes each once it is stored', async () => {
    const { log, appender, written } = await openAppender({});
    const done: number[] = [];
    for (let i = 0; i < 10; i++) appender.enqueue(entry(randomBytes(100), () => done.push(i)));
    await appender.flush();
    expect(done).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(written).toEqual([{ seq: 1, start: SEGMENT_HEADER_BYTES, count: 10 }]);
    expect(await log.segments()).toEqual([1]);
    expect((await scanSegment(log.segmentPath(1))).records).toBe(10);
  });

  it('rotates by size and by age, and syncs and closes what it rotates', async () => {
    const { log, appender, events } = await openAppender({ maxSegmentBytes: 10_000, maxSegmentOpenMs: 200 });
    for (let i = 0; i < 6; i++) {
      appender.enqueue(entry(randomBytes(4000)));
      await appender.flush();
    }
    expect(await log.segments()).toEqual([1, 2, 3]);
    appender.rotateIfDue(Date.now() + 1000);
    await new Promise((r) => setTimeout(r, 50));
    expect(events.filter((e) => e.startsWith('closed'))).toHaveLength(3);
    appender.enqueue(entry(randomBytes(10)));
    await appender.flush();
    expect(await log.segments()).toEqual([1, 2, 3, 4]);
    const counts = await Promise.all([1, 2, 3, 4].map(async (seq) => (await scanSegment(log.segmentPath(seq))).records));
    expect(counts).toEqual([2, 2, 2, 1]);
  });

  it.skipIf(!canMountTmpfs())('refuses the records of a write the disk refuses, keeps those that have nobody to tell, and writes them once there is room', async () => {
    const small = tinyFilesystem(256 * 1024);
    const log = await LogDir.own(small, { pid: process.pid, core: 0, generation: 1 });
    const failures: string[] = [];
    const appender = new Appender(log, 1, { fsync: { mode: 'interval', intervalMs: 20 }, maxSegmentBytes: 64 * 1024, maxSegmentOpenMs: 60_000 }, {
      opened: () => undefined,
      written: () => undefined,
      closed: () => undefined,
      failed: (error) => failures.push((error as NodeJS.ErrnoException).code ?? error.message),
    }, silent);
    cleanups.push(() => appender.close(), () => log.release());
    const outcomes: Array<string | undefined> = [];
    // Until the file system is full: each write either stores or is refused, never throws.
    for (let i = 0; i < 12; i++) {
      appender.enqueue(entry(randomBytes(30_000), (e) => outcomes.push((e as NodeJS.ErrnoException | undefined)?.code ?? e?.message)));
      await appender.flush().catch(() => undefined);
    }
    expect(outcomes.filter((o) => o === undefined).length).toBeGreaterThan(3);
    expect(outcomes).toContain('ENOSPC');
    expect(failures).toContain('ENOSPC');
    // What was written is whole: every segment scans without damage.
    for (const seq of await log.segments()) expect((await scanSegment(log.segmentPath(seq))).damaged).toBe(0);
    // A record with nobody to tell waits for room, and goes in once some is freed.
    let stored = false;
    appender.enqueue({ ...entry(randomBytes(30_000), () => (stored = true)), retain: true });
    await new Promise((r) => setTimeout(r, 300));
    expect(stored).toBe(false);
    expect(appender.pendingBytes).toBeGreaterThan(30_000);
    for (const seq of (await log.segments()).slice(0, 2)) await log.deleteSegment(seq);
    await until(() => stored, 10_000);
    expect(appender.pendingBytes).toBe(0);
  });
});

function tinyFilesystem(bytes: number): string {
  const dir = tempDir();
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${bytes}`, 'tmpfs', dir]);
  cleanups.unshift(async () => execFileSync('umount', ['-l', dir]));
  return dir;
}

async function until(check: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('log directories', () => {
  it('are held by one owner at a time; a second owner of the same generation gets its own directory', async () => {
    const base = tempDir();
    const first = await LogDir.own(base, { pid: 1, core: 0, generation: 3 });
    const second = await LogDir.own(base, { pid: 2, core: 0, generation: 3 });
    cleanups.push(() => first.release(), () => second.release());
    expect(first.dir.endsWith(join('core_0', 'gen_3'))).toBe(true);
    expect(second.dir.endsWith(join('core_0', 'gen_3-2'))).toBe(true);
    expect(await LogDir.adopt({ core: 0, dir: first.dir }, { pid: 3, core: 0, generation: 4 })).toBeUndefined();
    await first.release();
    const adopted = await LogDir.adopt({ core: 0, dir: first.dir }, { pid: 3, core: 0, generation: 4 });
    expect(adopted).toBeDefined();
    await adopted!.remove();
    expect((await listLogDirs(base)).map((e) => e.dir)).toEqual([second.dir]);
  });

  it('frees the lock when its process is killed with SIGKILL', async () => {
    const dir = join(tempDir(), 'core_0', 'gen_1');
    const holder = execa(process.execPath, ['--import', 'tsx', '-e', `
      const { DirLock } = await import(${JSON.stringify(new URL('../../src/nodes/processors/durable-buffer/wal/dir-lock.ts', import.meta.url).pathname)});
      const lock = await DirLock.tryAcquire(${JSON.stringify(dir)});
      console.log(lock ? 'held' : 'busy');
      setInterval(() => {}, 1000);
    `], { reject: false, buffer: false });
    const line = await new Promise<string>((resolve) => holder.stdout!.once('data', (c: Buffer) => resolve(c.toString().trim())));
    expect(line).toBe('held');
    expect(await DirLock.tryAcquire(dir)).toBeUndefined();
    holder.kill('SIGKILL');
    await holder;
    const lock = await DirLock.tryAcquire(dir);
    expect(lock).toBeDefined();
    await lock!.release();
  });

  it('keep progress across a reopen', async () => {
    const base = tempDir();
    const log = await LogDir.own(base, { pid: process.pid, core: 1, generation: 1 });
    await log.writeProgress(new Map([[1, 500], [2, 32]]), true);
    await log.release();
    const again = await LogDir.adopt({ core: 1, dir: log.dir }, { pid: process.pid, core: 1, generation: 2 });
    cleanups.push(() => again!.release());
    expect(await again!.readProgress()).toEqual({ ok: true, delivered: new Map([[1, 500], [2, 32]]) });
    writeFileSync(join(log.dir, 'progress.json'), '{ "delivered": { "1": "x" } }');
    expect((await again!.readProgress()).ok).toBe(false);
    expect(readdirSync(log.dir).sort()).toEqual(['owner.json', 'progress.json']);
  });
});

it('segment names sort in sequence order', () => {
  expect([segmentName(10), segmentName(9), segmentName(100)].sort()).toEqual([segmentName(9), segmentName(10), segmentName(100)]);
});
