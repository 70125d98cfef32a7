// Where the engine's telemetry enters the observability instance. The instance's IPC handler delivers each batch the
// supervisor sends here, and the receiver takes them from here: one per process, since an instance hosts one pipeline
// and the engine has one observability pipeline. Batches that arrive before the receiver started wait, a few at most.
import type { ObservabilitySettings, TelemetryBatch } from '../../../ipc/telemetry.js';

/** Batches kept while no receiver is attached (between the instance's start and its receiver's). */
const EARLY_BATCHES = 16;

export type TelemetrySink = (batch: TelemetryBatch) => void;

export class TelemetryFeed {
  private settings: ObservabilitySettings | undefined;
  private sink: TelemetrySink | undefined;
  private early: TelemetryBatch[] = [];
  /** Batches that found neither a receiver nor room to wait. */
  dropped = 0;

  /** Set by the instance from its spec: only the observability instance has settings. */
  configure(settings: ObservabilitySettings | undefined): void {
    this.settings = settings;
  }

  deliver(batch: TelemetryBatch): void {
    if (this.sink) this.sink(batch);
    else if (this.early.length < EARLY_BATCHES) this.early.push(batch);
    else this.dropped++;
  }

  /** Connects the receiver; undefined when this instance is not the engine's observability pipeline. */
  attach(sink: TelemetrySink): ObservabilitySettings | undefined {
    if (!this.settings) return undefined;
    this.sink = sink;
    const waiting = this.early;
    this.early = [];
    for (const batch of waiting) sink(batch);
    return this.settings;
  }

  detach(sink: TelemetrySink): void {
    if (this.sink === sink) this.sink = undefined;
  }
}

export const telemetryFeed = new TelemetryFeed();
