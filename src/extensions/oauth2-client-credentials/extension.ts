// extension:oauth2_client_credentials: an active extension. start() fetches the first token, retrying with backoff for
// at most `start_timeout` (a token server that is down keeps the instance from Ready, so a rollout rolls back). Then
// its own timer refreshes the token ahead of expiry, retrying with backoff while the server fails; exporters keep the
// current token until it expires, then get a refusal they retry.
import type { Logger } from 'pino';
import { parseDuration } from '../../config/duration.js';
import type { BearerToken } from '../capabilities.js';
import type { Extension } from '../extension.js';
import type { OAuth2ClientCredentialsConfig } from './descriptor.js';
import { requestToken, type TokenRequest } from './token-request.js';
import { sleep } from '../../util/backoff.js';

class OAuth2ClientCredentials implements Extension {
  readonly capabilities = { bearer_token_provider: { token: () => this.token() } };
  private readonly request: Omit<TokenRequest, 'signal'>;
  private readonly expiryBufferMs: number;
  private readonly startTimeoutMs: number;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly stopping = new AbortController();
  private current: BearerToken | undefined;
  private lastFailure: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private logger: Logger | undefined;
  private failingSince: number | undefined;

  constructor(config: OAuth2ClientCredentialsConfig) {
    this.request = {
      tokenUrl: config.token_url,
      clientId: config.client_id,
      clientSecret: config.client_secret,
      scopes: config.scopes ?? [],
      endpointParams: config.endpoint_params ?? {},
      clientAuth: config.client_auth ?? 'basic',
      timeoutMs: parseDuration(config.timeout ?? '10s'),
    };
    this.expiryBufferMs = parseDuration(config.expiry_buffer ?? '60s');
    this.startTimeoutMs = parseDuration(config.start_timeout ?? '10s');
    this.initialBackoffMs = parseDuration(config.retry?.initial_backoff ?? '250ms');
    this.maxBackoffMs = parseDuration(config.retry?.max_backoff ?? '30s');
  }

  async start(ctx: { logger: Logger }): Promise<void> {
    this.logger = ctx.logger;
    const giveUpAt = Date.now() + this.startTimeoutMs;
    let backoffMs = this.initialBackoffMs;
    for (let attempt = 1; ; attempt++) {
      // A hanging token endpoint must not hold the start past its bound either.
      if (await this.fetch(Math.max(1, giveUpAt - Date.now()))) return;
      const waitMs = Math.min(backoffMs, giveUpAt - Date.now());
      if (waitMs <= 0 || this.stopping.signal.aborted) {
        throw new Error(`no token after ${attempt} attempt${attempt === 1 ? '' : 's'} within ${this.startTimeoutMs} ms: ${this.lastFailure}`);
      }
      this.logger.warn({ attempt, retryInMs: waitMs, reason: this.lastFailure }, 'token request failed: retrying');
      // Abortable: a stop during start (a rollout given up) must not wait out the backoff.
      await sleep(waitMs, this.stopping.signal);
      backoffMs = Math.min(backoffMs * 2, this.maxBackoffMs);
    }
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async token(): Promise<BearerToken> {
    const current = this.current;
    if (current && (current.expiresAt === undefined || Date.now() < current.expiresAt)) return current;
    throw new Error(`no valid bearer token: ${this.lastFailure ?? 'the token expired before it could be refreshed'}`);
  }

  /** One token request; on success the token is current and its refresh is scheduled. */
  private async fetch(boundMs = this.request.timeoutMs): Promise<boolean> {
    const timeoutMs = Math.min(this.request.timeoutMs, boundMs);
    const outcome = await requestToken({ ...this.request, timeoutMs, signal: this.stopping.signal });
    if (this.stopping.signal.aborted) return false;
    if (!outcome.ok) {
      // An attempt cut short by the start bound says less than the failure before it (ECONNREFUSED, HTTP 401...).
      const cutShort = outcome.timedOut && timeoutMs < this.request.timeoutMs && this.lastFailure !== undefined;
      if (!cutShort) this.lastFailure = outcome.reason;
      return false;
    }
    const now = Date.now();
    const lifetimeMs = outcome.expiresIn === undefined ? undefined : outcome.expiresIn * 1000;
    this.current = { value: outcome.accessToken, ...(lifetimeMs === undefined ? {} : { expiresAt: now + lifetimeMs }) };
    this.lastFailure = undefined;
    if (this.failingSince !== undefined) {
      this.logger?.info({ failingForMs: now - this.failingSince }, 'token refresh succeeded again');
      this.failingSince = undefined;
    }
    // A token without a stated lifetime is kept until the instance stops (as OAuth libraries commonly do).
    if (lifetimeMs !== undefined) this.schedule(lifetimeMs - Math.min(this.expiryBufferMs, lifetimeMs / 2), this.initialBackoffMs);
    return true;
  }

  private schedule(delayMs: number, backoffMs: number): void {
    if (this.stopping.signal.aborted) return;
    this.timer = setTimeout(() => void this.refresh(backoffMs), Math.max(0, delayMs));
    // The instance's lifetime is decided by the supervisor, never by a pending refresh.
    this.timer.unref();
  }

  private async refresh(backoffMs: number): Promise<void> {
    if (await this.fetch()) return;
    if (this.stopping.signal.aborted) return;
    if (this.failingSince === undefined) {
      this.failingSince = Date.now();
      this.logger?.warn({ reason: this.lastFailure, expiresAt: this.current?.expiresAt }, 'token refresh failed: retrying with backoff');
    }
    this.schedule(backoffMs, Math.min(backoffMs * 2, this.maxBackoffMs));
  }
}

export function createOAuth2ClientCredentials(_name: string, config: Record<string, unknown>): Extension {
  return new OAuth2ClientCredentials(config as unknown as OAuth2ClientCredentialsConfig);
}
