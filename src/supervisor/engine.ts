// The composition root: one engine owns the listener table, the process sampler, the runtime manager (a runner per
// pipeline and the operations that change them) and the admin API, and is the only place that knows how they fit.
import type { Logger } from 'pino';
import type { CoreAllocation } from '../config/types.js';
import type { EngineConfig } from '../config/types.js';
import type { EffectivePipeline } from '../config/effective.js';
import type { ComponentCatalog } from '../config/catalog.js';
import type { LogFormat } from '../util/logger.js';
import { startAdminServer } from '../admin/server.js';
import type { AdminTokenSource } from '../admin/auth.js';
import type { AdminTokenOrigin } from '../admin/auth-settings.js';
import type { AdminTls } from '../admin/tls-settings.js';
import { InstanceLauncher } from './instance-launcher.js';
import { ListenerTable } from './listener-table.js';
import { ProcessStats } from './process-stats.js';
import { RuntimeManager, type PipelineDrainResult } from './runtime-manager.js';
import { Reconciler } from './reconcile.js';
import { ConfigReloader } from './config-reload.js';
import { CounterLedger } from './counter-ledger.js';
import { EngineMetrics } from './engine-metrics.js';
import { EngineAdminBackend } from './engine-admin-backend.js';
import { notifyReady, notifyStopping } from './sd-notify.js';
import type { OpampAgents } from '../opamp/index.js';
import { opampExtensions } from '../config/controller.js';
import type { EngineTelemetry } from './observability/engine-telemetry.js';
import { AdminTelemetry } from './observability/admin-telemetry.js';
import type { StateStore } from '../state/state-store.js';
import type { CommitSink } from './state-persistence.js';

export interface EngineSettings {
  config: EngineConfig;
  /** Where the config came from (`--config`, or the embedded default): a reload reads it again. */
  configSource: string;
  pipelines: EffectivePipeline[];
  availableCores: number[];
  /** The node and extension types configs may use: every later validation (PUT, reconcile, reload) uses them too. */
  catalog: ComponentCatalog;
  /** `--num-cores` / `--core-id-range`: the top-level core allocation a reload applies to the re-read file too. */
  coreAllocationOverride?: CoreAllocation;
  adminBind: string;
  /** The admin API's token (none: open, which the CLI allows only on loopback or when told to). */
  adminAuth?: { source: AdminTokenSource | undefined; tokenOrigin: AdminTokenOrigin };
  /** The admin API over HTTPS (engine.http_admin.tls, its files already read). */
  adminTls?: AdminTls;
  logger: Logger;
  logLevel: string;
  logFormat: LogFormat;
  heartbeatIntervalMs?: number;
  /** How long a new instance must stay up after ready before a rollout trusts it. */
  stabilisationMs?: number;
  /** engine.telemetry and engine.observability: where logs go, and the observability pipeline if there is one. */
  telemetry?: EngineTelemetry;
  /** The admin API's logger when its lines go elsewhere than the supervisor's (engine.telemetry.logs.providers.admin). */
  adminLogger?: Logger;
  /** The config that runs as the operator wrote it (`${env:…}` references kept); the config itself when absent. */
  written?: Record<string, unknown>;
  /** With a state dir: its store (every committed change is written there) and the pipelines to keep stopped at boot. */
  state?: { store: StateStore; stopped: ReadonlySet<string> };
}

/** The state file's writer as the runtime manager sees it: the committed config and the stopped pipelines. */
function commitSinkOf(store: StateStore): CommitSink {
  return {
    write: (config, stopped) =>
      store.update((state) => {
        state.config = config;
        state.stopped = stopped;
      }),
    ensureWritable: () => store.ensureWritable(),
  };
}

export class Engine {
  readonly listeners: ListenerTable;
  readonly stats = new ProcessStats();
  readonly ledger = new CounterLedger();
  readonly metrics: EngineMetrics;
  readonly manager: RuntimeManager;
  readonly reconciler: Reconciler;
  private readonly reloader: ConfigReloader;
  private admin: { address: string; url: string; close(): Promise<void> } | null = null;
  /** The OpAMP agents of engine.controller.extensions: another front end of the same commands as the admin API. */
  private opamp: OpampAgents | null = null;
  private markBooted!: () => void;
  /** Settles when start() has ended, however it ended. */
  private readonly booted = new Promise<void>((resolve) => (this.markBooted = resolve));
  private stopping: Promise<void> | null = null;
  private draining: Promise<PipelineDrainResult[]> | null = null;
  private markStopped!: (exitCode: number) => void;
  /** Settles with the exit code once a shutdown has ended, whoever asked for it (a signal or the admin API). */
  readonly stopped = new Promise<number>((resolve) => (this.markStopped = resolve));

  constructor(private readonly settings: EngineSettings) {
    this.listeners = new ListenerTable({ logger: settings.logger.child({ component: 'listeners' }) });
    this.metrics = new EngineMetrics(() => this.manager, this.ledger);
    this.manager = new RuntimeManager(structuredClone(settings.config), settings.availableCores, {
      listeners: this.listeners,
      stats: this.stats,
      ledger: this.ledger,
      operations: this.metrics,
      catalog: settings.catalog,
      logger: settings.logger,
      ...(settings.written !== undefined ? { source: settings.written } : {}),
      ...(settings.state !== undefined ? { sink: commitSinkOf(settings.state.store) } : {}),
      launcher: new InstanceLauncher({
        heartbeatIntervalMs: settings.heartbeatIntervalMs ?? 5000,
        logLevel: settings.logLevel,
        logFormat: settings.logFormat,
        telemetry: settings.telemetry?.pipelineInstances(),
        instanceLogs: settings.telemetry?.instanceLogs,
      }),
      stabilisationMs: settings.stabilisationMs ?? 500,
    });
    this.reconciler = new Reconciler(this.manager, (status) => this.metrics.reconcileFinished(status));
    this.reloader = new ConfigReloader({
      source: settings.configSource,
      reconciler: this.reconciler,
      availableCores: settings.availableCores,
      catalog: settings.catalog,
      ...(settings.coreAllocationOverride ? { coreAllocationOverride: settings.coreAllocationOverride } : {}),
      engineSection: () => settings.config.engine,
      requireWrittenForm: settings.state !== undefined,
      stopping: () => this.stopping !== null,
      logger: settings.logger.child({ component: 'reload' }),
    });
  }

  /** Starts the admin API (first, so that its address is the first thing logged), then every pipeline. */
  async start(): Promise<void> {
    try {
      await this.startAll();
    } finally {
      this.markBooted();
    }
  }

  private async startAll(): Promise<void> {
    const { logger } = this.settings;
    // Read before anything listens: a certificate or token file an OpAMP agent cannot use stops the start.
    // The OpAMP client (its WebSocket stack and protobuf messages) is loaded only where an extension configures it.
    const opampModule = opampExtensions(this.settings.config).length > 0 ? await import('../opamp/index.js') : undefined;
    const opampAgents = (await opampModule?.loadOpampAgents(this.settings.config, this.settings.state?.store)) ?? [];
    const backend = new EngineAdminBackend(this.manager, this.reconciler, (deadlineMs) => this.stopFromApi(deadlineMs));
    this.admin = await startAdminServer({
      backend,
      bind: this.settings.adminBind,
      logger: (this.settings.adminLogger ?? logger).child({ component: 'admin' }),
      metrics: this.metrics,
      telemetry: new AdminTelemetry(
        { registry: this.metrics.registry, ledger: this.ledger, stats: this.stats, startTimeMs: Date.now() },
        this.settings.telemetry?.tap ?? null,
      ),
      ...(this.settings.adminAuth?.source !== undefined ? { auth: this.settings.adminAuth.source } : {}),
      ...(this.settings.adminTls !== undefined ? { tls: this.settings.adminTls } : {}),
    });
    const authentication = this.settings.adminAuth?.tokenOrigin ?? 'none';
    const { adminTls } = this.settings;
    const tls = adminTls === undefined ? 'off' : adminTls.clientCa === undefined ? 'on' : 'mutual';
    logger.info({ address: this.admin.address, url: this.admin.url, authentication, tls }, 'admin listening');
    this.stats.start();
    // The observability pipeline first: it takes the regular pipelines' telemetry from their first line.
    const telemetry = this.settings.telemetry;
    await this.manager.boot(this.settings.pipelines, async () =>
      telemetry?.start({
        listeners: this.listeners,
        stats: this.stats,
        ledger: this.ledger,
        registry: this.metrics.registry,
        logger,
        availableCores: this.settings.availableCores,
        catalog: this.settings.catalog,
        heartbeatIntervalMs: this.settings.heartbeatIntervalMs ?? 5000,
        stabilisationMs: this.settings.stabilisationMs ?? 500,
      }),
      this.settings.state?.stopped,
    );
    const runners = [...this.manager.runners.values()];
    const ready = runners.filter((runner) => runner.status().deploymentStatus === 'running').length;
    logger.info({ pipelines: runners.length, ready }, 'engine started');
    // After the boot, so that the first report shows every pipeline and a remote config never races a first start.
    if (opampModule && opampAgents.length > 0 && !this.stopping) this.opamp = opampModule.startOpampAgents(opampAgents, backend, logger, this.settings.state?.store);
    // systemd waits for this: sent once every pipeline has had its first start, with the outcome in STATUS.
    await notifyReady(`${ready} of ${runners.length} pipelines running`);
  }

  get adminAddress(): string | null {
    return this.admin?.address ?? null;
  }

  /** Re-reads the config source and reconciles to it (SIGHUP). Ignored once shutting down. */
  /**
   * Re-reads the config source and reconciles to it (SIGHUP). One that arrives while the engine boots waits for every
   * pipeline's first start: planning against runners still starting would race them. Ignored once shutting down.
   */
  async reload(): Promise<void> {
    await this.booted;
    if (this.stopping) {
      this.settings.logger.warn('reload requested during shutdown: ignored');
      return;
    }
    await this.reloader.request();
  }

  /** Drains every pipeline (receivers first) until `deadlineMs`, then closes the admin API. Idempotent. */
  shutdown(deadlineMs: number): Promise<void> {
    this.stopping ??= (async () => {
      // Told, not awaited: a stuck notify helper must never delay the drain.
      void notifyStopping();
      this.settings.logger.info('draining all pipelines');
      // Alongside the drain: the agents stop taking remote configs at once, and their goodbye (bounded by their
      // shutdown_timeout) must not delay it.
      const opampStopped = this.opamp?.stop();
      await this.drainEverything(deadlineMs);
      await opampStopped;
      this.listeners.close();
      this.stats.stop();
      await this.admin?.close();
      this.settings.logger.info('engine stopped');
    })();
    this.stopping.then(
      () => this.markStopped(0),
      () => this.markStopped(1),
    );
    return this.stopping;
  }

  /** The drain of a shutdown: the regular pipelines, then the observability pipeline. Idempotent. */
  private drainEverything(deadlineMs: number): Promise<PipelineDrainResult[]> {
    this.draining ??= (async () => {
      const results = await this.manager.drainAll(deadlineMs);
      // Last, so that it hands on the regular pipelines' last lines.
      await this.settings.telemetry?.stop(deadlineMs);
      return results;
    })();
    return this.draining;
  }

  /**
   * `POST /groups/shutdown`: the engine shuts down as on SIGTERM and exits; resolves once everything has drained, while
   * the admin API can still answer. A shutdown already under way keeps its own deadline.
   */
  private stopFromApi(deadlineMs: number): Promise<PipelineDrainResult[]> {
    this.settings.logger.info('shutdown of the engine requested through the admin API');
    void this.shutdown(deadlineMs).catch((error: unknown) => this.settings.logger.error({ err: error }, 'shutdown failed'));
    return this.drainEverything(deadlineMs);
  }

  /** Last resort on a second signal: every child is killed at once. */
  killAll(): void {
    for (const runner of this.manager.runners.values()) runner.killAll();
    this.settings.telemetry?.killAll();
  }
}
