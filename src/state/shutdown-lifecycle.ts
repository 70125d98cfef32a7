// A shutdown's lifecycle as two transition tables: the operation's, and each core's, in upstream's words. The shutdown
// executor (supervisor/shutdown.ts) drives both through the shutdown's record; the ShutdownStatus an operator reads is
// their state.
import type { TransitionTable } from './machine.js';
import type { CoreShutdownState, ShutdownState } from './operations.js';

export type ShutdownEvent =
  | 'begin'
  /** Every core drained in time. */
  | 'succeed'
  /**
   * A core's instance exited with an error while draining, or did not drain by the deadline and was killed (data it
   * held may be lost), or the shutdown could not run.
   */
  | 'fail';

export const SHUTDOWN_LIFECYCLE: TransitionTable<ShutdownState, ShutdownEvent> = {
  pending: { begin: 'running', fail: 'failed' },
  running: { succeed: 'succeeded', fail: 'failed' },
  succeeded: {},
  failed: {},
};

/** The core's instance is asked to drain; then how its drain ended, as the pipeline's drain reports it. */
export type CoreShutdownEvent = 'request' | 'drain_ended' | 'drain_forced' | 'drain_failed';

export const CORE_SHUTDOWN_LIFECYCLE: TransitionTable<CoreShutdownState, CoreShutdownEvent> = {
  pending: { request: 'shutdown_requested' },
  // A drain cut short at its deadline (the instance was killed) fails the core, as one that ended in an error does;
  // the core's `detail` says which.
  shutdown_requested: { drain_ended: 'exited', drain_forced: 'failed', drain_failed: 'failed' },
  exited: {},
  failed: {},
};

export function isShutdownFinished(state: ShutdownState): boolean {
  return Object.keys(SHUTDOWN_LIFECYCLE[state]).length === 0;
}
