// Reload (SIGHUP, `systemctl reload`): re-read the config source the engine was started with and reconcile the running
// engine to it, through the same planner and rollouts as `POST /config/reconcile`. The file is the whole desired
// state, so pipelines and groups it no longer names are drained and removed (deleteMissing). A file that does not load or
// validate changes nothing: every error is logged and kept in a `rejected` ReconcileStatus, the latest one.
import type { ComponentCatalog } from '../config/catalog.js';
import type { Logger } from 'pino';
import { formatConfigErrors, loadAndValidate } from '../config/index.js';
import type { CoreAllocation } from '../config/types.js';
import type { EngineConfig } from '../config/types.js';
import type { ReconcileStatus } from '../state/operations.js';
import { canonicalJson } from '../config/hash.js';
import type { Reconciler } from './reconcile.js';
import { notifyReady, notifyReloading } from './sd-notify.js';

/** A reload waits for its rollouts; their own step and drain timeouts bound it, this only guards against a hang. */
const RELOAD_WAIT_SECS = 3600;
/** Each rollout step, old-instance drain and delete of a reload: upstream's reconcile defaults. */
const RELOAD_STEP_SECS = 60;

export interface ConfigReloaderOptions {
  source: string;
  reconciler: Reconciler;
  availableCores: readonly number[];
  catalog: ComponentCatalog;
  /** `--num-cores` / `--core-id-range`, applied to the re-read file as at start. */
  coreAllocationOverride?: CoreAllocation;
  /** The engine section in force: the admin server is set up once, so a change to it needs a restart. */
  engineSection: () => EngineConfig['engine'];
  /** True once the engine drains for good: a reload still queued then is dropped, and systemd hears no READY. */
  stopping: () => boolean;
  /** With a state dir: a file whose `${env:…}` references cannot be kept as written is refused (nothing substituted is persisted). */
  requireWrittenForm: boolean;
  logger: Logger;
}

export class ConfigReloader {
  private running: Promise<void> | null = null;
  private again = false;

  constructor(private readonly options: ConfigReloaderOptions) {}

  /**
   * Starts a reload, or, when one is running, asks for one more after it: signals that arrive while a reload runs
   * coalesce into a single re-read of the latest file. Resolves when no reload is left to run.
   */
  request(): Promise<void> {
    if (this.running) {
      this.again = true;
      this.options.logger.info('reload requested while one is running: the file will be read again after it');
      return this.running;
    }
    this.running = this.loop().finally(() => (this.running = null));
    return this.running;
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      if (this.options.stopping()) return;
      await notifyReloading('reloading the configuration');
      const record = await this.reloadOnce().catch((error: unknown) => {
        this.options.logger.error({ err: error }, 'config reload failed unexpectedly: nothing changed');
        return this.options.reconciler.recordRejected('reload', `reload failed: ${String(error)}`);
      });
      if (!this.options.stopping()) await notifyReady(`last reload ${record.reconcileId}: ${record.state}`);
    } while (this.again);
  }

  private async reloadOnce(): Promise<ReconcileStatus> {
    const { source, reconciler, logger } = this.options;
    logger.info({ source }, 'reloading the configuration');
    const loaded = await loadAndValidate(source, {
      availableCores: this.options.availableCores,
      catalog: this.options.catalog,
      ...(this.options.coreAllocationOverride ? { coreAllocationOverride: this.options.coreAllocationOverride } : {}),
    });
    if (!loaded.ok) {
      const record = reconciler.recordRejected('reload', `the configuration in ${source} is invalid; nothing changed`, loaded.errors);
      logger.error(
        { reconcileId: record.reconcileId, source, errors: loaded.errors },
        `config reload rejected, nothing changed:\n${formatConfigErrors(loaded.errors)}`,
      );
      return record;
    }
    const written = loaded.written ?? { kind: 'lost', reason: 'the file could not be read as written' };
    if (written.kind === 'lost' && this.options.requireWrittenForm) {
      const reason = `the configuration in ${source} cannot be persisted to the state dir: ${written.reason}; nothing changed`;
      const record = reconciler.recordRejected('reload', reason);
      logger.error({ reconcileId: record.reconcileId, source }, `config reload rejected: ${reason}`);
      return record;
    }
    if (canonicalJson(loaded.config.engine ?? {}) !== canonicalJson(this.options.engineSection() ?? {})) {
      logger.warn('the engine section changed: it takes effect at the next restart');
    }
    const outcome = await reconciler.apply(
      { ...loaded, source: written.kind === 'kept' ? written.document : loaded.config },
      { deleteMissing: true, trigger: 'reload', stepTimeoutSecs: RELOAD_STEP_SECS, drainTimeoutSecs: RELOAD_STEP_SECS, deleteTimeoutSecs: RELOAD_STEP_SECS },
      { wait: true, timeoutSecs: RELOAD_WAIT_SECS },
    );
    if (outcome.kind === 'busy') {
      const reason = `pipeline busy with ${outcome.operation.type} ${outcome.operation.id}; nothing changed, reload again when it ends`;
      const record = reconciler.recordRejected('reload', reason);
      logger.warn({ reconcileId: record.reconcileId, operation: outcome.operation }, `config reload rejected: ${reason}`);
      return record;
    }
    const record = outcome.reconcile;
    const changes = record.changes
      .filter((c) => c.action !== 'noop')
      .map((c) => `${c.pipelineGroupId}${c.pipelineId === undefined ? '' : `:${c.pipelineId}`} ${c.action} ${c.state}`);
    const level = record.state === 'succeeded' ? 'info' : 'error';
    logger[level]({ reconcileId: record.reconcileId, state: record.state, changes, failureReason: record.failureReason }, 'config reload finished');
    return record;
  }
}
