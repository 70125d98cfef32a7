// Applying what a server sends in remote_config: the whole desired config, through the control plane's reconcile (the
// same one as `POST /config/reconcile` and SIGHUP: validated whole, health-gated rollouts, rollback on failure, noop
// for unchanged pipelines). One config is applied at a time; one that arrives meanwhile waits in a single slot, where
// a newer one replaces it. A hash already applied (or refused) is never applied again.
import type { Logger } from 'pino';
import type { LiveAdminBackend, ReconcileOutcome, ReconcileRequest } from '../state/commands.js';
import { formatConfigErrors } from '../config/errors.js';
import { sleep } from '../util/backoff.js';
import { ExponentialBackoff, type BackoffSettings } from './backoff.js';
import { sameBytes } from './instance-uid.js';
import { remoteDocument } from './remote-config-document.js';
import { nextRemoteConfigReport, type RemoteConfigReport } from './remote-config-status.js';
import type { AgentRemoteConfig } from './proto.js';
import type { AgentMemory } from './memory.js';

/** What the OpAMP client asks of the control plane: its reads and the reconcile (src/state/commands.ts). */
export type OpampControlPlane = Pick<LiveAdminBackend, 'status' | 'committedConfig' | 'reconcile'>;

/** Rollouts are bounded by their own step and drain timeouts; this only guards against a reconcile that never ends. */
const APPLY_WAIT_SECS = 3600;
/** A status message is a short reason, not a dump: a config with hundreds of errors is cut, saying how many are left. */
const MAX_MESSAGE_ERRORS = 20;

/** The reconcile's own timeouts, from the extension's `reconcile` section. */
export type ReconcileTimeouts = Pick<ReconcileRequest, 'stepTimeoutSecs' | 'drainTimeoutSecs' | 'deleteTimeoutSecs'>;

export interface RemoteConfigOptions {
  controlPlane: OpampControlPlane;
  remoteConfigKey: string;
  deleteMissing: boolean;
  timeouts: ReconcileTimeouts;
  /** Paces retries while a pipeline the config touches is busy with another operation. */
  busyRetry: BackoffSettings;
  logger: Logger;
  /** Told whenever the reported status changes, so the transport sends it without waiting for a heartbeat. */
  onChange: () => void;
  /** With a state dir: the last config finished before a restart is where the status starts, and each one finished is kept. */
  memory?: AgentMemory;
}

export class RemoteConfigApplier {
  private report: RemoteConfigReport = { state: 'unset', hash: new Uint8Array(), message: '' };
  private waiting: AgentRemoteConfig | null = null;
  private running: Promise<void> | null = null;
  private readonly stopper = new AbortController();

  constructor(private readonly options: RemoteConfigOptions) {
    const kept = options.memory?.remembered.remoteConfig;
    // The effective config reported is the committed one, which a restart with a state dir runs again: so it is still applied.
    if (kept) this.report = { state: kept.state, hash: Uint8Array.from(Buffer.from(kept.hash, 'hex')), message: kept.message };
  }

  get status(): RemoteConfigReport {
    return this.report;
  }

  /** A remote config the server sent: applied unless its hash is the one reported already or already waiting. */
  offer(remote: AgentRemoteConfig): void {
    if (this.stopper.signal.aborted || remote.config === undefined) return;
    if (this.report.state !== 'unset' && sameBytes(remote.configHash, this.report.hash)) return;
    if (this.waiting && sameBytes(remote.configHash, this.waiting.configHash)) return;
    this.waiting = remote;
    this.running ??= this.drainSlot().finally(() => (this.running = null));
  }

  /** No config is applied after this; one whose reconcile runs already goes on (the engine's own shutdown bounds it). */
  stop(): void {
    this.stopper.abort();
    this.waiting = null;
  }

  private async drainSlot(): Promise<void> {
    while (this.waiting && !this.stopper.signal.aborted) {
      const remote = this.waiting;
      this.waiting = null;
      await this.applyOne(remote).catch((error: unknown) => {
        this.options.logger.error({ err: error }, 'opamp: applying a remote config failed unexpectedly');
        this.set({ state: 'failed', hash: remote.configHash, message: `the agent failed to apply it: ${String(error)}` });
      });
    }
  }

  private async applyOne(remote: AgentRemoteConfig): Promise<void> {
    const { logger } = this.options;
    const hash = remote.configHash;
    const hashHex = Buffer.from(hash).toString('hex');
    const found = remoteDocument(remote, this.options.remoteConfigKey);
    if (found.kind === 'empty') {
      logger.debug({ hash: hashHex }, 'opamp: remote config is empty; nothing to apply');
      return;
    }
    if (found.kind === 'unusable') {
      const message = `the remote config was refused, nothing changed: ${found.reason}`;
      logger.error({ hash: hashHex }, `opamp: ${message}`);
      this.set({ state: 'failed', hash, message });
      return;
    }
    this.set({ state: 'applying', hash, message: '' });
    logger.info({ hash: hashHex, deleteMissing: this.options.deleteMissing }, 'opamp: applying a remote config');
    const outcome = await this.reconcileWhenFree(found.document, hash);
    if (outcome === null) return;
    const result = describe(outcome);
    this.set({ state: result.state, hash, message: result.message });
    const level = result.state === 'applied' ? 'info' : 'error';
    logger[level]({ hash: hashHex, state: result.state, reason: result.message || undefined }, 'opamp: remote config finished');
  }

  /**
   * Reconciles, retrying while a pipeline it touches is busy with another operation (which always ends). Null when a
   * newer config arrived or the agent stopped meanwhile: this one is dropped for it.
   */
  private async reconcileWhenFree(document: unknown, hash: Uint8Array): Promise<Exclude<ReconcileOutcome, { kind: 'busy' }> | null> {
    const backoff = new ExponentialBackoff(this.options.busyRetry);
    const request: ReconcileRequest = { config: document, deleteMissing: this.options.deleteMissing, trigger: 'opamp', ...this.options.timeouts };
    for (;;) {
      const outcome = await this.options.controlPlane.reconcile(request, { wait: true, timeoutSecs: APPLY_WAIT_SECS });
      if (outcome.kind !== 'busy') return outcome;
      const delayMs = backoff.next();
      this.options.logger.info({ operation: outcome.operation, delayMs, hash: Buffer.from(hash).toString('hex') }, 'opamp: a pipeline is busy; the remote config waits for it');
      await sleep(delayMs, this.stopper.signal);
      if (this.stopper.signal.aborted || this.waiting !== null) return null;
    }
  }

  private set(next: RemoteConfigReport): void {
    this.report = nextRemoteConfigReport(this.report, next);
    if (next.state === 'applied' || next.state === 'failed') {
      this.options.memory?.remember({ remoteConfig: { hash: Buffer.from(next.hash).toString('hex'), state: next.state, message: next.message } });
    }
    this.options.onChange();
  }
}

function describe(outcome: Exclude<ReconcileOutcome, { kind: 'busy' }>): { state: 'applied' | 'failed'; message: string } {
  switch (outcome.kind) {
    case 'succeeded':
      return { state: 'applied', message: '' };
    case 'invalid': {
      const shown = formatConfigErrors(outcome.errors.slice(0, MAX_MESSAGE_ERRORS));
      const more = outcome.errors.length > MAX_MESSAGE_ERRORS ? `\n(${outcome.errors.length - MAX_MESSAGE_ERRORS} more errors)` : '';
      return { state: 'failed', message: `the remote config is invalid, nothing changed:\n${shown}${more}` };
    }
    case 'failed':
      return {
        state: 'failed',
        message: `reconcile ${outcome.reconcile.reconcileId} failed: ${outcome.reconcile.failureReason ?? 'no reason given'}; pipelines that failed keep their previous config`,
      };
    case 'timeout':
      return { state: 'failed', message: `reconcile ${outcome.reconcile.reconcileId} did not finish within ${APPLY_WAIT_SECS} s; it goes on` };
    case 'accepted':
      return { state: 'failed', message: `reconcile ${outcome.reconcile.reconcileId} was not waited for (a bug of the agent)` };
  }
}

