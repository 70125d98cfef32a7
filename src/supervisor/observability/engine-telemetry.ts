// The engine's own telemetry as `engine.telemetry` and `engine.observability` configure it. It decides where each log
// source writes (the supervisor's `global` and `admin` loggers here, the instances through their spec), and, when an
// observability pipeline is configured, runs it as instance `system/observability` on one core: started before the
// regular pipelines and drained after them, so that it sees their first and last lines. It is not a pipeline of the
// config (no status entry, no admin operation): the engine owns it, as upstream's does. Without engine.observability
// nothing runs and no line goes anywhere but the console.
import type { ComponentCatalog } from '../../config/catalog.js';
import type { DestinationStream, Logger } from 'pino';
import { Counter, type Registry } from 'prom-client';
import type { EngineConfig } from '../../config/types.js';
import type { LogSource } from '../../config/types.js';
import { resolveTelemetrySettings, type TelemetrySettings } from '../../config/telemetry-settings.js';
import { checkObservability, INTERNAL_TELEMETRY_URN, OBSERVABILITY_GROUP, OBSERVABILITY_PIPELINE } from '../../config/observability.js';
import type { InstanceTelemetry, ProviderMode } from '../../ipc/telemetry.js';
import type { LogFormat } from '../../util/logger.js';
import type { CounterLedger } from '../counter-ledger.js';
import type { InstanceProcess } from '../instance-process.js';
import type { ListenerTable } from '../listener-table.js';
import { InstanceLauncher } from '../instance-launcher.js';
import { PipelineRunner } from '../pipeline-runner.js';
import type { ProcessStats } from '../process-stats.js';
import { MetricSnapshots } from './metric-snapshot.js';
import { detectResource } from './resource.js';
import { TelemetryHub } from './telemetry-hub.js';
import { LogTap } from './log-tap.js';

/** Log batches the receiver holds while its downstream is slow. */
const RECEIVER_PENDING_BATCHES = 64;
/** The observability pipeline runs one generation for the engine's lifetime (engine section changes need a restart). */
const GENERATION = 1;

export interface TelemetryStartDeps {
  listeners: ListenerTable;
  stats: ProcessStats;
  ledger: CounterLedger;
  /** The engine's Prometheus registry: the `otap_engine` metric set is read from it, and the hub's counters added. */
  registry: Registry;
  logger: Logger;
  availableCores: readonly number[];
  catalog: ComponentCatalog;
  heartbeatIntervalMs: number;
  stabilisationMs: number;
}

export class EngineTelemetry {
  readonly settings: TelemetrySettings;
  /** engine.telemetry.logs.tap: the recent lines `GET /api/v1/telemetry/logs` answers with; null when off. */
  readonly tap: LogTap | null;
  private readonly hub: TelemetryHub | null;
  private runner: PipelineRunner | null = null;
  private metricsTimer: NodeJS.Timeout | null = null;
  private snapshots: MetricSnapshots | null = null;
  private stopping: Promise<void> | null = null;

  /** `cli.logLevel`: `--log-level` when given; it wins over engine.telemetry.logs.level. */
  constructor(
    private readonly config: EngineConfig,
    private readonly cli: { logLevel?: string | undefined; logFormat: LogFormat },
  ) {
    this.settings = resolveTelemetrySettings(config.engine?.telemetry, cli.logLevel);
    this.hub = config.engine?.observability ? new TelemetryHub(this.settings.reportingChannelSize) : null;
    this.tap = this.settings.tap ? new LogTap(this.settings.tap) : null;
  }

  get logLevel(): string {
    return this.settings.level;
  }

  /** The mode a source's lines take: `its` means the console when there is no observability pipeline to take them. */
  mode(source: LogSource): ProviderMode {
    const mode = this.settings.providers[source];
    return mode === 'its' && !this.hub ? 'console_async' : mode;
  }

  /** Where a supervisor logger writes; undefined: the console, written as lines come (the engine's default). */
  loggerDestination(source: 'global' | 'admin'): DestinationStream | undefined {
    switch (this.mode(source)) {
      case 'console_direct':
      case 'console_async':
        // Both are the console written from the event loop, in either format (createLogger).
        return undefined;
      case 'noop':
        return { write: () => undefined };
      case 'its':
        return this.hub!.destination(source === 'admin' ? 'admin' : 'controller');
    }
  }

  /** What the tap keeps of a supervisor logger's lines (each line as written); undefined: nothing. */
  tapOf(source: 'global' | 'admin'): ((line: string) => void) | undefined {
    const tap = this.tap;
    if (!tap || this.mode(source) === 'noop') return undefined;
    const origin = source === 'admin' ? 'admin' : 'controller';
    return (line) => tap.record(line, origin);
  }

  /** What the instances of regular pipelines are told (provider `engine`); undefined: the console, as before. */
  pipelineInstances(): InstanceTelemetry | undefined {
    const logs = this.mode('engine');
    return logs === 'console_direct' ? undefined : { logs, maxPendingLines: this.settings.reportingChannelSize };
  }

  /** Takes the lines instances send; undefined when no instance is told to send any. */
  get instanceLogs(): ((lines: string[], dropped: number) => void) | undefined {
    const hub = this.hub;
    const tap = this.tap;
    if (!hub || !tap) return hub?.instanceLines;
    return (lines, dropped) => {
      for (const line of lines) tap.record(line, 'pipeline');
      tap.countDropped(dropped);
      hub.instanceLines(lines, dropped);
    };
  }

  async start(deps: TelemetryStartDeps): Promise<void> {
    const hub = this.hub;
    if (!hub) return;
    const logger = deps.logger.child({ group: OBSERVABILITY_GROUP, pipeline: OBSERVABILITY_PIPELINE });
    hub.useLogger(logger);
    this.registerCounters(deps.registry, hub);
    const effective = checkObservability(this.config, { availableCores: deps.availableCores, catalog: deps.catalog }).effective;
    if (!effective) {
      // The config was validated before the engine started: this is a bug, and the engine runs on without it.
      logger.error('the observability pipeline did not validate at start: engine logs routed to it go to the console');
      hub.close();
      return;
    }
    const receiver = effective.nodes.find((node) => node.urn === INTERNAL_TELEMETRY_URN);
    const signals = (receiver?.config.signals as string[] | undefined) ?? [];
    const settings = this.settings;
    const runner = new PipelineRunner(effective, GENERATION, {
      listeners: deps.listeners,
      stats: deps.stats,
      ledger: deps.ledger,
      logger,
      launcher: new InstanceLauncher({
        heartbeatIntervalMs: deps.heartbeatIntervalMs,
        logLevel: settings.level,
        logFormat: this.cli.logFormat,
        telemetry: {
          // Validation keeps `internal` off `its`: the pipeline's own lines never come back to it.
          logs: this.mode('internal'),
          maxPendingLines: settings.reportingChannelSize,
          observability: {
            resource: detectResource(settings.detectors, settings.resource),
            reportingIntervalMs: settings.reportingIntervalMs,
            maxPendingBatches: RECEIVER_PENDING_BATCHES,
          },
        },
      }),
      stabilisationMs: deps.stabilisationMs,
    });
    this.runner = runner;
    hub.connect((batch) => this.serving()?.sendTelemetry(batch) ?? Promise.resolve(false));
    await runner.start().catch((error: unknown) => logger.error({ err: error }, 'the observability pipeline failed to start'));
    if (!this.serving()) logger.error('the observability pipeline is not running: engine telemetry waits for it (bounded) and is dropped past that');
    if (signals.includes('metrics')) {
      const snapshots = new MetricSnapshots({ registry: deps.registry, ledger: deps.ledger, stats: deps.stats, startTimeMs: Date.now() });
      this.snapshots = snapshots;
      let taking = false;
      this.metricsTimer = setInterval(() => {
        if (taking) return;
        taking = true;
        void this.sendSnapshot().finally(() => (taking = false));
      }, settings.reportingIntervalMs);
      this.metricsTimer.unref();
    }
  }

  /** After the regular pipelines drained: a last metric snapshot, the lines still waiting, then the pipeline itself. */
  stop(deadlineMs: number): Promise<void> {
    this.stopping ??= (async () => {
      if (this.metricsTimer) clearInterval(this.metricsTimer);
      if (!this.hub || !this.runner) {
        this.hub?.close();
        return;
      }
      // Bounded: an instance that stopped reading must not hold the engine's shutdown.
      await Promise.race([this.sendSnapshot(), new Promise((resolve) => setTimeout(resolve, Math.max(0, deadlineMs - Date.now())).unref())]);
      await this.hub.flush(deadlineMs);
      this.hub.close();
      await this.runner.drain(deadlineMs);
    })();
    return this.stopping;
  }

  killAll(): void {
    this.runner?.killAll();
  }

  private serving(): InstanceProcess | undefined {
    return this.runner?.servingInstance();
  }

  private async sendSnapshot(): Promise<void> {
    if (!this.snapshots || !this.hub) return;
    try {
      await this.hub.sendMetrics(await this.snapshots.take());
    } catch {
      // A snapshot that cannot be taken or handed over is replaced by the next one (the counts are cumulative).
    }
  }

  private registerCounters(registry: Registry, hub: TelemetryHub): void {
    const counter = (name: string, help: string, read: () => number) =>
      new Counter({
        name,
        help,
        registers: [registry],
        collect() {
          this.reset();
          this.inc(read());
        },
      });
    counter('otap_internal_telemetry_log_lines_forwarded_total', 'Engine log lines handed to the observability pipeline.', () => hub.stats.forwardedLines);
    counter(
      'otap_internal_telemetry_log_lines_dropped_total',
      'Engine log lines dropped because the observability pipeline could not take them in time.',
      () => hub.stats.droppedLines,
    );
    counter('otap_internal_telemetry_metric_snapshots_total', 'Metric snapshots handed to the observability pipeline.', () => hub.stats.metricSnapshots);
  }
}
