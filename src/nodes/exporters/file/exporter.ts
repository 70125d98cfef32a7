// exporter:file: appends each message to a file as one line of OTLP/JSON (the JSON Lines form of the OTLP file
// exporter), with optional rotation by size. Lines go through a write stream: while `flush_interval` runs the stream is
// corked, so the lines of that interval reach the file in one writev; a full buffer is written at once and the export
// waits for it, so a slow disk slows the pipeline instead of growing memory.
//
// Delivery: with a flush interval, an export succeeds once its line is in the stream; a write that fails later (disk
// full, I/O error) loses what was buffered at that moment (at most one interval or one buffer), and the error is logged
// and reported. With `flush_interval: 0s` each export waits for its own write, so a write error is that message's
// `retryable` answer. Either way the next export reopens the file, answering `retryable` while it cannot.
import type { WriteStream } from 'node:fs';
import { open, rename, type FileHandle } from 'node:fs/promises';
import { parseByteSize, parseDuration } from '../../../config/duration.js';
import type { Exporter, NodeContext, NodeInstance } from '../../../pipeline/node.js';
import type { ExportResult, PData } from '../../../pipeline/pdata.js';
import { otlpProtoToJson } from '../../../pdata/json.js';
import type { FileExporterConfig } from './descriptor.js';

/** Bytes the stream holds before an export waits for the disk. */
const HIGH_WATER_MARK = 64 * 1024;

export interface FileExporterSettings {
  path: string;
  /** Rotate before a line would take the file past this many bytes; 0: never. */
  maxSize: number;
  /** Rotated files kept: `path.1` (newest) … `path.<maxFiles>`. */
  maxFiles: number;
  /** How long lines may wait in the stream before they are written; 0: written at once. */
  flushIntervalMs: number;
}

export function fileExporterSettings(config: Partial<FileExporterConfig> & Pick<FileExporterConfig, 'path'>): FileExporterSettings {
  return {
    path: config.path,
    maxSize: parseByteSize(config.rotation?.max_size ?? 0),
    maxFiles: config.rotation?.max_files ?? 5,
    flushIntervalMs: parseDuration(config.flush_interval ?? '1s'),
  };
}

export class FileExporter implements Exporter {
  private stream: WriteStream | undefined;
  /** Bytes in the current file, counting what is still in the stream. */
  private size = 0;
  /** Set when the current stream failed; the next export reopens the file. */
  private writeError: Error | undefined;
  private corked = false;
  private flushTimer: NodeJS.Timeout | undefined;
  /** Writes handed to the stream whose callback has not run yet; `flush()` waits until there are none. */
  private pendingWrites = 0;
  private idleWaiters: Array<() => void> = [];
  private stopped = false;
  private ctx: NodeContext | undefined;

  constructor(private readonly settings: FileExporterSettings) {}

  async start(ctx: NodeContext): Promise<void> {
    this.ctx = ctx;
    await this.open();
  }

  async export(pdata: PData): Promise<ExportResult> {
    if (this.stopped) return { kind: 'failure', reason: 'exporter:file is stopped' };
    const rendered = otlpProtoToJson(pdata.signal, pdata.payload);
    // A payload that does not decode will not decode on a retry either.
    if (!rendered.ok) return { kind: 'failure', reason: rendered.reason };
    const line = `${JSON.stringify(rendered.json)}\n`;
    const bytes = Buffer.byteLength(line);
    try {
      if (this.stream === undefined || this.stream.destroyed || this.writeError !== undefined) await this.reopen();
      const { maxSize } = this.settings;
      if (maxSize > 0 && this.size > 0 && this.size + bytes > maxSize) await this.rotate();
    } catch (error) {
      return { kind: 'retryable', reason: (error as Error).message };
    }
    const stream = this.stream as WriteStream;
    this.size += bytes;
    if (this.settings.flushIntervalMs === 0) {
      // Unbuffered: the export waits for its write, so a write error is this message's retryable error.
      const error = await new Promise<Error | null | undefined>((resolve) => this.write(stream, line, resolve));
      if (error) return { kind: 'retryable', reason: `exporter:file: writing ${this.settings.path} failed: ${error.message}` };
      return { kind: 'success' };
    }
    if (!this.write(stream, line)) {
      // The buffer is full: write it now and wait for the disk.
      this.uncork();
      await waitForDrain(stream);
      if (this.writeError !== undefined && stream === this.stream) {
        return { kind: 'retryable', reason: this.writeError.message };
      }
    }
    return { kind: 'success' };
  }

  /** Writes everything the stream holds and resolves once the writes completed (or failed: that is reported). */
  async flush(): Promise<void> {
    this.uncork();
    if (this.pendingWrites === 0) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    try {
      await this.closeStream();
    } catch (error) {
      this.ctx?.logger.error({ err: error, path: this.settings.path }, 'exporter:file: closing the file failed');
    }
  }

  private async open(): Promise<void> {
    const { path } = this.settings;
    let handle: FileHandle;
    try {
      handle = await open(path, 'a');
    } catch (error) {
      throw openError(path, error);
    }
    let size: number;
    try {
      size = (await handle.stat()).size;
    } catch (error) {
      await handle.close().catch(() => undefined);
      throw openError(path, error);
    }
    const stream = handle.createWriteStream({ highWaterMark: HIGH_WATER_MARK });
    stream.on('error', (error) => this.onStreamError(stream, error));
    this.stream = stream;
    this.size = size;
    this.writeError = undefined;
  }

  private async reopen(): Promise<void> {
    // The old stream failed; what it still held is lost and was reported. Closing it cannot tell us more.
    await this.closeStream().catch(() => undefined);
    await this.open();
  }

  /** `path.<maxFiles-1>` → `path.<maxFiles>` (replacing the oldest) … `path` → `path.1`, then a fresh `path`. */
  private async rotate(): Promise<void> {
    const { path, maxFiles } = this.settings;
    await this.closeStream();
    try {
      for (let i = maxFiles - 1; i >= 1; i--) await renameIfExists(`${path}.${i}`, `${path}.${i + 1}`);
      await renameIfExists(path, `${path}.1`);
    } catch (error) {
      throw new Error(`exporter:file: cannot rotate ${path}: ${(error as Error).message}`, { cause: error });
    }
    await this.open();
    this.ctx?.logger.info({ path, maxFiles }, 'exporter:file: rotated');
  }

  /** Ends the current stream and waits until its file is closed; rejects with a write error met on the way. */
  private async closeStream(): Promise<void> {
    const stream = this.stream;
    if (stream === undefined) return;
    this.uncork();
    this.stream = undefined;
    if (stream.closed) return;
    let failure: Error | undefined;
    await new Promise<void>((resolve) => {
      stream.once('error', (error) => {
        failure = error;
      });
      stream.once('close', () => resolve());
      if (!stream.destroyed) stream.end();
    });
    if (failure !== undefined) throw new Error(`exporter:file: writing ${this.settings.path} failed: ${failure.message}`, { cause: failure });
  }

  private write(stream: WriteStream, text: string, done?: (error: Error | null | undefined) => void): boolean {
    if (this.settings.flushIntervalMs > 0 && !this.corked) {
      stream.cork();
      this.corked = true;
      this.flushTimer = setTimeout(() => this.uncork(), this.settings.flushIntervalMs);
    }
    this.pendingWrites++;
    if (done === undefined) return stream.write(text, this.onWritten);
    return stream.write(text, (error) => {
      this.onWritten();
      done(error);
    });
  }

  private readonly onWritten = (): void => {
    this.pendingWrites--;
    if (this.pendingWrites > 0 || this.idleWaiters.length === 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  };

  private uncork(): void {
    if (this.flushTimer !== undefined) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (!this.corked) return;
    this.corked = false;
    this.stream?.uncork();
  }

  private onStreamError(stream: WriteStream, error: Error): void {
    const failure = new Error(`exporter:file: writing ${this.settings.path} failed: ${error.message}`, { cause: error });
    if (stream === this.stream) {
      this.writeError = failure;
      this.corked = false;
      if (this.flushTimer !== undefined) clearTimeout(this.flushTimer);
      this.flushTimer = undefined;
    }
    this.ctx?.logger.error({ err: error, path: this.settings.path }, 'exporter:file: write failed; lines still buffered are lost; the next export reopens the file');
    this.ctx?.reportError(failure, false);
  }
}

function openError(path: string, error: unknown): Error {
  const err = error as NodeJS.ErrnoException;
  const hint = err.code === 'ENOENT' ? ' (its directory must exist: the exporter does not create it)' : '';
  return new Error(`exporter:file cannot open ${path} for appending: ${err.message}${hint}`, { cause: error });
}

async function renameIfExists(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/** Resolves on 'drain', or when the stream fails or closes (the caller checks which). */
function waitForDrain(stream: WriteStream): Promise<void> {
  if (stream.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      stream.off('drain', done);
      stream.off('error', done);
      stream.off('close', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('error', done);
    stream.on('close', done);
  });
}

export function createFileExporter(_name: string, config: Record<string, unknown>): NodeInstance {
  const settings = fileExporterSettings(config as unknown as FileExporterConfig);
  return { kind: 'exporter', node: new FileExporter(settings) };
}
