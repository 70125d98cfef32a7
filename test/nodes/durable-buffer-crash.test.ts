// Crash consistency of the durable buffer's write-ahead log: a real process writes records as fast as it can and says
// which ones the log acknowledged; it is killed with SIGKILL at a random moment, 60 times, with every fsync policy.
// After each kill the log is recovered as the buffer recovers it (scan, checksums, torn tail passed over) and must hold
// exactly records 0..k in order, with k at least the last one acknowledged: a prefix of what was written, nothing
// acknowledged missing, nothing damaged but a torn tail.
import { execa } from 'execa';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { recoverLog } from '../../src/nodes/processors/durable-buffer/adoption.js';
import { BufferStats } from '../../src/nodes/processors/durable-buffer/stats.js';
import { listLogDirs, LogDir } from '../../src/nodes/processors/durable-buffer/wal/log-dir.js';
import { SegmentReader } from '../../src/nodes/processors/durable-buffer/wal/segment-reader.js';

const WRITER = fileURLToPath(new URL('../fixtures/durable-wal-writer.mjs', import.meta.url));
const ITERATIONS = 60;
const root = mkdtempSync(join(tmpdir(), 'otap-wal-crash-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let seed = 0x9e3779b9;
function random(): number {
  seed ^= seed << 13;
  seed >>>= 0;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  seed >>>= 0;
  return seed / 2 ** 32;
}

interface Run {
  acked: number;
  recovered: number[];
  damaged: number;
  tornTails: number;
}

/** Starts the writer, kills it `afterMs` after it is ready, and recovers its log. */
async function crashOnce(base: string, mode: string, afterMs: number, writerSeed: number): Promise<Run> {
  const child = execa(process.execPath, [WRITER, base, mode, String(writerSeed)], { reject: false, buffer: false, stdin: 'ignore', stderr: 'inherit' });
  let acked = -1;
  let pending = '';
  let onReady!: () => void;
  const ready = new Promise<void>((resolve) => (onReady = resolve));
  child.stdout!.on('data', (chunk: Buffer) => {
    pending += chunk.toString();
    let nl: number;
    while ((nl = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      if (line === 'ready') onReady();
      else if (line.startsWith('ack ')) {
        const n = Number(line.slice(4));
        // Acknowledgements come in order: a gap would mean a record acknowledged before the one before it.
        expect(n).toBe(acked + 1);
        acked = n;
      }
    }
  });
  await Promise.race([ready, child]);
  await new Promise((resolve) => setTimeout(resolve, afterMs));
  child.kill('SIGKILL');
  await child;

  const stats = new BufferStats(pino({ level: 'silent' }));
  const [entry] = await listLogDirs(base);
  const log = await LogDir.adopt(entry!, { pid: process.pid, core: 0, generation: 2 });
  if (log === undefined) throw new Error('the killed writer still holds its log');
  const recovered: number[] = [];
  let tornTails = 0;
  try {
    for (const segment of await recoverLog(log, stats, pino({ level: 'silent' }))) {
      const reader = await SegmentReader.open(segment.path, segment.readOffset, true);
      try {
        for (;;) {
          const step = await reader.next(segment.end);
          if (step.kind === 'end') break;
          if (step.kind === 'record') recovered.push(Buffer.from(step.record.payload).readDoubleLE(0));
        }
      } finally {
        await reader.close();
      }
    }
    tornTails = stats.counts.damagedStretches;
  } finally {
    await log.release();
  }
  return { acked, recovered, damaged: stats.counts.damagedStretches, tornTails };
}

describe('write-ahead log crash consistency', () => {
  it(`recovers a prefix of what was written, holding everything acknowledged, after ${ITERATIONS} kills at random moments`, async () => {
    const modes = ['always', 'interval', 'never'];
    let totalAcked = 0;
    let torn = 0;
    // Two writers at a time, each on its own log: the machine's cores are shared, and a start of node is slow.
    for (let i = 0; i < ITERATIONS; i += 2) {
      const runs = await Promise.all(
        [i, i + 1].map(async (n) => {
          const mode = modes[n % modes.length]!;
          const base = join(root, `run-${n}`);
          const run = await crashOnce(base, mode, 10 + Math.floor(random() * 200), 1 + Math.floor(random() * 1e9));
          rmSync(base, { recursive: true, force: true });
          return { ...run, context: `run ${n} (${mode}): acked up to ${run.acked}, recovered ${run.recovered.length}` };
        }),
      );
      for (const { recovered, acked, damaged, tornTails, context } of runs) {
        // 0..k in order: a prefix of what was written.
        expect(recovered.every((n, index) => n === index), context).toBe(true);
        // Nothing acknowledged is missing.
        expect(recovered.length, context).toBeGreaterThanOrEqual(acked + 1);
        // The only damage a crash can leave is one torn tail (a write cut short).
        expect(damaged, context).toBeLessThanOrEqual(1);
        totalAcked += acked + 1;
        torn += tornTails;
      }
    }
    // The kills landed while records were flowing.
    expect(totalAcked).toBeGreaterThan(ITERATIONS * 10);
    console.log(`crash consistency: ${ITERATIONS} kills, ${totalAcked} records acknowledged and recovered, ${torn} torn tails passed over`);
  }, 120_000);
});
