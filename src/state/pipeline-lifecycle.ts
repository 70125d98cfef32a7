// The lifecycle of one pipeline (its deployment status) as one transition table. Its one writer is the pipeline's
// runner: operations tell it when they start and end, and after every change of an instance or a core it reports what
// its cores show now (an observation: all serving, some, none, or a core that recovery gave up on). The table alone
// decides what that means for the pipeline: whether it has served before, whether an operation hides the cores'
// comings and goings, whether a failure is sticky. The status projection only reads the result.
import { StateMachine, type BugReporter, type TransitionTable } from './machine.js';
import type { DeploymentError, DeploymentStatus, DesiredStatus } from './status-types.js';
import { isoNow } from '../util/time.js';

export type PipelineState =
  /** Nothing has served yet; recovery is on (the boot start) and the cores' progress moves it. */
  | 'provisioning'
  /** A create or a start runs: nothing served before it, and nothing counts until it ends. Shown `provisioning`. */
  | 'creating'
  | 'running'
  /** It has served, and not every core serves now. */
  | 'degraded'
  /** A rollout changes a deployed pipeline. */
  | 'updating'
  /** A core's recovery gave up, or the listeners could not be bound; stays until a rollout or a shutdown. */
  | 'failed'
  | 'shutting_down'
  | 'stopped';

export type PipelineEvent =
  | 'all_serving'
  | 'some_serving'
  | 'none_serving'
  | 'core_failed'
  | 'listeners_failed'
  | 'create_started'
  | 'update_started'
  | 'rollout_succeeded'
  | 'rollout_failed'
  | 'shutdown_started'
  | 'drained';

type Observation = Extract<PipelineEvent, 'all_serving' | 'some_serving' | 'none_serving' | 'core_failed'>;

/** Under an operation, failed, or stopping, what the cores show changes nothing. */
function unchanged<S extends PipelineState>(state: S): Record<Observation, S> {
  return { all_serving: state, some_serving: state, none_serving: state, core_failed: state };
}

export const PIPELINE_LIFECYCLE: TransitionTable<PipelineState, PipelineEvent> = {
  provisioning: {
    all_serving: 'running',
    some_serving: 'degraded',
    none_serving: 'provisioning',
    core_failed: 'failed',
    listeners_failed: 'failed',
    update_started: 'updating',
    shutdown_started: 'shutting_down',
  },
  creating: { ...unchanged('creating'), rollout_succeeded: 'provisioning', rollout_failed: 'stopped', shutdown_started: 'shutting_down' },
  running: {
    all_serving: 'running',
    some_serving: 'degraded',
    none_serving: 'degraded',
    core_failed: 'failed',
    update_started: 'updating',
    shutdown_started: 'shutting_down',
  },
  degraded: {
    all_serving: 'running',
    some_serving: 'degraded',
    none_serving: 'degraded',
    core_failed: 'failed',
    update_started: 'updating',
    shutdown_started: 'shutting_down',
  },
  // Whatever a rollout ended with, the pipeline served before it: the observation that follows places it.
  updating: { ...unchanged('updating'), rollout_succeeded: 'degraded', rollout_failed: 'degraded', shutdown_started: 'shutting_down' },
  failed: { ...unchanged('failed'), listeners_failed: 'failed', update_started: 'updating', shutdown_started: 'shutting_down' },
  // An engine shutdown may overtake a rollout, and a second drain the first: both end where the drain ends.
  shutting_down: { ...unchanged('shutting_down'), rollout_succeeded: 'shutting_down', rollout_failed: 'shutting_down', shutdown_started: 'shutting_down', drained: 'stopped' },
  stopped: {
    ...unchanged('stopped'),
    create_started: 'creating',
    rollout_succeeded: 'stopped',
    rollout_failed: 'stopped',
    shutdown_started: 'stopped',
    drained: 'stopped',
  },
};

/** The status a state shows (CONTRACT.md §3 has no `creating`: a first start is provisioning, whoever asked for it). */
export function deploymentStatusOf(state: PipelineState): DeploymentStatus {
  return state === 'creating' ? 'provisioning' : state;
}

/** Whether the pipeline is meant to run: everything but a stopping or stopped one. */
export function desiredStatusOf(state: PipelineState): DesiredStatus {
  return state === 'shutting_down' || state === 'stopped' ? 'stopped' : 'running';
}

/** What one core shows the pipeline: whether its serving instance runs, and why recovery gave it up, if it did. */
export interface CoreObservation {
  serving: boolean;
  failure: DeploymentError | null;
}

/** The observation event of a pipeline's cores now; a failed core outweighs the others. */
export function observe(cores: readonly CoreObservation[]): { event: 'core_failed'; error: DeploymentError } | { event: Exclude<Observation, 'core_failed'> } {
  const failed = cores.find((core) => core.failure !== null);
  if (failed) return { event: 'core_failed', error: failed.failure! };
  const serving = cores.filter((core) => core.serving).length;
  if (serving > 0 && serving === cores.length) return { event: 'all_serving' };
  return { event: serving > 0 ? 'some_serving' : 'none_serving' };
}

/** The pipeline's state with what the status shows beside it: since when, and why it failed. */
export class PipelineLifecycle {
  private readonly machine: StateMachine<PipelineState, PipelineEvent>;
  private shownSince = isoNow();
  private failure: DeploymentError | null = null;

  constructor(subject: string, reportBug: BugReporter, initial: PipelineState = 'provisioning') {
    this.machine = new StateMachine('pipeline lifecycle', subject, PIPELINE_LIFECYCLE, initial, reportBug);
  }

  get state(): PipelineState {
    return this.machine.state;
  }

  get deployment(): { status: DeploymentStatus; since: string; error: DeploymentError | null } {
    return { status: deploymentStatusOf(this.state), since: this.shownSince, error: this.failure };
  }

  get desired(): DesiredStatus {
    return desiredStatusOf(this.state);
  }

  /** `error` says why, for the events that can fail the pipeline; the first one stays while it is failed. */
  apply(event: PipelineEvent, error?: DeploymentError): boolean {
    const moved = this.machine.apply(event);
    if (moved.kind === 'refused') return false;
    if (moved.to !== 'failed') this.failure = null;
    else if (moved.from !== 'failed' || this.failure === null) this.failure = error ?? null;
    if (deploymentStatusOf(moved.to) !== deploymentStatusOf(moved.from)) this.shownSince = isoNow();
    return true;
  }
}
