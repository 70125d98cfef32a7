// The lifecycle of one core of a pipeline, as the supervisor keeps it: whether an instance serves it, whether runtime
// recovery is waiting to restart one, or has given up. The instance serving it has its own phase (phase.ts); this is
// what outlives instances. Its one writer is the core's slot (supervisor/core-slot.ts).
import type { TransitionTable } from './machine.js';

export type CoreState =
  /** No instance serves it: not started yet, or taken out of service (resize down, shutdown). */
  | 'vacant'
  /** An instance serves it (it may still be starting), and recovery watches it. */
  | 'serving'
  /** The serving instance crashed; a restart is scheduled after the backoff. */
  | 'backing_off'
  /** Recovery gave up (restart limit, or recovery disabled): down until a rollout brings a new instance. */
  | 'gave_up';

export type CoreTrigger =
  /** An instance takes the core: a first start, a restart, or a rollout's cutover. */
  | 'serve'
  | 'restart_scheduled'
  | 'give_up'
  | 'release';

export const CORE_LIFECYCLE: TransitionTable<CoreState, CoreTrigger> = {
  vacant: { serve: 'serving', release: 'vacant' },
  serving: { serve: 'serving', restart_scheduled: 'backing_off', give_up: 'gave_up', release: 'vacant' },
  backing_off: { serve: 'serving', release: 'vacant' },
  gave_up: { serve: 'serving', release: 'vacant' },
};
