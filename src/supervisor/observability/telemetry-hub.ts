// The supervisor's side of the engine's own telemetry: every log line routed to `its` (the supervisor's own, its admin
// API's, and those instances send) waits here, bounded, and leaves in batches for the observability instance, one batch
// in flight at a time. A line that finds no room is dropped and counted; nothing here ever waits for room, so the
// engine never slows down for its own telemetry. Lines never loop: the observability instance's own lines are not
// routed here (its provider, `internal`, cannot be `its`), and the hub writes one warning per episode of drops.
// Before the observability instance runs, lines wait (bounded); once the hub is closed, they go to the console.
import type { DestinationStream, Logger } from 'pino';
import type { LogBatch, LogOrigin, MetricSnapshot, TelemetryBatch } from '../../ipc/telemetry.js';
import { Episode } from '../../pipeline/episode.js';
import { guardedStdout } from '../../util/stdio.js';

/** How long a lone line may wait for company before it leaves. */
const FLUSH_DELAY_MS = 100;
/** How soon to try again when the observability instance could not take a batch (starting, restarting). */
const RETRY_DELAY_MS = 250;

export type TelemetryTarget = (batch: TelemetryBatch) => Promise<boolean>;

export interface HubStats {
  /** Log lines handed to the observability instance. */
  forwardedLines: number;
  /** Log lines dropped for want of room, here or in the instance that wrote them. */
  droppedLines: number;
  /** Metric snapshots handed to the observability instance. */
  metricSnapshots: number;
}

export class TelemetryHub {
  readonly stats: HubStats = { forwardedLines: 0, droppedLines: 0, metricSnapshots: 0 };
  private pending: LogBatch[] = [];
  private pendingLines = 0;
  /** The batch being handed over; resolves whether the instance took it. */
  private inFlight: Promise<boolean> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private target: TelemetryTarget | null = null;
  private closed = false;
  private drops: Episode | undefined;

  constructor(
    private readonly maxPendingLines: number,
    /** Where lines go once the hub is closed (the engine is stopping, or has no running observability pipeline). */
    private readonly console: (line: string) => void = (line) => void guardedStdout().write(`${line}\n`),
  ) {}

  /** A pino destination for the supervisor's own loggers. */
  destination(origin: Exclude<LogOrigin, 'pipeline'>): DestinationStream {
    return { write: (line: string) => this.push(origin, [line.endsWith('\n') ? line.slice(0, -1) : line], 0) };
  }

  /** What instances send (`logs` messages). */
  readonly instanceLines = (lines: string[], dropped: number): void => this.push('pipeline', lines, dropped);

  /** The drops episode logs through the supervisor's logger, which may itself write here (its lines are then dropped). */
  useLogger(logger: Logger): void {
    this.drops = new Episode(logger, 'engine telemetry: the observability pipeline cannot keep up, dropping log lines');
  }

  connect(target: TelemetryTarget): void {
    this.target = target;
    this.kick();
  }

  /** A snapshot is not queued: if it cannot be handed over now, the next one (cumulative) replaces it. */
  async sendMetrics(snapshot: MetricSnapshot): Promise<boolean> {
    if (!this.target || this.closed) return false;
    const ok = await this.target({ metrics: snapshot });
    if (ok) this.stats.metricSnapshots++;
    return ok;
  }

  /**
   * Hands over every line waiting, until `deadlineMs`. Gives up at the first batch the instance cannot take: a stopping
   * engine does not wait for an observability pipeline that is not running.
   */
  async flush(deadlineMs: number): Promise<void> {
    while ((this.pendingLines > 0 || this.inFlight) && this.target && !this.closed && Date.now() < deadlineMs) {
      this.kick();
      const taken = await Promise.race([this.inFlight ?? Promise.resolve(false), delay(Math.max(0, deadlineMs - Date.now())).then(() => false)]);
      if (!taken) return;
    }
  }

  /** From now on lines go to the console; those still waiting go there first. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const batch of this.pending) for (const line of batch.lines) this.console(line);
    this.pending = [];
    this.pendingLines = 0;
  }

  private push(origin: LogOrigin, lines: readonly string[], droppedUpstream: number): void {
    if (this.closed) {
      for (const line of lines) this.console(line);
      return;
    }
    const room = Math.max(0, this.maxPendingLines - this.pendingLines);
    const taken = lines.length <= room ? lines : lines.slice(0, room);
    if (taken.length > 0) {
      const last = this.pending.at(-1);
      if (last && last.origin === origin) last.lines.push(...taken);
      else this.pending.push({ origin, lines: [...taken] });
      this.pendingLines += taken.length;
    }
    this.schedule();
    // Counted and reported last: the warning may come back through push() itself.
    const dropped = droppedUpstream + lines.length - taken.length;
    if (dropped > 0) {
      this.stats.droppedLines += dropped;
      this.drops?.hit(dropped);
    }
  }

  private schedule(delayMs = FLUSH_DELAY_MS): void {
    if (this.inFlight || this.pendingLines === 0) return;
    if (this.pendingLines >= this.maxPendingLines / 2) this.kick();
    else this.timer ??= setTimeout(() => this.kick(), delayMs).unref();
  }

  private kick(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const target = this.target;
    if (!target || this.inFlight || this.pendingLines === 0 || this.closed) return;
    const batches = this.pending;
    const lines = this.pendingLines;
    this.pending = [];
    this.pendingLines = 0;
    this.inFlight = target({ logs: batches })
      .catch(() => false)
      .then((ok) => {
        this.inFlight = null;
        if (ok) {
          this.stats.forwardedLines += lines;
          if (this.pendingLines === 0) this.drops?.end();
          this.schedule();
        } else {
          this.putBack(batches, lines);
          if (!this.closed) this.timer ??= setTimeout(() => this.kick(), RETRY_DELAY_MS).unref();
        }
        return ok;
      });
  }

  /** A batch the instance could not take goes back in front; what no longer fits (newest first) is dropped. */
  private putBack(batches: LogBatch[], lines: number): void {
    if (this.closed) {
      for (const batch of batches) for (const line of batch.lines) this.console(line);
      return;
    }
    this.pending = [...batches, ...this.pending];
    this.pendingLines += lines;
    let excess = this.pendingLines - this.maxPendingLines;
    if (excess <= 0) return;
    this.stats.droppedLines += excess;
    const dropped = excess;
    while (excess > 0) {
      const last = this.pending.at(-1)!;
      const cut = Math.min(excess, last.lines.length);
      last.lines.length -= cut;
      excess -= cut;
      if (last.lines.length === 0) this.pending.pop();
    }
    this.pendingLines = this.maxPendingLines;
    this.drops?.hit(dropped);
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
