// The life of the agent's connection to its server, one state machine written only by the transport that runs it.
// Logs follow the transitions: a lost server is said once when the episode begins, and once more when it ends.
import type { Logger } from 'pino';

export type ConnectionState = 'idle' | 'connecting' | 'connected' | 'backing_off' | 'stopping' | 'stopped';

const NEXT: Record<ConnectionState, readonly ConnectionState[]> = {
  idle: ['connecting', 'stopping'],
  connecting: ['connected', 'backing_off', 'stopping'],
  connected: ['connecting', 'backing_off', 'stopping'],
  backing_off: ['connecting', 'stopping'],
  stopping: ['stopped'],
  stopped: [],
};

export class IllegalConnectionTransition extends Error {}

export class ConnectionTracker {
  private current: ConnectionState = 'idle';
  private failures = 0;
  private everConnected = false;

  constructor(
    private readonly logger: Logger,
    private readonly endpoint: string,
  ) {}

  get state(): ConnectionState {
    return this.current;
  }

  connecting(): void {
    this.move('connecting');
  }

  /** Each exchange that succeeds says so; only the first after a connect or a failure changes the state. */
  connected(): void {
    if (this.current === 'connected') return;
    this.move('connected');
    if (this.failures > 0) this.logger.info({ endpoint: this.endpoint, failedAttempts: this.failures }, 'opamp: connected again');
    else if (!this.everConnected) this.logger.info({ endpoint: this.endpoint }, 'opamp: connected');
    this.failures = 0;
    this.everConnected = true;
  }

  /** `reason` never holds a secret: transports describe failures by status codes and error codes. */
  backingOff(reason: string, delayMs: number): void {
    this.move('backing_off');
    this.failures += 1;
    const fields = { endpoint: this.endpoint, reason, retryInMs: delayMs, failedAttempts: this.failures };
    if (this.failures === 1) this.logger.warn(fields, 'opamp: cannot reach the server; retrying with backoff (nothing that runs changes)');
    else this.logger.debug(fields, 'opamp: still cannot reach the server');
  }

  stopping(): void {
    if (this.current !== 'stopping' && this.current !== 'stopped') this.move('stopping');
  }

  stopped(): void {
    this.stopping();
    this.move('stopped');
  }

  private move(to: ConnectionState): void {
    if (!NEXT[this.current].includes(to)) throw new IllegalConnectionTransition(`opamp connection cannot go from ${this.current} to ${to}`);
    this.current = to;
  }
}
