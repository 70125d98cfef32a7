// A log directory: the segments one instance wrote, with their progress file, owned through a DirLock. The buffer's
// `path` holds one folder per core and, in it, one log directory per instance that wrote there:
//
//   <path>/core_<n>/gen_<g>/            the log of the instance of generation g on core n
//   <path>/core_<n>/gen_<g>-<pid>/      the same, when gen_<g> was held by someone else (a restart during an adoption)
//       0000000000000001.wal …          segments (segment-file.ts, record.ts)
//       progress.json                   how far delivery got in each segment (progress.ts)
//       owner.json                      who holds it (informational; the lock decides)
//
// An instance writes to its own log directory only. Any other log directory that nobody holds (a crashed or drained
// instance's, one from a previous run, one of a core that no longer runs) is adopted: locked, delivered, deleted.
import { mkdir, readdir, realpath, rmdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { DirLock, OWNER_FILE, type Owner } from './dir-lock.js';
import { readProgress, removeProgress, writeProgress, type ProgressRead } from './progress.js';
import { segmentName, segmentSeq } from './segment-file.js';

const CORE_DIR = /^core_(\d+)$/;
const LOG_DIR = /^gen_\d+(?:-\d+)?$/;

export interface LogDirEntry {
  core: number;
  /** Absolute, under the real path of the buffer's `path`. */
  dir: string;
}

export class LogDir {
  private constructor(
    private readonly lock: DirLock,
    readonly dir: string,
    readonly core: number,
  ) {}

  /**
   * Creates (or resumes) the log directory of this instance: `gen_<g>` on its core, or `gen_<g>-<pid>` when another
   * process holds that one. The base directory is created when missing.
   */
  static async own(base: string, owner: Owner): Promise<LogDir> {
    const root = await realBase(base);
    const coreDir = join(root, `core_${owner.core}`);
    await mkdir(coreDir, { recursive: true, mode: 0o700 });
    for (const name of [`gen_${owner.generation}`, `gen_${owner.generation}-${owner.pid}`]) {
      const dir = join(coreDir, name);
      // Locked before it exists, so that nobody adopts it between its creation and its lock.
      const lock = await DirLock.tryAcquire(dir);
      if (lock === undefined) continue;
      try {
        await mkdir(dir, { recursive: true, mode: 0o700 });
        // For people only: a full disk must not keep the buffer from starting.
        await lock.writeOwner(owner).catch(() => undefined);
      } catch (error) {
        await lock.release();
        throw error;
      }
      return new LogDir(lock, dir, owner.core);
    }
    throw new Error(`cannot own a log directory in ${coreDir}: gen_${owner.generation} and gen_${owner.generation}-${owner.pid} are both held`);
  }

  /** Takes a log directory nobody holds; undefined when someone does. */
  static async adopt(entry: LogDirEntry, owner: Owner): Promise<LogDir | undefined> {
    const lock = await DirLock.tryAcquire(entry.dir);
    if (lock === undefined) return undefined;
    try {
      // It may have been removed by its last holder between the listing and the lock.
      if (!(await stat(entry.dir)).isDirectory()) throw new Error('not a directory');
      await lock.writeOwner(owner).catch(() => undefined);
    } catch {
      await lock.release();
      return undefined;
    }
    return new LogDir(lock, entry.dir, entry.core);
  }

  /** Sequence numbers of the segments in the directory, ascending. */
  async segments(): Promise<number[]> {
    const seqs: number[] = [];
    for (const name of await readdir(this.dir)) {
      const seq = segmentSeq(name);
      if (seq !== undefined) seqs.push(seq);
    }
    return seqs.sort((a, b) => a - b);
  }

  segmentPath(seq: number): string {
    return join(this.dir, segmentName(seq));
  }

  readProgress(): Promise<ProgressRead> {
    return readProgress(this.dir);
  }

  writeProgress(delivered: ReadonlyMap<number, number>, durable: boolean): Promise<void> {
    return writeProgress(this.dir, delivered, durable);
  }

  async deleteSegment(seq: number): Promise<void> {
    await unlink(this.segmentPath(seq)).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
  }

  /** Deletes the directory (its segments must be gone) and lets go of it. Files it does not know are left, and so is the directory then. */
  async remove(): Promise<void> {
    await removeProgress(this.dir);
    await unlink(join(this.dir, OWNER_FILE)).catch(() => undefined);
    await rmdir(this.dir).catch(() => undefined);
    await this.lock.release();
  }

  release(): Promise<void> {
    return this.lock.release();
  }
}

/** The real path of the buffer's `path`, created when missing: every lock name is built from it. */
export async function realBase(base: string): Promise<string> {
  await mkdir(base, { recursive: true, mode: 0o700 });
  return realpath(base);
}

/** Every log directory under the buffer's `path`, of every core; folders of other shapes are not ours and are left alone. */
export async function listLogDirs(base: string): Promise<LogDirEntry[]> {
  const root = await realBase(base);
  const out: LogDirEntry[] = [];
  for (const coreName of await readdir(root).catch(() => [] as string[])) {
    const core = CORE_DIR.exec(coreName);
    if (!core) continue;
    const coreDir = join(root, coreName);
    for (const name of await readdir(coreDir).catch(() => [] as string[])) {
      if (LOG_DIR.test(name)) out.push({ core: Number(core[1]), dir: join(coreDir, name) });
    }
  }
  return out;
}

/** Bytes of the segment files in `dir` (a log another process holds, counted against the core's share of the cap). */
export async function segmentBytes(dir: string): Promise<number> {
  let total = 0;
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    if (segmentSeq(name) === undefined) continue;
    total += await stat(join(dir, name)).then((s) => s.size, () => 0);
  }
  return total;
}
