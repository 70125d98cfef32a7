// receiver:internal_telemetry: emits the engine's own logs and metrics, which the supervisor sends to this (the
// observability) instance, as OTLP. Logs go out batch by batch as they come, waiting on downstream; what arrives while
// too many batches wait is dropped and counted, so the engine never waits on its own telemetry. Metrics go out every
// `metrics.interval`: the newest snapshot, once (an interval without a new snapshot emits nothing).
import type { Socket } from 'node:net';
import type { NodeContext, NodeInstance, Receiver } from '../../../pipeline/node.js';
import type { PData } from '../../../pipeline/pdata.js';
import type { LogBatch, MetricSnapshot, ObservabilitySettings, TelemetryBatch } from '../../../ipc/telemetry.js';
import { parseDuration } from '../../../config/duration.js';
import { Episode } from '../../../pipeline/episode.js';
import type { InternalTelemetryConfig } from './descriptor.js';
import { encodeLogBatches, encodeMetricScopes } from './encode.js';
import { telemetryFeed, type TelemetryFeed } from './feed.js';
import { applyViews } from './views.js';

type State = 'created' | 'running' | 'draining' | 'stopped';

export class InternalTelemetryReceiver implements Receiver {
  private state: State = 'created';
  private ctx: NodeContext | undefined;
  private settings: ObservabilitySettings | undefined;
  private readonly pending: LogBatch[][] = [];
  private pumping: Promise<void> | null = null;
  private latest: MetricSnapshot | undefined;
  private emitted: MetricSnapshot | undefined;
  private metricsInFlight: Promise<void> | null = null;
  private timer: NodeJS.Timeout | undefined;
  private drops: Episode | undefined;
  private readonly sink = (batch: TelemetryBatch): void => this.take(batch);

  constructor(
    private readonly config: InternalTelemetryConfig,
    private readonly feed: TelemetryFeed = telemetryFeed,
  ) {}

  async start(ctx: NodeContext): Promise<void> {
    if (this.state !== 'created') throw new Error(`internal telemetry receiver: start() in state ${this.state}`);
    const settings = this.feed.attach(this.sink);
    if (!settings) throw new Error('receiver:internal_telemetry runs only in engine.observability.pipeline');
    this.ctx = ctx;
    this.settings = settings;
    this.drops = new Episode(ctx.logger, 'internal telemetry: downstream too slow, dropping log batches');
    this.state = 'running';
    if (this.wants('metrics')) {
      const interval = this.config.metrics.interval ? parseDuration(this.config.metrics.interval) : settings.reportingIntervalMs;
      this.timer = setInterval(() => void this.emitMetrics(), Math.max(1, interval));
      this.timer.unref();
    }
  }

  accept(listenerId: string, socket: Socket): void {
    socket.destroy();
    throw new Error(`internal telemetry receiver has no listeners (was handed a connection for ${listenerId})`);
  }

  /** Emits what it holds (the logs waiting, the newest metrics not yet sent), until the deadline. */
  async drain(deadline: number = Number.POSITIVE_INFINITY): Promise<void> {
    if (this.state !== 'running') return;
    this.state = 'draining';
    this.feed.detach(this.sink);
    clearInterval(this.timer);
    const work = (async () => {
      await this.metricsInFlight;
      await this.emitMetrics();
      await this.pumping;
    })();
    if (!Number.isFinite(deadline)) return work;
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.max(0, deadline - Date.now()))));
    await Promise.race([work, expired]);
    clearTimeout(timer);
  }

  async stop(): Promise<void> {
    this.state = 'stopped';
    this.feed.detach(this.sink);
    clearInterval(this.timer);
    this.pending.length = 0;
  }

  private wants(signal: 'logs' | 'metrics'): boolean {
    return this.config.signals.includes(signal);
  }

  private take(batch: TelemetryBatch): void {
    if (this.state !== 'running') return;
    if (batch.metrics && this.wants('metrics')) this.latest = batch.metrics;
    if (!batch.logs || batch.logs.length === 0 || !this.wants('logs')) return;
    if (this.pending.length >= (this.settings?.maxPendingBatches ?? 1)) {
      const items = batch.logs.reduce((n, b) => n + b.lines.length, 0);
      this.ctx?.recordDropped?.({ signal: 'logs', payload: new Uint8Array(0), items });
      this.drops?.hit(items);
      return;
    }
    this.pending.push(batch.logs);
    this.pumping ??= this.pump().finally(() => (this.pumping = null));
  }

  private async pump(): Promise<void> {
    for (let batches = this.pending.shift(); batches !== undefined; batches = this.pending.shift()) {
      if (this.state === 'stopped') return;
      const pdata = this.encode(() => encodeLogBatches(this.settings!.resource, batches));
      if (pdata && !(await this.send(pdata))) return;
      if (this.pending.length === 0) this.drops?.end();
    }
  }

  private emitMetrics(): Promise<void> {
    const snapshot = this.latest;
    if (this.metricsInFlight || !snapshot || snapshot === this.emitted || this.state === 'stopped') return this.metricsInFlight ?? Promise.resolve();
    this.emitted = snapshot;
    const pdata = this.encode(() =>
      encodeMetricScopes(this.settings!.resource, applyViews(snapshot.scopes, this.config.metrics.views), snapshot),
    );
    if (!pdata) return Promise.resolve();
    this.metricsInFlight = this.send(pdata).then(
      () => undefined,
      () => undefined,
    );
    return this.metricsInFlight.finally(() => (this.metricsInFlight = null));
  }

  /** A builder error is a bug: reported once per occurrence, and that batch is lost rather than the receiver. */
  private encode(build: () => PData | undefined): PData | undefined {
    try {
      return build();
    } catch (error) {
      this.ctx?.reportError(error as Error, false);
      return undefined;
    }
  }

  /** False when downstream is gone (the pipeline is stopping). */
  private async send(pdata: PData): Promise<boolean> {
    try {
      await this.ctx!.emit(pdata);
      return true;
    } catch {
      return false;
    }
  }
}

export function createInternalTelemetryReceiver(_name: string, config: Record<string, unknown>): NodeInstance {
  return { kind: 'receiver', node: new InternalTelemetryReceiver(config as unknown as InternalTelemetryConfig) };
}
