// A pino destination that hands log lines to the engine's observability pipeline instead of a console. Lines wait in a
// bounded buffer and leave in batches, one batch in flight at a time; a line that finds the buffer full is dropped and
// counted, never waited for: a process must not slow down or grow because its own telemetry cannot keep up.
import type { DestinationStream } from 'pino';

/** How long a lone line may wait for company before it leaves. */
export const FLUSH_DELAY_MS = 100;

export type DeliverLines = (lines: string[], dropped: number) => Promise<void>;

export class LogForwarder implements DestinationStream {
  private pending: string[] = [];
  private dropped = 0;
  private inFlight: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly maxPending: number,
    private readonly deliver: DeliverLines,
    private readonly delayMs = FLUSH_DELAY_MS,
  ) {}

  write(line: string): void {
    if (this.pending.length >= this.maxPending) {
      this.dropped++;
      return;
    }
    this.pending.push(line.endsWith('\n') ? line.slice(0, -1) : line);
    if (this.pending.length >= Math.max(1, this.maxPending >> 1)) this.kick();
    else this.timer ??= setTimeout(() => this.kick(), this.delayMs).unref();
  }

  /** Sends whatever waits now, and resolves once it has left (before a process exits). */
  async flush(): Promise<void> {
    while (this.inFlight || this.pending.length > 0 || this.dropped > 0) {
      this.kick();
      await this.inFlight;
    }
  }

  private kick(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.inFlight || (this.pending.length === 0 && this.dropped === 0)) return;
    const lines = this.pending;
    const dropped = this.dropped;
    this.pending = [];
    this.dropped = 0;
    this.inFlight = this.deliver(lines, dropped)
      .catch(() => undefined)
      .finally(() => {
        this.inFlight = null;
        if (this.pending.length > 0) this.kick();
      });
  }
}
