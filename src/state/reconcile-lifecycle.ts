// A reconcile's lifecycle as a transition table, in upstream's states plus ours (`rejected`: a reload whose file was
// refused before anything was planned). Its one writer is the reconciler (supervisor/reconcile.ts); the
// ReconcileStatus an operator reads is its state. Each change inside it settles on its own (a rollout or a delete has
// its own record).
import type { TransitionTable } from './machine.js';
import type { ReconcileState } from './operations.js';

export type ReconcileEvent =
  /** It holds the engine and starts its rollouts. */
  | 'begin'
  /** Refused before any planning (a reload of an invalid file, or one that met a busy pipeline). */
  | 'reject'
  /** Every change it asked for succeeded. */
  | 'succeed'
  /** A change failed (nothing is deleted then), or an internal error. */
  | 'fail';

export const RECONCILE_LIFECYCLE: TransitionTable<ReconcileState, ReconcileEvent> = {
  pending: { begin: 'running', reject: 'rejected' },
  running: { succeed: 'succeeded', fail: 'failed' },
  succeeded: {},
  failed: {},
  rejected: {},
};
