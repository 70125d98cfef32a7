// One syslog TCP connection: frames → records → a batch of its own (as upstream batches per connection). A batch is
// handed on with `emit`, and the socket is paused until downstream took it: a full pipeline stops reading, and the
// client's sends back up in TCP instead of data being dropped. Drain sends FIN, keeps reading what the client still
// sends for a short grace, then flushes and closes; the client reconnects to a serving instance.
import type { Socket } from 'node:net';
import type { NodeContext } from '../../../pipeline/node.js';
import { RecordBatch, type BatchSettings } from './batch.js';
import { SyslogFramer } from './framing.js';
import type { SyslogIntake } from './intake.js';

/** Upstream waits at most this long for connections to finish at drain. */
const MAX_DRAIN_GRACE_MS = 1000;

export class SyslogTcpConnection {
  private readonly framer = new SyslogFramer();
  private readonly batch: RecordBatch;
  private flushing = false;
  private dueWhileFlushing = false;
  private ended = false;
  /** Drain ran out of time: a last line without newline is not a message. */
  private partialDropped = false;
  private closed = false;
  private resolveClosed!: () => void;
  readonly done: Promise<void> = new Promise((resolve) => (this.resolveClosed = resolve));

  constructor(
    private readonly socket: Socket,
    private readonly ctx: NodeContext,
    private readonly intake: SyslogIntake,
    settings: BatchSettings,
  ) {
    this.batch = new RecordBatch(settings, () => this.onDue());
    intake.stats.tcp_connections_active++;
    socket.on('data', (chunk: Buffer) => {
      this.framer.push(chunk);
      this.pump();
    });
    socket.on('end', () => {
      this.ended = true;
      this.pump();
    });
    // A reset or a read error: what was framed so far still goes on.
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.ended = true;
      this.pump();
    });
    socket.resume();
  }

  /** Polite close: FIN now, then read until the client closes or the grace is over, flush, close. */
  async drain(deadlineMs: number): Promise<void> {
    if (this.closed) return;
    this.socket.end();
    const grace = Math.max(0, Math.min(MAX_DRAIN_GRACE_MS, (deadlineMs - Date.now()) * 0.9));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.done, new Promise<void>((resolve) => (timer = setTimeout(resolve, grace)))]);
    clearTimeout(timer);
    if (!this.closed) {
      // Out of time: complete frames already read go on; a partial last line is not a message.
      this.socket.pause();
      this.ended = true;
      this.partialDropped = true;
      this.pump();
    }
    const left = Math.max(0, deadlineMs - Date.now());
    await Promise.race([this.done, new Promise<void>((resolve) => (timer = setTimeout(resolve, left)))]);
    clearTimeout(timer);
  }

  /** Immediate: whatever is not handed on yet is lost. */
  destroy(): void {
    this.socket.destroy();
    this.close();
  }

  private pump(): void {
    while (!this.flushing && !this.closed) {
      const frame = this.framer.next();
      if (frame === undefined) break;
      this.add(frame.bytes, frame.truncated);
      if (this.batch.full) void this.flush(true);
    }
    if (!this.flushing && !this.closed && this.ended) void this.finish();
  }

  private add(bytes: Buffer, truncated: boolean): void {
    const record = this.intake.admit(bytes, truncated);
    if (record !== undefined) this.batch.add(record);
  }

  private onDue(): void {
    if (this.flushing) this.dueWhileFlushing = true;
    else void this.flush(false);
  }

  private async flush(bySize: boolean): Promise<void> {
    const pdata = this.batch.take(bySize);
    if (pdata === undefined) return;
    this.flushing = true;
    this.socket.pause();
    try {
      await this.ctx.emit(pdata);
      this.intake.forwarded(pdata.items);
    } catch (error) {
      // Downstream closed: the pipeline is going away.
      this.intake.forwardFailed(pdata.items, (error as Error).message);
    } finally {
      this.flushing = false;
    }
    if (this.closed) return;
    if (!this.ended) this.socket.resume();
    if (this.dueWhileFlushing) {
      this.dueWhileFlushing = false;
      this.batch.rearm();
    }
    this.pump();
  }

  /** End of input: the last line without newline is a message too (unless drain ran out of time), then a last flush. */
  private finish(): Promise<void> | undefined {
    const last = this.framer.finish();
    if (last && !this.partialDropped) this.add(last.bytes, last.truncated);
    // The flush pumps again when done, which comes back here with nothing left.
    if (this.batch.size > 0) return this.flush(false);
    this.socket.destroy();
    this.close();
    return undefined;
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    this.batch.close();
    this.intake.stats.tcp_connections_active--;
    this.resolveClosed();
  }
}
