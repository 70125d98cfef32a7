// A rollout's lifecycle as two transition tables: the operation's, and each core's. The executor (supervisor/rollout.ts)
// drives both through the rollout's record, which applies them; the RolloutStatus an operator reads is their state.
import type { TransitionTable } from './machine.js';
import type { CoreRolloutState, RolloutState } from './operations.js';

export type RolloutEvent =
  | 'begin'
  /** Nothing to change (same effective config): done before it began. */
  | 'noop'
  | 'succeed'
  /** Ended without rolling anything back: nothing was switched yet, or an internal error, or a create's rollback. */
  | 'fail'
  | 'roll_back'
  | 'rollback_succeeded'
  | 'rollback_failed';

export const ROLLOUT_LIFECYCLE: TransitionTable<RolloutState, RolloutEvent> = {
  pending: { begin: 'running', noop: 'succeeded', fail: 'failed' },
  running: { succeed: 'succeeded', fail: 'failed', roll_back: 'rolling_back' },
  // A rollback that restored the old generation still ends `failed`, as upstream's does: its cores say `rolled_back`.
  rolling_back: { rollback_succeeded: 'failed', rollback_failed: 'rollback_failed', fail: 'failed' },
  succeeded: {},
  failed: {},
  rollback_failed: {},
};

export type CoreRolloutEvent =
  /** A new instance is started on the core, beside what serves it. */
  | 'launch'
  /** It passed the health gate: ready, and still up after the stabilisation window. */
  | 'ready'
  /** Cutover: the listener table sends the core's new connections to it. */
  | 'switch'
  /** The old instance drains: after a cutover, or on a core the new config leaves out. */
  | 'drain_old'
  | 'retire'
  | 'fail'
  /** The rollout failed elsewhere: this core gets its previous generation back (or keeps it, if never switched). */
  | 'roll_back'
  | 'rolled_back';

export const CORE_ROLLOUT_LIFECYCLE: TransitionTable<CoreRolloutState, CoreRolloutEvent> = {
  pending: { launch: 'starting', drain_old: 'draining_old' },
  // A core started or ready but not switched when the rollout failed elsewhere goes back too (only its new instance goes).
  starting: { ready: 'ready', fail: 'failed', roll_back: 'rollback_starting' },
  ready: { switch: 'switched', roll_back: 'rollback_starting' },
  // A core the rollout added had nothing serving it before: it is done once switched.
  switched: { drain_old: 'draining_old', retire: 'retired' },
  draining_old: { retire: 'retired' },
  retired: { roll_back: 'rollback_starting' },
  rollback_starting: { rolled_back: 'rolled_back', fail: 'failed' },
  failed: {},
  rolled_back: {},
};

export function isRolloutFinished(state: RolloutState): boolean {
  return Object.keys(ROLLOUT_LIFECYCLE[state]).length === 0;
}
