// Upstream's CoreStatus of one runtime (a core's serving instance, or any instance): its phase with the failure reason,
// its Accepted and Ready conditions, and its recent events as upstream's ObservedEvent objects, so that upstream's
// dfctl decodes our status. Derived from the instance's phase and the core's recorded events at the moment it is asked.
import type { ConditionTracker } from '../state/conditions.js';
import type { InstancePhase } from '../state/phase.js';
import type { Condition, CoreEvent, CorePhase, CoreStatus, EngineEventType, FailReason, ObservedEvent } from '../state/status-types.js';

/** What the projection knows of one runtime. `instance` absent: nothing runs on the core (stopped, or waiting). */
export interface RuntimeView {
  group: string;
  pipeline: string;
  core: number;
  phase: InstancePhase;
  /** Set when phase is `failed`. */
  failReason?: FailReason;
  /** Why it failed, for the conditions' message. */
  failure?: string;
  /** Only events of this generation are shown (an instance's status); undefined: all of the core's. */
  generation?: number;
  lastHeartbeatTime: string | null;
  events: readonly CoreEvent[];
  /** Used when the runtime has neither heartbeat nor event yet. */
  fallbackTime: string;
}

/** A failure before the instance ever served is upstream's admission error; one after, a runtime error. */
export function failReasonOf(failedFrom: InstancePhase | null): FailReason {
  switch (failedFrom) {
    case 'pending':
    case 'starting':
      return 'admission_error';
    case 'updating':
      return 'update_failed';
    case 'rolling_back':
      return 'rollback_failed';
    default:
      return 'runtime_error';
  }
}

export function wirePhase(phase: InstancePhase, failReason: FailReason = 'runtime_error'): CorePhase {
  if (phase === 'failed') return { failed: failReason };
  if (phase === 'deleting') return { deleting: 'graceful' };
  return phase;
}

export function coreStatus(view: RuntimeView, tracker: ConditionTracker): CoreStatus {
  const events = view.generation === undefined ? view.events : view.events.filter((e) => e.generation === view.generation);
  const lastEvent = events.at(-1)?.time;
  const heard = [view.lastHeartbeatTime, lastEvent].filter((t): t is string => typeof t === 'string').sort().at(-1);
  return {
    phase: wirePhase(view.phase, view.failReason),
    lastHeartbeatTime: heard ?? view.fallbackTime,
    conditions: runtimeConditions(view, tracker),
    deletePending: false,
    recentEvents: events.map((event) => observedEvent(view, event)),
  };
}

const READY: Record<InstancePhase, { status: Condition['status']; reason: string; message: string }> = {
  pending: { status: 'False', reason: 'Pending', message: 'waiting to be started' },
  starting: { status: 'False', reason: 'Initializing', message: 'the instance is starting its nodes' },
  running: { status: 'True', reason: 'Running', message: 'the instance is running and ready to process data' },
  updating: { status: 'True', reason: 'Updating', message: 'the instance is being updated' },
  rolling_back: { status: 'False', reason: 'RollingBack', message: 'the instance is rolling back' },
  draining: { status: 'False', reason: 'Draining', message: 'the instance is draining' },
  stopped: { status: 'False', reason: 'Stopped', message: 'the instance has stopped' },
  failed: { status: 'False', reason: 'RuntimeError', message: 'the instance failed' },
  deleting: { status: 'False', reason: 'Deleting', message: 'the instance is being deleted' },
  deleted: { status: 'False', reason: 'Deleted', message: 'the instance was deleted' },
};

/** `admission_error` → `AdmissionError`: upstream's condition reasons are its fail reasons in PascalCase. */
function reasonOf(failReason: FailReason): string {
  return failReason.replace(/(^|_)([a-z])/g, (_m, _sep: string, c: string) => c.toUpperCase());
}

function runtimeConditions(view: RuntimeView, tracker: ConditionTracker): Condition[] {
  const failed = view.phase === 'failed';
  const failReason = view.failReason ?? 'runtime_error';
  const rejected = failed && (failReason === 'admission_error' || failReason === 'config_rejected');
  const accepted = rejected
    ? tracker.observe('Accepted', 'False', reasonOf(failReason), view.failure ?? 'the instance failed to start')
    : view.phase === 'pending'
      ? tracker.observe('Accepted', 'False', 'Pending', 'the configuration is waiting for an instance to start it')
      : tracker.observe('Accepted', 'True', 'ConfigValid', 'the configuration was validated and an instance started with it');
  const ready = READY[view.phase];
  const readyCondition = failed
    ? tracker.observe('Ready', 'False', reasonOf(failReason), view.failure ?? ready.message)
    : tracker.observe('Ready', ready.status, ready.reason, ready.message);
  return [accepted, readyCondition];
}

/** The supervisor's event names as upstream's event types; those upstream has no type for are `Log` entries. */
const ENGINE_TYPES: Readonly<Record<string, EngineEventType | ((message: string) => EngineEventType)>> = {
  spawned: { Request: 'StartRequested' },
  ready: { Success: 'Ready' },
  drain_requested: { Request: 'ShutdownRequested' },
  drain_started: { Success: 'IngressDrainStarted' },
  drained: { Success: 'Drained' },
  drain_incomplete: { Error: 'DrainDeadlineReached' },
  start_failed: (message) => ({ Error: { AdmissionError: { Pipeline: { error_kind: 'start_failed', message } } } }),
  startup_timeout: (message) => ({ Error: { AdmissionError: { Pipeline: { error_kind: 'startup_timeout', message } } } }),
  error: (message) => ({ Error: { RuntimeError: { Pipeline: { error_kind: 'node_error', message } } } }),
  exited_unexpectedly: (message) => ({ Error: { RuntimeError: { Pipeline: { error_kind: 'process_exit', message } } } }),
  gave_up: (message) => ({ Error: { RuntimeError: { Pipeline: { error_kind: 'restart_limit_exceeded', message } } } }),
};

export function observedEvent(view: Pick<RuntimeView, 'group' | 'pipeline' | 'core'>, event: CoreEvent): ObservedEvent {
  const type = ENGINE_TYPES[event.event];
  if (type === undefined) {
    return { Log: { time: event.time, record: { event: event.event, generation: event.generation, ...(event.message ? { message: event.message } : {}) } } };
  }
  const message = event.message ?? event.event.replace(/_/g, ' ');
  return {
    Engine: {
      key: { pipeline_group_id: view.group, pipeline_id: view.pipeline, core_id: view.core, deployment_generation: event.generation },
      time: event.time,
      type: typeof type === 'function' ? type(message) : type,
      ...(event.message ? { message: event.message } : {}),
      event: event.event,
    },
  };
}
