// The runtime's lifecycle as one state machine: a transition table and one `transition()` that refuses illegal moves.
import type { Logger } from 'pino';

export type RuntimeState = 'built' | 'starting' | 'running' | 'draining' | 'stopped';

const NEXT: Record<RuntimeState, readonly RuntimeState[]> = {
  built: ['starting', 'draining', 'stopped'],
  starting: ['running', 'stopped'],
  running: ['draining', 'stopped'],
  draining: ['stopped'],
  stopped: [],
};

export class Lifecycle {
  private current: RuntimeState = 'built';

  constructor(private readonly logger: Logger) {}

  get state(): RuntimeState {
    return this.current;
  }

  /** Moves to `to`; an illegal move is a bug: it is logged and refused (false). */
  transition(to: RuntimeState): boolean {
    if (!NEXT[this.current].includes(to)) {
      this.logger.error({ from: this.current, to }, 'pipeline runtime: illegal lifecycle transition refused');
      return false;
    }
    this.current = to;
    return true;
  }
}
