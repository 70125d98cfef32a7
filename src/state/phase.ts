// The lifecycle of one instance (pipeline, core, generation) as a strict state machine. A phase is set only where the
// event that proves it arrives: `running` on the child's `ready`, `stopped`/`failed` on process exit. Its one writer is
// the instance's InstanceProcess.
import type { TransitionTable } from './machine.js';

export type InstancePhase =
  | 'pending'
  | 'starting'
  | 'running'
  | 'updating'
  | 'rolling_back'
  | 'draining'
  | 'stopped'
  | 'failed'
  | 'deleting'
  | 'deleted';

export type InstanceEvent =
  | 'spawned'
  | 'admitted'
  | 'ready'
  | 'drain_requested'
  | 'drain_started'
  | 'drained'
  | 'exited_clean'
  | 'exited_unexpectedly'
  | 'start_failed';

export const INSTANCE_PHASES: TransitionTable<InstancePhase, InstanceEvent> = {
  pending: { spawned: 'starting', start_failed: 'failed', drain_requested: 'stopped' },
  starting: {
    admitted: 'starting',
    ready: 'running',
    drain_requested: 'draining',
    start_failed: 'failed',
    exited_unexpectedly: 'failed',
    exited_clean: 'failed',
  },
  running: {
    drain_requested: 'draining',
    exited_unexpectedly: 'failed',
    exited_clean: 'failed',
  },
  updating: { ready: 'running', drain_requested: 'draining', exited_unexpectedly: 'failed', exited_clean: 'failed' },
  rolling_back: { ready: 'running', drain_requested: 'draining', exited_unexpectedly: 'failed', exited_clean: 'failed' },
  draining: {
    drain_requested: 'draining',
    drain_started: 'draining',
    drained: 'draining',
    ready: 'draining',
    admitted: 'draining',
    exited_clean: 'stopped',
    exited_unexpectedly: 'stopped',
    start_failed: 'stopped',
  },
  stopped: {},
  failed: {},
  deleting: { exited_clean: 'deleted', exited_unexpectedly: 'deleted' },
  deleted: {},
};

export function isTerminal(phase: InstancePhase): boolean {
  return phase === 'stopped' || phase === 'failed' || phase === 'deleted';
}
