// The composition root: one engine owns the listener table, the process sampler, a runner per pipeline and the admin
// API, and is the only place that knows how they fit together.
import type { Logger } from 'pino';
import type { EngineConfig } from '../config/types.js';
import type { EffectivePipeline } from '../config/effective.js';
import type { LogFormat } from '../util/logger.js';
import { startAdminServer } from '../admin/server.js';
import { ListenerTable } from './listener-table.js';
import { ProcessStats } from './process-stats.js';
import { PipelineRunner } from './pipeline-runner.js';
import { EngineAdminBackend } from './engine-admin-backend.js';
import { notifyReady, notifyStopping } from './sd-notify.js';

export interface EngineSettings {
  config: EngineConfig;
  pipelines: EffectivePipeline[];
  adminBind: string;
  logger: Logger;
  logLevel: string;
  logFormat: LogFormat;
  heartbeatIntervalMs?: number;
}

/** The first deployment generation of a pipeline; every rollout of a new config takes the next one. */
const FIRST_GENERATION = 1;

export class Engine {
  readonly listeners: ListenerTable;
  readonly stats = new ProcessStats();
  readonly runners = new Map<string, PipelineRunner>();
  private admin: { address: string; close(): Promise<void> } | null = null;
  private stopping: Promise<void> | null = null;

  constructor(private readonly settings: EngineSettings) {
    this.listeners = new ListenerTable({ logger: settings.logger.child({ component: 'listeners' }) });
  }

  get config(): EngineConfig {
    return this.settings.config;
  }

  /** Starts the admin API (first, so that its address is the first thing logged), then every pipeline. */
  async start(): Promise<void> {
    const { logger } = this.settings;
    this.admin = await startAdminServer({
      backend: new EngineAdminBackend(this),
      bind: this.settings.adminBind,
      logger: logger.child({ component: 'admin' }),
    });
    logger.info({ address: this.admin.address }, 'admin listening');
    this.stats.start();
    for (const pipeline of this.settings.pipelines) {
      const runner = new PipelineRunner(pipeline, FIRST_GENERATION, {
        listeners: this.listeners,
        stats: this.stats,
        logger: logger.child({ group: pipeline.group, pipeline: pipeline.pipeline }),
        instanceOptions: {
          heartbeatIntervalMs: this.settings.heartbeatIntervalMs ?? 5000,
          logLevel: this.settings.logLevel,
          logFormat: this.settings.logFormat,
        },
      });
      this.runners.set(runner.key, runner);
    }
    const started = await Promise.allSettled([...this.runners.values()].map((runner) => runner.start()));
    const ready = [...this.runners.values()].filter((runner) => runner.status().deploymentStatus === 'running').length;
    logger.info({ pipelines: this.runners.size, ready, failed: started.filter((s) => s.status === 'rejected').length }, 'engine started');
    // systemd waits for this: sent once every pipeline has had its first start, with the outcome in STATUS.
    await notifyReady(`${ready} of ${this.runners.size} pipelines running`);
  }

  get adminAddress(): string | null {
    return this.admin?.address ?? null;
  }

  /** Drains every pipeline (receivers first) until `deadlineMs`, then closes the admin API. Idempotent. */
  shutdown(deadlineMs: number): Promise<void> {
    this.stopping ??= (async () => {
      // Told, not awaited: a stuck notify helper must never delay the drain.
      void notifyStopping();
      this.settings.logger.info('draining all pipelines');
      await Promise.all([...this.runners.values()].map((runner) => runner.drain(deadlineMs)));
      this.listeners.close();
      this.stats.stop();
      await this.admin?.close();
      this.settings.logger.info('engine stopped');
    })();
    return this.stopping;
  }

  /** Last resort on a second signal: every child is killed at once. */
  killAll(): void {
    for (const runner of this.runners.values()) {
      for (const slot of runner.slots.values()) slot.current?.kill();
    }
  }
}
