// A shutdown's lifecycle as two transition tables: the operation's, and each core's. The shutdown executor
// (supervisor/shutdown.ts) drives both through the shutdown's record; the ShutdownStatus an operator reads is their state.
import type { TransitionTable } from './machine.js';
import type { CoreShutdownState, ShutdownState } from './operations.js';

export type ShutdownEvent =
  | 'begin'
  /** Every core drained in time. */
  | 'succeed'
  /** A core's instance exited with an error while draining (or the shutdown could not run). */
  | 'fail'
  /** A core did not drain by the deadline and was killed. */
  | 'time_out';

export const SHUTDOWN_LIFECYCLE: TransitionTable<ShutdownState, ShutdownEvent> = {
  pending: { begin: 'running', fail: 'failed' },
  running: { succeed: 'succeeded', fail: 'failed', time_out: 'timeout' },
  succeeded: {},
  failed: {},
  timeout: {},
};

/** How a core's drain ended, as the pipeline's drain reports it. */
export type CoreShutdownEvent = 'drain_ended' | 'drain_forced' | 'drain_failed';

export const CORE_SHUTDOWN_LIFECYCLE: TransitionTable<CoreShutdownState, CoreShutdownEvent> = {
  draining: { drain_ended: 'drained', drain_forced: 'forced', drain_failed: 'failed' },
  drained: {},
  forced: {},
  failed: {},
};

export function isShutdownFinished(state: ShutdownState): boolean {
  return Object.keys(SHUTDOWN_LIFECYCLE[state]).length === 0;
}
