// One file of exporter:file: opened on first use as open_mode says, its incomplete last line repaired (tail_recovery),
// and written transactionally: a write (and its sync with durability sync_data) that fails is cut back to the length
// the file had before, so the file only ever holds whole lines. A process-wide lease keeps two writers of this process
// off one file. Rotation by size (ours) happens between lines.
import { mkdir, open, realpath, rename, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Durability, OpenMode, TailRecovery } from './descriptor.js';

export interface WriterOptions {
  openMode: OpenMode;
  durability: Durability;
  maxFrameBytes: number;
  /** Set with open_mode append only. */
  tailRecovery: TailRecovery | undefined;
  createDirectories: boolean;
  /** Rotate before a line would take the file past this many bytes; 0: never. */
  maxSize: number;
  maxFiles: number;
}

export type AppendOutcome =
  | { ok: true }
  /** `fatal`: the failed write could not be cut back either; the file may end with part of a line. */
  | { ok: false; error: string; fatal: boolean };

const FLAGS: Record<OpenMode, string> = { append: 'a+', truncate: 'w+', create_new: 'wx+' };
/** Telemetry is sensitive: new files and directories are the owner's alone (the umask may narrow it further). */
const FILE_MODE = 0o600;
const DIRECTORY_MODE = 0o700;

const leases = new Set<string>();

/** The file's real location (its directory resolved), so that two spellings of one path take the same lease. */
async function leaseKey(path: string): Promise<string> {
  try {
    return await realpath(path);
  } catch {
    try {
      return join(await realpath(dirname(path)), basename(path));
    } catch {
      return path;
    }
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class SignalWriter {
  private constructor(
    private readonly path: string,
    private readonly options: WriterOptions,
    private handle: FileHandle,
    /** Bytes in the file: where the next line goes. */
    private size: number,
    private readonly lease: string,
  ) {}

  /** Opens `path` for writing; `recoveredBytes` is what tail recovery cut off. Throws with the reason on failure. */
  static async open(path: string, options: WriterOptions): Promise<{ writer: SignalWriter; recoveredBytes: number }> {
    if (options.createDirectories) await mkdir(dirname(path), { recursive: true, mode: DIRECTORY_MODE });
    const lease = await leaseKey(path);
    if (leases.has(lease)) throw new Error(`${path} is already written by another exporter:file node of this instance`);
    leases.add(lease);
    let handle: FileHandle | undefined;
    try {
      handle = await open(path, FLAGS[options.openMode], FILE_MODE);
      const size = (await handle.stat()).size;
      const writer = new SignalWriter(path, options, handle, size, lease);
      const recoveredBytes = options.tailRecovery === undefined ? 0 : await writer.recoverTail(options.tailRecovery);
      return { writer, recoveredBytes };
    } catch (error) {
      await handle?.close().catch(() => undefined);
      leases.delete(lease);
      throw error;
    }
  }

  /** Writes whole lines, rotating between them when a line would take the file past max_size. */
  async append(lines: readonly Buffer[]): Promise<AppendOutcome> {
    const { maxSize } = this.options;
    let group: Buffer[] = [];
    let groupBytes = 0;
    for (const line of lines) {
      if (maxSize > 0 && this.size + groupBytes > 0 && this.size + groupBytes + line.length > maxSize) {
        const written = await this.writeAtEnd(group, groupBytes);
        if (!written.ok) return written;
        group = [];
        groupBytes = 0;
        try {
          await this.rotate();
        } catch (error) {
          return { ok: false, error: `cannot rotate ${this.path}: ${message(error)}`, fatal: false };
        }
      }
      group.push(line);
      groupBytes += line.length;
    }
    return this.writeAtEnd(group, groupBytes);
  }

  /** Graceful stop: whatever the durability, the data reaches the disk. */
  async finalize(): Promise<void> {
    try {
      await this.handle.datasync();
    } catch (error) {
      // A device without sync (EINVAL) has nothing to sync.
      if ((error as NodeJS.ErrnoException).code !== 'EINVAL') throw error;
    }
  }

  async close(): Promise<void> {
    try {
      await this.handle.close();
    } finally {
      leases.delete(this.lease);
    }
  }

  private async writeAtEnd(chunks: readonly Buffer[], bytes: number): Promise<AppendOutcome> {
    if (bytes === 0) return { ok: true };
    const start = this.size;
    const data = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, bytes);
    let step = 'write';
    try {
      for (let offset = 0; offset < data.length; ) {
        const { bytesWritten } = await this.handle.write(data, offset, data.length - offset, start + offset);
        offset += bytesWritten;
      }
      if (this.options.durability === 'sync_data') {
        step = 'sync';
        await this.handle.datasync();
      }
    } catch (error) {
      const reason = `${step} of ${this.path} failed: ${message(error)}`;
      try {
        await this.handle.truncate(start);
      } catch (rollback) {
        return { ok: false, error: `${reason}; cutting the file back to ${start} bytes failed too: ${message(rollback)}`, fatal: true };
      }
      return { ok: false, error: `${reason} (the file was cut back to ${start} bytes)`, fatal: false };
    }
    this.size = start + data.length;
    return { ok: true };
  }

  /** `path.<n-1>` → `path.<n>` (replacing the oldest) … `path` → `path.1`, then a fresh `path`. */
  private async rotate(): Promise<void> {
    const { maxFiles } = this.options;
    await this.handle.close();
    for (let i = maxFiles - 1; i >= 1; i--) await renameIfExists(`${this.path}.${i}`, `${this.path}.${i + 1}`);
    await renameIfExists(this.path, `${this.path}.1`);
    this.handle = await open(this.path, 'a+', FILE_MODE);
    this.size = 0;
  }

  /** A file whose last byte is no newline ends with part of a line (a crash mid-write): cut it off, or refuse. */
  private async recoverTail(policy: TailRecovery): Promise<number> {
    if (this.size === 0) return 0;
    const last = Buffer.alloc(1);
    await this.handle.read(last, 0, 1, this.size - 1);
    if (last[0] === 0x0a) return 0;
    if (policy === 'fail') throw new Error(`${this.path} ends with an incomplete line (tail_recovery: fail)`);
    const scan = Math.min(this.size, this.options.maxFrameBytes);
    const tail = Buffer.alloc(scan);
    await this.handle.read(tail, 0, scan, this.size - scan);
    const newline = tail.lastIndexOf(0x0a);
    if (newline < 0) throw new Error(`${this.path} ends with an incomplete line and no line boundary within max_frame_bytes (${this.options.maxFrameBytes})`);
    const keep = this.size - scan + newline + 1;
    await this.handle.truncate(keep);
    await this.handle.datasync();
    const recovered = this.size - keep;
    this.size = keep;
    return recovered;
  }
}

async function renameIfExists(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
