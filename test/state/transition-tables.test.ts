// Every lifecycle's transition table, move by move: what each state accepts and where it leads, and that everything
// else is refused. The lists here are the specification; docs/architecture.md shows the same tables.
import { CORE_LIFECYCLE, type CoreState, type CoreTrigger } from '../../src/state/core-lifecycle.js';
import { ENGINE_LIFECYCLE, type EngineEvent, type EngineState } from '../../src/state/engine-lifecycle.js';
import type { CoreRolloutState, CoreShutdownState, ReconcileState, RolloutState, ShutdownState } from '../../src/state/operations.js';
import { INSTANCE_PHASES, type InstanceEvent, type InstancePhase } from '../../src/state/phase.js';
import { PIPELINE_LIFECYCLE, type PipelineEvent, type PipelineState } from '../../src/state/pipeline-lifecycle.js';
import { RECONCILE_LIFECYCLE, type ReconcileEvent } from '../../src/state/reconcile-lifecycle.js';
import { CORE_ROLLOUT_LIFECYCLE, ROLLOUT_LIFECYCLE, type CoreRolloutEvent, type RolloutEvent } from '../../src/state/rollout-lifecycle.js';
import { CORE_SHUTDOWN_LIFECYCLE, SHUTDOWN_LIFECYCLE, type CoreShutdownEvent, type ShutdownEvent } from '../../src/state/shutdown-lifecycle.js';
import { checkTable } from './table-check.js';

const instanceEvents: InstanceEvent[] = ['spawned', 'admitted', 'ready', 'drain_requested', 'drain_started', 'drained', 'exited_clean', 'exited_unexpectedly', 'start_failed'];
const exits = (to: InstancePhase, from: InstancePhase): Array<[InstancePhase, InstanceEvent, InstancePhase]> => [
  [from, 'exited_unexpectedly', to],
  [from, 'exited_clean', to],
];

checkTable<InstancePhase, InstanceEvent>(
  'instance phase',
  INSTANCE_PHASES,
  ['pending', 'starting', 'running', 'updating', 'rolling_back', 'draining', 'stopped', 'failed', 'deleting', 'deleted'],
  instanceEvents,
  [
    ['pending', 'spawned', 'starting'],
    ['pending', 'start_failed', 'failed'],
    ['pending', 'drain_requested', 'stopped'],
    ['starting', 'admitted', 'starting'],
    ['starting', 'ready', 'running'],
    ['starting', 'drain_requested', 'draining'],
    ['starting', 'start_failed', 'failed'],
    ...exits('failed', 'starting'),
    // A running instance stops only through draining: any exit is a failure.
    ['running', 'drain_requested', 'draining'],
    ...exits('failed', 'running'),
    ['updating', 'ready', 'running'],
    ['updating', 'drain_requested', 'draining'],
    ...exits('failed', 'updating'),
    ['rolling_back', 'ready', 'running'],
    ['rolling_back', 'drain_requested', 'draining'],
    ...exits('failed', 'rolling_back'),
    // Late messages of a draining instance change nothing; however it exits, it is stopped.
    ['draining', 'drain_requested', 'draining'],
    ['draining', 'drain_started', 'draining'],
    ['draining', 'drained', 'draining'],
    ['draining', 'ready', 'draining'],
    ['draining', 'admitted', 'draining'],
    ['draining', 'start_failed', 'stopped'],
    ...exits('stopped', 'draining'),
    ...exits('deleted', 'deleting'),
  ],
);

const observations = (state: PipelineState, to: PipelineState = state): Array<[PipelineState, PipelineEvent, PipelineState]> => [
  [state, 'all_serving', to],
  [state, 'some_serving', to],
  [state, 'none_serving', to],
  [state, 'core_failed', to],
];

checkTable<PipelineState, PipelineEvent>(
  'pipeline lifecycle',
  PIPELINE_LIFECYCLE,
  ['provisioning', 'creating', 'running', 'degraded', 'updating', 'failed', 'shutting_down', 'stopped'],
  ['all_serving', 'some_serving', 'none_serving', 'core_failed', 'listeners_failed', 'create_started', 'update_started', 'rollout_succeeded', 'rollout_failed', 'shutdown_started', 'drained'],
  [
    // Boot: the cores' progress moves a pipeline that never served.
    ['provisioning', 'all_serving', 'running'],
    ['provisioning', 'some_serving', 'degraded'],
    ['provisioning', 'none_serving', 'provisioning'],
    ['provisioning', 'core_failed', 'failed'],
    ['provisioning', 'listeners_failed', 'failed'],
    ['provisioning', 'update_started', 'updating'],
    ['provisioning', 'shutdown_started', 'shutting_down'],
    // A create or a start: nothing counts until it ends; a failed start leaves it stopped.
    ...observations('creating'),
    ['creating', 'rollout_succeeded', 'provisioning'],
    ['creating', 'rollout_failed', 'stopped'],
    ['creating', 'shutdown_started', 'shutting_down'],
    ['running', 'all_serving', 'running'],
    ['running', 'some_serving', 'degraded'],
    ['running', 'none_serving', 'degraded'],
    ['running', 'core_failed', 'failed'],
    ['running', 'update_started', 'updating'],
    ['running', 'shutdown_started', 'shutting_down'],
    ['degraded', 'all_serving', 'running'],
    ['degraded', 'some_serving', 'degraded'],
    ['degraded', 'none_serving', 'degraded'],
    ['degraded', 'core_failed', 'failed'],
    ['degraded', 'update_started', 'updating'],
    ['degraded', 'shutdown_started', 'shutting_down'],
    ...observations('updating'),
    ['updating', 'rollout_succeeded', 'degraded'],
    ['updating', 'rollout_failed', 'degraded'],
    ['updating', 'shutdown_started', 'shutting_down'],
    // Failed is sticky: only an operation moves it.
    ...observations('failed'),
    ['failed', 'listeners_failed', 'failed'],
    ['failed', 'update_started', 'updating'],
    ['failed', 'shutdown_started', 'shutting_down'],
    ...observations('shutting_down'),
    ['shutting_down', 'rollout_succeeded', 'shutting_down'],
    ['shutting_down', 'rollout_failed', 'shutting_down'],
    ['shutting_down', 'shutdown_started', 'shutting_down'],
    ['shutting_down', 'drained', 'stopped'],
    ...observations('stopped'),
    ['stopped', 'create_started', 'creating'],
    ['stopped', 'rollout_succeeded', 'stopped'],
    ['stopped', 'rollout_failed', 'stopped'],
    ['stopped', 'shutdown_started', 'stopped'],
    ['stopped', 'drained', 'stopped'],
  ],
);

checkTable<CoreState, CoreTrigger>('core lifecycle', CORE_LIFECYCLE, ['vacant', 'serving', 'backing_off', 'gave_up'], ['serve', 'restart_scheduled', 'give_up', 'release'], [
  ['vacant', 'serve', 'serving'],
  ['vacant', 'release', 'vacant'],
  ['serving', 'serve', 'serving'],
  ['serving', 'restart_scheduled', 'backing_off'],
  ['serving', 'give_up', 'gave_up'],
  ['serving', 'release', 'vacant'],
  ['backing_off', 'serve', 'serving'],
  ['backing_off', 'release', 'vacant'],
  ['gave_up', 'serve', 'serving'],
  ['gave_up', 'release', 'vacant'],
]);

checkTable<RolloutState, RolloutEvent>(
  'rollout',
  ROLLOUT_LIFECYCLE,
  ['pending', 'running', 'succeeded', 'failed', 'rolling_back', 'rollback_failed'],
  ['begin', 'noop', 'succeed', 'fail', 'roll_back', 'rollback_succeeded', 'rollback_failed'],
  [
    ['pending', 'begin', 'running'],
    ['pending', 'noop', 'succeeded'],
    ['pending', 'fail', 'failed'],
    ['running', 'succeed', 'succeeded'],
    ['running', 'fail', 'failed'],
    ['running', 'roll_back', 'rolling_back'],
    // Upstream's: a rollback that restored the old generation ends failed (its cores say rolled_back).
    ['rolling_back', 'rollback_succeeded', 'failed'],
    ['rolling_back', 'rollback_failed', 'rollback_failed'],
    ['rolling_back', 'fail', 'failed'],
  ],
);

checkTable<CoreRolloutState, CoreRolloutEvent>(
  'rollout core',
  CORE_ROLLOUT_LIFECYCLE,
  ['pending', 'starting', 'ready', 'switched', 'draining_old', 'retired', 'failed', 'rollback_starting', 'rolled_back'],
  ['launch', 'ready', 'switch', 'drain_old', 'retire', 'fail', 'roll_back', 'rolled_back'],
  [
    ['pending', 'launch', 'starting'],
    ['pending', 'drain_old', 'draining_old'],
    ['starting', 'ready', 'ready'],
    ['starting', 'fail', 'failed'],
    // Started, or past its gate, but not switched when a core beside it failed: only its new instance goes.
    ['starting', 'roll_back', 'rollback_starting'],
    ['ready', 'switch', 'switched'],
    ['ready', 'roll_back', 'rollback_starting'],
    ['switched', 'drain_old', 'draining_old'],
    ['switched', 'retire', 'retired'],
    ['draining_old', 'retire', 'retired'],
    ['retired', 'roll_back', 'rollback_starting'],
    ['rollback_starting', 'rolled_back', 'rolled_back'],
    ['rollback_starting', 'fail', 'failed'],
  ],
);

checkTable<ShutdownState, ShutdownEvent>('shutdown', SHUTDOWN_LIFECYCLE, ['pending', 'running', 'succeeded', 'failed'], ['begin', 'succeed', 'fail'], [
  ['pending', 'begin', 'running'],
  ['pending', 'fail', 'failed'],
  ['running', 'succeed', 'succeeded'],
  ['running', 'fail', 'failed'],
]);

checkTable<CoreShutdownState, CoreShutdownEvent>(
  'shutdown core',
  CORE_SHUTDOWN_LIFECYCLE,
  ['pending', 'shutdown_requested', 'exited', 'failed'],
  ['request', 'drain_ended', 'drain_forced', 'drain_failed'],
  [
    ['pending', 'request', 'shutdown_requested'],
    ['shutdown_requested', 'drain_ended', 'exited'],
    // A drain cut short at its deadline fails the core, as upstream's does.
    ['shutdown_requested', 'drain_forced', 'failed'],
    ['shutdown_requested', 'drain_failed', 'failed'],
  ],
);

checkTable<ReconcileState, ReconcileEvent>(
  'reconcile',
  RECONCILE_LIFECYCLE,
  ['pending', 'running', 'succeeded', 'failed', 'rejected'],
  ['begin', 'reject', 'succeed', 'fail'],
  [
    ['pending', 'begin', 'running'],
    ['pending', 'reject', 'rejected'],
    ['running', 'succeed', 'succeeded'],
    ['running', 'fail', 'failed'],
  ],
);

checkTable<EngineState, EngineEvent>('engine', ENGINE_LIFECYCLE, ['idle', 'booting', 'serving', 'closing'], ['boot_started', 'boot_ended', 'drain_started'], [
  ['idle', 'boot_started', 'booting'],
  ['idle', 'drain_started', 'closing'],
  ['booting', 'boot_ended', 'serving'],
  ['booting', 'drain_started', 'closing'],
  ['serving', 'drain_started', 'closing'],
  ['closing', 'boot_ended', 'closing'],
  ['closing', 'drain_started', 'closing'],
]);
