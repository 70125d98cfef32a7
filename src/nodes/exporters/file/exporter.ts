// exporter:file: writes each message as one line of OTLP/JSON (JSON Lines, the OpenTelemetry file exporter's format)
// to a file of its signal, core and generation: the path template's `{signal}`, `{core_id}` and `{generation}`. A
// signal's file is opened when its first non-empty message comes (writer.ts), so signals that never flow leave no file.
//
// Delivery (durability): by default an export succeeds once its line is written (and synced, with sync_data); a write
// that fails is cut back out of the file and answered `retryable`, so the runtime tries again. With our
// `flush_interval` above 0s, lines are collected for that long (or until 64 KiB wait) and acknowledged before they are
// written; a write that then fails loses them, and says so in the log.
import { stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { parseByteSize, parseDuration } from '../../../config/duration.js';
import { Episode } from '../../../pipeline/episode.js';
import type { Exporter, NodeContext, NodeInstance } from '../../../pipeline/node.js';
import { SIGNALS, type ExportResult, type PData, type Signal } from '../../../pipeline/pdata.js';
import { otlpProtoToJson } from '../../../pdata/json.js';
import { DEFAULT_MAX_FRAME_BYTES, type FileExporterConfig } from './descriptor.js';
import { currentPlacement, renderPath, type Placement } from './template.js';
import { SignalWriter, type WriterOptions } from './writer.js';

/** Buffered bytes (flush_interval > 0) that make an export write them at once and wait for the disk. */
const BUFFER_LIMIT = 64 * 1024;

export interface FileExporterSettings {
  template: string;
  writer: WriterOptions;
  flushIntervalMs: number;
}

export function fileExporterSettings(config: Partial<FileExporterConfig> & Pick<FileExporterConfig, 'path'>): FileExporterSettings {
  const openMode = config.open_mode ?? 'append';
  return {
    template: config.path,
    writer: {
      openMode,
      durability: config.durability ?? 'write',
      maxFrameBytes: config.max_frame_bytes ?? DEFAULT_MAX_FRAME_BYTES,
      tailRecovery: openMode === 'append' ? (config.tail_recovery ?? 'truncate_partial') : undefined,
      createDirectories: config.create_directories ?? false,
      maxSize: parseByteSize(config.rotation?.max_size ?? 0),
      maxFiles: config.rotation?.max_files ?? 5,
    },
    flushIntervalMs: parseDuration(config.flush_interval ?? '0s'),
  };
}

export class FileExporter implements Exporter {
  private readonly paths: Record<Signal, string>;
  private readonly writers: Partial<Record<Signal, SignalWriter>> = {};
  /** flush_interval > 0: lines waiting to be written, per signal. */
  private readonly buffers: Record<Signal, Buffer[]> = { logs: [], traces: [], metrics: [] };
  private bufferedBytes = 0;
  private flushTimer: NodeJS.Timeout | undefined;
  /** The buffered write under way, which the next one waits for. */
  private flushing: Promise<void> = Promise.resolve();
  private ctx: NodeContext | undefined;
  private failures: Episode | undefined;
  private stopped = false;

  constructor(
    private readonly settings: FileExporterSettings,
    placement: Placement = currentPlacement(),
  ) {
    this.paths = { logs: '', traces: '', metrics: '' };
    for (const signal of SIGNALS) this.paths[signal] = renderPath(settings.template, signal, placement);
  }

  /** The file each signal goes to in this instance. */
  pathOf(signal: Signal): string {
    return this.paths[signal];
  }

  async start(ctx: NodeContext): Promise<void> {
    this.ctx = ctx;
    this.failures = new Episode(ctx.logger, 'exporter:file: cannot write: retrying', 'error');
    if (this.settings.writer.createDirectories) return;
    // Files are opened on first use, but a directory that is missing now will be missing then: say so at once.
    for (const signal of SIGNALS) {
      const directory = dirname(this.paths[signal]);
      const problem = await stat(directory).then(
        (s) => (s.isDirectory() ? undefined : 'is not a directory'),
        (error: NodeJS.ErrnoException) => error.message,
      );
      if (problem !== undefined) {
        throw new Error(`exporter:file: the directory of ${this.paths[signal]} cannot be used: ${problem} (it must exist unless create_directories is true)`);
      }
    }
  }

  async export(pdata: PData): Promise<ExportResult> {
    if (this.stopped) return { kind: 'failure', reason: 'exporter:file is stopped' };
    // Nothing to write: as upstream, an empty message is a success that leaves no line.
    if (pdata.items === 0) return { kind: 'success' };
    const rendered = otlpProtoToJson(pdata.signal, pdata.payload);
    // A payload that does not decode will not decode on a retry either.
    if (!rendered.ok) return { kind: 'failure', reason: rendered.reason };
    const line = Buffer.from(`${JSON.stringify(rendered.json)}\n`);
    const { maxFrameBytes } = this.settings.writer;
    if (line.length > maxFrameBytes) {
      return { kind: 'failure', reason: `exporter:file: the line is ${line.length} bytes, above max_frame_bytes (${maxFrameBytes}): split the batch before this node` };
    }
    if (this.settings.flushIntervalMs === 0) return this.write(pdata.signal, [line]);
    this.buffers[pdata.signal].push(line);
    this.bufferedBytes += line.length;
    if (this.bufferedBytes < BUFFER_LIMIT) {
      this.flushTimer ??= setTimeout(() => void this.flushBuffers(), this.settings.flushIntervalMs);
      return { kind: 'success' };
    }
    // The buffer is full: write it now and wait for the disk, so a slow disk slows the pipeline.
    const failure = await this.flushBuffers();
    return failure === undefined ? { kind: 'success' } : { kind: 'retryable', reason: failure };
  }

  /** Writes what is buffered (flush_interval > 0). */
  async flush(): Promise<void> {
    await this.flushBuffers();
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    await this.flushBuffers();
    this.stopped = true;
    for (const signal of SIGNALS) {
      const writer = this.writers[signal];
      if (writer === undefined) continue;
      delete this.writers[signal];
      try {
        await writer.finalize();
      } catch (error) {
        this.ctx?.logger.error({ err: error, path: this.paths[signal] }, 'exporter:file: syncing the file at stop failed');
      } finally {
        await writer.close().catch(() => undefined);
      }
    }
  }

  private async write(signal: Signal, lines: readonly Buffer[]): Promise<ExportResult> {
    let writer = this.writers[signal];
    if (writer === undefined) {
      try {
        const opened = await SignalWriter.open(this.paths[signal], this.settings.writer);
        writer = opened.writer;
        this.writers[signal] = writer;
        const path = this.paths[signal];
        if (opened.recoveredBytes > 0) this.ctx?.logger.warn({ path, recoveredBytes: opened.recoveredBytes }, 'exporter:file: cut off an incomplete last line');
        this.ctx?.logger.info({ path, signal }, 'exporter:file: file opened');
      } catch (error) {
        return this.failed(signal, `cannot open ${this.paths[signal]}: ${(error as Error).message}`, false);
      }
    }
    const outcome = await writer.append(lines);
    if (outcome.ok) {
      this.failures?.end();
      return { kind: 'success' };
    }
    if (outcome.fatal) {
      // The file may end with part of a line: reopen it next time, and let tail recovery repair it.
      delete this.writers[signal];
      await writer.close().catch(() => undefined);
    }
    return this.failed(signal, outcome.error, outcome.fatal);
  }

  private failed(signal: Signal, reason: string, fatal: boolean): ExportResult {
    const error = new Error(`exporter:file: ${reason}`);
    if (fatal || !this.failures?.inProgress) this.ctx?.reportError(error, fatal);
    this.failures?.hit(0, { signal, reason });
    return { kind: 'retryable', reason: error.message };
  }

  /** Writes every signal's buffered lines; resolves with the first failure's reason, if any (the lines are lost). */
  private flushBuffers(): Promise<string | undefined> {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const run = this.flushing.then(async () => {
      let failure: string | undefined;
      for (const signal of SIGNALS) {
        const lines = this.buffers[signal];
        if (lines.length === 0) continue;
        this.buffers[signal] = [];
        this.bufferedBytes -= lines.reduce((n, l) => n + l.length, 0);
        const result = await this.write(signal, lines);
        if (result.kind !== 'success') {
          failure ??= result.reason;
          this.ctx?.logger.error({ signal, lines: lines.length, reason: result.reason }, 'exporter:file: buffered lines lost');
        }
      }
      return failure;
    });
    this.flushing = run.then(() => undefined);
    return run;
  }
}

export function createFileExporter(_name: string, config: Record<string, unknown>): NodeInstance {
  const settings = fileExporterSettings(config as unknown as FileExporterConfig);
  return { kind: 'exporter', node: new FileExporter(settings) };
}
