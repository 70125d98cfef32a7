// The durable buffer's recovery time for ~1 GB of backlog (issue #13): a log of real OTLP logs requests is written to a
// buffer's directory while no engine runs (as a previous run that stopped with its exporter's peer down leaves it),
// then an engine starts on that path and the bench times, from the spawn, until the instance is ready, until the buffer
// has delivered every record of the backlog to an exporter:noop and deleted the delivered segments (its itemsDelivered
// in the pipeline status confirms the count). A noop exporter, so that what is timed is the buffer's recovery (scan, read,
// hand on, delete), not an exporter's round trips to a peer. Baseline in the
// same run: reading the same files with a bare `fs.read` loop (1 MiB reads), which is how fast the disk and the page
// cache hand the bytes over at all, and the same loop computing a CRC-32 of what it reads, which is the least a reader
// that checks every record must spend. All read files the bench has just written, so all mostly read the page cache.
//
// Needs 3 GB free in the system's temporary directory (it writes 1 GiB there and removes it), else it is skipped with
// a message. `RECOVERY_MIB` changes the backlog's size.
import { mkdtempSync, readdirSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import pino from 'pino';
import { Appender, type AppendEntry } from '../src/nodes/processors/durable-buffer/wal/appender.js';
import { LogDir } from '../src/nodes/processors/durable-buffer/wal/log-dir.js';
import { encodeRecordHeader } from '../src/nodes/processors/durable-buffer/wal/record.js';
import { pinSelf, poll, startBenchEngine } from './support.js';
import { encodeLogsRequest, RECORDS_PER_REQUEST } from './throughput-payloads.js';

const MIN_FREE_BYTES = 3 * 1024 ** 3;

export interface RecoveryResult {
  backlogBytes: number;
  records: number;
  segments: number;
  writeSeconds: number;
  /** From the engine's spawn. */
  readyMs: number;
  /** Until the instance had scanned the backlog (checksums checked) and began to deliver it. */
  scannedMs: number;
  /** Until every record was delivered and acknowledged, and so every segment deleted. */
  deliveredMs: number;
  /** When the buffer opened its log (recovery begins). */
  openedMs: number;
  /** Backlog bytes over the recovery: from the log's opening to the last segment's deletion. */
  recoveryMBps: number;
  /** The same files read with a bare fs.read loop, and with zlib's crc32 over every chunk read (a checking reader at best). */
  baselineReadMBps: number;
  baselineReadCrcMBps: number;
}

export type RecoveryOutcome = { kind: 'measured'; result: RecoveryResult } | { kind: 'skipped'; reason: string };

export async function benchDurableRecovery(): Promise<RecoveryOutcome> {
  const mib = Number(process.env['RECOVERY_MIB'] ?? 1024);
  const free = (() => {
    const s = statfsSync(tmpdir());
    return s.bavail * s.bsize;
  })();
  if (free < MIN_FREE_BYTES) return { kind: 'skipped', reason: `${(free / 1024 ** 3).toFixed(1)} GB free in ${tmpdir()}, below the 3 GB this bench needs` };
  const path = mkdtempSync(join(tmpdir(), 'otap-bench-recovery-'));
  const twoCores = availableParallelism() >= 2;
  // The writer and the bench on core 1, the engine on core 0, as in the throughput bench.
  const restore = twoCores ? pinSelf([1]) : () => undefined;
  try {
    const written = await writeBacklog(path, mib * 1024 * 1024);
    // The baselines on the engine's core: it is the busier one on a shared machine (test engines are pinned there too).
    const back = twoCores ? pinSelf([0]) : () => undefined;
    const baselineReadMBps = await readBaseline(path, written.bytes, false);
    const baselineReadCrcMBps = await readBaseline(path, written.bytes, true);
    back();
    const engine = await startBenchEngine(engineYaml(path), ['--log-format', 'json'], twoCores ? { cpus: '0' } : {});
    try {
      const since = engine.spawnedAt;
      const readyAt = await poll(async () => engine.lines.find((l) => l.text.includes('"instance ready"'))?.at, 60_000, 5);
      // A segment is deleted once every record in it was delivered and acknowledged: the last deletion ends the
      // recovery. The status (sent with the instances' heartbeats, so later) confirms the count.
      const deliveredAt = await poll(async () => (walFiles(path) === 0 ? Date.now() : undefined), 600_000, 10);
      const reported = await poll(async () => ((await delivered(engine.adminUrl)) >= written.records ? true : undefined), 30_000, 50).catch(() => false);
      if (!reported) throw new Error(`the buffer deleted its segments but does not report ${written.records} items delivered`);
      const openedAt = engine.lines.find((l) => l.text.includes('"durable buffer: log open"'))?.at ?? Number.NaN;
      const scannedAt = engine.lines.find((l) => l.text.includes('"durable buffer: resumed the log this core left"'))?.at ?? Number.NaN;
      const deliveredMs = deliveredAt - since;
      return {
        kind: 'measured',
        result: {
          backlogBytes: written.bytes,
          records: written.records,
          segments: written.segments,
          writeSeconds: written.seconds,
          readyMs: readyAt - since,
          openedMs: openedAt - since,
          scannedMs: scannedAt - since,
          deliveredMs,
          recoveryMBps: written.bytes / 1e6 / ((deliveredAt - openedAt) / 1000),
          baselineReadMBps,
          baselineReadCrcMBps,
        },
      };
    } finally {
      await engine.stop();
    }
  } finally {
    restore();
    rmSync(path, { recursive: true, force: true });
  }
}

/** Writes records of real requests with the buffer's own appender, as the first instance of core 0 of a run would. */
async function writeBacklog(path: string, targetBytes: number): Promise<{ bytes: number; records: number; segments: number; seconds: number }> {
  const started = Date.now();
  // A few distinct requests, cycled: what is measured is bytes through the log, not the variety of bodies.
  const requests = Array.from({ length: 8 }, (_, i) => encodeLogsRequest(i));
  const log = await LogDir.own(path, { pid: process.pid, core: 0, generation: 1 });
  const logger = pino({ level: 'warn' });
  let segments = 0;
  const appender = new Appender(
    log,
    1,
    { fsync: { mode: 'never' }, maxSegmentBytes: 64 * 1024 * 1024, maxSegmentOpenMs: 60_000 },
    { opened: () => void segments++, written: () => undefined, closed: () => undefined, failed: (error) => logger.error({ err: error }, 'recovery bench: write failed') },
    logger,
  );
  let bytes = 0;
  let records = 0;
  let refused = 0;
  for (let i = 0; bytes < targetBytes; i++) {
    const payload = requests[i % requests.length] as Buffer;
    const appendedAt = Date.now();
    const entry: AppendEntry = {
      header: encodeRecordHeader('logs', RECORDS_PER_REQUEST, appendedAt, payload),
      payload,
      items: RECORDS_PER_REQUEST,
      appendedAt,
      retain: false,
      done: (error) => void (error && refused++),
    };
    appender.enqueue(entry);
    bytes += entry.header.byteLength + payload.byteLength;
    records += RECORDS_PER_REQUEST;
    if (appender.pendingBytes > 32 * 1024 * 1024) await appender.whenPendingBelow(8 * 1024 * 1024);
  }
  const unwritten = await appender.close();
  await log.release();
  if (refused > 0 || unwritten > 0) throw new Error(`the backlog could not be written whole (${refused} refused, ${unwritten} unwritten)`);
  return { bytes, records, segments, seconds: (Date.now() - started) / 1000 };
}

/** MB/s of reading every segment under `path` in 1 MiB reads, with a CRC-32 of each read when `crc`. */
async function readBaseline(path: string, expected: number, crc: boolean): Promise<number> {
  const files = walPaths(path);
  const buffer = Buffer.allocUnsafe(1024 * 1024);
  const started = process.hrtime.bigint();
  let total = 0;
  for (const file of files) {
    const handle = await open(file, 'r');
    try {
      for (;;) {
        const { bytesRead } = await handle.read(buffer, 0, buffer.byteLength, null);
        if (bytesRead === 0) break;
        if (crc) crc32(buffer.subarray(0, bytesRead));
        total += bytesRead;
      }
    } finally {
      await handle.close();
    }
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (total < expected) throw new Error(`read ${total} bytes of a ${expected}-byte backlog`);
  return total / 1e6 / seconds;
}

function walPaths(path: string): string[] {
  return readdirSync(path, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.wal'))
    .map((e) => join(e.parentPath, e.name));
}

function walFiles(path: string): number {
  return walPaths(path).length;
}

/** Items the instance's buffer says it delivered. */
async function delivered(adminUrl: string): Promise<number> {
  const res = await fetch(`${adminUrl}/api/v1/groups/default/pipelines/main/status`);
  if (!res.ok) return 0;
  const status = (await res.json()) as { instances?: Array<{ nodes?: Record<string, { durableBuffer?: { itemsDelivered: number } }> }> };
  return status.instances?.[0]?.nodes?.['buffer']?.durableBuffer?.itemsDelivered ?? 0;
}

function engineYaml(path: string): string {
  const pipeline = {
    policies: { resources: { core_allocation: { type: 'core_count', count: 1 } } },
    nodes: {
      ingest: { type: 'receiver:otlp', config: { protocols: { http: { listening_addr: '127.0.0.1:0' } } } },
      buffer: { type: 'processor:durable_buffer', config: { path, retention_size_cap: '4GiB' } },
      out: { type: 'exporter:noop' },
    },
    connections: [
      { from: 'ingest', to: 'buffer' },
      { from: 'buffer', to: 'out' },
    ],
  };
  return `version: otel_dataflow/v1\ngroups:\n  default:\n    pipelines:\n      main: ${JSON.stringify(pipeline)}\n`;
}

/** Runs the bench, prints its table and writes bench/results/durable-recovery.json. */
export async function reportDurableRecovery(resultsDir: string): Promise<void> {
  const measuredAt = new Date().toISOString();
  const outcome = await benchDurableRecovery();
  writeFileSync(join(resultsDir, 'durable-recovery.json'), JSON.stringify({ measuredAt, node: process.version, ...outcome }, null, 2));
  if (outcome.kind === 'skipped') {
    console.log(`durable buffer recovery: skipped: ${outcome.reason}\n`);
    return;
  }
  const r = outcome.result;
  const mb = (r.backlogBytes / 1e6).toFixed(0);
  console.log(`Durable buffer recovery, Node ${process.version}: ${mb} MB of backlog (${r.segments} segments, ${r.records.toLocaleString('en-US')} records) written while no engine ran, then one engine (1 core) started on it`);
  console.log('');
  console.log('| measure | engine | baseline (same run) | ratio |');
  console.log('|---|---:|---:|---:|');
  console.log(`| spawn → instance ready | ${(r.readyMs / 1000).toFixed(1)} s | | |`);
  console.log(`| spawn → the buffer opens its log, recovery begins | ${(r.openedMs / 1000).toFixed(1)} s | | |`);
  console.log(`| spawn → backlog scanned (checksums checked), delivery begins | ${(r.scannedMs / 1000).toFixed(1)} s | | |`);
  console.log(`| spawn → backlog delivered (exporter:noop), every segment deleted | ${(r.deliveredMs / 1000).toFixed(1)} s | | |`);
  console.log(`| recovery (log opened → last segment deleted) | ${r.recoveryMBps.toFixed(0)} MB/s | bare fs.read of the same files: ${r.baselineReadMBps.toFixed(0)} MB/s | ${(r.recoveryMBps / r.baselineReadMBps).toFixed(2)} |`);
  console.log(`| recovery, against a checking read | ${r.recoveryMBps.toFixed(0)} MB/s | fs.read + crc32 of the same files: ${r.baselineReadCrcMBps.toFixed(0)} MB/s | ${(r.recoveryMBps / r.baselineReadCrcMBps).toFixed(2)} |`);
  console.log('');
  console.log(`(the buffer reads the backlog twice: a scan that checks every checksum before delivery, then the delivery; writing the backlog took ${r.writeSeconds.toFixed(1)} s)\n`);
}
